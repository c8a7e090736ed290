#!/bin/sh
# A memory checker over whole runs of the real binary: the build of the bundled site
# (this repository's content/, faq/, site.lua, templates/, static/), a MediaWiki XML
# import, and a Bugzilla XML import. Zero errors (invalid reads and writes,
# uninitialised values, bad frees) and zero definitely-lost bytes. The checker is
# valgrind memcheck, which exits 99 on either (--error-exitcode with
# --errors-for-leak-kinds=definite); a binary built with AddressSanitizer (make
# test-sanitize) cannot run under valgrind, so there the checker is its own ASan, LSan
# and UBSan, which exit 99 on any report.
. "$(dirname "$0")/lib.sh"

if grep -q __asan_init "$NFSITE" 2>/dev/null; then
	checker=ASan
	vg() {
		ASAN_OPTIONS=detect_leaks=1:exitcode=99:log_path=vg.log \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=vg.log "$NFSITE" "$@"
	}
elif command -v valgrind >/dev/null 2>&1; then
	checker=memcheck
	vg() {
		valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite \
			--errors-for-leak-kinds=definite --track-origins=yes --num-callers=30 \
			--log-file=vg.log.%p "$NFSITE" "$@"
	}
else
	test_skip 'memcheck' 'valgrind is not installed'
	test_done
	exit
fi
# Prints every report of the run (the checkers write nothing when clean).
vg_reports() { for f in vg.log.*; do [ -s "$f" ] && cat "$f"; done; rm -f vg.log.*; }

test_expect_success "bundled site: build under $checker, no errors, nothing definitely lost" '
	mkdir site && cp -R "$ROOT/site.lua" "$ROOT/content" site/ &&
	for d in faq static templates data; do
		if [ -d "$ROOT/$d" ]; then cp -R "$ROOT/$d" site/; fi
	done &&
	{ vg build -q -j 2 --source site --dest out || { vg_reports; false; }; } &&
	vg_reports && test -f out/index.html &&
	test "$(find out -name index.html | wc -l)" -ge 20
'

test_expect_success "MediaWiki XML import under $checker, no errors, nothing definitely lost" '
	cp "$FIX/mediawiki/dump-current.xml" . && mkdir wiki &&
	{ (cd wiki && vg import mediawiki --report report.json --xml ../dump-current.xml 2>../err) ||
		{ cat err; vg_reports; false; }; } &&
	(cd wiki && vg_reports) &&
	test "$(find wiki/content -name "*.md" | wc -l)" -ge 10
'

test_expect_success "the imported wiki builds under $checker, no errors, nothing definitely lost" '
	{ vg build -q -j 2 --source wiki --dest wiki-out 2>err || { cat err; vg_reports; false; }; } &&
	vg_reports && test -f wiki-out/index.html
'

test_expect_success "Bugzilla XML import under $checker, no errors, nothing definitely lost" '
	cp "$FIX/bugzilla/bugs.xml" . &&
	{ vg import bugzilla -q --xml bugs.xml --out bz.sqlite 2>err || { cat err; vg_reports; false; }; } &&
	vg_reports && test -s bz.sqlite
'

test_done
