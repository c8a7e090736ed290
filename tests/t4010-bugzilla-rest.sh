#!/bin/sh
# nfsite import bugzilla --rest: the recorded rest.cgi answers of the fixture,
# served on 127.0.0.1 by tests/bzrest-server.py. Logged in (API key) and logged out,
# id list and paging, back-off on 503/429, same archive as the database.
. "$(dirname "$0")/lib.sh"

BZ=$FIX/bugzilla
DUMP="python3 $FIX/bugzilla/canon-dump.py"
json() { sqlite3 :memory: "SELECT json_extract(readfile('$1'), '$2')"; }
counts() { for k in read written withheld skipped; do printf '%s ' "$(json "$1" "\$.$2.$k")"; done; echo; }

# start_server NAME [options]: serves the recordings, sets $URL; killed at exit
pids=
start_server() {
	name=$1; shift
	python3 "$ROOT/tests/bzrest-server.py" "$BZ/rest" "port.$name" "$@" 2>"server.$name.log" &
	pids="$pids $!"
	i=0
	while ! test -s "port.$name" && test $i -lt 100; do sleep 0.1; i=$((i + 1)); done
	URL=http://127.0.0.1:$(cat "port.$name")/rest
}
trap 'for p in $pids; do kill $p 2>/dev/null; done' EXIT

# every server starts here, in the script's own shell, so the trap can stop it
start_server plain && PLAIN=$URL
start_server busy --fail-first 3 --status 503 && BUSY=$URL
start_server rate --fail-first 1 --status 429 && RATE=$URL
start_server down --fail-first 1000 --status 502 && DOWN=$URL

test_expect_success 'reference: the archive from the database' '
	cp "$BZ/bugzilla.sqlite" bz.sqlite &&
	nfsite import bugzilla -q --db bz.sqlite --timezone America/New_York --out db.sqlite && $DUMP db.sqlite >db.txt
'
test_expect_success 'logged in (API key), by id list: private items withheld' '
	nfsite import bugzilla --rest "$PLAIN" --ids 1-25 --api-key test-key --out admin.sqlite \
		--report admin.json 2>err &&
	echo "25 23 2 0 " >want && counts admin.json bugs >got && test_cmp want got &&
	echo "83 79 4 0 " >want && counts admin.json comments >got && test_cmp want got &&
	echo "6 5 1 0 " >want && counts admin.json attachments >got && test_cmp want got &&
	grep_not -a -q DEVPRIV admin.sqlite
'
test_expect_success 'REST gives the same archive as the database, history included' '
	$DUMP admin.sqlite >admin.txt && test_cmp db.txt admin.txt && grep -q "^history" admin.txt
'
test_expect_success 'byte-identical to the database import' '
	cmp db.sqlite admin.sqlite
'
test_expect_success 'logged out, paging through every bug: same archive' '
	nfsite import bugzilla -q --rest "$PLAIN" --out anon.sqlite --report anon.json &&
	$DUMP anon.sqlite >anon.txt && test_cmp db.txt anon.txt &&
	test "$(json anon.json "\$.bugs.read")" = 23
'
test_expect_success 'logged out, by id list: the two hidden bugs are reported, not invented' '
	nfsite import bugzilla --rest "$PLAIN" --ids 1-25 --out anon2.sqlite 2>err &&
	grep_q "2 of 25 requested bugs are not in the archive" err &&
	$DUMP anon2.sqlite >anon2.txt && test_cmp db.txt anon2.txt
'
test_expect_success 'back-off: 503 answers are retried' '
	nfsite import bugzilla --rest "$BUSY" --ids 1-25 --retry-wait 1 --out busy.sqlite 2>err &&
	test "$(grep -c "retrying" err)" = 3 && cmp db.sqlite busy.sqlite
'
test_expect_success 'back-off: 429 too' '
	nfsite import bugzilla -q --rest "$RATE" --ids 1-25 --retry-wait 1 --out rate.sqlite &&
	cmp db.sqlite rate.sqlite
'
test_expect_success 'gives up after --retries and leaves the previous archive' '
	cp db.sqlite keep.sqlite &&
	expect_exit 1 nfsite import bugzilla --rest "$DOWN" --ids 1-3 --retries 2 --retry-wait 1 --out keep.sqlite &&
	grep_q "HTTP 502" err && cmp db.sqlite keep.sqlite
'
test_expect_success 'an error answer (no recording: 404) fails the import with a clear error' '
	expect_exit 1 nfsite import bugzilla --rest "$PLAIN" --ids 11 --out refused.sqlite &&
	grep_q "HTTP 404" err && ! test -e refused.sqlite
'
test_expect_success 'only http and https addresses are accepted' '
	expect_exit 1 nfsite import bugzilla --rest file:///etc/passwd --out f.sqlite &&
	grep_q "http:// or https://" err && ! test -e f.sqlite
'
test_expect_success 'bad --ids is refused' '
	expect_exit 1 nfsite import bugzilla --rest "$PLAIN" --ids 5-2 --out i.sqlite && ! test -e i.sqlite
'
test_done
