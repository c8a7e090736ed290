#!/bin/sh
# Site-provided template map: site.lua's wiki_templates (the bundled site requires
# templates/wiki_templates.lua) is loaded in the importer's own Lua state and used by
# the converter; a broken or endless map never stops the import.
. "$(dirname "$0")/lib.sh"

cp "$FIX/mediawiki/dump-full.xml" .
mkdir -p site/templates
cp "$ROOT/site.lua" site/ && cp "$ROOT/templates/wiki_templates.lua" site/templates/

test_expect_success 'the bundled site.lua and its wiki_templates load without complaint' '
	cd site && nfsite import mediawiki --xml ../dump-full.xml --report r.json 2>err &&
	grep_not -q "wiki_templates\|site.lua" err
'
test_expect_success 'the bundled map renders the nftables wiki templates' '
	grep_q "> **New here:** Read [Netfilter wiki:About](/wiki/netfilter-wiki-about/) first" site/content/wiki/main-page.md &&
	grep_q "| Requires | libnetfilter_conntrack, libmnl, libnfnetlink |" site/content/wiki/conntrack-tools.md &&
	grep_q "<span class=\"wiki-badge\">" site/content/wiki/flowtable-hardware-offload.md
'
test_expect_success 'wiki_templates as a global of an explicit --site file' '
	printf "wiki_templates = { Tip = function(a) return \"TIP[\" .. (a[1] or \"\") .. \"]\" end }\n" >mine.lua &&
	mkdir g && cd g && nfsite import mediawiki --xml ../dump-full.xml --site ../mine.lua --report r.json 2>err &&
	grep_not -q "mine.lua" err &&
	grep_q "TIP[Read [[Netfilter wiki:About]]" content/wiki/main-page.md
'
test_expect_success 'an explicit --site that fails to load is an error, nothing written' '
	printf "return { wiki_templates = \n" >broken.lua &&
	mkdir b && cd b &&
	expect_exit 1 "$NFSITE" import mediawiki --xml ../dump-full.xml --site ../broken.lua &&
	grep_q "broken.lua" err && ! test -e content
'
test_expect_success 'an implicit ./site.lua that fails is a warning; the import goes on' '
	mkdir i && cd i && printf "error(\"boom\")\n" >site.lua &&
	nfsite import mediawiki --xml ../dump-full.xml 2>err &&
	grep_q "boom" err && grep_q "not using its wiki_templates" err && test -f content/wiki/main-page.md
'
test_expect_success 'wiki_templates must be a table' '
	printf "return { wiki_templates = 42 }\n" >num.lua &&
	expect_exit 1 "$NFSITE" import mediawiki --xml dump-full.xml --site num.lua &&
	grep_q "wiki_templates must be a table" err
'
test_expect_success 'wiki_url() gives template functions the new URL of a page' '
	printf "return { wiki_templates = { Tip = function(a) return \"U=\" .. tostring(wiki_url(\"Conntrack\")) .. \" M=\" .. tostring(wiki_url(\"Nowhere\")) end } }\n" >url.lua &&
	mkdir u && cd u && nfsite import mediawiki --xml ../dump-full.xml --site ../url.lua --report r.json 2>err &&
	grep_q "U=/wiki/conntrack-tools/ M=nil" content/wiki/main-page.md
'
test_expect_success 'an endless template function is stopped once, then dropped from the map' '
	printf "return { wiki_templates = { Tip = function() while true do end end, Badge = function() error(\"bad badge\") end } }\n" >loop.lua &&
	test "$(grep -c "{{Tip" dump-full.xml)" -gt 1 &&
	mkdir l && cd l && nfsite import mediawiki --xml ../dump-full.xml --site ../loop.lua --report r.json 2>err &&
	test -f content/wiki/main-page.md &&
	test "$(grep -c "instruction budget exceeded" err)" = 1 && grep_q "expanded as the wiki would" err &&
	grep_q "bad badge" err
'
test_done
