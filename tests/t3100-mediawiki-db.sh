#!/bin/sh
# nfsite import mediawiki --db: MediaWiki 1.39's own SQLite database (tests/fixtures),
# opened read-only; counts from the fixture README; front matter, aliases, the redirect file.
. "$(dirname "$0")/lib.sh"

MW=$FIX/mediawiki
cp "$MW/db/nfwiki.sqlite" wiki.sqlite
chmod a-w wiki.sqlite
sum_before=$(cksum <wiki.sqlite)

test_expect_success 'imports the fixture database' '
	mkdir site && cd site &&
	nfsite import mediawiki --db ../wiki.sqlite --old-url-prefix http://127.0.0.1/wiki --site-name "netfilter wiki" \
		--report ../report.json 2>../err &&
	test -f content/wiki/conntrack-tools.md
'
test_expect_success 'the database file is left untouched (opened read-only)' '
	test "$(cksum <wiki.sqlite)" = "$sum_before" && ! test -e wiki.sqlite-journal && ! test -e wiki.sqlite-wal
'
test_expect_success 'counts match the fixture README: 44 pages, 105 revisions, 8 redirects' '
	sqlite3 :memory: "SELECT json_extract(readfile(\"report.json\"), \"\$.read.pages\"),
		json_extract(readfile(\"report.json\"), \"\$.read.revisions\"),
		json_extract(readfile(\"report.json\"), \"\$.read.redirects\")" >got &&
	echo "44|105|8" >want && test_cmp want got
'
test_expect_success 'read = written + redirected + skipped, and the file count agrees' '
	sqlite3 :memory: "SELECT json_extract(j, \"\$.written\"), json_extract(j, \"\$.redirected\"),
		json_extract(j, \"\$.skipped\"), json_array_length(j, \"\$.skipped_pages\"),
		json_extract(j, \"\$.read.pages\") = json_extract(j, \"\$.written\")
			+ json_extract(j, \"\$.redirected\") + json_extract(j, \"\$.skipped\")
		FROM (SELECT readfile(\"report.json\") AS j)" >got &&
	echo "31|6|7|7|1" >want && test_cmp want got &&
	test "$(ls site/content/wiki/*.md | wc -l)" = 31
'
test_expect_success 'the summary on stderr gives the same numbers' '
	grep_q "read 44 pages (105 revisions, 8 redirects); written 31" err &&
	grep_q "redirected 6, skipped 7" err
'
test_expect_success 'templates are skipped with a reason, not imported as pages' '
	sqlite3 :memory: "SELECT json_extract(value, \"\$.reason\") FROM json_each(readfile(\"report.json\"), \"\$.skipped_pages\")
		WHERE json_extract(value, \"\$.title\") = \"Template:Tip\"" >got &&
	grep_q "namespace 10 (Template) is not imported" got &&
	! ls site/content/wiki | grep -i template
'
test_expect_success 'the broken redirect is reported and skipped with its reason' '
	grep_q "skipped Hardware offload: broken redirect: the target '\''Flowtable offload drivers'\'' does not exist" err
'
test_expect_success 'front matter: titles, original URL, last edit, revisions, contributors' '
	f=site/content/wiki/conntrack-tools.md &&
	head -1 $f | grep -qx -- "---" &&
	grep_q "title: \"Conntrack-tools\"" $f &&
	grep_q "original_title: \"Conntrack-tools\"" $f &&
	grep_q "original_url: \"http://127.0.0.1/wiki/index.php/Conntrack-tools\"" $f &&
	grep_q "last_edited: \"2023-10-04T11:30:00Z\"" $f &&
	grep_q "last_editor: \"Ctdaemon\"" $f &&
	grep_q "revisions: 7" $f &&
	grep_q "- \"2001:DB8:42:0:0:0:0:1\"" $f &&
	grep_q "- \"Legacyeditor\"" $f && grep_not -q "imported>" $f &&
	grep_q "history_page: \"/wiki/conntrack-tools/history/\"" $f &&
	grep_q "import_hash: \"fnv1a64:" $f
'
CT="(SELECT page_id FROM page WHERE page_namespace = 0 AND page_title = 'Conntrack-tools')"
test_expect_success 'contributors by display name, most edits first (as counted in the database)' '
	sqlite3 -readonly wiki.sqlite "SELECT replace(a.actor_name, '\''imported>'\'', '\'''\'')
		FROM revision r JOIN actor a ON a.actor_id = r.rev_actor WHERE r.rev_page = $CT
		GROUP BY a.actor_name ORDER BY count(*) DESC, min(r.rev_timestamp)" | sed "s/.*/- \"&\"/" >want &&
	sed -n "/^contributors:/,/^[a-z]/p" site/content/wiki/conntrack-tools.md | grep "^- " >got &&
	test_cmp want got && test "$(head -1 got)" = "- \"Ctdaemon\""
'
test_expect_success 'each page has SLUG/history.md: every revision, newest first, with its summary' '
	h=site/content/wiki/conntrack-tools/history.md &&
	sqlite3 -readonly wiki.sqlite "SELECT count(*) FROM revision WHERE rev_page = $CT" >n &&
	test "$(cat n)" = 7 && test "$(grep -c "^- date: " $h)" = 7 &&
	grep "^- date: " $h >dates && sort -r dates | test_cmp dates - &&
	grep_q "template: \"wiki_history.html\"" $h && grep_q "history_of: \"/wiki/conntrack-tools/\"" $h &&
	grep_q "  summary: \"/* nfct */ mention ct timeout objects\"" $h && grep_q "  minor: true" $h &&
	for f in site/content/wiki/*.md; do
		n=$(sed -n "s/^revisions: //p" $f) && test "$n" -ge 1 &&
		test "$(grep -c "^- date: " "${f%.md}/history.md")" = "$n" || { echo "history of $f"; exit 1; }
	done
'
test_expect_success 'front matter: the migrated banner links the page history (the old URL redirects back here)' '
	f=site/content/wiki/main-page.md &&
	grep_q "  id: \"wiki-migrated\"" $f && grep_q "  level: \"info\"" $f &&
	grep_q "  link: \"/wiki/main-page/history/\"" $f && grep_q "  link_text: \"Page history\"" $f
'
test_expect_success 'what the wiki hid (rev_deleted: user 4, comment 2) stays hidden' '
	cp wiki.sqlite hidden.sqlite && chmod u+w hidden.sqlite &&
	sqlite3 hidden.sqlite "UPDATE revision SET rev_deleted = 6 WHERE rev_page = $CT AND rev_actor =
		(SELECT actor_id FROM actor WHERE actor_name = '\''Queuehacker'\'')" &&
	mkdir hidden && (cd hidden && nfsite import mediawiki --db ../hidden.sqlite --old-url-prefix http://127.0.0.1/wiki 2>err) &&
	f=hidden/content/wiki/conntrack-tools.md h=hidden/content/wiki/conntrack-tools/history.md &&
	grep_not -q "Queuehacker" $f && grep_not -q "user: \"Queuehacker\"" $h && grep_not -q "new section" $h &&
	grep_q "revisions: 7" $f && test "$(grep -c "^- date: " $h)" = 7 &&
	test "$(grep -c "^  user: " $h)" = 6 && test "$(grep -c "^  summary: " $h)" = 6
'
test_expect_success 'redirects become aliases on their final target (double redirect resolved)' '
	f=site/content/wiki/libnetfilter-queue.md &&
	grep_q "- \"/wiki/nfqueue/\"" $f && grep_q "- \"/wiki/netfilter-queue/\"" $f &&
	grep_q "- \"/wiki/conntrack/\"" site/content/wiki/conntrack-tools.md &&
	grep_q "- \"/wiki/conntrackd/\"" site/content/wiki/conntrack-tools.md &&
	grep_q "- \"/wiki/tproxy/\"" site/content/wiki/transparent-proxy-tproxy.md &&
	grep_q "- \"/wiki/ebtables/\"" site/content/wiki/moving-from-ebtables-to-nftables.md
'
test_expect_success 'display titles come from page_props / DISPLAYTITLE' '
	grep_q "title: \"ulogd2\"" site/content/wiki/ulogd2.md &&
	grep_q "original_title: \"Ulogd2\"" site/content/wiki/ulogd2.md &&
	grep_q "title: \"libnetfilter_queue\"" site/content/wiki/libnetfilter-queue.md
'
test_expect_success 'the project namespace name is guessed from the links (the DB has numbers only)' '
	grep_q "original_title: \"Netfilter wiki:Formatting reference\"" site/content/wiki/netfilter-wiki-formatting-reference.md
'
test_expect_success '--project-name overrides the guess' '
	mkdir other && cd other &&
	nfsite import mediawiki --old-url-prefix https://wiki.example.org/w --db ../wiki.sqlite --project-name "NF Wiki" 2>/dev/null &&
	grep_q "original_title: \"NF Wiki:About\"" content/wiki/nf-wiki-about.md
'
test_expect_success 'slugs: unicode, slash, colon, parentheses and en dash in titles' '
	test -f "site/content/wiki/übersetzungen-deutsch-verbindungsverfolgung-conntrack-überblick.md" &&
	test -f site/content/wiki/assigning-ct-helpers-ftp-sip-tftp.md &&
	test -f site/content/wiki/conntrackd-state-synchronization.md &&
	test -f site/content/wiki/talk-conntrack-tools.md
'
test_expect_success 'YAML is emitted safely: it parses back with every value intact' '
	python3 - site/content/wiki/*.md <<-\PY
	import sys, re
	for path in sys.argv[1:]:
	    text = open(path, encoding="utf-8").read()
	    fm = text.split("\n---\n", 1)[0]
	    assert fm.startswith("---\n"), path
	    for line in fm.splitlines()[1:]:
	        # every scalar after a key is double-quoted, an int, a bool or a nested block
	        m = re.match(r"^( *)(- |[a-z_]+: ?)(.*)$", line)
	        assert m, (path, line)
	        v = m.group(3)
	        assert v == "" or v.startswith("\"") or re.fullmatch(r"[0-9]+|false|\[\]", v), (path, line)
	PY
'
test_expect_success 'the redirect file: every old URL of every title, a line each; no server files' '
	r=site/data/redirects/wiki.txt &&
	grep -qx "/wiki/index.php/Conntrack-tools /wiki/conntrack-tools/" $r &&
	grep -qx "/wiki/index.php?title=Conntrack-tools /wiki/conntrack-tools/" $r &&
	grep -qx "/wiki/index.php/Conntrackd /wiki/conntrack-tools/#conntrackd" $r &&
	grep -qx "/wiki/index.php/Netfilter_queue /wiki/libnetfilter-queue/" $r &&
	grep -qx "/wiki/index.php/Netfilter%20queue /wiki/libnetfilter-queue/" $r &&
	grep -qx "/wiki/index.php?title=Netfilter_wiki:Formatting_reference /wiki/netfilter-wiki-formatting-reference/" $r &&
	grep -qx "/wiki/index.php?title=Netfilter%20wiki:Formatting%20reference /wiki/netfilter-wiki-formatting-reference/" $r &&
	grep_q "/wiki/index.php/%C3%9Cbersetzungen" $r &&
	grep_not -q "Hardware" $r && grep_not -q "^/wiki/Conntrack" $r &&
	! test -e site/wiki-redirects.nginx.conf && ! test -e site/wiki-redirects.apache.conf
'
test_expect_success 'the redirect file matches the golden file' '
	test_cmp "$ROOT/tests/golden/mediawiki/redirects.txt" site/data/redirects/wiki.txt
'
test_expect_success 'the build puts the old URLs in its one set of redirect files' '
	nfsite build -q --source site --dest public &&
	n=public/_nfsite/redirects/aliases.nginx.conf a=public/_nfsite/redirects/aliases.apache.conf &&
	grep_q "map \"\$uri?title=\$arg_title\" \$nfsite_redirect {" $n &&
	grep_q "\"/wiki/index.php?title=Netfilter+wiki:Formatting+reference\" \"/wiki/netfilter-wiki-formatting-reference/\";" $n &&
	grep_q "\"/wiki/index.php?title=Netfilter_wiki%3AFormatting_reference\" \"/wiki/netfilter-wiki-formatting-reference/\";" $n &&
	grep_q "\"/wiki/index.php/Netfilter queue\" \"/wiki/libnetfilter-queue/\";" $n &&
	grep_q "RewriteRule \"^/?wiki/index\\.php/Conntrack-tools\$\" \"/wiki/conntrack-tools/\" [R=301,L,NE]" $a &&
	grep_q "/wiki/index.php title=Conntrack-tools /wiki/conntrack-tools/ 301" public/_redirects &&
	grep_q "\"Conntrackd\": \"/wiki/conntrack-tools/#conntrackd\"" public/wiki/index.php/index.html &&
	grep_q "url=/wiki/conntrack-tools/#conntrackd" public/wiki/index.php/Conntrackd/index.html
'
if command -v nginx >/dev/null 2>&1; then
	test_expect_success 'nginx accepts the maps' '
		printf "events {}\nhttp {\n include %s;\n server { listen 127.0.0.1:1; }\n}\n" \
			"$TRASH/public/_nfsite/redirects/aliases.nginx.conf" >ng.conf &&
		nginx -t -c "$TRASH/ng.conf" -p "$TRASH" -e "$TRASH/ng.log"
	'
elif test -n "$CI"; then
	test_expect_success 'nginx accepts the maps' 'echo "nginx is missing (scripts/install-deps.sh test)"; false'
else
	test_skip 'nginx accepts the maps' 'nginx is not installed (scripts/install-deps.sh test)'
fi
test_expect_success '--old-url-prefix is taken as given: the folder of index.php or index.php itself' '
	mkdir given && cd given &&
	nfsite import mediawiki --db ../wiki.sqlite --old-url-prefix http://127.0.0.1/wiki/index.php/ 2>err &&
	grep_q "original_url: \"http://127.0.0.1/wiki/index.php/Conntrack-tools\"" content/wiki/conntrack-tools.md &&
	grep -qx "/wiki/index.php/Conntrack-tools /wiki/conntrack-tools/" data/redirects/wiki.txt &&
	grep_not -rq "index.php/index.php" content data
'
# /wiki/Conntrack-tools beside the page /wiki/conntrack-tools/: a stub there would clash on
# a file system that ignores case; the servers' rules redirect it.
test_expect_success '--article-path: the short URLs /wiki/Title redirect too' '
	mkdir short && cd short &&
	nfsite import mediawiki --db ../wiki.sqlite --old-url-prefix https://wiki.example.org/w \
		--article-path "/wiki/\$1" 2>err &&
	r=data/redirects/wiki.txt &&
	grep -qx "/wiki/Conntrack-tools /wiki/conntrack-tools/" $r &&
	grep -qx "/wiki/Netfilter%20queue /wiki/libnetfilter-queue/" $r &&
	grep -qx "/w/index.php/Conntrack-tools /wiki/conntrack-tools/" $r &&
	grep -qx "/w/index.php?title=Conntrack-tools /wiki/conntrack-tools/" $r &&
	nfsite build -q --source . --dest public &&
	grep_q "url=/wiki/libnetfilter-queue/" public/wiki/Netfilter_queue/index.html &&
	grep_q "\"/wiki/Conntrack-tools\" \"/wiki/conntrack-tools/\";" public/_nfsite/redirects/aliases.nginx.conf &&
	grep -q "^/wiki/Conntrack-tools /wiki/conntrack-tools/ 301" public/_redirects &&
	! test -e public/wiki/Conntrack-tools
'
test_expect_success '--article-path must be a path with $1' '
	mkdir badpath && cd badpath &&
	expect_exit 2 "$NFSITE" import mediawiki --db ../wiki.sqlite --old-url-prefix https://wiki.example.org/w \
		--article-path /wiki/ &&
	grep_q "article-path '\''/wiki/'\'' must be a path holding \$1 once" err && ! test -e content
'
test_expect_success 'a database does not know the old address: --old-url-prefix is required' '
	mkdir noprefix && cd noprefix &&
	expect_exit 2 "$NFSITE" import mediawiki --db ../wiki.sqlite &&
	grep -q "wiki.sqlite: error: the old wiki.s address is not known from a database: give --old-url-prefix URL" err &&
	! test -e content
'
test_done
