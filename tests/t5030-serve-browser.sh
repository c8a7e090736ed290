#!/bin/sh
# Live reload in a real browser (Debian's chromium through playwright-core): edit
# Markdown, change CSS, break and fix a template while a page is open.
. "$(dirname "$0")/lib.sh"

if ! command -v node >/dev/null 2>&1 || [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ] ||
   [ ! -d "$ROOT/tests/node_modules/playwright-core" ]; then
	test_skip 'live reload in a browser' 'needs node, /usr/bin/chromium and tests/node_modules (scripts/install-deps.sh test)'
	test_done
	exit
fi

mkdir -p site/content site/static
site_page site/content/_index.md 'title: Home' 'Home page.'
site_page site/content/about.md 'title: About' 'First version of the about page.'
printf 'body { background-color: rgb(250, 250, 250); }\n' >site/static/style.css

start_serve 600 --source site || { echo "serve did not start"; exit 1; }

test_expect_success 'edit, restyle, break and fix while the page is open' '
	(cd "$ROOT/tests" && node browser/serve-reload.mjs "$URL" "$TRASH/site") ||
	{ cat serve.err; false; }
'

kill -TERM $SERVE_PID
wait $SERVE_PID
test_done
