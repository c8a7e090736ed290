/* suggest: "did you mean" for mistyped names (commands, options, settings). A name is
 * suggested when its Damerau-Levenshtein distance (optimal string alignment: insert,
 * delete, substitute, swap two neighbours) from the typo is at most SUGGEST_MAX and less
 * than half the longer name, so "titel" finds "title" but "x" finds nothing. */
#ifndef NFSITE_SUGGEST_H
#define NFSITE_SUGGEST_H

#include <stddef.h>

#define SUGGEST_MAX 2

/* The edit distance between a and b; at most 64 bytes of each count (names are short). */
size_t suggest_distance(const char *a, const char *b);

/* Walks candidates one at a time: best stays the closest near enough (borrowed from the
 * caller, NULL when none is). */
struct suggest {
	const char *word;
	const char *best;
	size_t dist;
};
#define SUGGEST_INIT(w) {(w), NULL, SUGGEST_MAX + 1}
void suggest_try(struct suggest *s, const char *candidate);

#endif
