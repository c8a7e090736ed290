/* strmap: see strmap.h. Grows at two thirds full, so probes stay short. */
#include "base/strmap.h"
#include "base/buf.h"
#include "base/hash.h"

#include <stdlib.h>
#include <string.h>

/* The slot holding key, or the empty slot where it would go; cap > n. */
static struct strmap_entry *slot_of(const struct strmap *m, const char *key, size_t len)
{
	size_t i = (size_t)hash_bytes(HASH_SEED, key, len) & (m->cap - 1);
	for (;;) {
		struct strmap_entry *e = &m->slot[i];
		if (!e->key || (e->len == len && !memcmp(e->key, key, len)))
			return e;
		i = (i + 1) & (m->cap - 1);
	}
}

static void grow(struct strmap *m)
{
	struct strmap old = *m;
	m->cap = old.cap ? st_mult(old.cap, 2) : 16;
	m->slot = xcalloc(m->cap, sizeof *m->slot);
	for (size_t i = 0; i < old.cap; i++)
		if (old.slot[i].key)
			*slot_of(m, old.slot[i].key, old.slot[i].len) = old.slot[i];
	free(old.slot);
}

struct strmap_entry *strmap_put(struct strmap *m, const char *key, size_t len, bool *added)
{
	if (st_mult(st_add(m->n, 1), 3) > st_mult(m->cap, 2))
		grow(m);
	struct strmap_entry *e = slot_of(m, key, len);
	if (added)
		*added = !e->key;
	if (!e->key) {
		e->key = xstrndup(key, len);
		e->len = len;
		m->n++;
	}
	return e;
}

struct strmap_entry *strmap_get(const struct strmap *m, const char *key, size_t len)
{
	if (!m->n)
		return NULL;
	struct strmap_entry *e = slot_of(m, key, len);
	return e->key ? e : NULL;
}

void strmap_release(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slot[i].key);
	free(m->slot);
	*m = (struct strmap)STRMAP_INIT;
}
