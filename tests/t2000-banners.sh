#!/bin/sh
# The banner engine: every rule kind, combinations, date windows, deadlines, opt-out,
# per-page banners, and the markup themes and banner.js rely on.
. "$(dirname "$0")/lib.sh"

make_site() {
	rm -rf site out && mkdir -p site/content/docs site/content/legacy
	site_page site/content/_index.md 'title: Home' 'Home.'
	site_page site/content/docs/nft.md 'title: Nft
tags: [nftables]' 'Use nft add rule.'
	site_page site/content/docs/old.md 'title: Old way
tags: [iptables]' 'Old.'
	site_page site/content/docs/cmd.md 'title: Commands' 'Run:

    iptables -A INPUT -j ACCEPT'
	site_page site/content/legacy/thing.md 'title: Legacy thing
audience: admins' 'Old stuff.'
	site_page site/content/docs/quiet.md 'title: Quiet
tags: [iptables]
banners: false' 'No rule banners here.'
	site_page site/content/docs/own.md 'title: Own
banner:
  id: own-one
  level: warning
  message: "Page *specific*"
  link: /docs/nft/' 'Has its own.'
}

# banner_ids FILE: the data-banner-id values of a page, in order, one per line.
banner_ids() { grep -o 'data-banner-id="[^"]*"' "$1" | sed 's/data-banner-id="//; s/"$//'; }

with_banners() {
	printf 'return {\n  banners = {\n%s\n  },\n}\n' "$1" >site/site.lua
}

test_expect_success 'tag, path, section, source regex, param and Lua rules' '
	make_site && with_banners "
    { id = \"by-tag\", message = \"t\", match = { tag = \"iptables\" } },
    { id = \"by-path\", message = \"p\", match = { path = \"/legacy/*\" } },
    { id = \"by-section\", message = \"s\", match = { section = \"/docs/\" } },
    { id = \"by-source\", message = \"r\", match = { source = \"iptables -[AI] \" } },
    { id = \"by-param\", message = \"k\", match = { param = { audience = \"admins\" } } },
    { id = \"by-lua\", message = \"l\", match = function(p) return p.title == \"Nft\" end }," &&
	nfsite build -q --source site --dest out &&
	test "$(banner_ids out/docs/old/index.html | tr "\n" " ")" = "by-tag by-section " &&
	test "$(banner_ids out/legacy/thing/index.html | tr "\n" " ")" = "by-path by-param " &&
	test "$(banner_ids out/docs/cmd/index.html | tr "\n" " ")" = "by-section by-source " &&
	test "$(banner_ids out/docs/nft/index.html | tr "\n" " ")" = "by-section by-lua " &&
	test -z "$(banner_ids out/index.html)"
'
test_expect_success 'all, any and not combine rules' '
	make_site && with_banners "
    { id = \"combo\", message = \"c\", match = { all = { { section = \"/docs/\" },
        { any = { { tag = \"iptables\" }, { source = \"iptables -A\" } } },
        { [\"not\"] = { path = \"/docs/cmd/\" } } } } }," &&
	nfsite build -q --source site --dest out &&
	test "$(banner_ids out/docs/old/index.html)" = combo &&
	test -z "$(banner_ids out/docs/cmd/index.html)" &&
	test -z "$(banner_ids out/docs/nft/index.html)"
'
test_expect_success 'order decides the sequence, then definition order' '
	make_site && with_banners "
    { id = \"second\", message = \"b\", order = 5 },
    { id = \"first\", message = \"a\", order = 1 },
    { id = \"third\", message = \"c\", order = 5 }," &&
	nfsite build -q --source site --dest out &&
	test "$(banner_ids out/index.html | tr "\n" " ")" = "first second third "
'
test_expect_success 'start and end dates are evaluated at build time' '
	make_site && with_banners "
    { id = \"future\", message = \"f\", start = \"2026-06-01\" },
    { id = \"past\", message = \"p\", [\"end\"] = \"2025-12-31\" },
    { id = \"now\", message = \"n\", start = \"2025-12-01\", [\"end\"] = \"2026-01-01\" }," &&
	SOURCE_DATE_EPOCH=1767225600 nfsite build -q --source site --dest out &&
	test "$(banner_ids out/index.html)" = now &&
	SOURCE_DATE_EPOCH=1780272000 nfsite build -q --source site --dest out &&
	test "$(banner_ids out/index.html)" = future
'
test_expect_success 'a deadline renders the days left at build time' '
	make_site && with_banners "
    { id = \"dl\", message = \"soon\", deadline = \"2026-01-11\" }," &&
	SOURCE_DATE_EPOCH=1767225600 nfsite build -q --source site --dest out &&
	grep_q "10 days left" out/index.html
'
test_expect_success 'banners: false opts out of rule banners, not of its own' '
	make_site && with_banners "
    { id = \"all\", message = \"everywhere\" }," &&
	nfsite build -q --source site --dest out &&
	test -z "$(banner_ids out/docs/quiet/index.html)" &&
	test "$(banner_ids out/docs/own/index.html | tr "\n" " ")" = "all own-one "
'
test_expect_success 'markup: classes, landmark, label, Markdown message, hidden dismiss button' '
	make_site && with_banners "
    { id = \"dep\", level = \"deprecation\", message = \"**iptables** is legacy\", link = \"/docs/nft/\",
      link_text = \"Move on\", match = { tag = \"iptables\" } },
    { id = \"sticky\", level = \"notice\", message = \"stays\", dismissible = false, match = { tag = \"iptables\" } }," &&
	nfsite build -q --source site --dest out &&
	f=out/docs/old/index.html &&
	grep_q "class=\"banner banner-deprecation\" role=\"region\" aria-label=\"Deprecation notice\" data-banner-id=\"dep\"" $f &&
	grep_q "<strong>iptables</strong> is legacy" $f &&
	grep_q "href=\"/docs/nft/\">Move on</a>" $f &&
	test "$(grep -c "class=\"banner-close\" hidden" $f)" = 1 &&
	grep_q "class=\"banner banner-warning\" role=\"alert\"" out/docs/own/index.html
'
test_expect_success 'a bad banner definition names site.lua and the line' '
	make_site && with_banners "
    { id = \"x\", message = \"m\", level = \"shouting\" }," &&
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	grep -Eq "site/site.lua:[0-9]+: error: banner level .shouting. must be" err
'
# strptime took 02-30 and timegm made it 2 March; a time of day has no place in a window of days.
test_expect_success 'a banner date that is no day, or has a time, is refused' '
	make_site && with_banners "
    { id = \"x\", message = \"m\", [\"end\"] = \"2026-02-30\" }," &&
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	grep -Eq "site/site.lua:[0-9]+: error: banner date .2026-02-30. must look like 2026-01-31" err &&
	make_site && with_banners "
    { id = \"x\", message = \"m\", start = \"2026-02-01T10:00Z\" }," &&
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	grep -Eq "site/site.lua:[0-9]+: error: banner date .2026-02-01T10:00Z. must look like 2026-01-31" err
'
test_expect_success 'an unknown rule key is refused' '
	make_site && with_banners "
    { id = \"x\", message = \"m\", match = { tags = \"iptables\" } }," &&
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	grep_q "unknown banner rule '"'"'tags'"'"'" err
'
test_expect_success 'a failing Lua rule is an error with its line' '
	make_site && printf "return {\n  banners = {\n    { id = \"x\", message = \"m\",\n      match = function(p) return p.nope.x end },\n  },\n}\n" >site/site.lua &&
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	grep -q "site/site.lua:4: error: attempt to index a nil value" err
'
test_expect_success 'the bundled site: iptables pages carry the deprecation banner, nftables pages do not' '
	cp -r "$ROOT/content" "$ROOT/faq" "$ROOT/site.lua" "$ROOT/templates" "$ROOT/static" . &&
	nfsite build -q --source . --dest pub &&
	banner_ids pub/projects/iptables/index.html | grep -qx iptables-legacy &&
	! banner_ids pub/projects/nftables/index.html | grep -qx iptables-legacy &&
	! banner_ids pub/faq/index.html | grep -qx iptables-legacy
'
test_done
