#!/bin/sh
# End to end: import the fixture tracker, put the archive in a site's data/, nfsite build,
# and check /bugs/ in the output: pages, escaping, privacy, files, links.
. "$(dirname "$0")/lib.sh"

BZ=$FIX/bugzilla
cp "$BZ/bugzilla.sqlite" bz.sqlite
mkdir -p site/content
site_page site/content/_index.md 'title: Home' 'The old tracker is [archived](/bugs/); see [bug 4](/bugs/4/).'

test_expect_success 'import into the site folder (default --out data/bugzilla.sqlite)' '
	(cd site && nfsite import bugzilla -q --db ../bz.sqlite --timezone America/New_York) && test -f site/data/bugzilla.sqlite
'
test_expect_success 'nfsite build renders the archive' '
	nfsite build --source site --dest public 2>err &&
	test -f public/bugs/index.html && test -f public/bugs/1/index.html &&
	test -f public/bugs/product/nftables/index.html && test -f public/bugs/product/nftables/nft/index.html
'
test_expect_success 'a page per public bug, none for the restricted ones' '
	for n in 1 2 3 4 5 6 7 8 9 10 12 13 14 15 16 18 19 20 21 22 23 24 25; do
		test -f public/bugs/$n/index.html || { echo "missing $n"; exit 1; }
	done &&
	! test -e public/bugs/11 && ! test -e public/bugs/17
'
test_expect_success 'previous and next go by bug number (9, 10, 12, not 1, 10, 12, …, 2)' '
	nav() { grep -o "class=\"pagenav-$2\" href=\"[^\"]*\"" public/bugs/$1/index.html | sed "s/.*href=\"//; s/\"//"; }
	test "$(nav 1 prev)" = "" && test "$(nav 1 next)" = /bugs/2/ &&
	test "$(nav 9 next)" = /bugs/10/ && test "$(nav 10 next)" = /bugs/12/ &&
	test "$(nav 12 prev)" = /bugs/10/ && test "$(nav 25 next)" = ""
'
test_expect_success 'bug pages use the bug template with the escaped title' '
	grep -q "class=\"kind-bug\"" public/bugs/9/index.html &&
	grep -q -F "<h1>Bug 9 – Wiki example &lt;script&gt;alert(&quot;nft&quot;)&lt;/script&gt; &amp;" public/bugs/9/index.html &&
	grep -q "class=\"kind-bug-index\"" public/bugs/index.html
'
# The search index's chunks hold titles as JSON strings (plain text that search.js puts in
# with textContent), so they are the one place where the raw summary may appear
test_expect_success 'nothing private and no markup from reporters anywhere in the output' '
	grep_not -r -a -l DEVPRIV public &&
	grep_not -r -a -l -F --exclude-dir=search-index "<script>alert" public &&
	grep_not -r -a -l -F --exclude-dir=search-index "<img src=x" public &&
	grep -r -q -F "<script>alert(\\\"nft\\\")" public/search-index/f
'
test_expect_success 'attachments and old-URL files are in the output' '
	test -f public/bugs/attachments/3/nfq-gso-first-packet.pcap &&
	test "$(wc -c <public/bugs/attachments/3/nfq-gso-first-packet.pcap)" = 136 &&
	test -f public/show_bug.cgi/index.html && test -f public/attachment.cgi/index.html &&
	test -f public/buglist.cgi/index.html && test -f public/_nfsite/redirects/bugs.nginx.conf &&
	test -f public/_nfsite/redirects/bugs.apache.conf &&
	test -f public/_nfsite/redirects/bugs-server.nginx.conf &&
	grep -q "^/show_bug.cgi id=4 /bugs/4/ 301\$" public/_redirects &&
	test -f public/bugs.js
'
test_expect_success 'bug pages are in the sitemap' '
	grep -q "/bugs/9/</loc>" public/sitemap.xml
'
test_expect_success 'no broken link in or to the archive' '
	{ nfsite check --source site >check.out 2>&1 || { cat check.out; false; }; } &&
	grep_q ": 0 broken" check.out
'
test_expect_success 'rebuilding is stable' '
	nfsite build --source site --dest public2 2>/dev/null &&
	diff -r public/bugs public2/bugs
'
test_done
