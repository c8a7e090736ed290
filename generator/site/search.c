/* search: the search index in shards and chunks (see search.h). */
#include "site/search.h"
#include "base/buf.h"
#include "base/hash.h"
#include "base/json.h"
#include "base/strmap.h"
#include "base/utf8.h"
#include "site/content.h"
#include "site/faq.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEARCH_TEXT_MAX 400
/* Pages per chunk file: a query fetches the chunks of the results it shows, so small
 * chunks waste little on pages not shown; larger ones would mean fewer files. */
#define SEARCH_CHUNK 16
/* Words are cut to this many code points (search.js cuts query words the same way). */
#define SEARCH_WORD_MAX 24

enum { FIELD_TITLE = 1, FIELD_HEADING = 2, FIELD_TEXT = 4 };

/* Cuts text at a word boundary, never inside a UTF-8 sequence. */
static size_t cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	size_t i = max;
	while (i > 0 && s[i] != ' ')
		i--;
	if (i == 0) {
		i = max;
		while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
			i--;
	}
	return i;
}

static const char *page_text(const struct page *p, size_t *len)
{
	const char *text = p->search_text ? p->search_text : p->summary ? p->summary : "";
	/* a page's text may be long: look no further than the cut */
	*len = cut(text, strnlen(text, SEARCH_TEXT_MAX + 1), SEARCH_TEXT_MAX);
	return text;
}

size_t search_text_used(const char *text, size_t len)
{
	return cut(text, len, SEARCH_TEXT_MAX);
}

static void entry(struct json *j, const struct page *p, const char *base_path, struct buf *out)
{
	buf_puts(out, "{\"t\":");
	json_cstring(j, out, p->title);
	buf_puts(out, ",\"u\":");
	/* The URL as links have it, base path included: search.js uses it as is. Questions
	 * are found on /faq/ at their anchor. */
	char *u;
	if (p->kind == PAGE_QUESTION && p->section) {
		char *anchor = faq_anchor(p);
		u = xasprintf("%s%s#%s", base_path, p->section->url, anchor);
		free(anchor);
	} else {
		u = xasprintf("%s%s", base_path, p->url);
	}
	json_cstring(j, out, u);
	free(u);
	buf_puts(out, ",\"k\":");
	json_cstring(j, out, p->kind_name);
	buf_puts(out, ",\"h\":[");
	for (size_t k = 0; k < p->nheadings; k++) {
		if (k)
			buf_putc(out, ',');
		json_cstring(j, out, p->headings[k]);
	}
	buf_puts(out, "],\"x\":");
	size_t n;
	const char *text = page_text(p, &n);
	json_string(j, out, text, n);
	buf_putc(out, '}');
}

void search_entry(struct json *j, struct page *p, const char *base_path)
{
	if (p->search_json || p->unlisted)
		return;
	struct buf e = BUF_INIT;
	entry(j, p, base_path, &e);
	/* Kept to the end of the build: without the buffer's spare room. */
	p->search_json = xstrndup(e.data, e.len);
	buf_release(&e);
}

uint32_t search_shard(int32_t c1, int32_t c2, uint32_t nshards)
{
	return (uint32_t)((uint64_t)c1 * 65599u + (uint64_t)c2) % nshards;
}

/* The layout for n listed pages: a shard per 64 pages; a word most pages hold costs a
 * bit per page, so a shard stays a few kilobytes gzipped. */
static uint32_t nshards_for(size_t n)
{
	size_t s = n / 64;
	return s < 16 ? 16 : s > 1024 ? 1024 : (uint32_t)s;
}

static size_t nlisted(const struct content *m)
{
	size_t n = 0;
	for (size_t i = 0; i < m->npages; i++)
		n += !m->pages[i]->unlisted;
	return n;
}

int search_files(const struct content *m, int (*fn)(const char *rel, void *arg), void *arg)
{
	size_t n = nlisted(m);
	uint32_t ns = nshards_for(n);
	int rc = fn("search-index/meta.json", arg);
	char name[64];
	for (uint32_t k = 0; k < ns && !rc; k++) {
		snprintf(name, sizeof name, "search-index/t/%u.json", (unsigned)k);
		rc = fn(name, arg);
	}
	for (size_t c = 0; c * SEARCH_CHUNK < n && !rc; c++) {
		snprintf(name, sizeof name, "search-index/f/%zu.json", c);
		rc = fn(name, arg);
	}
	return rc;
}

/* One word's pages: ids ascending, each with the fields that hold the word. */
struct postings {
	uint32_t *id;
	unsigned char *fields;
	size_t n, cap;
};

struct indexer {
	struct strmap words; /* folded word → struct postings (ptr) */
	uint32_t id;         /* the page being read */
	unsigned field;
};

static int add_word(const char *w, size_t len, void *arg)
{
	struct indexer *ix = arg;
	size_t cps = 0, i = 0;
	for (; i < len; i++)
		if (((unsigned char)w[i] & 0xC0) != 0x80 && ++cps > SEARCH_WORD_MAX)
			break;
	struct strmap_entry *e = strmap_put(&ix->words, w, i, NULL);
	struct postings *p = e->ptr;
	if (!p)
		e->ptr = p = xcalloc(1, sizeof *p);
	if (p->n && p->id[p->n - 1] == ix->id) {
		p->fields[p->n - 1] |= (unsigned char)ix->field;
		return 0;
	}
	size_t cap = p->cap;
	ALLOC_GROW(p->id, p->n + 1, p->cap);
	if (p->cap != cap)
		p->fields = xrealloc(p->fields, p->cap);
	p->id[p->n] = ix->id;
	p->fields[p->n++] = (unsigned char)ix->field;
	return 0;
}

static void index_page(struct indexer *ix, const struct page *p)
{
	ix->field = FIELD_TITLE;
	if (p->title)
		utf8_words(p->title, strlen(p->title), add_word, ix);
	ix->field = FIELD_HEADING;
	for (size_t k = 0; k < p->nheadings; k++)
		utf8_words(p->headings[k], strlen(p->headings[k]), add_word, ix);
	ix->field = FIELD_TEXT;
	size_t n;
	const char *text = page_text(p, &n);
	utf8_words(text, n, add_word, ix);
}

static int cmp_title(const void *a, const void *b)
{
	const struct page *p = *(struct page *const *)a, *q = *(struct page *const *)b;
	int c = strcmp(p->title ? p->title : "", q->title ? q->title : "");
	return c ? c : p->index < q->index ? -1 : p->index > q->index;
}

static int cmp_key(const void *a, const void *b)
{
	const struct strmap_entry *x = *(struct strmap_entry *const *)a, *y = *(struct strmap_entry *const *)b;
	return strcmp(x->key, y->key);
}

/* The title's length as JavaScript counts it (UTF-16 units), at most 80. */
static size_t js_length(const char *s)
{
	size_t n = 0, len = s ? strlen(s) : 0;
	for (size_t i = 0; i < len && n < 80;) {
		int32_t cp;
		size_t k = utf8_decode(s + i, len - i, &cp);
		i += k ? k : 1;
		n += k && cp > 0xFFFF ? 2 : 1;
	}
	return n < 80 ? n : 80;
}

static void write_meta(struct json *j, struct page **pages, size_t n, uint32_t ns, struct buf *out)
{
	/* Ids are places in title order: one page added or renamed moves every later id. The
	 * script asks for shards and chunks with this stamp, so a browser never mixes files of
	 * two builds whose ids differ. */
	uint64_t h = hash_bytes(HASH_SEED, &ns, sizeof ns);
	for (size_t i = 0; i < n; i++) {
		h = hash_bytes(h, pages[i]->title, strlen(pages[i]->title) + 1);
		h = hash_bytes(h, pages[i]->url, strlen(pages[i]->url) + 1);
	}
	buf_printf(out, "{\"v\":1,\"h\":\"%016llx\",\"n\":%zu,\"c\":%d,\"s\":%u,\"l\":",
	           (unsigned long long)h, n, SEARCH_CHUNK, (unsigned)ns);
	struct buf l = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_putc(&l, (int)(' ' + js_length(pages[i]->title)));
	json_string(j, out, l.data, l.len);
	buf_release(&l);
	static const char *lists[][3] = {{"q", "question", "faq"}, {"b", "bug", NULL}};
	for (size_t k = 0; k < 2; k++) {
		buf_printf(out, ",\"%s\":[", lists[k][0]);
		size_t last = 0;
		bool first = true;
		for (size_t i = 0; i < n; i++) {
			const char *kind = pages[i]->kind_name ? pages[i]->kind_name : "";
			if (strcmp(kind, lists[k][1]) && !(lists[k][2] && !strcmp(kind, lists[k][2])))
				continue;
			buf_printf(out, first ? "%zu" : ",%zu", i - last);
			first = false;
			last = i;
		}
		buf_putc(out, ']');
	}
	buf_puts(out, "}\n");
}

/* buf_printf("%u") without the printf machinery: a large site has millions of postings. */
static void put_number(struct buf *b, uint32_t v)
{
	char d[10];
	size_t n = 0;
	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < sizeof d);
	while (n)
		buf_putc(b, d[--n]);
}

/* The ids of p holding the word in field, as a list of gaps or as a bitmap, whichever
 * is shorter: a word on most pages (in a generated or a large site, many are) costs
 * a bit per page, not a number. */
static void put_field(struct buf *b, const struct postings *p, unsigned field)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t list = 0;
	uint32_t last = 0;
	bool any = false;
	for (size_t i = 0; i < p->n; i++) {
		if (!(p->fields[i] & field))
			continue;
		uint32_t gap = p->id[i] - last;
		list += 2 + (gap >= 10) + (gap >= 100) + (gap >= 1000) + (gap >= 10000);
		last = p->id[i];
		any = true;
	}
	if (any && last / 6 + 3 < list) {
		/* bit i of character k: page 6k+i */
		size_t len = last / 6 + 1;
		unsigned char *bits = xcalloc(len, 1);
		for (size_t i = 0; i < p->n; i++)
			if (p->fields[i] & field)
				bits[p->id[i] / 6] |= (unsigned char)(1u << (p->id[i] % 6));
		buf_putc(b, '"');
		for (size_t k = 0; k < len; k++)
			buf_putc(b, b64[bits[k]]);
		buf_putc(b, '"');
		free(bits);
		return;
	}
	buf_putc(b, '[');
	last = 0;
	bool first = true;
	for (size_t i = 0; i < p->n; i++) {
		if (!(p->fields[i] & field))
			continue;
		if (!first)
			buf_putc(b, ',');
		put_number(b, p->id[i] - last);
		last = p->id[i];
		first = false;
	}
	buf_putc(b, ']');
}

/* A word's pages: [title, heading, text], each put_field's. */
static void put_postings(struct buf *b, const struct postings *p)
{
	buf_putc(b, '[');
	put_field(b, p, FIELD_TITLE);
	buf_putc(b, ',');
	put_field(b, p, FIELD_HEADING);
	buf_putc(b, ',');
	put_field(b, p, FIELD_TEXT);
	buf_putc(b, ']');
}

static int write_shards(struct json *j, struct indexer *ix, uint32_t ns,
                        int (*put)(const char *, const char *, size_t, void *), void *arg)
{
	/* Words by shard, each shard's words in byte order, so the files never depend on the
	 * table's history. */
	struct strmap_entry **sorted = xcalloc(ix->words.n + 1, sizeof *sorted);
	size_t nw = 0;
	for (size_t i = 0; i < ix->words.cap; i++)
		if (ix->words.slot[i].key)
			sorted[nw++] = &ix->words.slot[i];
	qsort(sorted, nw, sizeof *sorted, cmp_key);
	struct buf *shard = xcalloc(ns, sizeof *shard);
	for (uint32_t k = 0; k < ns; k++)
		buf_init(&shard[k]);
	for (size_t w = 0; w < nw; w++) {
		const struct strmap_entry *e = sorted[w];
		int32_t c1 = 0, c2 = 0;
		size_t k1 = utf8_decode(e->key, e->len, &c1);
		if (k1 < e->len)
			utf8_decode(e->key + k1, e->len - k1, &c2);
		struct buf *b = &shard[search_shard(c1, c2, ns)];
		buf_putc(b, b->len ? ',' : '{');
		json_string(j, b, e->key, e->len);
		buf_putc(b, ':');
		put_postings(b, e->ptr);
		buf_putc(b, '\n');
	}
	int rc = 0;
	char name[64];
	for (uint32_t k = 0; k < ns; k++) {
		buf_puts(&shard[k], shard[k].len ? "}\n" : "{}\n");
		snprintf(name, sizeof name, "search-index/t/%u.json", (unsigned)k);
		if (!rc)
			rc = put(name, shard[k].data, shard[k].len, arg);
		buf_release(&shard[k]);
	}
	free(shard);
	free(sorted);
	return rc;
}

int search_index(struct content *m, const char *base_path,
                 int (*put)(const char *rel, const char *data, size_t len, void *arg), void *arg)
{
	struct json *j = json_new(false);
	size_t n = 0;
	struct page **pages = xcalloc(m->npages + 1, sizeof *pages);
	for (size_t i = 0; i < m->npages; i++)
		if (!m->pages[i]->unlisted)
			pages[n++] = m->pages[i];
	qsort(pages, n, sizeof *pages, cmp_title);
	uint32_t ns = nshards_for(n);

	struct buf out = BUF_INIT;
	write_meta(j, pages, n, ns, &out);
	int rc = put("search-index/meta.json", out.data, out.len, arg);

	struct indexer ix = {STRMAP_INIT, 0, 0};
	for (size_t i = 0; i < n; i++) {
		ix.id = (uint32_t)i;
		index_page(&ix, pages[i]);
	}
	if (!rc)
		rc = write_shards(j, &ix, ns, put, arg);
	for (size_t i = 0; i < ix.words.cap; i++) {
		struct postings *p = ix.words.slot[i].ptr;
		if (!p)
			continue;
		free(p->id);
		free(p->fields);
		free(p);
	}
	strmap_release(&ix.words);

	char name[64];
	for (size_t c = 0; c * SEARCH_CHUNK < n && !rc; c++) {
		buf_reset(&out);
		buf_putc(&out, '[');
		for (size_t i = c * SEARCH_CHUNK; i < n && i < (c + 1) * SEARCH_CHUNK; i++) {
			search_entry(j, pages[i], base_path);
			if (i > c * SEARCH_CHUNK)
				buf_puts(&out, ",\n");
			buf_puts(&out, pages[i]->search_json);
		}
		buf_puts(&out, "]\n");
		snprintf(name, sizeof name, "search-index/f/%zu.json", c);
		rc = put(name, out.data, out.len, arg);
	}
	buf_release(&out);
	free(pages);
	json_free(j);
	return rc;
}
