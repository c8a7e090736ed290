#!/bin/sh
# The base modules' C unit tests (tests/unit/NAME_test.c on tests/unit/unit.h), one
# test each. A missing binary fails: the list below is what must exist.
. "$(dirname "$0")/lib.sh"

unit_case() {
	test_expect_success "unit: $2" '
		if [ -n "${NFSITE_VALGRIND:-}" ]; then
			valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite "$UNIT/'"$1"'_test" >out 2>err
		else
			"$UNIT/'"$1"'_test" >out 2>err
		fi || { cat out err; false; }
		grep_q " 0 failed" out
	'
}

unit_case date "date: accepted forms, garbage, leap years, offsets, importers' stamps and zones, RFC 3339 and strftime back"
unit_case buf "buf: basics, checked size arithmetic, ALLOC_GROW, overflow aborts"
unit_case strmap "strmap: put, get, keys with their length, growth keeps entries"
unit_case url "url: percent-decoding, dot segments (RFC 3986), joining, MediaWiki title encoding"
unit_case utf8 "utf8: decode, encode, validation with and without NUL, repair, folding (İ, Ǆ, Ⴀ), full case mapping (ß, ﬁ, ᾀ, İ)"
unit_case slug "slug: heading ids (İstanbul, Ǆ, Ⴀ), content paths, bug archive names, wiki titles, tags"
unit_case fs "fs: relative paths that cannot leave their base, joins, overlap by path, link and folder"
unit_case output "output: nothing public before the commit, abort changes nothing, keep, prune, foreign files moved or kept aside"
unit_case search "search: the preview server's memo makes only the files an edit touches, each as a one-off build makes it; a failed put drops it"
unit_case suggest "suggest: Damerau-Levenshtein distance, which names are near enough for did you mean"
test_done
