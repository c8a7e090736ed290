/* fuzz_frontmatter: frontmatter_parse (a page file) and frontmatter_parse_yaml (a data
 * file) over arbitrary bytes; walks the tree it returns so every value is read. */
#include "site/frontmatter.h"

#include <stdint.h>
#include <string.h>

static size_t walk(const struct fm_value *v)
{
	size_t n = 1;
	if (v->str)
		n += strlen(v->str);
	(void)fm_type_name(v->type);
	for (size_t k = 0; k < v->n; k++) {
		if (v->keys)
			n += strlen(v->keys[k]);
		n += walk(&v->items[k]);
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *src = (const char *)data;
	struct fm_value *v = NULL;
	size_t body_off = 0;
	int body_line = 0;

	if (frontmatter_parse("fuzz.md", src, size, &v, &body_off, &body_line) == 0) {
		if (!v || body_off > size || body_line < 1)
			__builtin_trap();
		walk(v);
		(void)fm_get(v, "title");
		(void)fm_get(v, "tags");
	}
	fm_free(v);
	v = NULL;
	if (frontmatter_parse_yaml("fuzz.yaml", src, size, 1, &v) == 0) {
		if (!v)
			__builtin_trap();
		walk(v);
	}
	fm_free(v);
	return 0;
}
