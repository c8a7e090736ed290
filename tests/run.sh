#!/bin/sh
# Runs every tests/tNNNN-*.sh (or those matching $1) and prints the summary line
# "N passed, N failed, N skipped". Exit status is non-zero when anything failed.
cd "$(dirname "$0")" || exit 1
results=$(mktemp)
export TEST_RESULTS=$results
# tests/run.sh [PATTERN [--run=LIST]]: the options after the pattern go to each script.
pattern=${1:-}
[ $# -gt 0 ] && shift
matched=0
for t in t[0-9]*.sh; do
	case "$t" in *"$pattern"*) ;; *) continue ;; esac
	matched=$((matched + 1))
	echo "*** $t"
	before=$(grep -c '^fail' "$results")
	sh "$t" "$@"
	rc=$?
	# A script that dies before or between its tests (a set-up step, set -u) reported
	# nothing for what it did not run: that is a failure too.
	if [ "$rc" != 0 ] && [ "$(grep -c '^fail' "$results")" = "$before" ]; then
		printf 'fail\t%s\texited %d outside its tests\n' "${t%.sh}" "$rc" >>"$results"
	fi
done
# A filter that names no script runs nothing: that is no pass.
if [ "$matched" = 0 ]; then
	printf 'fail\t%s\tno test script matches\n' "$pattern" >>"$results"
fi
pass=$(grep -c '^pass' "$results")
fail=$(grep -c '^fail' "$results")
skip=$(grep -c '^skip' "$results")
if [ "$fail" != 0 ]; then
	echo
	echo "failed:"
	grep '^fail' "$results" | cut -f2,3 | sed 's/^/  /; s/\t/: /'
fi
rm -f "$results"
echo
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
