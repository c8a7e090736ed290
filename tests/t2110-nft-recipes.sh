#!/bin/sh
# Every recipe in content/ and faq/ runs (scripts/check-nft-blocks.sh --run), each in a
# private user and network namespace (`unshare -rn`, no effect on the host): every nft
# block loads and lists, blocks fenced "nft reloadable" give the same ruleset when
# loaded twice, "sh workflow" blocks run end to end, and the <!-- nft-check: -->
# comments next to a claim hold. A broken fixture shows each kind of failure is caught
# and named by file and line. Every nft translation pane of the bundled site (built with
# the real translators) passes `nft -c` too, but those marked translation-invalid, which
# must be refused. Every assertion ends in "|| exit 1" (see t2100).
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

	xlate_tools="iptables-translate ip6tables-translate iptables-restore-translate ebtables-translate ipset-translate"
	xlate_missing=
	for t in $xlate_tools; do
		PATH=$PATH:/usr/sbin:/sbin command -v "$t" >/dev/null 2>&1 || xlate_missing="$xlate_missing $t"
	done
	if [ -n "$xlate_missing" ] || ! command -v python3 >/dev/null 2>&1; then
		test_skip 'every translation pane of the bundled site passes nft -c' \
			"missing:$xlate_missing python3 (Debian packages iptables, ipset, python3)"
		test_skip 'a broken translation pane fails, named by page and pane' 'same'
	else
		test_expect_success 'every translation pane of the bundled site passes nft -c, those marked translation-invalid are refused' '
			PATH=$PATH:/usr/sbin:/sbin nfsite build --source "$ROOT" --dest site -q 2>err || { cat err; exit 1; }
			! grep -q "not found on PATH" err || exit 1
			"$check" --translations site >out 2>err || { cat out err; exit 1; }
			cat out err
			set -- $(tail -n 1 out)
			# N translations checked, N refused as marked, 0 failed
			[ "$1" -ge 19 ] && [ "$4" -ge 1 ] && [ "$8" = 0 ] || exit 1
			# the nomatch hazard (issue 16, item 4) is the one refused, with its note
			grep -q "^docs/ipset-to-nftables/examples/index.html: translation [0-9]* (ipset create internal hash:net): refused as marked: conflicting intervals" out || exit 1
			grep -q "class=\"xlate-note\">nft refuses this translation" site/docs/ipset-to-nftables/examples/index.html || exit 1
			# the list:set translation stays, as a comment saying why it is no nft
			grep -q "# invalid translation: add set inet global bad { type unknown; } (no nftables set type for it)" \
				site/docs/ipset-to-nftables/examples/index.html || exit 1
		'

		test_expect_success 'a broken translation pane fails, named by page and pane' '
			mkdir -p bsrc/content || exit 1
			printf "%s\n" "---" "title: broken panes" "---" "" \
				"\`\`\`ipset" "create n hash:net" "add n 10.0.0.0/8" "add n 10.1.0.0/16 nomatch" "\`\`\`" "" \
				"\`\`\`ipset translation-invalid" "create m hash:net" "add m 10.0.0.0/8" "add m 10.1.0.0/16 nomatch" "\`\`\`" "" \
				"\`\`\`iptables translation-invalid" "iptables -A INPUT -p tcp --dport 22 -j ACCEPT" "\`\`\`" \
				>bsrc/content/_index.md || exit 1
			PATH=$PATH:/usr/sbin:/sbin nfsite build --source bsrc --dest bout -q || exit 1
			rc=0
			"$check" --translations bout >out 2>err || rc=$?
			cat out err
			[ "$rc" = 1 ] || exit 1
			grep -q "^index.html: translation 1 (create n hash:net): pane line 4: error: conflicting intervals specified" out || exit 1
			grep -q "^index.html: translation 2 (create m hash:net): refused as marked: conflicting intervals" out || exit 1
			grep -q "^index.html: translation 3 (iptables -A INPUT -p tcp --dport 22 -j ACCEPT): error: marked translation-invalid, but nft accepts it" out || exit 1
			tail -n 1 out | grep -q "^3 translations checked, 1 refused as marked, 2 failed (" || exit 1
		'
	fi
fi

test_done
