#!/bin/sh
# The libFuzzer targets (tests/fuzz/) build, each runs briefly (20000 executions or 20 s,
# whichever comes first) from the seeds the tests provide, and every input saved in
# tests/fuzz/regressions/TARGET/ replays without a crash, leak or sanitizer report.
# Long runs are `make fuzz FUZZ_SECONDS=N`; this is the CI smoke test.
# FUZZ_O=DIR reuses a build folder (default: a fresh one in the scratch folder).
. "$(dirname "$0")/lib.sh"

FZ=${FUZZ_O:-$TRASH/build-fuzz}
export FUZZ_O=$FZ FUZZ_CRASHES=$TRASH/crashes

have_libfuzzer() {
	command -v clang >/dev/null 2>&1 || return 1
	printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >probe.c
	clang -fsanitize=fuzzer,address,undefined -o probe probe.c >/dev/null 2>&1
}

if ! have_libfuzzer; then
	test_skip 'fuzz targets' 'clang with libFuzzer (libclang-rt-dev) is not installed'
	test_done
	exit
fi

targets=$(cd "$ROOT/tests/fuzz" && ls fuzz_*.c | sed 's/\.c$//; s/^fuzz_//')

test_expect_success 'every fuzz target builds (clang, ASan, UBSan, libFuzzer)' '
	FUZZ_MODE=build "$ROOT/scripts/fuzz.sh" 0 >build.log 2>&1 || { tail -n 30 build.log; false; }
	for t in $targets; do test -x "$FZ/fuzz_$t" || { echo "no $FZ/fuzz_$t"; false; }; done
'

test_expect_success 'there are seeds and regression inputs to replay' '
	test "$(ls "$ROOT"/tests/fuzz/seeds/*/* | wc -l)" -ge 6 &&
	test "$(ls "$ROOT"/tests/fuzz/regressions/*/* | wc -l)" -ge 1
'

for t in $targets; do
	if [ -d "$ROOT/tests/fuzz/regressions/$t" ]; then
		test_expect_success "fuzz_$t: every saved regression input replays cleanly" '
			FUZZ_MODE=replay "$ROOT/scripts/fuzz.sh" 0 '"$t"' >replay-'"$t"'.log 2>&1 ||
				{ cat replay-'"$t"'.log; false; }
			grep -q "regression input(s) replayed" replay-'"$t"'.log
		'
	fi
	test_expect_success "fuzz_$t: 20000 executions or 20 s without a crash" '
		FUZZ_RUNS=20000 "$ROOT/scripts/fuzz.sh" 20 '"$t"' >run-'"$t"'.log 2>&1 ||
			{ cat run-'"$t"'.log; ls "$FUZZ_CRASHES"; false; }
		grep -q "fuzz_'"$t"': ok, [0-9]* executions" run-'"$t"'.log
		cat run-'"$t"'.log | grep "fuzz_'"$t"': ok"
	'
done

test_done
