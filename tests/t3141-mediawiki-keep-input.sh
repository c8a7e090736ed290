#!/bin/sh
# nfsite import mediawiki never destroys its input or files it did not write: no output
# (--out folder, --report, redirect maps) may land on an input or hold one, an existing
# --out folder must be empty or hold pages an import wrote, an export of the wrong kind
# or one with no page fails, and a cut export says "truncated". Every file stays as it was.
. "$(dirname "$0")/lib.sh"

MW=$FIX/mediawiki
cp "$MW/dump-full.xml" dump.xml && cp "$MW/dump-full.xml" orig.xml
report() { sqlite3 :memory: "SELECT json_extract(readfile('$1'), '\$.$2')"; }

test_expect_success 'an --out folder that holds the input is refused' '
	mkdir -p w/sub && cp orig.xml w/sub/dump.xml &&
	expect_exit 1 nfsite import mediawiki --old-url-prefix https://wiki.example.org/w --xml w/sub/dump.xml --out w &&
	grep_q "w: error: --out holds the input w/sub/dump.xml" err &&
	cmp orig.xml w/sub/dump.xml && test "$(find w -type f | wc -l)" = 1 &&
	mkdir here && cd here && cp ../orig.xml dump.xml &&
	expect_exit 1 "$NFSITE" import mediawiki --xml dump.xml --out . && grep_q "--out holds the input" err
'
test_expect_success '--report on the input is refused, the dump untouched' '
	mkdir r && cd r &&
	expect_exit 1 "$NFSITE" import mediawiki --xml ../dump.xml --report ../dump.xml &&
	grep_q "../dump.xml: error: --report is the input ../dump.xml" err && cmp ../orig.xml ../dump.xml &&
	! test -e content
'
test_expect_success '--report on site.lua is refused too' '
	mkdir s && cd s && echo "return {}" >site.lua && cp site.lua site.orig &&
	expect_exit 1 "$NFSITE" import mediawiki --xml ../dump.xml --report site.lua &&
	grep_q "site.lua: error: --report is the input site.lua" err && cmp site.orig site.lua
'
test_expect_success 'a redirect file on the input is refused' '
	mkdir -p m/data/redirects && cd m && cp ../orig.xml data/redirects/wiki.txt &&
	expect_exit 1 "$NFSITE" import mediawiki --old-url-prefix https://wiki.example.org/w --xml data/redirects/wiki.txt &&
	grep_q "data/redirects/wiki.txt: error: the redirect file is the input data/redirects/wiki.txt" err &&
	cmp ../orig.xml data/redirects/wiki.txt
'
# A -wal holds the wiki's last transactions until a checkpoint; -journal and -shm are
# SQLite's too. The process below leaves its -wal behind, as a crashed MediaWiki would.
test_expect_success 'an output on the database'"'"'s -wal, -journal or -shm is refused' '
	cp "$MW/db/nfwiki.sqlite" wiki.sqlite && chmod u+w wiki.sqlite && python3 -c "
import os, sqlite3
c = sqlite3.connect(\"wiki.sqlite\")
c.execute(\"PRAGMA journal_mode = wal\"); c.execute(\"CREATE TABLE last(x)\")
c.execute(\"INSERT INTO last VALUES (42)\"); c.commit(); os._exit(0)" &&
	test -s wiki.sqlite-wal && cp wiki.sqlite-wal wal.orig && cp wiki.sqlite-shm shm.orig && mkdir sub &&
	expect_exit 1 nfsite import mediawiki --old-url-prefix https://wiki.example.org/w --db wiki.sqlite --out site --report wiki.sqlite-wal &&
	grep_q "wiki.sqlite-wal: error: --report is the input wiki.sqlite-wal: refusing" err &&
	cmp wal.orig wiki.sqlite-wal && ! test -e site &&
	expect_exit 1 nfsite import mediawiki --old-url-prefix https://wiki.example.org/w --db wiki.sqlite --out wiki.sqlite-journal &&
	grep_q "error: --out holds the input wiki.sqlite-journal" err && ! test -e wiki.sqlite-journal &&
	expect_exit 1 nfsite import mediawiki --old-url-prefix https://wiki.example.org/w --db wiki.sqlite --out site --report sub/../wiki.sqlite-shm &&
	grep_q "error: --report is the input wiki.sqlite-shm" err && cmp shm.orig wiki.sqlite-shm &&
	test "$(sqlite3 wiki.sqlite "SELECT x FROM last")" = 42
'
test_expect_success 'a folder of pages written by hand is refused as --out, even with --force' '
	mkdir -p hand/docs && printf "# My notes\n" >hand/docs/conntrack-tools.md &&
	cp hand/docs/conntrack-tools.md notes.orig && cd hand &&
	expect_exit 1 "$NFSITE" import mediawiki --xml ../dump.xml --out docs --force &&
	grep_q "docs: error: holds files that nfsite import did not write" err &&
	cmp ../notes.orig docs/conntrack-tools.md && test "$(ls docs)" = conntrack-tools.md
'
test_expect_success 'a folder an import wrote is imported into again; an empty one or one with dot-files too' '
	mkdir again && cd again && nfsite import mediawiki --xml ../dump.xml 2>/dev/null &&
	printf "hand\n" >content/wiki/extra-by-hand.md &&
	nfsite import mediawiki --xml ../dump.xml --report r.json 2>err &&
	test "$(report r.json created)" = 0 && test -f content/wiki/extra-by-hand.md &&
	mkdir -p ../dots/content/wiki && touch ../dots/content/wiki/.gitkeep && cd ../dots &&
	nfsite import mediawiki --xml ../dump.xml 2>err && test -f content/wiki/conntrack-tools.md
'
test_expect_success 'a file as --out is refused' '
	echo "text" >afile && expect_exit 1 nfsite import mediawiki --xml dump.xml --out afile &&
	grep_q "afile: error: --out must be a folder" err && test "$(cat afile)" = text
'
test_expect_success 'an export without a page fails; --allow-empty imports it' '
	printf "<mediawiki><siteinfo><sitename>t</sitename></siteinfo></mediawiki>\n" >none.xml &&
	mkdir e && cd e &&
	expect_exit 1 "$NFSITE" import mediawiki --old-url-prefix https://wiki.example.org/w --xml ../none.xml &&
	grep_q "../none.xml: error: no page read: nothing to import (--allow-empty imports an empty wiki)" err &&
	! test -e content && ! test -e data &&
	"$NFSITE" import mediawiki --old-url-prefix https://wiki.example.org/w --xml ../none.xml --allow-empty 2>err &&
	test -f data/redirects/wiki.txt &&
	"$NFSITE" import --help 2>&1 | grep -q -- --allow-empty
'
test_expect_success 'a Bugzilla export given to --xml: the root element is named' '
	mkdir b && cd b && expect_exit 1 "$NFSITE" import mediawiki --old-url-prefix https://wiki.example.org/w --xml "$FIX/bugzilla/bugs.xml" &&
	grep_q "not a MediaWiki XML export (the root element is <bugzilla>)" err && ! test -e content
'
test_expect_success 'a cut export says "truncated", not "Extra content at the end of the document"' '
	head -c 60000 dump.xml >cut.xml && mkdir t && cd t &&
	expect_exit 1 "$NFSITE" import mediawiki --old-url-prefix https://wiki.example.org/w --xml ../cut.xml &&
	grep -q "^\.\./cut\.xml:[0-9]*: error: truncated XML export: the file ends before </mediawiki>" err &&
	grep_not "Extra content" err && ! test -e content &&
	gzip -c ../dump.xml | head -c 20000 >../cut.xml.gz &&
	expect_exit 1 "$NFSITE" import mediawiki --old-url-prefix https://wiki.example.org/w --xml ../cut.xml.gz &&
	grep -q "^\.\./cut\.xml\.gz:[0-9]*: error: truncated XML export" err
'
test_done
