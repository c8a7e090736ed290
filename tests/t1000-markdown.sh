#!/bin/sh
# Markdown passes: heading ids, TOC, link rewriting and checking, code classes and the
# GFM extensions, through the C unit tests and golden files in tests/golden/markdown/.
# Golden NAME.md renders (markdown_test render) to NAME.html; NAME.err, when present,
# is the expected stderr of a failing render (the body starts at line 4, as after a
# three-line front matter, so the line numbers are absolute).
. "$(dirname "$0")/lib.sh"

GOLD=$ROOT/tests/golden/markdown

# Under `make leakcheck` the unit binaries run through valgrind too.
unit() {
	if [ -n "${NFSITE_VALGRIND:-}" ]; then
		valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite "$@"
	else
		"$@"
	fi
}

test_expect_success 'unit tests: slugs, ids, TOC, links, anchors, code, extensions, threads' '
	unit "$UNIT/markdown_test" >out 2>err || { cat out err; false; }
	grep_q " checks, 0 failed" out
'

for md in "$GOLD"/*.md; do
	name=$(basename "$md" .md)
	if [ -f "$GOLD/$name.err" ]; then
		test_expect_success "golden $name: render fails with file:line errors" '
			(cd "$GOLD" && set +e; unit "$UNIT/markdown_test" render "$name.md" 4 >"$TRASH/$name.out" 2>"$TRASH/$name.stderr"; echo $? >"$TRASH/$name.rc")
			test "$(cat "$name.rc")" = 1
			test_cmp "$GOLD/$name.html" "$name.out"
			test_cmp "$GOLD/$name.err" "$name.stderr"
		'
	else
		test_expect_success "golden $name" '
			(cd "$GOLD" && unit "$UNIT/markdown_test" render "$name.md") >"$name.out"
			test_cmp "$GOLD/$name.html" "$name.out"
		'
	fi
done

test_expect_success 'broken links: every one reported, with absolute line numbers' '
	(cd "$GOLD" && ! "$UNIT/markdown_test" render broken.md 10 >/dev/null 2>"$TRASH/err")
	grep_q "broken.md:12: error: broken link '\''missing.md'\''" err
	grep_q "broken.md:13: error: broken link '\''missing/deep.md#anchor'\''" err
	grep_q "broken.md:17: error: broken link '\''missing-in-table.md'\''" err
	grep_q "broken.md:26: error: broken link '\''missing-note.md'\''" err
	grep_q "broken.md:19: error: broken link '\''#no-such-heading'\''" err
	test "$(wc -l <err)" = 6
'

test_expect_success 'a page with no broken link renders with status 0' '
	printf "# A\n\n[a](#a) [b](b.md#x) [c](https://x.org/)\n" >ok.md
	"$UNIT/markdown_test" render ok.md >out 2>err
	test ! -s err
	grep_q "<a href=\"/b/#x\">b</a>" out
'

test_expect_success 'tag filter and script URLs: nothing executable reaches the HTML' '
	printf "<script>alert(1)</script>\n\nx <style>p{}</style> <textarea>t</textarea>\n\n[j](javascript:alert(1)) [v](VBScript:x) ![d](data:text/html;base64,PHNjcmlwdD4=)\n" >evil.md
	"$UNIT/markdown_test" render evil.md >out
	grep_not "<script" out
	grep_not "<style" out
	grep_not "<textarea" out
	grep_not "javascript:" out
	grep_not "VBScript:" out
	grep_not "data:text" out
'

test_expect_success 'no data-sourcepos or internal markers leak into the HTML' '
	for md in "$GOLD"/*.md; do "$UNIT/markdown_test" render "$md" >>all.out 2>/dev/null || true; done
	grep_not "sourcepos" all.out
	test -s all.out
'

test_done
