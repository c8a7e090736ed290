#!/bin/sh
# fuzz.sh: builds the libFuzzer targets in tests/fuzz/ and runs them (`make fuzz`).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     run each target SECONDS (default 60)
#
# TARGET is a name like markdown or fuzz_markdown; none means every tests/fuzz/fuzz_*.c.
# Environment:
#   FUZZ_O=DIR     build folder (default build-fuzz): objects, binaries, corpora, logs
#   FUZZ_MODE=run  (default) | build (only build) | replay (run every file in
#                  tests/fuzz/regressions/TARGET/ once and exit non-zero on any failure)
#   FUZZ_RUNS=N    stop each target after N executions (and SECONDS, when not 0)
#   FUZZ_JOBS=N    targets run side by side (default 1)
#   FUZZ_CRASHES=DIR  where crash artifacts go (default tests/fuzz/crashes)
#   FUZZ_ROOT=DIR  the repository (when running a copy of this script)
#   FUZZ_ARGS=...  extra libFuzzer flags (long campaigns: "-fork=1 -ignore_crashes=1
#                  -ignore_timeouts=1 -ignore_ooms=1" keeps going past each crash)
#
# Every C file under generator/ but main.c is compiled with clang, ASan, UBSan and the fuzzer's
# coverage into FUZZ_O (through the Makefile's own rules), and linked with each target.
# Seeds: tests/fuzz/seeds/TARGET/ plus inputs taken from the tests (golden files,
# fixtures, the site's content, the MediaWiki and Bugzilla exports of tests/fixtures/
# split into small documents). New corpus units stay in FUZZ_O/corpus/TARGET/. A crash,
# leak, sanitizer report or hang is kept in tests/fuzz/crashes/ and the script exits 1.
set -u
ROOT=${FUZZ_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$ROOT" || exit 2
SECONDS_EACH=${1:-60}
[ $# -gt 0 ] && shift
O=${FUZZ_O:-build-fuzz}
MODE=${FUZZ_MODE:-run}
JOBS=${FUZZ_JOBS:-1}
CRASHES=${FUZZ_CRASHES:-$ROOT/tests/fuzz/crashes}
# The Makefile's own package list, so the two cannot drift.
PKGS=$(sed -n 's/^PKGS *:= *//p' Makefile)
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS_FUZZ="-O1 -g $SAN -fsanitize=fuzzer-no-link"

case "$SECONDS_EACH" in
	''|*[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac
command -v clang >/dev/null 2>&1 || { echo "fuzz.sh: clang is missing (apt-get install clang libclang-rt-dev)" >&2; exit 2; }

# --- which targets -------------------------------------------------------------------
targets=""
if [ $# -eq 0 ]; then
	for f in tests/fuzz/fuzz_*.c; do targets="$targets $(basename "$f" .c)"; done
else
	for t in "$@"; do
		t=fuzz_${t#fuzz_}
		[ -f "tests/fuzz/$t.c" ] || { echo "fuzz.sh: no target tests/fuzz/$t.c" >&2; exit 2; }
		targets="$targets $t"
	done
fi

# --- build ----------------------------------------------------------------------------
mkdir -p "$O" || exit 2
objs=""
for c in $(find generator -name '*.c' | sort); do
	case "$c" in generator/main.c) continue ;; esac
	c=${c#generator/}
	objs="$objs $O/${c%.c}.o"
done
objs="$objs $O/theme_data.o"
echo "fuzz.sh: building modules into $O/ with clang"
# shellcheck disable=SC2086
make -s -j"$(nproc 2>/dev/null || echo 2)" O="$O" CC=clang CFLAGS="$CFLAGS_FUZZ" $objs || exit 2
libs="$(pkg-config --libs $PKGS) -lcmark-gfm-extensions -lm -pthread"
for t in $targets; do
	bin=$O/$t
	need=0
	[ -x "$bin" ] || need=1
	for dep in "tests/fuzz/$t.c" tests/fuzz/fuzz_util.h $objs; do
		[ "$dep" -nt "$bin" ] && need=1
	done
	[ $need = 0 ] && continue
	echo "fuzz.sh: linking $bin"
	# shellcheck disable=SC2086
	clang -std=c11 -D_GNU_SOURCE -Wall -Wextra -O1 -g $SAN -fsanitize=fuzzer \
		$(pkg-config --cflags $PKGS) -I"$O" -Igenerator -Itests/fuzz \
		-o "$bin" "tests/fuzz/$t.c" $objs $libs || exit 2
done
[ "$MODE" = build ] && exit 0

# --- replay regressions ---------------------------------------------------------------
if [ "$MODE" = replay ]; then
	status=0
	for t in $targets; do
		dir=tests/fuzz/regressions/${t#fuzz_}
		[ -d "$dir" ] || continue
		n=0
		for f in "$dir"/*; do
			[ -f "$f" ] || continue
			n=$((n + 1))
			if ! "$O/$t" -timeout=60 -rss_limit_mb=2048 "$f" >"$O/replay.log" 2>&1; then
				echo "fuzz.sh: $t fails on $f:"
				tail -n 40 "$O/replay.log"
				status=1
			fi
		done
		echo "fuzz.sh: $t: $n regression input(s) replayed"
	done
	exit $status
fi

# --- seeds from the tests -------------------------------------------------------------
# seed_files TARGET DIR: copies the test inputs that suit TARGET into DIR.
seed_files() {
	d=$2
	case "$1" in
	fuzz_frontmatter)
		for f in tests/golden/markdown/*.md content/*.md content/*/*.md faq/*.md; do
			[ -f "$f" ] && cp "$f" "$d/"
		done ;;
	fuzz_markdown)
		for f in tests/golden/markdown/*.md content/*.md content/*/*.md faq/*.md; do
			[ -f "$f" ] || continue
			# first byte: option flags (smart, untrusted, resolver), then the text
			{ printf '\006'; cat "$f"; } >"$d/$(basename "$f")"
		done ;;
	fuzz_template)
		for f in theme/templates/*.html theme/templates/partials/*.html tests/golden/templates/*.html \
			tests/golden/templates/partials/*.html templates/*.html templates/partials/*.html; do
			[ -f "$f" ] && cp "$f" "$d/$(echo "$f" | tr / _)"
		done ;;
	fuzz_highlight)
		# first byte: the language's index in the table of fuzz_highlight.c
		i=0
		for l in nft sh console diff c cpp py json yaml ini xml html lua; do
			for f in tests/golden/highlight/*."$l"; do
				case "$f" in *.*.html) continue ;; esac # expected output, not a source
				[ -f "$f" ] && { printf "\\$(printf %03o "$i")"; cat "$f"; } >"$d/$(basename "$f")"
			done
			i=$((i + 1))
		done ;;
	fuzz_wikitext)
		for f in tests/fixtures/mediawiki/reference/*.wiki; do
			[ -f "$f" ] && [ "$(wc -c <"$f")" -le 16384 ] && cp "$f" "$d/"
		done ;;
	fuzz_mediawiki_xml)
		for f in tests/fixtures/mediawiki/dump-current.xml tests/fixtures/mediawiki/dump-full.xml; do
			split_xml "$f" "<page>" "</page>" "$d/$(basename "$f" .xml)"
		done ;;
	fuzz_bugzilla_xml)
		for f in tests/fixtures/bugzilla/bugs.xml tests/fixtures/bugzilla/bugs.anon.xml; do
			split_xml "$f" "<bug>" "</bug>" "$d/$(basename "$f" .xml)"
		done ;;
	esac
}

# split_xml FILE OPEN CLOSE PREFIX: one small document per record (the header up to
# the first record, the record, the root's end tag), at most 16 KiB each.
split_xml() {
	command -v python3 >/dev/null 2>&1 || return 0
	python3 - "$@" <<'EOF'
import sys
path, open_tag, close_tag, prefix = sys.argv[1:5]
data = open(path, "rb").read()
o, c = open_tag.encode(), close_tag.encode()
first = data.find(o)
if first < 0:
    sys.exit(0)
head = data[:first]
root_end = data[data.rfind(b"</"):]
i, n = first, 0
while n < 80:
    a = data.find(o, i)
    if a < 0:
        break
    b = data.find(c, a)
    if b < 0:
        break
    b += len(c)
    doc = head + data[a:b] + b"\n" + root_end
    if len(doc) <= 16384:
        open("%s-%03d.xml" % (prefix, n), "wb").write(doc)
        n += 1
    i = b
EOF
}

max_len() {
	case "$1" in
	fuzz_frontmatter) echo 4096 ;;
	fuzz_markdown|fuzz_template) echo 8192 ;;
	*) echo 16384 ;;
	esac
}

# --- run ------------------------------------------------------------------------------
mkdir -p "$CRASHES" "$O/logs"
run_one() {
	t=$1
	seeds=$O/seeds/$t
	corpus=$O/corpus/$t
	rm -rf "$seeds"
	mkdir -p "$seeds" "$corpus"
	seed_files "$t" "$seeds"
	dirs="$corpus $seeds"
	[ -d "tests/fuzz/seeds/${t#fuzz_}" ] && dirs="$dirs tests/fuzz/seeds/${t#fuzz_}"
	[ -d "tests/fuzz/regressions/${t#fuzz_}" ] && dirs="$dirs tests/fuzz/regressions/${t#fuzz_}"
	dict=""
	[ -f "tests/fuzz/${t#fuzz_}.dict" ] && dict="-dict=tests/fuzz/${t#fuzz_}.dict"
	limit="-max_total_time=$SECONDS_EACH"
	[ -n "${FUZZ_RUNS:-}" ] && limit="-runs=$FUZZ_RUNS"
	[ -n "${FUZZ_RUNS:-}" ] && [ "$SECONDS_EACH" -gt 0 ] && limit="$limit -max_total_time=$SECONDS_EACH"
	before=$(ls "$CRASHES" | grep -c "^${t#fuzz_}-")
	log=$O/logs/$t.log
	# stderr of the modules (error_at lines) is closed (-close_fd_mask=2); libFuzzer
	# and the sanitizers keep their own copy of it.
	# shellcheck disable=SC2086
	"$O/$t" $limit -max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -close_fd_mask=2 -artifact_prefix="$CRASHES/${t#fuzz_}-" \
		$dict ${FUZZ_ARGS:-} $dirs >"$log" 2>&1
	rc=$?
	# Plain mode ends with stat:: lines; -fork=N mode with "#N: cov: … exec/s N" lines.
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	[ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9]*\): cov:.*/\1/p' "$log" | tail -n 1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	[ -n "$speed" ] || speed=$(sed -n 's/^#[0-9]*: cov:.* exec\/s \([0-9]*\).*/\1/p' "$log" | tail -n 1)
	cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -n 1)
	# -fork=N -ignore_crashes=1 keeps going and exits 0: count the artifacts instead.
	after=$(ls "$CRASHES" | grep -c "^${t#fuzz_}-")
	[ "$after" -gt "$before" ] && [ $rc = 0 ] && rc=1
	if [ $rc = 0 ]; then
		echo "fuzz.sh: $t: ok, ${execs:-?} executions (${speed:-?}/s), $cov"
	else
		echo "fuzz.sh: $t: FAILED (exit $rc) after ${execs:-?} executions, $cov; log $log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written|.*runtime error|.*Test unit written)' "$log" | head -n 10 | sed 's/^/    /'
		[ "$after" -gt "$before" ] && echo "    $((after - before)) new file(s) in tests/fuzz/crashes/"
		return 1
	fi
}

status=0
running=0
pids=""
for t in $targets; do
	run_one "$t" &
	pids="$pids $!"
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then
		for p in $pids; do wait "$p" || status=1; done
		pids=""
		running=0
	fi
done
for p in $pids; do wait "$p" || status=1; done
[ $status = 0 ] || echo "fuzz.sh: crashes are kept in $CRASHES/; minimise one with: $O/fuzz_TARGET -minimize_crash=1 -runs=10000 FILE"
exit $status
