#!/bin/sh
# The nft translation beside iptables-family blocks (site/translate.h): made at build time
# by the real translators, cached, untranslatable lines kept as comments, valid for
# `nft -c`, and a build without translators warns once and still succeeds. The fixture
# site uses the bundled site.lua, whose banner marks imported wiki pages that show
# translations. The browser part checks the CSS-only tabs.
. "$(dirname "$0")/lib.sh"

test_expect_success 'unit: which blocks get a translation' '
	"$UNIT/translate_test" wanted
'

need="iptables-translate ip6tables-translate iptables-restore-translate ebtables-translate ipset-translate"
missing=$(missing_tools $need)
if [ -n "$missing" ]; then
	test_skip 'nft translations of iptables blocks' "missing:$missing (Debian packages iptables, ipset: scripts/install-deps.sh test)"
	test_done
	exit
fi

# Wrappers first on PATH count every translator run.
mkdir wrap
for t in $need; do
	real=$(PATH=$PATH:/usr/sbin:/sbin command -v "$t")
	printf '#!/bin/sh\necho %s >>"%s/runs"\nexec %s "$@"\n' "$t" "$TRASH" "$real" >"wrap/$t"
	chmod +x "wrap/$t"
done
: >runs
WPATH=$TRASH/wrap:$PATH
cp -R "$FIX/translate-site" src
cp "$ROOT/site.lua" src/

test_expect_success 'unit: what the translators make of a few lines' '
	PATH=$WPATH "$UNIT/translate_test"
'

# panes FILE: the text of each nft pane of FILE, tags stripped, blocks separated by "----".
panes() {
	python3 -c '
import html, re, sys
s = open(sys.argv[1]).read()
for m in re.finditer(r"<div class=\"xlate-pane xlate-pane-n\"[^>]*>(.*?)</div>", s, re.S):
    print(html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).rstrip("\n"))
    print("----")
' "$1"
}

test_expect_success 'a build with the translators shows each iptables-family block beside its nft' '
	PATH=$WPATH nfsite build --source src --dest out 2>err &&
	! grep -i "warning" err &&
	test "$(grep -o "class=\"xlate\" role=\"group\"" out/index.html | wc -l)" = 6 &&
	grep -q "<label for=\"xl-[0-9a-f]*-n\">nft</label>" out/index.html &&
	grep -q "<label for=\"xl-[0-9a-f]*-s\">ipset</label>" out/index.html &&
	grep -q "<label for=\"xl-[0-9a-f]*-s\">iptables-save</label>" out/index.html &&
	panes out/index.html >nft.txt &&
	grep -qx "add rule ip filter INPUT tcp dport 22 counter accept" nft.txt &&
	grep -qx "add rule ip filter FORWARD iifname \"eth0\" oifname \"eth1\" counter accept" nft.txt &&
	grep -qx "add rule ip nat POSTROUTING oifname \"eth0\" counter masquerade" nft.txt &&
	grep -qx "add rule ip6 filter INPUT meta l4proto ipv6-icmp counter accept" nft.txt &&
	grep -q "^add rule bridge filter FORWARD ether type" nft.txt &&
	grep -qx "add element inet global blocklist { 192.0.2.0/24 }" nft.txt &&
	grep -qx "add chain ip filter INPUT { type filter hook input priority 0; policy drop; }" nft.txt &&
	grep -qx "# let ssh in" nft.txt &&
	grep -q "class=\"language-nft\"><span class=\"hl-k\">add</span>" out/index.html
'

test_expect_success 'a shell block that runs anything else, or that nothing translates, shows alone' '
	grep -q "modprobe" out/index.html &&
	! grep -q "untranslated: modprobe" out/index.html &&
	grep -q "<pre><code class=\"language-sh\"><span class=\"hl-k\">iptables</span> <span class=\"hl-o\">-V</span>" out/index.html &&
	! grep -q "untranslated: iptables -[VS]" nft.txt &&
	! grep -q "iptables-translate v" nft.txt
'

test_expect_success 'untranslatable lines keep the translator comment, none is dropped' '
	grep -qx "# -A INPUT -m recent --name ssh --set" nft.txt &&
	grep -q "^# untranslated: iptables -P INPUT DROP (Translation not implemented)" nft.txt &&
	grep -q "^# untranslated: -A INPUT -m nosuchmatch -j ACCEPT (.*nosuchmatch" nft.txt &&
	grep -q "^# untranslated: ipset add blocklist 198.51.100.0/33 (.*out of range" nft.txt &&
	! grep -q "Translated by\|Completed on" nft.txt
'

if command -v nft >/dev/null 2>&1 && unshare -rn nft list ruleset >nft-probe 2>&1; then
	test_expect_success 'every translation passes nft -c (in unshare -rn)' '
		"$ROOT/scripts/check-nft-blocks.sh" --translations out >check.out 2>&1 || { cat check.out; exit 1; }
		tail -n 1 check.out | grep -q "^7 translations checked, 0 refused as marked, 0 failed (" || { cat check.out; exit 1; }
	'
else
	test_skip 'every translation passes nft -c (in unshare -rn)' "nft does not run in unshare -rn: $(head -n 1 nft-probe 2>/dev/null)"
fi

test_expect_success 'an imported wiki page shows the translation and says so in a banner' '
	grep -q "class=\"xlate\"" out/wiki/moving/index.html &&
	grep -q "data-banner-id=\"wiki-nft-translations\"" out/wiki/moving/index.html &&
	! grep -q "data-banner-id=\"wiki-nft-translations\"" out/index.html
'

test_expect_success 'a second build runs no translator' '
	test -s runs &&
	cp runs runs.before &&
	PATH=$WPATH nfsite build --source src --dest out &&
	cmp runs.before runs
'

test_expect_success 'a site-wide change renders every page again from cached translations' '
	sed "s/title = \"netfilter.org\"/title = \"netfilter.org again\"/" src/site.lua >s && mv s src/site.lua &&
	PATH=$WPATH nfsite build --source src --dest out &&
	grep -q "netfilter.org again" out/index.html && grep -q "netfilter.org again" out/wiki/moving/index.html &&
	cmp runs.before runs &&
	panes out/index.html >nft2.txt &&
	cmp nft.txt nft2.txt
'

test_expect_success 'a changed block runs only its own translator' '
	sed "s/--dport 80/--dport 8080/" src/content/wiki/moving.md >m && mv m src/content/wiki/moving.md &&
	PATH=$WPATH nfsite build --source src --dest out &&
	diff runs.before runs || : &&
	test "$(($(wc -l <runs) - $(wc -l <runs.before)))" = 1 &&
	tail -n 1 runs | grep -qx iptables-translate &&
	grep -q "<span class=\"hl-n\">8080</span>" out/wiki/moving/index.html
'

test_expect_success 'without translators the build warns once and shows the blocks untranslated' '
	mkdir bin && ln -s "$(command -v python3)" bin/python3 &&
	PATH=$TRASH/bin nfsite build --source src --dest bare 2>err &&
	cat err &&
	test "$(grep -c "warning" err)" = 1 &&
	grep -q "iptables-translate.*not found on PATH" err &&
	! grep -q "class=\"xlate\"" bare/index.html &&
	grep -q "class=\"language-iptables\"" bare/index.html &&
	grep -q "MASQUERADE" bare/index.html
'

test_expect_success 'installing the translators later renders the pages again with translations' '
	PATH=$WPATH nfsite build --source src --dest bare 2>err &&
	! grep -q warning err &&
	grep -q "class=\"xlate\"" bare/index.html
'

BROWSER=$ROOT/tests/browser
if ! command -v node >/dev/null 2>&1 || [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ] ||
   [ ! -d "$ROOT/tests/node_modules/playwright-core" ]; then
	test_skip 'the nft tab is visible and switchable without JavaScript' 'needs node, /usr/bin/chromium and tests/node_modules (scripts/install-deps.sh test)'
else
	python3 -u -m http.server --bind 127.0.0.1 --directory out 0 >http.log 2>&1 &
	server=$!
	trap 'kill $server 2>/dev/null' EXIT
	i=0
	while [ $i -lt 100 ] && ! grep -q "port [0-9]" http.log; do sleep 0.1; i=$((i + 1)); done
	port=$(sed -n "s/.*port \([0-9][0-9]*\).*/\1/p" http.log | head -n 1)
	test_expect_success 'the nft tab is visible and switchable, with and without JavaScript, light and dark' '
		test -n "$port" &&
		(cd "$ROOT/tests" && node "$BROWSER/translate.mjs" "http://127.0.0.1:$port" / "$ROOT/tests/artifacts")
	'
	test_expect_success 'the imported wiki page shows its translation the same way' '
		test -n "$port" &&
		(cd "$ROOT/tests" && node "$BROWSER/translate.mjs" "http://127.0.0.1:$port" /wiki/moving/)
	'
fi

test_done
