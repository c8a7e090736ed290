#!/bin/sh
# The imported wiki is an ordinary part of a site: `nfsite build` renders it with no
# broken links, the redirects become alias pages, every page shows the migrated banner.
. "$(dirname "$0")/lib.sh"

MW=$FIX/mediawiki
cp "$MW/db/nfwiki.sqlite" .
mkdir site

test_expect_success 'import into a bare site, then build it' '
	cd site &&
	nfsite import mediawiki --old-url-prefix https://wiki.example.org/w --db ../nfwiki.sqlite --report ../report.json 2>../import.err &&
	nfsite build 2>../build.err >../build.out
'
test_expect_success 'the build reports no broken link and no error' '
	cat build.err && grep_not -q "error" build.err && grep_not -q "broken link" build.err
'
test_expect_success 'every imported page is rendered' '
	for f in site/content/wiki/*.md; do
		s=${f##*/}; s=${s%.md}
		test -f "site/public/wiki/$s/index.html" || { echo "missing $s"; exit 1; }
	done
'
test_expect_success 'redirects are alias pages pointing at their target' '
	grep_q "/wiki/conntrack-tools/" site/public/wiki/conntrack/index.html &&
	grep_q "/wiki/libnetfilter-queue/" site/public/wiki/netfilter-queue/index.html &&
	grep_q "/wiki/transparent-proxy-tproxy/" site/public/wiki/tproxy/index.html
'
test_expect_success 'pages carry the migrated banner with the original URL' '
	grep_q "wiki-migrated" site/public/wiki/conntrack-tools/index.html &&
	grep_q "index.php/Conntrack-tools" site/public/wiki/conntrack-tools/index.html
'
test_expect_success 'hostile markup of the sanitizer page reaches the HTML only as text' '
	h=site/public/wiki/netfilter-wiki-sanitizer-test/index.html &&
	grep_not -qi "<script>alert\|<iframe\|onerror=\"alert\|href=\"javascript:" $h
'
test_expect_success 'links to missing pages are listed in the report, not left broken' '
	sqlite3 :memory: "SELECT count(*) FROM json_each(readfile(\"report.json\"), \"\$.missing_links\")" >n &&
	test "$(cat n)" -gt 0
'
test_expect_success 'nfsite check finds no broken link in or to the wiki pages' '
	cd site && { nfsite check >../check.out 2>../check.err || { cat ../check.out ../check.err; false; }; } &&
	grep_q ": 0 broken" ../check.out
'
test_done
