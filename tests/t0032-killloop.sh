#!/bin/sh
# The kill -9 loop of issue 12, short: 10 kills at random moments of full and incremental
# builds of the bundled site plus generated pages (tests/killloop.sh; run it by hand for
# the long version, 50 kills and more).
. "$(dirname "$0")/lib.sh"

test_expect_success '10 kills: the output is always the old or the new site, and the next build repairs it' '
	KILL_PAGES=250 TMPDIR=$TRASH "$ROOT/tests/killloop.sh" 10 >loop.out 2>&1; rc=$?; cat loop.out; test $rc = 0 &&
	grep -q "^killloop: [0-9]* rounds: 1[0-9]* builds killed mid-build" loop.out
'
test_done
