/* strmap_test: the one hash table: put adds once, get finds, keys are copies with their
 * length (NUL bytes too), and growing keeps every entry. */
#include "base/buf.h"
#include "base/strmap.h"
#include "unit.h"

#include <stdlib.h>

int main(void)
{
	struct strmap m = STRMAP_INIT;
	CHECK(strmap_get(&m, "a", 1) == NULL);
	bool added;
	struct strmap_entry *e = strmap_put(&m, "alpha", 5, &added);
	CHECK(added && e->ptr == NULL && e->num == 0);
	CHECK_STR(e->key, "alpha");
	e->num = 7;
	e = strmap_put(&m, "alpha", 5, &added);
	CHECK(!added && e->num == 7);
	CHECK(m.n == 1);
	/* the key is the map's copy, and its length counts */
	char k[] = "alphabet";
	CHECK(strmap_get(&m, k, 5) && strmap_get(&m, k, 5)->num == 7);
	CHECK(strmap_get(&m, k, 8) == NULL);
	CHECK(strmap_put(&m, "a\0b", 3, &added) && added);
	CHECK(strmap_get(&m, "a\0c", 3) == NULL && strmap_get(&m, "a", 1) == NULL);

	/* thousands of keys: growing rehashes every one */
	char key[32];
	for (long i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "/page/%ld/", i);
		e = strmap_put(&m, key, strlen(key), NULL);
		e->num = i;
		e->ptr = &m;
	}
	CHECK(m.n == 5002);
	CHECK(m.cap >= m.n && (m.cap & (m.cap - 1)) == 0);
	long bad = 0;
	for (long i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "/page/%ld/", i);
		e = strmap_get(&m, key, strlen(key));
		bad += !e || e->num != i || e->ptr != &m;
	}
	CHECK(bad == 0);
	size_t seen = 0;
	for (size_t i = 0; i < m.cap; i++)
		seen += m.slot[i].key != NULL;
	CHECK(seen == m.n);
	CHECK(strmap_get(&m, "alpha", 5)->num == 7);
	strmap_release(&m);
	CHECK(m.n == 0 && m.cap == 0 && strmap_get(&m, "alpha", 5) == NULL);
	return unit_done();
}
