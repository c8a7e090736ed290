#!/bin/sh
# nfsite check --dest: internal links, assets and #anchors of a built folder.
. "$(dirname "$0")/lib.sh"

mkdir -p good/docs/guide good/img bad/docs
cat >good/index.html <<'HTML'
<!doctype html><html><head>
<link rel="stylesheet" href="/style.css"><link rel="icon" href="img/icon.svg">
<link rel="canonical" href="https://www.example.org/">
<link rel="preconnect" href="https://cdn.example.net">
<script src="/app.js"></script></head>
<body><h1 id="intro">Home</h1>
<a href="/docs/">docs</a> <a href="docs/">docs, relative</a> <a href="docs">docs, no slash</a>
<a href="/docs/guide/#step-2">a step</a> <a href="docs/guide/index.html#step-1">another</a>
<a href="#intro">self</a> <a href="#">empty fragment</a> <a href="#top">top</a>
<a href="https://www.example.org/docs/guide/#step-1">absolute, same site</a>
<a href="/docs/?q=1">with a query</a> <a href="/docs/guide/%69ndex.html">encoded</a>
<a href="mailto:a@example.org">mail</a> <a href="tel:+1">phone</a> <a href="javascript:void(0)">js</a>
<img src="/img/a.png" srcset="/img/a.png 1x, img/a@2x.png 2x" alt="">
<picture><source srcset="/img/a.png"><img src="img/a.png" alt=""></picture>
</body></html>
HTML
cat >good/docs/index.html <<'HTML'
<html><body><a href="../">up</a><a href="guide/">guide</a><a href="../index.html#intro">intro</a></body></html>
HTML
cat >good/docs/guide/index.html <<'HTML'
<html><body><h2 id="step-1">1</h2><a name="step-2"></a>
<a href="../../img/a.png">img</a><a href="./#step-1">here</a></body></html>
HTML
printf 'body{}\n' >good/style.css
printf 'x\n' >good/app.js
printf '<svg/>\n' >good/img/icon.svg
printf 'png\n' >good/img/a.png
printf 'png\n' >good/img/a@2x.png
cat >good/sitemap.xml <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://www.example.org/docs/</loc></url><url><loc>https://www.example.org/</loc></url>
</urlset>
XML

cp -r good/. bad/
cat >bad/index.html <<'HTML'
<!doctype html><html><head><link rel="stylesheet" href="/missing.css"></head>
<body><h1 id="intro">Home</h1>
<a href="/docs/">fine</a>
<a href="/nowhere/">no page</a>
<a href="/docs/guide/#step-9">no anchor there</a>
<a href="#nope">no anchor here</a>
<img src="img/none.png" alt="">
<script src="/js/none.js"></script>
<a href="https://www.example.org/gone/">absolute, same site, missing</a>
<a href="../../../etc/passwd">climbs out</a>
<a href="/nowhere/">the same broken link again</a>
</body></html>
HTML
cat >bad/docs/index.html <<'HTML'
<html><body><a href="../#intro">ok</a>
<a href="guide/missing.html">missing</a></body></html>
HTML

test_expect_success 'a clean site passes with exit 0' '
	nfsite check --dest good >out 2>err &&
	cat out err &&
	grep -q "checked 3 pages, .*: 0 broken" out &&
	test ! -s err
'

test_expect_success 'broken links, assets and anchors are reported by page with exit 1' '
	expect_exit 1 nfsite check --dest bad &&
	cat err &&
	cat >expect <<-EOF &&
	docs/index.html:2: error: broken link '"'"'guide/missing.html'"'"' (no such file)
	index.html:1: error: broken link '"'"'/missing.css'"'"' (no such file)
	index.html:4: error: broken link '"'"'/nowhere/'"'"' (no such file)
	index.html:5: error: broken link '"'"'/docs/guide/#step-9'"'"' (no anchor '"'"'step-9'"'"' in docs/guide/index.html)
	index.html:6: error: broken link '"'"'#nope'"'"' (no anchor '"'"'nope'"'"')
	index.html:7: error: broken link '"'"'img/none.png'"'"' (no such file)
	index.html:8: error: broken link '"'"'/js/none.js'"'"' (no such file)
	index.html:9: error: broken link '"'"'https://www.example.org/gone/'"'"' (no such file)
	index.html:10: error: broken link '"'"'../../../etc/passwd'"'"' (leaves the site)
	EOF
	test_cmp expect err &&
	grep -q ": 9 broken" .stdout
'

test_expect_success '--base-url decides which absolute URLs are internal' '
	rm bad/sitemap.xml &&
	expect_exit 1 nfsite check --dest bad &&
	grep_not -q "example.org/gone" err &&
	expect_exit 1 nfsite check --dest bad --base-url https://www.example.org/ &&
	grep -q "example.org/gone/.*no such file" err
'

test_expect_success 'a base URL with a path: absolute paths must stay under it' '
	mkdir -p sub/docs &&
	printf "<a href=\"/nf/docs/\">in</a>\n<a href=\"/other/\">out</a>\n<a href=\"/nf\">home</a>\n" >sub/index.html &&
	printf "<p>docs</p>\n" >sub/docs/index.html &&
	expect_exit 1 nfsite check --dest sub --base-url https://example.org/nf/ &&
	cat err &&
	test "$(wc -l <err)" = 1 &&
	grep -q "index.html:2: error: broken link .*/other/.*outside the site" err
'

test_expect_success 'external links are not fetched without --external' '
	mkdir -p ext &&
	printf "<a href=\"http://127.0.0.1:9/never\">x</a>\n" >ext/index.html &&
	nfsite check --dest ext >out 2>err &&
	test ! -s err
'

test_expect_success '--skip leaves links under a prefix alone (URL or site path)' '
	mkdir -p skip &&
	printf "<a href=\"/pub/\">a</a><a href=\"https://www.example.org/pub/x.tar.gz\">b</a><a href=\"/gone/\">c</a>\n" >skip/index.html &&
	expect_exit 1 nfsite check --dest skip --base-url https://www.example.org/ --skip /pub/ &&
	test "$(wc -l <err)" = 1 && grep -q "/gone/" err &&
	expect_exit 1 nfsite check --dest skip --base-url https://www.example.org/ --skip https://www.example.org/pub/ &&
	test "$(wc -l <err)" = 2 && grep -q "'"'"'/pub/'"'"'" err
'

test_expect_success 'usage errors exit 2' '
	expect_exit 2 nfsite check --jobs 0 &&
	expect_exit 2 nfsite check --timeout -1 &&
	expect_exit 2 nfsite check --max-age soon &&
	expect_exit 2 nfsite check --bogus &&
	expect_exit 1 nfsite check --dest does-not-exist &&
	grep -q "does-not-exist: error: not a folder" err
'

test_done
