#!/bin/sh
# The test harness itself: --run=LIST runs only the named tests of a script.
. "$(dirname "$0")/lib.sh"

test_expect_success '--run=2 runs test 2 alone; --run=1-2,4 a range and a list' '
	TEST_RESULTS=$TRASH/r1 sh "$ROOT/tests/t0002-layers.sh" --run=2 >out &&
	test "$(grep -c ^pass r1)" = 1 && grep -q "^ok 2 - " out && grep -q "^# not run 1 - " out &&
	grep_not -q "^ok [13456]" out &&
	TEST_RESULTS=$TRASH/r2 sh "$ROOT/tests/t0002-layers.sh" --run=2-3,5 >out &&
	test "$(cut -f3 r2 | wc -l)" = 3 && grep -q "^ok 5 - " out && grep -q "^# not run 4 - " out
'
test_expect_success 'an unknown option fails the script' '
	{ ! TEST_RESULTS=$TRASH/r3 sh "$ROOT/tests/t0002-layers.sh" --bogus 2>err; } &&
	grep -q "unknown option .--bogus." err
'
# A browser test guards on node, chromium and tests/node_modules (scripts/install-deps.sh
# test installs playwright-core from tests/package.json): in a tree without node_modules
# the guard skips, and under CI (.ci/run sets CI=1) the skip is a failure.
test_expect_success 'a missing tool skips a test, and fails it under CI' '
	mkdir -p fake/tests && cp "$ROOT/tests/lib.sh" "$ROOT/tests/t4070-subpath.sh" fake/tests/ &&
	{ ! CI=1 TEST_RESULTS=$TRASH/r4 sh fake/tests/t4070-subpath.sh --run=0 >out; } &&
	cat out r4 &&
	grep -q "^fail	t4070-subpath	search under a sub-path in chromium (skipped: " r4 &&
	CI= TEST_RESULTS=$TRASH/r5 sh fake/tests/t4070-subpath.sh --run=0 >out &&
	grep -q "^skip	t4070-subpath	search under a sub-path in chromium$" r5 && ! grep -q "^fail" r5
'
test_done
