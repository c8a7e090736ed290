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
test_done
