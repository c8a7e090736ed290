#!/bin/sh
# Where the HTTP clients follow redirects: a request that carries credentials (the
# Bugzilla API key, user:password in the URL) never sends them to another origin, and
# nothing follows https to http (tests/unit/http_test.c: no TLS server here). "Another
# host" is tests/redirect-server.py on another port of 127.0.0.1 (another origin), which
# logs every header it was sent. The link checker reports a redirect it will not follow.
. "$(dirname "$0")/lib.sh"

BZ=$FIX/bugzilla
json() { sqlite3 :memory: "SELECT json_extract(readfile('$1'), '$2')"; }

# start NAME COMMAND...: runs a server that writes its port to port.NAME, sets $PORT
pids=
start() {
	name=$1; shift
	"$@" 2>"server.$name.log" &
	pids="$pids $!"
	i=0
	while ! test -s "port.$name" && test $i -lt 100; do sleep 0.1; i=$((i + 1)); done
	PORT=$(cat "port.$name")
}
trap 'for p in $pids; do kill $p 2>/dev/null; done' EXIT

start rest python3 "$ROOT/tests/bzrest-server.py" "$BZ/rest" port.rest && REST=http://127.0.0.1:$PORT
start other python3 "$ROOT/tests/redirect-server.py" port.other other.log && OTHER=http://127.0.0.1:$PORT
start away python3 "$ROOT/tests/redirect-server.py" port.away away.log --to "$OTHER" && AWAY=http://127.0.0.1:$PORT
start torest python3 "$ROOT/tests/redirect-server.py" port.torest torest.log --to "$REST" && TOREST=http://127.0.0.1:$PORT
cp -r "$FIX/mediawiki/api" answers
start mw python3 "$ROOT/tests/mwapi-server.py" answers port.mw mw.log && MW=http://127.0.0.1:$PORT
start tomw python3 "$ROOT/tests/redirect-server.py" port.tomw tomw.log --to "$MW" && TOMW=http://127.0.0.1:$PORT
start toftp python3 "$ROOT/tests/redirect-server.py" port.toftp toftp.log --to ftp://127.0.0.1:9 &&
	TOFTP=http://127.0.0.1:$PORT

test_expect_success 'the servers are up' '
	test -s port.rest && test -s port.other && test -s port.away && test -s port.torest &&
	test -s port.mw && test -s port.tomw && test -s port.toftp
'
test_expect_success 'which redirects may be followed (unit test)' '
	"$UNIT/http_test"
'
test_expect_success 'the API key is never sent to another origin: the redirect is refused' '
	expect_exit 1 nfsite import bugzilla --rest "$AWAY/rest" --ids 1-3 --api-key SECRET-KEY-42 \
		--retries 0 --out key.sqlite &&
	grep_q "redirect to another origin ($OTHER" err && grep_q "credentials are for $AWAY only" err &&
	grep_q SECRET-KEY-42 away.log && grep_not SECRET-KEY-42 other.log && ! test -e key.sqlite
'
test_expect_success 'the key from BUGZILLA_API_KEY is kept home the same way' '
	BUGZILLA_API_KEY=SECRET-KEY-43 expect_exit 1 nfsite import bugzilla --rest "$AWAY/rest" --ids 1-3 \
		--retries 0 --out key.sqlite &&
	grep_q "redirect to another origin" err && grep_not SECRET-KEY-43 other.log
'
test_expect_success 'with the key, a redirect within the origin is followed (and the key sent)' '
	nfsite import bugzilla -q --rest "$REST/moved" --ids 1-25 --api-key test-key --out moved.sqlite \
		--report moved.json &&
	test "$(json moved.json "\$.bugs.read")" = 25 && test "$(json moved.json "\$.bugs.withheld")" = 2
'
test_expect_success 'without a key, a redirect to another host is followed' '
	nfsite import bugzilla -q --rest "$TOREST/rest" --ids 1-25 --out anon.sqlite --report anon.json &&
	test "$(json anon.json "\$.bugs.read")" = 23 && grep -q "^/rest/bug?id=1" torest.log
'
test_expect_success 'MediaWiki API: a redirect to another host is followed without credentials' '
	mkdir mw && cd mw &&
	nfsite import mediawiki --api "$TOMW/wiki/api.php" --batch 10 --delay 0 --backoff 1 2>err &&
	test -f content/wiki/conntrack-tools.md
'
test_expect_success 'MediaWiki API: user:password in the URL stays on its origin' '
	mkdir mwpw && cd mwpw &&
	expect_exit 1 "$NFSITE" import mediawiki --api "http://wikiuser:PASSWORD-7@127.0.0.1:$(cat ../port.away)/api.php" \
		--delay 0 --retries 0 &&
	grep_q "redirect to another origin ($OTHER" err && grep_not "Basic" ../other.log && ! test -e content
'
test_expect_success 'the link checker reports a redirect it will not follow (http(s) only)' '
	mkdir site && echo "<a href=\"$TOFTP/file\">file</a>" >site/index.html &&
	expect_exit 1 nfsite check --dest site --external &&
	grep_q "broken link '"'"'$TOFTP/file'"'"' (redirects to '"'"'ftp://127.0.0.1:9/file'"'"', not followed: http and https only)" err
'
test_done
