#!/bin/sh
# The imported wiki is an ordinary part of a site: `nfsite build` renders it with no
# broken links, the redirects become alias pages, every page shows the migrated banner
# and its attribution (contributors, last edit, a history page of every revision).
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
test_expect_success 'the migrated banner links the page history, not the old URL (which redirects back here)' '
	h=site/public/wiki/conntrack-tools/index.html &&
	grep_q "wiki-migrated" $h &&
	grep_q "class=\"banner-link\" href=\"/wiki/conntrack-tools/history/\">Page history</a>" $h &&
	grep_not -q "index.php/Conntrack-tools" $h
'
# The fixture dump's revisions of Conntrack-tools: how many, and the authors by edits.
python3 - "$MW/dump-full.xml" >dump-counts <<-\PY
import sys, xml.etree.ElementTree as ET
NS = "{http://www.mediawiki.org/xml/export-0.11/}"
for p in ET.parse(sys.argv[1]).getroot().iter(NS + "page"):
    if p.findtext(NS + "title") != "Conntrack-tools":
        continue
    revs = p.findall(NS + "revision")
    n, first = {}, {}
    for r in revs:
        c = r.find(NS + "contributor")
        u = (c.findtext(NS + "username") or c.findtext(NS + "ip")).split(">")[-1]
        n[u] = n.get(u, 0) + 1
        first[u] = min(first.get(u, "~"), r.findtext(NS + "timestamp"))
    print(len(revs))
    print(", ".join(sorted(n, key=lambda u: (-n[u], first[u]))))
PY
test_expect_success 'pages show contributors (most edits first), the last edit and the revision count' '
	h=site/public/wiki/conntrack-tools/index.html &&
	grep_q "<aside class=\"wiki-attribution\"" $h &&
	grep_q "Last edited <time datetime=\"2023-10-04T11:30:00Z\">4 October 2023</time> by <span class=\"wiki-user\">Ctdaemon</span>" $h &&
	grep_q "<a class=\"wiki-history-link\" href=\"/wiki/conntrack-tools/history/\">$(head -1 dump-counts) revisions</a>" $h &&
	grep "class=\"wiki-contributors\"" $h | sed "s/<[^>]*>//g; s/^Contributors, most edits first: //; s/\.\$//" >got &&
	sed -n 2p dump-counts | test_cmp - got
'
test_expect_success 'the history page lists every revision of the dump: date, author, summary, newest first' '
	h=site/public/wiki/conntrack-tools/history/index.html &&
	test "$(grep -c "^<td><time datetime=" $h)" = "$(head -1 dump-counts)" &&
	sed -n "s/^<td><time datetime=\"\\([^\"]*\\)\".*/\\1/p" $h >dates && sort -r dates | test_cmp dates - &&
	grep_q "<td>→conntrackd: new section</td>" $h &&
	grep_q "<a href=\"/wiki/conntrack-tools/\">Back to the page</a>" $h &&
	for f in site/content/wiki/*.md; do
		s=${f##*/}; s=${s%.md}
		test -f "site/public/wiki/$s/history/index.html" || { echo "no history for $s"; exit 1; }
	done
'
test_expect_success 'hostile names and summaries are escaped; what the wiki hid says so' '
	mkdir hostile && cat >hostile.xml <<-\EOF &&
	<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">
	<siteinfo><sitename>t</sitename><base>https://wiki.example.org/w/index.php/Main_Page</base></siteinfo>
	<page><title>Hostile</title><ns>0</ns><id>1</id>
	<revision><id>1</id><timestamp>2020-01-01T00:00:00Z</timestamp><contributor><username>&lt;img src=x onerror=alert(1)&gt;</username></contributor><comment>&lt;script&gt;alert("summary")&lt;/script&gt;</comment><text xml:space="preserve">one</text></revision>
	<revision><id>2</id><timestamp>2020-01-02T00:00:00Z</timestamp><contributor deleted="deleted" /><comment deleted="deleted" /><text xml:space="preserve">two</text></revision>
	<revision><id>3</id><timestamp>2020-01-03T00:00:00Z</timestamp><contributor><username>Bob</username></contributor><minor/><comment>/* Intro */ &amp; more</comment><text xml:space="preserve">three</text></revision>
	</page>
	</mediawiki>
	EOF
	(cd hostile && nfsite import mediawiki --xml ../hostile.xml 2>../hostile.err && nfsite build 2>../hostile-build.err) &&
	h=hostile/public/wiki/hostile/history/index.html p=hostile/public/wiki/hostile/index.html &&
	grep_q "&lt;script&gt;alert(&quot;summary&quot;)&lt;/script&gt;" $h && grep_not -q "<script>alert" $h &&
	grep_not -q "<img src=x" $h && grep_not -q "<img src=x" $p && grep_q "&lt;img src=x onerror=alert(1)&gt;" $p &&
	grep_q "(username removed)" $h && grep_q "(edit summary removed)" $h &&
	grep_q "→Intro: &amp; more" $h && grep_q "title=\"minor edit\">m</abbr>" $h &&
	grep_q ">3 revisions</a>" $p
'
test_expect_success 'hostile markup of the sanitizer page reaches the HTML only as text' '
	h=site/public/wiki/netfilter-wiki-sanitizer-test/index.html &&
	grep_not -qi "<script>alert\|<iframe\|onerror=\"alert\|href=\"javascript:" $h
'
# The wiki's own categorylinks say what each category holds (pages and subcategories).
members() { # CATEGORY TYPE: the members' titles, lower-cased (display titles differ in case)
	sqlite3 nfwiki.sqlite "SELECT lower(replace(p.page_title, '_', ' ')) FROM categorylinks c
		JOIN page p ON p.page_id = c.cl_from WHERE c.cl_to = '$1' AND c.cl_type = '$2' ORDER BY 1"
}
listed() { # FILE BLOCK-ID: the link texts of one list of a category page, lower-cased
	sed -n "/<div id=\"$2\">/,/^<\/div>\$/p" "$1" | sed -n "s/^<li><a href=\"[^\"]*\">\(.*\)<\/a><\/li>\$/\1/p" |
		sed "s/^category://" | tr "[:upper:]" "[:lower:]" | sort
}
test_expect_success 'a category page lists its member pages as MediaWiki does' '
	grep_q "lists_tag: \"Connection tracking\"" site/content/wiki/category-connection-tracking.md &&
	h=site/public/wiki/category-connection-tracking/index.html &&
	grep_q "Pages about the connection tracking system" $h &&
	grep_q "<h2>Pages in category &quot;Connection tracking&quot;</h2>" $h &&
	grep_q "The following 6 pages are in this category, out of 6 total." $h &&
	members Connection_tracking page >want && listed $h mw-pages >got && test_cmp want got &&
	members Logging page >want && listed site/public/wiki/category-logging/index.html mw-pages >got && test_cmp want got &&
	grep_q "sort_title: \"Verbindungsverfolgung\"" "site/content/wiki/übersetzungen-deutsch-verbindungsverfolgung-conntrack-überblick.md" &&
	sed -n "/<div id=\"mw-pages\">/,/^<\/div>\$/p" $h | grep -o "<h3>.</h3>" | tr -d "\n" >letters &&
	echo "<h3>A</h3><h3>C</h3><h3>F</h3><h3>U</h3><h3>V</h3>" | tr -d "\n" | test_cmp - letters
'
test_expect_success 'a category without a page lists its subcategories and pages on its tag page' '
	h=site/public/tags/userspace-tools/index.html &&
	grep_q "<h2>Subcategories</h2>" $h && grep_q "This tag has the following 2 subcategories" $h &&
	members Userspace_tools subcat >want && listed $h mw-subcategories >got && test_cmp want got &&
	members Userspace_tools page >want && listed $h mw-pages >got && test_cmp want got
'
test_expect_success 'every page links its categories: to the category page, else the tag page' '
	h=site/public/wiki/conntrack-tools/index.html &&
	grep_q "rel=\"tag\" href=\"/wiki/category-connection-tracking/\">Connection tracking</a>" $h &&
	grep_q "rel=\"tag\" href=\"/tags/userspace-tools/\">Userspace tools</a>" $h &&
	test ! -e site/public/tags/connection-tracking &&
	grep_q "<a class=\"tag\" href=\"/wiki/category-logging/\">Logging</a> <span class=\"tag-count\">3 pages</span>" site/public/tags/index.html
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
test_expect_success 'a link to a missing section of another page goes to that page and is reported; the default build passes' '
	mkdir other && cat >other.xml <<-\EOF &&
	<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">
	<siteinfo><sitename>t</sitename><base>https://wiki.example.org/w/index.php/Main_Page</base></siteinfo>
	<page><title>Linker</title><ns>0</ns><id>1</id><revision><id>1</id><timestamp>2020-01-01T00:00:00Z</timestamp><text xml:space="preserve">[[Sections#Intro|one]], [[Sections#Intro 2|two]], [[Sections#Spot|spot]], [[Via#Intro|via]] and [[Sections#Missing part|gone]].</text></revision></page>
	<page><title>Sections</title><ns>0</ns><id>2</id><revision><id>2</id><timestamp>2020-01-01T00:00:00Z</timestamp><text xml:space="preserve">&lt;span id="Spot"&gt;&lt;/span&gt;Top.

	== Intro ==
	A.

	== Intro ==
	B.</text></revision></page>
	<page><title>Via</title><ns>0</ns><id>3</id><redirect title="Sections" /><revision><id>3</id><timestamp>2020-01-01T00:00:00Z</timestamp><text xml:space="preserve">#REDIRECT [[Sections]]</text></revision></page>
	</mediawiki>
	EOF
	(cd other && nfsite import mediawiki --xml ../other.xml --report ../other.json 2>../other.err) &&
	grep_q "1 links to missing pages or sections" other.err &&
	sqlite3 :memory: "SELECT group_concat(json_extract(value, \"\$.target\"), \",\") FROM json_each(readfile(\"other.json\"), \"\$.missing_links\")" >targets &&
	echo "Sections#Missing part" | test_cmp - targets &&
	(cd other && nfsite build 2>../other-build.err) &&
	grep_not -q "broken link" other-build.err &&
	h=other/public/wiki/linker/index.html &&
	grep_q "href=\"/wiki/sections/#intro\">one" $h && grep_q "href=\"/wiki/sections/#intro-1\">two" $h &&
	grep_q "href=\"/wiki/sections/#Spot\">spot" $h && grep_q "href=\"/wiki/sections/#intro\">via" $h &&
	grep_q "href=\"/wiki/sections/\">gone" $h
'
test_expect_success 'code the wiki highlighted comes out highlighted: C, Python, JSON, INI; an unknown lexer stays plain' '
	h=site/public/wiki/writing-a-queue-handler-in-c/index.html &&
	grep_q "<code class=\"language-c\"><span class=\"hl-m\">#include</span> <span class=\"hl-s\">&lt;stdio.h&gt;</span>" $h &&
	grep_q "<span class=\"hl-k\">static</span> <span class=\"hl-t\">int</span> cb(<span class=\"hl-k\">struct</span>" $h &&
	h=site/public/wiki/json-api/index.html &&
	grep_q "<code class=\"language-python\"><span class=\"hl-k\">import</span> json" $h &&
	grep_q "<span class=\"hl-c\"># read: the ruleset as a Python structure</span>" $h &&
	grep_q "<span class=\"hl-v\">&quot;nftables&quot;</span>: [" $h &&
	grep_q "<code class=\"language-c\"><span class=\"hl-m\">#include</span>" $h &&
	h=site/public/wiki/ulogd2-stacks-and-plugins/index.html &&
	grep_q "<code class=\"language-ini\"><span class=\"hl-t\">[global]</span>" $h &&
	grep_q "<span class=\"hl-v\">loglevel</span>=<span class=\"hl-n\">3</span>" $h &&
	grep_q "<code class=\"language-nosuchlexer\">x = 1" site/public/wiki/netfilter-wiki-formatting-reference/index.html
'
test_done
