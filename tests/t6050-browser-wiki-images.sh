#!/bin/sh
# Images of the imported fixture wiki in chromium (playwright-core): imported with
# --images, served by nfsite serve; thumbnails load at their scaled size with their
# captions, the gallery and the File: page show the files.
. "$(dirname "$0")/lib.sh"

if ! command -v node >/dev/null 2>&1 || [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ] ||
   [ ! -d "$ROOT/tests/node_modules/playwright-core" ]; then
	test_skip 'wiki images in a browser' 'needs node, /usr/bin/chromium and tests/node_modules (scripts/install-deps.sh test)'
	test_done
	exit
fi

mkdir site
test_expect_success 'import the fixture wiki with its upload folder into a bare site' '
	(cd site && nfsite import mediawiki --db "$FIX/mediawiki/db/nfwiki.sqlite" \
		--images "$FIX/mediawiki/images" --old-url-prefix https://wiki.example.org/w 2>../import.err) &&
	test -f site/content/wiki/files/conntrack-sync.png
'
start_serve 600 --source site || { echo "serve did not start"; exit 1; }

test_expect_success 'chromium: thumbnails, captions, the gallery and the File: page' '
	(cd "$ROOT/tests" && node browser/wiki-images.mjs "$URL")
'

kill -TERM $SERVE_PID
wait $SERVE_PID
test_done
