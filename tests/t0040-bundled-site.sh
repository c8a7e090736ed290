#!/bin/sh
# The bundled netfilter.org site: builds, and `nfsite check` finds no broken link,
# anchor or asset in it (site.lua's check.skip covers /pub/, served by the host).
. "$(dirname "$0")/lib.sh"

test_expect_success 'the bundled site builds and checks clean' '
	cp -r "$ROOT/content" "$ROOT/faq" "$ROOT/site.lua" "$ROOT/templates" "$ROOT/static" . &&
	nfsite check --source . >out 2>err &&
	grep -q ": 0 broken" out
'
test_expect_success 'without check.skip the /pub/ links are reported' '
	sed -i "/check = { skip/d" site.lua &&
	expect_exit 1 "$NFSITE" check --source . &&
	grep -q "broken link .https://www.netfilter.org/pub/" err
'
test_expect_success 'a wrongly typed check.skip is an error naming site.lua' '
	cp "$ROOT/site.lua" . && sed -i "s|check = { skip = { \"/pub/\" } }|check = { skip = { 42 } }|" site.lua &&
	expect_exit 1 "$NFSITE" check --source . &&
	grep -Eq "site.lua:[0-9]+: error: check.skip must list URL prefixes" err
'
test_expect_success 'iptables examples in the FAQ and the docs show their nft translation' '
	cp "$ROOT/site.lua" . && rm -rf pub && nfsite build -q --source . --dest pub 2>err && test ! -s err &&
	f=pub/faq/translate-single-rule/index.html &&
	grep -q "class=\"xlate\"" $f && grep -q "add</span> rule <span class=\"hl-f\">ip</span> <span class=\"hl-t\">nat</span> POSTROUTING" $f &&
	grep -lq "class=\"xlate\"" pub/docs/ipset-to-nftables/*/index.html pub/docs/iptables-to-nftables/*/index.html
'
test_done
