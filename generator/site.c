/* site: the build, start to finish, in one place.
 *
 *   1. config     site.lua → struct config                       (config.c)
 *   2. scan       content/, faq/ → page model                     (content.c, frontmatter.c)
 *   3. generate   data/bugzilla.sqlite → bug pages                (archive.c)
 *   4. resolve    sections, order, navigation, URL clashes        (content.c)
 *   5. render     per worker: Markdown → HTML, banners, template  (markdown.c, banner.c,
 *                 FAQ answers first, since /faq/ shows them all     template.c, faq.c)
 *   6. links      every internal #anchor against the page it names
 *   7. extras     aliases, redirect map, sitemap, Atom, search index, 404, robots.txt,
 *                 theme and site static files, content assets      (feeds.c, search.c)
 *   8. commit     staged files renamed into place, stale ones pruned (output.c)
 *
 * Any error before step 8 aborts the build and the output folder stays as it was. */
#include "site.h"
#include "archive.h"
#include "banner.h"
#include "cache.h"
#include "buf.h"
#include "config.h"
#include "content.h"
#include "faq.h"
#include "feeds.h"
#include "fs.h"
#include "log.h"
#include "markdown.h"
#include "output.h"
#include "search.h"
#include "template.h"
#include "theme.h"
#include "version.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct build {
	const struct build_opts *opts;
	struct config cfg;
	struct content model;
	struct banners *banners;
	struct output *out;
	struct cache *cache;
	time_t now;
	char build_date[32];
	char **files;          /* every non-page output path, sorted, for link checks */
	size_t nfiles, cap_files;
	struct archive_file {
		char *rel;
		char *data;
		size_t len;
	} *generated_files;
	size_t ngenerated, cap_generated;
};

/* --- known files (static, assets, generated) ------------------------------------------ */

static void add_file(struct build *b, const char *rel)
{
	if (b->nfiles == b->cap_files)
		b->files = xrealloc(b->files, (b->cap_files = b->cap_files ? b->cap_files * 2 : 256) * sizeof *b->files);
	b->files[b->nfiles++] = xstrdup(rel);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_file(const struct build *b, const char *rel)
{
	return b->nfiles && bsearch(&rel, b->files, b->nfiles, sizeof *b->files, cmp_str);
}

static int collect_static(const char *rel, const struct stat *st, void *arg)
{
	if (S_ISREG(st->st_mode))
		add_file(arg, rel);
	return 0;
}

static void collect_files(struct build *b)
{
	for (const struct theme_file *f = theme_files; f->path; f++)
		if (!strncmp(f->path, "static/", 7))
			add_file(b, f->path + 7);
	char *dir = xasprintf("%s/static", b->opts->source);
	if (fs_is_dir(dir))
		fs_walk(dir, collect_static, b);
	free(dir);
	for (size_t i = 0; i < b->model.nassets; i++)
		add_file(b, b->model.assets[i].out);
	for (size_t i = 0; i < b->ngenerated; i++)
		add_file(b, b->generated_files[i].rel);
	static const char *made[] = {"sitemap.xml", "atom.xml", "search-index.json", "404.html", "robots.txt"};
	for (size_t i = 0; i < sizeof made / sizeof made[0]; i++)
		add_file(b, made[i]);
	if (b->nfiles)
		qsort(b->files, b->nfiles, sizeof *b->files, cmp_str);
}

/* --- link resolution (called by markdown.c for every link) ----------------------------- */

struct link_ctx {
	struct build *b;
	const struct page *page;
};

/* Normalises "a/./b/../c" in place; returns false when ".." climbs above the root. */
static bool normalise(struct buf *path)
{
	struct buf out = BUF_INIT;
	const char *p = path->data;
	bool abs = *p == '/';
	bool trailing = path->len && path->data[path->len - 1] == '/';
	while (*p) {
		while (*p == '/')
			p++;
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 0)
			break;
		if (n == 1 && p[0] == '.') {
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *s = strrchr(out.data, '/');
			if (!out.len) {
				buf_release(&out);
				return false;
			}
			buf_truncate(&out, s ? (size_t)(s - out.data) : 0);
		} else {
			if (out.len)
				buf_putc(&out, '/');
			buf_add(&out, p, n);
		}
		p += n;
	}
	buf_reset(path);
	if (abs)
		buf_putc(path, '/');
	buf_add(path, out.data, out.len);
	if (trailing && path->len && path->data[path->len - 1] != '/')
		buf_putc(path, '/');
	buf_release(&out);
	return true;
}

/* A URL path ("/docs/sets/" or "/style.css") that exists in this build → 0 and the
 * canonical form in url; -1 when nothing has it. */
static int url_exists(struct build *b, const char *path, struct buf *url)
{
	buf_reset(url);
	buf_puts(url, path);
	if (content_find(&b->model, url->data))
		return 0;
	if (url->len && url->data[url->len - 1] != '/') {
		buf_putc(url, '/');
		if (content_find(&b->model, url->data))
			return 0;
		buf_truncate(url, url->len - 1);
	}
	if (url->len > 1 && has_file(b, url->data + 1))
		return 0;
	/* /a/b/index.html names the page /a/b/ */
	if (url->len > 11 && !strcmp(url->data + url->len - 10, "index.html")) {
		buf_truncate(url, url->len - 10);
		if (content_find(&b->model, url->data))
			return 0;
	}
	return -1;
}

static bool is_external(const char *d)
{
	if (d[0] == '/' && d[1] == '/')
		return true;
	for (const char *p = d; *p; p++) {
		if (*p == ':')
			return p > d;
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '+' ||
		      *p == '-' || *p == '.'))
			return false;
	}
	return false;
}

static int resolve_link(void *arg, const char *dest, struct buf *url)
{
	struct link_ctx *ctx = arg;
	struct build *b = ctx->b;
	const struct page *p = ctx->page;
	if (is_external(dest))
		return 1;
	const char *hash = strchr(dest, '#');
	size_t plen = hash ? (size_t)(hash - dest) : strlen(dest);
	const char *q = memchr(dest, '?', plen);
	if (q)
		plen = (size_t)(q - dest);
	struct buf path = BUF_INIT, found = BUF_INIT;
	int rc = -1;
	buf_add(&path, dest, plen);
	if (path.len == 0) {
		buf_reset(url);
		rc = 0;
		goto out;
	}
	if (path.data[0] == '/') {
		/* A site path, with or without the base path in front. */
		const char *bp = b->cfg.base_path;
		size_t bl = strlen(bp);
		const char *s = path.data;
		if (bl && !strncmp(s, bp, bl) && s[bl] == '/')
			s += bl;
		struct buf tmp = BUF_INIT;
		buf_puts(&tmp, s);
		if (normalise(&tmp) && url_exists(b, tmp.data, &found) == 0)
			rc = 0;
		buf_release(&tmp);
		goto out;
	}
	/* Relative: first as a source path beside this page's file (works on GitHub too),
	 * then as a URL relative to the page's own URL. */
	if (p->src && p->kind != PAGE_GENERATED) {
		struct buf src = BUF_INIT;
		const char *slash = strrchr(p->src, '/');
		buf_add(&src, p->src, slash ? (size_t)(slash - p->src) + 1 : 0);
		buf_add(&src, path.data, path.len);
		if (normalise(&src)) {
			if (src.len > 3 && !strcmp(src.data + src.len - 3, ".md")) {
				struct page *t = content_find_source(&b->model, src.data);
				if (t) {
					buf_puts(&found, t->url);
					rc = 0;
				}
			} else {
				/* content/x/y.svg is served at /x/y.svg, faq/y.png at /faq/y.png */
				struct buf tmp = BUF_INIT;
				if (!strncmp(src.data, "content/", 8))
					buf_puts(&tmp, src.data + 7);
				else if (!strncmp(src.data, "faq/", 4))
					buf_printf(&tmp, "/%s", src.data);
				if (tmp.len && url_exists(b, tmp.data, &found) == 0)
					rc = 0;
				buf_release(&tmp);
			}
		}
		buf_release(&src);
	}
	if (rc < 0) {
		struct buf rel = BUF_INIT;
		buf_puts(&rel, p->url);
		buf_add(&rel, path.data, path.len);
		if (normalise(&rel) && url_exists(b, rel.data, &found) == 0)
			rc = 0;
		buf_release(&rel);
	}
out:
	if (rc == 0 && found.len) {
		buf_reset(url);
		buf_puts(url, b->cfg.base_path);
		buf_add(url, found.data, found.len);
	}
	buf_release(&path);
	buf_release(&found);
	return rc;
}

/* --- the build cache's keys ------------------------------------------------------------ */

static uint64_t hash_str(uint64_t h, const char *s)
{
	/* The NUL keeps "ab","c" apart from "a","bc". */
	return s ? cache_hash(h, s, strlen(s) + 1) : cache_hash(h, "\1", 1);
}

static uint64_t hash_fm(uint64_t h, const struct fm_value *v)
{
	h = cache_hash(h, &v->type, sizeof v->type);
	h = hash_str(h, v->str);
	for (size_t i = 0; i < v->n; i++) {
		if (v->keys)
			h = hash_str(h, v->keys[i]);
		h = hash_fm(h, &v->items[i]);
	}
	return h;
}

static int hash_template_file(const char *rel, const struct stat *st, void *arg)
{
	uint64_t *h = ((void **)arg)[0];
	const char *root = ((void **)arg)[1];
	if (!S_ISREG(st->st_mode))
		return 0;
	struct buf b = BUF_INIT;
	char *path = xasprintf("%s/%s", root, rel);
	if (fs_read_file(path, &b) == 0) {
		*h = hash_str(*h, rel);
		*h = cache_hash(*h, b.data, b.len);
	}
	free(path);
	buf_release(&b);
	return 0;
}

/* Everything a page's output can depend on besides its own body: options, site.lua,
 * templates and theme, every page's front matter and summary, the file list, the day
 * (banner windows and deadlines). */
static uint64_t site_key(struct build *b)
{
	uint64_t h = hash_str(CACHE_HASH_INIT, NFSITE_VERSION);
	long long day = (long long)b->now / 86400;
	h = cache_hash(h, &day, sizeof day);
	h = cache_hash(h, &b->opts->drafts, sizeof b->opts->drafts);
	h = hash_str(h, b->cfg.base_url);
	h = hash_str(h, b->opts->inject_html);
	struct buf f = BUF_INIT;
	if (b->cfg.file && fs_read_file(b->cfg.file, &f) == 0)
		h = cache_hash(h, f.data, f.len);
	buf_release(&f);
	char *tdir = xasprintf("%s/templates", b->opts->source);
	if (fs_is_dir(tdir)) {
		void *arg[2] = {&h, tdir};
		fs_walk(tdir, hash_template_file, arg);
	}
	free(tdir);
	for (const struct theme_file *t = theme_files; t->path; t++)
		h = cache_hash(hash_str(h, t->path), t->data, t->len);
	for (size_t i = 0; i < b->nfiles; i++)
		h = hash_str(h, b->files[i]);
	for (size_t i = 0; i < b->model.npages; i++) {
		const struct page *p = b->model.pages[i];
		h = hash_str(h, p->url);
		h = hash_str(h, p->kind_name);
		h = hash_str(h, p->title);
		h = hash_str(h, p->summary);
		h = hash_str(h, p->date);
		h = hash_fm(h, p->fm);
		if (p->kind == PAGE_GENERATED)
			h = hash_str(h, p->html);
	}
	return h;
}

/* A page's own input: its body; for /faq/ also every answer it shows. */
static uint64_t page_key(const struct build *b, const struct page *p)
{
	uint64_t h = hash_str(CACHE_HASH_INIT, p->file);
	h = p->body ? cache_hash(h, p->body, p->body_len) : hash_str(h, p->html);
	if (p->kind == PAGE_FAQ)
		for (size_t i = 0; i < p->npages; i++)
			if (p->pages[i]->body)
				h = cache_hash(h, p->pages[i]->body, p->pages[i]->body_len);
	(void)b;
	return h;
}

/* --- rendering ---------------------------------------------------------------------- */

struct worker {
	struct build *b;
	struct tmpl *t;
	atomic_size_t *next;
	struct page **queue;
	size_t nqueue;
	bool answers_only; /* phase A: FAQ answers into page->html, no template */
	int rc;
};

static void keep_results(struct page *p, struct md_doc *doc)
{
	/* Every id of the page (headings, footnotes, raw HTML), for other pages' #anchors. */
	p->ids = doc->anchors;
	p->nids = doc->nanchors;
	doc->anchors = NULL;
	doc->nanchors = 0;
	p->headings = xcalloc(doc->nheadings + 1, sizeof *p->headings);
	for (size_t i = 0; i < doc->nheadings; i++)
		p->headings[i] = xstrdup(doc->headings[i].text);
	p->nheadings = doc->nheadings;
	p->links = doc->links;
	p->nlinks = doc->nlinks;
	doc->links = NULL;
	doc->nlinks = 0;
	p->search_text = buf_detach(&doc->text, NULL);
}

static int render_markdown(struct build *b, struct page *p, struct md_doc *doc)
{
	struct link_ctx ctx = {b, p};
	struct md_opts opts = {.file = p->file, .first_line = p->body_line, .resolve = resolve_link, .arg = &ctx};
	return markdown_render(p->body ? p->body : "", p->body_len, &opts, doc);
}

/* Inserts html before the last </body>, or appends it. */
static void inject(struct buf *page, const char *html)
{
	char *at = NULL;
	for (char *s = page->data; (s = strstr(s, "</body>")); s++)
		at = s;
	if (!at) {
		buf_puts(page, html);
		return;
	}
	size_t off = (size_t)(at - page->data);
	struct buf tail = BUF_INIT;
	buf_add(&tail, page->data + off, page->len - off);
	buf_truncate(page, off);
	buf_puts(page, html);
	buf_add(page, tail.data, tail.len);
	buf_release(&tail);
}

static int render_page(struct worker *w, struct page *p)
{
	struct build *b = w->b;
	struct md_doc doc = MD_DOC_INIT;
	struct banner_out *banners = NULL;
	size_t nbanners = 0;
	struct buf html = BUF_INIT, jsonld = BUF_INIT;
	int rc = -1;
	const char *content;
	uint64_t key = page_key(b, p);
	/* Unchanged since the last build: keep its output and what the build learned. */
	if (w->answers_only) {
		if (cache_lookup(b->cache, p, key)) {
			p->cached = true;
			return 0;
		}
	} else if (output_kept(b->out, p->out) && (p->cached || cache_lookup(b->cache, p, key))) {
		output_keep(b->out, p->out, p->src);
		return 0;
	}
	if (!w->t && !w->answers_only) {
		lua_State *L = config_state(&b->cfg);
		if (!L || !(w->t = tmpl_new(L, &b->cfg, &b->model, b->build_date)))
			goto out;
	}
	if (p->kind == PAGE_GENERATED) {
		content = p->html;
	} else if (p->kind == PAGE_QUESTION && !w->answers_only) {
		content = p->html; /* rendered in phase A */
	} else {
		if (render_markdown(b, p, &doc) < 0)
			goto out;
		keep_results(p, &doc);
		if (w->answers_only) {
			p->html = buf_detach(&doc.html, NULL);
			cache_store(b->cache, p, key);
			rc = 0;
			goto out;
		}
		if (p->kind != PAGE_QUESTION)
			cache_store(b->cache, p, key);
		content = doc.html.data;
	}
	if (p->kind == PAGE_GENERATED)
		cache_store(b->cache, p, key);
	if (banners_for_page(b->banners, w->t, p, b->now, &banners, &nbanners) < 0)
		goto out;
	if (p->kind == PAGE_FAQ && faq_prepare(w->t, p, &jsonld) < 0)
		goto out;
	struct render_vars vars = {
		.content = content, .doc = &doc, .banners = banners, .nbanners = nbanners,
		.jsonld = jsonld.len ? jsonld.data : NULL,
	};
	if (tmpl_render(w->t, tmpl_name_for(p), p, &vars, &html) < 0)
		goto out;
	if (b->opts->inject_html)
		inject(&html, b->opts->inject_html);
	rc = output_write(b->out, p->out, html.data, html.len, p->src);
out:
	banner_out_free(banners, nbanners);
	md_doc_release(&doc);
	buf_release(&html);
	buf_release(&jsonld);
	return rc;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	size_t i;
	while ((i = atomic_fetch_add(w->next, 1)) < w->nqueue)
		if (render_page(w, w->queue[i]) < 0)
			w->rc = -1;
	return NULL;
}

static int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)(n > 64 ? 64 : n) : 1;
}

/* Renders queue on opts->jobs threads, each with its own Lua state and templates. */
/* The render workers live for the whole build; each makes its Lua state and template
 * tables only when it first has a page to render, so a rebuild that the cache answers
 * entirely pays for none. */
struct workers {
	struct worker *w;
	int n;
};

static void workers_init(struct build *b, struct workers *ws)
{
	ws->n = b->opts->jobs > 0 ? b->opts->jobs : default_jobs();
	ws->w = xcalloc((size_t)ws->n, sizeof *ws->w);
	for (int i = 0; i < ws->n; i++)
		ws->w[i].b = b;
}

static void workers_release(struct workers *ws)
{
	for (int i = 0; i < ws->n; i++)
		tmpl_free(ws->w[i].t);
	free(ws->w);
}

/* Renders queue[0..n) on the workers. */
static int render_all(struct workers *ws, struct page **queue, size_t n, bool answers_only)
{
	int jobs = (size_t)ws->n > n ? (int)n : ws->n;
	if (jobs == 0)
		return 0;
	pthread_t *th = xcalloc((size_t)jobs, sizeof *th);
	bool *started = xcalloc((size_t)jobs, sizeof *started);
	atomic_size_t next = 0;
	int rc = 0;
	for (int i = 0; i < jobs; i++) {
		struct worker *w = &ws->w[i];
		w->next = &next;
		w->queue = queue;
		w->nqueue = n;
		w->answers_only = answers_only;
		w->rc = 0;
	}
	/* Worker 0 is this thread; if a thread cannot start, the others take its share. */
	for (int i = 1; i < jobs; i++)
		started[i] = pthread_create(&th[i], NULL, worker_main, &ws->w[i]) == 0;
	worker_main(&ws->w[0]);
	for (int i = 1; i < jobs; i++)
		if (started[i])
			pthread_join(th[i], NULL);
	for (int i = 0; i < jobs; i++)
		if (ws->w[i].rc < 0)
			rc = -1;
	free(th);
	free(started);
	return rc;
}

/* Every page's template must exist; report it at the front matter line that names it. */
static int check_templates(struct build *b)
{
	int rc = 0;
	for (size_t i = 0; i < b->model.npages; i++) {
		const struct page *p = b->model.pages[i];
		const char *name = tmpl_name_for(p);
		if (!tmpl_exists(&b->cfg, name)) {
			const struct fm_value *v = fm_get(p->fm, "template");
			rc = error_at(p->file, v ? v->line : 0, "unknown template '%s' (not in templates/ nor in the default theme)",
			              name);
		}
	}
	return rc;
}

/* --- checks after rendering ---------------------------------------------------------- */

static bool page_has_id(const struct page *p, const char *id)
{
	for (size_t i = 0; i < p->nids; i++)
		if (!strcmp(p->ids[i], id))
			return true;
	if (p->anchors)
		for (char **a = p->anchors; *a; a++)
			if (!strcmp(*a, id))
				return true;
	return false;
}

static int check_anchors(struct build *b)
{
	int rc = 0;
	size_t bl = strlen(b->cfg.base_path);
	for (size_t i = 0; i < b->model.npages; i++) {
		const struct page *p = b->model.pages[i];
		for (size_t k = 0; k < p->nlinks; k++) {
			const struct md_link *l = &p->links[k];
			if (!l->fragment || !*l->fragment || !l->url[0])
				continue; /* same-page anchors were checked by markdown.c */
			const char *u = l->url;
			if (bl && !strncmp(u, b->cfg.base_path, bl))
				u += bl;
			const struct page *t = content_find(&b->model, u);
			if (!t)
				continue; /* a file, not a page: no anchors to check */
			if (!page_has_id(t, l->fragment)) {
				rc = error_at(p->file, l->line, "broken link '%s': %s has no anchor '#%s'", l->written, t->url,
				              l->fragment);
			}
		}
	}
	return rc;
}

/* --- extras ------------------------------------------------------------------------- */

static int write_buf(struct build *b, const char *rel, struct buf *data, const char *src)
{
	int rc = output_write(b->out, rel, data->data, data->len, src);
	buf_release(data);
	return rc;
}

/* An alias path ("/old/", "/old/page.html") → the output file of its redirect page. */
static char *alias_out(const char *alias)
{
	const char *a = alias;
	while (*a == '/')
		a++;
	size_t n = strlen(a);
	if (n == 0)
		return NULL;
	const char *last = strrchr(a, '/');
	last = last ? last + 1 : a;
	if (a[n - 1] == '/')
		return xasprintf("%sindex.html", a);
	if (strchr(last, '.'))
		return xstrdup(a);
	return xasprintf("%s/index.html", a);
}

static int write_aliases(struct build *b)
{
	int rc = 0;
	struct buf map = BUF_INIT;
	buf_puts(&map, "# nginx: include inside http {}; then in server {}: "
	               "if ($nfsite_redirect) { return 301 $nfsite_redirect; }\n"
	               "map $uri $nfsite_redirect {\n");
	for (size_t i = 0; i < b->model.npages; i++) {
		const struct page *p = b->model.pages[i];
		for (size_t k = 0; p->aliases && p->aliases[k]; k++) {
			const char *alias = p->aliases[k];
			char *out = alias_out(alias);
			const char *file = p->file;
			const struct fm_value *v = fm_get(p->fm, "aliases");
			int line = v && k < v->n ? v->items[k].line : 0;
			if (!out || !fs_rel_is_safe(out, strlen(out)) || strchr(alias, '\\') || alias[0] != '/') {
				rc = error_at(file, line, "alias '%s' must be a URL path inside the site (like /old/page/)", alias);
			} else if (content_find(&b->model, alias) || has_file(b, out)) {
				rc = error_at(file, line, "alias '%s' is already a page or file of the site", alias);
			} else {
				struct buf html = BUF_INIT;
				struct buf target = BUF_INIT;
				buf_printf(&target, "%s%s", b->cfg.base_path, p->url);
				buf_puts(&html, "<!DOCTYPE html>\n<html lang=\"");
				buf_puts_html(&html, b->cfg.language);
				buf_puts(&html, "\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved: ");
				buf_puts_html(&html, p->title);
				buf_puts(&html, "</title>\n<link rel=\"canonical\" href=\"");
				buf_puts_html(&html, b->cfg.base_url);
				buf_puts_html(&html, p->url + 1);
				buf_puts(&html, "\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url=");
				buf_puts_html(&html, target.data);
				buf_puts(&html, "\">\n</head>\n<body>\n<p>This page has moved to <a href=\"");
				buf_puts_html(&html, target.data);
				buf_puts(&html, "\">");
				buf_puts_html(&html, p->title);
				buf_puts(&html, "</a>.</p>\n</body>\n</html>\n");
				if (write_buf(b, out, &html, p->src) < 0)
					rc = -1;
				buf_printf(&map, "    %s %s;\n", alias, target.data);
				buf_release(&target);
			}
			free(out);
		}
	}
	buf_puts(&map, "}\n");
	if (rc == 0)
		rc = write_buf(b, "redirects.nginx.conf", &map, "aliases");
	buf_release(&map);
	return rc;
}

static int copy_theme_static(struct build *b)
{
	char *site_static = xasprintf("%s/static", b->opts->source);
	int rc = 0;
	for (const struct theme_file *f = theme_files; f->path && rc == 0; f++) {
		if (strncmp(f->path, "static/", 7))
			continue;
		char *over = xasprintf("%s/%s", site_static, f->path + 7);
		if (!fs_exists(over))
			rc = output_write(b->out, f->path + 7, f->data, f->len, "theme");
		free(over);
	}
	free(site_static);
	return rc;
}

struct static_walk {
	struct build *b;
	const char *root;
	int rc;
};

static int copy_static_entry(const char *rel, const struct stat *st, void *arg)
{
	struct static_walk *w = arg;
	if (S_ISLNK(st->st_mode)) {
		w->rc = error_at(w->root, 0, "static/%s is a symbolic link; refusing to copy it", rel);
		return 0;
	}
	if (!S_ISREG(st->st_mode))
		return 0;
	char *path = xasprintf("%s/%s", w->root, rel);
	if (output_copy(w->b->out, rel, path) < 0)
		w->rc = -1;
	free(path);
	return 0;
}

static int write_extras(struct build *b)
{
	int rc = 0;
	struct buf x = BUF_INIT;
	if (feeds_sitemap(&b->cfg, &b->model, &x) < 0 || write_buf(b, "sitemap.xml", &x, "sitemap") < 0)
		rc = -1;
	int a = feeds_atom(&b->cfg, &b->model, &x);
	if (a < 0 || (a == 0 && write_buf(b, "atom.xml", &x, "atom feed") < 0))
		rc = -1;
	buf_release(&x);
	search_index(&b->model, &x);
	if (write_buf(b, "search-index.json", &x, "search index") < 0)
		rc = -1;
	char *robots = xasprintf("%s/static/robots.txt", b->opts->source);
	if (!fs_exists(robots)) {
		buf_printf(&x, "User-agent: *\nAllow: /\n\nSitemap: %ssitemap.xml\n", b->cfg.base_url);
		if (write_buf(b, "robots.txt", &x, "robots.txt") < 0)
			rc = -1;
	}
	free(robots);
	if (write_aliases(b) < 0)
		rc = -1;
	if (copy_theme_static(b) < 0)
		rc = -1;
	char *dir = xasprintf("%s/static", b->opts->source);
	if (fs_is_dir(dir)) {
		struct static_walk w = {b, dir, 0};
		fs_walk(dir, copy_static_entry, &w);
		if (w.rc < 0)
			rc = -1;
	}
	free(dir);
	for (size_t i = 0; i < b->model.nassets; i++)
		if (output_copy(b->out, b->model.assets[i].out, b->model.assets[i].src) < 0)
			rc = -1;
	for (size_t i = 0; i < b->ngenerated; i++) {
		struct archive_file *f = &b->generated_files[i];
		if (output_write(b->out, f->rel, f->data, f->len, b->cfg.bug_db) < 0)
			rc = -1;
	}
	return rc;
}

/* --- generators ---------------------------------------------------------------------- */

static int sink_page(void *arg, const struct archive_page *ap)
{
	struct build *b = arg;
	return content_add_generated(&b->model, b->cfg.bug_db, ap->url, ap->title, ap->kind, ap->description, ap->date,
	                             ap->html, ap->anchors);
}

static int sink_file(void *arg, const char *rel, const char *data, size_t len)
{
	struct build *b = arg;
	if (!fs_rel_is_safe(rel, strlen(rel)))
		return error_at(b->cfg.bug_db, 0, "archive file path '%s' would leave the output folder", rel);
	if (b->ngenerated == b->cap_generated)
		b->generated_files = xrealloc(b->generated_files,
		                              (b->cap_generated = b->cap_generated ? b->cap_generated * 2 : 64) *
		                                  sizeof *b->generated_files);
	struct archive_file *f = &b->generated_files[b->ngenerated++];
	f->rel = xstrdup(rel);
	f->data = xmalloc(len + 1);
	memcpy(f->data, data, len);
	f->data[len] = 0;
	f->len = len;
	return 0;
}

static int generate(struct build *b)
{
	char *db = xasprintf("%s/%s", b->opts->source, b->cfg.bug_db);
	int rc = 0;
	if (fs_exists(db)) {
		struct archive_sink sink = {sink_page, sink_file, b};
		rc = archive_render(db, &sink);
	}
	free(db);
	/* The not-found and search pages are pages of their own so templates get the usual
	 * variables; a site may write content/search.md itself. */
	if (rc == 0 && !content_find(&b->model, "/404.html"))
		rc = content_add_generated(&b->model, "404", "/404/", "Page not found", "404",
		                           "The page you asked for does not exist.", NULL, "", NULL);
	if (rc == 0 && !content_find(&b->model, "/search/") && tmpl_exists(&b->cfg, "search.html"))
		rc = content_add_generated(&b->model, "search", "/search/", "Search", "search",
		                           "Search this site, or browse every page.", NULL, "", NULL);
	return rc;
}

/* --- the build ----------------------------------------------------------------------- */

static void build_release(struct build *b)
{
	banners_free(b->banners);
	content_free(&b->model);
	config_release(&b->cfg);
	for (size_t i = 0; i < b->nfiles; i++)
		free(b->files[i]);
	free(b->files);
	for (size_t i = 0; i < b->ngenerated; i++) {
		free(b->generated_files[i].rel);
		free(b->generated_files[i].data);
	}
	free(b->generated_files);
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int site_build(const struct build_opts *opts, struct build_stats *stats)
{
	struct build b = {.opts = opts};
	double t0 = now_seconds();
	log_reset_count(); /* this build fails on its own errors only */
	int rc = -1;
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	b.now = sde && *sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
	struct tm tm;
	gmtime_r(&b.now, &tm);
	strftime(b.build_date, sizeof b.build_date, "%Y-%m-%dT%H:%M:%SZ", &tm);

	if (!fs_is_dir(opts->source)) {
		error_at(opts->source, 0, "site folder does not exist");
		goto out;
	}
	if (config_load(opts->source, opts->base_url, &b.cfg) < 0)                /* 1 */
		goto out;
	if (banners_load(&b.cfg, &b.banners) < 0)
		goto out;
	if (content_scan(opts->source, opts->drafts, &b.model) < 0)                 /* 2 */
		goto out;
	if (generate(&b) < 0)                                                      /* 3 */
		goto out;
	if (content_resolve(&b.model, b.cfg.news_url) < 0 || faq_check(&b.model) < 0) /* 4 */
		goto out;
	collect_files(&b);
	if (check_templates(&b) < 0)
		goto out;
	if (!(b.out = output_begin(opts->dest)))
		goto out;
	b.cache = cache_open(opts->dest, site_key(&b));

	struct page **queue = xcalloc(b.model.npages + 1, sizeof *queue);         /* 5 */
	struct workers ws;
	workers_init(&b, &ws);
	size_t nq = 0;
	for (size_t i = 0; i < b.model.npages; i++)
		if (b.model.pages[i]->kind == PAGE_QUESTION)
			queue[nq++] = b.model.pages[i];
	int r = render_all(&ws, queue, nq, true);
	if (r == 0)
		r = render_all(&ws, b.model.pages, b.model.npages, false);
	workers_release(&ws);
	free(queue);
	if (r < 0)
		goto out;
	if (check_anchors(&b) < 0)                                                 /* 6 */
		goto out;
	if (write_extras(&b) < 0)                                                  /* 7 */
		goto out;
	if (log_error_count() > 0)
		goto out;
	struct output *o = b.out;
	b.out = NULL;
	if (output_commit(o, stats) < 0)                                           /* 8 */
		goto out;
	cache_save(b.cache);
	b.cache = NULL;
	if (stats) {
		stats->pages = b.model.npages;
		stats->seconds = now_seconds() - t0;
	}
	rc = 0;
out:
	output_abort(b.out);
	cache_free(b.cache);
	build_release(&b);
	return rc;
}
