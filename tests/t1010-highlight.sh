#!/bin/sh
# Build-time highlighting of nft, shell, console, diff, C, C++, Python, JSON, YAML, INI,
# XML/HTML and Lua: unit tests (property tests over random bytes and over UTF-8 text,
# 1 MB lines of pathological patterns in every language) and golden files in
# tests/golden/highlight/: NAME.LANG is highlighted as LANG and compared with
# NAME.LANG.html (the goldens of the lexer's languages end in an unterminated string or
# comment).
. "$(dirname "$0")/lib.sh"

GOLD=$ROOT/tests/golden/highlight

unit() {
	if [ -n "${NFSITE_VALGRIND:-}" ]; then
		valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite "$@"
	else
		"$@"
	fi
}

test_expect_success 'unit tests: tokens, command position, prompts, diff, the lexer, long lines, random bytes' '
	unit "$UNIT/highlight_test" >out 2>err || { cat out err; false; }
	grep_q " checks, 0 failed" out
'

for src in "$GOLD"/*; do
	case "$src" in *.*.html) continue ;; esac
	name=$(basename "$src")
	lang=${name##*.}
	test_expect_success "golden $name" '
		"$UNIT/highlight_test" render "$lang" "$src" >"$name.out"
		test_cmp "$GOLD/$name.html" "$name.out"
	'
done

test_expect_success 'the nft golden uses every nft class' '
	for c in hl-k hl-f hl-h hl-t hl-s hl-n hl-a hl-c hl-v; do
		grep_q "class=\"$c\"" "$GOLD/ruleset.nft.html"
	done
'

test_expect_success 'there is a golden file for each language of the lexer' '
	for l in c cpp py json yaml ini html xml lua; do
		ls "$GOLD"/*.$l.html >/dev/null || exit 1
	done
'

test_expect_success 'every class the goldens use has a colour in the light and the dark theme' '
	css=$ROOT/theme/static/style.css &&
	cat "$GOLD"/*.*.html | grep -o "class=\"hl-[a-z]\"" | sort -u | sed "s/.*\"\(hl-[a-z]\)\"/\1/" >classes &&
	test "$(wc -l <classes)" -ge 12 &&
	while read -r c; do
		grep_q ".$c { color: var(--$c)" "$css" &&
		test "$(grep -c -- "--$c: #" "$css")" = 2 || { echo "$c is not styled in both themes"; exit 1; }
	done <classes
'

test_expect_success 'highlighting keeps the text: stripping tags and entities gives the source back' '
	for src in "$GOLD"/*; do
		case "$src" in *.*.html) continue ;; esac
		sed -e "s/<span class=\"hl-[a-z]\">//g" -e "s#</span>##g" \
		    -e "s/&lt;/</g" -e "s/&gt;/>/g" -e "s/&quot;/\"/g" -e "s/&#39;/'\''/g" -e "s/&amp;/\\&/g" \
		    "$src.html" >back
		test_cmp "$src" back
	done
'

test_done
