/* suggest: edit distance and the nearest of a set of names. */
#include "base/suggest.h"

#include <string.h>

#define SUGGEST_LEN 64

size_t suggest_distance(const char *a, const char *b)
{
	size_t n = strnlen(a, SUGGEST_LEN), m = strnlen(b, SUGGEST_LEN);
	/* d[i][j]: distance between the first i bytes of a and the first j of b */
	size_t d[SUGGEST_LEN + 1][SUGGEST_LEN + 1];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[n][m];
}

void suggest_try(struct suggest *s, const char *candidate)
{
	size_t d = suggest_distance(s->word, candidate);
	size_t longer = strlen(s->word);
	if (strlen(candidate) > longer)
		longer = strlen(candidate);
	if (d > 0 && d < s->dist && 2 * d < longer) {
		s->best = candidate;
		s->dist = d;
	}
}
