#!/bin/sh
# nfsite import bugzilla --db / --xml: the fixture (a real Bugzilla 5.2 on SQLite),
# counts and privacy from its manifest, time zones, DB = XML, idempotence, atomicity.
. "$(dirname "$0")/lib.sh"

BZ=$FIX/bugzilla
DUMP="python3 $FIX/bugzilla/canon-dump.py"
cp "$BZ/bugzilla.sqlite" bz.sqlite
cp "$BZ/bugs.xml" bugs.xml
cp "$BZ/bugs.anon.xml" bugs.anon.xml
chmod a-w bz.sqlite
sum_before=$(cksum <bz.sqlite)

# json FILE PATH → the value (via SQLite's json1)
json() { sqlite3 :memory: "SELECT json_extract(readfile('$1'), '$2')"; }
counts() { for k in read written withheld skipped; do printf '%s ' "$(json "$1" "\$.$2.$k")"; done; echo; }

test_expect_success 'imports the fixture database' '
	nfsite import bugzilla --db bz.sqlite --timezone America/New_York --out db/bugzilla.sqlite --report db.json 2>err &&
	test -f db/bugzilla.sqlite && ! test -e db/bugzilla.sqlite.tmp
'
test_expect_success 'the database is opened read-only (bytes unchanged, no journal)' '
	test "$(cksum <bz.sqlite)" = "$sum_before" && ! test -e bz.sqlite-journal && ! test -e bz.sqlite-wal
'
test_expect_success 'bug counts: 25 read, 23 written, 2 withheld (restricted 11 and 17)' '
	echo "25 23 2 0 " >want && counts db.json bugs >got && test_cmp want got &&
	sqlite3 db/bugzilla.sqlite "SELECT group_concat(id) FROM (SELECT id FROM bugs ORDER BY id)" >got &&
	echo "1,2,3,4,5,6,7,8,9,10,12,13,14,15,16,18,19,20,21,22,23,24,25" >want && test_cmp want got
'
test_expect_success 'comments: 93 read, 14 withheld (10 in restricted bugs, 4 private)' '
	echo "93 79 14 0 " >want && counts db.json comments >got && test_cmp want got
'
test_expect_success 'attachments: 7 read, 2 withheld (att 4 in bug 11, private att 7)' '
	echo "7 5 2 0 " >want && counts db.json attachments >got && test_cmp want got &&
	sqlite3 db/bugzilla.sqlite "SELECT group_concat(id) FROM (SELECT id FROM attachments ORDER BY id)" >got &&
	echo "1,2,3,5,6" >want && test_cmp want got
'
test_expect_success 'history: 100 rows read; private and restricted-bug rows withheld' '
	echo "100 90 10 0 " >want && counts db.json history >got && test_cmp want got &&
	test "$(sqlite3 db/bugzilla.sqlite "SELECT count(*) FROM history WHERE field = \"longdescs.isprivate\"
		OR attach_id = 7 OR bug_id IN (11, 17)")" = 0
'
test_expect_success 'read = written + withheld + skipped for every kind' '
	for k in bugs comments attachments history; do
		set -- $(counts db.json $k)
		test "$1" = "$(($2 + $3 + $4))" || { echo "$k: $*"; exit 1; }
	done
'
test_expect_success 'the summary on stderr gives the same numbers' '
	grep_q "bugs 25 read, 23 written, 2 withheld, 0 skipped" err &&
	grep_q "comments 93 read, 79 written, 14 withheld, 0 skipped" err
'
test_expect_success 'the private comments are gone and bug 5 keeps its numbering gap' '
	sqlite3 db/bugzilla.sqlite "SELECT group_concat(number) FROM comments WHERE bug_id = 5" >got &&
	echo "0,1,3,4" >want && test_cmp want got &&
	sqlite3 db/bugzilla.sqlite "SELECT group_concat(number) FROM comments WHERE bug_id = 20" >got &&
	echo "0,1,2,5" >want && test_cmp want got
'
test_expect_success 'the leak marker DEVPRIV is nowhere in the archive file' '
	grep_not -a -q DEVPRIV db/bugzilla.sqlite
'
test_expect_success 'no e-mail address in people, history or comments' '
	sqlite3 db/bugzilla.sqlite "SELECT name FROM people UNION ALL SELECT removed || added FROM history
		UNION ALL SELECT text FROM comments" >all &&
	grep_not -E "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]" all &&
	grep -a -q "sean.oconnor@…" all
'
test_expect_success 'display names: real names, "nobody42" for the empty one, no login' '
	sqlite3 db/bugzilla.sqlite "SELECT p.name FROM bugs b JOIN people p ON p.id = b.reporter WHERE b.id = 7" >got &&
	echo nobody42 >want && test_cmp want got &&
	sqlite3 db/bugzilla.sqlite "SELECT p.name FROM bugs b JOIN people p ON p.id = b.reporter WHERE b.id IN (2, 8, 16)" >got &&
	test "$(sort -u got)" = "Seán O'"'"'Connor \"pktguy\""
'
test_expect_success 'history values name people, not logins (cc on bug 12)' '
	sqlite3 db/bugzilla.sqlite "SELECT added FROM history WHERE bug_id = 12 AND field = \"cc\"" >got &&
	echo "陈静" >want && test_cmp want got
'
test_expect_success 'times: DB wall-clock in America/New_York becomes UTC (winter and summer)' '
	sqlite3 db/bugzilla.sqlite "SELECT created FROM bugs WHERE id IN (1, 2) ORDER BY id" >got &&
	printf "2012-02-14T15:05:00Z\n2012-06-05T19:20:00Z\n" >want && test_cmp want got
'
test_expect_success '--timezone UTC keeps the wall-clock time' '
	nfsite import bugzilla -q --db bz.sqlite --timezone UTC --out utc.sqlite &&
	test "$(sqlite3 utc.sqlite "SELECT created FROM bugs WHERE id = 1")" = 2012-02-14T10:05:00Z
'
test_expect_success 'without --timezone the database times are UTC, with a warning saying so' '
	nfsite import bugzilla --db bz.sqlite --out notz.sqlite 2>err &&
	test "$(sqlite3 notz.sqlite "SELECT created FROM bugs WHERE id = 1")" = 2012-02-14T10:05:00Z &&
	grep_q "bz.sqlite: warning: its times are read as UTC" err && grep_q "--timezone" err &&
	nfsite import bugzilla --db bz.sqlite --timezone UTC --out utc2.sqlite 2>err && ! grep -q warning err
'
test_expect_success 'an unknown --timezone is a usage error' '
	expect_exit 2 nfsite import bugzilla --db bz.sqlite --timezone Mars/Olympus --out tz.sqlite &&
	grep_q "unknown time zone" err && ! test -e tz.sqlite
'
test_expect_success 'comment types: user text stored, type and extra kept' '
	sqlite3 db/bugzilla.sqlite "SELECT bug_id, number, type, extra, text FROM comments WHERE type != 0
		ORDER BY bug_id, number" >got &&
	cat >want <<-\EOF &&
	1|2|5|1|
	1|4|5|2|v2 uses isspace(), so tabs work too.
	3|1|5|3|抓包文件 (capture file).
	12|2|2|13|
	13|1|1|12|
	19|2|5|5|Untested on the legacy backend yet.
	20|1|5|6|
	EOF
	test_cmp want got
'
test_expect_success 'links: dependencies, duplicate, alias, see-also, keywords, cc count' '
	sqlite3 db/bugzilla.sqlite "SELECT group_concat(blocked || \">\" || dependson) FROM dependencies" >got &&
	echo "4>6,4>10,4>15,24>25" >want && test_cmp want got &&
	test "$(sqlite3 db/bugzilla.sqlite "SELECT dup_of FROM bugs WHERE id = 13")" = 12 &&
	test "$(sqlite3 db/bugzilla.sqlite "SELECT alias FROM bugs WHERE id = 4")" = nft-roundtrip &&
	test "$(sqlite3 db/bugzilla.sqlite "SELECT url FROM see_also WHERE bug_id = 24")" = \
		https://github.com/example-org/nft-migrate/issues/42 &&
	test "$(sqlite3 db/bugzilla.sqlite "SELECT sum(cc_count) FROM bugs")" -le 14 &&
	test "$(sqlite3 db/bugzilla.sqlite "SELECT keywords FROM bugs WHERE id = 1")" = patch
'
test_expect_success 'attachment bytes are exact (binary pcap, gzip)' '
	sqlite3 db/bugzilla.sqlite "SELECT hex(data) FROM attachments WHERE id = 3" >a &&
	python3 -c "
import sqlite3
c = sqlite3.connect(\"file:bz.sqlite?immutable=1\", uri=True)
print(c.execute(\"SELECT hex(thedata) FROM attach_data WHERE id = 3\").fetchone()[0])" >b &&
	test_cmp b a && test "$(sqlite3 db/bugzilla.sqlite "SELECT size FROM attachments WHERE id = 6")" = 298
'
test_expect_success 're-import is idempotent: byte-identical archive' '
	nfsite import bugzilla -q --db bz.sqlite --timezone America/New_York --out again.sqlite &&
	cmp db/bugzilla.sqlite again.sqlite
'
test_expect_success 'imports the logged-in XML export (with private items) and withholds them' '
	nfsite import bugzilla -q --xml bugs.xml --out xml.sqlite --report xml.json &&
	echo "25 23 2 0 " >want && counts xml.json bugs >got && test_cmp want got &&
	echo "93 79 14 0 " >want && counts xml.json comments >got && test_cmp want got &&
	echo "7 5 2 0 " >want && counts xml.json attachments >got && test_cmp want got &&
	grep_not -a -q DEVPRIV xml.sqlite
'
test_expect_success 'XML and DB give the same archive (canonical dump, history aside)' '
	$DUMP db/bugzilla.sqlite --no-history >db.txt && $DUMP xml.sqlite --no-history >xml.txt &&
	test_cmp db.txt xml.txt && test "$(wc -l <db.txt)" -gt 100
'
test_expect_success 'the XML export has no history; the archive says so' '
	test "$(sqlite3 xml.sqlite "SELECT value FROM meta WHERE key = \"has_history\"")" = 0 &&
	test "$(sqlite3 xml.sqlite "SELECT count(*) FROM history")" = 0
'
test_expect_success 'the logged-out XML export gives the same archive too' '
	nfsite import bugzilla -q --xml bugs.anon.xml --out anon.sqlite --report anon.json &&
	$DUMP anon.sqlite --no-history >anon.txt && test_cmp db.txt anon.txt &&
	test "$(json anon.json "\$.bugs.withheld")" = 2
'
test_expect_success 'XML re-import is byte-identical' '
	nfsite import bugzilla -q --xml bugs.xml --out xml2.sqlite && cmp xml.sqlite xml2.sqlite
'
test_expect_success 'a failed import leaves the previous archive untouched' '
	cp db/bugzilla.sqlite before.sqlite &&
	head -c 5000 bugs.xml >cut.xml &&
	expect_exit 1 nfsite import bugzilla --xml cut.xml --out db/bugzilla.sqlite &&
	cmp before.sqlite db/bugzilla.sqlite && ! test -e db/bugzilla.sqlite.tmp &&
	grep_q "left as it was" err
'
test_expect_success 'usage errors: no source, two sources, unknown option' '
	expect_exit 2 nfsite import bugzilla --out x.sqlite &&
	expect_exit 2 nfsite import bugzilla --db bz.sqlite --xml bugs.xml &&
	expect_exit 2 nfsite import bugzilla --db bz.sqlite --frobnicate 1 &&
	expect_exit 2 nfsite import bugzilla --db bz.sqlite --max-attachment lots &&
	! test -e x.sqlite
'
test_expect_success 'a missing input file is a clear error' '
	expect_exit 1 nfsite import bugzilla --xml nope.xml --out n.sqlite &&
	grep_q "nope.xml" err && ! test -e n.sqlite
'
test_done
