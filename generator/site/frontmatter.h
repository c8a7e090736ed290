/* frontmatter: YAML front matter (libyaml) into a small value tree with line numbers.
 * Anchors and aliases are refused (no billion laughs), nesting is bounded, duplicate
 * keys are errors. Plain scalars follow the YAML core schema: true/false, null/~,
 * integers and floats; everything quoted or otherwise is a string. */
#ifndef NFSITE_FRONTMATTER_H
#define NFSITE_FRONTMATTER_H

#include <stdbool.h>
#include <stddef.h>

enum fm_type { FM_NULL, FM_BOOL, FM_INT, FM_FLOAT, FM_STRING, FM_LIST, FM_MAP };

struct fm_value {
	enum fm_type type;
	int line;             /* absolute line in the file */
	char *str;            /* scalar text as written (all scalar types), NULL otherwise */
	bool b;
	long long i;
	double f;
	size_t n;             /* list and map: number of items */
	struct fm_value *items;
	char **keys;          /* map only: keys[k] names items[k] */
};

/* Splits src into front matter and body. A file that does not start with a "---" line
 * has no front matter: *out is an empty map and the body is the whole file. On success
 * *out is owned by the caller (fm_free), *body_off is the byte offset of the body and
 * *body_line its 1-based line. Errors are reported as file:line and return -1. */
int frontmatter_parse(const char *file, const char *src, size_t len, struct fm_value **out,
                      size_t *body_off, int *body_line);
/* Parses a whole YAML document (a data file). Same ownership and errors. */
int frontmatter_parse_yaml(const char *file, const char *src, size_t len, int first_line,
                           struct fm_value **out);
void fm_free(struct fm_value *v);

/* Map lookup; NULL when v is not a map or has no such key. Borrowed. */
const struct fm_value *fm_get(const struct fm_value *v, const char *key);
const char *fm_type_name(enum fm_type t);
/* True when a and b hold the same values, written on the same lines. */
bool fm_same(const struct fm_value *a, const struct fm_value *b);

#endif
