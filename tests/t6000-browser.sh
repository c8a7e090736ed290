#!/bin/sh
# Browser tests: Debian's chromium driven by playwright-core (tests/browser/*.mjs) against
# built sites served by a throwaway static server on 127.0.0.1. Screenshots of home, FAQ
# and a pipapo page go to tests/artifacts/.
. "$(dirname "$0")/lib.sh"

BROWSER=$ROOT/tests/browser
ARTIFACTS=$ROOT/tests/artifacts
PIPAPO=/docs/pipapo/lookup/

if ! command -v node >/dev/null 2>&1 || [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ] ||
   [ ! -d "$ROOT/tests/node_modules/playwright-core" ]; then
	test_skip 'browser tests' 'needs node, /usr/bin/chromium and tests/node_modules (scripts/install-deps.sh test)'
	test_done
	exit
fi

# serve DIR: starts python's static server on a free loopback port; sets $url.
pids=""
serve() {
	python3 -u -m http.server --bind 127.0.0.1 --directory "$1" 0 >"$TRASH/http.$$.$2" 2>&1 &
	pids="$pids $!"
	i=0
	while [ $i -lt 100 ]; do
		port=$(sed -n 's/.*port \([0-9][0-9]*\).*/\1/p' "$TRASH/http.$$.$2" 2>/dev/null | head -n 1)
		[ -n "$port" ] && break
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$port" ] || { echo "static server did not start"; cat "$TRASH/http.$$.$2"; return 1; }
	url=http://127.0.0.1:$port
}
stop_servers() { for p in $pids; do kill "$p" 2>/dev/null; done; }
trap stop_servers EXIT

browser() { script=$1; shift; (cd "$ROOT/tests" && node "$BROWSER/$script" "$@"); }

test_expect_success 'the fixture site builds' '
	cp -R "$BROWSER/site" fixture-src &&
	nfsite build --source fixture-src --dest fixture -q &&
	test -f fixture/docs/alpha/index.html && test -f fixture/search-index/meta.json
'

test_expect_success 'the bundled site builds' '
	nfsite build --source "$ROOT" --dest site -q &&
	test -f site/index.html && test -f site/faq/index.html && test -f site/docs/pipapo/lookup/index.html
'
mkdir -p site fixture

serve site site && SITE=$url
serve fixture fixture && FIXTURE=$url

test_expect_success 'a dismissed banner stays dismissed after reload and on other pages' '
	browser banner.mjs "$FIXTURE" /docs/alpha/ /docs/beta/
'

test_expect_success 'without JavaScript banners show and the page is usable' '
	browser nojs.mjs "$FIXTURE" /docs/alpha/
'

test_expect_success 'without JavaScript an iptables page of the bundled site shows its banner' '
	grep -l "class=\"banner banner-deprecation\"" $(find site -name index.html) >banner-pages &&
	test -s banner-pages &&
	p=$(head -n 1 banner-pages | sed "s|^site||; s|index.html\$||") &&
	browser nojs.mjs "$SITE" "$p"
'

test_expect_success 'no console errors on home, FAQ and a pipapo page' '
	browser console.mjs "$SITE" / /faq/ /docs/pipapo/ "$PIPAPO"
'

test_expect_success 'the FAQ and a page of iptables examples show nft beside iptables, tabs working' '
	grep -q "class=\"xlate\"" site/faq/index.html &&
	grep -q "class=\"xlate\"" site/docs/iptables-to-nftables/recipes/index.html &&
	browser translate.mjs "$SITE" /faq/ &&
	browser translate.mjs "$SITE" /docs/iptables-to-nftables/recipes/
'

test_expect_success 'screenshots of home, FAQ and a pipapo page' '
	rm -rf "$ARTIFACTS" &&
	browser screenshots.mjs "$SITE" "$ARTIFACTS" / /faq/ "$PIPAPO" >shots &&
	test -s "$ARTIFACTS/home.png" && test -s "$ARTIFACTS/faq.png" &&
	test -s "$ARTIFACTS/docs-pipapo-lookup.png"
'

test_expect_success 'search finds an FAQ question and Enter lands on its anchor' '
	test -f site/search-index/meta.json &&
	browser search.mjs "$SITE" "deadline for moving" /faq/#is-there-a-deadline
'

test_expect_success 'search in the fixture site finds its only question' '
	browser search.mjs "$FIXTURE" "fixture for" /faq/#what-is-this
'

# Words search.js must fold and place in a shard as search.c did: Greek with a final
# sigma and accents, a dotted capital I (full case folding gives i + U+0307), a word in a
# non-BMP script (Deseret, shard of code points above U+FFFF), Latin diacritics.
test_expect_success 'a site of words to fold builds' '
	mkdir -p fold-src/content &&
	site_page fold-src/content/_index.md "title: Home" "Home." &&
	site_page fold-src/content/greek.md "title: Σοφός λόγος" "A page about Greek." &&
	site_page fold-src/content/turkish.md "title: İzmirlioğlu notes" "A page about Turkish." &&
	site_page fold-src/content/deseret.md "title: 𐐔𐐯𐑅𐐨𐑉𐐯𐐻 script" "A page about Deseret." &&
	site_page fold-src/content/latin.md "title: Crème brûlée" "A page about desserts." &&
	printf "return { title = \"Fold\", base_url = \"http://127.0.0.1/\" }\n" >fold-src/site.lua &&
	nfsite build -q --source fold-src --dest fold
'
mkdir -p fold
serve fold fold && FOLD=$url
test_expect_success 'search folds and finds words as the index holds them: Greek, İ, non-BMP, diacritics' '
	browser searchfold.mjs "$FOLD" "ΣΟΦΟΣ=/greek/" "σοφος=/greek/" "ΛΌΓΟΣ=/greek/" \
		"izmirlioglu=/turkish/" "İZMİRLİOĞLU=/turkish/" \
		"𐐼𐐯𐑅𐐨𐑉𐐯𐐻=/deseret/" "𐐔𐐯𐑅𐐨𐑉𐐯𐐻=/deseret/" "creme brulee=/latin/" "CRÈME=/latin/"
'

test_expect_success 'the /search/ page shows results for ?q= and lists every page without JavaScript' '
	test -f fixture/search/index.html &&
	browser searchpage.mjs "$FIXTURE" "fixture for" /faq/#what-is-this
'

test_done
