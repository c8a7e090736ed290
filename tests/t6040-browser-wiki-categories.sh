#!/bin/sh
# Categories of the imported fixture wiki in chromium (playwright-core): a page's
# categories link to the category page, which lists its members as MediaWiki does, or to
# the tag page of a category without a page, which lists its subcategories.
. "$(dirname "$0")/lib.sh"

if ! command -v node >/dev/null 2>&1 || [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ] ||
   [ ! -d "$ROOT/tests/node_modules/playwright-core" ]; then
	test_skip 'wiki categories in a browser' 'needs node, /usr/bin/chromium and tests/node_modules (scripts/install-deps.sh test)'
	test_done
	exit
fi

mkdir site
test_expect_success 'import the fixture wiki into a bare site' '
	(cd site && nfsite import mediawiki --db "$FIX/mediawiki/db/nfwiki.sqlite" \
		--old-url-prefix https://wiki.example.org/w 2>../import.err)
'
start_serve 600 --source site || { echo "serve did not start"; exit 1; }

test_expect_success 'chromium: category links, member lists, subcategories' '
	(cd "$ROOT/tests" && node browser/wiki-categories.mjs "$URL")
'

kill -TERM $SERVE_PID
wait $SERVE_PID
test_done
