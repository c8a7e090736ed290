#!/bin/sh
# An imported wiki page shows the nft translations (issue 16): a MediaWiki XML export
# (tests/fixtures/mediawiki-translate, written by hand) with iptables commands in
# <syntaxhighlight lang="bash"> and <pre> and an ipset block goes through
# `nfsite import mediawiki --xml`, and the build, with the bundled site.lua and the real
# translators, puts each block beside its nft translation, which passes `nft -c` in a
# private namespace (scripts/check-nft-blocks.sh --translations), and gives the page the
# banner saying so; chromium shows both. An imported page without such examples has
# neither. Every assertion ends in "|| exit 1" (see t2100).
. "$(dirname "$0")/lib.sh"

need="iptables-translate ipset-translate"
missing=$(missing_tools $need)
if [ -n "$missing" ]; then
	test_skip 'an imported wiki page shows nft translations' "missing:$missing (Debian packages iptables, ipset: scripts/install-deps.sh test)"
	test_done
	exit
fi
XPATH=$PATH:/usr/sbin:/sbin

test_expect_success 'the export imports, and the build translates its blocks' '
	mkdir site && cp "$ROOT/site.lua" site/ || exit 1
	(cd site && nfsite import mediawiki --xml "$FIX/mediawiki-translate/export.xml" 2>../import.err) ||
		{ cat import.err; exit 1; }
	grep -q "read 2 pages" import.err || { cat import.err; exit 1; }
	# the importer keeps the blocks as code: the build, not the import, translates
	grep -qx "\`\`\`bash" site/content/wiki/simple-gateway.md || exit 1
	! grep -q "add rule" site/content/wiki/simple-gateway.md || exit 1
	PATH=$XPATH nfsite build --source site --dest out 2>err || { cat err; exit 1; }
	! grep -q "warning" err || { cat err; exit 1; }
'

# panes FILE: the text of each nft pane of FILE, blocks separated by "----".
panes() {
	python3 -c '
import html.parser, sys
class P(html.parser.HTMLParser):
    depth = 0
    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += tag not in ("br", "img", "input")
        elif "xlate-pane-n" in (dict(attrs).get("class") or "").split():
            self.depth = 1
    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            if not self.depth:
                print("----")
    def handle_data(self, data):
        if self.depth:
            sys.stdout.write(data)
P().feed(open(sys.argv[1]).read())
' "$1"
}

test_expect_success 'each block (syntaxhighlight, pre, ipset) is shown with its nft translation' '
	page=out/wiki/simple-gateway/index.html
	test "$(grep -o "class=\"xlate\" role=\"group\"" $page | wc -l)" = 3 || exit 1
	panes $page >nft.txt || exit 1
	cat nft.txt
	test "$(grep -c "^----\$" nft.txt)" = 3 || exit 1
	grep -qx "add rule ip filter INPUT iifname \"lo\" counter accept" nft.txt || exit 1
	grep -qx "add rule ip filter INPUT tcp dport 22 ct state new counter accept" nft.txt || exit 1
	grep -qx "add rule ip nat POSTROUTING oifname \"eth0\" counter masquerade" nft.txt || exit 1
	grep -qx "add rule ip nat PREROUTING iifname \"eth0\" tcp dport 8080 counter dnat to 192.168.1.10:80" nft.txt || exit 1
	grep -qx "add set inet global scanners { type ipv4_addr; timeout 3600s; flags interval; }" nft.txt || exit 1
	grep -qx "add element inet global scanners { 203.0.113.7 timeout 600s }" nft.txt || exit 1
	! grep -q "untranslated" nft.txt || exit 1
'

test_expect_success 'the page has the translations banner, the page without examples has none' '
	grep -q "data-banner-id=\"wiki-nft-translations\"" out/wiki/simple-gateway/index.html || exit 1
	grep -q "data-banner-id=\"wiki-migrated\"" out/wiki/conntrack-notes/index.html || exit 1
	! grep -q "data-banner-id=\"wiki-nft-translations\"" out/wiki/conntrack-notes/index.html || exit 1
	! grep -q "class=\"xlate\"" out/wiki/conntrack-notes/index.html || exit 1
'

nft_bin=$(command -v nft 2>/dev/null || { [ -x /usr/sbin/nft ] && echo /usr/sbin/nft; } || true)
if [ -n "$nft_bin" ] && unshare -rn "$nft_bin" list ruleset >/dev/null 2>&1; then
	test_expect_success 'the translations pass nft -c in a private namespace' '
		"$ROOT/scripts/check-nft-blocks.sh" --translations out >out.txt 2>err || { cat out.txt err; exit 1; }
		cat out.txt
		tail -n 1 out.txt | grep -q "^3 translations checked, 0 refused as marked, 0 failed (" || exit 1
	'
else
	test_skip 'the translations pass nft -c in a private namespace' 'needs nft in unshare -rn'
fi

if ! command -v node >/dev/null 2>&1 || [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ] ||
   [ ! -d "$ROOT/tests/node_modules/playwright-core" ]; then
	test_skip 'chromium shows the imported page with its translations and banner' 'needs node, /usr/bin/chromium and tests/node_modules (scripts/install-deps.sh test)'
else
	# nfsite serve builds the site with the translators, as the build above did
	PATH=$XPATH
	start_serve 600 --source site || { echo "serve did not start"; exit 1; }
	test_expect_success 'chromium shows the imported page with its translations and banner' '
		(cd "$ROOT/tests" && node browser/wiki-translate.mjs "$URL" /wiki/simple-gateway/ /wiki/conntrack-notes/) || exit 1
	'
	test_expect_success 'its tabs switch by CSS alone, light and dark' '
		(cd "$ROOT/tests" && node browser/translate.mjs "$URL" /wiki/simple-gateway/) || exit 1
	'
	kill -TERM $SERVE_PID
	wait $SERVE_PID
fi

test_done
