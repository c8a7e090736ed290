#!/bin/sh
# nfsite import mediawiki --images: the upload folder (MediaWiki's hashed layout) copied
# into the site for the DB and XML readers, downloaded through imageinfo by the API
# reader; [[File:]] as figures with scaled sizes and captions, galleries, File: pages
# with their upload history; missing and hostile files reported, never written outside.
. "$(dirname "$0")/lib.sh"

MW=$FIX/mediawiki
cp "$MW/db/nfwiki.sqlite" "$MW/dump-full.xml" .

import() { # import DIR ARGS…
	d=$1; shift
	mkdir "$d" && (cd "$d" && nfsite import mediawiki --old-url-prefix http://127.0.0.1/wiki \
		--report report.json "$@" 2>err)
}
files() { sqlite3 :memory: "SELECT json_extract(readfile('$1/report.json'), '\$.files.$2')"; }

test_expect_success 'the DB reader copies both originals into content/wiki/files/' '
	import db --db ../nfwiki.sqlite --site-name "netfilter wiki" --images "$MW/images" &&
	cmp db/content/wiki/files/netfilter-logo.png "$MW/images/6/6b/Netfilter-logo.png" &&
	cmp db/content/wiki/files/conntrack-sync.png "$MW/images/f/f5/Conntrack-sync.png" &&
	test "$(ls db/content/wiki/files | wc -l)" = 2 &&
	test "$(files db read)|$(files db copied)|$(files db missing)" = "2|2|0" &&
	grep_q "files: read 2, copied 2, missing 0" db/err
'
test_expect_success 'a thumbnail: a figure scaled from 400x160 to 300x120, linked to its File: page, with its caption' '
	grep_q "<figure class=\"wiki-figure wiki-thumb wiki-right\"><a href=\"/wiki/file-conntrack-sync.png/\"><img src=\"/wiki/files/conntrack-sync.png\" alt=\"\" width=\"300\" height=\"120\" loading=\"lazy\"></a><figcaption>Two firewalls replicate their state tables over a dedicated link, see <a href=\"/wiki/conntrackd-state-synchronization/\">state synchronization</a>.</figcaption></figure>" db/content/wiki/conntrack-tools.md
'
test_expect_success 'sizes, alignment, link= and alt= as MediaWiki draws them' '
	f=db/content/wiki/netfilter-wiki-formatting-reference.md &&
	grep_q "<a href=\"/wiki/file-netfilter-logo.png/\" class=\"wiki-image\"><img src=\"/wiki/files/netfilter-logo.png\" alt=\"Netfilter-logo.png\" width=\"64\" height=\"64\"" $f &&
	grep_q "<a href=\"/wiki/main-page/\" class=\"wiki-image\"><img src=\"/wiki/files/netfilter-logo.png\" alt=\"netfilter logo\" width=\"32\" height=\"32\"" $f &&
	grep_q "<img src=\"/wiki/files/netfilter-logo.png\" alt=\"Netfilter-logo.png\" width=\"24\" height=\"24\" loading=\"lazy\">" $f &&
	grep_q "<figure class=\"wiki-figure wiki-thumb wiki-left\">" $f &&
	grep_q "width=\"200\" height=\"80\"" $f &&
	grep_q "<figure class=\"wiki-figure wiki-frame wiki-center\"><a href=\"/wiki/file-conntrack-sync.png/\"><img src=\"/wiki/files/conntrack-sync.png\" alt=\"\" width=\"400\" height=\"160\" loading=\"lazy\"></a><figcaption>Framed</figcaption></figure>" $f &&
	grep_q "<figure class=\"wiki-figure wiki-image wiki-right\"><a href=\"/wiki/netfilter-project-components/\"><img src=\"/wiki/files/netfilter-logo.png\" alt=\"netfilter logo\" width=\"64\" height=\"64\"" db/content/wiki/main-page.md &&
	grep_q "<img src=\"/wiki/files/netfilter-logo.png\" alt=\"conntrack-tools logo\" width=\"48\" height=\"48\"" db/content/wiki/conntrack-tools.md
'
test_expect_success 'the gallery fits each image into 120x120 over its caption; the missing entry says so' '
	f=db/content/wiki/netfilter-wiki-formatting-reference.md &&
	grep_q "<ul class=\"wiki-gallery\"><li class=\"wiki-gallerybox\"><div class=\"wiki-gallery-image\"><a href=\"/wiki/file-netfilter-logo.png/\" class=\"wiki-image\"><img src=\"/wiki/files/netfilter-logo.png\" alt=\"Logo\" title=\"Logo\" width=\"120\" height=\"120\" loading=\"lazy\"></a></div><div class=\"wiki-gallerytext\">Logo</div></li>" $f &&
	grep_q "alt=\"Sync diagram\" title=\"Sync diagram\" width=\"120\" height=\"48\"" $f &&
	grep_q "<div class=\"wiki-gallery-image\">Missing <i>(file not migrated)</i></div><div class=\"wiki-gallerytext\">Missing</div>" $f
'
test_expect_success 'a file the wiki does not have stays visible, reported as a missing link' '
	grep_q "File:No such file.png <i>(file not migrated)</i> Missing file" db/content/wiki/netfilter-wiki-formatting-reference.md &&
	sqlite3 :memory: "SELECT json_extract(value, \"\$.target\") FROM json_each(readfile(\"db/report.json\"), \"\$.missing_links\")" >links &&
	grep_q "File:No such file.png" links && grep_q "File:Missing gallery image.png" links
'
test_expect_success 'File: pages show the image, its size and type, the description and the upload history' '
	f=db/content/wiki/file-conntrack-sync.png.md &&
	grep_q "<figure class=\"wiki-file-page\"><a href=\"/wiki/files/conntrack-sync.png\"><img src=\"/wiki/files/conntrack-sync.png\" alt=\"Conntrack-sync.png\" width=\"400\" height=\"160\"></a><figcaption>Conntrack-sync.png (400 × 160 pixels, file size: 824 bytes, MIME type: image/png)</figcaption></figure>" $f &&
	grep_q "Diagram: two firewalls exchange conntrack state" $f &&
	grep_q "## File history" $f &&
	grep_q "<tr><td>2012-03-14 12:00 (current)</td><td>400 × 160 (824 bytes)</td><td>Ctdaemon</td><td>Upload drawing</td></tr>" $f
'
test_expect_success 'the XML reader with --images gives the same pages, files and history' '
	import xml --xml ../dump-full.xml --images "$MW/images" &&
	test_cmp db/content xml/content &&
	test "$(files xml copied)" = 2
'
test_expect_success 'without --images every file is reported missing with the reason, and the count holds' '
	import none --xml ../dump-full.xml &&
	test "$(files none read)|$(files none copied)|$(files none missing)" = "2|0|2" &&
	sqlite3 :memory: "SELECT json_extract(value, \"\$.title\") || \": \" || json_extract(value, \"\$.reason\")
		FROM json_each(readfile(\"none/report.json\"), \"\$.files.missing_files\")" >got &&
	printf "%s\n" "File:Conntrack-sync.png: no upload folder given (--images DIR)" \
		"File:Netfilter-logo.png: no upload folder given (--images DIR)" >want && test_cmp want got &&
	grep_q "missing File:Netfilter-logo.png: no upload folder given" none/err &&
	grep_q "(file not migrated)" none/content/wiki/main-page.md &&
	grep_q "The file itself was not migrated: no upload folder given (--images DIR)." none/content/wiki/file-netfilter-logo.png.md &&
	! test -e none/content/wiki/files
'
test_expect_success '--images must be a folder; it is for --db and --xml' '
	mkdir bad && cd bad &&
	expect_exit 2 "$NFSITE" import mediawiki --xml ../dump-full.xml --images ../dump-full.xml &&
	grep_q "error: --images must be the wiki" err &&
	expect_exit 2 "$NFSITE" import mediawiki --api http://127.0.0.1:1/api.php --images ../dump-full.xml &&
	grep_q "--images is for --db and --xml" err
'
test_expect_success 'hostile and missing files: reported, escaped, nothing written outside the site' '
	mkdir -p up/9/99 up/7/7e up/6/67 up/5/57 evil &&
	printf "%s\n" "---" "title: injected" "---" >up/6/67/Evil.md &&
	printf "<script>alert(1)</script>" >up/5/57/Index.html &&
	printf "\211PNG\r\n\032\n\0\0\0\rIHDR\0\0\0\012\0\0\0\005" >"up/9/99/A\"b&c.png" &&
	printf x >up/7/7e/x.png &&
	cat >evil.xml <<-\EOF &&
	<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">
	<siteinfo><sitename>t</sitename><base>https://wiki.example.org/w/index.php/Main_Page</base></siteinfo>
	<page><title>Evil</title><ns>0</ns><id>1</id><revision><id>1</id><timestamp>2020-01-01T00:00:00Z</timestamp><contributor><username>M</username></contributor><text xml:space="preserve">[[File:A"b&amp;c.png|thumb|alt=x" onerror="alert(1)|A &lt;script&gt;caption&lt;/script&gt;]]
	[[File:../../x.png]] [[File:&lt;script&gt;.png]] [[File:Gone.png|frame|Gone]]</text></revision></page>
	<page><title>File:A"b&amp;c.png</title><ns>6</ns><id>2</id><revision><id>2</id><timestamp>2020-01-01T00:00:00Z</timestamp><contributor><username>M</username></contributor><comment>up &lt;b&gt;load&lt;/b&gt;</comment><text xml:space="preserve">quoted</text></revision></page>
	<page><title>File:../../x.png</title><ns>6</ns><id>3</id><revision><id>3</id><timestamp>2020-01-01T00:00:00Z</timestamp><contributor><username>M</username></contributor><text xml:space="preserve">dots</text></revision></page>
	<page><title>File:Evil.md</title><ns>6</ns><id>5</id><revision><id>5</id><timestamp>2020-01-01T00:00:00Z</timestamp><contributor><username>M</username></contributor><text xml:space="preserve">md</text></revision></page>
	<page><title>File:Index.html</title><ns>6</ns><id>6</id><revision><id>6</id><timestamp>2020-01-01T00:00:00Z</timestamp><contributor><username>M</username></contributor><text xml:space="preserve">html</text></revision></page>
	<page><title>File:Gone.png</title><ns>6</ns><id>4</id><revision><id>4</id><timestamp>2020-01-01T00:00:00Z</timestamp><contributor><username>M</username></contributor><text xml:space="preserve">gone</text></revision></page>
	</mediawiki>
	EOF
	(cd evil && nfsite import mediawiki --xml ../evil.xml --images ../up --report report.json 2>err) &&
	ls evil/content/wiki/files >got && echo "a-b-c.png" >want && test_cmp want got &&
	! test -e x.png && ! test -e evil/x.png && ! test -e evil/content/x.png &&
	test "$(files evil read)|$(files evil copied)|$(files evil missing)" = "5|1|4" &&
	sqlite3 :memory: "SELECT json_extract(value, \"\$.title\") || \": \" || json_extract(value, \"\$.reason\")
		FROM json_each(readfile(\"evil/report.json\"), \"\$.files.missing_files\")" >got &&
	printf "%s\n" "File:../../x.png: the name is not a safe file name" \
		"File:Evil.md: the site would take a file of this type for a page or script of its own" \
		"File:Gone.png: not in the upload folder (9/9c/Gone.png)" \
		"File:Index.html: the site would take a file of this type for a page or script of its own" >want &&
	test_cmp want got &&
	f=evil/content/wiki/evil.md &&
	grep_q "<img src=\"/wiki/files/a-b-c.png\" alt=\"x&quot; onerror=&quot;alert(1)\" width=\"10\" height=\"5\"" $f &&
	grep_q "<figcaption>A &lt;script&gt;caption&lt;/script&gt;</figcaption>" $f &&
	grep_q "&#91;&#91;File:&lt;script&gt;.png&#93;&#93;" $f && grep_not -q "<script>" $f &&
	grep_q "(file not migrated)</i> Gone" $f &&
	grep_q "<td>up &lt;b&gt;load&lt;/b&gt;</td>" evil/content/wiki/file-a-b-c.png.md
'
test_expect_success 'an export with <upload> records (dumpBackup.php --uploads): the last is current, the others history' '
	mkdir -p upl/c/cd ups &&
	printf "\211PNG\r\n\032\n\0\0\0\rIHDR\0\0\0\024\0\0\0\012" >upl/c/cd/Two.png &&
	cat >uploads.xml <<-\EOF &&
	<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">
	<siteinfo><sitename>t</sitename><base>https://wiki.example.org/w/index.php/Main_Page</base></siteinfo>
	<page><title>File:Two.png</title><ns>6</ns><id>1</id><revision><id>1</id><timestamp>2020-01-01T00:00:00Z</timestamp><contributor><username>M</username></contributor><text xml:space="preserve">two</text></revision>
	<upload><timestamp>2020-01-01T00:00:00Z</timestamp><contributor><username>Old</username></contributor><comment>first</comment><filename>Two.png</filename><src>x</src><size>10</size></upload>
	<upload><timestamp>2021-02-03T04:05:00Z</timestamp><contributor><username>New</username></contributor><comment>second</comment><filename>Two.png</filename><src>x</src><size>24</size></upload>
	</page>
	</mediawiki>
	EOF
	(cd ups && nfsite import mediawiki --xml ../uploads.xml --images ../upl 2>err) &&
	grep "^<tr><td>" ups/content/wiki/file-two.png.md >got &&
	printf "%s\n" "<tr><td>2021-02-03 04:05 (current)</td><td>20 × 10 (24 bytes)</td><td>New</td><td>second</td></tr>" \
		"<tr><td>2020-01-01 00:00</td><td>10 bytes</td><td>Old</td><td>first</td></tr>" >want &&
	test_cmp want got
'
test_expect_success 'the build copies the files to public/ and links them under a sub-path' '
	(cd db && nfsite build -q --base-url https://example.org/sub/) &&
	cmp db/public/wiki/files/conntrack-sync.png "$MW/images/f/f5/Conntrack-sync.png" &&
	grep_q "<img src=\"/sub/wiki/files/conntrack-sync.png\" alt=\"\" width=\"300\" height=\"120\"" db/public/wiki/conntrack-tools/index.html &&
	grep_q "<a href=\"/sub/wiki/file-conntrack-sync.png/\">" db/public/wiki/conntrack-tools/index.html &&
	grep_q "<img src=\"/sub/wiki/files/netfilter-logo.png\"" db/public/wiki/file-netfilter-logo.png/index.html
'

# The API reader: imageinfo from the recorded answers, the originals served by the test server.
cp -r "$MW/api" answers
python3 "$ROOT/tests/mwapi-server.py" answers port requests.log "$MW/images" &
server=$!
i=0; while [ ! -s port ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
API=http://127.0.0.1:$(cat port)/wiki/api.php
test_expect_success 'the API reader downloads both originals through imageinfo, one request each' '
	mkdir api && (cd api && nfsite import mediawiki --api "$API" --batch 10 --delay 0 --backoff 1 \
		--old-url-prefix http://127.0.0.1/wiki --report report.json 2>err) &&
	grep_q "[\"generator\", \"allimages\"]" requests.log &&
	grep_q "[\"iiprop\", \"url|size|mime|sha1|timestamp|user|comment\"]" requests.log &&
	test "$(grep -c "^200	/wiki/images/" requests.log)" = 2 &&
	cmp api/content/wiki/files/netfilter-logo.png "$MW/images/6/6b/Netfilter-logo.png" &&
	cmp api/content/wiki/files/conntrack-sync.png "$MW/images/f/f5/Conntrack-sync.png"
'
test_expect_success 'the API gives the same figures, File: pages and history as the database' '
	for f in conntrack-tools main-page netfilter-wiki-formatting-reference file-conntrack-sync.png file-netfilter-logo.png; do
		grep "<img\|<tr><td>" db/content/wiki/$f.md >a && grep "<img\|<tr><td>" api/content/wiki/$f.md >b &&
		test_cmp a b || exit 1
	done
'
test_expect_success 'a second run resumes: files already there with the right SHA-1 are not fetched again' '
	(cd api && nfsite import mediawiki --api "$API" --batch 10 --delay 0 --backoff 1 \
		--old-url-prefix http://127.0.0.1/wiki --report report.json 2>err) &&
	test "$(grep -c "^200	/wiki/images/" requests.log)" = 2 &&
	test "$(files api copied)" = 2 &&
	printf broken >api/content/wiki/files/netfilter-logo.png &&
	(cd api && nfsite import mediawiki --api "$API" --batch 10 --delay 0 --backoff 1 \
		--old-url-prefix http://127.0.0.1/wiki --report report.json 2>err) &&
	test "$(grep -c "^200	/wiki/images/" requests.log)" = 3 &&
	cmp api/content/wiki/files/netfilter-logo.png "$MW/images/6/6b/Netfilter-logo.png"
'
kill "$server"
test_done
