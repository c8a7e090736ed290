#!/bin/sh
# killloop.sh: kill -9 `nfsite build` at random moments and check that the output folder
# is always whole (issue 12, "Atomic output").
#
#   tests/killloop.sh [KILLS]          default 50; t0032 runs it with 10
#
# The site is the bundled one (content/, faq/, site.lua… of the repository) plus
# KILL_PAGES generated pages (bench/gen-site.py, default 1500) so that a build spends
# long enough writing for kills to land there. Each round changes the sources (one page,
# twenty pages, a new or deleted page, a template, or an output folder that is gone),
# builds them once untouched into a fresh folder (the reference), then starts the same
# build into the long-lived folder and kills it after a random delay (half of the time
# anywhere in that kind of build's last duration, half in its last third, where the new
# site is completed and swapped in). Right after the kill the folder must equal, byte
# for byte apart from .nfsite-* bookkeeping, the previous reference or the new one. Then,
# a third of the time with the sources put back as they were, the next build must give
# exactly what a clean build of those sources gives. Prints one line per kill and the
# figures; exits 1 at the first violation and keeps the work folder.
# KILLS counts builds that the signal really stopped: rounds go on (at most 3 × KILLS)
# until that many were; a build that ended before its kill shortens the next delays.
# Environment: NFSITE (binary), KILL_PAGES, KILL_SEED (default 1), TMPDIR.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
: "${NFSITE:=$ROOT/nfsite}"
KILLS=${1:-50}
PAGES=${KILL_PAGES:-1500}
SEED=${KILL_SEED:-1}
export SOURCE_DATE_EPOCH=1767225600
W=$(mktemp -d "${TMPDIR:-/tmp}/nfsite-killloop.XXXXXX")
cd "$W"

say() { printf '%s\n' "$*"; }
fail() { say "killloop: FAIL: $*"; say "killloop: work folder kept: $W"; exit 1; }
# rand N: the next number in [0, N) of a sequence fixed by SEED; the position lives in a
# file because most calls run in $(…) subshells.
awk -v s="$SEED" 'BEGIN { srand(s); for (i = 0; i < 100000; i++) printf "%.9f\n", rand() }' >.rand
echo 0 >.rand.at
rand() {
	n_rand=$(($(cat "$W/.rand.at") + 1)); echo "$n_rand" >"$W/.rand.at"
	sed -n "${n_rand}p" "$W/.rand" | awk -v n="$1" '{ print int($1 * n) }'
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
build() { "$NFSITE" build -q --source site --dest "$1"; }
# same A B: A and B hold the same site.
same() { [ -d "$1" ] && [ -d "$2" ] && diff -rq -x '.nfsite-*' "$1" "$2" >/dev/null 2>&1; }

mkdir site
for d in content faq static templates data site.lua; do
	[ -e "$ROOT/$d" ] && cp -r "$ROOT/$d" site/
done
python3 "$ROOT/bench/gen-site.py" "$PAGES" gen >/dev/null
mv gen/content/s[0-9][0-9] site/content/
rm -rf gen
# Every HTML page shows the template's version: a template change rewrites them all.
mkdir -p site/templates
sed 's|</body>|<p>v0</p></body>|' "$ROOT/theme/templates/base.html" >site/templates/base.html
PAGE_LIST=$(cd site/content && ls s*/page-*.md)
NPAGES=$(echo "$PAGE_LIST" | wc -l)
pick() { echo "$PAGE_LIST" | sed -n "$(($(rand "$NPAGES") + 1))p"; }

t0=$(now_ms); build ref || fail "the first build failed"; t_full=$(($(now_ms) - t0))
build out
t0=$(now_ms); printf '\nwarm-up edit\n' >>site/content/s01/_index.md; build out; t_inc=$(($(now_ms) - t0))
rm -rf ref; build ref
say "killloop: $KILLS kills, site of $(find ref -type f | wc -l) files; full build ${t_full} ms, one-page edit ${t_inc} ms; work folder $W"

k=0 killed=0 old=0 new=0 late=0 reverted=0 repaired=0 uptodate=0 v=0 completing=0 swapping=0
f_full=100 f_inc=100 # percent of the last measured duration the delays are drawn from
while [ "$killed" -lt "$KILLS" ] && [ "$k" -lt $((KILLS * 3)) ]; do
	k=$((k + 1))
	rm -rf site.prev && cp -a site site.prev
	kind=full
	case $(rand 6) in
	0) what="one page edited"; kind=inc; printf '\nEdit %s.\n' "$k" >>"site/content/$(pick)" ;;
	1) what="20 pages edited"; kind=inc
	   for p in $(i=0; while [ $i -lt 20 ]; do pick; i=$((i + 1)); done | sort -u); do
		   printf '\nEdit %s.\n' "$k" >>"site/content/$p"; done ;;
	2) what="page added"; printf -- '---\ntitle: Added %s\n---\nNew page %s.\n' "$k" "$k" >"site/content/s01/added-$k.md" ;;
	3) # only added pages: generated ones are linked from others
	   if ls site/content/s01/added-*.md >/dev/null 2>&1; then
		   what="page deleted"; rm "$(ls site/content/s01/added-*.md | head -1)"
	   else
		   what="page added"; printf -- '---\ntitle: Added %s\n---\nNew page.\n' "$k" >"site/content/s01/added-$k.md"
	   fi ;;
	4) v=$((v + 1)); what="template changed"
	   sed -i "s|<p>v[0-9]*</p>|<p>v$v</p>|" site/templates/base.html ;;
	5) what="output folder removed first"; rm -rf out ;;
	esac
	t0=$(now_ms); rm -rf ref.new; build ref.new || fail "round $k: the reference build failed"
	[ "$kind" = full ] && t_full=$(($(now_ms) - t0))
	if [ "$kind" = full ]; then t=$((t_full * f_full / 100)); else t=$((t_inc * f_inc / 100)); fi
	# Half the kills anywhere in the build, half in its last third, where the new site is
	# completed and swapped in.
	if [ "$(rand 2)" = 0 ]; then delay=$(rand $((t + 1))); else delay=$((t * 7 / 10 + $(rand $((t * 4 / 10 + 1))))); fi
	had_out=$([ -e out ] && echo 1 || echo 0)
	"$NFSITE" build -q --source site --dest out 2>/dev/null &
	pid=$!
	sleep "$(awk -v ms="$delay" 'BEGIN { printf "%.3f", ms / 1000 }')"
	kill -9 "$pid" 2>/dev/null || true
	st=0; wait "$pid" 2>/dev/null || st=$?
	if [ "$st" = 137 ]; then
		# Where it was, from what it left in the spare tree (see generator/site/output.h): a
		# staging folder beside the spare's manifest while pages are written; no manifest
		# while the new tree is completed (or, into an empty spare, written); the new
		# site whole with its manifest between completing it and the swap.
		sp=.out.nfsite/spare ph="starting or rendering"
		if [ -d $sp/.nfsite-staging ] && [ -e $sp/.nfsite-manifest ]; then ph=writing
		elif [ -d $sp/.nfsite-staging ]; then ph="completing the new tree"; completing=$((completing + 1))
		elif [ -d $sp ] && [ ! -e $sp/.nfsite-manifest ]; then ph="writing or completing, empty spare"; completing=$((completing + 1))
		elif [ -e $sp/.nfsite-manifest ] && same $sp ref.new && ! same ref ref.new; then
			ph="new tree complete, not swapped in"; swapping=$((swapping + 1))
		fi
		killed=$((killed + 1)); how="killed ($killed/$KILLS, $ph)"
	else
		late=$((late + 1)); how="ended first (exit $st)"
		if [ "$kind" = full ]; then f_full=$((f_full * 3 / 4)); else f_inc=$((f_inc * 3 / 4)); fi
	fi
	if [ "$had_out" = 0 ] && [ ! -e out ]; then state="old (absent)"; old=$((old + 1))
	elif same out ref && same ref ref.new; then state="old = new (same sources)"; old=$((old + 1))
	elif same out ref; then state=old; old=$((old + 1))
	elif same out ref.new; then state=new; new=$((new + 1))
	else
		diff -rq -x '.nfsite-*' out ref.new 2>&1 | head -5
		fail "round $k ($what): after the kill at ${delay} ms the output is neither the previous site nor the new one"
	fi
	expect=ref.new
	if [ "$(rand 3)" = 0 ]; then
		rm -rf site && mv site.prev site && expect=ref && reverted=$((reverted + 1)); what="$what, then put back"
	fi
	t0=$(now_ms)
	"$NFSITE" build --source site --dest out 2>log || { cat log; fail "round $k: the build after the kill failed"; }
	t1=$(now_ms)
	if grep -q "up to date" log; then uptodate=$((uptodate + 1)); else
		repaired=$((repaired + 1))
		if [ "$kind" = inc ] && [ "$expect" = ref.new ]; then t_inc=$((t1 - t0)); fi
	fi
	if ! same out "$expect"; then
		diff -rq -x '.nfsite-*' out "$expect" 2>&1 | head -5
		fail "round $k ($what): the build after the kill did not give what a clean build gives"
	fi
	[ ! -e .out.nfsite/spare/.nfsite-staging ] || fail "round $k: a staging folder was left behind"
	say "round $k: $what; $how after ${delay} of ~${t} ms: $state; next build: $(sed -n 's/.*(\(.*\))$/\1/p' log | head -1) = clean build"
	if [ "$expect" = ref.new ]; then rm -rf ref && mv ref.new ref; fi
	rm -rf site.prev
done
say "killloop: $k rounds: $killed builds killed mid-build ($completing while the new tree was completed or written, $swapping with it complete before the swap), $late ended before their kill; output right after: $old old, $new new, 0 mixed"
say "killloop: next builds: $k of $k equal to a clean build ($reverted with the sources put back; $repaired wrote files, $uptodate were up to date)"
[ "$killed" -ge "$KILLS" ] || fail "only $killed of $KILLS kills landed before the build ended"
cd /
rm -rf "$W"
