#!/bin/sh
# Valgrind memcheck over whole runs of the real binary: the build of the bundled site
# (this repository's content/, faq/, site.lua, templates/, static/), a MediaWiki XML
# import, and a Bugzilla XML import. Zero memcheck errors (invalid reads and writes,
# uninitialised values, bad frees) and zero definitely-lost bytes: valgrind exits 99
# on either (--error-exitcode with --errors-for-leak-kinds=definite).
. "$(dirname "$0")/lib.sh"

vg() {
	valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite \
		--errors-for-leak-kinds=definite --track-origins=yes --num-callers=30 \
		--log-file=vg.%p.log "$NFSITE" "$@"
}
# Prints every valgrind report of the run (valgrind -q writes nothing when clean).
vg_reports() { for f in vg.*.log; do [ -s "$f" ] && cat "$f"; done; rm -f vg.*.log; }

if ! command -v valgrind >/dev/null 2>&1; then
	test_skip 'memcheck' 'valgrind is not installed'
	test_done
	exit
fi
if grep -q __asan_init "$NFSITE" 2>/dev/null; then
	test_skip 'memcheck' 'the binary is built with AddressSanitizer (make test-sanitize)'
	test_done
	exit
fi

test_expect_success 'bundled site: build under memcheck, no errors, nothing definitely lost' '
	mkdir site && cp -R "$ROOT/site.lua" "$ROOT/content" site/ &&
	for d in faq static templates data; do
		if [ -d "$ROOT/$d" ]; then cp -R "$ROOT/$d" site/; fi
	done &&
	{ vg build -q -j 2 --source site --dest out || { vg_reports; false; }; } &&
	vg_reports && test -f out/index.html &&
	test "$(find out -name index.html | wc -l)" -ge 20
'

test_expect_success 'MediaWiki XML import under memcheck, no errors, nothing definitely lost' '
	cp "$FIX/mediawiki/dump-current.xml" . && mkdir wiki &&
	{ (cd wiki && vg import mediawiki --report report.json --xml ../dump-current.xml 2>../err) ||
		{ cat err; vg_reports; false; }; } &&
	(cd wiki && vg_reports) &&
	test "$(find wiki/content -name "*.md" | wc -l)" -ge 10
'

test_expect_success 'the imported wiki builds under memcheck, no errors, nothing definitely lost' '
	{ vg build -q -j 2 --source wiki --dest wiki-out 2>err || { cat err; vg_reports; false; }; } &&
	vg_reports && test -f wiki-out/index.html
'

test_expect_success 'Bugzilla XML import under memcheck, no errors, nothing definitely lost' '
	cp "$FIX/bugzilla/bugs.xml" . &&
	{ vg import bugzilla -q --xml bugs.xml --out bz.sqlite 2>err || { cat err; vg_reports; false; }; } &&
	vg_reports && test -s bz.sqlite
'

test_done
