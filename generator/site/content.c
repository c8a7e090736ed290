/* content: scanning sources into the page model and the URL rules (see content.h). */
#include "site/content.h"
#include "base/fs.h"
#include "base/log.h"
#include "base/suggest.h"
#include "base/slug.h"
#include "base/utf8.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The largest source file we accept; anything bigger is hostile or a mistake. */
#define CONTENT_MAX_FILE (64u << 20)

struct scan {
	const char *source;
	char *source_real;
	bool drafts;
	struct content *model;
	size_t cap_assets;
	const char *top;   /* "content" or "faq" */
	int errors;
	struct page **prev; /* previous build's pages sorted by source, or NULL */
	size_t nprev;
	struct pending *pending; /* Markdown files to read, in walk order */
	size_t npending, cap_pending;
	atomic_size_t next;      /* the next pending file to read (read_pending) */
};

/* A Markdown file found by the walk, read later on several threads. */
struct pending {
	char *rel_to_site;  /* "content/a/b.md" */
	char *rel;          /* "a/b.md", relative to top */
	const char *top;
	struct stat st;
	struct page *page;  /* the parsed page, or NULL when reading failed */
	bool redo;          /* reading reported something: read again in order to say it */
};

static void add_page(struct content *m, struct page *p)
{
	/* content_find's table no longer covers every page (content_resolve makes it again). */
	strmap_release(&m->by_url);
	ALLOC_GROW(m->pages, m->npages + 1, m->cap_pages);
	m->pages[m->npages++] = p;
}

static void page_free(struct page *p)
{
	if (!p)
		return;
	free(p->kind_name);
	free(p->src);
	free(p->file);
	free(p->url);
	free(p->out);
	fm_free(p->fm);
	free(p->title_owned);
	free(p->date_owned);
	free(p->tags);
	free(p->tag_pages);
	free(p->members);
	free(p->aliases);
	free(p->body);
	if (p->kind != PAGE_QUESTION)
		free(p->html); /* a question's is a render result, freed with the others */
	if (p->anchors)
		for (char **a = p->anchors; *a; a++)
			free(*a);
	free(p->anchors);
	free(p->summary);
	free(p->pages);
	free(p->subsections);
	content_page_forget(p);
	free(p);
}

void content_free(struct content *m)
{
	for (size_t i = 0; i < m->npages; i++)
		page_free(m->pages[i]);
	free(m->pages);
	for (size_t i = 0; i < m->nassets; i++) {
		free(m->assets[i].src);
		free(m->assets[i].out);
	}
	free(m->assets);
	free(m->by_src);
	strmap_release(&m->by_url);
	strmap_release(&m->drafts);
	memset(m, 0, sizeof *m);
}

/* Builds a URL from path components, each slugified; "" → "/". */
static char *url_of(const char *dir, const char *last)
{
	struct buf b = BUF_INIT;
	buf_putc(&b, '/');
	const char *p = dir;
	while (p && *p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		size_t before = b.len;
		slug_path(p, n, &b);
		if (b.len > before)
			buf_putc(&b, '/');
		p = e ? e + 1 : p + n;
	}
	if (last && *last) {
		size_t before = b.len;
		slug_path(last, strlen(last), &b);
		if (b.len > before)
			buf_putc(&b, '/');
	}
	return buf_detach(&b, NULL);
}

static char *out_of_url(const char *url)
{
	return xasprintf("%sindex.html", url + 1);
}

static const char *article(const char *noun)
{
	return strchr("aeiou", noun[0]) ? "an" : "a";
}

/* Type checks for the keys the model uses: one clear error per wrong value. */
static int want(const char *file, const struct fm_value *v, enum fm_type t, const char *key)
{
	if (!v || v->type == t || (t == FM_STRING && v->type != FM_LIST && v->type != FM_MAP && v->type != FM_NULL))
		return 0;
	return error_at(file, v->line, "front matter '%s' must be %s %s, not %s %s", key, article(fm_type_name(t)),
	                fm_type_name(t), article(fm_type_name(v->type)), fm_type_name(v->type));
}

static const char *str_of(const struct fm_value *v)
{
	return v && v->type != FM_NULL && v->str ? v->str : NULL;
}

static const char **string_list(const char *file, const struct fm_value *v, const char *key, int *rc)
{
	if (!v || v->type == FM_NULL)
		return NULL;
	if (v->type != FM_LIST) {
		*rc = error_at(file, v->line, "front matter '%s' must be a list, not %s %s", key, article(fm_type_name(v->type)),
		               fm_type_name(v->type));
		return NULL;
	}
	const char **out = xcalloc(v->n + 1, sizeof *out);
	for (size_t i = 0; i < v->n; i++) {
		if (v->items[i].type == FM_LIST || v->items[i].type == FM_MAP || !v->items[i].str) {
			*rc = error_at(file, v->items[i].line, "front matter '%s' must hold plain strings", key);
			free(out);
			return NULL;
		}
		out[i] = v->items[i].str;
	}
	return out;
}

/* What is wrong with an alias, or NULL. An alias becomes a file name and a key of the
 * nginx map and Apache rules: an absolute URL path without "." or ".." segments and
 * without what a URL or a server's configuration reads specially. */
static const char *alias_problem(const char *a)
{
	if (a[0] != '/')
		return "it must start with '/'";
	for (const char *c = a; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return "no control characters";
		else if (strchr(" ;?#\"'\\", *c))
			return "no spaces, ';', '?', '#', quotes or backslashes";
	for (const char *seg = a + 1; *seg; seg++) {
		size_t n = strcspn(seg, "/");
		if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return "no '.' or '..' segments";
		seg += n;
		if (!*seg)
			break;
	}
	return NULL;
}

static int typed_fields(struct page *p, const char *file)
{
	const struct fm_value *fm = p->fm;
	int rc = 0;
	static const struct {
		const char *key;
		enum fm_type type;
	} types[] = {
		{"title", FM_STRING}, {"description", FM_STRING}, {"date", FM_STRING}, {"updated", FM_STRING},
		{"template", FM_STRING}, {"draft", FM_BOOL}, {"toc", FM_BOOL}, {"weight", FM_INT},
		{"order", FM_INT}, {"question", FM_STRING}, {"category", FM_STRING}, {"slug", FM_STRING},
		{"banners", FM_BOOL}, {"banner", FM_MAP}, {"lists_tag", FM_STRING}, {"sort_title", FM_STRING},
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (want(file, fm_get(fm, types[i].key), types[i].type, types[i].key) < 0)
			rc = -1;
	/* Any other key is the page's own (page.params in templates), so only one within
	 * SUGGEST_MAX edits of a key nfsite reads is taken for a typo (docs/CONFIG.md). */
	static const char *const more[] = {"tags", "aliases", "categories", "related"};
	for (size_t k = 0; fm->type == FM_MAP && k < fm->n; k++) {
		bool known = false;
		for (size_t i = 0; i < sizeof types / sizeof types[0] && !known; i++)
			known = !strcmp(fm->keys[k], types[i].key);
		for (size_t i = 0; i < sizeof more / sizeof more[0] && !known; i++)
			known = !strcmp(fm->keys[k], more[i]);
		if (known)
			continue; /* edit distances only for the others: they were 1.6% of a build */
		struct suggest sg = SUGGEST_INIT(fm->keys[k]);
		for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
			suggest_try(&sg, types[i].key);
		for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
			suggest_try(&sg, more[i]);
		if (sg.best)
			warn_at(file, fm->items[k].line, "unknown key '%s' (did you mean '%s'?)", fm->keys[k], sg.best);
	}
	if (rc < 0)
		return rc;
	p->title = str_of(fm_get(fm, "title"));
	p->description = str_of(fm_get(fm, "description"));
	p->date = str_of(fm_get(fm, "date"));
	p->updated = str_of(fm_get(fm, "updated"));
	p->template_name = str_of(fm_get(fm, "template"));
	p->question = str_of(fm_get(fm, "question"));
	p->category = str_of(fm_get(fm, "category"));
	const struct fm_value *v;
	p->draft = (v = fm_get(fm, "draft")) && v->type == FM_BOOL && v->b;
	p->toc = !((v = fm_get(fm, "toc")) && v->type == FM_BOOL && !v->b);
	p->banners_enabled = !((v = fm_get(fm, "banners")) && v->type == FM_BOOL && !v->b);
	p->weight = (v = fm_get(fm, "weight")) && v->type == FM_INT ? v->i : 0;
	p->order = (v = fm_get(fm, "order")) && v->type == FM_INT ? v->i : 0;
	const struct {
		const char *key;
		struct date *out;
	} dates[] = {{"date", &p->date_at}, {"updated", &p->updated_at}};
	for (int i = 0; i < 2; i++) {
		const char *why;
		v = fm_get(fm, dates[i].key);
		if (str_of(v) && (why = date_parse(v->str, dates[i].out)))
			rc = error_at(file, v->line,
			              "front matter '%s' must be a date like 2024-05-01 or 2024-05-01T10:00:00+02:00, "
			              "not '%s': %s", dates[i].key, v->str, why);
	}
	p->tags = string_list(file, fm_get(fm, "tags"), "tags", &rc);
	p->aliases = string_list(file, fm_get(fm, "aliases"), "aliases", &rc);
	for (size_t i = 0; p->aliases && p->aliases[i]; i++) {
		const char *why = alias_problem(p->aliases[i]);
		if (!why)
			continue;
		/* Shown on one line: control characters as '?'. */
		char *shown = xstrdup(p->aliases[i]);
		for (char *c = shown; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '?';
		rc = error_at(file, fm_get(fm, "aliases")->items[i].line,
		              "alias '%s' must be a URL path inside the site (like /old/page/): %s", shown, why);
		free(shown);
	}
	return rc;
}

/* Title from a file or folder name: "ipset-to-nftables" → "Ipset to nftables". */
static char *title_from_name(const char *name)
{
	char *t = xstrdup(name);
	char *dot = strrchr(t, '.');
	if (dot && !strcmp(dot, ".md"))
		*dot = 0;
	for (char *c = t; *c; c++)
		if (*c == '-' || *c == '_')
			*c = ' ';
	if (t[0] >= 'a' && t[0] <= 'z')
		t[0] = (char)(t[0] - 'a' + 'A');
	return t;
}

static struct page *new_page(enum page_kind kind, const char *kind_name)
{
	struct page *p = xcalloc(1, sizeof *p);
	p->kind = kind;
	p->kind_name = xstrdup(kind_name);
	p->toc = true;
	p->banners_enabled = true;
	return p;
}

/* Reads and parses one Markdown file into a page (URL decided by the caller). */
static struct page *read_page(struct scan *sc, const char *rel_to_site, int *rc)
{
	char *path = xasprintf("%s/%s", sc->source, rel_to_site);
	struct buf src = BUF_INIT;
	struct page *p = NULL;
	struct fm_value *fm = NULL;
	size_t off;
	int line, bad;
	if (fs_read_file_max(path, CONTENT_MAX_FILE, &src) < 0)
		goto fail;
	if (!utf8_valid(src.data, src.len, false, &bad)) {
		error_at(path, bad, "invalid UTF-8 (or a NUL byte): source files must be UTF-8 text");
		goto fail;
	}
	if (frontmatter_parse(path, src.data, src.len, &fm, &off, &line) < 0)
		goto fail;
	p = new_page(PAGE_REGULAR, "page");
	p->fm = fm;
	p->src = xstrdup(rel_to_site);
	p->file = xstrdup(path);
	p->body = xstrndup(src.data + off, src.len - off);
	p->body_len = src.len - off;
	p->body_line = line;
	if (typed_fields(p, path) < 0) {
		page_free(p);
		p = NULL;
		goto fail;
	}
	goto out;
fail:
	*rc = -1;
out:
	buf_release(&src);
	free(path);
	return p;
}

static void add_asset(struct scan *sc, const char *rel_to_site, const char *rel_to_top)
{
	struct content *m = sc->model;
	ALLOC_GROW(m->assets, m->nassets + 1, sc->cap_assets);
	const char *slash = strrchr(rel_to_top, '/');
	char *dir = slash ? xstrndup(rel_to_top, (size_t)(slash - rel_to_top)) : xstrdup("");
	char *url = url_of(dir, NULL);
	struct buf name = BUF_INIT;
	const char *base = slash ? slash + 1 : rel_to_top;
	slug_path(base, strlen(base), &name);
	struct asset *a = &m->assets[m->nassets++];
	a->src = xasprintf("%s/%s", sc->source, rel_to_site);
	a->out = xasprintf("%s%s%s", strcmp(sc->top, "faq") ? "" : "faq/", url + 1, name.data);
	buf_release(&name);
	free(url);
	free(dir);
}

/* Symlinks are followed only when they stay inside the site folder; *mode is the
 * target's. */
static int check_link(struct scan *sc, const char *rel_to_site, mode_t *mode)
{
	char *path = xasprintf("%s/%s", sc->source, rel_to_site);
	char *real = realpath(path, NULL);
	int rc = 0;
	size_t n = strlen(sc->source_real);
	struct stat st;
	if (!real || strncmp(real, sc->source_real, n) || (real[n] && real[n] != '/') || stat(real, &st) < 0)
		rc = error_at(path, 0, "symbolic link points outside the site folder (or nowhere); refusing it");
	else
		*mode = st.st_mode;
	free(real);
	free(path);
	return rc;
}

static int cmp_src(const void *a, const void *b)
{
	return strcmp((*(struct page *const *)a)->src, (*(struct page *const *)b)->src);
}

/* Cuts a page kept from the last build loose from that build's sections, neighbours and
 * tag pages, which resolving and taxonomy.c set again. Its render results stay: the
 * build checks them against the cache before use. */
static void page_detach(struct page *p)
{
	free(p->pages);
	free(p->subsections);
	p->pages = p->subsections = NULL;
	p->npages = p->nsubsections = 0;
	p->section = p->prev = p->next = NULL;
	p->cached = false;
	free(p->tag_pages);
	free(p->members);
	p->tag_pages = p->members = NULL;
	p->nmembers = 0;
	p->term = NULL;
}

/* The previous build's page for this file when the file did not change, detached;
 * NULL otherwise. */
static struct page *take_unchanged(struct scan *sc, const char *rel_to_site, const struct stat *st)
{
	if (!sc->nprev || S_ISLNK(st->st_mode))
		return NULL;
	struct page key = {.src = (char *)rel_to_site}, *kp = &key;
	struct page **slot = bsearch(&kp, sc->prev, sc->nprev, sizeof *sc->prev, cmp_src);
	if (!slot || (*slot)->index == SIZE_MAX)
		return NULL;
	struct page *p = *slot;
	if (p->mtime_ns != (long long)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec ||
	    p->size != (long long)st->st_size || p->ino != (long long)st->st_ino)
		return NULL;
	p->index = SIZE_MAX; /* marks it as moved for the compaction at the end of the scan */
	page_detach(p);
	return p;
}

void content_page_forget(struct page *p)
{
	for (size_t i = 0; i < p->nids; i++)
		free(p->ids[i]);
	free(p->ids);
	p->ids = NULL;
	p->nids = 0;
	for (size_t i = 0; i < p->nlinks; i++) {
		free(p->links[i].url);
		free(p->links[i].fragment);
		free(p->links[i].written);
	}
	free(p->links);
	p->links = NULL;
	p->nlinks = 0;
	free(p->search_text);
	p->search_text = NULL;
	free(p->search_json);
	p->search_json = NULL;
	p->search_key = 0;
	for (size_t i = 0; i < p->nheadings; i++)
		free(p->headings[i]);
	free(p->headings);
	p->headings = NULL;
	p->nheadings = 0;
	if (p->kind == PAGE_QUESTION) {
		free(p->html);
		p->html = NULL;
	}
	p->has_results = false;
	p->cached = false;
}

static int scan_entry(const char *rel, const struct stat *st, void *arg)
{
	struct scan *sc = arg;
	char *rel_to_site = xasprintf("%s/%s", sc->top, rel);
	mode_t mode = st->st_mode;
	int rc = 0;
	if (S_ISLNK(mode) && check_link(sc, rel_to_site, &mode) < 0) {
		sc->errors++;
		goto out;
	}
	if (!S_ISDIR(mode) && !S_ISREG(mode)) {
		/* Reading a FIFO would wait for a writer; a device may never end. */
		char *path = xasprintf("%s/%s", sc->source, rel_to_site);
		warn_at(path, 0, "%s, not a regular file; skipped", fs_kind(mode));
		free(path);
		goto out;
	}
	if (S_ISDIR(mode)) {
		if (S_ISLNK(st->st_mode)) {
			error_at(rel_to_site, 0, "symbolic links to folders are not followed; copy the folder instead");
			sc->errors++;
		}
		goto out;
	}
	size_t n = strlen(rel);
	if (n < 3 || strcmp(rel + n - 3, ".md")) {
		add_asset(sc, rel_to_site, rel);
		goto out;
	}
	struct page *p = take_unchanged(sc, rel_to_site, st);
	if (p) {
		add_page(sc->model, p);
		goto out;
	}
	ALLOC_GROW(sc->pending, sc->npending + 1, sc->cap_pending);
	sc->pending[sc->npending++] = (struct pending){
		.rel_to_site = rel_to_site, .rel = xstrdup(rel), .top = sc->top, .st = *st};
	return 0;
out:
	free(rel_to_site);
	return rc;
}

/* Gives a read page its kind, URL and title from its place in the tree and adds it to
 * the model (or drops a draft); reports slug and FAQ errors. */
static void place_page(struct scan *sc, const struct pending *f, struct page *p)
{
	const char *rel = f->rel;
	const struct stat *st = &f->st;
	sc->top = f->top;
	p->mtime_ns = (long long)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	p->size = (long long)st->st_size;
	p->ino = (long long)st->st_ino;
	const char *slash = strrchr(rel, '/');
	char *dir = slash ? xstrndup(rel, (size_t)(slash - rel)) : xstrdup("");
	const char *base = slash ? slash + 1 : rel;
	char *name = xstrndup(base, strlen(base) - 3);
	const struct fm_value *slug = fm_get(p->fm, "slug");
	bool is_faq = !strcmp(sc->top, "faq");
	if (slug && slug->str) {
		struct buf s = BUF_INIT;
		slug_path(slug->str, strlen(slug->str), &s);
		if (!s.len || strchr(slug->str, '/') || !strcmp(s.data, ".") || !strcmp(s.data, "..") ||
		    strstr(slug->str, "..")) {
			error_at(p->file, slug->line, "slug '%s' is not a single safe path component", slug->str);
			sc->errors++;
			buf_release(&s);
			page_free(p);
			free(dir);
			free(name);
			return;
		}
		free(name);
		name = buf_detach(&s, NULL);
	}
	if (!strcmp(base, "_index.md")) {
		p->kind = is_faq ? PAGE_FAQ : *dir ? PAGE_SECTION : PAGE_HOME;
		free(p->kind_name);
		p->kind_name = xstrdup(is_faq ? "faq" : *dir ? "section" : "home");
		p->url = url_of(dir, NULL);
	} else if (!strcmp(base, "index.md")) {
		p->url = url_of(dir, NULL);
	} else {
		p->url = url_of(dir, name);
	}
	if (p->draft && !sc->drafts) {
		/* Left out, but remembered: a link to it then says it is a draft. */
		char *u = is_faq ? xasprintf("/faq%s", p->url) : xstrdup(p->url);
		strmap_put(&sc->model->drafts, u, strlen(u), NULL);
		strmap_put(&sc->model->drafts, p->src, strlen(p->src), NULL);
		sc->model->ndrafts++;
		free(u);
		page_free(p);
		free(dir);
		free(name);
		return;
	}
	if (is_faq) {
		char *u = p->url;
		p->url = xasprintf("/faq%s", u);
		free(u);
		if (p->kind != PAGE_FAQ) {
			p->kind = PAGE_QUESTION;
			free(p->kind_name);
			p->kind_name = xstrdup("question");
			if (!p->question) {
				error_at(p->file, 1, "FAQ entry needs a 'question' in its front matter");
				sc->errors++;
			}
			if (!p->title)
				p->title = p->question;
		}
	}
	if (!p->title) {
		/* Untitled: the file name, or the folder name for _index.md and index.md. */
		const char *t = name;
		if (!strcmp(base, "_index.md") || !strcmp(base, "index.md"))
			t = !*dir ? "home" : strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
		p->title = p->title_owned = title_from_name(t);
	}
	p->out = out_of_url(p->url);
	add_page(sc->model, p);
	free(dir);
	free(name);
}

static void *read_worker(void *arg)
{
	struct scan *sc = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&sc->next, 1);
		if (i >= sc->npending)
			return NULL;
		struct pending *f = &sc->pending[i];
		int rc = 0;
		log_silence(true);
		f->page = read_page(sc, f->rel_to_site, &rc);
		f->redo = log_silenced() > 0;
		log_silence(false);
	}
}

/* Reads every pending file, on as many threads as there are cores (reading and parsing
 * front matter is most of a scan), then places the pages in walk order. A file whose
 * reading said anything is read again here, alone, so messages come in a fixed order. */
static void read_pending(struct scan *sc)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t jobs = cores > 1 ? (size_t)(cores > 16 ? 16 : cores) : 1;
	if (jobs > sc->npending / 64 + 1)
		jobs = sc->npending / 64 + 1;
	pthread_t th[16];
	bool started[16] = {0};
	atomic_store(&sc->next, 0);
	for (size_t i = 1; i < jobs; i++)
		started[i] = pthread_create(&th[i], NULL, read_worker, sc) == 0;
	read_worker(sc);
	for (size_t i = 1; i < jobs; i++)
		if (started[i])
			pthread_join(th[i], NULL);
	for (size_t i = 0; i < sc->npending; i++) {
		struct pending *f = &sc->pending[i];
		if (f->redo) {
			page_free(f->page);
			int rc = 0;
			f->page = read_page(sc, f->rel_to_site, &rc);
		}
		if (f->page)
			place_page(sc, f, f->page);
		else
			sc->errors++;
		free(f->rel_to_site);
		free(f->rel);
	}
	free(sc->pending);
	sc->pending = NULL;
	sc->npending = sc->cap_pending = 0;
}

static int cmp_url(const void *a, const void *b)
{
	return strcmp((*(struct page *const *)a)->url, (*(struct page *const *)b)->url);
}

static int cmp_asset(const void *a, const void *b)
{
	return strcmp(((const struct asset *)a)->out, ((const struct asset *)b)->out);
}

int content_scan(const char *source, bool drafts, struct content *model, struct content *prev)
{
	struct scan sc = {.source = source, .drafts = drafts, .model = model};
	if (prev && prev->npages) {
		/* Only pages read from files; made-up sections and generated pages are made anew. */
		sc.prev = xcalloc(prev->npages, sizeof *sc.prev);
		for (size_t i = 0; i < prev->npages; i++)
			if (prev->pages[i]->mtime_ns)
				sc.prev[sc.nprev++] = prev->pages[i];
		if (sc.nprev)
			qsort(sc.prev, sc.nprev, sizeof *sc.prev, cmp_src);
	}
	int rc = -1;
	char *content_dir = xasprintf("%s/content", source);
	char *faq_dir = xasprintf("%s/faq", source);
	if (!fs_is_dir(source)) {
		error_at(source, 0, "site folder does not exist");
		goto out;
	}
	sc.source_real = realpath(source, NULL);
	if (!fs_is_dir(content_dir)) {
		error_at(content_dir, 0, "no content folder: a site needs content/ with Markdown pages");
		goto out;
	}
	sc.top = "content";
	if (fs_walk(content_dir, scan_entry, &sc) != 0)
		sc.errors++;
	if (fs_is_dir(faq_dir)) {
		sc.top = "faq";
		if (fs_walk(faq_dir, scan_entry, &sc) != 0)
			sc.errors++;
	}
	read_pending(&sc);
	if (sc.errors)
		goto out;
	if (model->npages == 0 && model->ndrafts) {
		warn_at(content_dir, 0, "every page is a draft (%zu skipped): `nfsite build --drafts` builds them, "
		        "draft: false in a page's front matter publishes it", model->ndrafts);
	} else if (model->npages == 0) {
		error_at(content_dir, 0, "no pages: the content folder holds no .md files");
		goto out;
	}
	if (model->npages) /* qsort's array may not be NULL, even for no elements */
		qsort(model->pages, model->npages, sizeof *model->pages, cmp_url);
	if (model->nassets)
		qsort(model->assets, model->nassets, sizeof *model->assets, cmp_asset);
	rc = 0;
out:
	/* Taken pages left holes in prev's array: compact it so content_free stays simple. */
	if (prev && sc.prev) {
		size_t k = 0;
		for (size_t i = 0; i < prev->npages; i++)
			if (prev->pages[i]->index != SIZE_MAX)
				prev->pages[k++] = prev->pages[i];
		prev->npages = k;
	}
	free(sc.prev);
	free(sc.source_real);
	free(content_dir);
	free(faq_dir);
	return rc;
}

int content_add_generated(struct content *m, const char *src, const char *url, const char *title,
                          const char *kind, const char *description, const char *date, const char *html,
                          const char *const *anchors, long weight)
{
	size_t n = strlen(url);
	char *inner = n > 1 ? xstrndup(url + 1, n - 2) : NULL;
	bool safe = n >= 1 && url[0] == '/' && url[n - 1] == '/' && (!inner || fs_rel_is_safe(inner, n - 2));
	free(inner);
	if (!safe)
		return error_at(src, 0, "generated page URL '%s' is not a safe folder path", url);
	struct date when = {0};
	const char *why = date ? date_parse(date, &when) : NULL;
	if (why)
		return error_at(src, 0, "generated page %s has the date '%s': %s", url, date, why);
	struct page *p = new_page(PAGE_GENERATED, kind);
	p->src = xstrdup(src);
	p->file = xstrdup(src);
	/* The not-found page is served by name, not as a folder. */
	bool notfound = !strcmp(kind, "404");
	p->url = xstrdup(notfound ? "/404.html" : url);
	p->out = notfound ? xstrdup("404.html") : out_of_url(url);
	p->fm = xcalloc(1, sizeof *p->fm);
	p->fm->type = FM_MAP;
	p->title = p->title_owned = xstrdup(title);
	p->weight = weight;
	if (description) {
		p->summary = xstrdup(description);
		p->description = p->summary;
	}
	p->html = xstrdup(html);
	p->unlisted = !strcmp(kind, "404") || !strcmp(kind, "search");
	if (anchors) {
		size_t k = 0;
		while (anchors[k])
			k++;
		p->anchors = xcalloc(k + 1, sizeof *p->anchors);
		for (size_t i = 0; i < k; i++)
			p->anchors[i] = xstrdup(anchors[i]);
	}
	if (date) {
		p->date = p->date_owned = xstrdup(date);
		p->date_at = when;
	}
	add_page(m, p);
	return 0;
}

/* --- lookups ------------------------------------------------------------------------ */

/* Makes content_find's table again: links are looked up by URL once per link, tens of
 * thousands of times in a big site, so a hash rather than a binary search of strcmps. */
static void index_urls(struct content *m)
{
	strmap_release(&m->by_url);
	for (size_t i = 0; i < m->npages; i++)
		strmap_put(&m->by_url, m->pages[i]->url, strlen(m->pages[i]->url), NULL)->ptr = m->pages[i];
}

struct page *content_find(const struct content *m, const char *url)
{
	if (m->by_url.n) {
		struct strmap_entry *e = strmap_get(&m->by_url, url, strlen(url));
		return e ? e->ptr : NULL;
	}
	/* Not indexed yet: the generators ask a few times before content_resolve. */
	for (size_t i = 0; i < m->npages; i++)
		if (!strcmp(m->pages[i]->url, url))
			return m->pages[i];
	return NULL;
}

struct page *content_find_source(const struct content *m, const char *src)
{
	struct page key = {.src = (char *)src}, *kp = &key;
	struct page **hit = m->nby_src ? bsearch(&kp, m->by_src, m->nby_src, sizeof *m->by_src, cmp_src) : NULL;
	return hit ? *hit : NULL;
}

bool content_is_draft(const struct content *m, const char *key)
{
	return strmap_get(&m->drafts, key, strlen(key)) != NULL;
}

/* --- resolve ------------------------------------------------------------------------ */

/* Children of one section; news: that section is the news section. */
static int cmp_children(const void *a, const void *b, void *news)
{
	const struct page *x = *(struct page *const *)a, *y = *(struct page *const *)b;
	if (*(const bool *)news) {
		/* Newest first by instant, undated last. */
		int64_t tx = x->date ? x->date_at.t : INT64_MIN, ty = y->date ? y->date_at.t : INT64_MIN;
		if (tx != ty)
			return tx > ty ? -1 : 1;
	}
	/* Unweighted pages (weight 0) come after weighted ones, as in Hugo. */
	long long wx = x->weight ? x->weight : LLONG_MAX, wy = y->weight ? y->weight : LLONG_MAX;
	if (x->kind == PAGE_QUESTION) {
		wx = x->order;
		wy = y->order;
	}
	if (wx != wy)
		return wx < wy ? -1 : 1;
	int c = strcasecmp(x->title, y->title);
	return c ? c : strcmp(x->url, y->url);
}

/* The URL of the folder above url: "/a/b/" → "/a/", "/a/" → "/". */
static char *parent_url(const char *url)
{
	size_t n = strlen(url);
	if (n <= 1)
		return NULL;
	size_t i = n - 1;
	while (i > 0 && url[i - 1] != '/')
		i--;
	return xstrndup(url, i);
}

static void push(struct page ***arr, size_t *n, struct page *p)
{
	*arr = xreallocarray(*arr, st_add(*n, 1), sizeof **arr);
	(*arr)[(*n)++] = p;
}

static void make_summary(struct page *p)
{
	if (p->summary)
		return;
	if (p->description) {
		p->summary = xstrdup(p->description);
		return;
	}
	struct buf b = BUF_INIT;
	const char *s = p->body ? p->body : "";
	bool fence = false;
	while (*s && b.len < 240) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		bool is_fence = n >= 3 && (!strncmp(s, "```", 3) || !strncmp(s, "~~~", 3));
		if (is_fence)
			fence = !fence;
		else if (!fence && n && s[0] != '#' && s[0] != '<' && s[0] != '|' && s[0] != '!') {
			for (size_t i = 0; i < n; i++) {
				char c = s[i];
				if (strchr("*_`[]>#", c))
					continue;
				if (c == '(' && i && s[i - 1] == ']') {
					while (i < n && s[i] != ')')
						i++;
					continue;
				}
				buf_putc(&b, c);
			}
			buf_putc(&b, ' ');
		} else if (!n && b.len) {
			break;
		}
		s = e ? e + 1 : s + n;
	}
	while (b.len && b.data[b.len - 1] == ' ')
		buf_truncate(&b, b.len - 1);
	if (b.len >= 240) {
		size_t cut = 237;
		while (cut > 0 && b.data[cut] != ' ')
			cut--;
		buf_truncate(&b, cut);
		buf_puts(&b, "…");
	}
	p->summary = buf_detach(&b, NULL);
}

/* Sorts the pages by URL, unless they already are (generators append pages; most builds
 * add none). True when they were strictly ascending: then no two share a URL. */
static bool sort_pages(struct content *m)
{
	size_t i = 0;
	while (i + 1 < m->npages && strcmp(m->pages[i]->url, m->pages[i + 1]->url) < 0)
		i++;
	if (i + 1 >= m->npages)
		return true;
	qsort(m->pages, m->npages, sizeof *m->pages, cmp_url);
	return false;
}

int content_resolve(struct content *m, const char *news_url)
{
	int rc = 0;
	bool unique = sort_pages(m);
	for (size_t i = 0; i + 1 < m->npages && !unique; i++)
		if (!strcmp(m->pages[i]->url, m->pages[i + 1]->url))
			rc = error_at(m->pages[i + 1]->file, 0, "URL %s is already taken by %s", m->pages[i]->url,
			              m->pages[i]->file);
	if (rc < 0)
		return rc;
	index_urls(m);
	m->home = content_find(m, "/");
	if (!m->home) {
		struct page *h = new_page(PAGE_HOME, "home");
		h->src = xstrdup("content/_index.md");
		h->file = xstrdup("/"); /* no file to name: messages name the URL */
		h->url = xstrdup("/");
		h->out = xstrdup("index.html");
		h->fm = xcalloc(1, sizeof *h->fm);
		h->fm->type = FM_MAP;
		h->body = xstrdup("");
		h->body_line = 1;
		h->title = h->title_owned = xstrdup("Home");
		add_page(m, h);
		m->home = h;
		qsort(m->pages, m->npages, sizeof *m->pages, cmp_url);
		index_urls(m);
	}
	/* Made-up sections for folders that hold pages but no _index.md. */
	for (size_t i = 0; i < m->npages; i++) {
		struct page *p = m->pages[i];
		char *up = parent_url(p->url);
		while (up && !content_find(m, up)) {
			struct page *s = new_page(strcmp(up, "/faq/") ? PAGE_SECTION : PAGE_FAQ,
			                          strcmp(up, "/faq/") ? "section" : "faq");
			s->src = xasprintf("%s%s_index.md", strncmp(up, "/faq/", 5) ? "content" : "", up);
			s->file = xstrdup(up); /* no file to name: messages name the URL */
			s->url = up;
			s->out = out_of_url(up);
			s->fm = xcalloc(1, sizeof *s->fm);
			s->fm->type = FM_MAP;
			s->body = xstrdup("");
			s->body_line = 1;
			size_t n = strlen(up);
			const char *b = up + n - 1;
			while (b > up && b[-1] != '/')
				b--;
			char *name = xstrndup(b, (size_t)(up + n - 1 - b));
			s->title = s->title_owned = title_from_name(name);
			free(name);
			add_page(m, s);
			qsort(m->pages, m->npages, sizeof *m->pages, cmp_url);
			index_urls(m);
			up = parent_url(up);
			i = 0;
		}
		free(up);
	}
	for (size_t i = 0; i < m->npages; i++) {
		struct page *p = m->pages[i];
		p->index = i;
		make_summary(p);
		if (p == m->home)
			continue;
		char *up = parent_url(p->url);
		struct page *sec = up ? content_find(m, up) : NULL;
		free(up);
		p->section = sec;
		if (!sec || p->unlisted)
			continue;
		if (p->kind == PAGE_SECTION || p->kind == PAGE_FAQ)
			push(&sec->subsections, &sec->nsubsections, p);
		else
			push(&sec->pages, &sec->npages, p);
		if (p->kind == PAGE_FAQ)
			m->faq = p;
	}
	for (size_t i = 0; i < m->npages; i++) {
		struct page *p = m->pages[i];
		bool news = news_url && (p->npages || p->nsubsections) && !strcmp(p->url, news_url);
		if (p->npages)
			qsort_r(p->pages, p->npages, sizeof *p->pages, cmp_children, &news);
		if (p->nsubsections)
			qsort_r(p->subsections, p->nsubsections, sizeof *p->subsections, cmp_children, &news);
		for (size_t k = 0; k < p->npages; k++) {
			p->pages[k]->prev = k ? p->pages[k - 1] : NULL;
			p->pages[k]->next = k + 1 < p->npages ? p->pages[k + 1] : NULL;
		}
	}
	/* Links to .md files are resolved per link: look sources up by name, not by scan. */
	free(m->by_src);
	m->by_src = xcalloc(m->npages + 1, sizeof *m->by_src);
	m->nby_src = 0;
	for (size_t i = 0; i < m->npages; i++)
		if (m->pages[i]->kind != PAGE_GENERATED)
			m->by_src[m->nby_src++] = m->pages[i];
	bool sorted = true;
	for (size_t i = 0; i + 1 < m->nby_src && sorted; i++)
		sorted = cmp_src(&m->by_src[i], &m->by_src[i + 1]) < 0;
	if (!sorted)
		qsort(m->by_src, m->nby_src, sizeof *m->by_src, cmp_src);
	return 0;
}

/* Whether c (relative to the site folder) names a Markdown page: under content/, or with
 * faq_ok also under faq/. */
static bool page_path(const char *c, bool faq_ok)
{
	size_t n = strlen(c);
	return n >= 4 && !strcmp(c + n - 3, ".md") && (!strncmp(c, "content/", 8) || (faq_ok && !strncmp(c, "faq/", 4)));
}

int content_rescan(const char *source, bool drafts, struct content *model, struct content *prev,
                   const char *const *changed, size_t nchanged)
{
	if (!prev || !prev->npages)
		return 1;
	/* Only edited pages qualify: anything else may change the shape of the site. */
	for (size_t i = 0; i < nchanged; i++) {
		const char *c = changed[i];
		if (!page_path(c, true))
			return 1;
		bool known = false;
		for (size_t k = 0; k < prev->npages && !known; k++)
			known = prev->pages[k]->mtime_ns && !strcmp(prev->pages[k]->src, c);
		if (!known)
			return 1;
	}
	struct scan sc = {.source = source, .drafts = drafts, .model = model};
	sc.source_real = realpath(source, NULL);
	/* Move every file-made page that did not change; made-up and generated pages are
	 * made again by the build, as after a full scan. */
	size_t k = 0;
	for (size_t i = 0; i < prev->npages; i++) {
		struct page *p = prev->pages[i];
		bool edited = false;
		for (size_t j = 0; j < nchanged && !edited; j++)
			edited = !strcmp(p->src, changed[j]);
		if (p->mtime_ns && !edited) {
			page_detach(p);
			add_page(model, p);
		} else {
			prev->pages[k++] = p;
		}
	}
	prev->npages = k;
	model->assets = prev->assets;
	model->nassets = sc.cap_assets = prev->nassets;
	prev->assets = NULL;
	prev->nassets = 0;
	/* A changed draft is not a known page, so the drafts stay the same but for pages
	 * that become one now. */
	model->drafts = prev->drafts;
	model->ndrafts = prev->ndrafts;
	prev->drafts = (struct strmap)STRMAP_INIT;
	prev->ndrafts = 0;
	int rc = 0;
	for (size_t j = 0; j < nchanged; j++) {
		const char *c = changed[j];
		bool faq = !strncmp(c, "faq/", 4);
		sc.top = faq ? "faq" : "content";
		char *path = xasprintf("%s/%s", source, c);
		struct stat st;
		if (lstat(path, &st) < 0) {
			rc = error_at(path, 0, "cannot read: %s", strerror(errno));
		} else {
			scan_entry(c + (faq ? 4 : 8), &st, &sc);
		}
		free(path);
	}
	read_pending(&sc);
	if (sc.errors)
		rc = -1;
	sort_pages(model);
	free(sc.source_real);
	return rc;
}

int content_patch(const char *source, bool drafts, struct content *model, const char *const *changed,
                  size_t nchanged, struct page ***patched, size_t *npatched)
{
	if (!model->npages || !model->nby_src || !nchanged)
		return 1;
	struct page **old = xcalloc(nchanged, sizeof *old);
	struct content tmp = {0};
	struct scan sc = {.source = source, .drafts = drafts, .model = &tmp, .top = "content"};
	int rc = 1;
	/* Not faq/: a question shows on /faq/ too. */
	for (size_t i = 0; i < nchanged; i++) {
		if (!page_path(changed[i], false) || !(old[i] = content_find_source(model, changed[i])) || !old[i]->mtime_ns)
			goto out;
		for (size_t k = 0; k < i; k++)
			if (old[k] == old[i])
				goto out;
	}
	for (size_t i = 0; i < nchanged; i++) {
		char *path = xasprintf("%s/%s", source, changed[i]);
		struct stat st;
		bool regular = lstat(path, &st) == 0 && S_ISREG(st.st_mode);
		free(path);
		if (!regular)
			goto out;
		ALLOC_GROW(sc.pending, sc.npending + 1, sc.cap_pending);
		sc.pending[sc.npending++] = (struct pending){
			.rel_to_site = xstrdup(changed[i]), .rel = xstrdup(changed[i] + 8), .top = "content", .st = st};
	}
	/* Read on this thread with messages held back (read_worker): a file with anything to
	 * say goes the full way, which says it once. With the front matter as before, placing
	 * it has nothing to say either. */
	read_worker(&sc);
	for (size_t i = 0; i < nchanged; i++)
		if (!sc.pending[i].page || sc.pending[i].redo || !fm_same(sc.pending[i].page->fm, old[i]->fm))
			goto out;
	for (size_t i = 0; i < nchanged; i++) {
		place_page(&sc, &sc.pending[i], sc.pending[i].page);
		sc.pending[i].page = NULL;
	}
	if (tmp.npages != nchanged)
		goto out;
	for (size_t i = 0; i < nchanged; i++) {
		struct page *p = old[i], *n = tmp.pages[i];
		make_summary(n);
		if (strcmp(n->url, p->url) || n->kind != p->kind || n->body_line != p->body_line ||
		    strcmp(n->summary, p->summary))
			goto out;
	}
	for (size_t i = 0; i < nchanged; i++) {
		struct page *p = old[i], *n = tmp.pages[i];
		char *body = p->body;
		p->body = n->body;
		n->body = body;
		p->body_len = n->body_len;
		p->mtime_ns = n->mtime_ns;
		p->size = n->size;
		p->ino = n->ino;
		p->body_key = 0;
		p->rendered = false;
	}
	*patched = old;
	*npatched = nchanged;
	old = NULL;
	rc = 0;
out:
	for (size_t i = 0; i < sc.npending; i++) {
		page_free(sc.pending[i].page);
		free(sc.pending[i].rel_to_site);
		free(sc.pending[i].rel);
	}
	free(sc.pending);
	free(old);
	content_free(&tmp);
	return rc;
}
