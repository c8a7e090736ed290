#!/bin/sh
# serve: a first build that fails still serves (the error page), SIGINT, a busy port,
# --drafts, --bind ::1, usage errors; the private folder never outlives the server.
. "$(dirname "$0")/lib.sh"

mkdir -p site/content site/templates tmp
site_page site/content/_index.md 'title: Home' 'Home text.'
site_page site/content/draft.md 'title: Draft
draft: true' 'Draft text.'
printf '<html><body>{%% if %%}</body></html>\n' >site/templates/home.html

# start NAME ARGS...: starts serve with TMPDIR=tmp; sets PID and URL
start() {
	rm -f serve.out
	TMPDIR=$TRASH/tmp "$NFSITE" serve --port 0 "$@" >serve.out 2>serve.err &
	PID=$!
	wait_serve $PID 600 || return 1
	URL=$(sed -n 's|.* at \(http://.*\)/ (.*|\1|p' serve.out)
}
code() { curl -s -g -o page.html -w '%{http_code}' "$URL$1"; }

start --source site || exit 1
test_expect_success 'a failing first build still starts the server with the error page' '
	test "$(code /)" = 500 &&
	grep -q "templates/home.html:1: error" page.html &&
	ls tmp | grep -q "^nfsite-serve\."
'
test_expect_success 'fixing the file brings the site up' '
	rm site/templates/home.html &&
	poll 100 "test \"\$(code /)\" = 200" &&
	grep_q "Home text." page.html &&
	test "$(code /draft/)" = 404
'
kill -INT $PID
wait $PID
echo $? >status
test_expect_success 'SIGINT exits 0 and removes the private folder' '
	test "$(cat status)" = 0 &&
	test -z "$(ls tmp)"
'

start --source site || exit 1
kill -INT $PID
kill -TERM $PID
wait $PID
echo $? >status
test_expect_success 'a second signal while stopping still removes the private folder' '
	cat serve.err && test "$(cat status)" = 0 &&
	test -z "$(ls tmp)"
'

start --source site --drafts || exit 1
PORT=${URL##*:}
test_expect_success '--drafts serves draft pages' '
	test "$(code /draft/)" = 200 &&
	grep_q "Draft text." page.html
'
FIRST=$PID
start --source site --port "$PORT" || exit 1
test_expect_success 'a busy port moves to the next free one and says so' '
	cat serve.err &&
	grep -q "warning: port $PORT is in use; serving on port $((PORT + 1)) instead" serve.err &&
	test "$URL" = "http://127.0.0.1:$((PORT + 1))" &&
	test "$(code /)" = 200 && grep_q "Home text." page.html
'
kill -TERM $PID
wait $PID
PID=$FIRST
test_expect_success 'an address that cannot be bound is still an error (exit 1) that leaves nothing behind' '
	set +e
	TMPDIR=$TRASH/tmp "$NFSITE" serve --source site --bind 192.0.2.1 --port "$PORT" >busy.out 2>busy.err
	rc=$?
	set -e
	cat busy.err &&
	test $rc = 1 &&
	grep -q "error: cannot listen on 192.0.2.1 port $PORT" busy.err &&
	test "$(ls tmp | wc -l)" = 1
'
kill -TERM $PID
wait $PID

if python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null; then
	start --source site --bind ::1 || exit 1
	test_expect_success '--bind ::1 listens on the IPv6 loopback' '
		case "$URL" in "http://[::1]:"*) ;; *) echo "URL $URL"; false ;; esac &&
		test "$(code /)" = 200 &&
		ss -ltnH | grep -q "\[::1\]:${URL##*:}"
	'
	kill -TERM $PID
	wait $PID
else
	test_skip '--bind ::1 listens on the IPv6 loopback' 'no IPv6 loopback here'
fi

test_expect_success 'usage errors exit 2' '
	expect_exit 2 nfsite serve --port 70000 &&
	expect_exit 2 nfsite serve --port &&
	expect_exit 2 nfsite serve --bogus &&
	expect_exit 2 nfsite serve --dir site --source site &&
	expect_exit 1 nfsite serve --bind not-an-address --dir site &&
	grep -q "not an IPv4 or IPv6 address" err
'

test_expect_success 'no private folder is left behind' '
	test -z "$(ls tmp)"
'

test_done
