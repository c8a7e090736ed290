#!/bin/sh
# bench/run.sh: `make bench`. Builds two generated corpora (gen-site.py's pages and
# gen-docs.py's documentation tree) with nfsite and with Hugo in alternation, each on the
# work disk and on tmpfs, and reports medians, ratios and the targets of issue 17
# (PASS/MISS); then the floor (cmark-gfm on the same corpus plus writing the same bytes),
# 100,000 pages, what a search fetches, the rebuild and preview-server edit cases, and
# the two importers (against pandoc for the wiki). A benchmark, never a test: nothing
# here fails on a number, only when a tool fails.
#
# Environment:
#   NFSITE=PATH          the binary (default ./nfsite, which `make bench` builds)
#   BENCH_N=N            pages in each corpus (default 10000; 1000 with BENCH_QUICK=1)
#   BENCH_QUICK=1        CI-sized run: N=1000, 3 rounds, 1,000 wiki pages, 2,000 bugs, no 100K
#   BENCH_ROUNDS=R       rounds of each build case (default 5)
#   BENCH_CORPORA=LIST   corpora to run (default "site docs")
#   BENCH_IMPORT_ROUNDS  rounds of each import case (default 3)
#   BENCH_WIKI_N         pages in the MediaWiki dump (default 10000, quick 1000)
#   BENCH_BUGS           bugs in the Bugzilla export (default 20000, quick 2000)
#   BENCH_PANDOC_ROUNDS  rounds of the pandoc conversion (default 1: it is the slow one)
#   BENCH_PANDOC_PERPAGE=1  also time one `pandoc` process per page (xargs -P JOBS)
#   BENCH_SKIP_IMPORT=1  skip the importers
#   BENCH_100K=0         skip the 100,000-page case (BENCH_BIG_N changes its size,
#                        BENCH_HUGO_BIG=0 skips Hugo there)
#   BENCH_DIR=DIR        work folder on the disk (default a new /var/tmp/nfsite-bench.XXXXXX:
#                        /var/tmp is on the disk where /tmp may be tmpfs)
#   BENCH_TMPFS=DIR      tmpfs folder for the second set of full builds (default /dev/shm;
#                        BENCH_TMPFS=none skips them)
#   BENCH_PORT=P         127.0.0.1 port of the preview-server edit case (default 18313)
#   BENCH_KEEP=1         keep the work folders (they are removed otherwise)
#   BENCH_TABLE=FILE     also write the result table to FILE
set -eu

# sh reads a script while it runs it: the run goes on in a copy, so that editing run.sh
# meanwhile cannot change a run of an hour.
if [ -z "${BENCH_SELF:-}" ]; then
	self=$(mktemp "${TMPDIR:-/tmp}/nfsite-bench-run.XXXXXX")
	cp "$0" "$self"
	BENCH_ROOT=$(cd "$(dirname "$0")/.." && pwd) BENCH_SELF=$self exec sh "$self" "$@"
fi
ROOT=$BENCH_ROOT
rm -f "$BENCH_SELF"
NFSITE=${NFSITE:-$ROOT/nfsite}
case $NFSITE in /*) ;; *) NFSITE=$PWD/$NFSITE ;; esac
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	N=${BENCH_N:-1000}; R=${BENCH_ROUNDS:-3}; RI=${BENCH_IMPORT_ROUNDS:-1}
	WIKI_N=${BENCH_WIKI_N:-1000}; BUGS=${BENCH_BUGS:-2000}; BIG=${BENCH_100K:-0}
else
	N=${BENCH_N:-10000}; R=${BENCH_ROUNDS:-5}; RI=${BENCH_IMPORT_ROUNDS:-3}
	WIKI_N=${BENCH_WIKI_N:-10000}; BUGS=${BENCH_BUGS:-20000}; BIG=${BENCH_100K:-1}
fi
BIG_N=${BENCH_BIG_N:-100000}
CORPORA=${BENCH_CORPORA:-site docs}
RP=${BENCH_PANDOC_ROUNDS:-1}
JOBS=$(nproc 2>/dev/null || echo 2)
TIME=/usr/bin/time

for tool in "$NFSITE" hugo pandoc cmark-gfm python3 curl "$TIME"; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "bench: '$tool' not found (make bench installs hugo, pandoc, time, cmark-gfm)" >&2
		exit 1
	}
done

if [ -n "${BENCH_DIR:-}" ]; then
	W=$BENCH_DIR; mkdir -p "$W"
else
	W=$(mktemp -d /var/tmp/nfsite-bench.XXXXXX)
fi
case $W in /*) ;; *) W=$PWD/$W ;; esac
# The outputs stay until the run ends (see flush below): about 8 GB with the defaults.
need_gb=4; [ "$BIG" != 1 ] || need_gb=10
free_gb=$(df -Pk "$W" | awk 'NR == 2 { print int($4 / 1048576) }')
[ "$free_gb" -ge "$need_gb" ] || {
	echo "bench: $W has $free_gb GB free; the run keeps its outputs until it ends and needs about $need_gb GB" >&2
	exit 1
}
T=
TMPFS=${BENCH_TMPFS:-/dev/shm}
[ "$TMPFS" = none ] || T=$(mktemp -d "$TMPFS/nfsite-bench.XXXXXX")
cleanup() { [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$W" ${T:+"$T"}; }
trap cleanup EXIT
trap 'exit 130' INT TERM
: >"$W/times"
# The file system under each folder, for the table ("ext4", "ext4 without a journal", "tmpfs").
fstype() {
	fs_t=$(findmnt -no FSTYPE -T "$1" 2>/dev/null | tail -1 | grep . || stat -f -c %T "$1")
	# jbd2 names a journal after the kernel's name of the device (dm-0, not a mapper name).
	fs_dev=$(findmnt -no MAJ:MIN -T "$1" 2>/dev/null | tail -1)
	fs_dev=$(basename "$(readlink -f "/sys/dev/block/$fs_dev" 2>/dev/null)" 2>/dev/null)
	case $fs_t in
	ext4) ls -d /proc/fs/jbd2/"$fs_dev"-* >/dev/null 2>&1 || fs_t="$fs_t without a journal" ;;
	esac
	echo "$fs_t"
}

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

say "bench: work folders $W ($(fstype "$W"))${T:+ and $T ($(fstype "$T"))}; N=$N pages, $R rounds, $JOBS cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the corpora -------------------------------------------------------------------------
# gen CORPUS N DIR: writes corpus CORPUS of N pages, with Hugo's layouts beside it.
gen() {
	case $1 in
	site) python3 "$ROOT/bench/gen-site.py" "$2" "$3" ;;
	docs) python3 "$ROOT/bench/gen-docs.py" "$2" "$3" ;;
	*) say "bench: no corpus '$1' (site, docs)"; exit 2 ;;
	esac
	cp -r "$ROOT/bench/hugo/." "$3/"
	mkdir -p "$3/static"
	cp "$ROOT/theme/static/style.css" "$3/static/style.css"
}
# The page each corpus's edit cases append to, and its URL path.
edit_page() { case $1 in site) echo s01/page-00000 ;; docs) echo guide/page-00000 ;; esac; }

nf_build() { run "$1" "$NFSITE" build -q --source "$2" --dest "$3"; }
hugo_build() { run "$1" hugo --quiet --source "$2" --destination "$3"; }
# Every timed build writes into a new folder, and nothing on the work disk is deleted
# before the rebuild cases: not between the full builds, the floor, the 100,000 pages
# and the search build. On ext4 without a journal (this machine's disk) a file or folder
# created within 60 s of a deletion, or within 360 s while the deleted inode's block of
# the inode table is still dirty, costs far more: the inode allocator steps over each
# recently deleted inode of its group one by one (recently_deleted() in
# fs/ext4/ialloc.c). Right after `rm -rf` of the last output it was most of a
# 10,000-page build's CPU samples, and 36 s after it nfsite's system time was still 2.44 s
# against 0.94 s. Both tools pay it per file created; a first build on a quiet disk does
# not. So the outputs stay until the end (about 8 GB and a million files with the
# defaults), and the cases that delete (the preview server removes its private folder)
# run after the others; the importers write each round into a new folder.
# flush: writes back what is dirty on both work file systems, so that no timed build
# shares the disk with the writeback of the build before it (the other tool's, often).
flush() { sync -f "$W"; [ -z "$T" ] || sync -f "$T"; }

# full_rounds TAG SRC OUT: one untimed build with each tool (page cache warm, and both
# must succeed), then R rounds alternating nfsite and Hugo (the order flips every round),
# each into a new empty destination OUT/nf.I or OUT/hugo.I: labels nf_full_TAG,
# hugo_full_TAG. Leaves every output in place (see flush above).
full_rounds() {
	tag=$1; src=$2; out=$3
	say "bench: $tag: warm-up (one untimed build each; both must succeed)"
	mkdir -p "$out"
	nf_build warmup "$src" "$out/nf.0"
	hugo_build warmup "$src" "$out/hugo.0"
	say "bench: $tag: full builds, alternating, $R rounds"
	i=1
	while [ "$i" -le "$R" ]; do
		if [ $((i % 2)) = 1 ]; then
			flush; nf_build "nf_full_$tag" "$src" "$out/nf.$i"; flush; hugo_build "hugo_full_$tag" "$src" "$out/hugo.$i"
		else
			flush; hugo_build "hugo_full_$tag" "$src" "$out/hugo.$i"; flush; nf_build "nf_full_$tag" "$src" "$out/nf.$i"
		fi
		say "  round $i: nfsite $(tail -2 "$W/times" | awk -v l="nf_full_$tag" '$1 == l { print $2 }') s, hugo $(tail -2 "$W/times" | awk -v l="hugo_full_$tag" '$1 == l { print $2 }') s"
		i=$((i + 1))
	done
}

# rebuilds TAG SRC OUT PAGE ROUNDS: into OUT, which holds a full build: ROUNDS no-change
# rebuilds, ROUNDS one-page edits of content/PAGE.md rebuilt on the command line (the edit
# checked in the output), then 1 + ROUNDS of the same edit with `nfsite serve` running, which
# is where one-page edits happen: it keeps the page model between builds and reads only
# the saved file. nf_serve_edit_TAG is the server's own rebuild time ("built … in N ms",
# from the first change it handles to the committed output); nf_serve_visible_TAG is from
# the write until curl gets the page with the edit, so it includes the server's 20 ms
# wait for a burst of saves to end. The server's first edit has labels of its own
# (nf_serve_first_*).
rebuilds() {
	tag=$1; src=$2; out=$3; page=$4; rounds=$5
	say "bench: $tag: no-change rebuilds and one-page edits"
	i=1
	while [ "$i" -le "$rounds" ]; do nf_build "nf_nochange_$tag" "$src" "$out"; i=$((i + 1)); done
	edit=$src/content/$page.md
	cp "$edit" "$W/edit.orig"
	i=1
	while [ "$i" -le "$rounds" ]; do
		printf '\nEdited in bench round %d.\n' "$i" >>"$edit"
		nf_build "nf_edit_$tag" "$src" "$out"
		grep -q "Edited in bench round $i\." "$out/$page/index.html" || {
			say "bench: the edit of round $i is not in the output"; exit 1; }
		i=$((i + 1))
	done
	cp "$W/edit.orig" "$edit"

	say "bench: $tag: one-page edits in the preview server"
	port=${BENCH_PORT:-18313}
	"$NFSITE" serve --source "$src" --port "$port" >"$W/serve.log" 2>&1 &
	SERVE_PID=$!
	trap 'kill "$SERVE_PID" 2>/dev/null; cleanup' EXIT
	wait_builds 1
	# Round 0, the first edit after the server starts, is reported on its own: it also
	# fills the output's spare tree (the double buffer of output.h) with the whole site.
	i=0
	while [ "$i" -le "$rounds" ]; do
		sleep 0.3
		t0=$(date +%s%N)
		printf '\nEdited in serve round %d.\n' "$i" >>"$edit"
		until curl -sf "http://127.0.0.1:$port/$page/" | grep -q "Edited in serve round $i\."; do sleep 0.005; done
		t1=$(date +%s%N)
		wait_builds $((i + 2))
		k=; [ "$i" != 0 ] || k=first_
		grep '^built .* in [0-9]* ms' "$W/serve.log" | tail -1 | sed 's/.* in \([0-9]*\) ms.*/\1/' |
			awk -v l="nf_serve_${k}edit_$tag" '{ printf "%s %.4f 0 0\n", l, $1 / 1000 }' >>"$W/times"
		echo "nf_serve_${k}visible_$tag $(calc "($t1 - $t0) / 1e9" 4) 0 0" >>"$W/times"
		i=$((i + 1))
	done
	kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true
	trap cleanup EXIT
	cp "$W/edit.orig" "$edit"
}
builds() { grep -c '^built .* in [0-9]* ms' "$W/serve.log" || true; }
wait_builds() {
	k=0
	while [ "$(builds)" -lt "$1" ]; do
		k=$((k + 1)); [ "$k" -lt 60000 ] || { say "bench: the server did not build"; cat "$W/serve.log" >&2; exit 1; }
		sleep 0.01
	done
}

# Each corpus is generated once on the disk and copied to tmpfs; full builds run in
# both places, the rebuild cases on the disk (after the 100,000-page full builds).
for c in $CORPORA; do
	say "bench: generating the $c corpus, $N pages"
	gen "$c" "$N" "$W/$c"
	eval "SRC_BYTES_$c=\$(find \"\$W/\$c/content\" -name '*.md' -exec cat {} + | wc -c)"
	full_rounds "${c}_disk" "$W/$c" "$W/out-$c"
	if [ -n "$T" ]; then
		cp -r "$W/$c" "$T/$c"
		full_rounds "${c}_tmpfs" "$T/$c" "$T/out-$c"
		rm -rf "$T/$c" "$T/out-$c"
	fi
done

# The first corpus's output, for the output sizes and the floor.
C1=${CORPORA%% *}
S=$W/$C1
NFOUT=$W/out-$C1/nf.$R
# The site nfsite wrote, without its own bookkeeping (.nfsite-manifest, the build cache).
OUT_FILES=$(find "$NFOUT" -type f ! -name '.nfsite-*' | wc -l)
OUT_BYTES=$(find "$NFOUT" -type f ! -name '.nfsite-*' -exec cat {} + | wc -c)
BOOK_BYTES=$(find "$NFOUT" -maxdepth 1 -type f -name '.nfsite-*' -exec cat {} + | wc -c)
HUGO_FILES=$(find "$W/out-$C1/hugo.$R" -type f | wc -l)
HUGO_BYTES=$(find "$W/out-$C1/hugo.$R" -type f -exec cat {} + | wc -c)

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
mkdir "\$1"
(cd "$NFOUT" && tar cf - --exclude='./.nfsite-*' .) | (cd "\$1" && tar xf -)
EOF
chmod +x "$F/floor.sh"
i=1
while [ "$i" -le "$R" ]; do
	run floor "$F/floor.sh" "$F/tree.$i"
	i=$((i + 1))
done

# --- 100,000 pages -----------------------------------------------------------------------
# gen-site.py's corpus at BIG_N pages on the disk: one full build (the files were just
# written and flushed, so the page cache is warm and clean), and Hugo once if it
# finishes within 10 minutes and 20 GiB (or the memory free less 2 GiB, whichever is
# smaller): a watchdog stops it beyond that. Its rebuild and preview-server cases
# (3 rounds) run with the others below.
ppid() { awk '{ print $4 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
hugo_big() {
	limit=$((20 * 1024 * 1024))
	avail=$(($(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo) - 2 * 1024 * 1024))
	[ "$avail" -ge "$limit" ] || limit=$avail
	t0=$(date +%s%N)
	"$TIME" -f "%M %U %S" -o "$W/time.out" timeout 600 hugo --quiet --source "$W/big" \
		--destination "$W/out-big/hugo" >"$W/cmd.log" 2>&1 &
	pid=$!
	over=0
	while kill -0 "$pid" 2>/dev/null; do
		# Our own hugo: its parent is our timeout, whose parent is our time.
		for h in $(pgrep -x hugo || true); do
			pp=$(ppid "$h")
			[ "$(ppid "$pp")" = "$pid" ] || continue
			rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$h/status" 2>/dev/null || echo 0)
			if [ "${rss:-0}" -gt "$limit" ]; then over=1; kill "$h"; fi
		done
		sleep 1
	done
	rc=0; wait "$pid" || rc=$?
	t1=$(date +%s%N)
	if [ "$rc" = 0 ]; then
		tail -1 "$W/time.out" | awk -v ns=$((t1 - t0)) \
			'{ printf "hugo_full_big %.4f %d %.2f\n", ns / 1e9, $1, $2 + $3 }' >>"$W/times"
	elif [ "$over" = 1 ]; then
		HUGO_BIG_NOTE="stopped above $(calc "$limit / 1048576" 1) GiB"
	elif [ "$rc" = 124 ]; then
		HUGO_BIG_NOTE="did not finish within 10 minutes"
	else
		HUGO_BIG_NOTE="failed (exit $rc)"; tail -5 "$W/cmd.log" >&2
	fi
}
HUGO_BIG_NOTE="not run (BENCH_HUGO_BIG=0)"
if [ "$BIG" = 1 ]; then
	say "bench: generating the site corpus, $BIG_N pages"
	gen site "$BIG_N" "$W/big"
	mkdir -p "$W/out-big"
	# Warm but written back, as the 10,000-page corpora are by then: otherwise the timed
	# build shares the disk with the writeback of the corpus just generated.
	flush
	say "bench: big: full build"
	nf_build nf_full_big "$W/big" "$W/out-big/nf"
	say "  nfsite $(med nf_full_big 2) s"
	if [ "${BENCH_HUGO_BIG:-1}" != 0 ]; then
		say "bench: big: hugo full build (at most 10 minutes)"
		flush
		hugo_big
	fi
fi

# --- search: what a visitor's queries fetch, and what the index costs the build --------
# On the site corpus's output, nginx with gzip on serves the site and chromium types a
# page's title, then words many titles share (tests/browser/searchbytes.mjs): the bytes
# the server sent for search.js and the index files of each query. perf samples one more
# full build: the share of samples in search_index and search_entry (the page entries the
# render workers quote). A missing tool leaves its rows "n/a".
SEARCH_KB1=; SEARCH_KB2=; SEARCH_FILES=; SEARCH_SHARE=; SEARCH_NOTE=
search_bench() {
	[ "$C1" = site ] || { SEARCH_NOTE="needs the site corpus first"; return; }
	if command -v perf >/dev/null 2>&1 &&
		perf record -q -F 499 --call-graph dwarf,16384 -o "$W/perf.data" \
			"$NFSITE" build -q --source "$S" --dest "$W/out-search" >/dev/null 2>&1; then
		SEARCH_SHARE=$(perf script -i "$W/perf.data" -F ip,sym 2>/dev/null | awk '
			NF == 0 { if (n) { t++; h += s } n = 0; s = 0; next }
			{ n++; if ($2 == "search_index" || $2 == "search_entry") s = 1 }
			END { if (n) { t++; h += s } if (t) printf "%.1f", 100 * h / t }')
	fi
	for tool in nginx node "${CHROMIUM:-/usr/bin/chromium}"; do
		command -v "$tool" >/dev/null 2>&1 || { SEARCH_NOTE="no $tool"; return; }
	done
	[ -d "$ROOT/tests/node_modules/playwright-core" ] || { SEARCH_NOTE="no tests/node_modules"; return; }
	page=$(find "$S/content" -name "page-$(printf %05d $((N / 2))).md" | head -1)
	q1=$(sed -n 's/^title: "\(.*\)"$/\1/p' "$page" | head -1)
	want=${page#"$S/content"}; want=${want%.md}/
	port=${BENCH_SEARCH_PORT:-18314}
	mkdir -p "$W/nginx-tmp"; chmod 755 "$W"
	user=; [ "$(id -u)" != 0 ] || user="user www-data;"
	cat >"$W/nginx.conf" <<EOF
$user
pid $W/nginx.pid; error_log $W/nginx-error.log; worker_processes 1;
events { worker_connections 64; }
http {
	include /etc/nginx/mime.types; access_log off;
	client_body_temp_path $W/nginx-tmp/body; proxy_temp_path $W/nginx-tmp/proxy;
	fastcgi_temp_path $W/nginx-tmp/fastcgi; uwsgi_temp_path $W/nginx-tmp/uwsgi;
	scgi_temp_path $W/nginx-tmp/scgi;
	gzip on; gzip_types application/json application/javascript text/javascript text/css;
	server { listen 127.0.0.1:$port; location / { root $NFOUT; } }
}
EOF
	nginx -c "$W/nginx.conf" -p "$W" -e "$W/nginx-error.log" || { SEARCH_NOTE="nginx did not start"; return; }
	k=0; until curl -sf -o /dev/null "http://127.0.0.1:$port/" || [ $k -ge 100 ]; do sleep 0.1; k=$((k + 1)); done
	# the limits are the table's business: the script's own are out of reach
	if out=$(cd "$ROOT/tests" && node browser/searchbytes.mjs "http://127.0.0.1:$port" "$q1" "$want" \
		"flush tproxy" 1e9 1e9 2>"$W/search.err"); then
		SEARCH_KB1=$(echo "$out" | awk '{ print $1 }'); SEARCH_KB2=$(echo "$out" | awk '{ print $2 }')
		SEARCH_FILES=$(echo "$out" | awk '{ print $3 " and " $4 }')
	else
		SEARCH_NOTE="browser: $(tail -1 "$W/search.err")"
	fi
	kill "$(cat "$W/nginx.pid")" 2>/dev/null || true
}
# search_table: the search rows of the table.
search_table() {
	echo "search ($C1 corpus, $N pages, served by nginx with gzip)"
	if [ -n "$SEARCH_KB1" ]; then
		row "  first query, as sent" "" "" "" "= $SEARCH_KB1 KB (script + index files)" \
			"$(verdict "$SEARCH_KB1 <= 150") (<= 150 KB)"
		row "  later query, as sent" "" "" "" "= $SEARCH_KB2 KB more ($SEARCH_FILES files)" \
			"$(verdict "$SEARCH_KB2 <= 50") (<= 50 KB)"
	else
		row "  first and later query" "" "" "" "n/a: $SEARCH_NOTE" ""
	fi
	if [ -n "$SEARCH_SHARE" ]; then
		row "  index share of the build" "" "" "" "= $SEARCH_SHARE% of perf samples" \
			"$(verdict "$SEARCH_SHARE < 5") (< 5%)"
	else
		row "  index share of the build" "" "" "" "n/a: no perf" ""
	fi
}

say "bench: search: bytes of two queries, index share of a build"
search_bench

# --- rebuilds: no-change, one-page edits on the command line and in the preview server ----
for c in $CORPORA; do rebuilds "$c" "$W/$c" "$W/out-$c/nf.$R" "$(edit_page "$c")" "$R"; done
[ "$BIG" != 1 ] || rebuilds big "$W/big" "$W/out-big/nf" "$(edit_page site)" 3

# --- importers ---------------------------------------------------------------------------
if [ "${BENCH_SKIP_IMPORT:-0}" != 1 ]; then
	say "bench: MediaWiki dump of $WIKI_N pages"
	python3 "$ROOT/bench/gen-wiki.py" "$WIKI_N" "$W/wiki.xml" --texts "$W/wiki-texts"
	WIKI_BYTES=$(wc -c <"$W/wiki.xml")
	# Each round (of each tool) into a new folder: no tree is removed before a timed run
	# (the Bugzilla import below removes only its one database file).
	i=1
	while [ "$i" -le "$RI" ]; do
		WS=$W/wiki-site.$i
		mkdir -p "$WS/content"
		run mw_import "$NFSITE" import mediawiki --xml "$W/wiki.xml" --out "$WS/content/wiki"
		i=$((i + 1))
	done
	tail -1 "$W/cmd.log" >"$W/mw-summary"
	printf -- '---\ntitle: Wiki\n---\nThe [wiki](/wiki/).\n' >"$WS/content/_index.md"
	# The imported wiki built (informational; a failure is reported, not fatal).
	if "$TIME" -f "%M %U %S" -o "$W/time.out" "$NFSITE" build -q --source "$WS" \
		--dest "$W/wiki-out.0" >"$W/wiki-build.log" 2>&1; then
		run mw_build "$NFSITE" build -q --source "$WS" --dest "$W/wiki-out.1"
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
	BENCH_LIST="\$l" BENCH_OUT="\$1" pandoc -f markdown -t plain --lua-filter "$ROOT/bench/pandoc-batch.lua" /dev/null &
done
wait
EOF
	chmod +x "$P/batch.sh"
	i=1
	while [ "$i" -le "$RP" ]; do
		mkdir "$P/out.$i"
		run pandoc "$P/batch.sh" "$P/out.$i"
		i=$((i + 1))
	done
	[ "$(find "$P/out.$RP" -name '*.md' | wc -l)" = "$WIKI_N" ] || { say "bench: pandoc wrote too few pages"; exit 1; }
	if [ "${BENCH_PANDOC_PERPAGE:-0}" = 1 ]; then
		mkdir "$P/out.perpage"
		run pandoc_perpage sh -c "cd '$W/wiki-texts' && ls | xargs -P $JOBS -I{} pandoc -f mediawiki -t markdown {} -o '$P/out.perpage/{}.md'"
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
		run bz_build "$NFSITE" build -q --source "$W/bz-site" --dest "$W/bz-out.$i"
		i=$((i + 1))
	done
	BZ_FILES=$(find "$W/bz-out.$RI" -type f | wc -l)
fi

# --- the table ---------------------------------------------------------------------------
# s LABEL: median wall seconds, 3 decimals; c LABEL: median CPU seconds; m LABEL: peak MB
s() { calc "$(med "$1" 2)" 3; }
c() { calc "$(med "$1" 4)" 2; }
m() { mb "$(med "$1" 3)"; }
ms() { calc "$(med "$1" 2) * 1000" 0; }
row() { printf '%-34s %10s %10s %9s  %-26s %s\n' "$@"; }
# pair_ratio TAG: the median over rounds of hugo/nfsite within each round: steadier than
# the ratio of medians when the machine's load drifts during the run.
pair_ratio() {
	awk -v n="nf_full_$1" -v h="hugo_full_$1" '$1 == n { a[++i] = $2 } $1 == h { b[++j] = $2 }
		END { for (k = 1; k <= i && k <= j; k++) print b[k] / a[k] }' "$W/times" | sort -g | awk '
		{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# full_table TAG TITLE: the full-build rows of one corpus in one place.
full_table() {
	nf=$(med "nf_full_$1" 2); hg=$(med "hugo_full_$1" 2)
	nfm=$(med "nf_full_$1" 3); hgm=$(med "hugo_full_$1" 3)
	echo "$2"
	row "  hugo full build" "$(s "hugo_full_$1")" "$(m "hugo_full_$1")" "$(c "hugo_full_$1")" "" ""
	row "  nfsite full build" "$(s "nf_full_$1")" "$(m "nf_full_$1")" "$(c "nf_full_$1")" \
		"hugo/nfsite = $(calc "$hg / $nf")x" "$(verdict "$hg / $nf >= 5") (>= 5x)"
	row "    same-round pairs" "" "" "" "median hugo/nfsite = $(pair_ratio "$1")x" "(information)"
	row "    CPU time (user+sys)" "" "" "" \
		"hugo/nfsite = $(calc "$(med "hugo_full_$1" 4) / $(med "nf_full_$1" 4)")x" "(information)"
	row "    peak memory" "" "" "" "nfsite/hugo = $(calc "$nfm / $hgm" 3)" "$(verdict "$nfm * 6 <= $hgm") (<= 1/6)"
}
# edit_table TAG FULL_TAG SERVE_MS VISIBLE_MS: the rebuild rows of one corpus (SERVE_MS "-":
# no target for the server's rebuild).
edit_table() {
	nf=$(med "nf_full_$2" 2); nc=$(med "nf_nochange_$1" 2)
	row "  nfsite no-change rebuild" "$(s "nf_nochange_$1")" "$(m "nf_nochange_$1")" "$(c "nf_nochange_$1")" \
		"= $(calc "100 * $nc / $nf" 1)% of full" "$(verdict "$nc < 0.10 * $nf") (< 10%)"
	row "  one-page edit, command line" "$(s "nf_edit_$1")" "$(m "nf_edit_$1")" "$(c "nf_edit_$1")" \
		"= $(ms "nf_edit_$1") ms" "(information)"
	if [ "$3" = - ]; then t="(information)"; else
		t="$(verdict "$(med "nf_serve_edit_$1" 2) * 1000 < $3") (< $3 ms)"; fi
	row "  first edit after serve starts" "$(s "nf_serve_first_edit_$1")" "" "" \
		"rebuild = $(ms "nf_serve_first_edit_$1") ms, served $(ms "nf_serve_first_visible_$1") ms" "(information)"
	row "  one-page edit in nfsite serve" "$(s "nf_serve_edit_$1")" "" "" "rebuild = $(ms "nf_serve_edit_$1") ms" "$t"
	row "    save to edited page served" "$(s "nf_serve_visible_$1")" "" "" "= $(ms "nf_serve_visible_$1") ms" \
		"$(verdict "$(med "nf_serve_visible_$1" 2) * 1000 <= $4") (<= $4 ms, incl. 20 ms quiet window)"
}
{
	echo
	echo "nfsite bench: $N pages per corpus, $R rounds, medians; each timed build into a new empty destination;"
	echo "$JOBS cores, load average $LOAD0 at start, $(cut -d' ' -f1-3 /proc/loadavg) at end"
	echo "$("$NFSITE" --version 2>/dev/null | head -1), $(hugo version | cut -d' ' -f1-2), $(pandoc --version | head -1), cmark-gfm $(cmark-gfm --version | head -1 | awk '{ print $2 }')"
	echo "disk: $W ($(fstype "$W"))${T:+; tmpfs: $T ($(fstype "$T"))}"
	echo "output ($C1): nfsite $OUT_FILES files, $(calc "$OUT_BYTES / 1048576" 1) MB (+ $(calc "$BOOK_BYTES / 1048576" 1) MB manifest and build cache); hugo $HUGO_FILES files, $(calc "$HUGO_BYTES / 1048576" 1) MB"
	echo
	row case "wall s" "peak MB" "cpu s" "measure" target
	for c in $CORPORA; do
		eval "kb=\$(calc \"\$SRC_BYTES_$c / $N / 1024\" 1)"
		full_table "${c}_disk" "$c corpus ($kb KB a page on average), disk"
		[ -z "$T" ] || full_table "${c}_tmpfs" "$c corpus, tmpfs"
		echo "$c corpus, rebuilds on the disk"
		edit_table "$c" "${c}_disk" 50 150
	done
	fl=$(med floor 2); nf=$(med "nf_full_${C1}_disk" 2)
	echo "floor ($C1 corpus, disk)"
	row "  cmark-gfm + write" "$(s floor)" "$(m floor)" "$(c floor)" "nfsite/floor = $(calc "$nf / $fl")x" \
		"$(verdict "$nf <= 2 * $fl") (<= 2x)"
	row "    CPU time (user+sys)" "" "" "" \
		"nfsite/floor = $(calc "$(med "nf_full_${C1}_disk" 4) / $(med floor 4)")x" "(information)"
	search_table
	if [ "$BIG" = 1 ]; then
		nb=$(med nf_full_big 2); n1=$(med nf_full_site_disk 2)
		echo "$BIG_N pages (site corpus), disk"
		if [ "$(count hugo_full_big)" -gt 0 ]; then
			row "  hugo full build" "$(s hugo_full_big)" "$(m hugo_full_big)" "$(c hugo_full_big)" \
				"hugo/nfsite = $(calc "$(med hugo_full_big 2) / $nb")x" "(information)"
		else
			row "  hugo full build" "" "" "" "$HUGO_BIG_NOTE" "(information)"
		fi
		row "  nfsite full build" "$(s nf_full_big)" "$(m nf_full_big)" "$(c nf_full_big)" \
			"= $(calc "$nb / $n1" 1)x the $N-page build" "$(verdict "$nb <= 12 * $n1") (<= 12x)"
		row "    peak memory" "" "" "" "= $(m nf_full_big) MB" "$(verdict "$(med nf_full_big 3) < 2 * 1048576") (< 2 GiB)"
		edit_table big big - 250
	fi
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
