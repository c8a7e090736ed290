#!/bin/sh
# Attribution of the imported fixture wiki in chromium (playwright-core): an imported page
# shows its contributors, last edit and revision count; its banner leads to its history
# page on the new site, which lists every revision and leads back.
. "$(dirname "$0")/lib.sh"

if ! command -v node >/dev/null 2>&1 || [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ] ||
   [ ! -d "$ROOT/tests/node_modules/playwright-core" ]; then
	test_skip 'wiki attribution in a browser' 'needs node, /usr/bin/chromium and tests/node_modules (scripts/install-deps.sh test)'
	test_done
	exit
fi

mkdir site
test_expect_success 'import the fixture wiki into a bare site' '
	(cd site && nfsite import mediawiki --db "$FIX/mediawiki/db/nfwiki.sqlite" \
		--old-url-prefix https://wiki.example.org/w 2>../import.err)
'
start_serve 600 --source site || { echo "serve did not start"; exit 1; }

test_expect_success 'chromium: attribution on the page, its history page and back' '
	(cd "$ROOT/tests" && node browser/wiki-attribution.mjs "$URL" /wiki/conntrack-tools/ 7 Ctdaemon)
'

kill -TERM $SERVE_PID
wait $SERVE_PID
test_done
