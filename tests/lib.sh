# lib.sh: sourced by every tests/tNNNN-*.sh script (git's test-lib in miniature).
#   test_expect_success 'description' 'shell commands'   — passes when the commands succeed
#   test_skip 'description' 'reason'                       — counted as skipped; as failed
#                                                           when $CI is set (CI must run it all)
# A script takes --run=LIST to run only some of its tests (tests/run.sh t1000 --run=3).
# Each script gets a fresh scratch folder $TRASH (cwd) and these variables:
#   $NFSITE   the binary under test     $ROOT    the repository
#   $FIX      tests/fixtures (read-only)
#   $UNIT     folder of C unit-test binaries (tests/unit/*.c)
# A script's results go to $TEST_RESULTS as lines "pass|fail|skip<TAB>script<TAB>desc".
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
: "${NFSITE:=$ROOT/nfsite}"
: "${UNIT:=$ROOT/build/unit}"
FIX=$ROOT/tests/fixtures
SCRIPT=$(basename "$0" .sh)
TRASH=$(mktemp -d "${TMPDIR:-/tmp}/nfsite-$SCRIPT.XXXXXX")
: "${TEST_RESULTS:=$TRASH/results}"
export NFSITE ROOT FIX UNIT TRASH SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600}
cd "$TRASH" || exit 1
test_count=0
test_failed=0
# Under `make leakcheck` every nfsite run goes through valgrind.
if [ -n "${NFSITE_VALGRIND:-}" ]; then
	nfsite() { valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite "$NFSITE" "$@"; }
else
	nfsite() { "$NFSITE" "$@"; }
fi

# --run=LIST (as in git's test-lib): only the tests LIST names run, e.g. --run=3 or
# --run=1-3,7; the others print "# not run" and count nowhere. For working on one test.
test_run=
for arg in "$@"; do
	case "$arg" in
	--run=*) test_run=${arg#--run=} ;;
	*) echo "$SCRIPT: unknown option '$arg' (only --run=LIST)" >&2; exit 2 ;;
	esac
done
# test_selected N: true when --run names N (or there is no --run).
test_selected() {
	[ -z "$test_run" ] && return 0
	for r in $(echo "$test_run" | tr , ' '); do
		case "$r" in
		*-*) [ "$1" -ge "${r%-*}" ] && [ "$1" -le "${r#*-}" ] && return 0 ;;
		*) [ "$1" = "$r" ] && return 0 ;;
		esac
	done
	return 1
}

test_expect_success() {
	test_count=$((test_count + 1))
	desc=$1
	if ! test_selected "$test_count"; then
		printf '# not run %d - %s (--run=%s)\n' "$test_count" "$desc" "$test_run"
		return
	fi
	# Not inside `if`: there the shell would ignore set -e for the whole body.
	(set -e; eval "$2") >"$TRASH/.out.$test_count" 2>&1
	if [ $? = 0 ]; then
		printf 'ok %d - %s\n' "$test_count" "$desc"
		printf 'pass\t%s\t%s\n' "$SCRIPT" "$desc" >>"$TEST_RESULTS"
	else
		test_failed=$((test_failed + 1))
		printf 'not ok %d - %s\n' "$test_count" "$desc"
		sed 's/^/#   /' "$TRASH/.out.$test_count" | tail -n 40
		printf 'fail\t%s\t%s\n' "$SCRIPT" "$desc" >>"$TEST_RESULTS"
	fi
}

test_skip() {
	if [ -n "${CI:-}" ]; then
		test_failed=$((test_failed + 1))
		printf 'not ok - %s (skipped, and CI runs everything: %s)\n' "$1" "$2"
		printf 'fail\t%s\t%s (skipped: %s)\n' "$SCRIPT" "$1" "$2" >>"$TEST_RESULTS"
		return
	fi
	printf 'skip - %s (%s)\n' "$1" "$2"
	printf 'skip\t%s\t%s\n' "$SCRIPT" "$1" >>"$TEST_RESULTS"
}

# Compares two files or trees, printing a unified diff on difference.
test_cmp() { diff -ru "$1" "$2"; }

# Fails unless the file contains the fixed string.
grep_q() { grep -qF -- "$1" "$2" || { echo "missing '$1' in $2"; return 1; }; }
# grep_not GREP-ARGS...: fails when grep finds a match, and also when it cannot read a
# file (exit 2), which `! grep` would take for a pass.
grep_not() {
	grep_not_out=$(grep "$@" 2>&1) && grep_not_rc=0 || grep_not_rc=$?
	[ "$grep_not_rc" = 1 ] && return 0
	if [ "$grep_not_rc" = 0 ]; then echo "unexpected match: grep $*"; else echo "grep $* exited $grep_not_rc"; fi
	printf '%s\n' "$grep_not_out" | head -n 10
	return 1
}

# Runs a command expected to fail with exit status $1; stderr lands in ./err, stdout in ./.stdout.
expect_exit() {
	want=$1; shift
	set +e; "$@" >.stdout 2>err; got=$?; set -e
	[ "$got" = "$want" ] || { echo "exit $got, want $want"; cat err; return 1; }
}

# A small site in the current folder: site_page PATH 'front matter lines' 'body'.
site_page() {
	mkdir -p "$(dirname "$1")"
	printf -- '---\n%s\n---\n%s\n' "$2" "$3" >"$1"
}

# poll N 'command': retries the command every 0.1 s, at most N times; fails, saying
# what it waited for, when the command never succeeds.
poll() {
	poll_left=$1
	while [ "$poll_left" -gt 0 ]; do
		if eval "$2"; then return 0; fi
		poll_left=$((poll_left - 1))
		sleep 0.1
	done
	echo "gave up waiting for: $2"
	return 1
}

# wait_serve PID N: waits until the `nfsite serve` running as PID (stdout in ./serve.out,
# stderr in ./serve.err) prints its address, looking every 0.1 s, at most N times. Sets
# URL to http://HOST:PORT. Prints serve.err and fails when the server has exited or has
# not started in time.
wait_serve() {
	wait_serve_i=0
	until grep -q 'http://' serve.out 2>/dev/null; do
		wait_serve_i=$((wait_serve_i + 1))
		if [ $wait_serve_i -gt "$2" ] || ! kill -0 "$1" 2>/dev/null; then
			cat serve.err
			return 1
		fi
		sleep 0.1
	done
	URL=$(sed -n 's|.* at \(http://[^/]*\)/.*|\1|p' serve.out)
}

# start_serve N ARGS...: starts `$NFSITE serve --port 0 ARGS...` in the background and
# waits for it as wait_serve PID N does. Sets SERVE_PID and URL.
start_serve() {
	start_serve_n=$1
	shift
	"$NFSITE" serve --port 0 "$@" >serve.out 2>serve.err &
	SERVE_PID=$!
	wait_serve $SERVE_PID "$start_serve_n"
}

# nginx_conf FILE 'HTTP': writes an nginx configuration for a test's own server to FILE:
# pid, logs and temporary folders in $TRASH (made reachable for the workers, which run
# as www-data under root) and HTTP, the http block's own directives and servers. Start
# it with nginx_start FILE; nginx_stop (trap it on EXIT) ends it.
nginx_conf() {
	chmod 755 "$TRASH"
	mkdir -p "$TRASH/nginx-tmp"
	{
		[ "$(id -u)" != 0 ] || echo "user www-data;"
		echo "pid $TRASH/nginx.pid; error_log $TRASH/nginx-error.log; worker_processes 1;"
		echo "events { worker_connections 64; }"
		echo "http {"
		echo "	include /etc/nginx/mime.types;"
		echo "	access_log $TRASH/nginx-access.log;"
		echo "	client_body_temp_path $TRASH/nginx-tmp/body; proxy_temp_path $TRASH/nginx-tmp/proxy;"
		echo "	fastcgi_temp_path $TRASH/nginx-tmp/fastcgi; uwsgi_temp_path $TRASH/nginx-tmp/uwsgi;"
		echo "	scgi_temp_path $TRASH/nginx-tmp/scgi;"
		printf '%s\n}\n' "$2"
	} >"$1"
}
nginx_start() { nginx -c "$1" -p "$TRASH" -e "$TRASH/nginx-error.log" && poll 50 "test -s '$TRASH/nginx.pid'"; }
nginx_stop() { [ -s "$TRASH/nginx.pid" ] && kill "$(cat "$TRASH/nginx.pid" 2>/dev/null)" 2>/dev/null; }

# missing_tools TOOL...: prints " TOOL" for each one not on PATH (nor in /usr/sbin, /sbin).
missing_tools() {
	for t; do PATH=$PATH:/usr/sbin:/sbin command -v "$t" >/dev/null 2>&1 || printf ' %s' "$t"; done
}

test_done() {
	nginx_stop || true # before its pid file goes with $TRASH (the EXIT trap would find none)
	[ -n "${KEEP_TRASH:-}" ] || { cd /; rm -rf "$TRASH"; }
	[ "$test_failed" = 0 ]
}
