#!/bin/sh
# Inline colours of an imported wiki in both colour schemes: the fixture wiki imported from
# its database and built, then chromium (playwright-core) screenshots pages with inline
# backgrounds (Tip box, the main page's layout table, the infobox, badges) in light and
# dark mode into tests/artifacts/wiki-contrast/ and checks every text on an inline colour
# reaches WCAG's 4.5:1 against the background it is drawn on.
. "$(dirname "$0")/lib.sh"

BROWSER=$ROOT/tests/browser
ARTIFACTS=$ROOT/tests/artifacts/wiki-contrast

if ! command -v node >/dev/null 2>&1 || [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ] ||
   [ ! -d "$ROOT/tests/node_modules/playwright-core" ]; then
	test_skip 'wiki contrast in light and dark mode' 'needs node, /usr/bin/chromium and tests/node_modules (scripts/install-deps.sh test)'
	test_done
	exit
fi

pid=""
stop_server() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; }
trap stop_server EXIT

test_expect_success 'the fixture wiki imports and builds' '
	mkdir wiki && (cd wiki &&
	nfsite import mediawiki --db "$FIX/mediawiki/db/nfwiki.sqlite" \
		--old-url-prefix http://127.0.0.1/wiki 2>../import.err) &&
	nfsite build --source wiki --dest public -q --broken-links=warn 2>build.err &&
	test -f public/wiki/main-page/index.html && test -f public/wiki/conntrack-tools/index.html
'

python3 -u -m http.server --bind 127.0.0.1 --directory public 0 >http.log 2>&1 &
pid=$!
i=0
while [ $i -lt 100 ] && ! grep -q "port" http.log 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
port=$(sed -n 's/.*port \([0-9][0-9]*\).*/\1/p' http.log | head -n 1)

test_expect_success 'text on inline colours is readable in light and dark mode' '
	test -n "$port" &&
	rm -rf "$ARTIFACTS" &&
	(cd "$ROOT/tests" && node "$BROWSER/contrast.mjs" "http://127.0.0.1:$port" "$ARTIFACTS" \
		/wiki/main-page/ /wiki/conntrack-tools/ /wiki/netfilter-project-components/ \
		/wiki/netfilter-wiki-formatting-reference/) >contrast.out &&
	cat contrast.out &&
	grep_q "/wiki/main-page/ dark:" contrast.out &&
	test -s "$ARTIFACTS/wiki-main-page-light.png" && test -s "$ARTIFACTS/wiki-main-page-dark.png"
'

test_done
