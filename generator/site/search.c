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
	p->search_key = hash_bytes(HASH_SEED, e.data, e.len);
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

static bool is_listed(const struct page *p)
{
	return !p->unlisted;
}

/* The pages the index lists, in the model's order (owned array, n of them). */
static struct page **listed(const struct content *m, size_t *n)
{
	struct page **pages = xcalloc(m->npages + 1, sizeof *pages);
	*n = 0;
	for (size_t i = 0; i < m->npages; i++)
		if (is_listed(m->pages[i]))
			pages[(*n)++] = m->pages[i];
	return pages;
}

/* The index's files in one numbering: 0 the metadata, 1..ns the shards, then the
 * chunks of n listed pages. */
static size_t file_count(size_t n, uint32_t ns)
{
	return 1 + ns + (n + SEARCH_CHUNK - 1) / SEARCH_CHUNK;
}

static void file_name(size_t f, uint32_t ns, char name[64])
{
	if (f == 0)
		snprintf(name, 64, "search-index/meta.json");
	else if (f <= ns)
		snprintf(name, 64, "search-index/t/%zu.json", f - 1);
	else
		snprintf(name, 64, "search-index/f/%zu.json", f - 1 - ns);
}

int search_files(const struct content *m, int (*fn)(const char *rel, void *arg), void *arg)
{
	size_t n = 0;
	for (size_t i = 0; i < m->npages; i++)
		n += is_listed(m->pages[i]);
	uint32_t ns = nshards_for(n);
	char name[64];
	int rc = 0;
	for (size_t f = 0; f < file_count(n, ns) && !rc; f++) {
		file_name(f, ns, name);
		rc = fn(name, arg);
	}
	return rc;
}

/* A word and the pages holding it: ids ascending, each with the fields that hold it. */
struct word {
	const char *key; /* borrowed from the memo's map */
	size_t len;
	uint32_t shard;
	uint32_t *id;
	unsigned char *fields;
	size_t n, cap;
};

struct ids {
	uint32_t *v;
	size_t n, cap;
};

struct search_memo {
	struct strmap words; /* folded word → index in w (num) */
	struct word *w;
	size_t nw, cap_w;
	uint32_t ns;
	struct ids *shard;   /* per shard: indices in w of its words */
	bool *dirty;         /* per shard: changed by this build */
	size_t dead;         /* words no page holds any more (left out of the files) */
	/* Kept for the next build (search_memo_new's only): */
	bool kept;           /* all below describe the live index */
	size_t n;
	char *base_path;
	struct strmap by_url; /* URL → id (num) */
	uint64_t *layout;     /* per id: its title, URL and kind */
	uint64_t *entry;      /* per id: its entry (search_key) */
	struct ids *holds;    /* per id: indices in w of the words it holds */
	struct page **pages;  /* per id: its page, read only while a caller vouches for them
	                       * (search_index's changed) */
};

struct search_memo *search_memo_new(void)
{
	return xcalloc(1, sizeof(struct search_memo));
}

static void memo_clear(struct search_memo *x)
{
	for (size_t i = 0; i < x->nw; i++) {
		free(x->w[i].id);
		free(x->w[i].fields);
	}
	free(x->w);
	strmap_release(&x->words);
	for (uint32_t k = 0; x->shard && k < x->ns; k++)
		free(x->shard[k].v);
	free(x->shard);
	free(x->dirty);
	for (size_t i = 0; x->holds && i < x->n; i++)
		free(x->holds[i].v);
	free(x->holds);
	free(x->layout);
	free(x->entry);
	free(x->pages);
	strmap_release(&x->by_url);
	free(x->base_path);
	*x = (struct search_memo){.words = STRMAP_INIT, .by_url = STRMAP_INIT};
}

void search_memo_free(struct search_memo *x)
{
	if (x) {
		memo_clear(x);
		free(x);
	}
}

/* The first place in ids[0..n) not below id. */
static size_t lower_bound(const uint32_t *ids, size_t n, uint32_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct adder {
	struct search_memo *x;
	uint32_t id;
	unsigned field;
	struct ids *holds; /* the page's words, when the memo keeps them */
};

static int add_word(const char *w, size_t len, void *arg)
{
	struct adder *a = arg;
	struct search_memo *x = a->x;
	size_t cps = 0, i = 0;
	for (; i < len; i++)
		if (((unsigned char)w[i] & 0xC0) != 0x80 && ++cps > SEARCH_WORD_MAX)
			break;
	bool added;
	struct strmap_entry *e = strmap_put(&x->words, w, i, &added);
	if (added) {
		int32_t c1 = 0, c2 = 0;
		size_t k1 = utf8_decode(e->key, e->len, &c1);
		if (k1 < e->len)
			utf8_decode(e->key + k1, e->len - k1, &c2);
		ALLOC_GROW(x->w, x->nw + 1, x->cap_w);
		x->w[x->nw] = (struct word){.key = e->key, .len = e->len, .shard = search_shard(c1, c2, x->ns)};
		struct ids *s = &x->shard[x->w[x->nw].shard];
		ALLOC_GROW(s->v, s->n + 1, s->cap);
		s->v[s->n++] = (uint32_t)x->nw;
		e->num = (long)x->nw++;
	}
	struct word *wd = &x->w[e->num];
	x->dead -= !added && wd->n == 0; /* back to life */
	/* Pages come in id order on a full build: then the id goes last. */
	size_t at = wd->n && wd->id[wd->n - 1] >= a->id ? lower_bound(wd->id, wd->n, a->id) : wd->n;
	if (at < wd->n && wd->id[at] == a->id) {
		wd->fields[at] |= (unsigned char)a->field;
		return 0;
	}
	size_t cap = wd->cap;
	ALLOC_GROW(wd->id, wd->n + 1, wd->cap);
	if (wd->cap != cap)
		wd->fields = xrealloc(wd->fields, wd->cap);
	memmove(wd->id + at + 1, wd->id + at, (wd->n - at) * sizeof *wd->id);
	memmove(wd->fields + at + 1, wd->fields + at, wd->n - at);
	wd->id[at] = a->id;
	wd->fields[at] = (unsigned char)a->field;
	wd->n++;
	if (a->holds) {
		ALLOC_GROW(a->holds->v, a->holds->n + 1, a->holds->cap);
		a->holds->v[a->holds->n++] = (uint32_t)e->num;
	}
	return 0;
}

static void index_page(struct search_memo *x, const struct page *p, uint32_t id)
{
	struct adder a = {x, id, FIELD_TITLE, x->holds ? &x->holds[id] : NULL};
	if (p->title)
		utf8_words(p->title, strlen(p->title), add_word, &a);
	a.field = FIELD_HEADING;
	for (size_t k = 0; k < p->nheadings; k++)
		utf8_words(p->headings[k], strlen(p->headings[k]), add_word, &a);
	a.field = FIELD_TEXT;
	size_t n;
	const char *text = page_text(p, &n);
	utf8_words(text, n, add_word, &a);
}

/* Takes page id out of every word it held. */
static void unindex_page(struct search_memo *x, uint32_t id)
{
	struct ids *h = &x->holds[id];
	for (size_t k = 0; k < h->n; k++) {
		struct word *wd = &x->w[h->v[k]];
		size_t at = lower_bound(wd->id, wd->n, id);
		if (at < wd->n && wd->id[at] == id) {
			memmove(wd->id + at, wd->id + at + 1, (wd->n - at - 1) * sizeof *wd->id);
			memmove(wd->fields + at, wd->fields + at + 1, wd->n - at - 1);
			x->dead += --wd->n == 0;
		}
	}
	h->n = 0;
}

/* A word of one page and the fields that hold it there. */
struct held {
	uint32_t w;
	unsigned char fields;
};

static int cmp_held(const void *a, const void *b)
{
	uint32_t x = ((const struct held *)a)->w, y = ((const struct held *)b)->w;
	return x < y ? -1 : x > y;
}

/* Page id's words as it holds them now, sorted (owned array, *n of them). */
static struct held *held_by(const struct search_memo *x, uint32_t id, size_t *n)
{
	const struct ids *h = &x->holds[id];
	struct held *out = xcalloc(h->n + 1, sizeof *out);
	for (size_t k = 0; k < h->n; k++) {
		const struct word *wd = &x->w[h->v[k]];
		size_t at = lower_bound(wd->id, wd->n, id);
		out[k] = (struct held){h->v[k], wd->fields[at]};
	}
	qsort(out, h->n, sizeof *out, cmp_held);
	*n = h->n;
	return out;
}

/* Takes page id out of its words and puts p in; marks dirty the shards of the words
 * whose pages changed (a word the page holds before and after, in the same fields, is
 * the same as before). */
static void reindex_page(struct search_memo *x, const struct page *p, uint32_t id)
{
	size_t nb, na;
	struct held *before = held_by(x, id, &nb);
	unindex_page(x, id);
	index_page(x, p, id);
	struct held *after = held_by(x, id, &na);
	for (size_t i = 0, j = 0; i < nb || j < na;) {
		if (j == na || (i < nb && before[i].w < after[j].w)) {
			x->dirty[x->w[before[i++].w].shard] = true;
		} else if (i == nb || after[j].w < before[i].w) {
			x->dirty[x->w[after[j++].w].shard] = true;
		} else {
			if (before[i].fields != after[j].fields)
				x->dirty[x->w[after[j].w].shard] = true;
			i++;
			j++;
		}
	}
	free(before);
	free(after);
}

static const char *str0(const char *s)
{
	return s ? s : "";
}

static int cmp_title(const void *a, const void *b)
{
	const struct page *p = *(struct page *const *)a, *q = *(struct page *const *)b;
	int c = strcmp(str0(p->title), str0(q->title));
	return c ? c : p->index < q->index ? -1 : p->index > q->index;
}

static int cmp_word(const void *a, const void *b, void *arg)
{
	const struct word *w = arg;
	return strcmp(w[*(const uint32_t *)a].key, w[*(const uint32_t *)b].key);
}

/* What fixes a page's id and its part of the metadata. */
static uint64_t layout_of(const struct page *p)
{
	uint64_t h = HASH_SEED;
	const char *parts[] = {str0(p->title), p->url, str0(p->kind_name)};
	for (size_t i = 0; i < 3; i++)
		h = hash_bytes(h, parts[i], strlen(parts[i]) + 1);
	return h;
}

/* When the memo's ids still hold (the same pages, titles, URLs and kinds, still in
 * title order), puts pages at those ids and returns true: then no id moved, and only
 * the shards and chunks of pages whose entry changed are made again. */
static bool same_layout(const struct search_memo *x, struct page **pages, size_t n, const char *base_path)
{
	if (!x->kept || x->n != n || strcmp(x->base_path, base_path))
		return false;
	struct page **at = xcalloc(n + 1, sizeof *at);
	bool ok = true;
	for (size_t i = 0; i < n && ok; i++) {
		const struct strmap_entry *e = strmap_get(&x->by_url, pages[i]->url, strlen(pages[i]->url));
		ok = e && !at[e->num] && layout_of(pages[i]) == x->layout[e->num];
		if (ok)
			at[e->num] = pages[i];
	}
	for (size_t i = 1; i < n && ok; i++)
		ok = cmp_title(&at[i - 1], &at[i]) < 0;
	if (ok)
		memcpy(pages, at, n * sizeof *pages);
	free(at);
	return ok;
}

/* Whether each of changed[0..n) that the index lists holds the id and layout it had in
 * the memo's build (the same page object, title, URL and kind). */
static bool ids_hold(const struct search_memo *x, struct page *const *changed, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct page *p = changed[i];
		if (!is_listed(p))
			continue;
		const struct strmap_entry *e = strmap_get(&x->by_url, p->url, strlen(p->url));
		if (!e || x->pages[e->num] != p || layout_of(p) != x->layout[e->num])
			return false;
	}
	return true;
}

/* Puts page id's words again when its entry changed; marks its chunk. */
static void update_page(struct search_memo *x, const struct page *p, uint32_t id, bool *chunk_dirty)
{
	/* The entry's 64-bit hash stands for the words it holds (title, headings, text): a
	 * collision keeps a stale shard, a risk taken as for the build cache's keys. */
	if (p->search_key == x->entry[id])
		return;
	reindex_page(x, p, id);
	x->entry[id] = p->search_key;
	chunk_dirty[id / SEARCH_CHUNK] = true;
}

/* Starts the memo over for n pages in id order: every shard to be made. */
static void memo_start(struct search_memo *x, struct page **pages, size_t n, const char *base_path, bool keep)
{
	memo_clear(x);
	x->ns = nshards_for(n);
	x->shard = xcalloc(x->ns, sizeof *x->shard);
	x->dirty = xcalloc(x->ns, sizeof *x->dirty);
	if (!keep)
		return;
	x->n = n;
	x->base_path = xstrdup(base_path);
	x->layout = xcalloc(n + 1, sizeof *x->layout);
	x->entry = xcalloc(n + 1, sizeof *x->entry);
	x->holds = xcalloc(n + 1, sizeof *x->holds);
	for (size_t i = 0; i < n; i++) {
		x->layout[i] = layout_of(pages[i]);
		x->entry[i] = pages[i]->search_key;
		strmap_put(&x->by_url, pages[i]->url, strlen(pages[i]->url), NULL)->num = (long)i;
	}
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
		h = hash_bytes(h, str0(pages[i]->title), strlen(str0(pages[i]->title)) + 1);
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
			const char *kind = str0(pages[i]->kind_name);
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

/* The ids of w holding the word in field, as a list of gaps or as a bitmap, whichever
 * is shorter: a word on most pages (in a generated or a large site, many are) costs
 * a bit per page, not a number. */
static void put_field(struct buf *b, const struct word *w, unsigned field)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t list = 0;
	uint32_t last = 0;
	bool any = false;
	for (size_t i = 0; i < w->n; i++) {
		if (!(w->fields[i] & field))
			continue;
		uint32_t gap = w->id[i] - last;
		list += 2 + (gap >= 10) + (gap >= 100) + (gap >= 1000) + (gap >= 10000);
		last = w->id[i];
		any = true;
	}
	if (any && last / 6 + 3 < list) {
		/* bit i of character k: page 6k+i */
		size_t len = last / 6 + 1;
		unsigned char *bits = xcalloc(len, 1);
		for (size_t i = 0; i < w->n; i++)
			if (w->fields[i] & field)
				bits[w->id[i] / 6] |= (unsigned char)(1u << (w->id[i] % 6));
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
	for (size_t i = 0; i < w->n; i++) {
		if (!(w->fields[i] & field))
			continue;
		if (!first)
			buf_putc(b, ',');
		put_number(b, w->id[i] - last);
		last = w->id[i];
		first = false;
	}
	buf_putc(b, ']');
}

/* Shard k: its words in byte order (so the file never depends on the memo's history),
 * each with [title, heading, text] ids; words no page holds any more are left out. */
static void put_shard(struct json *j, struct search_memo *x, uint32_t k, struct buf *out)
{
	struct ids *s = &x->shard[k];
	if (s->n)
		qsort_r(s->v, s->n, sizeof *s->v, cmp_word, x->w);
	for (size_t i = 0; i < s->n; i++) {
		const struct word *w = &x->w[s->v[i]];
		if (!w->n)
			continue;
		buf_putc(out, out->len ? ',' : '{');
		json_string(j, out, w->key, w->len);
		buf_puts(out, ":[");
		put_field(out, w, FIELD_TITLE);
		buf_putc(out, ',');
		put_field(out, w, FIELD_HEADING);
		buf_putc(out, ',');
		put_field(out, w, FIELD_TEXT);
		buf_puts(out, "]\n");
	}
	buf_puts(out, out->len ? "}\n" : "{}\n");
}

static void put_chunk(struct page **pages, size_t n, size_t c, struct buf *out)
{
	buf_putc(out, '[');
	for (size_t i = c * SEARCH_CHUNK; i < n && i < (c + 1) * SEARCH_CHUNK; i++) {
		if (i > c * SEARCH_CHUNK)
			buf_puts(out, ",\n");
		buf_puts(out, pages[i]->search_json);
	}
	buf_puts(out, "]\n");
}

int search_index(struct content *m, const char *base_path, struct search_memo *memo,
                 const struct search_sink *sink, struct page *const *changed, size_t nchanged)
{
	struct search_memo scratch = {.words = STRMAP_INIT, .by_url = STRMAP_INIT};
	struct search_memo *x = memo ? memo : &scratch;
	struct json *j = json_new(false);
	size_t n;
	struct page **pages;
	/* Words no page holds any more stay in the memo: once they are half of it, start over. */
	bool fresh = x->dead * 2 <= x->nw, same;
	if (changed && x->kept && fresh && ids_hold(x, changed, nchanged)) {
		/* Told what changed: no other page is looked at. */
		pages = x->pages;
		x->pages = NULL;
		n = x->n;
		for (size_t i = 0; i < nchanged; i++)
			search_entry(j, changed[i], base_path);
		same = true;
	} else {
		changed = NULL;
		pages = listed(m, &n);
		for (size_t i = 0; i < n; i++)
			search_entry(j, pages[i], base_path);
		same = fresh && same_layout(x, pages, n, base_path);
	}
	size_t nchunks = (n + SEARCH_CHUNK - 1) / SEARCH_CHUNK;
	bool *chunk_dirty = xcalloc(nchunks + 1, sizeof *chunk_dirty);
	if (same) {
		memset(x->dirty, 0, x->ns * sizeof *x->dirty);
		for (size_t i = 0; changed && i < nchanged; i++)
			if (is_listed(changed[i]))
				update_page(x, changed[i], (uint32_t)strmap_get(&x->by_url, changed[i]->url,
				                                                strlen(changed[i]->url))->num, chunk_dirty);
		for (size_t i = 0; !changed && i < n; i++)
			update_page(x, pages[i], (uint32_t)i, chunk_dirty);
	} else {
		qsort(pages, n, sizeof *pages, cmp_title);
		memo_start(x, pages, n, base_path, memo != NULL);
		for (size_t i = 0; i < n; i++)
			index_page(x, pages[i], (uint32_t)i);
		/* every file made again: a shard no word reaches any more is made empty */
		memset(x->dirty, 1, x->ns * sizeof *x->dirty);
		memset(chunk_dirty, 1, nchunks * sizeof *chunk_dirty);
	}
	x->kept = false; /* until every file is handed over */

	/* Each file is made only when it changed or the output lost it. */
	struct buf out = BUF_INIT;
	char name[64];
	int rc = 0;
	for (size_t f = 0; f < file_count(n, x->ns) && rc == 0; f++) {
		file_name(f, x->ns, name);
		bool dirty = f == 0 ? !same : f <= x->ns ? x->dirty[f - 1] : chunk_dirty[f - 1 - x->ns];
		if (!dirty && (rc = sink->keep(name, sink->arg)) <= 0)
			continue;
		buf_reset(&out);
		if (f == 0)
			write_meta(j, pages, n, x->ns, &out);
		else if (f <= x->ns)
			put_shard(j, x, (uint32_t)(f - 1), &out);
		else
			put_chunk(pages, n, f - 1 - x->ns, &out);
		rc = sink->put(name, out.data, out.len, sink->arg);
	}
	if (rc == 0 && memo) {
		memo->kept = true;
		free(memo->pages);
		memo->pages = pages; /* in id order */
		pages = NULL;
	} else {
		memo_clear(x);
	}
	buf_release(&out);
	free(chunk_dirty);
	free(pages);
	json_free(j);
	return rc;
}
