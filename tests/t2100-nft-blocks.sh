#!/bin/sh
# Every ```nft block in content/ and faq/ passes `nft -c` (scripts/check-nft-blocks.sh),
# the checker reports a broken block as file:line, and the FAQ content keeps its shape:
# 30+ questions with unique slugs, non-empty answers and valid categories.
# Every assertion ends in "|| exit 1": a test body runs inside the condition of an
# `if` in lib.sh, where the shell ignores `set -e`.
. "$(dirname "$0")/lib.sh"

check=$ROOT/scripts/check-nft-blocks.sh
nft_bin=$(command -v nft 2>/dev/null || { [ -x /usr/sbin/nft ] && echo /usr/sbin/nft; } || true)

# A Markdown page with two valid blocks, one ```nft-invalid block and, when broken,
# a block with a typo on line 17 of the page.
write_page() {
	cat >"$1" <<'EOF'
---
title: fixture
---
Text.

```nft
table inet t {
	chain input {
		type filter hook input priority filter; policy accept;
		tcp dport 22 accept
	}
}
```

  ```nft
  table ip t2 {
  	chain c {
  		ip saddr 192.0.2.0/24 BROKEN
  	}
  }
  ```

```nft-invalid
table inet t { chain c { nonsense here } }
```

````markdown
```nft
not checked: shown inside another fence
```
````
EOF
}

if [ -z "$nft_bin" ]; then
	test_skip 'nft blocks in content/ and faq/ pass nft -c' 'nft not installed (scripts/install-deps.sh test)'
	test_skip 'a broken block is reported as file:line' 'nft not installed'
else
	test_expect_success 'nft blocks in content/ and faq/ pass nft -c (at least 10)' '
		"$check" "$ROOT/content" "$ROOT/faq" >out 2>err || { cat out err; exit 1; }
		cat out err
		summary=$(tail -n 1 out)
		total=${summary%% blocks checked*}
		passed=${summary#*checked, }; passed=${passed%% passed*}
		[ "$total" -ge 10 ] || { echo "only $total blocks"; exit 1; }
		[ "$total" = "$passed" ] || exit 1
		grep -q "^[0-9]* blocks checked, [0-9]* passed (" out || exit 1
	'

	test_expect_success 'a broken block in a copy is reported as file:line' '
		mkdir -p site/faq site/content/docs || exit 1
		cp -R "$ROOT/faq/." site/faq/ || exit 1
		write_page site/content/docs/broken.md
		rc=0
		"$check" site/content site/faq >out 2>err || rc=$?
		cat out err
		[ "$rc" = 1 ] || exit 1
		grep -q "^site/content/docs/broken.md:18: Error: syntax error" out || exit 1
		[ "$(grep -c "^site/" out)" = 1 ] || exit 1
		tail -n 1 out | grep -q " passed (" || exit 1
	'

	test_expect_success 'fixed block passes; nft-invalid and nested fences are skipped' '
		mkdir -p one && write_page one/page.md || exit 1
		sed -i "s/ BROKEN/ drop/" one/page.md || exit 1
		"$check" one >out 2>err || { cat out err; exit 1; }
		grep -qx "1 nft-invalid blocks skipped" out || exit 1
		tail -n 1 out | grep -q "^2 blocks checked, 2 passed (" || exit 1
	'

	test_expect_success 'kernel errors map to the Markdown line too' '
		mkdir -p sem || exit 1
		printf "%s\n" "# page" "" "\`\`\`nft" "table inet t {" \
			"	chain c { type filter hook input priority filter; ip saddr @nosuchset drop; }" \
			"}" "\`\`\`" >sem/page.md || exit 1
		rc=0
		"$check" sem >out 2>err || rc=$?
		cat out err
		case "$(tail -n 1 out)" in
		*parse-only*) [ "$rc" = 0 ] || exit 1 ;; # only the kernel knows which sets exist
		*) [ "$rc" = 1 ] && grep -q "^sem/page.md:5: Error:" out || exit 1 ;;
		esac
	'

	test_expect_success 'forced parse-only fallback still catches syntax errors' '
		mkdir -p po && write_page po/page.md || exit 1
		rc=0
		NFT_CHECK_MODE=parse "$check" po >out 2>err || rc=$?
		cat out err
		[ "$rc" = 1 ] || exit 1
		grep -q "parse-only fallback" err || exit 1
		grep -q "^po/page.md:18: Error: syntax error" out || exit 1
		tail -n 1 out | grep -q "^2 blocks checked, 1 passed (parse-only fallback)" || exit 1
	'

	if command -v setpriv >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
		test_expect_success 'without CAP_NET_ADMIN the fallback passes valid blocks' '
			chmod 711 "$TRASH" || exit 1
			mkdir -p np && write_page np/page.md || exit 1
			sed -i "s/ BROKEN/ drop/" np/page.md || exit 1
			chmod -R a+rX np || exit 1
			# A copy the other user can read: the clone may sit in a private home (/root).
			mkdir -p np-bin/scripts && cp "$check" np-bin/scripts/ && chmod -R a+rX np-bin || exit 1
			setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
				env NFT_CHECK_MODE=parse TMPDIR=/tmp np-bin/scripts/check-nft-blocks.sh np >out 2>err || { cat out err; exit 1; }
			cat out err
			tail -n 1 out | grep -q "^2 blocks checked, 2 passed (parse-only fallback)" || exit 1
		'
	else
		test_skip 'without CAP_NET_ADMIN the fallback passes valid blocks' 'needs root and setpriv'
	fi
fi

test_expect_success 'usage errors exit 2' '
	rc=0; "$check" -x >out 2>err || rc=$?
	[ "$rc" = 2 ] && grep -q "^usage:" err || exit 1
	rc=0; "$check" no/such/folder >out 2>err || rc=$?
	[ "$rc" = 2 ] && grep -q "no/such/folder: no such file or folder" err || exit 1
'

# The FAQ content itself: counts, unique slugs, answers, categories, related slugs.
test_expect_success 'FAQ has 30+ questions with unique slugs and non-empty answers' '
	n=0
	: >slugs
	for f in "$ROOT"/faq/*.md; do
		slug=$(basename "$f" .md)
		[ "$slug" = _index ] && continue
		n=$((n + 1))
		printf "%s\n" "$slug" | grep -qx "[a-z0-9][a-z0-9-]*" || { echo "bad slug $slug"; exit 1; }
		# front matter ends at the second ---; the answer follows
		body=$(awk "/^---\$/ && c < 2 { c++; next } c >= 2" "$f" | tr -d "[:space:]")
		[ -n "$body" ] || { echo "empty answer: $slug"; exit 1; }
		grep -q "^question: ." "$f" || { echo "no question: $slug"; exit 1; }
		grep -q "^order: [0-9][0-9]*\$" "$f" || { echo "no order: $slug"; exit 1; }
		echo "$slug" >>slugs
	done
	echo "$n questions"
	[ "$n" -ge 30 ] || { echo "only $n questions"; exit 1; }
	[ -z "$(sort slugs | uniq -d)" ] || exit 1
'

test_expect_success 'FAQ categories, related slugs and links resolve' '
	awk "/^categories:/ { on = 1; next } on && /^  - / { sub(/^  - /, \"\"); gsub(/\"/, \"\"); print; next } on { exit }" \
		"$ROOT/faq/_index.md" >cats || exit 1
	[ "$(wc -l <cats)" -ge 6 ] || exit 1
	for f in "$ROOT"/faq/*.md; do
		[ "$(basename "$f")" = _index.md ] && continue
		cat=$(sed -n "s/^category: \"\\(.*\\)\"\$/\\1/p" "$f")
		grep -qxF -- "$cat" cats || { echo "$f: unknown category \"$cat\""; exit 1; }
		rel=$(sed -n "s/^related: \\[\\(.*\\)\\]\$/\\1/p" "$f" | tr -d " " | tr "," " ")
		for r in $rel; do
			[ -f "$ROOT/faq/$r.md" ] || { echo "$f: related $r does not exist"; exit 1; }
		done
		for l in $(grep -o "](\\([a-z0-9-]*\\)\\.md" "$f" | sed "s/^](//"); do
			[ -f "$ROOT/faq/$l" ] || { echo "$f: link $l does not exist"; exit 1; }
		done
	done
'

test_expect_success 'ipset guide covers every set type and option' '
	idx=$ROOT/content/docs/ipset-to-nftables/_index.md
	for t in hash:ip hash:ip,port hash:ip,port,ip hash:ip,port,net hash:ip,mark hash:net \
		hash:net,net hash:net,port hash:net,port,net hash:net,iface hash:mac bitmap:ip \
		bitmap:ip,mac bitmap:port list:set; do
		grep -qF "| \`$t\` |" "$idx" || { echo "missing type $t"; exit 1; }
	done
	for o in timeout counters comment skbinfo maxelem hashsize family nomatch forceadd bucketsize; do
		grep -q "^| \`[^|]*$o" "$idx" || { echo "missing option $o"; exit 1; }
	done
	test -f "$ROOT/content/docs/ipset-to-nftables/examples.md" || exit 1
	test -f "$ROOT/content/docs/ipset-to-nftables/tooling.md" || exit 1
'

test_done
