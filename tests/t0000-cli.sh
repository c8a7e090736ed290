#!/bin/sh
# The command line: help, version, usage errors and their exit codes.
. "$(dirname "$0")/lib.sh"

test_expect_success '--help lists every command and exits 0' '
	nfsite --help >out &&
	for c in build new serve check import wikitext; do grep -q "^  $c " out || { echo "no $c"; exit 1; }; done
'
test_expect_success '--version prints the version' '
	nfsite --version >out && grep -Eq "^nfsite [0-9]+\.[0-9]+\.[0-9]+$" out
'
test_expect_success 'help COMMAND prints that command'"'"'s options' '
	nfsite help build >out && grep_q "--base-url" out && grep_q "-j N" out
'
test_expect_success 'build --help works too' '
	nfsite build --help >out && grep_q "usage: nfsite build" out
'
test_expect_success 'unknown command exits 2' '
	expect_exit 2 "$NFSITE" frobnicate && grep_q "unknown command" err
'
test_expect_success 'unknown option exits 2' '
	expect_exit 2 "$NFSITE" build --no-such-option
'
test_expect_success 'bad -j exits 2' '
	expect_exit 2 "$NFSITE" build -j zero
'
test_expect_success 'no arguments exits 2 with usage' '
	expect_exit 2 "$NFSITE" && grep_q "usage: nfsite" err
'
test_expect_success 'new creates a page with front matter filled in' '
	mkdir -p site/content &&
	nfsite new --source site docs/flow-tables.md >out &&
	f=site/content/docs/flow-tables.md &&
	grep_q "title: \"Flow tables\"" $f && grep_q "date: 2026-01-01" $f && grep_q "draft: true" $f
'
test_expect_success 'new refuses to overwrite and to leave the site' '
	mkdir -p site/content &&
	nfsite new --source site a.md &&
	expect_exit 1 "$NFSITE" new --source site a.md && grep_q "already exists" err &&
	expect_exit 2 "$NFSITE" new --source site ../escape.md
'
test_expect_success 'a page made by new builds (with --drafts)' '
	mkdir -p site/content &&
	nfsite new --source site hello.md &&
	nfsite build -q --drafts --source site --dest public &&
	grep_q "<h1>Hello</h1>" public/hello/index.html
'
test_expect_success 'new says the page is a draft and how to publish or preview it' '
	rm -rf site && mkdir -p site/content &&
	nfsite new --source site only.md >out 2>err &&
	echo site/content/only.md | test_cmp - out &&
	grep_q "site/content/only.md is a draft" err && grep_q "draft: false" err && grep_q "--drafts" err
'
test_expect_success 'a site whose only page is a draft builds, saying so, and counts it' '
	nfsite build --source site --dest public 2>err &&
	grep_q "warning: every page is a draft (1 skipped)" err && grep_q "--drafts" err &&
	! grep -q "holds no .md files" err &&
	grep_q "1 draft skipped: --drafts builds it" err && test -f public/index.html && ! test -e public/only &&
	nfsite build --source site --dest public 2>err &&
	grep_q "up to date" err && grep_q "1 draft skipped" err &&
	nfsite build --drafts --source site --dest public2 2>err &&
	grep_q "0 drafts skipped" err && test -f public2/only/index.html
'
test_expect_success 'help does not name one site' '
	nfsite help >out && ! grep -i netfilter out && grep_q "nfsite init" out
'
test_expect_success 'help help works and help lists it' '
	nfsite help help >out && grep_q "usage: nfsite help" out &&
	nfsite --help | grep -q "^  help "
'
test_expect_success 'help import describes every option of both importers' '
	nfsite help import >out &&
	for o in --db --xml --api --rest --out --old-url-prefix --timezone --ids --api-key --retry-wait --quiet; do
		grep -q -- "^  \(-., \)\?$o [^ ].*  [a-zA-Z(]" out || grep -q -- "^  \(-., \)\?$o  *[a-zA-Z(]" out ||
			{ echo "$o undescribed"; exit 1; }
	done
'
# Every option a command'"'"'s help lists is one its parser accepts: given with a value,
# then an unknown option, the error names the unknown one (or a bad value), never it.
test_expect_success 'the parsers accept every option their help lists' '
	for c in init build new serve check "import mediawiki" "import bugzilla" wikitext; do
		nfsite help ${c%% *} >help &&
		case $c in "import "*) sed -n "/^${c#import }:/,/^\$/p" help >h && mv h help;; esac &&
		sed -n "s/^  \(-., \)\{0,1\}\(--[a-z-]*\)\( [^ ]*\)\{0,1\}\( .*\)\{0,1\}\$/\2\3/p" help >opts &&
		test $(wc -l <opts) = $(grep -c "^  -" help) &&
		while read o arg; do
			set -- $c "$o" ${arg:+1} --no-such-opt &&
			expect_exit 2 "$NFSITE" "$@" &&
			! grep -q "unknown option .$o." err &&
			! grep -q "needs a value" err || { echo "$c: $o"; cat err; exit 1; }
		done <opts &&
		{ test "$c" = init || test -s opts; } || exit 1
	done
'
test_expect_success 'a mistyped command or option gets a suggestion' '
	expect_exit 2 "$NFSITE" biuld && grep_q "unknown command '"'"'biuld'"'"' (did you mean '"'"'build'"'"'?)" err &&
	expect_exit 2 "$NFSITE" help serv && grep_q "did you mean '"'"'serve'"'"'" err &&
	expect_exit 2 "$NFSITE" build --dset x && grep_q "unknown option '"'"'--dset'"'"' (did you mean '"'"'--dest'"'"'?)" err &&
	expect_exit 2 "$NFSITE" import mediawki && grep_q "did you mean '"'"'mediawiki'"'"'" err &&
	expect_exit 2 "$NFSITE" check --extrenal && grep_q "did you mean '"'"'--external'"'"'" err
'
test_expect_success 'import bugzilla --bogus is an unknown option, not a missing value' '
	expect_exit 2 "$NFSITE" import bugzilla --bogus &&
	grep_q "unknown option '"'"'--bogus'"'"'" err && ! grep -q "missing value" err &&
	expect_exit 2 "$NFSITE" import bugzilla --rest && grep_q "needs a value" err
'
test_expect_success '--name=value works like --name value' '
	mkdir -p s/content && printf -- "---\ntitle: A\n---\nx\n" >s/content/a.md &&
	nfsite build -q --source=s --dest=p && test -f p/a/index.html &&
	expect_exit 2 "$NFSITE" build --drafts=yes && grep_q "takes no value" err
'
test_done
