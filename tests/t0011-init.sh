#!/bin/sh
# nfsite init: a new, neutral site that builds at once; its site.lua names every
# setting config.c reads, at its default, and nothing config.c does not read.
. "$(dirname "$0")/lib.sh"

test_expect_success 'init DIR writes a site that nfsite build builds at once' '
	nfsite init x >out &&
	test -f x/site.lua && test -f x/content/_index.md && test -f x/content/docs/getting-started.md &&
	test -f x/.gitignore &&
	(cd x && nfsite build 2>../log) &&
	test -f x/public/index.html && test -f x/public/docs/getting-started/index.html &&
	grep_q "href=\"/docs/getting-started/\"" x/public/index.html &&
	grep_q "<title>Getting started · My site</title>" x/public/docs/getting-started/index.html &&
	grep_q "0 drafts skipped" log
'
test_expect_success 'the .gitignore covers the output and the caches' '
	command -v git >/dev/null || { echo "git missing"; exit 1; } &&
	grep -qx "/.nfsite-cache/" x/.gitignore &&
	(cd x && git init -q && git add -n . >../added) &&
	sed "s/^add .\(.*\).$/\1/" added | sort >got &&
	printf ".gitignore\ncontent/_index.md\ncontent/docs/getting-started.md\nsite.lua\n" >want &&
	test -d x/public && test -d x/.public.nfsite && test_cmp want got
'
test_expect_success 'DIR defaults to the current folder, and is made when missing' '
	mkdir here && (cd here && nfsite init >/dev/null) && test -f here/site.lua &&
	nfsite init deep/er >/dev/null && test -f deep/er/content/_index.md
'
test_expect_success 'init overwrites nothing: one existing file and nothing is written' '
	mkdir y && echo "return {}" >y/site.lua &&
	expect_exit 1 "$NFSITE" init y &&
	grep_q "y/site.lua: error: already exists" err &&
	echo "return {}" | test_cmp - y/site.lua && ! test -e y/content && ! test -e y/.gitignore
'
test_expect_success 'init on a file or with two folders is refused' '
	: >afile && expect_exit 1 "$NFSITE" init afile && grep_q "not a folder" err &&
	expect_exit 2 "$NFSITE" init a b && grep_q "usage: nfsite init" err
'
test_expect_success 'the new site is neutral: no netfilter in its files or in nfsite --help' '
	! grep -ri netfilter x/site.lua x/content x/.gitignore &&
	nfsite --help >help && ! grep -i netfilter help && grep_q "  init " help
'
test_expect_success 'every setting of site.lua, uncommented, builds with no warning' '
	rm -rf z && nfsite init z >/dev/null &&
	sed "s/^--  /  /" z/site.lua >all.lua && ! grep -q "^--  " all.lua && mv all.lua z/site.lua &&
	(cd z && nfsite build 2>../log) && ! grep -i "warning\|error" log
'
test_expect_success 'site.lua names every key config.c reads, and only those' '
	C=$ROOT/generator/site/config.c &&
	{ sed -n "s/.*get_string(L, cfg, \"\([a-z_]*\)\".*/\1/p" "$C" &&
	  sed -n "s/.*lua_getfield(L, -1, \"\(check\)\");.*/\1/p" "$C" &&
	  sed -n "s/.*menus\[\] = {\(.*\)};/\1/p" "$C" | tr -d "\" " | tr , "\n" &&
	  echo wiki_templates; } | sort -u >want &&
	test "$(wc -l <want)" -ge 12 &&
	sed -n "s/^\(--\)\{0,1\}  \([a-z_]*\) = .*/\2/p" x/site.lua | sort -u >got &&
	test_cmp want got
'
test_expect_success 'every key of site.lua is documented in docs/CONFIG.md' '
	while read k; do grep "^| " "$ROOT/docs/CONFIG.md" | grep -q "\`$k[\`.]" || { echo "$k undocumented"; exit 1; }; done <got
'
test_expect_success 'params.extra_css and params.extra_head reach every page, after the theme' '
	mkdir -p z/static/css && echo "body { color: teal }" >z/static/css/custom.css &&
	sed -e "s|extra_css = {},|extra_css = { \"css/custom.css\" },|" \
	    -e "s|extra_head = \"\",|extra_head = \"<meta name=\\\\\"x-hook\\\\\" content=\\\\\"1\\\\\">\",|" \
	    z/site.lua >s && mv s z/site.lua &&
	(cd z && nfsite build -q) &&
	for p in z/public/index.html z/public/docs/getting-started/index.html; do
		grep -n "stylesheet\|x-hook" "$p" >links &&
		sed -n 1p links | grep -q "/style.css" && sed -n 2p links | grep -q "href=\"/css/custom.css\"" &&
		grep -q "<meta name=\"x-hook\" content=\"1\">" links || { cat links; exit 1; }
	done &&
	test -f z/public/css/custom.css
'
test_done
