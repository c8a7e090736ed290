#!/bin/sh
# A whole small site: URLs, sections, ordering, bundles, assets, drafts, determinism.
. "$(dirname "$0")/lib.sh"

make_site() {
	rm -rf site && mkdir -p site/content/docs/guide site/content/news site/static
	site_page site/content/_index.md 'title: Home' 'Welcome. Read [the docs](docs/_index.md).'
	site_page site/content/docs/_index.md 'title: Docs' 'All the docs.'
	site_page site/content/docs/sets.md 'title: Sets
weight: 2
tags: [nft, sets]' '## Intro

See [maps](maps.md#lookups) and ![diagram](diagram.svg) and [example](example.nft).'
	site_page site/content/docs/maps.md 'title: Maps
weight: 1' '## Lookups

Back to [sets](sets.md).'
	site_page site/content/docs/zeta.md 'title: Zeta' 'Unweighted pages come last.'
	site_page site/content/docs/guide/index.md 'title: Guide bundle' '![step](step.svg)'
	echo '<svg xmlns="http://www.w3.org/2000/svg"/>' >site/content/docs/guide/step.svg
	echo '<svg xmlns="http://www.w3.org/2000/svg"/>' >site/content/docs/diagram.svg
	echo 'table inet t { }' >site/content/docs/example.nft
	site_page site/content/news/_index.md 'title: News' ''
	site_page site/content/news/old.md 'title: Old news
date: 2020-01-01' 'Old.'
	site_page site/content/news/new.md 'title: New news
date: 2024-06-01' 'New.'
	site_page site/content/draft.md 'title: Secret
draft: true' 'Not yet.'
	echo 'body{}' >site/static/extra.css
}

test_expect_success 'clean URLs, sections and bundles' '
	make_site && nfsite build -q --source site --dest out &&
	test -f out/index.html && test -f out/docs/index.html &&
	test -f out/docs/sets/index.html && test -f out/docs/maps/index.html &&
	test -f out/docs/guide/index.html && test -f out/docs/guide/step.svg &&
	test -f out/docs/diagram.svg && test -f out/docs/example.nft &&
	test -f out/extra.css && test -f out/style.css &&
	test -f out/sitemap.xml && test -f out/atom.xml && test -f out/404.html && test -f out/robots.txt
'
test_expect_success 'links to .md files and assets are rewritten to URLs' '
	make_site && nfsite build -q --source site --dest out &&
	grep_q "href=\"/docs/maps/#lookups\"" out/docs/sets/index.html &&
	grep_q "src=\"/docs/diagram.svg\"" out/docs/sets/index.html &&
	grep_q "href=\"/docs/example.nft\"" out/docs/sets/index.html &&
	grep_q "src=\"/docs/guide/step.svg\"" out/docs/guide/index.html
'
test_expect_success 'drafts are left out unless --drafts' '
	make_site && nfsite build -q --source site --dest out && test ! -e out/draft &&
	nfsite build -q --drafts --source site --dest out2 && test -f out2/draft/index.html
'
test_expect_success 'the summary line counts the drafts left out' '
	make_site && nfsite build --source site --dest out 2>log && grep_q "; 1 draft skipped: --drafts builds it)" log &&
	nfsite build --drafts --source site --dest out2 2>log && grep_q "; 0 drafts skipped)" log
'
test_expect_success 'a link to a draft says so, by source path or URL, and builds with --drafts' '
	make_site &&
	site_page site/content/docs/linker.md "title: Linker" "[s](../draft.md) [u](/draft/) [v](../../draft/)" &&
	expect_exit 1 "$NFSITE" build --source site --dest out &&
	test "$(grep -c "linker.md:4: error: links to a draft" err)" = 3 &&
	grep -q "links to a draft (.../draft.md.)" err && ! grep -q "broken link" err &&
	nfsite build -q --drafts --source site --dest out2 &&
	grep_q "href=\"/draft/\"" out2/docs/linker/index.html
'
test_expect_success 'section pages list children by weight, then title' '
	make_site && nfsite build -q --source site --dest out &&
	tr "\n" " " <out/docs/index.html | grep -o "/docs/[a-z]*/\"" | tr -d "\"" >order &&
	printf "/docs/maps/\n/docs/sets/\n/docs/guide/\n/docs/zeta/\n" >want &&
	grep -v "^/docs/$" order | awk "!seen[\$0]++" >got && test_cmp want got
'
test_expect_success 'news is listed newest first and fills the Atom feed' '
	make_site && nfsite build -q --source site --dest out &&
	python3 -c "
import xml.etree.ElementTree as E
ns={\"a\":\"http://www.w3.org/2005/Atom\"}
r=E.parse(\"out/atom.xml\").getroot()
t=[e.find(\"a:title\",ns).text for e in r.findall(\"a:entry\",ns)]
assert t==[\"New news\",\"Old news\"], t
assert r.find(\"a:updated\",ns).text==\"2024-06-01T00:00:00Z\"
"
'
# 23:00 at -05:00 is 04:00Z the next day: after 03:00Z, which strcmp put first.
test_expect_success 'news and the feed sort by instant whatever the offset; dates keep theirs' '
	make_site &&
	site_page site/content/news/late.md "title: Late evening
date: 2024-05-01T23:00-05:00" "04:00 UTC on the 2nd." &&
	site_page site/content/news/night.md "title: Small hours
date: 2024-05-02T03:00:00Z
updated: 2024-05-03T01:30:00+02:00" "03:00 UTC on the 2nd." &&
	site_page site/content/news/day.md "title: Plain day
date: 2024-05-02" "Midnight UTC on the 2nd." &&
	nfsite build -q --base-url https://example.org/ --source site --dest out &&
	printf "%s\n" "News" "New news" "Late evening" "Small hours" "Plain day" "Old news" >want &&
	sed -n "s/^ *<title>[^:]*: *\(.*\)<\/title>$/\1/p; s/^ *<title>\(.*\)<\/title>$/\1/p" out/atom.xml >got &&
	test_cmp want got &&
	printf "%s\n" /news/new/ /news/late/ /news/night/ /news/day/ /news/old/ >want &&
	grep -o "href=\"/news/[a-z]*/\"" out/news/index.html | sed "s/href=//; s/\"//g" | awk "!seen[\$0]++" >got &&
	test_cmp want got &&
	grep_q "<updated>2024-06-01T00:00:00Z</updated>" out/atom.xml &&
	grep_q "<published>2024-05-01T23:00:00-05:00</published>" out/atom.xml &&
	grep_q "<updated>2024-05-03T01:30:00+02:00</updated>" out/atom.xml &&
	grep_q "<published>2024-05-02T00:00:00Z</published>" out/atom.xml &&
	grep -A1 "news/late/<" out/sitemap.xml | grep_q "<lastmod>2024-05-01</lastmod>" - &&
	grep -A1 "news/night/<" out/sitemap.xml | grep_q "<lastmod>2024-05-03</lastmod>" - &&
	grep_q ">1 May 2024</time>" out/news/late/index.html
'
test_expect_success 'sitemap lists every page with absolute URLs' '
	make_site && nfsite build -q --base-url https://example.org/ --source site --dest out &&
	python3 -c "
import xml.etree.ElementTree as E
ns={\"s\":\"http://www.sitemaps.org/schemas/sitemap/0.9\"}
locs=sorted(u.find(\"s:loc\",ns).text for u in E.parse(\"out/sitemap.xml\").getroot())
want=sorted(\"https://example.org\"+p for p in [\"/\",\"/docs/\",\"/docs/sets/\",\"/docs/maps/\",\"/docs/zeta/\",\"/docs/guide/\",\"/news/\",\"/news/old/\",\"/news/new/\",\"/tags/\",\"/tags/nft/\",\"/tags/sets/\"])
assert locs==want, locs
"
'
test_expect_success 'same input gives byte-identical output, also -j 1 vs -j 2' '
	make_site &&
	nfsite build -q -j 2 --source site --dest a &&
	nfsite build -q -j 2 --source site --dest b &&
	nfsite build -q -j 1 --source site --dest c &&
	diff -r -x .nfsite-manifest a b && diff -r -x .nfsite-manifest a c
'
test_expect_success 'the bundled site builds identically twice and with -j 1 vs -j 2' '
	cp -r "$ROOT/content" "$ROOT/faq" "$ROOT/site.lua" . &&
	cp -r "$ROOT/templates" "$ROOT/static" . 2>/dev/null; 
	nfsite build -q -j 2 --source . --dest x1 &&
	nfsite build -q -j 2 --source . --dest x2 &&
	nfsite build -q -j 1 --source . --dest x3 &&
	diff -r -x .nfsite-manifest x1 x2 && diff -r -x .nfsite-manifest x1 x3
'
test_expect_success 'a rebuild writes nothing when nothing changed' '
	make_site && nfsite build --source site --dest out 2>log1 &&
	nfsite build --source site --dest out 2>log2 &&
	grep -q "(0 files written" log2
'
test_expect_success 'pages of deleted sources are removed; unknown files stay' '
	make_site && nfsite build -q --source site --dest out &&
	echo mine >out/keep.txt &&
	rm site/content/docs/zeta.md && nfsite build -q --source site --dest out &&
	test ! -e out/docs/zeta && test -f out/keep.txt && test -f out/docs/sets/index.html
'
test_expect_success 'a folder with only content/ builds with the default theme' '
	mkdir -p bare/content && printf "# Just Markdown\n\nHello.\n" >bare/content/notes.md &&
	nfsite build -q --source bare --dest out &&
	grep_q "<h1>Notes</h1>" out/notes/index.html && test -s out/style.css && test -f out/index.html
'
test_expect_success 'a page of the site at /search/ takes the place of the generated one' '
	rm -rf own && mkdir -p own/content &&
	printf -- "---\ntitle: Find things\n---\nOur own search page.\n" >own/content/search.md &&
	printf "# Home\n" >own/content/_index.md &&
	nfsite build -q --source own --dest own-out &&
	grep_q "Our own search page." own-out/search/index.html
'
test_expect_success 'aliases make redirect pages, an nginx map and Apache rules' '
	make_site &&
	site_page site/content/docs/moved.md "title: Moved
aliases: [/old/place/, /legacy/page.html]" "Here now." &&
	nfsite build -q --source site --dest out &&
	grep_q "url=/docs/moved/" out/old/place/index.html &&
	grep_q "rel=\"canonical\" href=\"/docs/moved/\"" out/legacy/page.html &&
	grep_q "\"/old/place/\" \"/docs/moved/\";" out/_nfsite/redirects/aliases.nginx.conf &&
	grep_q "map_hash_bucket_size" out/_nfsite/redirects/aliases.nginx.conf &&
	grep_q "RewriteRule \"^/?legacy/page\\.html\$\" \"/docs/moved/\" [R=301,L,NE]" \
		out/_nfsite/redirects/aliases.apache.conf &&
	grep -qx "/old/place/ /docs/moved/ 301" out/_redirects &&
	grep -qx "/legacy/page.html /docs/moved/ 301" out/_redirects
'
test_expect_success 'under a base path the alias files and _redirects carry the prefix' '
	nfsite build -q --base-url https://example.org/nf/ --source site --dest out &&
	grep_q "url=/nf/docs/moved/" out/old/place/index.html &&
	grep_q "\"/nf/old/place/\" \"/nf/docs/moved/\";" out/_nfsite/redirects/aliases.nginx.conf &&
	grep_q "RewriteRule \"^/?nf/legacy/page\\.html\$\" \"/nf/docs/moved/\" [R=301,L,NE]" \
		out/_nfsite/redirects/aliases.apache.conf &&
	grep -qx "/nf/old/place/ /nf/docs/moved/ 301" out/_redirects
'
test_expect_success 'base URL with a path prefixes every internal link' '
	make_site && nfsite build -q --base-url https://example.org/nf/ --source site --dest out &&
	grep_q "href=\"/nf/docs/maps/#lookups\"" out/docs/sets/index.html
'
test_done
