#!/bin/sh
# bench/run.sh: `make bench`. Builds one generated site with nfsite and with Hugo in
# alternation and reports medians, ratios and the targets of issue 7 (PASS/MISS); then
# the rebuild cases, the floor (cmark-gfm on the same corpus plus writing the same bytes)
# and the two importers (against pandoc for the wiki). A benchmark, never a test: nothing
# here fails on a number, only when a tool fails.
#
# Environment:
#   NFSITE=PATH          the binary (default ./nfsite, which `make bench` builds)
#   BENCH_N=N            pages in the site (default 10000; 1000 with BENCH_QUICK=1)
#   BENCH_QUICK=1        CI-sized run: N=1000, 3 rounds, 1,000 wiki pages, 2,000 bugs
#   BENCH_ROUNDS=R       rounds of each build case (default 5)
#   BENCH_IMPORT_ROUNDS  rounds of each import case (default 3)
#   BENCH_WIKI_N         pages in the MediaWiki dump (default 10000, quick 1000)
#   BENCH_BUGS           bugs in the Bugzilla export (default 20000, quick 2000)
#   BENCH_PANDOC_ROUNDS  rounds of the pandoc conversion (default 1: it is the slow one)
#   BENCH_PANDOC_PERPAGE=1  also time one `pandoc` process per page (xargs -P JOBS)
#   BENCH_SKIP_IMPORT=1  skip the importers
#   BENCH_DIR=DIR        work folder (default a new /tmp/nfsite-bench.XXXXXX)
#   BENCH_PORT=P         127.0.0.1 port of the preview-server edit case (default 18313)
#   BENCH_KEEP=1         keep the work folder (it is removed otherwise)
#   BENCH_TABLE=FILE     also write the result table to FILE
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
NFSITE=${NFSITE:-$ROOT/nfsite}
case $NFSITE in /*) ;; *) NFSITE=$PWD/$NFSITE ;; esac
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	N=${BENCH_N:-1000}; R=${BENCH_ROUNDS:-3}; RI=${BENCH_IMPORT_ROUNDS:-1}
	WIKI_N=${BENCH_WIKI_N:-1000}; BUGS=${BENCH_BUGS:-2000}
else
	N=${BENCH_N:-10000}; R=${BENCH_ROUNDS:-5}; RI=${BENCH_IMPORT_ROUNDS:-3}
	WIKI_N=${BENCH_WIKI_N:-10000}; BUGS=${BENCH_BUGS:-20000}
fi
RP=${BENCH_PANDOC_ROUNDS:-1}
JOBS=$(nproc 2>/dev/null || echo 2)
TIME=/usr/bin/time

for tool in "$NFSITE" hugo pandoc cmark-gfm python3 "$TIME"; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "bench: '$tool' not found (make bench installs hugo, pandoc, time, cmark-gfm)" >&2
		exit 1
	}
done

if [ -n "${BENCH_DIR:-}" ]; then
	W=$BENCH_DIR; mkdir -p "$W"
else
	W=$(mktemp -d "${TMPDIR:-/tmp}/nfsite-bench.XXXXXX")
fi
case $W in /*) ;; *) W=$PWD/$W ;; esac
cleanup() { [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$W"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
: >"$W/times"

say() { printf '%s\n' "$*" >&2; }

# run LABEL CMD...: runs CMD once under GNU time; appends "LABEL wall_s peak_kb cpu_s" to
# $W/times. Wall time is taken around the call with nanosecond clocks (time's %e has
# only 10 ms steps, too coarse for the one-page edit); peak RSS and CPU come from time.
run() {
	label=$1; shift
	t0=$(date +%s%N)
	if ! "$TIME" -f "%M %U %S" -o "$W/time.out" "$@" >"$W/cmd.log" 2>&1; then
		say "bench: $label failed: $*"; tail -20 "$W/cmd.log" >&2; exit 1
	fi
	t1=$(date +%s%N)
	tail -1 "$W/time.out" | awk -v l="$label" -v ns=$((t1 - t0)) \
		'{ printf "%s %.4f %d %.2f\n", l, ns / 1e9, $1, $2 + $3 }' >>"$W/times"
}

# med LABEL COLUMN: the median of COLUMN (2 wall, 3 peak KB, 4 cpu) over LABEL's runs.
med() {
	awk -v l="$1" -v c="$2" '$1 == l { print $c }' "$W/times" | sort -g | awk '
		{ v[NR] = $1 } END {
			if (NR == 0) { print "nan"; exit }
			if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
count() { awk -v l="$1" '$1 == l { n++ } END { print n + 0 }' "$W/times"; }
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }
mb() { calc "$1 / 1024" 1; }
verdict() { if awk "BEGIN { exit !($1) }"; then echo PASS; else echo MISS; fi; }

say "bench: work folder $W; N=$N pages, $R rounds, $JOBS cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the site ---------------------------------------------------------------------------
S=$W/site
say "bench: generating $N pages"
python3 "$ROOT/bench/gen-site.py" "$N" "$S"
cp -r "$ROOT/bench/hugo/." "$S/"
mkdir -p "$S/static"
cp "$ROOT/theme/static/style.css" "$S/static/style.css"
SRC_BYTES=$(find "$S/content" -name '*.md' -exec cat {} + | wc -c)

nf_build() { run "$1" "$NFSITE" build -q --source "$S" --dest "$2"; }
hugo_build() { run "$1" hugo --quiet --source "$S" --destination "$2"; }

say "bench: warm-up (one untimed build each; both must succeed)"
nf_build warmup "$W/nf-out"
hugo_build warmup "$W/hugo-out"
# The site nfsite wrote, without its own bookkeeping (.nfsite-manifest, the build cache).
OUT_FILES=$(find "$W/nf-out" -type f ! -name '.nfsite-*' | wc -l)
OUT_BYTES=$(find "$W/nf-out" -type f ! -name '.nfsite-*' -exec cat {} + | wc -c)
BOOK_BYTES=$(find "$W/nf-out" -maxdepth 1 -type f -name '.nfsite-*' -exec cat {} + | wc -c)
HUGO_FILES=$(find "$W/hugo-out" -type f | wc -l)
HUGO_BYTES=$(find "$W/hugo-out" -type f -exec cat {} + | wc -c)

say "bench: full builds, alternating, $R rounds"
i=1
while [ "$i" -le "$R" ]; do
	rm -rf "$W/nf-out" "$W/hugo-out"
	if [ $((i % 2)) = 1 ]; then
		nf_build nf_full "$W/nf-out"; hugo_build hugo_full "$W/hugo-out"
	else
		hugo_build hugo_full "$W/hugo-out"; nf_build nf_full "$W/nf-out"
	fi
	say "  round $i: nfsite $(tail -2 "$W/times" | awk '$1 == "nf_full" { print $2 }') s, hugo $(tail -2 "$W/times" | awk '$1 == "hugo_full" { print $2 }') s"
	i=$((i + 1))
done

say "bench: no-change rebuilds"
i=1
while [ "$i" -le "$R" ]; do nf_build nf_nochange "$W/nf-out"; i=$((i + 1)); done

say "bench: one-page edits"
EDIT=$S/content/s01/page-00000.md
cp "$EDIT" "$W/edit.orig"
i=1
while [ "$i" -le "$R" ]; do
	printf '\nEdited in bench round %d.\n' "$i" >>"$EDIT"
	nf_build nf_edit "$W/nf-out"
	grep -q "Edited in bench round $i\." "$W/nf-out/s01/page-00000/index.html" || {
		say "bench: the edit of round $i is not in the output"; exit 1; }
	i=$((i + 1))
done
cp "$W/edit.orig" "$EDIT"
nf_build restore "$W/nf-out"

# The same edit with the preview server running, which is where one-page edits happen:
# nfsite serve keeps the page model between builds and reads only the saved file. The
# rebuild time is the server's own ("built … in N ms", from the first change it handles
# to the committed output); "visible" is from the write to the page served with the
# edit, so it includes the server's 100 ms wait for a burst of saves to end.
say "bench: one-page edits in the preview server"
PORT=${BENCH_PORT:-18313}
"$NFSITE" serve --source "$S" --port "$PORT" >"$W/serve.log" 2>&1 &
SERVE_PID=$!
trap 'kill "$SERVE_PID" 2>/dev/null; cleanup' EXIT
builds() { grep -c '^built .* in [0-9]* ms' "$W/serve.log" || true; }
wait_builds() {
	k=0
	while [ "$(builds)" -lt "$1" ]; do
		k=$((k + 1)); [ "$k" -lt 6000 ] || { say "bench: the server did not build"; cat "$W/serve.log" >&2; exit 1; }
		sleep 0.01
	done
}
wait_builds 1
i=1
while [ "$i" -le "$R" ]; do
	sleep 0.3
	t0=$(date +%s%N)
	printf '\nEdited in serve round %d.\n' "$i" >>"$EDIT"
	until curl -sf "http://127.0.0.1:$PORT/s01/page-00000/" | grep -q "Edited in serve round $i\."; do sleep 0.005; done
	t1=$(date +%s%N)
	wait_builds $((i + 1))
	grep '^built .* in [0-9]* ms' "$W/serve.log" | tail -1 | sed 's/.* in \([0-9]*\) ms.*/\1/' |
		awk '{ printf "nf_serve_edit %.4f 0 0\n", $1 / 1000 }' >>"$W/times"
	echo "nf_serve_visible $(calc "($t1 - $t0) / 1e9" 4) 0 0" >>"$W/times"
	i=$((i + 1))
done
kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true
trap cleanup EXIT
cp "$W/edit.orig" "$EDIT"

# --- the floor: cmark-gfm on the same bodies, then writing the same bytes --------------
# The bodies (front matter dropped) are split in JOBS parts rendered by one cmark-gfm
# process each, in parallel, as nfsite uses JOBS workers; then the files of nfsite's own
# output are written again (tar pipe: real write(2)s, the same names and bytes), without
# nfsite's bookkeeping files (manifest, build cache), which are nfsite's own overhead.
say "bench: floor (cmark-gfm + writing $OUT_FILES files, $OUT_BYTES bytes)"
F=$W/floor
mkdir -p "$F"
find "$S/content" -name '*.md' | sort >"$F/list"
split -n "l/$JOBS" -d "$F/list" "$F/list."
for l in "$F"/list.*; do
	while IFS= read -r f; do
		awk 'NR == 1 && $0 == "---" { fm = 1; next } fm && $0 == "---" { fm = 0; next } !fm' "$f"
		echo
	done <"$l" >"$l.md"
done
cat >"$F/floor.sh" <<EOF
#!/bin/sh
set -e
for c in "$F"/list.*.md; do
	cmark-gfm -e table -e strikethrough -e autolink -e tagfilter -e tasklist "\$c" >"\$c.html" &
done
wait
mkdir "$F/tree"
(cd "$W/nf-out" && tar cf - --exclude='./.nfsite-*' .) | (cd "$F/tree" && tar xf -)
EOF
chmod +x "$F/floor.sh"
i=1
while [ "$i" -le "$R" ]; do
	rm -rf "$F/tree" "$F"/list.*.md.html
	run floor "$F/floor.sh"
	i=$((i + 1))
done

# --- importers ---------------------------------------------------------------------------
if [ "${BENCH_SKIP_IMPORT:-0}" != 1 ]; then
	say "bench: MediaWiki dump of $WIKI_N pages"
	python3 "$ROOT/bench/gen-wiki.py" "$WIKI_N" "$W/wiki.xml" --texts "$W/wiki-texts"
	WIKI_BYTES=$(wc -c <"$W/wiki.xml")
	i=1
	while [ "$i" -le "$RI" ]; do
		rm -rf "$W/wiki-site"; mkdir -p "$W/wiki-site/content"
		run mw_import "$NFSITE" import mediawiki --xml "$W/wiki.xml" --out "$W/wiki-site/content/wiki"
		i=$((i + 1))
	done
	tail -1 "$W/cmd.log" >"$W/mw-summary"
	printf -- '---\ntitle: Wiki\n---\nThe [wiki](/wiki/).\n' >"$W/wiki-site/content/_index.md"
	# The imported wiki built (informational; a failure is reported, not fatal).
	if "$TIME" -f "%M %U %S" -o "$W/time.out" "$NFSITE" build -q --source "$W/wiki-site" \
		--dest "$W/wiki-out" >"$W/wiki-build.log" 2>&1; then
		rm -rf "$W/wiki-out"
		run mw_build "$NFSITE" build -q --source "$W/wiki-site" --dest "$W/wiki-out"
	else
		say "bench: building the imported wiki failed:"; head -5 "$W/wiki-build.log" >&2
	fi

	say "bench: pandoc -f mediawiki -t markdown on the same pages ($JOBS processes)"
	P=$W/pandoc
	mkdir -p "$P"
	find "$W/wiki-texts" -name '*.wiki' | sort >"$P/list"
	split -n "l/$JOBS" -d "$P/list" "$P/list."
	cat >"$P/batch.sh" <<EOF
#!/bin/sh
set -e
for l in "$P"/list.*; do
	BENCH_LIST="\$l" BENCH_OUT="$P/out" pandoc -f markdown -t plain --lua-filter "$ROOT/bench/pandoc-batch.lua" /dev/null &
done
wait
EOF
	chmod +x "$P/batch.sh"
	i=1
	while [ "$i" -le "$RP" ]; do
		rm -rf "$P/out"; mkdir "$P/out"
		run pandoc "$P/batch.sh"
		i=$((i + 1))
	done
	[ "$(find "$P/out" -name '*.md' | wc -l)" = "$WIKI_N" ] || { say "bench: pandoc wrote too few pages"; exit 1; }
	if [ "${BENCH_PANDOC_PERPAGE:-0}" = 1 ]; then
		rm -rf "$P/out"; mkdir "$P/out"
		run pandoc_perpage sh -c "cd '$W/wiki-texts' && ls | xargs -P $JOBS -I{} pandoc -f mediawiki -t markdown {} -o '$P/out/{}.md'"
	fi

	say "bench: Bugzilla export of $BUGS bugs"
	python3 "$ROOT/scripts/gen-bugzilla.py" "$W/bugs.xml" --bugs "$BUGS"
	BZ_BYTES=$(wc -c <"$W/bugs.xml")
	mkdir -p "$W/bz-site/content" "$W/bz-site/data"
	printf -- '---\ntitle: Bugs\n---\nThe [bug archive](/bugs/).\n' >"$W/bz-site/content/_index.md"
	i=1
	while [ "$i" -le "$RI" ]; do
		rm -f "$W/bz-site/data/bugzilla.sqlite"
		run bz_import "$NFSITE" import bugzilla -q --xml "$W/bugs.xml" --out "$W/bz-site/data/bugzilla.sqlite"
		i=$((i + 1))
	done
	i=1
	while [ "$i" -le "$RI" ]; do
		rm -rf "$W/bz-out"
		run bz_build "$NFSITE" build -q --source "$W/bz-site" --dest "$W/bz-out"
		i=$((i + 1))
	done
	BZ_FILES=$(find "$W/bz-out" -type f | wc -l)
fi

# --- the table ---------------------------------------------------------------------------
# s LABEL: median wall seconds, 3 decimals; c LABEL: median CPU seconds; m LABEL: peak MB
s() { calc "$(med "$1" 2)" 3; }
c() { calc "$(med "$1" 4)" 2; }
m() { mb "$(med "$1" 3)"; }
# The median over rounds of hugo/nfsite within each round: steadier than the ratio of
# medians when the machine's load drifts during the run.
pair_ratio() {
	awk '$1 == "nf_full" { n[++i] = $2 } $1 == "hugo_full" { h[++j] = $2 }
		END { for (k = 1; k <= i && k <= j; k++) print h[k] / n[k] }' "$W/times" | sort -g | awk '
		{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
nf=$(med nf_full 2); hg=$(med hugo_full 2)
nfm=$(med nf_full 3); hgm=$(med hugo_full 3)
nc=$(med nf_nochange 2); ed=$(med nf_edit 2); fl=$(med floor 2)
speed=$(calc "$hg / $nf"); memr=$(calc "$nfm / $hgm" 3)
ncr=$(calc "100 * $nc / $nf" 1); flr=$(calc "$nf / $fl")
{
	echo
	echo "nfsite bench: $N pages ($(calc "$SRC_BYTES / $N / 1024" 1) KB each on average), $R rounds, medians;"
	echo "$JOBS cores, load average $LOAD0 at start, $(cut -d' ' -f1-3 /proc/loadavg) at end"
	echo "$("$NFSITE" --version 2>/dev/null | head -1), $(hugo version | cut -d' ' -f1-2), $(pandoc --version | head -1), cmark-gfm $(cmark-gfm --version | head -1 | awk '{ print $2 }')"
	echo "output: nfsite $OUT_FILES files, $(calc "$OUT_BYTES / 1048576" 1) MB (+ $(calc "$BOOK_BYTES / 1048576" 1) MB manifest and build cache); hugo $HUGO_FILES files, $(calc "$HUGO_BYTES / 1048576" 1) MB"
	echo
	printf '%-34s %10s %10s %9s  %-26s %s\n' case "wall s" "peak MB" "cpu s" "measure" target
	printf '%-34s %10s %10s %9s  %-26s %s\n' "hugo full build" "$(s hugo_full)" "$(m hugo_full)" "$(c hugo_full)" "" ""
	printf '%-34s %10s %10s %9s  %-26s %s\n' "nfsite full build" "$(s nf_full)" "$(m nf_full)" "$(c nf_full)" \
		"hugo/nfsite = ${speed}x" "$(verdict "$hg / $nf >= 5") (>= 5x)"
	printf '%-34s %10s %10s %9s  %-26s %s\n' "  same-round pairs" "" "" "" \
		"median hugo/nfsite = $(pair_ratio)x" "(information)"
	printf '%-34s %10s %10s %9s  %-26s %s\n' "  CPU time (user+sys)" "" "" "" \
		"hugo/nfsite = $(calc "$(med hugo_full 4) / $(med nf_full 4)")x" "(information)"
	printf '%-34s %10s %10s %9s  %-26s %s\n' "  peak memory" "" "" "" \
		"nfsite/hugo = $memr" "$(verdict "$nfm * 3 <= $hgm") (<= 1/3)"
	printf '%-34s %10s %10s %9s  %-26s %s\n' "nfsite no-change rebuild" "$(s nf_nochange)" "$(m nf_nochange)" \
		"$(c nf_nochange)" "= ${ncr}% of full" "$(verdict "$nc < 0.10 * $nf") (< 10%)"
	printf '%-34s %10s %10s %9s  %-26s %s\n' "nfsite one-page edit rebuild" "$(s nf_edit)" "$(m nf_edit)" \
		"$(c nf_edit)" "= $(calc "$ed * 1000" 0) ms" "$(verdict "$ed < 0.050") (< 50 ms)"
	printf '%-34s %10s %10s %9s  %-26s %s\n' "  in the preview server (serve)" "$(s nf_serve_edit)" "" "" \
		"= $(calc "$(med nf_serve_edit 2) * 1000" 0) ms" "$(verdict "$(med nf_serve_edit 2) < 0.050") (< 50 ms)"
	printf '%-34s %10s %10s %9s  %-26s %s\n' "  save to edited page served" "$(s nf_serve_visible)" "" "" \
		"incl. 100 ms quiet window" "(information)"
	printf '%-34s %10s %10s %9s  %-26s %s\n' "floor (cmark-gfm + write)" "$(s floor)" "$(m floor)" \
		"$(c floor)" "nfsite/floor = ${flr}x" "$(verdict "$nf <= 2 * $fl") (<= 2x)"
	printf '%-34s %10s %10s %9s  %-26s %s\n' "  CPU time (user+sys)" "" "" "" \
		"nfsite/floor = $(calc "$(med nf_full 4) / $(med floor 4)")x" "(information)"
	if [ "${BENCH_SKIP_IMPORT:-0}" != 1 ]; then
		mi=$(med mw_import 2); pd=$(med pandoc 2)
		echo
		printf '%-34s %10s %10s %9s  %s\n' "importer (input)" "wall s" "peak MB" "cpu s" "measure"
		printf '%-34s %10s %10s %9s  %s\n' "nfsite import mediawiki --xml" "$(s mw_import)" "$(m mw_import)" \
			"$(c mw_import)" "$WIKI_N pages, $(calc "$WIKI_BYTES / 1048576" 1) MB XML"
		printf '%-34s %10s %10s %9s  %s\n' "pandoc -f mediawiki -t markdown" "$(s pandoc)" "$(m pandoc)" \
			"$(c pandoc)" "same pages, $JOBS batch processes; pandoc/nfsite = $(calc "$pd / $mi" 1)x"
		if [ "$(count pandoc_perpage)" -gt 0 ]; then
			pp=$(med pandoc_perpage 2)
			printf '%-34s %10s %10s %9s  %s\n' "pandoc, one process per page" "$(s pandoc_perpage)" "$(m pandoc_perpage)" \
				"$(c pandoc_perpage)" "xargs -P $JOBS; pandoc/nfsite = $(calc "$pp / $mi" 1)x"
		fi
		if [ "$(count mw_build)" -gt 0 ]; then
			printf '%-34s %10s %10s %9s  %s\n' "nfsite build of the imported wiki" "$(s mw_build)" \
				"$(m mw_build)" "$(c mw_build)" "$(sed "s/^[^:]*: //" "$W/mw-summary" | cut -c1-70)…"
		fi
		printf '%-34s %10s %10s %9s  %s\n' "nfsite import bugzilla --xml" "$(s bz_import)" \
			"$(m bz_import)" "$(c bz_import)" "$BUGS bugs, $(calc "$BZ_BYTES / 1048576" 1) MB XML"
		printf '%-34s %10s %10s %9s  %s\n' "nfsite build of the bug archive" "$(s bz_build)" \
			"$(m bz_build)" "$(c bz_build)" "$BZ_FILES files written"
	fi
	echo
} >"$W/table"
cat "$W/table"
[ -z "${BENCH_TABLE:-}" ] || cp "$W/table" "$BENCH_TABLE"
[ "${BENCH_KEEP:-0}" != 1 ] || say "bench: raw times in $W/times"
