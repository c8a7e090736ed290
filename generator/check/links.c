/* linkcheck: internal and external link checking of a built site (see linkcheck.h).
 *
 *   walk root ─► files, folders, pages ─► parse pages (N threads, libxml2) ─► ids, links
 *        ─► resolve each link in page order ─► internal: file + anchor lookups
 *                                         └─► external: one entry per URL ─► cache ─► curl multi
 *
 * Everything lives in memory for the run: a string map (open addressing, hash.h) holds
 * the output's files and folders and every "page\x01id" anchor. */
#include "check/links.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/http.h"
#include "base/log.h"
#include "base/strmap.h"
#include "base/url.h"
#include "base/version.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* ---- the model --------------------------------------------------------------------- */

struct link {
	char *url;
	long line;
};

struct page {
	char *rel;
	char **ids;
	size_t nids, capids;
	struct link *links;
	size_t nlinks, caplinks;
	bool unreadable;
};

struct external {
	char *url;      /* normalised, without fragment */
	char *host;
	long page;       /* first page that links here */
	const char *file; /* where that link was written (see link_place) */
	long line;
	long npages, last_page;
	/* result */
	bool done, running, use_get, cached, got_body;
	bool unreachable; /* its host did not resolve or refused the connection */
	long status;     /* final HTTP status; 0 when the request failed */
	long first;      /* status of the first answer (the redirect's own, e.g. 301) */
	char *final_url; /* after redirects; NULL when none */
	char *error;     /* transport failure */
	char errbuf[CURL_ERROR_SIZE];
};

struct checker {
	const struct linkcheck_opts *opts;
	struct linkcheck_stats *stats;
	struct strmap files;   /* regular files (and links), relative to root */
	struct strmap dirs;    /* folders */
	struct strmap anchors; /* "page\x01id" */
	struct page *pages;
	size_t npages, cappages;
	atomic_size_t next_page;
	/* base URL */
	char *base_host; /* host[:port], lower case; NULL when unknown */
	char *base_path; /* "/", or "/sub/" */
	/* external */
	struct external *ext;
	size_t next, capext;
	struct strmap ext_index; /* url → index in ext */
	/* "file\x01line\x01url" of each broken link reported: a FAQ answer's link is on its
	 * own page and on /faq/, and comes from one source line (link_place) */
	struct strmap reported;
};

static void page_add_id(struct page *p, const char *id)
{
	ALLOC_GROW(p->ids, p->nids + 1, p->capids);
	p->ids[p->nids++] = xstrdup(id);
}

static void page_add_link(struct page *p, const char *url, long line)
{
	while (*url && isspace((unsigned char)*url))
		url++;
	size_t n = strlen(url);
	while (n && isspace((unsigned char)url[n - 1]))
		n--;
	if (!n)
		return;
	ALLOC_GROW(p->links, p->nlinks + 1, p->caplinks);
	p->links[p->nlinks].url = xstrndup(url, n);
	p->links[p->nlinks].line = line;
	p->nlinks++;
}

/* ---- parsing ----------------------------------------------------------------------- */

static bool name_is(const xmlNode *n, const char *name)
{
	return !xmlStrcasecmp(n->name, (const xmlChar *)name);
}

static void add_attr_link(struct page *p, xmlNode *n, const char *attr)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
	if (v) {
		page_add_link(p, (const char *)v, xmlGetLineNo(n));
		xmlFree(v);
	}
}

/* srcset="a.png 1x, b.png 2x": the URL is the first word of each candidate. */
static void add_srcset(struct page *p, xmlNode *n)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)"srcset");
	if (!v)
		return;
	const char *s = (const char *)v;
	while (*s) {
		while (*s == ',' || isspace((unsigned char)*s))
			s++;
		const char *e = s;
		while (*e && !isspace((unsigned char)*e) && *e != ',')
			e++;
		if (e > s) {
			char *u = xstrndup(s, (size_t)(e - s));
			page_add_link(p, u, xmlGetLineNo(n));
			free(u);
		}
		while (*e && *e != ',')
			e++;
		s = e;
	}
	xmlFree(v);
}

/* <meta http-equiv="refresh" content="0; url=/new/"> — the redirect pages of aliases. */
static void add_refresh(struct page *p, xmlNode *n)
{
	xmlChar *eq = xmlGetProp(n, (const xmlChar *)"http-equiv");
	xmlChar *content = eq && !xmlStrcasecmp(eq, (const xmlChar *)"refresh") ? xmlGetProp(n, (const xmlChar *)"content") : NULL;
	if (content) {
		const char *u = strcasestr((const char *)content, "url=");
		if (u) {
			u += 4;
			char *v = xstrdup(u);
			size_t len = strlen(v);
			if (len && (v[0] == '\'' || v[0] == '"') && v[len - 1] == v[0]) {
				v[len - 1] = 0;
				page_add_link(p, v + 1, xmlGetLineNo(n));
			} else {
				page_add_link(p, v, xmlGetLineNo(n));
			}
			free(v);
		}
		xmlFree(content);
	}
	xmlFree(eq);
}

static void collect(struct page *p, xmlNode *n)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		xmlChar *id = xmlGetProp(n, (const xmlChar *)"id");
		if (id) {
			page_add_id(p, (const char *)id);
			xmlFree(id);
		}
		if (name_is(n, "a") || name_is(n, "area")) {
			xmlChar *name = xmlGetProp(n, (const xmlChar *)"name");
			if (name) {
				page_add_id(p, (const char *)name);
				xmlFree(name);
			}
			add_attr_link(p, n, "href");
		} else if (name_is(n, "link")) {
			xmlChar *rel = xmlGetProp(n, (const xmlChar *)"rel");
			/* preconnect and dns-prefetch name an origin, not a resource */
			bool origin = rel && (strcasestr((const char *)rel, "preconnect") ||
					      strcasestr((const char *)rel, "dns-prefetch"));
			if (!origin)
				add_attr_link(p, n, "href");
			xmlFree(rel);
		} else if (name_is(n, "img") || name_is(n, "source")) {
			add_attr_link(p, n, "src");
			add_srcset(p, n);
		} else if (name_is(n, "script") || name_is(n, "iframe") || name_is(n, "audio") ||
			   name_is(n, "track") || name_is(n, "embed")) {
			add_attr_link(p, n, "src");
		} else if (name_is(n, "video")) {
			add_attr_link(p, n, "src");
			add_attr_link(p, n, "poster");
		} else if (name_is(n, "meta")) {
			add_refresh(p, n);
		}
		collect(p, n->children);
	}
}

static void parse_page(struct checker *ck, struct page *p)
{
	struct buf path = BUF_INIT, data = BUF_INIT;
	buf_printf(&path, "%s/%s", ck->opts->root, p->rel);
	if (fs_read_file(path.data, &data) < 0) {
		p->unreadable = true;
		goto out;
	}
	htmlDocPtr doc = htmlReadMemory(data.data, (int)data.len, p->rel, "UTF-8",
					HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
						HTML_PARSE_NOBLANKS | HTML_PARSE_COMPACT);
	if (doc) {
		collect(p, xmlDocGetRootElement(doc));
		xmlFreeDoc(doc);
	}
out:
	buf_release(&path);
	buf_release(&data);
}

static void *parse_worker(void *arg)
{
	struct checker *ck = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&ck->next_page, 1);
		if (i >= ck->npages)
			break;
		parse_page(ck, &ck->pages[i]);
	}
	return NULL;
}

static int walk_cb(const char *rel, const struct stat *st, void *arg)
{
	struct checker *ck = arg;
	size_t n = strlen(rel);
	if (S_ISDIR(st->st_mode)) {
		strmap_put(&ck->dirs, rel, n, NULL);
		return 0;
	}
	strmap_put(&ck->files, rel, n, NULL);
	if (S_ISREG(st->st_mode) && n > 5 && !strcmp(rel + n - 5, ".html")) {
		ALLOC_GROW(ck->pages, ck->npages + 1, ck->cappages);
		memset(&ck->pages[ck->npages], 0, sizeof *ck->pages);
		ck->pages[ck->npages++].rel = xstrdup(rel);
	}
	return 0;
}

static void parse_all(struct checker *ck)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int n = cpus < 1 ? 1 : cpus > 16 ? 16 : (int)cpus;
	pthread_t th[16];
	int started = 0;
	xmlInitParser();
	atomic_store(&ck->next_page, 0);
	for (int i = 1; i < n; i++)
		if (pthread_create(&th[started], NULL, parse_worker, ck) == 0)
			started++;
	parse_worker(ck);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	struct buf key = BUF_INIT;
	for (size_t i = 0; i < ck->npages; i++) {
		struct page *p = &ck->pages[i];
		for (size_t j = 0; j < p->nids; j++) {
			buf_reset(&key);
			buf_printf(&key, "%s\x01%s", p->rel, p->ids[j]);
			strmap_put(&ck->anchors, key.data, key.len, NULL);
		}
	}
	buf_release(&key);
}

/* ---- base URL ----------------------------------------------------------------------- */

/* Splits an absolute URL into lower-case "host[:port]", path and fragment, with libcurl's
 * URL parser. Returns -1 when it is not a valid http(s) URL. Caller frees the parts. */
static int split_url(const char *url, char **host, char **path, char **fragment, char **normal)
{
	CURLU *u = curl_url();
	int rc = -1;
	char *h = NULL, *port = NULL, *scheme = NULL;
	*host = *path = NULL;
	if (fragment)
		*fragment = NULL;
	if (normal)
		*normal = NULL;
	if (!u || curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcasecmp(scheme, "http") && strcasecmp(scheme, "https")))
		goto out;
	if (curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK || !*h)
		goto out;
	if (curl_url_get(u, CURLUPART_PORT, &port, 0) != CURLUE_OK)
		port = NULL;
	struct buf b = BUF_INIT;
	for (const char *s = h; *s; s++)
		buf_putc(&b, tolower((unsigned char)*s));
	if (port)
		buf_printf(&b, ":%s", port);
	*host = buf_detach(&b, NULL);
	char *pth = NULL;
	if (curl_url_get(u, CURLUPART_PATH, &pth, 0) == CURLUE_OK) {
		*path = xstrdup(pth);
		curl_free(pth);
	} else {
		*path = xstrdup("/");
	}
	if (fragment) {
		char *f = NULL;
		if (curl_url_get(u, CURLUPART_FRAGMENT, &f, 0) == CURLUE_OK) {
			*fragment = xstrdup(f);
			curl_free(f);
		}
	}
	if (normal) {
		char *n = NULL;
		curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
		if (curl_url_get(u, CURLUPART_URL, &n, 0) == CURLUE_OK) {
			*normal = xstrdup(n);
			curl_free(n);
		}
	}
	rc = 0;
out:
	if (rc < 0) {
		free(*host);
		*host = NULL;
	}
	curl_free(h);
	curl_free(port);
	curl_free(scheme);
	curl_url_cleanup(u);
	return rc;
}

/* With no --base-url, the shortest <loc> of sitemap.xml (the home page) gives it. */
static char *base_from_sitemap(const char *root)
{
	char *path = xasprintf("%s/sitemap.xml", root);
	char *best = NULL;
	if (!fs_exists(path))
		goto out;
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		goto out;
	xmlNode *stack[64];
	int depth = 0;
	stack[depth++] = xmlDocGetRootElement(doc);
	while (depth) {
		xmlNode *n = stack[--depth];
		for (; n; n = n->next) {
			if (n->type != XML_ELEMENT_NODE)
				continue;
			if (!xmlStrcmp(n->name, (const xmlChar *)"loc")) {
				xmlChar *t = xmlNodeGetContent(n);
				if (t && (!best || strlen((char *)t) < strlen(best))) {
					free(best);
					best = xstrdup((char *)t);
				}
				xmlFree(t);
			} else if (n->children && depth < 64) {
				stack[depth++] = n->children;
			}
		}
	}
	xmlFreeDoc(doc);
	if (best) {
		char *slash = strrchr(best, '/');
		if (slash)
			slash[1] = 0;
	}
out:
	free(path);
	return best;
}

static void set_base(struct checker *ck)
{
	char *owned = NULL;
	const char *base = ck->opts->base_url;
	if (!base)
		base = owned = base_from_sitemap(ck->opts->root);
	if (base) {
		char *path = NULL;
		if (split_url(base, &ck->base_host, &path, NULL, NULL) == 0) {
			size_t n = strlen(path);
			ck->base_path = n && path[n - 1] == '/' ? xstrdup(path) : xasprintf("%s/", path);
		}
		free(path);
	}
	if (!ck->base_path)
		ck->base_path = xstrdup("/");
	free(owned);
}

/* ---- internal resolution --------------------------------------------------------------- */

static bool has_file(const struct checker *ck, const char *rel)
{
	return strmap_get(&ck->files, rel, strlen(rel)) != NULL;
}

/* Checks one internal link given as a site path (from the output root, '/'-led, still
 * percent-encoded) plus an optional fragment. Returns NULL when fine, else the reason
 * (static or in why). */
static const char *check_internal(struct checker *ck, const struct page *pg, const char *path, size_t plen,
				  const char *frag, struct buf *why)
{
	struct buf dec = BUF_INIT, target = BUF_INIT;
	const char *reason = NULL;
	if (!url_decode(path, plen, &dec, true)) {
		reason = "malformed percent-encoding";
		goto out;
	}
	if (!url_normalise(&dec, false)) {
		reason = "leaves the site";
		goto out;
	}
	/* dec is "/…"; the output-relative name drops the slash */
	const char *rel = dec.data + 1;
	size_t rlen = dec.len - 1;
	if (rlen == 0 || rel[rlen - 1] == '/') {
		buf_add(&target, rel, rlen);
		buf_puts(&target, "index.html");
	} else if (has_file(ck, rel)) {
		buf_add(&target, rel, rlen);
	} else if (strmap_get(&ck->dirs, rel, rlen)) {
		buf_add(&target, rel, rlen);
		buf_puts(&target, "/index.html");
	} else {
		reason = "no such file";
		goto out;
	}
	if (!has_file(ck, target.data)) {
		reason = "no such file";
		goto out;
	}
	if (frag && *frag && strcmp(frag, "top") && buf_ends_with(&target, ".html")) {
		struct buf key = BUF_INIT, f = BUF_INIT;
		bool found = false;
		buf_printf(&key, "%s\x01%s", target.data, frag);
		found = strmap_get(&ck->anchors, key.data, key.len) != NULL;
		if (!found && url_decode(frag, strlen(frag), &f, true)) {
			buf_reset(&key);
			buf_printf(&key, "%s\x01%s", target.data, f.data);
			found = strmap_get(&ck->anchors, key.data, key.len) != NULL;
		}
		if (!found) {
			buf_reset(why);
			if (!strcmp(target.data, pg->rel))
				buf_printf(why, "no anchor '%s'", frag);
			else
				buf_printf(why, "no anchor '%s' in %s", frag, target.data);
			reason = why->data;
		}
		buf_release(&key);
		buf_release(&f);
	}
out:
	buf_release(&dec);
	buf_release(&target);
	return reason;
}

/* Maps a URL path (percent-encoded, '/'-led) to a path from the output root by
 * dropping the base URL's path. False when the path lies outside it. */
static bool site_path(const struct checker *ck, const char *p, size_t n, struct buf *out)
{
	size_t bl = strlen(ck->base_path);
	buf_reset(out);
	if (bl <= 1) {
		buf_add(out, p, n);
		return true;
	}
	if (n >= bl && !strncmp(p, ck->base_path, bl)) {
		buf_putc(out, '/');
		buf_add(out, p + bl, n - bl);
		return true;
	}
	if (n == bl - 1 && !strncmp(p, ck->base_path, n)) {
		buf_putc(out, '/');
		return true;
	}
	return false;
}

static bool is_scheme_char(int c)
{
	return isalnum(c) || c == '+' || c == '-' || c == '.';
}

/* Where to report link l of page pi: its source file and line when opts->locate knows
 * them (a page built from Markdown), else the page and its HTML line. */
static const char *link_place(const struct checker *ck, long pi, const struct link *l, long *line)
{
	const char *file;
	*line = l->line;
	if (ck->opts->locate && ck->opts->locate(ck->opts->locate_arg, ck->pages[pi].rel, l->url, &file, line))
		return file;
	return ck->pages[pi].rel;
}

static void add_external(struct checker *ck, const char *url, long page, const struct link *l)
{
	bool added;
	long *idx = &strmap_put(&ck->ext_index, url, strlen(url), &added)->num;
	if (!added) {
		struct external *x = &ck->ext[*idx];
		if (x->last_page != page) { /* pages come in order */
			/* a FAQ answer on /faq/ is the same source line as on its own page */
			long line;
			const char *file = link_place(ck, page, l, &line);
			if (line != x->line || strcmp(file, x->file))
				x->npages++;
		}
		x->last_page = page;
		return;
	}
	ALLOC_GROW(ck->ext, ck->next + 1, ck->capext);
	struct external *x = &ck->ext[ck->next];
	memset(x, 0, sizeof *x);
	x->url = xstrdup(url);
	x->page = page;
	x->file = link_place(ck, page, l, &x->line);
	x->npages = 1;
	x->last_page = page;
	*idx = (long)ck->next++;
}

static bool skipped(const struct checker *ck, const char *s, size_t n)
{
	for (size_t i = 0; i < ck->opts->nskip; i++) {
		size_t k = strlen(ck->opts->skip[i]);
		if (k && k <= n && !strncmp(s, ck->opts->skip[i], k))
			return true;
	}
	return false;
}

/* Sorts one link: internal ones are checked now; external ones are collected. */
static void check_link(struct checker *ck, long pi, const struct link *l)
{
	const struct page *pg = &ck->pages[pi];
	const char *url = l->url;
	struct buf path = BUF_INIT, why = BUF_INIT;
	const char *reason = NULL;
	const char *s = url;
	while (*s && is_scheme_char((unsigned char)*s))
		s++;
	bool has_scheme = *s == ':' && s > url && isalpha((unsigned char)url[0]);
	bool net_path = url[0] == '/' && url[1] == '/';
	if (skipped(ck, url, strlen(url)))
		goto out;
	if (has_scheme || net_path) {
		if (has_scheme && strncasecmp(url, "http:", 5) && strncasecmp(url, "https:", 6))
			goto out; /* mailto:, tel:, data:, irc: … are not ours to check */
		char *abs = net_path ? xasprintf("https:%s", url) : xstrdup(url);
		char *host = NULL, *upath = NULL, *frag = NULL, *normal = NULL;
		if (split_url(abs, &host, &upath, &frag, &normal) < 0) {
			reason = "malformed URL";
		} else if (ck->base_host && !strcmp(host, ck->base_host)) {
			ck->stats->links++;
			if (site_path(ck, upath, strlen(upath), &path)) {
				if (!skipped(ck, path.data, path.len))
					reason = check_internal(ck, pg, path.data, path.len, frag, &why);
			} else
				reason = "outside the site's base path";
		} else {
			ck->stats->links++;
			if (ck->opts->external)
				add_external(ck, normal ? normal : abs, pi, l);
		}
		free(abs);
		free(host);
		free(upath);
		free(frag);
		free(normal);
		goto out;
	}
	/* a relative reference or an absolute path */
	ck->stats->links++;
	const char *hash = strchr(url, '#');
	const char *end = strpbrk(url, "?#");
	size_t plen = end ? (size_t)(end - url) : strlen(url);
	if (memchr(url, '\\', plen)) {
		reason = "backslash in path";
		goto out;
	}
	if (url[0] == '/') {
		if (!site_path(ck, url, plen, &path)) {
			reason = "outside the site's base path";
			goto out;
		}
	} else {
		/* resolve against the page ("#x" or "?q" is the page itself) */
		char *base = xasprintf("/%s", pg->rel);
		url_join(&path, base, url, plen);
		free(base);
	}
	if (!skipped(ck, path.data, path.len))
		reason = check_internal(ck, pg, path.data, path.len, hash ? hash + 1 : NULL, &why);
out:
	if (reason) {
		long line;
		const char *file = link_place(ck, pi, l, &line);
		bool added;
		struct buf key = BUF_INIT;
		buf_printf(&key, "%s\x01%ld\x01%s", file, line, url);
		strmap_put(&ck->reported, key.data, key.len, &added);
		buf_release(&key);
		if (added) {
			error_at(file, (int)line, "broken link '%s' (%s)", url, reason);
			ck->stats->broken++;
		}
	}
	buf_release(&path);
	buf_release(&why);
}

static void check_pages(struct checker *ck)
{
	for (size_t i = 0; i < ck->npages; i++) {
		struct page *p = &ck->pages[i];
		if (p->unreadable) {
			ck->stats->broken++;
			continue;
		}
		/* each distinct URL once per page, at its first line (links are in document
		 * order) */
		struct strmap seen = {0};
		for (size_t j = 0; j < p->nlinks; j++) {
			bool added;
			strmap_put(&seen, p->links[j].url, strlen(p->links[j].url), &added);
			if (added)
				check_link(ck, (long)i, &p->links[j]);
		}
		strmap_release(&seen);
	}
}

/* ---- external: cache ------------------------------------------------------------------ */

static int cache_open(const char *path, sqlite3 **db)
{
	*db = NULL;
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (!fs_is_dir(dir) && fs_mkdirs(dir) < 0) {
			free(dir);
			return -1;
		}
	}
	free(dir);
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		int rc = error_at(path, 0, "cannot open the link cache: %s", *db ? sqlite3_errmsg(*db) : "out of memory");
		sqlite3_close(*db);
		*db = NULL;
		return rc;
	}
	sqlite3_busy_timeout(*db, 5000);
	char *err = NULL;
	if (sqlite3_exec(*db, "CREATE TABLE IF NOT EXISTS links(url TEXT PRIMARY KEY, status INTEGER NOT NULL,"
			      " first_status INTEGER NOT NULL, final_url TEXT, checked_at INTEGER NOT NULL)", NULL, NULL, &err) != SQLITE_OK) {
		int rc = error_at(path, 0, "cannot use the link cache: %s", err ? err : "?");
		sqlite3_free(err);
		sqlite3_close(*db);
		*db = NULL;
		return rc;
	}
	return 0;
}

static void cache_lookup(struct checker *ck, sqlite3 *db)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT status, final_url, first_status FROM links WHERE url = ?1 AND checked_at >= ?2", -1, &st,
			       NULL) != SQLITE_OK)
		return;
	long long since = (long long)time(NULL) - ck->opts->max_age;
	for (size_t i = 0; i < ck->next; i++) {
		struct external *x = &ck->ext[i];
		sqlite3_bind_text(st, 1, x->url, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, since);
		if (sqlite3_step(st) == SQLITE_ROW) {
			x->status = sqlite3_column_int(st, 0);
			const unsigned char *f = sqlite3_column_text(st, 1);
			x->final_url = f ? xstrdup((const char *)f) : NULL;
			x->first = sqlite3_column_int(st, 2);
			x->done = x->cached = true;
			ck->stats->cached++;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}

/* Keeps every definite HTTP answer; failures to connect, timeouts and 429 are not
 * definite and are asked again next time. */
static void cache_store(struct checker *ck, sqlite3 *db)
{
	sqlite3_stmt *st;
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO links(url, status, final_url, checked_at, first_status)"
			       " VALUES (?1, ?2, ?3, ?4, ?5)",
			       -1, &st, NULL) == SQLITE_OK) {
		for (size_t i = 0; i < ck->next; i++) {
			struct external *x = &ck->ext[i];
			if (x->cached || x->status == 0 || x->status == 429)
				continue;
			sqlite3_bind_text(st, 1, x->url, -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 2, (int)x->status);
			if (x->final_url)
				sqlite3_bind_text(st, 3, x->final_url, -1, SQLITE_STATIC);
			else
				sqlite3_bind_null(st, 3);
			sqlite3_bind_int64(st, 4, (long long)time(NULL));
			sqlite3_bind_int(st, 5, (int)x->first);
			if (sqlite3_step(st) != SQLITE_DONE)
				warn_at(ck->opts->cache, 0, "cannot update the link cache: %s", sqlite3_errmsg(db));
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
		}
		sqlite3_finalize(st);
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
}

/* ---- external: fetching ----------------------------------------------------------------- */

static size_t discard_body(char *data, size_t size, size_t n, void *arg)
{
	struct external *x = arg;
	(void)data;
	(void)size;
	(void)n;
	x->got_body = true;
	return 0; /* the status is known; stop the transfer */
}

static size_t read_header(char *data, size_t size, size_t n, void *arg)
{
	struct external *x = arg;
	long code;
	if (!x->first && n * size > 9 && !strncmp(data, "HTTP/", 5) && sscanf(data, "HTTP/%*s %ld", &code) == 1)
		x->first = code;
	return n * size;
}

static CURL *start_request(struct checker *ck, struct external *x)
{
	CURL *e = curl_easy_init();
	if (!e)
		return NULL;
	long ms = (long)(ck->opts->timeout * 1000);
	x->errbuf[0] = 0;
	x->got_body = false;
	x->first = 0;
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_NOBODY, x->use_get ? 0L : 1L);
	http_setup(e, "nfsite-check/" NFSITE_VERSION, ms);
	http_follow(e, x->url);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, read_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	return e;
}

/* Reads one finished transfer. Returns true when it should be asked again with GET. */
static bool finish_request(struct checker *ck, struct external *x, CURL *e, CURLcode rc)
{
	long code = 0, redirects = 0;
	char *eff = NULL;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(e, CURLINFO_REDIRECT_COUNT, &redirects);
	curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &eff);
	if (rc == CURLE_WRITE_ERROR && x->got_body)
		rc = CURLE_OK;
	if (rc == CURLE_OK && code > 0) {
		if (!x->use_get && (code == 405 || code == 403 || code == 501))
			return true;
		x->status = code;
		free(x->final_url);
		x->final_url = redirects > 0 && eff && strcmp(eff, x->url) ? xstrdup(eff) : NULL;
		return false;
	}
	if (!x->use_get && rc != CURLE_OPERATION_TIMEDOUT && rc != CURLE_COULDNT_RESOLVE_HOST &&
	    rc != CURLE_TOO_MANY_REDIRECTS && rc != CURLE_UNSUPPORTED_PROTOCOL && rc != CURLE_OK)
		return true;
	x->status = 0;
	x->unreachable = rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY ||
	                 rc == CURLE_COULDNT_CONNECT;
	free(x->error);
	if (rc == CURLE_OPERATION_TIMEDOUT)
		x->error = xasprintf("timed out after %g s", ck->opts->timeout);
	else if (rc == CURLE_TOO_MANY_REDIRECTS)
		x->error = xstrdup("too many redirects");
	else if (rc == CURLE_UNSUPPORTED_PROTOCOL && redirects > 0) /* see http_follow */
		x->error = xasprintf("redirects to '%s', not followed: %s", eff ? eff : "?",
				     strncmp(x->url, "https:", 6) ? "http and https only" : "never from https to http");
	else if (rc == CURLE_OK)
		x->error = xstrdup("no HTTP answer");
	else
		x->error = xstrdup(x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
	return false;
}

static void fetch_all(struct checker *ck)
{
	CURLM *m = curl_multi_init();
	int jobs = ck->opts->jobs > 0 ? ck->opts->jobs : 8;
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, 2L);
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)jobs);
	struct strmap per_host = {0};
	for (size_t i = 0; i < ck->next; i++) {
		struct external *x = &ck->ext[i];
		char *path = NULL;
		if (split_url(x->url, &x->host, &path, NULL, NULL) < 0) {
			x->host = xstrdup("");
		}
		free(path);
	}
	size_t todo = 0, cursor = 0;
	for (size_t i = 0; i < ck->next; i++)
		todo += !ck->ext[i].done;
	int running = 0;
	while (todo) {
		/* start what the limits allow: jobs in all, 2 per host (curl enforces the same) */
		for (size_t k = 0; k < ck->next && running < jobs; k++) {
			struct external *x = &ck->ext[(cursor + k) % ck->next];
			if (x->done || x->running)
				continue;
			long *busy = &strmap_put(&per_host, x->host, strlen(x->host), NULL)->num;
			if (*busy >= 2)
				continue;
			CURL *e = start_request(ck, x);
			if (!e || curl_multi_add_handle(m, e) != CURLM_OK) {
				if (e)
					curl_easy_cleanup(e);
				x->error = xstrdup("cannot start the request");
				x->done = true;
				todo--;
				continue;
			}
			(*busy)++;
			x->running = true;
			running++;
		}
		cursor = (cursor + 1) % (ck->next ? ck->next : 1);
		int still;
		curl_multi_perform(m, &still);
		curl_multi_poll(m, NULL, 0, 200, NULL);
		curl_multi_perform(m, &still);
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(m, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			CURL *e = msg->easy_handle;
			struct external *x = NULL;
			curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&x);
			bool again = finish_request(ck, x, e, msg->data.result);
			curl_multi_remove_handle(m, e);
			curl_easy_cleanup(e);
			strmap_put(&per_host, x->host, strlen(x->host), NULL)->num--;
			x->running = false;
			running--;
			if (again) {
				x->use_get = true;
			} else {
				x->done = true;
				todo--;
			}
		}
	}
	strmap_release(&per_host);
	curl_multi_cleanup(m);
}

static void report_external(struct checker *ck)
{
	/* broken first, then redirects, then rate limits: one line per URL */
	for (int pass = 0; pass < 3; pass++) {
		for (size_t i = 0; i < ck->next; i++) {
			struct external *x = &ck->ext[i];
			const char *page = x->file;
			struct buf more = BUF_INIT;
			if (x->npages > 1)
				buf_printf(&more, "; also on %ld more page%s", x->npages - 1, x->npages > 2 ? "s" : "");
			if (pass == 0 && (x->status == 0 || (x->status >= 400 && x->status != 429))) {
				if (x->status)
					error_at(page, (int)x->line, "broken link '%s' (HTTP %ld%s%s%s)", x->url, x->status,
						 x->final_url ? " at " : "", x->final_url ? x->final_url : "", more.data);
				else
					error_at(page, (int)x->line, "broken link '%s' (%s%s)", x->url, x->error, more.data);
				ck->stats->broken++;
			} else if (pass == 1 && x->status && x->status < 400 && x->final_url) {
				warn_at(page, (int)x->line, "link '%s' redirects (HTTP %ld) to '%s' (HTTP %ld%s)", x->url,
					x->first, x->final_url, x->status, more.data);
				ck->stats->redirected++;
			} else if (pass == 2 && x->status == 429) {
				warn_at(page, (int)x->line, "link '%s' rate limited (HTTP 429), retry later%s", x->url,
					more.data);
				ck->stats->limited++;
			}
			buf_release(&more);
		}
	}
}

/* True when no host was reached at all: every fetched URL, on two hosts or more, failed
 * to resolve or connect. That is this machine without a network, not a site full of
 * broken links, so check_external says so once instead. */
static bool no_network(const struct checker *ck, const char **why)
{
	struct strmap hosts = STRMAP_INIT;
	bool all = true;
	*why = NULL;
	for (size_t i = 0; i < ck->next && all; i++) {
		const struct external *x = &ck->ext[i];
		if (x->cached)
			continue;
		all = x->unreachable;
		strmap_put(&hosts, x->host, strlen(x->host), NULL);
		if (!*why)
			*why = x->error;
	}
	bool none = all && hosts.n >= 2;
	strmap_release(&hosts);
	return none;
}

static int check_external(struct checker *ck)
{
	sqlite3 *db = NULL;
	ck->stats->external = (long)ck->next;
	if (!ck->next)
		return 0;
	if (ck->opts->cache && cache_open(ck->opts->cache, &db) < 0)
		return -1;
	if (db)
		cache_lookup(ck, db);
	fetch_all(ck);
	if (db) {
		cache_store(ck, db);
		sqlite3_close(db);
	}
	const char *why;
	if (no_network(ck, &why))
		return error_at(NULL, 0, "no network: no external host could be reached (%s, …); %zu external "
		                "link%s not checked", why, ck->next, ck->next == 1 ? "" : "s");
	report_external(ck);
	return 0;
}

/* ---- entry --------------------------------------------------------------------------- */

int linkcheck_run(const struct linkcheck_opts *opts, struct linkcheck_stats *stats)
{
	struct checker ck = {.opts = opts, .stats = stats};
	int rc = -1;
	memset(stats, 0, sizeof *stats);
	if (!fs_is_dir(opts->root)) {
		error_at(opts->root, 0, "not a folder");
		goto out;
	}
	if (fs_walk(opts->root, walk_cb, &ck) != 0)
		goto out;
	stats->pages = (long)ck.npages;
	set_base(&ck);
	parse_all(&ck);
	check_pages(&ck);
	if (opts->external && check_external(&ck) < 0)
		goto out;
	rc = 0;
out:
	for (size_t i = 0; i < ck.npages; i++) {
		struct page *p = &ck.pages[i];
		for (size_t j = 0; j < p->nids; j++)
			free(p->ids[j]);
		for (size_t j = 0; j < p->nlinks; j++)
			free(p->links[j].url);
		free(p->ids);
		free(p->links);
		free(p->rel);
	}
	free(ck.pages);
	for (size_t i = 0; i < ck.next; i++) {
		free(ck.ext[i].url);
		free(ck.ext[i].host);
		free(ck.ext[i].final_url);
		free(ck.ext[i].error);
	}
	free(ck.ext);
	strmap_release(&ck.files);
	strmap_release(&ck.dirs);
	strmap_release(&ck.anchors);
	strmap_release(&ck.ext_index);
	strmap_release(&ck.reported);
	free(ck.base_host);
	free(ck.base_path);
	return rc;
}
