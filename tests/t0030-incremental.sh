#!/bin/sh
# The build cache: unchanged pages are neither rendered nor written again, yet every
# dependency still shows: templates, titles in lists, anchors in other pages, the FAQ.
. "$(dirname "$0")/lib.sh"

make_site() {
	rm -rf site out && mkdir -p site/content/docs site/faq
	site_page site/content/_index.md 'title: Home' 'Home.'
	site_page site/content/docs/_index.md 'title: Docs' 'Docs.'
	site_page site/content/docs/a.md 'title: Page A' 'Link to [b](b.md#target).'
	site_page site/content/docs/b.md 'title: Page B' '## Target

Text.'
	site_page site/content/docs/c.md 'title: Page C' 'Plain.'
	site_page site/faq/_index.md 'title: FAQ
categories: [General]' 'Questions.'
	site_page site/faq/q.md 'question: Why?
category: General' 'Because of the first answer.'
	nfsite build --source site --dest out 2>/dev/null
}
written() { sed -n 's/.*(\([0-9]*\) files written.*/\1/p' "$1"; }

test_expect_success 'a rebuild with no change writes nothing' '
	make_site && nfsite build --source site --dest out 2>log && test "$(written log)" = 0
'
test_expect_success 'editing one body rewrites only that page, its chunk and its new words shards' '
	make_site && printf "\nQuokkafish text.\n" >>site/content/docs/c.md &&
	nfsite build --source site --dest out 2>log && grep_q "Quokkafish text." out/docs/c/index.html &&
	# the page, its chunk of the search index and the shards of its two new words
	test "$(written log)" -le 4 &&
	test "$(grep -l "^[{,]\"quokkafish\":" out/search-index/t/*.json | wc -l)" = 1 &&
	grep -l "Quokkafish text" out/search-index/f/*.json >chunks && test "$(wc -l <chunks)" = 1 &&
	grep_q "\"Page C\"" "$(cat chunks)" &&
	rm -rf fresh && nfsite build -q --source site --dest fresh && diff -r out/search-index fresh/search-index &&
	site_page site/content/docs/c.md "title: Page C" "Plain." &&
	nfsite build -q --source site --dest out && ! grep -q quokkafish out/search-index/t/*.json
'
test_expect_success 'a template change re-renders every page' '
	make_site && mkdir -p site/templates &&
	printf "{%% extends \"base.html\" %%}{%% block main %%}<p class=mark>{{ page.title }}</p>{%% endblock %%}\n" >site/templates/page.html &&
	nfsite build --source site --dest out 2>log &&
	grep_q "<p class=mark>Page A</p>" out/docs/a/index.html && grep_q "<p class=mark>Page C</p>" out/docs/c/index.html
'
test_expect_success 'a new title shows on the section page that lists it' '
	make_site && sed -i "s/title: Page C/title: Renamed C/" site/content/docs/c.md &&
	nfsite build -q --source site --dest out && grep_q "Renamed C" out/docs/index.html
'
test_expect_success 'removing a heading breaks the anchor link of an unchanged page' '
	make_site && site_page site/content/docs/b.md "title: Page B" "No heading now." &&
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	grep -q "site/content/docs/a.md:4: error: broken link .b.md#target." err
'
test_expect_success 'anchors are checked again after a failed build, whatever the next edit' '
	make_site && site_page site/content/docs/b.md "title: Page B" "No heading now." &&
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	printf "\nMore.\n" >>site/content/docs/c.md &&
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	grep -q "site/content/docs/a.md:4: error: broken link .b.md#target." err &&
	site_page site/content/docs/b.md "title: Page B" "## Target" &&
	"$NFSITE" build -q --source site --dest out &&
	site_page site/content/docs/a.md "title: Page A" "Link to [b](b.md#gone)." &&
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	grep -q "site/content/docs/a.md:4: error: broken link .b.md#gone." err
'
test_expect_success 'an output file deleted by hand comes back' '
	make_site && rm out/docs/c/index.html &&
	nfsite build -q --source site --dest out && grep_q "Plain." out/docs/c/index.html
'
test_expect_success 'editing an answer updates /faq/ and the question page' '
	make_site && site_page site/faq/q.md "question: Why?
category: General" "Because of the second answer." &&
	nfsite build -q --source site --dest out &&
	grep_q "second answer" out/faq/index.html && grep_q "second answer" out/faq/q/index.html
'
test_expect_success 'a corrupt cache file is ignored' '
	make_site && echo garbage >out/.nfsite-cache.sqlite &&
	nfsite build -q --source site --dest out && grep_q "Plain." out/docs/c/index.html
'
test_expect_success 'cached and fresh builds give the same bytes' '
	make_site && printf "\nMore.\n" >>site/content/docs/c.md &&
	nfsite build -q --source site --dest out &&
	nfsite build -q --source site --dest fresh &&
	diff -r -x .nfsite-cache.sqlite -x .nfsite-manifest out fresh
'
test_expect_success 'changing a tag rebuilds the tag pages: the old one goes, the new one lists the page' '
	make_site && site_page site/content/docs/c.md "title: Page C
tags: [old]" "Plain." && site_page site/content/docs/a.md "title: Page A
tags: [kept]" "A." &&
	nfsite build -q --source site --dest out && test -f out/tags/old/index.html &&
	site_page site/content/docs/c.md "title: Page C
tags: [new, kept]" "Plain." &&
	nfsite build -q --source site --dest out &&
	test ! -e out/tags/old && grep_q "href=\"/docs/c/\">Page C" out/tags/new/index.html &&
	grep_q "href=\"/docs/c/\">Page C" out/tags/kept/index.html &&
	grep_q "href=\"/tags/new/\">new</a> <span class=\"tag-count\">1 page" out/tags/index.html &&
	grep_not -q "/tags/old/" out/tags/index.html out/docs/c/index.html &&
	nfsite build -q --source site --dest fresh && diff -r -x .nfsite-cache.sqlite -x .nfsite-manifest out fresh &&
	site_page site/content/docs/c.md "title: Page C" "Plain." && site_page site/content/docs/a.md "title: Page A" "A." &&
	nfsite build -q --source site --dest out && test ! -e out/tags
'
test_expect_success 'an unchanged site is up to date without being read' '
	make_site && nfsite build --source site --dest out 2>log &&
	grep -q "out is up to date" log && test "$(written log)" = 0
'
test_expect_success 'any change to sources, templates, static files or options builds again' '
	make_site && mkdir -p site/static && echo "body{}" >site/static/x.css &&
	nfsite build --source site --dest out 2>log && grep_not -q "up to date" log &&
	nfsite build --source site --dest out 2>log && grep -q "up to date" log &&
	touch site/content/docs/c.md && nfsite build --source site --dest out 2>log && grep_not -q "up to date" log &&
	nfsite build --drafts --source site --dest out 2>log && grep_not -q "up to date" log &&
	nfsite build --source site --dest out 2>log && grep_not -q "up to date" log &&
	nfsite build --source site --dest out 2>log && grep -q "up to date" log &&
	rm out/docs/c/index.html && nfsite build --source site --dest out 2>log && grep_not -q "up to date" log &&
	grep_q "Plain." out/docs/c/index.html
'
test_done
