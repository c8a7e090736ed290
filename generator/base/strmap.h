/* strmap: the one hash table, from byte-string keys to a pointer and a number. Open
 * addressing with linear probing on hash_bytes; the map owns copies of its keys, never
 * the values' pointers.
 *
 * An entry pointer stays valid until the next strmap_put. To visit every entry, walk
 * slot[0..cap) and skip those whose key is NULL (in no particular order). */
#ifndef NFSITE_STRMAP_H
#define NFSITE_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

struct strmap_entry {
	char *key;  /* NUL-terminated copy; NULL for an empty slot */
	size_t len; /* key's length (a key may hold NUL bytes) */
	void *ptr;  /* the caller's: both 0 when the entry is added */
	long num;
};

struct strmap {
	struct strmap_entry *slot;
	size_t cap, n; /* cap is 0 or a power of two; n entries */
};

#define STRMAP_INIT {NULL, 0, 0}

/* The entry for key, added (ptr NULL, num 0) when missing; *added says which, when
 * added is not NULL. */
struct strmap_entry *strmap_put(struct strmap *m, const char *key, size_t len, bool *added);
/* The entry for key, or NULL. */
struct strmap_entry *strmap_get(const struct strmap *m, const char *key, size_t len);
/* Frees the keys and the table (not what ptr points to); leaves an empty map. */
void strmap_release(struct strmap *m);

#endif
