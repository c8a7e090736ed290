/* taxonomy: see taxonomy.h. One pass gathers the tags, a second finds the pages that
 * stand for them, then the missing pages are made and every list sorted. */
#include "site/taxonomy.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/slug.h"
#include "base/strmap.h"
#include "site/content.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct term {
	const char *name;      /* the spelling first in byte order, borrowed from a page */
	char *url;             /* /tags/SLUG/ */
	struct page *page;     /* the page standing for it, once known */
	struct page **members; /* NULL-terminated when handed to the page */
	size_t n, cap;
};

struct terms {
	struct strmap by_slug; /* slug → index in t (num) */
	struct strmap by_tag;  /* a tag as written → index in t (num): spellings repeat, so
	                        * each is slugged once */
	struct term *t;
	size_t n, cap;
	struct buf slug;
};

/* The term of tag s, added when new. */
static size_t term_of(struct terms *ts, const char *s)
{
	bool added;
	struct strmap_entry *spelt = strmap_put(&ts->by_tag, s, strlen(s), &added);
	if (!added)
		return (size_t)spelt->num;
	buf_reset(&ts->slug);
	slug_tag(s, strlen(s), &ts->slug);
	struct strmap_entry *e = strmap_put(&ts->by_slug, ts->slug.data, ts->slug.len, &added);
	if (added) {
		ALLOC_GROW(ts->t, ts->n + 1, ts->cap);
		ts->t[ts->n] = (struct term){.name = s, .url = xasprintf(TAXONOMY_URL "%s/", ts->slug.data)};
		e->num = (long)ts->n++;
	}
	struct term *t = &ts->t[e->num];
	if (strcmp(s, t->name) < 0)
		t->name = s;
	spelt->num = e->num;
	return (size_t)e->num;
}

/* Where a page sorts among a tag's: front matter sort_title (a wiki's DEFAULTSORT), else
 * its title. */
static const char *sort_key(const struct page *p)
{
	const struct fm_value *v = fm_get(p->fm, "sort_title");
	return v && v->type == FM_STRING ? v->str : p->title ? p->title : "";
}

/* A page with its sort key, looked up once rather than at every comparison. */
struct keyed {
	const char *key;
	struct page *p;
	size_t i; /* in the model's pages */
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcasecmp(x->key, y->key);
	return c ? c : strcmp(x->p->url, y->p->url);
}

static int cmp_term(const void *a, const void *b)
{
	const struct page *x = *(struct page *const *)a, *y = *(struct page *const *)b;
	int c = strcasecmp(x->term, y->term);
	return c ? c : strcmp(x->term, y->term);
}

/* Hands a NULL-terminated copy of list to p, sorted by cmp (NULL: list is in order). */
static void give_members(struct page *p, struct page **list, size_t n, int (*cmp)(const void *, const void *))
{
	p->members = xcalloc(n + 1, sizeof *p->members);
	if (n) {
		memcpy(p->members, list, n * sizeof *list);
		if (cmp)
			qsort(p->members, n, sizeof *p->members, cmp);
	}
	p->nmembers = n;
}

int taxonomy_build(struct content *m)
{
	struct terms ts = {.by_slug = STRMAP_INIT, .by_tag = STRMAP_INIT, .slug = BUF_INIT};
	struct strmap by_url = STRMAP_INIT;
	struct page **pages = NULL;
	size_t npages = m->npages; /* the site's own pages: those added below carry no tags */
	/* The terms of page i's tags, in order: tag_terms[first[i] .. first[i + 1]). */
	size_t *first = xcalloc(npages + 1, sizeof *first);
	size_t *tag_terms = NULL, ntag_terms = 0, cap_tag_terms = 0;
	struct keyed *order = xcalloc(npages + 1, sizeof *order);
	size_t norder = 0;
	int rc = 0;

	for (size_t i = 0; i < npages; i++) {
		struct page *p = m->pages[i];
		first[i] = ntag_terms;
		if (p->tags && p->tags[0])
			order[norder++] = (struct keyed){sort_key(p), p, i};
		for (size_t k = 0; p->tags && p->tags[k]; k++) {
			size_t ti = term_of(&ts, p->tags[k]);
			ALLOC_GROW(tag_terms, ntag_terms + 1, cap_tag_terms);
			tag_terms[ntag_terms++] = ti;
		}
		const struct fm_value *v = fm_get(p->fm, "lists_tag");
		if (!v || v->type != FM_STRING)
			continue;
		size_t ti = term_of(&ts, v->str); /* before reading ts.t, which it may move */
		struct term *t = &ts.t[ti];
		if (t->page) {
			rc = error_at(p->file, v->line, "tag '%s' is already listed by %s", v->str, t->page->file);
			continue;
		}
		t->page = p;
		p->term = v->str;
	}
	first[npages] = ntag_terms;
	if (rc < 0 || !ts.n)
		goto out;
	/* One sort of every tagged page (sort key, then URL), not one per tag: each tag's
	 * members are then taken in that order. */
	qsort(order, norder, sizeof *order, cmp_keyed);
	for (size_t r = 0; r < norder; r++) {
		size_t i = order[r].i;
		for (size_t k = first[i]; k < first[i + 1]; k++) {
			struct term *t = &ts.t[tag_terms[k]];
			if (!t->n || t->members[t->n - 1] != order[r].p) { /* "a" and "A" on one page: once */
				ALLOC_GROW(t->members, t->n + 1, t->cap);
				t->members[t->n++] = order[r].p;
			}
		}
	}

	/* Pages written at /tags/NAME/ stand for their tag, /tags/ is the index. */
	for (size_t i = 0; i < ts.n; i++)
		if (!ts.t[i].page)
			strmap_put(&by_url, ts.t[i].url, strlen(ts.t[i].url), NULL)->ptr = &ts.t[i];
	struct page *index = NULL;
	for (size_t i = 0; i < npages; i++) {
		struct page *p = m->pages[i];
		struct strmap_entry *e = by_url.n ? strmap_get(&by_url, p->url, strlen(p->url)) : NULL;
		if (e && !p->term) {
			struct term *t = e->ptr;
			t->page = p;
			p->term = t->name;
		} else if (!strcmp(p->url, TAXONOMY_URL) && !p->term) {
			index = p;
		}
	}
	for (size_t i = 0; i < ts.n && rc == 0; i++) {
		struct term *t = &ts.t[i];
		if (t->page)
			continue;
		rc = content_add_generated(m, "tags", t->url, t->name, "tag", NULL, NULL, "", NULL, 0);
		t->page = m->pages[m->npages - 1];
		t->page->term = t->page->title;
	}
	if (rc == 0 && !index &&
	    (rc = content_add_generated(m, "tags", TAXONOMY_URL, "Tags", "tags", NULL, NULL, "", NULL, 0)) == 0)
		index = m->pages[m->npages - 1];
	if (rc < 0)
		goto out;

	pages = xcalloc(ts.n, sizeof *pages);
	for (size_t i = 0; i < ts.n; i++) {
		give_members(ts.t[i].page, ts.t[i].members, ts.t[i].n, NULL);
		pages[i] = ts.t[i].page;
	}
	give_members(index, pages, ts.n, cmp_term);
	for (size_t i = 0, at = 0; i < npages; i++) {
		struct page *p = m->pages[i];
		size_t n = 0;
		while (p->tags && p->tags[n])
			n++;
		if (!n)
			continue;
		p->tag_pages = xcalloc(n + 1, sizeof *p->tag_pages);
		for (size_t k = 0; k < n; k++)
			p->tag_pages[k] = ts.t[tag_terms[at++]].page;
	}
out:
	for (size_t i = 0; i < ts.n; i++) {
		free(ts.t[i].url);
		free(ts.t[i].members);
	}
	free(ts.t);
	free(pages);
	free(first);
	free(order);
	free(tag_terms);
	strmap_release(&ts.by_slug);
	strmap_release(&ts.by_tag);
	strmap_release(&by_url);
	buf_release(&ts.slug);
	return rc;
}
