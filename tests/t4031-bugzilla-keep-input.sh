#!/bin/sh
# nfsite import bugzilla never destroys its input or a file it did not write: --out or
# --report on an input (also through a symlink, a hard link or ../), an --out that is
# not an archive nfsite wrote, an export of the wrong kind, an import that read no bug.
# Each is refused with a clear error and every file is left as it was.
. "$(dirname "$0")/lib.sh"

BZ=$FIX/bugzilla
cp "$BZ/bugzilla.sqlite" bz.sqlite && chmod u+w bz.sqlite
cp "$BZ/bugzilla.sqlite" orig.sqlite

test_expect_success '--out equal to --db is refused, the database untouched' '
	expect_exit 1 nfsite import bugzilla --db bz.sqlite --out bz.sqlite &&
	grep_q "bz.sqlite: error: --out is the input bz.sqlite" err && cmp orig.sqlite bz.sqlite
'
test_expect_success '... also through ../, a symbolic link or a hard link' '
	mkdir sub && expect_exit 1 nfsite import bugzilla --db bz.sqlite --out sub/../bz.sqlite &&
	ln -s bz.sqlite sym.sqlite && expect_exit 1 nfsite import bugzilla --db sym.sqlite --out bz.sqlite &&
	ln bz.sqlite hard.sqlite && expect_exit 1 nfsite import bugzilla --db bz.sqlite --out hard.sqlite &&
	grep_q "--out is the input" err && cmp orig.sqlite bz.sqlite
'
# A -wal holds the input's last transactions until a checkpoint; -journal and -shm are
# SQLite's too. The process below leaves its -wal behind, as a crashed Bugzilla would.
test_expect_success '--out or --report on the input'"'"'s -wal, -journal or -shm is refused' '
	cp orig.sqlite wal.sqlite && python3 -c "
import os, sqlite3
c = sqlite3.connect(\"wal.sqlite\")
c.execute(\"PRAGMA journal_mode = wal\"); c.execute(\"CREATE TABLE last(x)\")
c.execute(\"INSERT INTO last VALUES (42)\"); c.commit(); os._exit(0)" &&
	test -s wal.sqlite-wal && cp wal.sqlite-wal wal.orig &&
	expect_exit 1 nfsite import bugzilla --db wal.sqlite --out wal.sqlite-wal &&
	grep_q "wal.sqlite-wal: error: --out is the input wal.sqlite-wal: refusing" err &&
	cmp wal.orig wal.sqlite-wal &&
	for side in -journal -shm; do
		expect_exit 1 nfsite import bugzilla --db bz.sqlite --out "bz.sqlite$side" &&
		grep_q "error: --out is the input bz.sqlite$side" err && ! test -e "bz.sqlite$side" || exit 1
	done &&
	expect_exit 1 nfsite import bugzilla --db bz.sqlite --out a.sqlite --report sub/../bz.sqlite-journal &&
	grep_q "error: --report is the input bz.sqlite-journal" err && ! test -e bz.sqlite-journal &&
	test "$(sqlite3 wal.sqlite "SELECT x FROM last")" = 42
'
test_expect_success '--report on the input, or on --out, is refused' '
	expect_exit 1 nfsite import bugzilla --db bz.sqlite --out a.sqlite --report bz.sqlite &&
	grep_q "bz.sqlite: error: --report is the input bz.sqlite" err && cmp orig.sqlite bz.sqlite &&
	expect_exit 1 nfsite import bugzilla --db bz.sqlite --out a.sqlite --report a.sqlite &&
	grep_q "--report is the archive --out" err && ! test -e a.sqlite
'
test_expect_success 'a temporary file is never one an input could be (a.sqlite.tmp)' '
	cp orig.sqlite a.sqlite.tmp &&
	nfsite import bugzilla -q --db a.sqlite.tmp --out a.sqlite && cmp orig.sqlite a.sqlite.tmp &&
	test "$(sqlite3 a.sqlite "PRAGMA application_id")" = 1852195450
'
test_expect_success 'an archive nfsite wrote is replaced; so is an empty file' '
	nfsite import bugzilla -q --db bz.sqlite --out a.sqlite && : >empty.sqlite &&
	nfsite import bugzilla -q --db bz.sqlite --out empty.sqlite && cmp a.sqlite empty.sqlite
'
test_expect_success 'an archive written before archives carried an application_id is replaced' '
	cp a.sqlite old.sqlite && sqlite3 old.sqlite "PRAGMA application_id = 0" &&
	nfsite import bugzilla -q --db bz.sqlite --out old.sqlite && cmp a.sqlite old.sqlite
'
test_expect_success 'another SQLite database as --out is refused (a Bugzilla, any other)' '
	cp orig.sqlite other.sqlite &&
	expect_exit 1 nfsite import bugzilla --db bz.sqlite --out other.sqlite &&
	grep_q "other.sqlite: error: exists and is not a bug archive written by nfsite" err &&
	cmp orig.sqlite other.sqlite &&
	sqlite3 app.sqlite "CREATE TABLE meta(key, value); INSERT INTO meta VALUES (\"schema_version\", \"1\")" &&
	cp app.sqlite app.orig && expect_exit 1 nfsite import bugzilla --db bz.sqlite --out app.sqlite &&
	cmp app.orig app.sqlite
'
test_expect_success 'a file that is not SQLite, or a folder, as --out is refused' '
	echo "my notes" >notes.txt && cp notes.txt notes.orig &&
	expect_exit 1 nfsite import bugzilla --db bz.sqlite --out notes.txt &&
	grep_q "notes.txt: error: exists and is not a bug archive" err && cmp notes.orig notes.txt &&
	mkdir folder && expect_exit 1 nfsite import bugzilla --db bz.sqlite --out folder &&
	grep_q "folder: error: --out must name the archive file; this is a folder, not a regular file" err
'
test_expect_success 'a MediaWiki dump given to --xml: the root element is named, the archive kept' '
	cp a.sqlite keep.sqlite &&
	expect_exit 1 nfsite import bugzilla --xml "$FIX/mediawiki/dump-full.xml" --out keep.sqlite &&
	grep -q "dump-full.xml:[0-9]*: error: not a Bugzilla XML export (the root element is <mediawiki>, not <bugzilla>)" err &&
	cmp a.sqlite keep.sqlite
'
test_expect_success 'an import that read no bug fails; --allow-empty writes the empty archive' '
	printf "<?xml version=\"1.0\"?>\n<bugzilla version=\"5.2\"></bugzilla>\n" >none.xml &&
	expect_exit 1 nfsite import bugzilla --xml none.xml --out keep.sqlite &&
	grep_q "none.xml: error: no bug read: the archive would be empty (--allow-empty writes it anyway)" err &&
	cmp a.sqlite keep.sqlite &&
	nfsite import bugzilla -q --xml none.xml --out none.sqlite --allow-empty &&
	test "$(sqlite3 none.sqlite "SELECT count(*) FROM bugs")" = 0 &&
	"$NFSITE" import bugzilla --help 2>&1 | grep -q -- --allow-empty
'
test_expect_success 'truncated XML says so (not "Extra content at the end of the document")' '
	head -c 3000 "$BZ/bugs.xml" >cut.xml &&
	expect_exit 1 nfsite import bugzilla --xml cut.xml --out keep.sqlite &&
	grep -q "^cut.xml:[0-9]*: error: truncated XML: the file ends before </bugzilla>" err &&
	grep_not "Extra content" err && cmp a.sqlite keep.sqlite &&
	printf "<bugzilla><bug><bug_id>1</bug_id></bug></bugzilla><x/>" >extra.xml &&
	expect_exit 1 nfsite import bugzilla --xml extra.xml --out keep.sqlite &&
	grep_q "malformed XML: Extra content at the end of the document" err
'
test_done
