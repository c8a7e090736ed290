#!/bin/sh
# Taxonomy pages for front matter tags: /tags/ lists every tag with its page count,
# /tags/NAME/ the pages carrying it by title; every page's tags link there; a page with
# lists_tag (or written at /tags/NAME/) stands for its tag; all under the base path.
. "$(dirname "$0")/lib.sh"

make_site() {
	rm -rf site && mkdir -p site/content/docs
	printf 'return { title = "T", base_url = "https://example.org/sub/" }\n' >site/site.lua
	site_page site/content/_index.md 'title: Home' 'Home.'
	site_page site/content/docs/_index.md 'title: Docs' 'Docs.'
	site_page site/content/docs/zeta.md 'title: Zeta
tags: [Linux, "C++ tips"]' 'Z.'
	site_page site/content/docs/alpha.md 'title: alpha
tags: [linux]' 'A.'
	site_page site/content/news.md 'title: News
tags: ["Über & more"]' 'N.'
	site_page site/content/plain.md 'title: Plain' 'No tags.'
}
main() { sed -n '/<main/,/<\/main>/p' "$1"; }

test_expect_success 'a build makes /tags/ and a page per tag' '
	make_site && nfsite build -q --source site --dest out &&
	test -f out/tags/index.html && test -f out/tags/linux/index.html &&
	test -f out/tags/c-tips/index.html && test -f "out/tags/über-more/index.html" &&
	test "$(ls out/tags | wc -l)" = 4
'
test_expect_success '/tags/ lists every tag by name with its page count, under the base path' '
	main out/tags/index.html | grep "class=\"tag\"" >got &&
	cat >want <<-\EOF &&
	<li><a class="tag" href="/sub/tags/c-tips/">C++ tips</a> <span class="tag-count">1 page</span></li>
	<li><a class="tag" href="/sub/tags/linux/">Linux</a> <span class="tag-count">2 pages</span></li>
	<li><a class="tag" href="/sub/tags/über-more/">Über &amp; more</a> <span class="tag-count">1 page</span></li>
	EOF
	test_cmp want got
'
test_expect_success 'a tag page lists its pages by title; spellings with one slug are one tag' '
	main out/tags/linux/index.html | grep "<li><a href=\"/sub/docs/" >got &&
	cat >want <<-\EOF &&
	<li><a href="/sub/docs/alpha/">alpha</a></li>
	<li><a href="/sub/docs/zeta/">Zeta</a></li>
	EOF
	test_cmp want got && grep_q "<h1>Linux</h1>" out/tags/linux/index.html
'
test_expect_success 'sort_title places a page in tag lists (and picks its letter)' '
	make_site && site_page site/content/docs/mid.md "title: Aardvark
sort_title: Mid
tags: [Linux]" "M." &&
	nfsite build -q --source site --dest out &&
	main out/tags/linux/index.html | grep -e "<h3>" -e "<li><a href=\"/sub/docs/" >got &&
	cat >want <<-\EOF &&
	<div class="mw-category-group"><h3>A</h3>
	<li><a href="/sub/docs/alpha/">alpha</a></li>
	<div class="mw-category-group"><h3>M</h3>
	<li><a href="/sub/docs/mid/">Aardvark</a></li>
	<div class="mw-category-group"><h3>Z</h3>
	<li><a href="/sub/docs/zeta/">Zeta</a></li>
	EOF
	test_cmp want got
'
test_expect_success 'every page shows its tags as links to their pages' '
	grep_q "<a class=\"tag\" rel=\"tag\" href=\"/sub/tags/linux/\">Linux</a> <a class=\"tag\" rel=\"tag\" href=\"/sub/tags/c-tips/\">C++ tips</a>" out/docs/zeta/index.html &&
	grep_q "href=\"/sub/tags/linux/\">linux</a>" out/docs/alpha/index.html &&
	grep_not -q "rel=\"tag\"" out/plain/index.html
'
test_expect_success 'taxonomy pages are in the sitemap and nfsite check finds no broken link' '
	grep_q "<loc>https://example.org/sub/tags/</loc>" out/sitemap.xml &&
	grep_q "<loc>https://example.org/sub/tags/linux/</loc>" out/sitemap.xml &&
	nfsite check --dest out >check.out 2>&1 && grep_q ": 0 broken" check.out
'
test_expect_success 'a site without tags has no taxonomy pages' '
	rm -rf bare && mkdir -p bare/content && site_page bare/content/a.md "title: A" "A." &&
	nfsite build -q --source bare --dest bare-out && test ! -e bare-out/tags
'
test_expect_success 'a page with lists_tag stands for the tag: its members follow its text, links go to it' '
	make_site && site_page site/content/docs/linux.md "title: About Linux
lists_tag: Linux" "Our Linux pages." &&
	nfsite build -q --source site --dest out &&
	test ! -e out/tags/linux &&
	h=out/docs/linux/index.html && grep_q "Our Linux pages." $h &&
	grep_q "Pages in category &quot;Linux&quot;" $h &&
	grep_q "The following 2 pages are in this category, out of 2 total." $h &&
	grep_q "<li><a href=\"/sub/docs/alpha/\">alpha</a></li>" $h &&
	grep_q "rel=\"tag\" href=\"/sub/docs/linux/\">Linux</a>" out/docs/zeta/index.html &&
	grep_q "<a class=\"tag\" href=\"/sub/docs/linux/\">Linux</a>" out/tags/index.html &&
	nfsite check --dest out >check.out 2>&1 && grep_q ": 0 broken" check.out
'
test_expect_success 'a page standing for a tag that is itself tagged is a subcategory there' '
	make_site && site_page site/content/docs/linux.md "title: Category:Linux
lists_tag: Linux
tags: [Systems]" "x" &&
	nfsite build -q --source site --dest out &&
	main out/tags/systems/index.html >m &&
	grep_q "<h2>Subcategories</h2>" m && grep_q "This tag has only the following subcategory." m &&
	grep_q "<li><a href=\"/sub/docs/linux/\">Linux</a></li>" m && grep_not -q "mw-pages" m
'
test_expect_success 'a page written at /tags/NAME/ stands for that tag' '
	make_site && site_page site/content/tags/linux.md "title: All about Linux" "Hand-written." &&
	nfsite build -q --source site --dest out &&
	grep_q "Hand-written." out/tags/linux/index.html &&
	grep_q "<li><a href=\"/sub/docs/zeta/\">Zeta</a></li>" out/tags/linux/index.html
'
test_expect_success 'two pages listing one tag is an error naming both' '
	make_site && site_page site/content/a.md "title: A
lists_tag: Linux" "x" && site_page site/content/b.md "title: B
lists_tag: linux" "x" &&
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	grep -q "^site/content/b.md:3: error: tag .linux. is already listed by site/content/a.md" err
'
test_expect_success 'the site may replace the taxonomy templates; site.tags lists every tag' '
	make_site && mkdir -p site/templates &&
	printf "{%% for _, t in ipairs(page.members) do %%}[{{ t.term }}={{ #t.members }}]{%% end %%}" >site/templates/tags.html &&
	printf "{{ page.term }}:{%% for _, p in ipairs(page.members) do %%} {{ p.title }}{%% end %%}" >site/templates/tag.html &&
	printf "{%% for _, t in ipairs(site.tags) do %%}<{{ t.url }}>{%% end %%}" >site/templates/page.html &&
	nfsite build -q --source site --dest out &&
	test "$(cat out/tags/index.html)" = "[C++ tips=1][Linux=2][Über &amp; more=1]" &&
	test "$(cat out/tags/linux/index.html)" = "Linux: alpha Zeta" &&
	test "$(cat out/plain/index.html)" = "</tags/c-tips/></tags/linux/></tags/über-more/>"
'
test_done
