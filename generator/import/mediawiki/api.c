/* api: api.php → struct mw_wiki, politely.
 *
 *   meta=siteinfo (namespaces)
 *     └► list=allpages, every namespace ≥ 0, following `continue`      → todo list
 *          └► prop=info|revisions (content of the latest, batch of ids)  → pages
 *               └► prop=revisions rvprop=user|timestamp|comment|flags  → history
 *
 * One request at a time, `delay_ms` between requests, retries with exponential
 * back-off (or the server's Retry-After) on 5xx, 429 and network errors. Answers are
 * JSON (formatversion=2) read with SQLite's json1 functions in an in-memory database:
 * no hand-written JSON parser. */
#include "import/mediawiki/api.h"
#include "base/buf.h"
#include "base/http.h"
#include "import/mediawiki/wiki.h"
#include "base/log.h"
#include "base/utf8.h"
#include "base/version.h"

#include <curl/curl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define API_MAX_RESPONSE (512u << 20)
#define API_MAX_BACKOFF_MS 60000L

struct api {
	struct mw_wiki *w;
	const char *url;
	const struct mediawiki_api_opts *o;
	CURL *curl;
	sqlite3 *js; /* in-memory: json1 queries and the list of pages to fetch */
	struct buf resp;
	bool first;
	size_t requests, retried;
};

static int js_prepare(struct api *a, sqlite3_stmt **st, const char *sql)
{
	if (sqlite3_prepare_v2(a->js, sql, -1, st, NULL) != SQLITE_OK)
		return error_at(a->url, 0, "json: %s", sqlite3_errmsg(a->js));
	return 0;
}

/* js_prepare with ?1 bound to the last response (borrowed: the statement must be finalised
 * before the next request). */
static int js_query(struct api *a, sqlite3_stmt **st, const char *sql)
{
	if (js_prepare(a, st, sql))
		return -1;
	sqlite3_bind_text(*st, 1, a->resp.data, (int)a->resp.len, SQLITE_STATIC);
	return 0;
}

/* One scalar out of the last response, NULL when absent. Caller frees. */
static char *js_get(struct api *a, const char *path)
{
	sqlite3_stmt *st = NULL;
	char *v = NULL;
	if (js_query(a, &st, "SELECT json_extract(?1, ?2)"))
		return NULL;
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

/* GETs url into body (at most max bytes), politely (the delay before every request but
 * the first) and retrying what can pass. On failure why says "what: cause". */
static int get_retrying(struct api *a, const char *url, const char *what, struct buf *body,
                        size_t max, struct buf *why)
{
	char errbuf[CURL_ERROR_SIZE];
	for (int attempt = 0;; attempt++) {
		long status = 0, wait = 0;
		curl_off_t retry_after = 0;
		if (!a->first)
			http_sleep_ms(a->o->delay_ms);
		a->first = false;
		a->requests++;
		/* no key, but user:password in the URL stays on its origin (http_get) */
		CURLcode c = http_get(a->curl, url, false, body, max, &status, errbuf);
		bool again;
		if (c != CURLE_OK) {
			again = http_transient(c, 0);
			if (!again || attempt >= a->o->retries) {
				buf_printf(why, "%s: %s%s", what, errbuf[0] ? errbuf : curl_easy_strerror(c),
				           again ? " (gave up after retries)" : "");
				return -1;
			}
		} else if (http_transient(c, status)) {
			if (attempt >= a->o->retries) {
				buf_printf(why, "%s: HTTP %ld (gave up after %d retries)", what, status, a->o->retries);
				return -1;
			}
			curl_easy_getinfo(a->curl, CURLINFO_RETRY_AFTER, &retry_after);
			again = true;
		} else if (status != 200) {
			buf_printf(why, "%s: HTTP %ld", what, status);
			return -1;
		} else {
			return 0;
		}
		wait = a->o->backoff_ms;
		for (int i = 0; i < attempt && wait < API_MAX_BACKOFF_MS; i++)
			wait *= 2;
		if (retry_after > 0)
			wait = retry_after > 120 ? 120000L : (long)retry_after * 1000L;
		if (wait > API_MAX_BACKOFF_MS && retry_after <= 0)
			wait = API_MAX_BACKOFF_MS;
		if (c != CURLE_OK)
			warn_at(a->url, 0, "%s: %s, retrying in %ld ms", what, curl_easy_strerror(c), wait);
		else
			warn_at(a->url, 0, "%s: HTTP %ld, retrying in %ld ms", what, status, wait);
		a->retried++;
		http_sleep_ms(wait);
	}
}

/* GET url?format=json&formatversion=2&query into a->resp, retrying what can pass. */
static int api_get(struct api *a, const char *query)
{
	struct buf url = BUF_INIT, why = BUF_INIT;
	int rc = -1;
	buf_printf(&url, "%s%sformat=json&formatversion=2&%s", a->url,
	           strchr(a->url, '?') ? "&" : "?", query);
	if (get_retrying(a, url.data, query, &a->resp, API_MAX_RESPONSE, &why)) {
		error_at(a->url, 0, "%s", why.data);
		buf_release(&why);
		goto out;
	}
	/* The answer must be JSON, and not an API error. */
	sqlite3_stmt *st = NULL;
	bool valid = false;
	if (!js_query(a, &st, "SELECT json_valid(?1)"))
		valid = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (!valid) {
		error_at(a->url, 0, "%s: the answer is not JSON", query);
		goto out;
	}
	char *code = js_get(a, "$.error.code");
	if (code) {
		char *info = js_get(a, "$.error.info");
		error_at(a->url, 0, "%s: API error %s: %s", query, code, info ? info : "");
		free(info);
		free(code);
		goto out;
	}
	rc = 0;
out:
	buf_release(&url);
	return rc;
}

static void add_param(struct api *a, struct buf *q, const char *k, const char *v)
{
	char *e = curl_easy_escape(a->curl, v, 0);
	buf_printf(q, "&%s=%s", k, e ? e : "");
	curl_free(e);
}

/* Appends the `continue` object of the last answer as parameters; false when none. */
static bool continue_params(struct api *a, struct buf *q)
{
	sqlite3_stmt *st = NULL;
	bool any = false;
	if (js_query(a, &st, "SELECT key, value FROM json_each(?1, '$.continue') ORDER BY key"))
		return false;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *v = (const char *)sqlite3_column_text(st, 1);
		bool safe = k && *k;
		for (const char *p = k; safe && *p; p++)
			safe = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');
		if (!safe)
			continue;
		add_param(a, q, k, v ? v : "");
		any = true;
	}
	sqlite3_finalize(st);
	return any;
}

static int read_siteinfo(struct api *a, int **ids, size_t *n)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;
	*ids = NULL;
	*n = 0;
	if (api_get(a, "action=query&meta=siteinfo&siprop=general%7Cnamespaces"))
		return -1;
	if (js_query(a, &st, "SELECT json_extract(?1, '$.query.general.sitename')"))
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
	    utf8_valid((const char *)sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0), false, NULL))
		mw_wiki_set_sitename(a->w, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	st = NULL;
	if (js_query(a, &st, "SELECT json_extract(value, '$.id'), json_extract(value, '$.name')"
	                     " FROM json_each(?1, '$.query.namespaces')"
	                     " ORDER BY json_extract(value, '$.id')"))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int id = sqlite3_column_int(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		if (name && utf8_valid(name, strlen(name), true, NULL))
			mw_wiki_set_namespace(a->w, id, name);
		if (id >= 0) {
			*ids = xrealloc(*ids, (*n + 1) * sizeof(int));
			(*ids)[(*n)++] = id;
		}
	}
	if (!*n) {
		error_at(a->url, 0, "siteinfo lists no namespaces: is this a MediaWiki api.php?");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

static int list_pages(struct api *a, int ns)
{
	struct buf q = BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc = -1;
	buf_printf(&q, "action=query&list=allpages&apnamespace=%d&aplimit=%d", ns, a->o->batch);
	size_t base = q.len; /* the query without continuation parameters */
	for (;;) {
		if (api_get(a, q.data))
			goto out;
		if (js_query(a, &st, "INSERT OR IGNORE INTO todo(id, ns, title)"
		                     " SELECT json_extract(value, '$.pageid'), json_extract(value, '$.ns'),"
		                     " json_extract(value, '$.title')"
		                     " FROM json_each(?1, '$.query.allpages')"
		                     " WHERE json_extract(value, '$.pageid') IS NOT NULL"))
			goto out;
		if (sqlite3_step(st) != SQLITE_DONE) {
			error_at(a->url, 0, "allpages: %s", sqlite3_errmsg(a->js));
			goto out;
		}
		sqlite3_finalize(st);
		st = NULL;
		buf_truncate(&q, base);
		if (!continue_params(a, &q))
			break;
		if (q.len == base)
			break;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	buf_release(&q);
	return rc;
}

/* The history of one page: every revision's author, time, summary and minor flag;
 * userhidden and commenthidden (revision deletion) leave them unknown. */
static int read_history(struct api *a, long long id)
{
	struct buf q = BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc = -1;
	buf_printf(&q, "action=query&prop=revisions&pageids=%lld"
	               "&rvprop=user%%7Ctimestamp%%7Ccomment%%7Cflags&rvlimit=max&rvdir=newer", id);
	size_t base = q.len; /* the query without continuation parameters */
	for (;;) {
		if (api_get(a, q.data))
			goto out;
		if (js_query(a, &st, "SELECT json_extract(value, '$.user'), json_extract(value, '$.timestamp'),"
		                     " json_extract(value, '$.userhidden'),"
		                     " coalesce(json_extract(value, '$.comment'), ''),"
		                     " json_extract(value, '$.commenthidden'), json_extract(value, '$.minor')"
		                     " FROM json_each(?1, '$.query.pages[0].revisions')"))
			goto out;
		while (sqlite3_step(st) == SQLITE_ROW) {
			struct mw_rev_rec rev = {id, (const char *)sqlite3_column_text(st, 1),
			                         (const char *)sqlite3_column_text(st, 0),
			                         (const char *)sqlite3_column_text(st, 3),
			                         sqlite3_column_int(st, 5) != 0};
			if (sqlite3_column_int(st, 2))
				rev.user = NULL;
			if (sqlite3_column_int(st, 4))
				rev.comment = NULL;
			if (mw_wiki_add_revision(a->w, &rev))
				goto out;
		}
		sqlite3_finalize(st);
		st = NULL;
		buf_truncate(&q, base);
		if (!continue_params(a, &q))
			break;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	buf_release(&q);
	return rc;
}

static const char page_sql[] =
	"SELECT json_extract(value, '$.pageid'), json_extract(value, '$.ns'),"
	" json_extract(value, '$.title'), json_extract(value, '$.redirect'),"
	" json_extract(value, '$.missing'), json_extract(value, '$.revisions[0].timestamp'),"
	" json_extract(value, '$.revisions[0].user'), json_extract(value, '$.revisions[0].userhidden'),"
	" json_extract(value, '$.revisions[0].slots.main.content'),"
	" json_extract(value, '$.revisions[0].slots.main.contentmodel'),"
	" coalesce(json_extract(value, '$.revisions[0].slots.main.texthidden'),"
	"          json_extract(value, '$.revisions[0].texthidden')),"
	" json_extract(value, '$.revisions[0].slots.main.contentmissing'),"
	" json_type(value, '$.revisions'),"
	" coalesce(json_extract(value, '$.revisions[0].comment'), ''),"
	" json_extract(value, '$.revisions[0].commenthidden')"
	" FROM json_each(?1, '$.query.pages')";

/* Latest revisions of a batch of ids, following `continue` (big texts come over several
 * answers); each page is added once, when its text arrived. */
static int read_batch(struct api *a, const long long *ids, size_t n)
{
	struct buf q = BUF_INIT, base = BUF_INIT;
	sqlite3_stmt *st = NULL, *mark = NULL;
	int rc = -1;
	buf_puts(&base, "action=query&prop=info%7Crevisions&pageids=");
	for (size_t i = 0; i < n; i++)
		buf_printf(&base, "%s%lld", i ? "%7C" : "", ids[i]);
	buf_puts(&base, "&rvprop=content%7Ctimestamp%7Cuser%7Ccomment&rvslots=main");
	buf_puts(&q, base.data);
	if (js_prepare(a, &mark, "UPDATE todo SET done = 1 WHERE id = ?"))
		goto out;
	for (;;) {
		if (api_get(a, q.data))
			goto out;
		if (js_query(a, &st, page_sql))
			goto out;
		while (sqlite3_step(st) == SQLITE_ROW) {
			struct mw_page_rec p = {0};
			if (sqlite3_column_type(st, 4) != SQLITE_NULL && sqlite3_column_int(st, 4))
				continue; /* deleted between the listing and now: not a page */
			if (sqlite3_column_type(st, 12) == SQLITE_NULL)
				continue; /* revisions come in a later answer */
			p.id = sqlite3_column_int64(st, 0);
			p.ns = sqlite3_column_int(st, 1);
			p.title = (const char *)sqlite3_column_text(st, 2);
			p.title_has_prefix = true;
			p.is_redirect = sqlite3_column_int(st, 3);
			p.timestamp = (const char *)sqlite3_column_text(st, 5);
			p.user = sqlite3_column_int(st, 7) ? NULL : (const char *)sqlite3_column_text(st, 6);
			p.model = (const char *)sqlite3_column_text(st, 9);
			if (sqlite3_column_int(st, 10))
				p.unreadable = "the latest revision's text is hidden (revision deletion)";
			else if (sqlite3_column_int(st, 11) || sqlite3_column_type(st, 8) == SQLITE_NULL)
				p.unreadable = "the API returned no text for the latest revision";
			else {
				p.text = (const char *)sqlite3_column_text(st, 8);
				p.text_len = (size_t)sqlite3_column_bytes(st, 8);
			}
			if (!p.title)
				continue;
			if (mw_wiki_add_page(a->w, &p))
				goto out;
			struct mw_rev_rec rev = {p.id, p.timestamp, p.user,
			                         sqlite3_column_int(st, 14) ? NULL
			                                                    : (const char *)sqlite3_column_text(st, 13),
			                         false};
			if (!a->o->history && mw_wiki_add_revision(a->w, &rev))
				goto out;
			sqlite3_reset(mark);
			sqlite3_bind_int64(mark, 1, p.id);
			sqlite3_step(mark);
		}
		sqlite3_finalize(st);
		st = NULL;
		buf_reset(&q);
		buf_puts(&q, base.data);
		if (!continue_params(a, &q))
			break;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(mark);
	buf_release(&q);
	buf_release(&base);
	return rc;
}

/* A file's URL as imageinfo gives it, made absolute against api.php's: a wiki with a
 * protocol-relative $wgServer answers "//host/…", a path "/…" stays on api.php's host. */
static bool file_url(struct api *a, const char *u, struct buf *out)
{
	const char *host = strstr(a->url, "://");
	if (!strncmp(u, "http://", 7) || !strncmp(u, "https://", 8)) {
		buf_puts(out, u);
	} else if (u[0] == '/' && u[1] == '/') {
		buf_add(out, a->url, (size_t)(host - a->url) + 1);
		buf_puts(out, u);
	} else if (u[0] == '/') {
		const char *path = strchr(host + 3, '/');
		buf_add(out, a->url, path ? (size_t)(path - a->url) : strlen(a->url));
		buf_puts(out, u);
	} else {
		return false;
	}
	return true;
}

/* Every upload's current version (generator=allimages, prop=imageinfo), then each
 * original downloaded, one at a time and politely, unless the site already holds it
 * with the same SHA-1 (a second run resumes where the first stopped). A failed
 * download is the file's missing reason, not the import's failure. */
static int read_files(struct api *a)
{
	struct buf q = BUF_INIT, url = BUF_INIT, body = BUF_INIT, why = BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc = -1;
	if (sqlite3_exec(a->js, "CREATE TABLE files(name TEXT PRIMARY KEY, url TEXT)", NULL, NULL,
	                 NULL) != SQLITE_OK)
		goto out;
	buf_printf(&q, "action=query&generator=allimages&gailimit=%d&prop=imageinfo"
	               "&iiprop=url%%7Csize%%7Cmime%%7Csha1%%7Ctimestamp%%7Cuser%%7Ccomment", a->o->batch);
	size_t base = q.len;
	for (;;) {
		if (api_get(a, q.data))
			goto out;
		if (js_query(a, &st, "SELECT json_extract(p.value, '$.title'), json_extract(i.value, '$.size'),"
		                     " json_extract(i.value, '$.width'), json_extract(i.value, '$.height'),"
		                     " json_extract(i.value, '$.mime'), json_extract(i.value, '$.sha1'),"
		                     " json_extract(i.value, '$.timestamp'), json_extract(i.value, '$.user'),"
		                     " json_extract(i.value, '$.comment'), json_extract(i.value, '$.url')"
		                     " FROM json_each(?1, '$.query.pages') p, json_each(p.value, '$.imageinfo') i"))
			goto out;
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *title = (const char *)sqlite3_column_text(st, 0);
			const char *colon = title ? strchr(title, ':') : NULL;
			if (!colon)
				continue;
			struct mw_file_rec f = {colon + 1, true, sqlite3_column_int64(st, 1), sqlite3_column_int(st, 2),
			                        sqlite3_column_int(st, 3), (const char *)sqlite3_column_text(st, 4),
			                        (const char *)sqlite3_column_text(st, 5),
			                        (const char *)sqlite3_column_text(st, 6),
			                        (const char *)sqlite3_column_text(st, 7),
			                        (const char *)sqlite3_column_text(st, 8),
			                        (const char *)sqlite3_column_text(st, 9)};
			if (mw_wiki_add_file(a->w, &f))
				goto out;
			sqlite3_stmt *ins = NULL;
			if (js_prepare(a, &ins, "INSERT OR IGNORE INTO files(name, url) VALUES(?,?)"))
				goto out;
			sqlite3_bind_text(ins, 1, f.name, -1, SQLITE_TRANSIENT);
			if (f.url)
				sqlite3_bind_text(ins, 2, f.url, -1, SQLITE_TRANSIENT);
			sqlite3_step(ins);
			sqlite3_finalize(ins);
		}
		sqlite3_finalize(st);
		st = NULL;
		buf_truncate(&q, base);
		if (!continue_params(a, &q))
			break;
	}
	if (js_prepare(a, &st, "SELECT name, url FROM files ORDER BY name"))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *u = (const char *)sqlite3_column_text(st, 1);
		if (!mw_wiki_file_wanted(a->w, name))
			continue;
		buf_reset(&url);
		buf_reset(&why);
		if (!u || !file_url(a, u, &url)) {
			if (mw_wiki_file_fetched(a->w, name, NULL, 0, "imageinfo gives no http(s) URL"))
				goto out;
			continue;
		}
		int got = get_retrying(a, url.data, url.data, &body, API_MAX_RESPONSE, &why);
		if (mw_wiki_file_fetched(a->w, name, body.data, body.len, got ? why.data : NULL))
			goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	buf_release(&q);
	buf_release(&url);
	buf_release(&body);
	buf_release(&why);
	return rc;
}

int mediawiki_api_read(struct mw_wiki *w, const char *url, const struct mediawiki_api_opts *opts)
{
	struct mediawiki_api_opts defaults = MEDIAWIKI_API_OPTS_INIT;
	struct api a = {w, url, opts ? opts : &defaults, NULL, NULL, BUF_INIT, true, 0, 0};
	sqlite3_stmt *st = NULL;
	int *nsids = NULL, rc = -1;
	size_t nns = 0, total = 0, done = 0;
	long long *batch = NULL;
	bool began = false;

	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
		return error_at(url, 0, "--api needs an http:// or https:// URL of api.php");
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return error_at(url, 0, "libcurl cannot start");
	a.curl = curl_easy_init();
	if (!a.curl || sqlite3_open(":memory:", &a.js) != SQLITE_OK ||
	    sqlite3_exec(a.js, "CREATE TABLE todo(id INTEGER PRIMARY KEY, ns INTEGER, title TEXT,"
	                       " done INTEGER DEFAULT 0)", NULL, NULL, NULL) != SQLITE_OK) {
		error_at(url, 0, "cannot start the API reader");
		goto out;
	}
	http_setup(a.curl, "nfsite/" NFSITE_VERSION " (+https://netfilter.org)", a.o->timeout_s * 1000L);
	curl_easy_setopt(a.curl, CURLOPT_ACCEPT_ENCODING, "");

	if (read_siteinfo(&a, &nsids, &nns))
		goto out;
	for (size_t i = 0; i < nns; i++)
		if (list_pages(&a, nsids[i]))
			goto out;
	if (js_prepare(&a, &st, "SELECT count(*) FROM todo"))
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW)
		total = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;

	if (mw_wiki_begin(w))
		goto out;
	began = true;
	/* Latest texts in batches, in listing order. */
	batch = xmalloc((size_t)a.o->batch * sizeof(*batch));
	if (js_prepare(&a, &st, "SELECT id FROM todo ORDER BY ns, rowid"))
		goto out;
	size_t n = 0;
	for (;;) {
		int s = sqlite3_step(st);
		if (s == SQLITE_ROW)
			batch[n++] = sqlite3_column_int64(st, 0);
		if ((s != SQLITE_ROW && n) || n == (size_t)a.o->batch) {
			if (read_batch(&a, batch, n))
				goto out;
			done += n;
			mw_wiki_progress(w, "fetching pages", done, total);
			n = 0;
		}
		if (s != SQLITE_ROW)
			break;
	}
	sqlite3_finalize(st);
	st = NULL;
	/* Listed but never answered with a text: recorded, not lost. */
	if (js_prepare(&a, &st, "SELECT id, ns, title FROM todo WHERE done = 0"))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct mw_page_rec p = {0};
		p.id = sqlite3_column_int64(st, 0);
		p.ns = sqlite3_column_int(st, 1);
		p.title = (const char *)sqlite3_column_text(st, 2);
		p.title_has_prefix = true;
		p.unreadable = "listed by allpages but its revision could not be fetched";
		if (p.title && mw_wiki_add_page(w, &p))
			goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (a.o->history) {
		done = 0;
		if (js_prepare(&a, &st, "SELECT id FROM todo WHERE done = 1 ORDER BY ns, rowid"))
			goto out;
		while (sqlite3_step(st) == SQLITE_ROW) {
			if (read_history(&a, sqlite3_column_int64(st, 0)))
				goto out;
			mw_wiki_progress(w, "fetching histories", ++done, total);
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	if (read_files(&a))
		goto out;
	rc = 0;
out:
	if (began && mw_wiki_commit(w))
		rc = -1;
	if (a.retried)
		warn_at(url, 0, "%zu requests, %zu of them retried", a.requests, a.retried);
	sqlite3_finalize(st);
	sqlite3_close(a.js);
	if (a.curl)
		curl_easy_cleanup(a.curl);
	curl_global_cleanup();
	buf_release(&a.resp);
	free(nsids);
	free(batch);
	return rc;
}
