#!/bin/sh
# --namespaces chooses what becomes pages (numbers or names); the rest is skipped with
# the reason, and the sums still hold.
. "$(dirname "$0")/lib.sh"

cp "$FIX/mediawiki/dump-full.xml" .
sums() { sqlite3 :memory: "SELECT json_extract(j, '\$.written') || ' ' || json_extract(j, '\$.redirected') || ' ' || json_extract(j, '\$.skipped') FROM (SELECT readfile('$1') AS j)"; }

test_expect_success 'main only: 21 pages, 6 redirects, 17 skipped' '
	mkdir a && cd a && nfsite import mediawiki --xml ../dump-full.xml --namespaces main --report r.json 2>err &&
	test "$(sums r.json)" = "21 6 17" && test "$(ls content/wiki/*.md | wc -l)" = 21 &&
	! test -e content/wiki/talk-conntrack-tools.md
'
test_expect_success 'numbers and names mix: 0,Talk,project' '
	mkdir b && cd b && nfsite import mediawiki --xml ../dump-full.xml --namespaces "0, Talk,project" --report r.json 2>err &&
	test "$(sums r.json)" = "25 6 13" && test -f content/wiki/talk-conntrack-tools.md &&
	test -f content/wiki/netfilter-wiki-about.md
'
test_expect_success 'all: templates become pages too, the template redirect an alias' '
	mkdir c && cd c && nfsite import mediawiki --xml ../dump-full.xml --namespaces all --report r.json 2>err &&
	test "$(sums r.json)" = "36 7 1" &&
	grep_q "- \"/wiki/template-min-kernel/\"" content/wiki/template-kernel.md
'
test_expect_success 'an unknown namespace is a usage error' '
	expect_exit 2 "$NFSITE" import mediawiki --xml dump-full.xml --namespaces "main,Nosuch" &&
	grep_q "unknown namespace '\''Nosuch'\''" err && ! test -e content
'
test_expect_success '--out and --url-prefix place pages, links and the redirect file' '
	mkdir d && cd d && nfsite import mediawiki --xml ../dump-full.xml --out site/content/archive/oldwiki \
		--url-prefix /archive/oldwiki --old-url-prefix https://wiki.example/w 2>err && cd site/content &&
	test -f archive/oldwiki/conntrack-tools.md &&
	grep_q "- \"/archive/oldwiki/conntrack/\"" archive/oldwiki/conntrack-tools.md &&
	grep_q "original_url: \"https://wiki.example/w/index.php/Conntrack-tools\"" archive/oldwiki/conntrack-tools.md &&
	grep -qx "/w/index.php/Conntrack /archive/oldwiki/conntrack-tools/" ../data/redirects/archive-oldwiki.txt &&
	grep_q "href=\"/archive/oldwiki/conntrack-tools/\"" archive/oldwiki/main-page.md
'
test_expect_success 'usage errors exit 2' '
	expect_exit 2 "$NFSITE" import mediawiki --old-url-prefix https://wiki.example.org/w &&
	expect_exit 2 "$NFSITE" import mediawiki --old-url-prefix https://wiki.example.org/w --xml a.xml --db b.sqlite &&
	expect_exit 2 "$NFSITE" import mediawiki --xml dump-full.xml --delay soon &&
	expect_exit 2 "$NFSITE" import mediawiki --xml dump-full.xml --bogus
'
test_done
