#!/bin/sh
# The Lua template language: escaping, raw output, statements, extends/blocks, partials,
# helpers, trimming (golden file), and errors that name the template's own file:line.
. "$(dirname "$0")/lib.sh"
G=$ROOT/tests/golden/templates

make_site() {
	rm -rf site out && mkdir -p site/content/docs site/templates
	cp -r "$G/page.html" "$G/golden_base.html" "$G/partials" site/templates/
	printf 'return { title = "T", base_url = "https://example.org/sub/" }\n' >site/site.lua
	site_page site/content/_index.md 'title: Home' 'Home.'
	site_page site/content/docs/_index.md 'title: Docs' 'Docs.'
	site_page site/content/docs/p.md 'title: A <b>bold</b> & "quoted" title
date: 2024-03-05
tags: ["x&y", z]
snippet: "<script>alert(1)</script>"' '*rendered*'
}

test_expect_success 'golden: escaping, raw, loops, blocks, partials, helpers, trimming' '
	make_site && nfsite build -q --source site --dest out &&
	test_cmp "$G/expected.html" out/docs/p/index.html
'
test_expect_success 'a three-level extends chain fills blocks from the most derived template' '
	make_site &&
	printf "{%% extends \"page.html\" %%}\n{%% block footer %%}mid footer{%% endblock %%}\n" >site/templates/mid.html &&
	printf "{%% extends \"mid.html\" %%}\n{%% block title %%}leaf{%% endblock %%}\n" >site/templates/leaf.html &&
	printf -- "---\ntitle: L\ntemplate: leaf.html\n---\nx\n" >site/content/docs/l.md &&
	nfsite build -q --source site --dest out &&
	grep_q "<title>leaf</title>" out/docs/l/index.html &&
	grep_q "<footer>mid footer</footer>" out/docs/l/index.html &&
	grep_q "<h1>L</h1>" out/docs/l/index.html
'
test_expect_success 'runtime errors in a partial name the partial and its line' '
	make_site && printf "<nav>\n\n{{ page.missing.field }}</nav>\n" >site/templates/partials/crumbs.html &&
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	grep -q "site/templates/partials/crumbs.html:3: error: attempt to index a nil value" err
'
test_expect_success 'errors inside a multi-line statement keep the template line numbers' '
	make_site && printf "a\n{%% local t = {\n  1,\n  2 }\n  local x = t.y.z %%}\nb\n" >site/templates/page.html &&
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	grep -q "site/templates/page.html:5: error: attempt to index a nil value" err
'
test_expect_success 'a partial that includes itself stops at the depth limit' '
	make_site && printf "x{* partial(\"crumbs.html\") *}" >site/templates/partials/crumbs.html &&
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	grep -q "templates nested deeper than 32" err
'
test_expect_success 'extends loops are refused' '
	make_site && printf "{%% extends \"b.html\" %%}" >site/templates/a.html &&
	printf "{%% extends \"a.html\" %%}" >site/templates/b.html &&
	printf -- "---\ntitle: L\ntemplate: a.html\n---\nx\n" >site/content/docs/l.md &&
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	grep -q "^site/templates/b.html:1: error: extends cycle: a.html → b.html → a.html" err
'
test_expect_success 'unclosed tags are reported at their line' '
	make_site && printf "ok\n\n<p>{{ page.title </p>\n" >site/templates/page.html &&
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	grep -q "site/templates/page.html:3: error: unclosed" err
'
test_expect_success 'template names cannot leave the templates folder' '
	make_site && printf -- "---\ntitle: L\ntemplate: ../../etc/passwd\n---\nx\n" >site/content/docs/l.md &&
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	grep -q "site/content/docs/l.md:3: error: unknown template" err
'
test_done
