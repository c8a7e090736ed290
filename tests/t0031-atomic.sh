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
# A small site whose hook runs SCRIPT (Lua) once, during the build: another program
# writing into the output folder while nfsite builds.
during_build() {
	rm -rf hs && mkdir -p hs/content && printf -- "---\ntitle: Home\n---\nhello\n" >hs/content/_index.md &&
	printf -- "---\ntitle: Doc\n---\ndoc\n" >hs/content/doc.md &&
	printf "local done = false\nreturn { hooks = { page = function(p)\n  if done then return end\n  done = true\n%s\nend } }\n" "$1" >hs/site.lua
}
test_expect_success 'files another program adds to the output during a build stay, and are never deleted' '
	rm -rf hout .hout.nfsite && during_build "" && nfsite build -q --source hs --dest hout &&
	mkdir -p hout/carried && echo one >hout/carried/old &&
	during_build "io.open(\"hout/added\", \"w\"):write(\"new\\n\"):close()
  io.open(\"hout/carried/inside\", \"w\"):write(\"in\\n\"):close()" &&
	echo "<p>v2</p>" >>hs/content/doc.md && nfsite build -q --source hs --dest hout &&
	test "$(cat hout/added)" = new && test "$(cat hout/carried/inside)" = in && test "$(cat hout/carried/old)" = one &&
	grep -q v2 hout/doc/index.html &&
	during_build "" && nfsite build -q --source hs --dest hout && echo "<p>v3</p>" >>hs/content/doc.md &&
	nfsite build -q --source hs --dest hout &&
	test "$(cat hout/added)" = new && test "$(cat hout/carried/inside)" = in && grep -q v3 hout/doc/index.html &&
	test ! -e .hout.nfsite/spare/added && test ! -e .hout.nfsite/spare/carried
'
test_expect_success 'killed between the swap and moving foreign files, the next build moves them back' '
	rm -rf hout .hout.nfsite && during_build "" && nfsite build -q --source hs --dest hout &&
	echo "<p>v2</p>" >>hs/content/doc.md && nfsite build -q --source hs --dest hout &&
	echo left >.hout.nfsite/spare/CNAME && echo clash >.hout.nfsite/spare/doc-clash && mkdir hout/doc-clash &&
	nfsite build --source hs --dest hout 2>err && cat err && test "$(cat hout/CNAME)" = left &&
	test ! -e .hout.nfsite/spare/CNAME && test -d hout/doc-clash && test "$(cat .hout.nfsite/rescued/doc-clash)" = clash &&
	grep -q "what was there (not written by nfsite) is kept in .*rescued/doc-clash" err
'
test_expect_success 'a file the site now writes itself: what was there is kept aside, not deleted' '
	rm -rf hout .hout.nfsite && during_build "" && nfsite build -q --source hs --dest hout &&
	echo mine >hout/extra.txt && mkdir -p hs/static && echo site >hs/static/extra.txt &&
	nfsite build --source hs --dest hout 2>err && cat err && test "$(cat hout/extra.txt)" = site &&
	test "$(cat .hout.nfsite/rescued/extra.txt)" = mine && grep -q "writes .extra.txt. itself" err
'
test_expect_success 'a folder nfsite did not build: killed right after the first swap, nothing of it is lost' '
	rm -rf pub .pub.nfsite new .new.nfsite && during_build "" &&
	mkdir -p pub/.git && echo ref >pub/.git/HEAD && echo example.org >pub/CNAME &&
	nfsite build -q --source hs --dest new && mkdir -p .pub.nfsite && mv pub .pub.nfsite/spare && mv new pub &&
	nfsite build --source hs --dest pub 2>err && cat err &&
	test "$(cat pub/.git/HEAD)" = ref && test "$(cat pub/CNAME)" = example.org &&
	echo "<p>v2</p>" >>hs/content/doc.md && nfsite build -q --source hs --dest pub &&
	echo "<p>v3</p>" >>hs/content/doc.md && nfsite build -q --source hs --dest pub &&
	test "$(cat pub/.git/HEAD)" = ref && test "$(cat pub/CNAME)" = example.org && grep -q v3 pub/doc/index.html
'
test_expect_success 'a file written by hand where nfsite once wrote one of that name stays' '
	rm -rf hout .hout.nfsite && during_build "" && mkdir -p hs/static && echo site >hs/static/CNAME &&
	nfsite build -q --source hs --dest hout && rm hs/static/CNAME && echo mine >hout/CNAME.new && mv hout/CNAME.new hout/CNAME &&
	nfsite build -q --source hs --dest hout && test "$(cat hout/CNAME)" = mine &&
	echo "<p>v2</p>" >>hs/content/doc.md && nfsite build -q --source hs --dest hout && test "$(cat hout/CNAME)" = mine
'
test_expect_success 'the output folder keeps its mode and group' '
	rm -rf hout .hout.nfsite && mkdir hout && chmod 2750 hout && during_build "" &&
	nfsite build -q --source hs --dest hout && test "$(stat -c %a hout)" = 2750 &&
	echo "<p>v2</p>" >>hs/content/doc.md && nfsite build -q --source hs --dest hout && test "$(stat -c %a hout)" = 2750
'
test_expect_success 'the lock file removed during a build: that build does not swap, the old site stays' '
	rm -rf hout .hout.nfsite && during_build "" && nfsite build -q --source hs --dest hout && cp -r hout before &&
	during_build "os.remove(\".hout.nfsite/lock\")" && echo "<p>v2</p>" >>hs/content/doc.md &&
	expect_exit 1 "$NFSITE" build --source hs --dest hout &&
	grep -q "the build lock was removed during the build" err && diff -r -x ".nfsite-*" before hout &&
	during_build "" && echo "<p>v2</p>" >>hs/content/doc.md && nfsite build -q --source hs --dest hout &&
	grep -q v2 hout/doc/index.html
'
test_expect_success 'a symlinked output folder: the site goes where it points, the link stays' '
	rm -rf real link .real.nfsite .link.nfsite && during_build "" && mkdir real && ln -s real link &&
	nfsite build -q --source hs --dest link && test -L link && test -f real/doc/index.html &&
	echo "<p>v2</p>" >>hs/content/doc.md && nfsite build -q --source hs --dest link && test -L link &&
	grep -q v2 link/doc/index.html && nfsite build --source hs --dest link 2>&1 | grep -q "up to date" &&
	test -d .real.nfsite && test ! -e .link.nfsite && ln -s nowhere dangling &&
	expect_exit 1 "$NFSITE" build --source hs --dest dangling && grep -q "is a symbolic link to .*which does not exist" err
'
test_expect_success 'the spare tree beside the output is private (0700), so a web root above it serves none of it' '
	rm -rf hout .hout.nfsite && during_build "" && nfsite build -q --source hs --dest hout &&
	nfsite build -q --source hs --dest hout && test "$(stat -c %a .hout.nfsite)" = 700 &&
	test "$(stat -c %a hout)" = 755
'
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 && command -v unshare >/dev/null 2>&1; then
	as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	chmod 755 "$TRASH" # the other user works in here
	test_expect_success 'a file nfsite may not hard-link (another user owns it) is copied instead' '
		rm -rf w && mkdir -m 755 w && during_build "" && cp -r hs w/hs && cp "$NFSITE" w/nfsite &&
		chown -R 65534:65534 w && as_nobody w/nfsite build -q --source w/hs --dest w/out &&
		chown 0:0 w/out/doc/index.html && chmod 644 w/out/doc/index.html &&
		{ ! as_nobody ln w/out/doc/index.html w/probe 2>/dev/null; } &&
		echo "<p>v2</p>" >>w/hs/content/_index.md &&
		as_nobody w/nfsite build -q --source w/hs --dest w/out 2>err && cat err && test ! -s err &&
		grep -q v2 w/out/index.html && grep -q "<p>doc</p>" w/out/doc/index.html
	'
	test_expect_success 'an output folder whose parent is not writable: one clear error' '
		rm -rf ro && mkdir -m 755 ro && mkdir ro/out && chown 65534 ro/out && during_build "" && chmod -R a+rX hs &&
		cp "$NFSITE" nfsite.copy && chmod 755 nfsite.copy &&
		{ as_nobody ./nfsite.copy build --source hs --dest ro/out 2>err; rc=$?; test $rc = 1; } &&
		cat err && test $(grep -c error err) = 1 &&
		grep -q "^ro/out: error: cannot create ro/.out.nfsite: Permission denied (nfsite keeps its lock and the site.s spare tree beside the output folder, so the folder that holds it must be writable)" err
	'
	test_expect_success 'an output folder that is a mount point: one clear error, nothing changed' '
		rm -rf mnt && mkdir mnt && during_build "" &&
		unshare -m sh -c "mount -t tmpfs none mnt && echo keep >mnt/file && \"$NFSITE\" build --source hs --dest mnt 2>err; echo \$? >rc; cat mnt/file >kept" &&
		test "$(cat rc)" = 1 && test "$(cat kept)" = keep && cat err &&
		grep -q "^mnt: error: the output folder is a mount point" err
	'
else
	test_skip 'other users and mount points' 'needs root, setpriv and unshare'
fi

test_done
