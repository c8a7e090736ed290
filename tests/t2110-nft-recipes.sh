#!/bin/sh
# Every recipe in content/ and faq/ runs (scripts/check-nft-blocks.sh --run), each in a
# private user and network namespace (`unshare -rn`, no effect on the host): every nft
# block loads and lists, blocks fenced "nft reloadable" give the same ruleset when
# loaded twice, "sh workflow" blocks run end to end, and the <!-- nft-check: -->
# comments next to a claim hold. A broken fixture shows each kind of failure is caught
# and named by file and line. Every assertion ends in "|| exit 1" (see t2100).
. "$(dirname "$0")/lib.sh"

check=$ROOT/scripts/check-nft-blocks.sh
nft_bin=$(command -v nft 2>/dev/null || { [ -x /usr/sbin/nft ] && echo /usr/sbin/nft; } || true)

if [ -z "$nft_bin" ]; then
	test_skip 'every recipe runs in a private namespace' 'nft not installed (scripts/install-deps.sh test)'
elif ! unshare -rn "$nft_bin" list ruleset >/dev/null 2>&1; then
	test_skip 'every recipe runs in a private namespace' 'unshare -rn cannot run nft here'
else
	test_expect_success 'every recipe in content/ and faq/ runs in a private namespace' '
		"$check" --run "$ROOT/content" "$ROOT/faq" >out 2>err || { cat out err; exit 1; }
		cat out err
		set -- $(tail -n 1 out)
		# N blocks loaded, N reload checks, N workflows, N claims, 0 failed
		[ "$1" -ge 50 ] && [ "$4" -ge 2 ] && [ "$7" -ge 2 ] && [ "$9" -ge 4 ] || exit 1
		[ "${11}" = 0 ] || exit 1
	'

	test_expect_success 'the ipset tooling workflow (issue 16, item 9) is one of them' '
		"$check" --run "$ROOT/content/docs/ipset-to-nftables/tooling.md" >out 2>err || { cat out err; exit 1; }
		grep -q " 1 workflows, 1 claims, 0 failed" out || { cat out err; exit 1; }
	'

	test_expect_success 'broken recipes fail, each named by file and line' '
		cp -R "$ROOT/tests/fixtures/recipes-broken" broken || exit 1
		rc=0
		"$check" --run broken >out 2>err || rc=$?
		cat out err
		[ "$rc" = 1 ] || exit 1
		grep -q "^broken/page.md:10: Error: No such file or directory" out || exit 1
		grep -q "^broken/page.md:18: error: loading the block again changes the ruleset" out || exit 1
		grep -q "^broken/page.md:30: error: workflow failed at this line" out || exit 1
		grep -q "^broken/page.md:36: error: claim failed at this line" out || exit 1
		grep -q "^broken/page.md:41: error: claim failed at this line" out || exit 1
		grep -q "^broken/page.md:44: error: workflow=missing-setup: no setup" out || exit 1
		tail -n 1 out | grep -q "^2 blocks loaded, 1 reload checks, 2 workflows, 2 claims, 6 failed (" || exit 1
	'
fi

test_done
