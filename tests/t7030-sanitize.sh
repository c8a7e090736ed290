#!/bin/sh
# The suite under AddressSanitizer and UndefinedBehaviorSanitizer (what `make
# test-sanitize` does for every script), run inside `make test` so CI has it: the core,
# templates, banners, FAQ, both importers, the server and the link checker, with a clang
# -fsanitize=address,undefined build of nfsite. Browser, fuzz, valgrind and load scripts
# are left out: they sanitize themselves or would only be slower.
. "$(dirname "$0")/lib.sh"

SAN=$TRASH/san
test_expect_success 'a sanitizer build of nfsite' '
	make -s -C "$ROOT" O="$SAN" BIN="$SAN/nfsite" CC=clang MALLOC= \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
		LDFLAGS="-fsanitize=address,undefined" "$SAN/nfsite" unit >build.log 2>&1 ||
		{ tail -20 build.log; exit 1; }
'
for t in "$ROOT"/tests/t[0-4]*.sh "$ROOT"/tests/t500*.sh "$ROOT"/tests/t501*.sh "$ROOT"/tests/t505*.sh "$ROOT"/tests/t506*.sh; do
	name=$(basename "$t" .sh)
	case $name in t2100-*) continue ;; esac # runs nft, not nfsite
	test_expect_success "$name passes under ASan and UBSan" "
		test -x '$SAN/nfsite' &&
		TEST_RESULTS='$TRASH/$name.results' NFSITE='$SAN/nfsite' UNIT='$SAN/unit' \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
			sh '$t' >'$TRASH/$name.log' 2>&1 ||
			{ grep -A15 '^not ok' '$TRASH/$name.log' | head -60; tail -n 5 '$TRASH/$name.log'; exit 1; }
		grep -q '^pass' '$TRASH/$name.results'
	"
done
test_done
