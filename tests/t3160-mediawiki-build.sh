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
test_expect_success 'a link to a missing section or page becomes text and a report entry; the default build passes' '
	mkdir sect && cat >sect.xml <<-\EOF &&
	<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">
	<siteinfo><sitename>t</sitename><base>https://wiki.example.org/w/index.php/Main_Page</base></siteinfo>
	<page><title>Sections</title><ns>0</ns><id>1</id><revision><id>1</id><timestamp>2020-01-01T00:00:00Z</timestamp><text xml:space="preserve">See [[#Intro]], [[#Missing section]], [[#Gone|the gone part]] and [[Nowhere]].

	== Intro ==
	Text.</text></revision></page>
	</mediawiki>
	EOF
	(cd sect && nfsite import mediawiki --xml ../sect.xml --report ../sect.json 2>../sect.err) &&
	grep_q "3 links to missing pages or sections" sect.err &&
	sqlite3 :memory: "SELECT group_concat(json_extract(value, \"\$.target\"), \",\") FROM json_each(readfile(\"sect.json\"), \"\$.missing_links\")" >targets &&
	echo "#Missing section,#Gone,Nowhere" | test_cmp - targets &&
	(cd sect && nfsite build 2>../sect-build.err) &&
	grep_not -q "broken link" sect-build.err &&
	h=sect/public/wiki/sections/index.html &&
	grep_q "href=\"#intro\"" $h && grep_q "#Missing section" $h && grep_q "the gone part" $h &&
	grep_not -q "missing-section" $h
'
test_done
