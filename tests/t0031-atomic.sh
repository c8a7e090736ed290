#!/bin/sh
# Atomic output (issue 12): one build at a time per output folder; a build killed at the
# moment the new site goes in leaves the old site or the new one, and the next build
# gives what a clean build gives, also with the sources put back; files changed by hand
# in the output are written again.
. "$(dirname "$0")/lib.sh"

command -v flock >/dev/null 2>&1 || { test_skip 'atomic output' 'flock(1) (util-linux) is missing'; test_done; exit; }

# A site big enough that writing it takes a while: generated pages plus one of ours.
python3 "$ROOT/bench/gen-site.py" 1500 big >/dev/null
mkdir -p big/templates
sed 's|</body>|<p>v1</p></body>|' "$ROOT/theme/templates/base.html" >big/templates/base.html
nfsite build -q --source big --dest v1
sed 's|</body>|<p>v2</p></body>|' "$ROOT/theme/templates/base.html" >big/templates/base.html
nfsite build -q --source big --dest v2
same() { diff -rq -x '.nfsite-*' "$1" "$2"; }
# set_version N: the template that v1 and v2 were built with.
set_version() { sed "s|</body>|<p>v$1</p></body>|" "$ROOT/theme/templates/base.html" >big/templates/base.html; }

test_expect_success 'a second build into the same folder fails at once, naming the lock' '
	set_version 1 && nfsite build -q --source big --dest out &&
	{ flock -o .out.nfsite/lock sleep 20 & holder=$!; } &&
	poll 50 "! flock -n .out.nfsite/lock true" && set_version 2 &&
	{ expect_exit 1 timeout 10 "$NFSITE" build --source big --dest out; rc=$?; kill $holder; test $rc = 0; } &&
	grep -q "^out: error: another nfsite build is writing this output folder" err &&
	same out v1 && nfsite build -q --source big --dest out && same out v2
'
test_expect_success 'two builds started together: one fails, the other gives the whole site' '
	rm -rf out .out.nfsite && set_version 1 && nfsite build -q --source big --dest out && set_version 2 &&
	{ "$NFSITE" build -q --source big --dest out 2>err1 & p1=$!; } &&
	{ "$NFSITE" build -q --source big --dest out 2>err2 & p2=$!; } &&
	r1=0 && r2=0 && { wait $p1 || r1=$?; } && { wait $p2 || r2=$?; } &&
	echo "exits $r1 $r2" && cat err1 err2 &&
	{ test $r1 = 0 && test $r2 = 0 || { test $((r1 + r2)) = 1 && grep -q "another nfsite build is writing" err1 err2; }; } &&
	same out v2
'
# kill_at_swap: starts a build into out and kills it with SIGKILL as soon as out/404.html
# is another file (the old code renamed files one by one from there on).
kill_at_swap() {
	ino=$(stat -c %i out/404.html) &&
	{ "$NFSITE" build -q --source big --dest out 2>/dev/null & pid=$!; } &&
	while [ "$(stat -c %i out/404.html 2>/dev/null)" = "$ino" ] && kill -0 $pid 2>/dev/null; do :; done
	kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null || true
}
test_expect_success 'killed as the new site goes in, the folder is the old site or the new one' '
	rm -rf out .out.nfsite && set_version 1 && nfsite build -q --source big --dest out &&
	for round in 1 2 3; do
		set_version 2 && kill_at_swap && { same out v1 >/dev/null || same out v2; } &&
		set_version 1 && kill_at_swap && { same out v1 >/dev/null || same out v2; } || return 1
	done
'
test_expect_success 'after such a kill with the sources put back, the next build is the old site again' '
	rm -rf out .out.nfsite && set_version 1 && nfsite build -q --source big --dest out &&
	set_version 2 && kill_at_swap && set_version 1 &&
	nfsite build --source big --dest out 2>log && cat log && same out v1 &&
	set_version 2 && kill_at_swap && nfsite build -q --source big --dest out && same out v2
'
test_expect_success 'a killed build leaves no staging folder behind the next build' '
	rm -rf out .out.nfsite && set_version 1 && nfsite build -q --source big --dest out &&
	set_version 2 && nfsite build -q --source big --dest out && set_version 1 &&
	{ "$NFSITE" build -q --source big --dest out 2>/dev/null & pid=$!; } &&
	poll 100 "test -d .out.nfsite/spare/.nfsite-staging" && kill -9 $pid && { wait $pid 2>/dev/null || true; } &&
	same out v2 && nfsite build -q --source big --dest out && same out v1 &&
	test ! -e .out.nfsite/spare/.nfsite-staging && test ! -e out/.nfsite-staging &&
	test "$(ls -A .out.nfsite | tr "\n" " ")" = "lock spare "
'
test_expect_success 'files changed by hand in the output are written again' '
	rm -rf out .out.nfsite && set_version 1 && nfsite build -q --source big --dest out &&
	set_version 2 && nfsite build -q --source big --dest out && set_version 1 && nfsite build -q --source big --dest out &&
	printf "<b>tampered</b>" >out/index.html &&
	sed -i "s/<html/<HTML/" out/s01/index.html &&
	f=$(ls out/s02/*/index.html | head -1) && printf X | dd of="$f" bs=1 seek=100 conv=notrunc 2>/dev/null &&
	printf X | dd of=out/style.css bs=1 seek=10 conv=notrunc 2>/dev/null &&
	rm out/sitemap.xml &&
	nfsite build --source big --dest out 2>log && cat log && grep_not -q "up to date" log &&
	same out v1 &&
	printf X | dd of="$f" bs=1 seek=200 conv=notrunc 2>/dev/null &&
	nfsite build -q --source big --dest out && same out v1
'
test_expect_success 'what nfsite did not write at the top of the folder stays' '
	rm -rf out .out.nfsite && set_version 1 && nfsite build -q --source big --dest out &&
	mkdir -p out/.git/objects && echo ref >out/.git/HEAD && echo example.org >out/CNAME &&
	set_version 2 && nfsite build -q --source big --dest out && set_version 1 &&
	nfsite build -q --source big --dest out && echo moved >out/CNAME && nfsite build -q --source big --dest out &&
	test "$(cat out/.git/HEAD)" = ref && test "$(cat out/CNAME)" = moved && test -d out/.git/objects &&
	diff -rq -x ".nfsite-*" -x .git -x CNAME out v1
'
test_done
