/* cache: per-page render results kept between builds (see cache.h). */
#include "site/cache.h"
#include "base/buf.h"
#include "site/content.h"
#include "base/log.h"
#include "base/strmap.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CACHE_FILE ".nfsite-cache.sqlite"
#define CACHE_VERSION 2

struct entry {
	char *url;
	uint64_t key;
	char *ids, *links, *text, *headings, *html; /* serialised, see pack() */
	char *out, *file, *hrefs; /* Markdown pages: "line\thref" lines, for nfsite check */
	bool used;
};

struct cache {
	char *path;
	uint64_t site_key;
	pthread_mutex_t lock;
	struct entry *e;
	size_t n, cap;
	size_t nloaded; /* e[0..nloaded) came from the file, sorted by URL; new ones follow */
	bool dirty;     /* something was stored: the file must be written again */
	struct strmap xlate; /* translation key (hex) -> nft text (ptr) */
	uint64_t snapshot;
	size_t drafts;
};

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->url, ((const struct entry *)b)->url);
}

static int cmp_xlate(const void *a, const void *b)
{
	return strcmp((*(const struct strmap_entry *const *)a)->key, (*(const struct strmap_entry *const *)b)->key);
}

static char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? xstrdup((const char *)t) : NULL;
}

/* A meta value written as hexadecimal text (SQLite integers are signed), or 0. */
static uint64_t meta_hex(sqlite3 *db, const char *key)
{
	sqlite3_stmt *st = NULL;
	uint64_t v = 0;
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0))
		v = strtoull((const char *)sqlite3_column_text(st, 0), NULL, 16);
	sqlite3_finalize(st);
	return v;
}

struct cache *cache_open(const char *dest, uint64_t site_key)
{
	struct cache *c = xcalloc(1, sizeof *c);
	c->path = xasprintf("%s/" CACHE_FILE, dest);
	c->site_key = site_key;
	pthread_mutex_init(&c->lock, NULL);
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	if (access(c->path, R_OK) != 0 ||
	    sqlite3_open_v2(c->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto out;
	/* Translations do not depend on the site: read before the site key is checked. */
	if (sqlite3_prepare_v2(db, "SELECT key, nft FROM translations", -1, &st, NULL) == SQLITE_OK)
		while (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) && sqlite3_column_text(st, 1)) {
			const char *k = (const char *)sqlite3_column_text(st, 0);
			struct strmap_entry *x = strmap_put(&c->xlate, k, strlen(k), NULL);
			if (!x->ptr)
				x->ptr = col(st, 1);
		}
	sqlite3_finalize(st);
	st = NULL;
	/* The site key is stored as text: SQLite integers are signed. */
	char want[64];
	snprintf(want, sizeof want, "%d:%016llx", CACHE_VERSION, (unsigned long long)site_key);
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'site'", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW || strcmp((const char *)sqlite3_column_text(st, 0), want))
		goto out;
	sqlite3_finalize(st);
	st = NULL;
	c->snapshot = meta_hex(db, "snapshot");
	c->drafts = (size_t)meta_hex(db, "drafts");
	if (sqlite3_prepare_v2(db, "SELECT url, key, ids, links, text, headings, html, out, file, hrefs FROM pages"
	                       " ORDER BY url", -1, &st, NULL) != SQLITE_OK)
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		ALLOC_GROW(c->e, c->n + 1, c->cap);
		struct entry *e = &c->e[c->n++];
		memset(e, 0, sizeof *e);
		e->url = col(st, 0);
		e->key = strtoull((const char *)sqlite3_column_text(st, 1), NULL, 16);
		e->ids = col(st, 2);
		e->links = col(st, 3);
		e->text = col(st, 4);
		e->headings = col(st, 5);
		e->html = col(st, 6);
		e->out = col(st, 7);
		e->file = col(st, 8);
		e->hrefs = col(st, 9);
	}
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	/* ORDER BY url sorts by bytes, as strcmp does; bsearch relies on it. */
	c->nloaded = c->n;
	return c;
}

static struct entry *find(struct cache *c, const char *url)
{
	struct entry key = {.url = (char *)url};
	return c->nloaded ? bsearch(&key, c->e, c->nloaded, sizeof key, cmp_entry) : NULL;
}

/* Lists are stored one item a line; items never hold newlines (ids, headings made
 * single-line) except links, whose fields are tab-separated. */
static char **split_lines(const char *s, size_t *n)
{
	*n = 0;
	if (!s || !*s)
		return xcalloc(1, sizeof(char *));
	size_t cap = 1;
	for (const char *p = s; *p; p++)
		cap += *p == '\n';
	char **out = xcalloc(cap + 1, sizeof *out);
	const char *p = s;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		out[(*n)++] = xstrndup(p, len);
		p = e ? e + 1 : p + len;
	}
	return out;
}

bool cache_lookup(struct cache *c, struct page *p, uint64_t page_key)
{
	pthread_mutex_lock(&c->lock);
	struct entry *e = find(c, p->url);
	bool hit = e && e->key == page_key && !e->used;
	if (hit)
		e->used = true;
	pthread_mutex_unlock(&c->lock);
	if (!hit)
		return false;
	p->ids = split_lines(e->ids, &p->nids);
	p->headings = split_lines(e->headings, &p->nheadings);
	p->search_text = xstrdup(e->text ? e->text : "");
	size_t nl;
	char **lines = split_lines(e->links, &nl);
	p->links = xcalloc(nl + 1, sizeof *p->links);
	p->nlinks = 0;
	for (size_t i = 0; i < nl; i++) {
		char *f[4] = {0};
		char *s = lines[i];
		for (int k = 0; k < 4 && s; k++) {
			char *t = strchr(s, '\t');
			if (t)
				*t = 0;
			f[k] = s;
			s = t ? t + 1 : NULL;
		}
		if (f[3]) {
			struct md_link *l = &p->links[p->nlinks++];
			l->line = atoi(f[0]);
			l->url = xstrdup(f[1]);
			l->fragment = *f[2] ? xstrdup(f[2]) : NULL;
			l->written = xstrdup(f[3]);
		}
		free(lines[i]);
	}
	free(lines);
	if (p->kind == PAGE_QUESTION) {
		free(p->html);
		p->html = xstrdup(e->html ? e->html : "");
	}
	p->has_results = true;
	return true;
}

static void store_entry(struct cache *c, struct entry e);
static void entry_release(struct entry *e);

bool cache_touch(struct cache *c, const char *name, uint64_t key)
{
	pthread_mutex_lock(&c->lock);
	struct entry *e = find(c, name);
	bool hit = e && e->key == key && !e->used;
	if (hit)
		e->used = true;
	pthread_mutex_unlock(&c->lock);
	return hit;
}

static void add_clean(struct buf *b, const char *s)
{
	for (; s && *s; s++)
		buf_putc(b, *s == '\n' || *s == '\t' ? ' ' : *s);
}

/* b's text in a block of its own size, b emptied for the next one: an entry lives to the
 * end of the build, and a buffer's growth leaves up to half of it spare. */
static char *take(struct buf *b)
{
	char *s = xstrndup(b->data, b->len);
	buf_reset(b);
	return s;
}

void cache_store(struct cache *c, const struct page *p, const struct md_doc *doc, uint64_t page_key)
{
	struct entry e = {.url = xstrdup(p->url), .key = page_key, .used = true};
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < p->nids; i++) {
		add_clean(&b, p->ids[i]);
		buf_putc(&b, '\n');
	}
	e.ids = take(&b);
	for (size_t i = 0; i < p->nheadings; i++) {
		add_clean(&b, p->headings[i]);
		buf_putc(&b, '\n');
	}
	e.headings = take(&b);
	for (size_t i = 0; i < p->nlinks; i++) {
		const struct md_link *l = &p->links[i];
		buf_printf(&b, "%d\t", l->line);
		add_clean(&b, l->url);
		buf_putc(&b, '\t');
		add_clean(&b, l->fragment);
		buf_putc(&b, '\t');
		add_clean(&b, l->written);
		buf_putc(&b, '\n');
	}
	e.links = take(&b);
	e.text = xstrdup(p->search_text ? p->search_text : "");
	e.html = p->kind == PAGE_QUESTION && p->html ? xstrdup(p->html) : NULL;
	if (doc) {
		for (size_t i = 0; i < doc->nhrefs; i++) {
			buf_printf(&b, "%d\t", doc->hrefs[i].line);
			add_clean(&b, doc->hrefs[i].href);
			buf_putc(&b, '\n');
		}
		e.hrefs = take(&b);
		e.out = xstrdup(p->out);
		e.file = xstrdup(p->file);
	}
	buf_release(&b);
	store_entry(c, e);
}

void cache_store_key(struct cache *c, const char *name, uint64_t key)
{
	store_entry(c, (struct entry){.url = xstrdup(name), .key = key, .used = true});
}

/* Takes ownership of e's strings. */
static void store_entry(struct cache *c, struct entry e)
{
	pthread_mutex_lock(&c->lock);
	c->dirty = true;
	struct entry *old = find(c, e.url);
	if (old) {
		entry_release(old);
		*old = e;
	} else {
		/* New pages go to a tail that is merged at save time; lookups only need old ones. */
		ALLOC_GROW(c->e, c->n + 1, c->cap);
		c->e[c->n++] = e;
	}
	pthread_mutex_unlock(&c->lock);
}

static void entry_release(struct entry *e)
{
	free(e->url);
	free(e->ids);
	free(e->links);
	free(e->text);
	free(e->headings);
	free(e->html);
	free(e->out);
	free(e->file);
	free(e->hrefs);
}

char *cache_translation(struct cache *c, uint64_t key)
{
	char k[32];
	snprintf(k, sizeof k, "%016llx", (unsigned long long)key);
	pthread_mutex_lock(&c->lock);
	struct strmap_entry *x = strmap_get(&c->xlate, k, strlen(k));
	char *nft = x ? xstrdup(x->ptr) : NULL;
	pthread_mutex_unlock(&c->lock);
	return nft;
}

void cache_store_translation(struct cache *c, uint64_t key, const char *nft)
{
	char k[32];
	snprintf(k, sizeof k, "%016llx", (unsigned long long)key);
	pthread_mutex_lock(&c->lock);
	struct strmap_entry *x = strmap_put(&c->xlate, k, strlen(k), NULL);
	free(x->ptr);
	x->ptr = xstrdup(nft);
	c->dirty = true;
	pthread_mutex_unlock(&c->lock);
}

void cache_free(struct cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->xlate.cap; i++)
		free(c->xlate.slot[i].ptr);
	strmap_release(&c->xlate);
	for (size_t i = 0; i < c->n; i++)
		entry_release(&c->e[i]);
	free(c->e);
	free(c->path);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static int exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

void cache_save(struct cache *c, const char *dir)
{
	char *path = xasprintf("%s/" CACHE_FILE, dir), *tmp = xasprintf("%s.tmp", path);
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = -1;
	unlink(tmp);
	/* Nothing stored and every entry used again: the live tree's file is right for the
	 * new tree too, and a hard link shares it (nothing writes into it). */
	bool same = !c->dirty && c->n == c->nloaded;
	for (size_t i = 0; i < c->n && same; i++)
		same = c->e[i].used;
	if (same && link(c->path, tmp) == 0) {
		rc = 0;
		goto out;
	}
	if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto out;
	if (exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN;"
	             "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
	             "CREATE TABLE pages(url TEXT PRIMARY KEY, key TEXT, ids TEXT, links TEXT, text TEXT,"
	             " headings TEXT, html TEXT, out TEXT, file TEXT, hrefs TEXT);"
	             "CREATE TABLE translations(key TEXT PRIMARY KEY, nft TEXT);") < 0)
		goto out;
	/* Every translation is kept, used or not: a page reused from the cache does not ask
	 * for its blocks' translations, and would otherwise lose them. */
	if (sqlite3_prepare_v2(db, "INSERT INTO translations VALUES(?,?)", -1, &st, NULL) != SQLITE_OK)
		goto out;
	const struct strmap_entry **xs = xcalloc(c->xlate.n + 1, sizeof *xs);
	size_t nx = 0;
	for (size_t i = 0; i < c->xlate.cap; i++)
		if (c->xlate.slot[i].key)
			xs[nx++] = &c->xlate.slot[i];
	/* In key order, so the same site always gives the same file (see below). */
	qsort(xs, nx, sizeof *xs, cmp_xlate);
	bool failed = false;
	for (size_t i = 0; i < nx && !failed; i++) {
		const struct strmap_entry *x = xs[i];
		sqlite3_bind_text(st, 1, x->key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, x->ptr, -1, SQLITE_STATIC);
		failed = sqlite3_step(st) != SQLITE_DONE;
		sqlite3_reset(st);
	}
	free(xs);
	if (failed)
		goto out;
	sqlite3_finalize(st);
	st = NULL;
	char site[224];
	snprintf(site, sizeof site,
	         "INSERT INTO meta VALUES('site', '%d:%016llx'); INSERT INTO meta VALUES('snapshot', '%016llx');"
	         "INSERT INTO meta VALUES('drafts', '%zx')",
	         CACHE_VERSION, (unsigned long long)c->site_key, (unsigned long long)c->snapshot, c->drafts);
	if (exec(db, site) < 0 ||
	    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO pages VALUES(?,?,?,?,?,?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK)
		goto out;
	/* Sorted, so the same site always gives the same file, whatever the thread timing. */
	if (c->n)
		qsort(c->e, c->n, sizeof *c->e, cmp_entry);
	c->nloaded = 0;
	for (size_t i = 0; i < c->n; i++) {
		const struct entry *e = &c->e[i];
		if (!e->used)
			continue;
		char key[32];
		snprintf(key, sizeof key, "%016llx", (unsigned long long)e->key);
		const char *v[] = {e->url, key, e->ids, e->links, e->text, e->headings, e->html, e->out, e->file, e->hrefs};
		for (int k = 0; k < 10; k++)
			sqlite3_bind_text(st, k + 1, v[k], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto out;
		sqlite3_reset(st);
	}
	if (exec(db, "COMMIT") < 0)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(st);
	if (rc < 0 && db)
		warn_at(path, 0, "cannot write the build cache: %s (the next build renders every page)", sqlite3_errmsg(db));
	sqlite3_close(db);
	if (rc == 0 && rename(tmp, path) < 0) {
		warn_at(path, 0, "cannot write the build cache");
		rc = -1;
	}
	if (rc < 0) {
		unlink(tmp);
		unlink(path);
	}
	free(tmp);
	free(path);
	cache_free(c);
}

uint64_t cache_read_snapshot(const char *dest, size_t *drafts)
{
	char *path = xasprintf("%s/" CACHE_FILE, dest);
	sqlite3 *db = NULL;
	uint64_t snap = 0;
	*drafts = 0;
	if (access(path, R_OK) == 0 &&
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK) {
		snap = meta_hex(db, "snapshot");
		*drafts = (size_t)meta_hex(db, "drafts");
	}
	sqlite3_close(db);
	free(path);
	return snap;
}

void cache_set_snapshot(struct cache *c, uint64_t snapshot, size_t drafts)
{
	if (c->snapshot != snapshot || c->drafts != drafts)
		c->dirty = true;
	c->snapshot = snapshot;
	c->drafts = drafts;
}

/* Calls fn for each "line\thref" line of hrefs, as links of the page written to out. */
static void each_line(const char *out, const char *file, const char *hrefs,
                      void (*fn)(void *arg, const char *out, const char *file, const char *href, int line),
                      void *arg)
{
	size_t n;
	char **lines = split_lines(hrefs, &n);
	for (size_t i = 0; i < n; i++) {
		char *tab = strchr(lines[i], '\t');
		if (tab)
			fn(arg, out, file, tab + 1, atoi(lines[i]));
		free(lines[i]);
	}
	free(lines);
}

struct answer {
	char *parent, *file, *hrefs;
};

void cache_each_href(const char *dest,
                     void (*fn)(void *arg, const char *out, const char *file, const char *href, int line),
                     void *arg)
{
	char *path = xasprintf("%s/" CACHE_FILE, dest);
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	struct strmap outs = STRMAP_INIT; /* page URL -> its output path (ptr, owned) */
	struct answer *answers = NULL;
	size_t nanswers = 0, cap = 0;
	/* Ordered by URL, so a section's own links come before its questions' answers. */
	if (access(path, R_OK) == 0 &&
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT out, file, hrefs, url, html IS NOT NULL FROM pages"
	                       " WHERE hrefs IS NOT NULL AND out IS NOT NULL AND file IS NOT NULL ORDER BY url",
	                       -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *out = (const char *)sqlite3_column_text(st, 0);
			const char *file = (const char *)sqlite3_column_text(st, 1);
			const char *hrefs = (const char *)sqlite3_column_text(st, 2);
			const char *url = (const char *)sqlite3_column_text(st, 3);
			each_line(out, file, hrefs, fn, arg);
			if (!url)
				continue;
			strmap_put(&outs, url, strlen(url), NULL)->ptr = xstrdup(out); /* url is unique */
			/* A FAQ answer is shown whole on its section's page (/faq/) too: a link
			 * there is reported at the answer's source line, not at the HTML. */
			size_t len = strlen(url);
			if (sqlite3_column_int(st, 4) && len > 1) {
				while (len > 1 && url[len - 1] == '/')
					len--;
				while (len > 1 && url[len - 1] != '/')
					len--;
				ALLOC_GROW(answers, nanswers + 1, cap);
				answers[nanswers++] = (struct answer){xstrndup(url, len), xstrdup(file), xstrdup(hrefs)};
			}
		}
	}
	for (size_t i = 0; i < nanswers; i++) {
		struct strmap_entry *e = strmap_get(&outs, answers[i].parent, strlen(answers[i].parent));
		if (e)
			each_line(e->ptr, answers[i].file, answers[i].hrefs, fn, arg);
		free(answers[i].parent);
		free(answers[i].file);
		free(answers[i].hrefs);
	}
	free(answers);
	for (size_t i = 0; i < outs.cap; i++)
		free(outs.slot[i].ptr);
	strmap_release(&outs);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
}

uint64_t cache_site_key(const struct cache *c)
{
	return c->site_key;
}

void cache_retain(struct cache *c, bool all)
{
	size_t k = 0, kloaded = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (c->e[i].used || all) {
			c->e[i].used = false;
			c->e[k++] = c->e[i];
			kloaded += i < c->nloaded;
		} else {
			entry_release(&c->e[i]);
		}
	}
	/* The loaded part stays sorted: sort only when new names came after it. */
	if (k > kloaded)
		qsort(c->e, k, sizeof *c->e, cmp_entry);
	c->n = c->nloaded = k;
}
