#!/bin/sh
# archive_render on the fixture's archive through a folder sink (tests/unit/archive_test):
# escaping, private data absent, links, anchors, attachments, old-URL forwarders and maps.
. "$(dirname "$0")/lib.sh"

BZ=$FIX/bugzilla
cp "$BZ/bugzilla.sqlite" bz.sqlite

test_expect_success 'unit checks (e-mail hiding)' '
	"$UNIT/archive_test"
'
test_expect_success 'renders the fixture archive' '
	nfsite import bugzilla -q --db bz.sqlite --timezone America/New_York --out archive.sqlite &&
	"$UNIT/archive_test" archive.sqlite out &&
	test -f out/bugs/1/index.html && test -f out/bugs/index.html
'
test_expect_success 'one page per public bug, none for restricted 11 and 17' '
	(cd out/bugs && ls -d [0-9]* | sort -n | tr "\n" " "; echo) >got &&
	echo "1 2 3 4 5 6 7 8 9 10 12 13 14 15 16 18 19 20 21 22 23 24 25 " >want && test_cmp want got &&
	grep -q "^kind: bug$" out/bugs/1/page.meta
'
test_expect_success 'the leak marker DEVPRIV is nowhere in the output' '
	grep_not -r -a -l DEVPRIV out
'
# page.meta holds the sink's plain-text fields (titles are escaped by the templates)
test_expect_success 'nothing from bug 9 becomes markup' '
	grep_not -r -a -F --exclude=page.meta "<script>alert" out &&
	grep_not -r -a -F --exclude=page.meta "<img src=x" out &&
	grep_not -r -a -F --exclude=page.meta "<evil" out &&
	grep_not -r -a -F --exclude=page.meta "<a href=\"javascript" out &&
	grep -q -F "title: Bug 9 – Wiki example <script>alert(\"nft\")</script> & " out/bugs/9/page.meta &&
	grep -q -F "&lt;script&gt;alert(&#39;iif&#39;)&lt;/script&gt;" out/bugs/9/index.html &&
	grep -q -F "Mallory &quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; Co" out/bugs/9/index.html
'
test_expect_success 'the only scripts are our own' '
	grep -r -a -h -o --exclude=page.meta "<script[^>]*>" out | sort -u >got &&
	printf "%s\n" "<script src=\"/bugs.js\" defer>" "<script>" >want && sort want >want.s &&
	test_cmp want.s got && grep -l -r --exclude=page.meta "<script>" out | sort >got &&
	printf "out/attachment.cgi/index.html\nout/buglist.cgi/index.html\nout/show_bug.cgi/index.html\n" >want &&
	test_cmp want got
'
test_expect_success 'bug 9 page matches the golden file' '
	test_cmp "$ROOT/tests/golden/bugzilla/bug-9.html" out/bugs/9/index.html
'
test_expect_success 'no e-mail address anywhere in the pages (patch files may keep theirs)' '
	grep_not -r -a -l -E --exclude-dir=attachments "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]" out &&
	grep -q -F "sean.oconnor@…" out/bugs/2/index.html
'
test_expect_success 'comment anchors keep the gaps of private comments' '
	{ grep -o "id=\"c[0-9]*\"" out/bugs/5/index.html | tr "\n" " "; echo; } >got &&
	echo "id=\"c0\" id=\"c1\" id=\"c3\" id=\"c4\" " >want && test_cmp want got &&
	grep -q "^anchors: comments c0 c1 c3 c4 history$" out/bugs/5/page.meta
'
test_expect_success 'bug references become links only to archived bugs' '
	grep -q -F "<a class=\"bug-link bug-closed\" href=\"/bugs/12/\"" out/bugs/13/index.html &&
	grep -q -F "href=\"/bugs/13/\"" out/bugs/12/index.html &&
	grep_not -r -q -F "href=\"/bugs/11/" out && grep_not -r -q -F "href=\"/bugs/17/" out
'
test_expect_success '"bug 13 (see its comment #0)" and "bug 6, bug 10, bug 15" are linked' '
	grep -q -F "href=\"/bugs/13/\"" out/bugs/12/index.html &&
	for n in 6 10 15; do grep -q -F "href=\"/bugs/$n/\"" out/bugs/4/index.html || exit 1; done
'
test_expect_success 'depends/blocks/duplicate fields link both ways' '
	grep -q -F "<dt>Depends on</dt>" out/bugs/4/index.html &&
	grep -A0 "<dt>Blocks</dt>" out/bugs/6/index.html | grep -q -F "/bugs/4/" &&
	grep -q -F "duplicate of <a class=\"bug-link bug-closed\" href=\"/bugs/12/\"" out/bugs/13/index.html &&
	grep "<dt>Duplicates</dt>" out/bugs/12/index.html | grep -q -F "/bugs/13/"
'
test_expect_success 'type 5 comments read "Created attachment N" with a link to the file' '
	grep -q -F "Created <a class=\"attachment-link\" href=\"/bugs/attachments/6/perf-report_txt.gz\"" out/bugs/20/index.html
'
test_expect_success 'public attachments are files with their exact bytes; private 7 is absent' '
	{ ls out/bugs/attachments | sort -n | tr "\n" " "; echo; } >got && echo "1 2 3 5 6 " >want && test_cmp want got &&
	python3 -c "
import sqlite3, sys
c = sqlite3.connect(\"file:bz.sqlite?immutable=1\", uri=True)
sys.stdout.buffer.write(c.execute(\"SELECT thedata FROM attach_data WHERE id = 3\").fetchone()[0])" >pcap &&
	cmp pcap out/bugs/attachments/3/nfq-gso-first-packet.pcap
'
# Apache's mod_mime takes every extension of a name, so shell.php.png would run as PHP.
test_expect_success 'attachment names keep one dot: inner extensions become _' '
	cp bz.sqlite inner.sqlite && n=100 &&
	for f in shell.php.png x.php.txt a.b.c.pdf x.txt.php; do
		sqlite3 inner.sqlite "INSERT INTO attachments VALUES ($n, 3, \"2013-01-01 00:00:00\",
			\"2013-01-01 00:00:00\", \"inner\", \"image/png\", 0, \"$f\", 9, 0, 0);
			INSERT INTO attach_data VALUES ($n, \"x\")" || exit 1
		n=$((n + 1))
	done &&
	nfsite import bugzilla -q --db inner.sqlite --timezone America/New_York --out inner-archive.sqlite &&
	"$UNIT/archive_test" inner-archive.sqlite inner &&
	for d in 100 101 102 103; do ls inner/bugs/attachments/$d; done >got &&
	printf "%s\n" shell_php.png x_php.txt a_b_c.pdf x_txt_php.bin >want && test_cmp want got
'
test_expect_success 'attachment links carry the MIME type' '
	grep -q -F "href=\"/bugs/attachments/6/perf-report_txt.gz\" type=\"application/gzip\"" out/bugs/20/index.html
'
test_expect_success 'patches are shown inline as highlighted diffs; obsolete one closed' '
	grep -q -F "<details class=\"patch\" id=\"patch-2\" open>" out/bugs/1/index.html &&
	grep -q -F "<details class=\"patch\" id=\"patch-1\">" out/bugs/1/index.html &&
	grep -q -F "<span class=\"hl-i\">" out/bugs/1/index.html
'
test_expect_success 'history table without private rows' '
	grep -q -F "<section class=\"bug-history\"" out/bugs/8/index.html &&
	grep_not -q -F "Comment is private" out/bugs/8/index.html &&
	grep_not -q -F "attachment 7" out/bugs/20/index.html
'
test_expect_success 'indexes: all bugs, per product, per component with status counts' '
	grep -q "^kind: bug-index$" out/bugs/page.meta &&
	test "$(grep -c "<tr data-product=" out/bugs/index.html)" = 23 &&
	grep -q "^kind: bug-product$" out/bugs/product/nftables/page.meta &&
	grep -q "^kind: bug-component$" out/bugs/product/nftables/nft/page.meta &&
	grep -q -F "<tfoot><tr><th>Total</th><td>9</td></tr></tfoot>" out/bugs/product/nftables/index.html &&
	grep -q -F "<tr><td>RESOLVED FIXED</td><td>11</td></tr>" out/bugs/index.html
'
test_expect_success 'the filter form is hidden until bugs.js runs (works without JS)' '
	grep -q -F "<form class=\"bug-filter\" hidden>" out/bugs/index.html &&
	test -f "$ROOT/theme/static/bugs.js"
'
test_expect_success 'old URLs: static forwarders' '
	grep -q -F "\"nft-roundtrip\": 4" out/show_bug.cgi/index.html &&
	grep -q -F "<noscript>" out/show_bug.cgi/index.html &&
	grep -q -F "\"6\": \"bugs/attachments/6/perf-report_txt.gz\"" out/attachment.cgi/index.html &&
	grep -q -F "\"libnetfilter_queue\": \"libnetfilter_queue\"" out/buglist.cgi/index.html &&
	grep_not -q -F "\"7\":" out/attachment.cgi/index.html
'
test_expect_success 'old URLs: nginx maps and Apache rules' '
	grep -q -F "	4 /bugs/4/;" out/_nfsite/redirects/bugs.nginx.conf &&
	grep -q -F "	nft-roundtrip /bugs/4/;" out/_nfsite/redirects/bugs.nginx.conf &&
	grep -q -F "	6 /bugs/attachments/6/perf-report_txt.gz;" out/_nfsite/redirects/bugs.nginx.conf &&
	grep -q -F "	nftables /bugs/product/nftables/;" out/_nfsite/redirects/bugs.nginx.conf &&
	grep_not -q -F "	11 /bugs/11/;" out/_nfsite/redirects/bugs.nginx.conf &&
	grep -q -F "RewriteRule ^/?show_bug\.cgi/?$ /bugs/%1/? [R=301,L]" out/_nfsite/redirects/bugs.apache.conf &&
	grep -q -F "RewriteRule ^/?attachment\.cgi/?$ /bugs/attachments/1/0001-restore-skip-indented-comments.patch? [R=301,L]" out/_nfsite/redirects/bugs.apache.conf &&
	grep -q -F "location = /show_bug.cgi { return 301 \$nfsite_bug_url; }" out/_nfsite/redirects/bugs-server.nginx.conf &&
	grep -q -F "/show_bug.cgi id=nft-roundtrip /bugs/4/" out/_redirects &&
	grep -q -F "/attachment.cgi id=6 /bugs/attachments/6/perf-report_txt.gz" out/_redirects &&
	grep -q -F "/buglist.cgi product=nftables /bugs/product/nftables/" out/_redirects
'
test_expect_success 'the XML import renders the same pages except history' '
	cp "$BZ/bugs.xml" bugs.xml && nfsite import bugzilla -q --xml bugs.xml --out x.sqlite &&
	"$UNIT/archive_test" x.sqlite xout &&
	for n in 1 5 9 13 20; do
		sed "/<section class=\"bug-history\"/,/<\/section>/d" out/bugs/$n/index.html >a &&
		sed "/bug-no-history/d" xout/bugs/$n/index.html >b && test_cmp a b || exit 1
	done
'
test_expect_success 'a file that is not an archive is a clear error' '
	echo junk >junk.sqlite && expect_exit 1 "$UNIT/archive_test" junk.sqlite jout &&
	grep -q "junk.sqlite" err
'
test_done
