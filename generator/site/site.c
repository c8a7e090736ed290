/* site: the build, start to finish, in one place.
 *
 *   1. config     site.lua → struct config                       (config.c)
 *   2. scan       content/, faq/ → page model                     (content.c, frontmatter.c)
 *   3. generate   data/bugzilla.sqlite → bug pages                (bugpages.c)
 *                 front matter tags → /tags/ and a page per tag     (taxonomy.c)
 *   4. resolve    sections, order, navigation, URL clashes        (content.c)
 *   5. render     per worker: Markdown → HTML, banners, template  (markdown.c, banner.c,
 *                 FAQ answers first, since /faq/ shows them all     template.c, faq.c)
 *   6. links      every internal #anchor against the page it names
 *   7. extras     aliases, redirect map, sitemap, Atom, search index, 404, robots.txt,
 *                 theme and site static files, content assets      (feeds.c, search.c)
 *   8. commit     staged files renamed into place, stale ones pruned (output.c)
 *
 * Any error before step 8 aborts the build and the output folder stays as it was. */
#include "site/site.h"
#include "site/bugpages.h"
#include "site/banner.h"
#include "site/translate.h"
#include "site/cache.h"
#include "base/buf.h"
#include "base/date.h"
#include "site/config.h"
#include "site/content.h"
#include "site/faq.h"
#include "site/feeds.h"
#include "base/fs.h"
#include "base/hash.h"
#include "base/json.h"
#include "base/log.h"
#include "base/lua.h"
#include "site/markdown.h"
#include "site/output.h"
#include "site/redirects.h"
#include "site/search.h"
#include "site/taxonomy.h"
#include "site/template.h"
#include "site/theme.h"
#include "base/strmap.h"
#include "base/version.h"
#include "base/url.h"
#include "base/utf8.h"
#include "base/webconf.h"

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
	struct search_memo *search; /* the preview server's, NULL in a one-off build */
	struct translator *tr; /* nft translations of iptables blocks (translate.h) */
	uint64_t key;          /* the site key (see site_key) */
	time_t now;
	char build_date[DATE_RFC3339_SIZE];
	char **files;          /* every non-page output path, sorted, for link checks */
	size_t nfiles, cap_files;
	struct archive_file {
		char *rel;
		char *data;
		size_t len;
	} *generated_files;
	size_t ngenerated, cap_generated;
	struct buf host_redirects; /* _redirects lines of the bug archive (sink_redirect) */
	size_t broken_pages, broken_anchors; /* warned about under links = "warn" */
	bool once;             /* no later build reuses the model (not the preview server) */
};

/* --- known files (static, assets, generated) ------------------------------------------ */

static void add_file(struct build *b, const char *rel)
{
	ALLOC_GROW(b->files, b->nfiles + 1, b->cap_files);
	b->files[b->nfiles++] = xstrdup(rel);
}

static void free_files(char **files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
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

static int add_search_file(const char *rel, void *arg)
{
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
	static const char *made[] = {"sitemap.xml", "atom.xml", "404.html", "robots.txt"};
	for (size_t i = 0; i < sizeof made / sizeof made[0]; i++)
		add_file(b, made[i]);
	search_files(&b->model, add_search_file, b);
	if (b->nfiles)
		qsort(b->files, b->nfiles, sizeof *b->files, cmp_str);
}

/* --- link resolution (called by markdown.c for every link) ----------------------------- */

struct link_ctx {
	struct build *b;
	const struct page *page;
};

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

/* A URL path ("/docs/a" or "/docs/a/") or source path of a draft this build left out. */
static bool names_draft(const struct build *b, const char *path)
{
	if (content_is_draft(&b->model, path))
		return true;
	char *slashed = xasprintf("%s/", path);
	bool draft = content_is_draft(&b->model, slashed);
	free(slashed);
	return draft;
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
	bool draft = false;
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
		/* "a//b" as the file system reads it */
		struct buf tmp = BUF_INIT;
		buf_puts(&tmp, s);
		if (url_normalise(&tmp, true) && url_exists(b, tmp.data, &found) == 0)
			rc = 0;
		else if (names_draft(b, tmp.data))
			rc = -2;
		buf_release(&tmp);
		goto out;
	}
	/* Relative: first as a source path beside this page's file (works on GitHub too),
	 * then as a URL relative to the page's own URL. */
	if (p->src && p->kind != PAGE_GENERATED) {
		struct buf src = BUF_INIT;
		url_join(&src, p->src, path.data, path.len);
		if (url_normalise(&src, true)) {
			if (src.len > 3 && !strcmp(src.data + src.len - 3, ".md")) {
				struct page *t = content_find_source(&b->model, src.data);
				if (t) {
					buf_puts(&found, t->url);
					rc = 0;
				} else if (names_draft(b, src.data)) {
					draft = true;
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
		url_join(&rel, p->url, path.data, path.len);
		if (url_normalise(&rel, true) && url_exists(b, rel.data, &found) == 0)
			rc = 0;
		else if (draft || names_draft(b, rel.data))
			rc = -2;
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
	return s ? hash_bytes(h, s, strlen(s) + 1) : hash_bytes(h, "\1", 1);
}

static uint64_t hash_fm(uint64_t h, const struct fm_value *v)
{
	h = hash_bytes(h, &v->type, sizeof v->type);
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
	char *path = xasprintf("%s/%s", root, rel);
	if (!S_ISREG(st->st_mode)) {
		if (!S_ISDIR(st->st_mode) && !S_ISLNK(st->st_mode)) {
			warn_at(path, 0, "%s, not a regular file; skipped", fs_kind(st->st_mode));
			*h = hash_str(*h, rel); /* a page using it must fail, not be kept */
		}
		free(path);
		return 0;
	}
	struct buf b = BUF_INIT;
	if (fs_read_file(path, &b) == 0) {
		*h = hash_str(*h, rel);
		*h = hash_bytes(*h, b.data, b.len);
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
	uint64_t h = hash_str(HASH_SEED, NFSITE_VERSION);
	long long day = (long long)b->now / 86400;
	h = hash_bytes(h, &day, sizeof day);
	h = hash_bytes(h, &b->opts->drafts, sizeof b->opts->drafts);
	h = hash_str(h, b->cfg.base_url);
	h = hash_str(h, b->opts->inject_html);
	uint64_t tk = translator_key(b->tr); /* a translator installed or upgraded */
	h = hash_bytes(h, &tk, sizeof tk);
	struct buf f = BUF_INIT;
	if (b->cfg.file && fs_read_file(b->cfg.file, &f) == 0)
		h = hash_bytes(h, f.data, f.len);
	buf_release(&f);
	char *tdir = xasprintf("%s/templates", b->opts->source);
	if (fs_is_dir(tdir)) {
		void *arg[2] = {&h, tdir};
		fs_walk(tdir, hash_template_file, arg);
	}
	free(tdir);
	for (const struct theme_file *t = theme_files; t->path; t++)
		h = hash_bytes(hash_str(h, t->path), t->data, t->len);
	for (size_t i = 0; i < b->nfiles; i++)
		h = hash_str(h, b->files[i]);
	for (size_t i = 0; i < b->model.npages; i++) {
		struct page *p = b->model.pages[i];
		/* Kept with a page that is reused unchanged, so a rebuild hashes little. */
		if (!p->meta_key) {
			uint64_t m = hash_str(HASH_SEED, p->url);
			m = hash_str(m, p->kind_name);
			m = hash_str(m, p->title);
			m = hash_str(m, p->summary);
			m = hash_str(m, p->date);
			m = hash_fm(m, p->fm);
			if (p->kind == PAGE_GENERATED)
				m = hash_str(m, p->html);
			p->meta_key = m ? m : 1;
		}
		h = hash_bytes(h, &p->meta_key, sizeof p->meta_key);
	}
	return h;
}

/* A page's own input: its body; for /faq/ also every answer it shows. */
static void compute_body_key(struct page *p)
{
	if (!p->body_key) {
		uint64_t h = hash_str(HASH_SEED, p->file);
		h = p->body ? hash_bytes(h, p->body, p->body_len) : hash_str(h, p->html);
		p->body_key = h ? h : 1;
	}
}

/* Set once, before the workers start: a page kept from the last build keeps its key. */
static void compute_body_keys(struct content *m)
{
	for (size_t i = 0; i < m->npages; i++)
		compute_body_key(m->pages[i]);
}

static uint64_t page_key(const struct page *p)
{
	uint64_t h = p->body_key;
	if (p->kind == PAGE_FAQ)
		for (size_t i = 0; i < p->npages; i++)
			h = hash_bytes(h, &p->pages[i]->body_key, sizeof p->pages[i]->body_key);
	return h;
}

/* Whether p's render results are still good: kept ones are confirmed against the cache,
 * missing ones fetched from it. Stale results are dropped. */
static bool results_valid(struct build *b, struct page *p, uint64_t key)
{
	if (p->cached)
		return true;
	bool ok = p->has_results ? cache_touch(b->cache, p->url, key) : cache_lookup(b->cache, p, key);
	if (!ok && p->has_results)
		content_page_forget(p);
	return ok;
}

/* --- rendering ---------------------------------------------------------------------- */

struct worker {
	struct build *b;
	struct tmpl *t;
	atomic_size_t *next;
	struct page **queue;
	size_t nqueue;
	bool answers_only; /* phase A: FAQ answers into page->html, no template */
	struct json *json; /* this worker's, for search index entries */
	size_t broken_pages, broken_anchors; /* warnings of the pages it rendered */
	int rc;
};

static void keep_results(struct page *p, struct md_doc *doc)
{
	/* Every id of the page (headings, footnotes, raw HTML), for other pages' #anchors.
	 * Kept to the end of the build: the arrays lose their growth's spare room. */
	p->ids = doc->nanchors ? xreallocarray(doc->anchors, doc->nanchors, sizeof *p->ids) : doc->anchors;
	p->nids = doc->nanchors;
	doc->anchors = NULL;
	doc->nanchors = 0;
	p->headings = xcalloc(doc->nheadings + 1, sizeof *p->headings);
	for (size_t i = 0; i < doc->nheadings; i++)
		p->headings[i] = xstrdup(doc->headings[i].text);
	p->nheadings = doc->nheadings;
	p->links = doc->nlinks ? xreallocarray(doc->links, doc->nlinks, sizeof *p->links) : doc->links;
	p->nlinks = doc->nlinks;
	doc->links = NULL;
	doc->nlinks = 0;
	p->search_text = xstrndup(doc->text.data, search_text_used(doc->text.data, doc->text.len));
	p->has_results = true;
}

static int render_markdown(struct build *b, struct page *p, struct md_doc *doc)
{
	struct link_ctx ctx = {b, p};
	struct md_opts opts = {.file = p->file, .first_line = p->body_line, .resolve = resolve_link, .arg = &ctx,
	                       .translate = b->tr, .warn_pages = b->cfg.links_pages == LINKS_WARN,
	                       .warn_anchors = b->cfg.links_anchors == LINKS_WARN};
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
	uint64_t key = page_key(p);
	/* Unchanged since the last build: keep its output and what the build learned. */
	if (w->answers_only) {
		if (results_valid(b, p, key)) {
			p->cached = true;
			return 0;
		}
	} else {
		/* A question whose answer phase A just rendered must be written anew. */
		bool fresh_answer = p->kind == PAGE_QUESTION && p->has_results && !p->cached;
		if (!fresh_answer && output_kept(b->out, p->out) && results_valid(b, p, key))
			return output_keep(b->out, p->out, p->file);
		if (!fresh_answer && p->has_results && !p->cached)
			content_page_forget(p); /* rendered again below */
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
		p->rendered = true;
		keep_results(p, &doc);
		/* A page with warnings is stored under no key, so every build reports them
		 * again (and nfsite check still finds its links' lines). */
		uint64_t keep = doc.broken_pages || doc.broken_anchors ? 0 : key;
		w->broken_pages += doc.broken_pages;
		w->broken_anchors += doc.broken_anchors;
		if (w->answers_only) {
			p->html = buf_detach(&doc.html, NULL);
			cache_store(b->cache, p, &doc, keep);
			rc = 0;
			goto out;
		}
		if (p->kind != PAGE_QUESTION)
			cache_store(b->cache, p, &doc, keep);
		content = doc.html.data;
	}
	if (p->kind == PAGE_GENERATED)
		cache_store(b->cache, p, NULL, key);
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
	rc = output_write(b->out, p->out, html.data, html.len, p->file);
	if (!w->json)
		w->json = json_new(false);
	search_entry(w->json, p, b->cfg.base_path);
	/* Nothing reads a rendered page's Markdown again in this build (its key is made),
	 * and only the preview server keeps the model: 50-80 MB at 10,000 pages. A
	 * question, rendered in two phases, keeps its body. */
	if (b->once && p->kind != PAGE_QUESTION && p->body) {
		free(p->body);
		p->body = NULL;
		p->body_len = 0;
	}
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
	while ((i = atomic_fetch_add(w->next, 1)) < w->nqueue) {
		struct page *p = w->queue[i];
		log_context(p->kind == PAGE_GENERATED ? p->url : p->file);
		if (render_page(w, p) < 0)
			w->rc = -1;
		if (w->t && lua_budget_spent(tmpl_lua(w->t)))
			break; /* reported; the build fails */
	}
	log_context(NULL);
	return NULL;
}

static int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)(n > 64 ? 64 : n) : 1;
}

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
	for (int i = 0; i < ws->n; i++) {
		tmpl_free(ws->w[i].t);
		json_free(ws->w[i].json);
	}
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
		w->broken_pages = w->broken_anchors = 0;
		w->rc = 0;
	}
	/* Worker 0 is this thread; if a thread cannot start, the others take its share. */
	for (int i = 1; i < jobs; i++)
		started[i] = pthread_create(&th[i], NULL, worker_main, &ws->w[i]) == 0;
	worker_main(&ws->w[0]);
	for (int i = 1; i < jobs; i++)
		if (started[i])
			pthread_join(th[i], NULL);
	for (int i = 0; i < jobs; i++) {
		if (ws->w[i].rc < 0)
			rc = -1;
		ws->w[i].b->broken_pages += ws->w[i].broken_pages;
		ws->w[i].b->broken_anchors += ws->w[i].broken_anchors;
	}
	free(th);
	free(started);
	return rc;
}

/* Every page's template must exist; report it at the front matter line that names it. */
static int check_templates(struct build *b)
{
	int rc = 0;
	/* Few names, many pages: remember the last answer per name. */
	const char *known[16] = {0};
	size_t nknown = 0;
	for (size_t i = 0; i < b->model.npages; i++) {
		const struct page *p = b->model.pages[i];
		const char *name = tmpl_name_for(p);
		bool seen = false;
		for (size_t k = 0; k < nknown && !seen; k++)
			seen = !strcmp(known[k], name);
		if (seen)
			continue;
		if (tmpl_exists(&b->cfg, name)) {
			if (nknown < sizeof known / sizeof known[0])
				known[nknown++] = name;
		} else {
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

/* A link between two Markdown pages this build did not render was checked, against the
 * same ids, by the build that rendered them, and that build succeeded (a failed one
 * leaves no cache behind, and the preview server drops its state): only links from or
 * to a page rendered now, or to a generated one, need checking. Warnings come again
 * with every build, so with warnings every link is checked. At 10,000 pages this was
 * 12% of a one-page rebuild in nfsite serve. Checks the links of pages[0..n). */
static int check_anchors(struct build *b, struct page *const *pages, size_t n)
{
	int rc = 0;
	size_t bl = strlen(b->cfg.base_path);
	bool all = b->cfg.links_anchors == LINKS_WARN;
	for (size_t i = 0; i < n; i++) {
		const struct page *p = pages[i];
		bool p_new = all || p->rendered || p->kind == PAGE_GENERATED;
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
			if (!p_new && !t->rendered && t->kind != PAGE_GENERATED)
				continue;
			if (page_has_id(t, l->fragment))
				continue;
			if (b->cfg.links_anchors == LINKS_WARN) {
				warn_at(p->file, l->line, "broken link '%s': %s has no anchor '#%s'", l->written, t->url, l->fragment);
				b->broken_anchors++;
			} else {
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

/* A _redirects line (Netlify's format, which Cloudflare Pages reads too): path,
 * query condition, target, status; paths percent-encoded, so no space splits a field. */
static void host_redirect(struct buf *out, const char *base_path, const char *path, const char *query,
                          const char *target)
{
	buf_add_urlenc(out, base_path, strlen(base_path));
	buf_add_urlenc(out, path, strlen(path));
	if (query) {
		buf_putc(out, ' ');
		buf_puts(out, query);
	}
	buf_putc(out, ' ');
	buf_add_urlenc(out, base_path, strlen(base_path));
	const char *hash = strchr(target, '#');
	buf_add_urlenc(out, target, hash ? (size_t)(hash - target) : strlen(target));
	if (hash) {
		buf_putc(out, '#');
		buf_add_urlenc(out, hash + 1, strlen(hash + 1));
	}
	buf_puts(out, " 301\n");
}

/* An old path ("/old/", "/old/page.html") → the output file of its stub page: a folder's
 * index.html unless the name ends in .html or .htm (a stub named page.php would be a
 * download on a server that does not know the extension). */
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
	const char *dot = strrchr(last, '.');
	if (a[n - 1] == '/')
		return xasprintf("%sindex.html", a);
	if (dot && (!strcmp(dot, ".html") || !strcmp(dot, ".htm")))
		return xstrdup(a);
	return xasprintf("%s/index.html", a);
}

/* What write_aliases fills: the nginx map of old paths and the Apache rules; the same
 * for the query forms, which come first (a rule without a query matches any); the
 * _redirects lines likewise; and the stub files written, so no old URL comes twice. */
struct redirect_files {
	struct buf map, ap, hosts, qap, qhosts;
	struct strmap seen;
	struct strmap folded; /* every page's URL and stub folder, folded (utf8_fold) */
};

/* base_path + url (+ "#frag") as a Location header: percent-encoded, fragment apart. */
static void location(struct buf *out, const char *base_path, const char *url, const char *frag)
{
	buf_add_urlenc(out, base_path, strlen(base_path));
	buf_add_urlenc(out, url, strlen(url));
	if (frag) {
		buf_putc(out, '#');
		buf_add_urlenc(out, frag, strlen(frag));
	}
}

/* The stub file for old (a path from the site's root) into *rel, or an error naming what
 * (an alias, an old URL) at file:line: unsafe, a page or file of the site, or a stub
 * already written. An old URL of a redirect file whose stub would be a page's or another
 * stub's file but for case (/wiki/Ulogd2 beside the page /wiki/ulogd2/) gets none: 1,
 * *rel NULL; the servers' rules still redirect it. */
static int stub_file(struct build *b, struct redirect_files *f, const char *old, const char *what, const char *file,
                     int line, char **rel)
{
	char *out = alias_out(old);
	size_t n = out ? strlen(out) : 0;
	bool added = false;
	*rel = NULL;
	if (!out || !fs_rel_is_safe(out, n) || strchr(old, '\\') || old[0] != '/' || !webconf_key_fits(old)) {
		error_at(file, line, "%s '%s' must be a URL path inside the site (like /old/page/)", what, old);
	} else {
		char *dir = n >= 10 && !strcmp(out + n - 10, "index.html") ? xasprintf("/%.*s", (int)(n - 10), out) : NULL;
		struct buf folded = BUF_INIT;
		if (dir)
			utf8_fold(dir, strlen(dir), &folded);
		bool in_page = dir && (content_find(&b->model, dir) || strmap_get(&f->folded, folded.data, folded.len));
		if (content_find(&b->model, old) || has_file(b, out) || (in_page && !strcmp(what, "alias")))
			error_at(file, line, "%s '%s' is already a page or file of the site", what, old);
		else if (strmap_put(&f->seen, out, n, &added), !added)
			error_at(file, line, "%s '%s' is redirected twice (by an alias or a redirect file)", what, old);
		if (added && in_page) {
			free(out);
			out = NULL;
		} else if (added && dir) {
			strmap_put(&f->folded, folded.data, folded.len, NULL);
		}
		free(dir);
		buf_release(&folded);
		if (added && in_page)
			return 1;
	}
	if (!added) {
		free(out);
		return -1;
	}
	*rel = out;
	return 0;
}

/* One old path (decoded, from the site's root) → page p (#frag): a stub page at the old
 * path, a map line, a rewrite rule and a _redirects line. */
static int redirect_path(struct build *b, struct redirect_files *f, const char *old, const struct page *p,
                         const char *frag, const char *what, const char *file, int line)
{
	char *out;
	int rc = stub_file(b, f, old, what, file, line, &out);
	if (rc < 0)
		return -1;
	struct buf html = BUF_INIT, target = BUF_INIT, loc = BUF_INIT, path = BUF_INIT;
	buf_printf(&target, "%s%s%s%s", b->cfg.base_path, p->url, frag ? "#" : "", frag ? frag : "");
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
	rc = out ? write_buf(b, out, &html, p->src) : 0;
	buf_release(&html);
	/* $uri and RewriteRule both see the decoded path; Location gets it encoded */
	location(&loc, b->cfg.base_path, p->url, frag);
	buf_printf(&path, "%s%s", b->cfg.base_path, old);
	buf_putc(&f->map, '\t');
	webconf_nginx_quote(&f->map, path.data);
	buf_putc(&f->map, ' ');
	webconf_nginx_quote(&f->map, loc.data);
	buf_puts(&f->map, ";\n");
	buf_puts(&f->ap, "RewriteRule \"^/?");
	webconf_regex_literal(&f->ap, path.data + 1);
	buf_puts(&f->ap, "$\" \"");
	webconf_apache_subst(&f->ap, loc.data);
	buf_puts(&f->ap, "\" [R=301,L,NE]\n");
	buf_reset(&target);
	buf_printf(&target, "%s%s%s", p->url, frag ? "#" : "", frag ? frag : "");
	host_redirect(&f->hosts, b->cfg.base_path, old, NULL, target.data);
	buf_release(&target);
	buf_release(&loc);
	buf_release(&path);
	free(out);
	return rc;
}

/* The spellings a client may send for a query value: MediaWiki's encoding (spaces as
 * %20, or '+' as forms send them) and every byte but the unreserved ones encoded. */
static size_t query_spellings(const char *v, struct buf out[3])
{
	size_t n = 0;
	for (int i = 0; i < 3; i++)
		buf_reset(&out[i]);
	url_encode_title(&out[n++], v, strlen(v), false);
	buf_add_urlenc(&out[n], v, strlen(v));
	if (strcmp(out[n].data, out[0].data))
		n++;
	if (strchr(v, ' ')) {
		buf_reset(&out[n]);
		for (const char *p = v; *p; p++) {
			if (*p == ' ')
				buf_putc(&out[n], '+');
			else
				url_encode_title(&out[n], p, 1, false);
		}
		n++;
	}
	return n;
}

static int cmp_query(const void *pa, const void *pb)
{
	const struct redirect *a = *(struct redirect *const *)pa, *b = *(struct redirect *const *)pb;
	int c = strcmp(a->path, b->path);
	if (c == 0)
		c = strcmp(a->param, b->param);
	if (c == 0)
		c = strcmp(a->value, b->value);
	return c ? c : (a > b) - (a < b); /* the lines' order, for messages */
}

static const struct page *redirect_target(struct build *b, const struct redirect *r)
{
	const struct page *p = content_find(&b->model, r->target);
	if (!p)
		error_at(r->file, r->line, "redirect target '%s' is not a page of the site", r->target);
	return p;
}

/* The query forms of the redirect files (/w/index.php?title=T): one nginx map per
 * parameter, chained through their defaults to the map of paths, whose variable is the
 * last; Apache conditions; and at each old path a stub page whose script picks the
 * target by the query string (sent as text/html by any server, like show_bug.cgi/). */
static int redirect_queries(struct build *b, struct redirect_files *f, const struct redirects *rd, struct buf *qmaps,
                            const char *last_var)
{
	struct redirect **q = NULL;
	size_t nq = 0, cap = 0;
	int rc = 0;
	for (size_t i = 0; i < rd->n; i++)
		if (rd->v[i].param) {
			ALLOC_GROW(q, nq + 1, cap);
			q[nq++] = &rd->v[i];
		}
	if (!nq)
		return 0;
	qsort(q, nq, sizeof *q, cmp_query);
	for (size_t i = 1; i < nq; i++)
		if (!strcmp(q[i - 1]->path, q[i]->path) && !strcmp(q[i - 1]->param, q[i]->param) &&
		    !strcmp(q[i - 1]->value, q[i]->value))
			rc = error_at(q[i]->file, q[i]->line, "old URL '%s?%s=%s' is redirected twice (also at %s:%d)",
			              q[i]->path, q[i]->param, q[i]->value, q[i - 1]->file, q[i - 1]->line);
	/* the parameters' names, in order of first appearance */
	const char **names = NULL;
	size_t nnames = 0, capn = 0;
	for (size_t i = 0; i < nq; i++) {
		size_t k = 0;
		while (k < nnames && strcmp(names[k], q[i]->param))
			k++;
		if (k == nnames) {
			ALLOC_GROW(names, nnames + 1, capn);
			names[nnames++] = q[i]->param;
		}
	}
	struct json *js = json_new(true);
	struct buf stub = BUF_INIT, loc = BUF_INIT, key = BUF_INIT, rx = BUF_INIT, t = BUF_INIT, sp[3];
	for (int i = 0; i < 3; i++)
		buf_init(&sp[i]);
	for (size_t k = 0; k < nnames; k++) {
		/* $nfsite_redirect heads the chain: $nfsite_redirect_q1, …, then last_var */
		buf_printf(qmaps, "map \"$uri?%s=$arg_%s\" $nfsite_redirect", names[k], names[k]);
		if (k)
			buf_printf(qmaps, "_q%zu", k);
		if (k + 1 < nnames)
			buf_printf(qmaps, " {\n\tdefault $nfsite_redirect_q%zu;\n", k + 1);
		else
			buf_printf(qmaps, " {\n\tdefault %s;\n", last_var);
		for (size_t i = 0; i < nq; i++) {
			const struct redirect *r = q[i];
			const struct page *p;
			if (strcmp(r->param, names[k]))
				continue;
			if (!(p = redirect_target(b, r))) {
				rc = -1;
				continue;
			}
			buf_reset(&loc);
			location(&loc, b->cfg.base_path, p->url, r->frag);
			size_t n = query_spellings(r->value, sp);
			for (size_t s = 0; s < n; s++) {
				buf_reset(&key);
				buf_printf(&key, "%s%s?%s=%s", b->cfg.base_path, r->path, r->param, sp[s].data);
				if (!webconf_key_fits(key.data))
					continue;
				buf_putc(qmaps, '\t');
				webconf_nginx_quote(qmaps, key.data);
				buf_putc(qmaps, ' ');
				webconf_nginx_quote(qmaps, loc.data);
				buf_puts(qmaps, ";\n");
				buf_printf(&f->qap, "RewriteCond \"%%{QUERY_STRING}\" \"(^|&)%s=", r->param);
				webconf_regex_literal(&f->qap, sp[s].data);
				buf_puts(&f->qap, "(&|$)\"\nRewriteRule \"^/?");
				buf_reset(&rx);
				buf_printf(&rx, "%s%s", b->cfg.base_path, r->path);
				webconf_regex_literal(&f->qap, rx.data + 1);
				buf_puts(&f->qap, "$\" \"");
				webconf_apache_subst(&f->qap, loc.data);
				buf_puts(&f->qap, "\" [R=301,L,NE,QSD]\n");
			}
		}
		buf_puts(qmaps, "}\n");
	}
	/* One stub per old path: {"title": {"Main_Page": "/wiki/main-page/"}} */
	for (size_t i = 0; i < nq;) {
		size_t j = i;
		while (j < nq && !strcmp(q[j]->path, q[i]->path))
			j++;
		char *out;
		buf_reset(&t);
		buf_printf(&t, "%s/", q[i]->path);
		if (stub_file(b, f, t.data, "old URL", q[i]->file, q[i]->line, &out) != 0) {
			rc = -1;
			i = j;
			continue;
		}
		buf_reset(&stub);
		buf_puts(&stub, "<!DOCTYPE html>\n<html lang=\"");
		buf_puts_html(&stub, b->cfg.language);
		buf_puts(&stub, "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"robots\" content=\"noindex\">\n"
		                "<title>Moved</title>\n<script>\n(function () {\nvar to = {");
		for (size_t k = i; k < j; k++) {
			const struct page *p = content_find(&b->model, q[k]->target);
			if (!p)
				continue; /* reported above */
			if (k == i || strcmp(q[k]->param, q[k - 1]->param)) {
				buf_puts(&stub, k == i ? "\n" : "},\n");
				json_cstring(js, &stub, q[k]->param);
				buf_puts(&stub, ": {");
			} else {
				buf_putc(&stub, ',');
			}
			buf_puts(&stub, "\n\t");
			json_cstring(js, &stub, q[k]->value);
			buf_puts(&stub, ": ");
			buf_reset(&loc);
			location(&loc, b->cfg.base_path, p->url, q[k]->frag);
			json_cstring(js, &stub, loc.data);
			buf_reset(&t);
			buf_puts(&t, q[k]->param);
			buf_putc(&t, '=');
			buf_add_urlenc(&t, q[k]->value, strlen(q[k]->value));
			buf_reset(&key);
			buf_printf(&key, "%s%s%s", p->url, q[k]->frag ? "#" : "", q[k]->frag ? q[k]->frag : "");
			host_redirect(&f->qhosts, b->cfg.base_path, q[k]->path, t.data, key.data);
		}
		buf_puts(&stub, "}};\nvar q = new URLSearchParams(location.search), has = Object.prototype.hasOwnProperty;\n"
		                "for (var k in to) {\n\tvar v = q.get(k);\n"
		                "\tif (v !== null && has.call(to[k], v)) {\n\t\tlocation.replace(to[k][v]);\n\t\treturn;\n\t}\n}\n"
		                "location.replace(");
		buf_reset(&t);
		buf_printf(&t, "%s/", b->cfg.base_path);
		json_cstring(js, &stub, t.data);
		buf_puts(&stub, ");\n})();\n</script>\n</head>\n<body>\n<noscript><p>This page has moved: <a href=\"");
		buf_puts_html(&stub, t.data);
		buf_puts(&stub, "\">home page</a>.</p></noscript>\n</body>\n</html>\n");
		if (write_buf(b, out, &stub, q[i]->file) < 0)
			rc = -1;
		free(out);
		i = j;
	}
	json_free(js);
	for (int i = 0; i < 3; i++)
		buf_release(&sp[i]);
	buf_release(&stub);
	buf_release(&loc);
	buf_release(&key);
	buf_release(&rx);
	buf_release(&t);
	free(names);
	free(q);
	return rc;
}

/* One loop writes every form of the aliases and of the redirect files (data/redirects/):
 * a stub page at each old path, and in REDIRECTS_DIR aliases.nginx.conf (maps, and the
 * map sizes every nfsite map needs) and aliases.apache.conf (rewrite rules); then
 * _redirects at the top with the bug archive's lines too (see CONFIG.md, "Deploying"). */
static int write_aliases(struct build *b)
{
	struct redirect_files f = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, STRMAP_INIT, STRMAP_INIT};
	struct redirects rd = {0};
	struct buf map = BUF_INIT, hosts = BUF_INIT, dir = BUF_INIT;
	buf_printf(&dir, "%s/%s", b->opts->source, REDIRECTS_SOURCE);
	int rc = redirects_load(dir.data, &rd);
	bool queries = false;
	for (size_t i = 0; i < rd.n; i++)
		queries |= rd.v[i].param != NULL;
	for (size_t i = 0; i < b->model.npages; i++) {
		buf_reset(&dir);
		utf8_fold(b->model.pages[i]->url, strlen(b->model.pages[i]->url), &dir);
		strmap_put(&f.folded, dir.data, dir.len, NULL);
	}
	buf_puts(&map, "# Aliases and redirect files → pages, generated by nfsite. Include first inside\n"
	               "# http {}, before any other map; then in server {}:\n"
	               "#   if ($nfsite_redirect) { return 301 $nfsite_redirect; }\n");
	buf_puts(&map, webconf_nginx_map_settings);
	if (redirect_queries(b, &f, &rd, &map, "$nfsite_redirect_path") < 0) /* every error in one run */
		rc = -1;
	buf_printf(&f.map, "map $uri $nfsite_redirect%s {\n\tdefault \"\";\n", queries ? "_path" : "");
	for (size_t i = 0; i < b->model.npages; i++) {
		const struct page *p = b->model.pages[i];
		const struct fm_value *v = fm_get(p->fm, "aliases");
		for (size_t k = 0; p->aliases && p->aliases[k]; k++)
			if (redirect_path(b, &f, p->aliases[k], p, NULL, "alias", p->file,
			                  v && k < v->n ? v->items[k].line : 0) < 0)
				rc = -1;
	}
	for (size_t i = 0; i < rd.n; i++) {
		const struct page *p;
		if (rd.v[i].param)
			continue;
		if (!(p = redirect_target(b, &rd.v[i])) ||
		    redirect_path(b, &f, rd.v[i].path, p, rd.v[i].frag, "old URL", rd.v[i].file, rd.v[i].line) < 0)
			rc = -1;
	}
	buf_puts(&f.map, "}\n");
	buf_add(&map, f.map.data, f.map.len);
	buf_puts(&f.qap, f.ap.data ? f.ap.data : "");
	buf_reset(&f.ap);
	buf_puts(&f.ap, "# Aliases and redirect files → pages, generated by nfsite. Include inside <VirtualHost>\n"
	                "# (needs mod_rewrite).\nRewriteEngine On\n");
	buf_add(&f.ap, f.qap.data, f.qap.len);
	if (rc == 0)
		rc = write_buf(b, REDIRECTS_DIR "aliases.nginx.conf", &map, "aliases");
	if (rc == 0)
		rc = write_buf(b, REDIRECTS_DIR "aliases.apache.conf", &f.ap, "aliases");
	if (rc == 0) {
		buf_puts(&hosts, "# Old URLs → pages (Netlify, Cloudflare Pages), generated by nfsite. Lines with a\n"
		                 "# query condition (id=4) are Netlify's; Cloudflare skips them and the stub pages answer.\n");
		buf_add(&hosts, f.qhosts.data, f.qhosts.len);
		buf_add(&hosts, f.hosts.data, f.hosts.len);
		buf_add(&hosts, b->host_redirects.data, b->host_redirects.len);
		rc = write_buf(b, "_redirects", &hosts, "aliases");
	}
	redirects_release(&rd);
	strmap_release(&f.seen);
	strmap_release(&f.folded);
	buf_release(&f.map);
	buf_release(&f.ap);
	buf_release(&f.hosts);
	buf_release(&f.qap);
	buf_release(&f.qhosts);
	buf_release(&map);
	buf_release(&hosts);
	buf_release(&dir);
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
	char *path = xasprintf("%s/%s", w->root, rel);
	if (!S_ISREG(st->st_mode)) {
		if (!S_ISDIR(st->st_mode))
			warn_at(path, 0, "%s, not a regular file; skipped", fs_kind(st->st_mode));
		free(path);
		return 0;
	}
	if (output_copy(w->b->out, rel, path) < 0)
		w->rc = -1;
	free(path);
	return 0;
}

/* Whole-site files are made again only when what they show changed: the sitemap and
 * the feed follow the site key, the search index also every page's body. The names in
 * the cache are not URLs, so they never meet a page's entry. */
typedef int (*extra_fn)(struct build *b, struct buf *out);

static int make_sitemap(struct build *b, struct buf *out)
{
	return feeds_sitemap(&b->cfg, &b->model, out);
}

static int make_atom(struct build *b, struct buf *out)
{
	return feeds_atom(&b->cfg, &b->model, out);
}


static int extra(struct build *b, const char *rel, uint64_t key, extra_fn make)
{
	char *name = xasprintf("file:%s", rel);
	int rc = 0;
	if (output_kept(b->out, rel) && cache_touch(b->cache, name, key)) {
		rc = output_keep(b->out, rel, rel);
	} else {
		struct buf x = BUF_INIT;
		int made = make(b, &x);
		if (made < 0)
			rc = -1;
		else if (made == 0 && (rc = output_write(b->out, rel, x.data, x.len, rel)) == 0)
			cache_store_key(b->cache, name, key);
		buf_release(&x);
	}
	free(name);
	return rc;
}

static int search_file_kept(const char *rel, void *arg)
{
	struct build *b = arg;
	return !output_kept(b->out, rel);
}

static int keep_search_file(const char *rel, void *arg)
{
	struct build *b = arg;
	if (!output_kept(b->out, rel))
		return 1;
	return output_keep(b->out, rel, rel) < 0 ? -1 : 0;
}

static int put_search_file(const char *rel, const char *data, size_t len, void *arg)
{
	struct build *b = arg;
	return output_write(b->out, rel, data, len, rel);
}

/* The search index's files: kept as a whole while no page's text changed; otherwise
 * made again, in the preview server only those the changed pages touch (changed: the
 * pages content_patch changed, or NULL when not known). */
static int write_search(struct build *b, uint64_t key, struct page *const *changed, size_t nchanged)
{
	static const char name[] = "file:search-index/";
	/* Kept whole, the preview server's memo would still point at the pages of the build
	 * that made it, which a full build may have replaced: only the shortcut, which keeps
	 * every page, may skip it. */
	if ((!b->search || changed) && search_files(&b->model, search_file_kept, b) == 0 &&
	    cache_touch(b->cache, name, key))
		return search_files(&b->model, keep_search_file, b) ? -1 : 0;
	struct search_sink sink = {put_search_file, keep_search_file, b};
	if (search_index(&b->model, b->cfg.base_path, b->search, &sink, changed, nchanged) != 0)
		return -1;
	cache_store_key(b->cache, name, key);
	return 0;
}

/* What the search index is made of: the site key and every page's body. */
static uint64_t text_key(const struct build *b)
{
	uint64_t h = b->key;
	for (size_t i = 0; i < b->model.npages; i++)
		h = hash_bytes(h, &b->model.pages[i]->body_key, sizeof b->model.pages[i]->body_key);
	return h;
}

static int write_extras(struct build *b)
{
	int rc = 0;
	struct buf x = BUF_INIT;
	if (extra(b, "sitemap.xml", b->key, make_sitemap) < 0 || extra(b, "atom.xml", b->key, make_atom) < 0 ||
	    write_search(b, text_key(b), NULL, 0) < 0)
		rc = -1;
	char *robots = xasprintf("%s/static/robots.txt", b->opts->source);
	if (!fs_exists(robots)) {
		/* Crawlers read only the host's /robots.txt: under a sub-path, one to copy there. */
		buf_printf(&x, "User-agent: *\nAllow: %s/\n\nSitemap: %ssitemap.xml\n", b->cfg.base_path, b->cfg.base_url);
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

static int sink_page(void *arg, const struct bugpage *ap)
{
	struct build *b = arg;
	return content_add_generated(&b->model, b->cfg.bug_db, ap->url, ap->title, ap->kind, ap->description, ap->date,
	                             ap->html, ap->anchors, ap->weight);
}

static int sink_file(void *arg, const char *rel, const char *data, size_t len)
{
	struct build *b = arg;
	if (!fs_rel_is_safe(rel, strlen(rel)))
		return error_at(b->cfg.bug_db, 0, "archive file path '%s' would leave the output folder", rel);
	ALLOC_GROW(b->generated_files, b->ngenerated + 1, b->cap_generated);
	struct archive_file *f = &b->generated_files[b->ngenerated++];
	f->rel = xstrdup(rel);
	f->data = xstrndup(data, len);
	f->len = len;
	return 0;
}

static void sink_redirect(void *arg, const char *path, const char *query, const char *target)
{
	struct build *b = arg;
	host_redirect(&b->host_redirects, b->cfg.base_path, path, query, target);
}

static int generate(struct build *b)
{
	char *db = xasprintf("%s/%s", b->opts->source, b->cfg.bug_db);
	int rc = 0;
	if (fs_exists(db)) {
		struct bugpages_sink sink = {sink_page, sink_file, sink_redirect, b, b->cfg.base_path};
		rc = bugpages_render(db, &sink);
	}
	free(db);
	/* The not-found and search pages are pages of their own so templates get the usual
	 * variables; a site may write content/search.md itself. */
	if (rc == 0 && !content_find(&b->model, "/404.html"))
		rc = content_add_generated(&b->model, "404", "/404/", "Page not found", "404",
		                           "The page you asked for does not exist.", NULL, "", NULL, 0);
	if (rc == 0 && !content_find(&b->model, "/search/") && tmpl_exists(&b->cfg, "search.html"))
		rc = content_add_generated(&b->model, "search", "/search/", "Search", "search",
		                           "Search this site, or browse every page.", NULL, "", NULL, 0);
	return rc;
}

/* --- the build ----------------------------------------------------------------------- */

static void build_release(struct build *b)
{
	translator_free(b->tr); /* its one warning, when translators were missing */
	banners_free(b->banners);
	content_free(&b->model);
	config_release(&b->cfg);
	free_files(b->files, b->nfiles);
	for (size_t i = 0; i < b->ngenerated; i++) {
		free(b->generated_files[i].rel);
		free(b->generated_files[i].data);
	}
	free(b->generated_files);
	buf_release(&b->host_redirects);
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct site_state {
	struct content model; /* the last build's pages, for unchanged files */
	struct cache *cache;  /* render results, in memory */
	struct search_memo *search; /* the live output's search index */
	struct output_memo *out;    /* the live output's manifests */
	struct workers ws;    /* Lua states whose page tables fit the site key below */
	bool have_ws;
	bool clean;           /* the last build warned about no broken link or anchor */
	char **files;         /* the last build's (struct build) */
	size_t nfiles;
	uint64_t key;
};

struct site_state *site_state_new(void)
{
	return xcalloc(1, sizeof(struct site_state));
}

static void state_clear(struct site_state *s)
{
	content_free(&s->model);
	free_files(s->files, s->nfiles);
	s->files = NULL;
	s->nfiles = 0;
	cache_free(s->cache);
	s->cache = NULL;
	search_memo_free(s->search);
	s->search = NULL;
	if (s->have_ws)
		workers_release(&s->ws);
	s->have_ws = false;
}

void site_state_free(struct site_state *s)
{
	if (!s)
		return;
	state_clear(s);
	output_memo_free(s->out); /* kept by state_clear: output_begin takes what it holds */
	free(s);
}

static int snapshot_entry(const char *rel, const struct stat *st, void *arg)
{
	uint64_t *h = arg;
	long long f[5] = {(long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec, (long long)st->st_size,
	                  (long long)st->st_ino, (long long)st->st_mode};
	*h = hash_str(*h, rel);
	*h = hash_bytes(*h, f, sizeof f);
	return 0;
}

/* What the sources look like without reading them: every file's name, size, time and
 * inode under the site's folders, site.lua, the options, the theme, the day and the
 * translators on PATH. Equal to
 * the last build's snapshot means that build's output is still exactly right. */
static uint64_t source_snapshot(const struct build_opts *opts, time_t now)
{
	uint64_t h = hash_str(HASH_SEED, NFSITE_VERSION);
	long long day = (long long)now / 86400;
	h = hash_bytes(h, &day, sizeof day);
	h = hash_bytes(h, &opts->drafts, sizeof opts->drafts);
	h = hash_str(h, opts->base_url);
	h = hash_str(h, opts->inject_html);
	for (const struct theme_file *t = theme_files; t->path; t++)
		h = hash_bytes(hash_str(h, t->path), t->data, t->len);
	static const char *const dirs[] = {"content", "faq", "templates", "static", "data", NULL};
	for (int i = 0; dirs[i]; i++) {
		char *d = xasprintf("%s/%s", opts->source, dirs[i]);
		h = hash_str(h, dirs[i]);
		if (fs_is_dir(d) && fs_walk(d, snapshot_entry, &h) != 0)
			h = 0;
		free(d);
	}
	char *lua = xasprintf("%s/site.lua", opts->source);
	struct stat st;
	if (lstat(lua, &st) == 0)
		snapshot_entry("site.lua", &st, &h);
	free(lua);
	/* A translator installed, upgraded or gone changes pages too (translate.h). */
	struct translator *tr = translator_new();
	uint64_t tk = translator_key(tr);
	translator_free(tr);
	return h ? hash_bytes(h, &tk, sizeof tk) : 0; /* 0: no snapshot */
}

static int build_site(const struct build_opts *opts, struct build_stats *stats, struct site_state *state,
                      time_t now, uint64_t snapshot, int lock, bool patch);

int site_build(const struct build_opts *opts, struct build_stats *stats)
{
	/* Like make: when no source changed since the last build of dest and its files are
	 * all there, there is nothing to do. The snapshot is taken before reading anything,
	 * so a file saved during the build makes the next one run. */
	time_t now = (time_t)date_now();
	log_reset_count();
	if (!fs_is_dir(opts->source))
		return build_site(opts, stats, NULL, now, 0, -1, false); /* which says so */
	/* Held from the first look at dest to the swap: one build at a time. */
	int lock = output_lock(opts->dest);
	if (lock < 0)
		return -1;
	int rc;
	output_recover(opts->dest);
	uint64_t snap = source_snapshot(opts, now);
	size_t nfiles = 0, drafts = 0;
	if (snap && fs_is_dir(opts->dest) && snap == cache_read_snapshot(opts->dest, &drafts) &&
	    output_intact(opts->dest, &nfiles) && log_error_count() == 0) {
		if (stats)
			*stats = (struct build_stats){.unchanged = nfiles, .drafts = drafts, .up_to_date = true};
		rc = 0;
	} else {
		rc = build_site(opts, stats, NULL, now, snap, lock, false);
	}
	output_unlock(lock);
	return rc;
}

int site_rebuild(const struct build_opts *opts, struct build_stats *stats, struct site_state *state)
{
	int lock = output_lock(opts->dest);
	if (lock < 0)
		return -1;
	time_t now = (time_t)date_now();
	int rc = build_site(opts, stats, state, now, 0, lock, true);
	if (rc == 1) /* the shortcut did not apply after all */
		rc = build_site(opts, stats, state, now, 0, lock, false);
	output_unlock(lock);
	return rc;
}

/* The build cache as translate's store. */
static char *translation_get(void *cache, uint64_t key)
{
	return cache_translation(cache, key);
}

static void translation_put(void *cache, uint64_t key, const char *nft)
{
	cache_store_translation(cache, key, nft);
}

/* The hash of p's element ids, in order. */
static uint64_t ids_key(const struct page *p)
{
	uint64_t h = HASH_SEED;
	for (size_t i = 0; i < p->nids; i++)
		h = hash_str(h, p->ids[i]);
	return h;
}

/* The build itself, under lock (output_lock's); snapshot (0 for none) is recorded in
 * the cache for site_build. With patch, in the preview server, an edit that changes
 * only bodies is applied to the last build's model in place (content_patch): nothing
 * else is made again, only the edited pages are rendered and the search index
 * updated, every other file is kept. Returns 1 when that turns out not to apply
 * (another site key: the day, site.lua, a translator), with the state's model back in
 * it for the full build, which reads the edited files again. */
static int build_site(const struct build_opts *opts, struct build_stats *stats, struct site_state *state,
                      time_t now, uint64_t snapshot, int lock, bool patch)
{
	struct build b = {.opts = opts, .now = now, .host_redirects = BUF_INIT, .once = !state};
	struct workers ws = {0};
	struct page **patched = NULL; /* the pages content_patch changed, or NULL */
	size_t npatched = 0;
	uint64_t *old_ids = NULL; /* their ids_key before */
	double t0 = now_seconds();
	log_reset_count(); /* this build fails on its own errors only */
	int rc = -1;
	struct date built = date_utc(b.now);
	date_rfc3339(&built, b.build_date);

	if (!fs_is_dir(opts->source)) {
		error_at(opts->source, 0, "site folder does not exist");
		goto out;
	}
	if (config_load(opts->source, opts->base_url, &b.cfg) < 0)                /* 1 */
		goto out;
	if (opts->broken_links)
		b.cfg.links_pages = b.cfg.links_anchors = opts->broken_links;
	if (banners_load(&b.cfg, &b.banners) < 0)
		goto out;
	int scanned = 1;                                                                             /* 2 */
	patch = patch && state && opts->changed && state->clean && state->files && state->cache && state->have_ws &&
	        state->search;
	if (patch && content_patch(opts->source, opts->drafts, &state->model, opts->changed, opts->nchanged, &patched,
	                           &npatched) == 0) {
		b.model = state->model;
		memset(&state->model, 0, sizeof state->model);
		b.files = state->files;
		b.nfiles = b.cap_files = state->nfiles;
		state->files = NULL;
		state->nfiles = 0;
		/* Links to an edited page need checking again only if its ids change. */
		old_ids = xcalloc(npatched, sizeof *old_ids);
		for (size_t i = 0; i < npatched; i++) {
			old_ids[i] = ids_key(patched[i]);
			content_page_forget(patched[i]);
		}
		scanned = 0;
	}
	if (scanned == 1 && state && opts->changed)
		scanned = content_rescan(opts->source, opts->drafts, &b.model, &state->model, opts->changed, opts->nchanged);
	if (scanned == 1)
		scanned = content_scan(opts->source, opts->drafts, &b.model, state ? &state->model : NULL);
	if (state)
		content_free(&state->model);
	if (scanned < 0)
		goto out;
	if (!patched) {
		if (generate(&b) < 0 || taxonomy_build(&b.model) < 0)                  /* 3 */
			goto out;
		if (content_resolve(&b.model, b.cfg.news_url) < 0 || faq_check(&b.model) < 0) /* 4 */
			goto out;
		collect_files(&b);
		if (check_templates(&b) < 0)
			goto out;
	}
	b.tr = translator_new();
	uint64_t key = b.key = site_key(&b);
	if (patched && key != state->key) {
		rc = 1;
		goto out;
	}
	/* The preview server's output folder is its own: its manifest can be trusted. */
	if (state && !state->out)
		state->out = output_memo_new();
	if (!(b.out = output_begin(opts->dest, lock, state != NULL, state ? state->out : NULL)))
		goto out;
	/* A kept cache and kept workers are only good for the same site key. */
	if (state && state->cache && cache_site_key(state->cache) == key) {
		b.cache = state->cache;
		state->cache = NULL;
	}
	if (state && state->have_ws && state->key == key) {
		ws = state->ws;
		state->have_ws = false;
		for (int i = 0; i < ws.n; i++)
			ws.w[i].b = &b;
	}
	if (state) {
		b.search = state->search ? state->search : search_memo_new();
		state->search = NULL;
		state_clear(state);
	}
	if (!b.cache)
		b.cache = cache_open(opts->dest, key);
	translator_set_store(b.tr, &(struct translate_store){translation_get, translation_put, b.cache});
	if (!ws.w)
		workers_init(&b, &ws);

	compute_body_keys(&b.model);
	for (size_t i = 0; i < b.model.npages; i++)
		b.model.pages[i]->rendered = false;
	int r;
	if (patched) {                                                                               /* 5 */
		r = render_all(&ws, patched, npatched, false);
	} else {
		struct page **queue = xcalloc(b.model.npages + 1, sizeof *queue);
		size_t nq = 0;
		for (size_t i = 0; i < b.model.npages; i++)
			if (b.model.pages[i]->kind == PAGE_QUESTION)
				queue[nq++] = b.model.pages[i];
		r = render_all(&ws, queue, nq, true);
		if (r == 0)
			r = render_all(&ws, b.model.pages, b.model.npages, false);
		free(queue);
	}
	if (r < 0)
		goto out;
	bool same_ids = patched != NULL;
	for (size_t i = 0; i < npatched; i++)
		same_ids &= ids_key(patched[i]) == old_ids[i];
	if (same_ids ? check_anchors(&b, patched, npatched) : check_anchors(&b, b.model.pages, b.model.npages)) /* 6 */
		goto out;
	if (b.broken_pages || b.broken_anchors)
		warn_at(NULL, 0, "%zu broken link%s, %zu broken anchor%s (warnings)", b.broken_pages,
		        b.broken_pages == 1 ? "" : "s", b.broken_anchors, b.broken_anchors == 1 ? "" : "s");
	/* Only the edited pages' text changed: every other file is as the live site has it. */
	int made = patched ? write_search(&b, text_key(&b), patched, npatched) : write_extras(&b); /* 7 */
	if (made < 0 || (patched && output_keep_rest(b.out) < 0))
		goto out;
	if (log_error_count() > 0)
		goto out;
	struct output_stats os;
	if (output_prepare(b.out, &os) < 0)                                        /* 8 */
		goto out;
	if (stats) {
		stats->written = os.written;
		stats->unchanged = os.unchanged;
		stats->removed = os.removed;
	}
	if (!state) {
		/* The cache describes the new tree, so it travels with it. */
		/* Warnings are reported by every build: none is "up to date" after one. */
		cache_set_snapshot(b.cache, b.broken_pages || b.broken_anchors ? 0 : snapshot, b.model.ndrafts);
		cache_save(b.cache, output_tree(b.out));
		b.cache = NULL;
	}
	struct output *o = b.out;
	b.out = NULL;
	if (output_commit(o, state ? state->out : NULL) < 0)                      /* 9 */
		goto out;
	if (state) {
		/* Keep what the next build can reuse. */
		cache_retain(b.cache, patched != NULL);
		state->cache = b.cache;
		state->clean = !b.broken_pages && !b.broken_anchors;
		state->files = b.files;
		state->nfiles = b.nfiles;
		b.files = NULL;
		b.nfiles = 0;
		state->ws = ws;
		state->have_ws = true;
		state->key = key;
		ws.w = NULL;
		state->model = b.model;
		memset(&b.model, 0, sizeof b.model);
		b.cache = NULL;
		state->search = b.search;
		b.search = NULL;
	}
	if (stats) {
		stats->pages = state ? state->model.npages : b.model.npages;
		stats->drafts = state ? state->model.ndrafts : b.model.ndrafts;
		stats->bodies_only = patched != NULL;
		stats->seconds = now_seconds() - t0;
	}
	rc = 0;
out:
	if (rc == 1) {
		/* Back as it was, for the build without the shortcut. */
		state->model = b.model;
		memset(&b.model, 0, sizeof b.model);
		state->files = b.files;
		state->nfiles = b.nfiles;
		b.files = NULL;
		b.nfiles = 0;
	}
	free(patched);
	free(old_ids);
	if (ws.w)
		workers_release(&ws);
	if (rc < 0 && state)
		state_clear(state);
	output_abort(b.out);
	cache_free(b.cache);
	search_memo_free(b.search); /* a failed build's: it may describe files never committed */
	build_release(&b);
	return rc;
}
