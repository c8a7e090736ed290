#!/bin/sh
# nfsite import mediawiki --xml: dumpBackup.php exports (full history and current), plain
# and gzip-compressed; the same pages as the database reader, byte for byte.
. "$(dirname "$0")/lib.sh"

MW=$FIX/mediawiki
cp "$MW/db/nfwiki.sqlite" "$MW/dump-full.xml" "$MW/dump-current.xml" .
gzip -c dump-full.xml >dump-full.xml.gz

import() { # import DIR ARGS…
	d=$1; shift
	mkdir "$d" && (cd "$d" && nfsite import mediawiki --old-url-prefix http://127.0.0.1/wiki \
		--report report.json "$@" 2>err)
}
body() { awk "n >= 2 { print } /^---\$/ { n++ }" "$1"; }
count() { sqlite3 :memory: "SELECT json_extract(readfile('$1/report.json'), '\$.$2')"; }

test_expect_success 'imports the full dump: 44 pages, all 105 revisions, 8 redirects' '
	import full --xml ../dump-full.xml --images "$MW/images" &&
	test "$(count full read.pages)" = 44 &&
	test "$(count full read.revisions)" = 105 &&
	test "$(count full read.redirects)" = 8
'
test_expect_success 'full dump: read = written + redirected + skipped' '
	test "$(count full written)" = 31 && test "$(count full redirected)" = 6 &&
	test "$(count full skipped)" = 7
'
test_expect_success 'full dump: revision counts and contributors come from every revision' '
	grep_q "revisions: 7" full/content/wiki/conntrack-tools.md &&
	grep_q "revisions: 6" full/content/wiki/talk-conntrack-tools.md &&
	grep_q "- \"198.51.100.23\"" full/content/wiki/conntrack-tools.md
'
test_expect_success 'the full dump gives exactly the database reader'"'"'s pages and redirects' '
	import db --db ../nfwiki.sqlite --site-name "netfilter wiki" --images "$MW/images" &&
	test_cmp db/content full/content &&
	test_cmp db/data/redirects/wiki.txt full/data/redirects/wiki.txt
'
test_expect_success 'a .gz dump reads the same as the plain one' '
	import gz --xml ../dump-full.xml.gz --images "$MW/images" &&
	test_cmp full/content gz/content
'
test_expect_success 'the current dump: same pages and bodies, one revision each' '
	import cur --xml ../dump-current.xml --images "$MW/images" &&
	test "$(count cur read.pages)" = 44 && test "$(count cur read.revisions)" = 44 &&
	(cd full/content/wiki && ls) >a && (cd cur/content/wiki && ls) >b && test_cmp a b &&
	for f in full/content/wiki/*.md; do
		g=cur/content/wiki/${f##*/}
		body "$f" >x && body "$g" >y && test -s x &&
		{ cmp -s x y || { echo "body differs: $f"; exit 1; }; }
	done &&
	grep_q "revisions: 1" cur/content/wiki/conntrack-tools.md
'
test_expect_success 'namespace names come from siteinfo' '
	grep_q "original_title: \"Netfilter wiki:About\"" full/content/wiki/netfilter-wiki-about.md &&
	grep_q "original_title: \"User talk:Ulogfan\"" full/content/wiki/user-talk-ulogfan.md
'
test_expect_success 'without --old-url-prefix the old address comes from <siteinfo><base>' '
	mkdir base && (cd base && nfsite import mediawiki --xml ../dump-current.xml 2>err) &&
	grep_q "original_url: \"http://127.0.0.1/wiki/index.php/Conntrack-tools\"" base/content/wiki/conntrack-tools.md &&
	grep -qx "/wiki/index.php?title=Conntrack-tools /wiki/conntrack-tools/" base/data/redirects/wiki.txt
'
test_expect_success 'a <siteinfo><base> of short URLs (/wiki/Main_Page) gives the article path' '
	sed "s|<base>[^<]*</base>|<base>https://wiki.example.org/wiki/Main_Page</base>|" dump-current.xml >short.xml &&
	mkdir short && (cd short && nfsite import mediawiki --xml ../short.xml --old-url-prefix https://wiki.example.org/w 2>err) &&
	grep -qx "/wiki/Conntrack-tools /wiki/conntrack-tools/" short/data/redirects/wiki.txt &&
	grep -qx "/w/index.php/Conntrack-tools /wiki/conntrack-tools/" short/data/redirects/wiki.txt
'
test_expect_success 'an export whose <siteinfo> names no index.php needs --old-url-prefix' '
	sed "/<base>/d" dump-current.xml >nobase.xml && mkdir nobase && cd nobase &&
	expect_exit 2 "$NFSITE" import mediawiki --xml ../nobase.xml &&
	grep -q "nobase.xml: error: the old wiki.s address is not known" err && grep_q "--old-url-prefix" err &&
	! test -e content
'
test_done
