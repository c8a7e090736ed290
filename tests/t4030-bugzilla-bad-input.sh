#!/bin/sh
# Bad input for nfsite import bugzilla: truncated XML, invalid base64, a 50 MB attachment
# (streamed, capped, placeholder), NUL bytes and invalid UTF-8, a DB missing tables,
# deleted users, dependency cycles, a non-numeric bug id, entities. Clear error or
# per-item skip with reason; never a crash, never a partial archive.
. "$(dirname "$0")/lib.sh"

BZ=$FIX/bugzilla
GEN="python3 $ROOT/scripts/gen-bugzilla.py"
json() { sqlite3 :memory: "SELECT json_extract(readfile('$1'), '$2')"; }
sums_hold() {
	for k in bugs comments attachments history; do
		test "$(json "$1" "\$.$k.read")" = "$(($(json "$1" "\$.$k.written") + $(json "$1" "\$.$k.withheld") + \
			$(json "$1" "\$.$k.skipped")))" || { echo "sums do not hold for $k"; return 1; }
	done
}
# bzdb SQL…: runs SQL on a writable copy of the fixture DB (bugzilla collation registered)
bzdb() {
	python3 - "$@" <<-\PY
	import sqlite3, sys
	c = sqlite3.connect(sys.argv[1])
	c.create_collation("bugzilla", lambda a, b: (a.lower() > b.lower()) - (a.lower() < b.lower()))
	c.execute("PRAGMA foreign_keys = OFF")
	for sql in sys.argv[2:]:
	    c.execute(sql)
	c.commit()
	PY
}

test_expect_success 'truncated XML: clear error with a line, no archive' '
	$GEN gen.xml --bugs 20 && head -c 6000 gen.xml >cut.xml &&
	expect_exit 1 nfsite import bugzilla --xml cut.xml --out cut.sqlite &&
	grep -q "^cut.xml:[0-9]*: error: " err && ! test -e cut.sqlite && ! test -e cut.sqlite.tmp
'
test_expect_success 'XML that is cut inside the root but well-formed so far is refused too' '
	printf "<bugzilla><bug><bug_id>1</bug_id>" >open.xml &&
	expect_exit 1 nfsite import bugzilla --xml open.xml --out open.sqlite && ! test -e open.sqlite
'
test_expect_success 'non-numeric bug id: that bug and its items skipped with a reason' '
	$GEN bad.xml --bugs 3 --bad-id --bad-base64 --cycle &&
	nfsite import bugzilla --xml bad.xml --out bad.sqlite --report bad.json 2>err &&
	test "$(json bad.json "\$.bugs.skipped")" = 1 &&
	sqlite3 :memory: "SELECT json_extract(value, \"\$.reason\") FROM json_each(readfile(\"bad.json\"), \"\$.skipped\")
		WHERE json_extract(value, \"\$.id\") = \"abc\"" >got &&
	echo "bug id is not a number" >want && test_cmp want got &&
	grep -q "bad.xml:[0-9]*: warning: bug abc skipped" err && sums_hold bad.json
'
test_expect_success 'invalid base64: that attachment skipped with a reason, the rest kept' '
	sqlite3 :memory: "SELECT json_extract(value, \"\$.reason\") FROM json_each(readfile(\"bad.json\"), \"\$.skipped\")
		WHERE json_extract(value, \"\$.kind\") = \"attachment\" AND json_extract(value, \"\$.id\") = \"3\"" >got &&
	echo "invalid base64 data" >want && test_cmp want got &&
	test "$(sqlite3 bad.sqlite "SELECT count(*) FROM attachments WHERE filename = \"bad.txt\"")" = 0 &&
	test "$(sqlite3 bad.sqlite "SELECT count(*) FROM attachments WHERE is_patch")" = 1
'
test_expect_success 'dependency cycle: imported and rendered without trouble' '
	sqlite3 bad.sqlite "SELECT blocked, dependson FROM dependencies ORDER BY 1" >got &&
	printf "1|2\n2|1\n" >want && test_cmp want got &&
	"$UNIT/archive_test" bad.sqlite badout &&
	grep "<dt>Depends on</dt>" badout/bugs/1/index.html | grep -q -F "/bugs/2/" &&
	grep "<dt>Blocks</dt>" badout/bugs/1/index.html | grep -q -F "/bugs/2/"
'
test_expect_success 'a 50 MB attachment is streamed, capped and kept as a placeholder' '
	$GEN big.xml --bugs 2 --big-attachment 52428800 && test "$(wc -c <big.xml)" -gt 70000000 &&
	python3 -c "
import resource, subprocess, sys
rc = subprocess.call([sys.argv[1], \"import\", \"bugzilla\", \"-q\", \"--xml\", \"big.xml\", \"--out\", \"big.sqlite\",
	\"--report\", \"big.json\"])
kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(\"peak\", kb, \"KiB\")
sys.exit(rc or (kb > 65536))" "$NFSITE" &&
	test "$(json big.json "\$.attachment_placeholders")" = 1 &&
	test "$(json big.json "\$.placeholders[0].reason")" = "larger than 10485760 bytes (52428800 bytes)" &&
	sqlite3 big.sqlite "SELECT size, data IS NULL, missing FROM attachments WHERE filename = \"big.bin\"" >got &&
	echo "52428800|1|larger than 10485760 bytes (52428800 bytes)" >want && test_cmp want got &&
	test "$(wc -c <big.sqlite)" -lt 1000000 && sums_hold big.json
'
test_expect_success 'the placeholder is shown on the page, no file is written' '
	"$UNIT/archive_test" big.sqlite bigout &&
	grep -q -F "big.bin <span class=\"missing\">(not archived: larger than 10485760 bytes" bigout/bugs/1/index.html &&
	! test -e bigout/bugs/attachments/2
'
test_expect_success '--max-attachment sets the cap (fixture: 200 bytes)' '
	cp "$BZ/bugzilla.sqlite" fix.sqlite &&
	nfsite import bugzilla -q --db fix.sqlite --max-attachment 200 --out cap.sqlite --report cap.json &&
	sqlite3 cap.sqlite "SELECT id, data IS NOT NULL FROM attachments ORDER BY id" | tr "\n" " " >got && echo >>got &&
	echo "1|0 2|0 3|1 5|0 6|0 " >want && test_cmp want got && test "$(json cap.json "\$.attachment_placeholders")" = 4
'
test_expect_success 'NUL bytes and invalid UTF-8 in a comment are repaired, and counted' '
	cp "$BZ/bugzilla.sqlite" nul.sqlite &&
	bzdb nul.sqlite "UPDATE longdescs SET thetext = CAST(X'"'"'41004280FF43'"'"' AS TEXT) WHERE comment_id = 2" &&
	nfsite import bugzilla -q --db nul.sqlite --out nul-a.sqlite --report nul.json &&
	test "$(json nul.json "\$.texts_repaired")" = 1 &&
	sqlite3 nul-a.sqlite "SELECT hex(text) FROM comments WHERE bug_id = 1 AND number = 1" >got &&
	echo "41EFBFBD42EFBFBDEFBFBD43" >want && test_cmp want got &&
	"$UNIT/archive_test" nul-a.sqlite nulout && grep -q "A�B��C" nulout/bugs/1/index.html
'
test_expect_success 'a DB missing a table: clear error, no archive' '
	cp "$BZ/bugzilla.sqlite" notab.sqlite && bzdb notab.sqlite "DROP TABLE longdescs" &&
	expect_exit 1 nfsite import bugzilla --db notab.sqlite --out notab-a.sqlite &&
	grep_q "notab.sqlite: error: not a Bugzilla database: table '"'"'longdescs'"'"' is missing" err &&
	! test -e notab-a.sqlite
'
test_expect_success 'a DB without optional tables still imports (no history)' '
	cp "$BZ/bugzilla.sqlite" noopt.sqlite && bzdb noopt.sqlite "DROP TABLE bugs_activity" "DROP TABLE cc" &&
	nfsite import bugzilla --db noopt.sqlite --out noopt-a.sqlite 2>err &&
	grep_q "no bugs_activity/fielddefs table" err &&
	test "$(sqlite3 noopt-a.sqlite "SELECT value FROM meta WHERE key = \"has_history\"")" = 0
'
test_expect_success 'not a database at all: clear error' '
	echo "hello" >text.sqlite &&
	expect_exit 1 nfsite import bugzilla --db text.sqlite --out t-a.sqlite && grep -q "text.sqlite" err &&
	! test -e t-a.sqlite
'
test_expect_success 'comments by a deleted user are kept, by "user N"' '
	cp "$BZ/bugzilla.sqlite" del.sqlite && bzdb del.sqlite "DELETE FROM profiles WHERE userid = 11" &&
	nfsite import bugzilla -q --db del.sqlite --out del-a.sqlite --report del.json &&
	sqlite3 del-a.sqlite "SELECT p.name FROM comments c JOIN people p ON p.id = c.author WHERE c.bug_id = 7
		AND c.number = 0" >got && echo "user 11" >want && test_cmp want got &&
	test "$(json del.json "\$.comments.written")" = 79
'
test_expect_success 'entities are never expanded or fetched (XXE, billion laughs)' '
	cat >xxe.xml <<-\EOF &&
	<?xml version="1.0"?>
	<!DOCTYPE bugzilla [ <!ENTITY x SYSTEM "file:///etc/passwd"> <!ENTITY a "aaaaaaaaaa">
	  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"> <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"> ]>
	<bugzilla><bug><bug_id>1</bug_id><short_desc>s &c;</short_desc><product>p</product>
	<component>c</component><bug_status>NEW</bug_status>
	<long_desc isprivate="0"><comment_count>0</comment_count><who>x@example.org</who>
	<bug_when>2020-01-01 00:00:00 +0000</bug_when><thetext>&x;</thetext></long_desc></bug></bugzilla>
	EOF
	expect_exit 1 nfsite import bugzilla --xml xxe.xml --out xxe.sqlite &&
	grep -q "^xxe.xml:4: error: malformed XML: Entity .c. not defined" err && ! test -e xxe.sqlite &&
	sed "s/&c;//" xxe.xml >xxe2.xml &&
	expect_exit 1 nfsite import bugzilla --xml xxe2.xml --out xxe.sqlite &&
	grep -q "Entity .x. not defined" err && ! test -e xxe.sqlite
'
test_expect_success 'a <group> named after the comments still withholds the whole bug' '
	cat >late.xml <<-\EOF &&
	<?xml version="1.0"?>
	<bugzilla><bug><bug_id>1</bug_id><short_desc>public</short_desc><product>p</product>
	<component>c</component><bug_status>NEW</bug_status>
	<long_desc isprivate="0"><comment_count>0</comment_count><who>x@example.org</who>
	<bug_when>2020-01-01 00:00:00 +0000</bug_when><thetext>fine</thetext></long_desc></bug>
	<bug><bug_id>2</bug_id><short_desc>LATEGROUP bug</short_desc><product>p</product>
	<component>c</component><bug_status>NEW</bug_status>
	<long_desc isprivate="0"><comment_count>0</comment_count><who>x@example.org</who>
	<bug_when>2020-01-01 00:00:00 +0000</bug_when><thetext>LATEGROUP text</thetext></long_desc>
	<attachment isprivate="0"><attachid>9</attachid><desc>LATEGROUP att</desc><filename>a.txt</filename>
	<type>text/plain</type><attacher>x@example.org</attacher><data encoding="base64">TEFURUdST1VQ</data></attachment>
	<group id="3">security</group></bug></bugzilla>
	EOF
	nfsite import bugzilla -q --xml late.xml --out late.sqlite --report late.json 2>/dev/null &&
	grep_not -a -q LATEGROUP late.sqlite &&
	test "$(json late.json "\$.bugs.withheld")" = 1 && test "$(json late.json "\$.comments.withheld")" = 1 &&
	test "$(json late.json "\$.attachments.withheld")" = 1 && sums_hold late.json &&
	test "$(sqlite3 late.sqlite "SELECT group_concat(id) FROM bugs")" = 1
'
test_expect_success 'a missing output folder is created; an unwritable one is an error' '
	nfsite import bugzilla -q --xml bad.xml --out deep/er/a.sqlite && test -f deep/er/a.sqlite &&
	mkdir ro && chmod a-w ro &&
	if test "$(id -u)" != 0; then
		expect_exit 1 nfsite import bugzilla --xml bad.xml --out ro/a.sqlite
	fi
'
test_done
