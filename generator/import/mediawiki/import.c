/* import_mediawiki: `nfsite import mediawiki`, the staging wiki the three readers fill,
 * and the lookups the wikitext converter calls back into.
 *
 * The flow, one direction:
 *
 *   reader (db | xml | api) ──► struct mw_wiki (staging SQLite in a temp file)
 *        │ fails: error, nothing written        │
 *        ▼                                      ▼
 *   prepare: full titles, redirect chains, namespace selection, unique slugs
 *        ▼
 *   convert each page (wikitext.c, callbacks below) ─► front matter (libyaml) + body
 *        ▼
 *   compare with what is on disk (unchanged / edited by hand / write) ─► redirect maps
 *        ▼
 *   report (JSON built by SQLite's json functions) + summary on stderr
 *
 * Invariant, asserted before the report: pages read = written + redirected + skipped.
 * Ownership: struct mw_wiki owns its staging database and every string in it. */
#include "import/mediawiki/import.h"
#include "base/buf.h"
#include "cmd/cmd.h"
#include "site/config.h"
#include "base/db.h"
#include "base/fs.h"
#include "base/log.h"
#include "import/mediawiki/api.h"
#include "import/mediawiki/db.h"
#include "import/mediawiki/xml.h"
#include "base/version.h"
#include "base/webconf.h"
#include "wikitext/wikitext.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <lauxlib.h>
#include <locale.h>
#include <lua.h>
#include <lualib.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wctype.h>
#include <yaml.h>

#define MW_MAX_REDIRECT_HOPS 10
#define MW_SLUG_MAX 100

/* ------------------------------------------------------------------------------------
 * The staging wiki */

struct mw_ns {
	int id;
	char *name;
};

struct tmap;

struct mw_wiki {
	char *source;
	sqlite3 *db;
	struct mw_ns *ns;
	size_t nns;
	bool project_named;
	long long ord;
	size_t pages_read, revisions_read;
	char *url_prefix; /* "/wiki": where converted pages live */
	bool tty;
	size_t progress_last;
	locale_t loc;
	struct tmap *tmap;
	sqlite3_stmt *st_find, *st_add_page, *st_add_rev, *st_skip, *st_get, *st_text;
};

static const struct {
	int id;
	const char *name;
} std_ns[] = {
	{-2, "Media"}, {-1, "Special"}, {0, ""}, {1, "Talk"}, {2, "User"}, {3, "User talk"},
	{4, "Project"}, {5, "Project talk"}, {6, "File"}, {7, "File talk"}, {8, "MediaWiki"},
	{9, "MediaWiki talk"}, {10, "Template"}, {11, "Template talk"}, {12, "Help"},
	{13, "Help talk"}, {14, "Category"}, {15, "Category talk"}, {828, "Module"},
	{829, "Module talk"},
};

static const char schema[] =
	/* text last: SQLite reads a row up to the columns asked for, so every lookup of the
	 * small columns would otherwise walk a big page's overflow chain (a 5 MB page with
	 * 100,000 links made that quadratic). */
	"CREATE TABLE page("
	" id INTEGER PRIMARY KEY, ns INTEGER NOT NULL, key TEXT NOT NULL, title TEXT,"
	" model TEXT, ts TEXT, user TEXT, is_redirect INTEGER NOT NULL,"
	" rd_raw TEXT, rd_ns INTEGER, rd_fragment TEXT, displaytitle TEXT, unreadable TEXT,"
	" ord INTEGER NOT NULL,"
	" rd_to INTEGER, rd_target TEXT, rd_frag TEXT, final INTEGER, final_frag TEXT,"
	" status TEXT, reason TEXT, slug TEXT, outcome TEXT, text BLOB);"
	"CREATE UNIQUE INDEX page_title ON page(ns, key);"
	"CREATE UNIQUE INDEX page_slug ON page(slug);"
	"CREATE INDEX page_final ON page(final);"
	"CREATE TABLE contrib(page INTEGER, name TEXT, first TEXT, n INTEGER,"
	" PRIMARY KEY(page, name));"
	"CREATE TABLE skipped(ord INTEGER, title TEXT, reason TEXT);"
	"CREATE TABLE note(page INTEGER, kind TEXT, text TEXT);";

static int db_fail(struct mw_wiki *w, const char *what)
{
	return error_at(w->source, 0, "staging database: %s: %s", what, sqlite3_errmsg(w->db));
}

static int exec(struct mw_wiki *w, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(w->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = error_at(w->source, 0, "staging database: %s", msg ? msg : "failed");
		sqlite3_free(msg);
		return rc;
	}
	return 0;
}

static int prepare_stmt(struct mw_wiki *w, sqlite3_stmt **st, const char *sql)
{
	if (sqlite3_prepare_v2(w->db, sql, -1, st, NULL) != SQLITE_OK)
		return db_fail(w, sql);
	return 0;
}

int mw_wiki_new(const char *source, struct mw_wiki **out)
{
	struct mw_wiki *w = xcalloc(1, sizeof(*w));
	int rc = -1;
	w->source = xstrdup(source);
	w->url_prefix = xstrdup("/wiki");
	w->tty = isatty(2) && !log_quiet;
	w->loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	for (size_t i = 0; i < sizeof(std_ns) / sizeof(std_ns[0]); i++)
		mw_wiki_set_namespace(w, std_ns[i].id, std_ns[i].name);
	w->project_named = false;
	/* "" is a private temporary file: the page cache stays small, the rest spills. */
	if (sqlite3_open("", &w->db) != SQLITE_OK) {
		error_at(source, 0, "cannot create the staging database");
		goto out;
	}
	/* A bounded cache (4 MiB): memory stays flat whatever the wiki's size. */
	if (exec(w, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-4096;") ||
	    exec(w, schema))
		goto out;
	if (prepare_stmt(w, &w->st_find, "SELECT id FROM page WHERE ns = ? AND key = ?") ||
	    prepare_stmt(w, &w->st_add_page,
	                 "INSERT INTO page(id, ns, key, text, model, ts, user, is_redirect,"
	                 " rd_raw, rd_ns, rd_fragment, displaytitle, unreadable, ord)"
	                 " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)") ||
	    prepare_stmt(w, &w->st_add_rev,
	                 "INSERT INTO contrib(page, name, first, n) VALUES(?1, ?2, ?3, 1)"
	                 " ON CONFLICT(page, name) DO UPDATE SET n = n + 1,"
	                 " first = min(first, excluded.first)") ||
	    prepare_stmt(w, &w->st_skip, "INSERT INTO skipped(ord, title, reason) VALUES(?,?,?)") ||
	    prepare_stmt(w, &w->st_get,
	                 "SELECT is_redirect, final, status, slug, rd_to FROM page WHERE id = ?") ||
	    prepare_stmt(w, &w->st_text, "SELECT text FROM page WHERE id = ?"))
		goto out;
	rc = 0;
out:
	if (rc) {
		mw_wiki_free(w);
		w = NULL;
	}
	*out = w;
	return rc;
}

static void tmap_free(struct tmap *t);

void mw_wiki_free(struct mw_wiki *w)
{
	if (!w)
		return;
	sqlite3_finalize(w->st_find);
	sqlite3_finalize(w->st_add_page);
	sqlite3_finalize(w->st_add_rev);
	sqlite3_finalize(w->st_skip);
	sqlite3_finalize(w->st_get);
	sqlite3_finalize(w->st_text);
	sqlite3_close(w->db);
	for (size_t i = 0; i < w->nns; i++)
		free(w->ns[i].name);
	free(w->ns);
	free(w->source);
	free(w->url_prefix);
	if (w->loc)
		freelocale(w->loc);
	tmap_free(w->tmap);
	free(w);
}

void mw_wiki_set_namespace(struct mw_wiki *w, int ns, const char *name)
{
	if (ns == 4)
		w->project_named = true;
	for (size_t i = 0; i < w->nns; i++) {
		if (w->ns[i].id == ns) {
			free(w->ns[i].name);
			w->ns[i].name = xstrdup(name);
			return;
		}
	}
	w->ns = xrealloc(w->ns, (w->nns + 1) * sizeof(*w->ns));
	w->ns[w->nns].id = ns;
	w->ns[w->nns].name = xstrdup(name);
	w->nns++;
}

bool mw_wiki_has_project_name(const struct mw_wiki *w)
{
	return w->project_named;
}

static const char *ns_name(const struct mw_wiki *w, int ns)
{
	for (size_t i = 0; i < w->nns; i++)
		if (w->ns[i].id == ns)
			return w->ns[i].name;
	return NULL;
}

/* Namespace names compare case-insensitively (ASCII), "_" equal to " ". */
static bool ns_name_eq(const char *name, const char *p, size_t n)
{
	size_t i = 0;
	for (; i < n && name[i]; i++) {
		int a = (unsigned char)name[i], b = (unsigned char)p[i];
		if (a == '_')
			a = ' ';
		if (b == '_')
			b = ' ';
		if (a < 128 && b < 128) {
			if (tolower(a) != tolower(b))
				return false;
		} else if (a != b) {
			return false;
		}
	}
	return i == n && !name[i];
}

#define NS_NONE MW_NS_UNKNOWN

static int ns_by_name(const struct mw_wiki *w, const char *p, size_t n)
{
	for (size_t i = 0; i < w->nns; i++)
		if (w->ns[i].name[0] && ns_name_eq(w->ns[i].name, p, n))
			return w->ns[i].id;
	/* Canonical names and aliases every wiki understands. */
	for (size_t i = 0; i < sizeof(std_ns) / sizeof(std_ns[0]); i++)
		if (std_ns[i].name[0] && ns_name_eq(std_ns[i].name, p, n))
			return std_ns[i].id;
	if (ns_name_eq("Image", p, n))
		return 6;
	if (ns_name_eq("Image talk", p, n))
		return 7;
	return NS_NONE;
}

int mw_wiki_begin(struct mw_wiki *w)
{
	return exec(w, "BEGIN");
}

int mw_wiki_commit(struct mw_wiki *w)
{
	return exec(w, "COMMIT");
}

void mw_wiki_progress(struct mw_wiki *w, const char *what, size_t done, size_t total)
{
	if (!w->tty)
		return;
	if (done != total && done - w->progress_last < 25 && done > w->progress_last)
		return;
	w->progress_last = done;
	if (total) {
		int fill = (int)(done * 30 / total);
		fprintf(stderr, "\r\033[K%s [%.*s%*s] %zu/%zu", what, fill,
		        "##############################", 30 - fill, "", done, total);
	} else {
		fprintf(stderr, "\r\033[K%s %zu", what, done);
	}
	if (total && done >= total) {
		fputc('\n', stderr);
		w->progress_last = 0;
	}
	fflush(stderr);
}

/* ------------------------------------------------------------------------------------
 * UTF-8, titles and slugs */

/* Decodes one code point at s (n bytes left); returns its length, 0 when invalid. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t len;
	uint32_t c, min;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2, c = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, c = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static void utf8_put(struct buf *b, uint32_t c)
{
	if (c < 0x80) {
		buf_putc(b, (int)c);
	} else if (c < 0x800) {
		buf_putc(b, (int)(0xc0 | (c >> 6)));
		buf_putc(b, (int)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		buf_putc(b, (int)(0xe0 | (c >> 12)));
		buf_putc(b, (int)(0x80 | ((c >> 6) & 0x3f)));
		buf_putc(b, (int)(0x80 | (c & 0x3f)));
	} else {
		buf_putc(b, (int)(0xf0 | (c >> 18)));
		buf_putc(b, (int)(0x80 | ((c >> 12) & 0x3f)));
		buf_putc(b, (int)(0x80 | ((c >> 6) & 0x3f)));
		buf_putc(b, (int)(0x80 | (c & 0x3f)));
	}
}

bool mw_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_decode(p + i, len - i, &c);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

/* Copies s with every invalid byte replaced by U+FFFD (for messages and the report). */
static void utf8_sanitize(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_decode(p + i, len - i, &c);
		if (!n || c == 0) {
			buf_puts(out, "\xef\xbf\xbd");
			i++;
		} else {
			buf_add(out, s + i, n);
			i += n;
		}
	}
}

void mw_timestamp_iso(const char *ts, char out[32])
{
	size_t n = ts ? strlen(ts) : 0;
	bool digits = n == 14;
	for (size_t i = 0; digits && i < 14; i++)
		digits = ts[i] >= '0' && ts[i] <= '9';
	if (digits)
		snprintf(out, 32, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", ts, ts + 4, ts + 6, ts + 8,
		         ts + 10, ts + 12);
	else
		snprintf(out, 32, "%s", ts ? ts : "");
}

static bool is_space_cp(uint32_t c)
{
	return c == ' ' || c == '_' || c == '\t' || c == 0xa0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
	       c == 0x205f || c == 0x3000;
}

/* Normalises a title's key the way MediaWiki does: spaces (and underscores, Unicode
 * spaces) become one space, trimmed, first letter upper-case. Fails on characters
 * a title cannot hold, invalid UTF-8 or an empty result. */
static int key_norm(const struct mw_wiki *w, const char *s, size_t len, struct buf *key)
{
	const unsigned char *p = (const unsigned char *)s;
	bool space = false;
	buf_reset(key);
	for (size_t i = 0; i < len;) {
		uint32_t c;
		size_t n = utf8_decode(p + i, len - i, &c);
		if (!n)
			return -1;
		i += n;
		if (c < 0x20 || c == 0x7f || c == '[' || c == ']' || c == '{' || c == '}' ||
		    c == '|' || c == '<' || c == '>' || c == 0xfffd)
			return -1;
		if (is_space_cp(c)) {
			space = key->len > 0;
			continue;
		}
		if (space)
			buf_putc(key, ' ');
		space = false;
		if (key->len == 0) {
			uint32_t u = w->loc ? (uint32_t)towupper_l((wint_t)c, w->loc) : c;
			if (c < 128)
				u = (uint32_t)toupper((int)c);
			utf8_put(key, u);
		} else {
			buf_add(key, s + i - n, n);
		}
	}
	return key->len ? 0 : -1;
}

/* Parses a title as written in a link or a template call: optional leading ":",
 * namespace prefix, "#fragment" (into frag when not NULL). */
static int title_parse(const struct mw_wiki *w, const char *in, int default_ns, int *ns,
                       struct buf *key, struct buf *frag)
{
	const char *s = in, *end = in + strlen(in);
	const char *hash = memchr(s, '#', (size_t)(end - s));
	if (frag) {
		buf_reset(frag);
		if (hash)
			buf_add(frag, hash + 1, (size_t)(end - hash - 1));
	}
	if (hash)
		end = hash;
	while (s < end && (*s == ' ' || *s == '_'))
		s++;
	*ns = default_ns;
	if (s < end && *s == ':') {
		s++;
		*ns = 0;
	}
	const char *colon = memchr(s, ':', (size_t)(end - s));
	if (colon) {
		const char *a = s, *b = colon;
		while (a < b && (*a == ' ' || *a == '_'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '_'))
			b--;
		int n = ns_by_name(w, a, (size_t)(b - a));
		if (n != NS_NONE && n != 0) {
			*ns = n == -2 ? 6 : n; /* [[Media:X]] is the file X */
			s = colon + 1;
		}
	}
	return key_norm(w, s, (size_t)(end - s), key);
}

static void full_title(const struct mw_wiki *w, int ns, const char *key, struct buf *out)
{
	const char *name = ns_name(w, ns);
	buf_reset(out);
	if (ns != 0) {
		if (name)
			buf_puts(out, name);
		else
			buf_printf(out, "Namespace %d", ns);
		buf_putc(out, ':');
	}
	buf_puts(out, key);
}

/* Slug from a full title: lower-case ASCII letters and digits, Unicode letters and
 * digits kept (lower-cased), ".", everything else one "-"; trimmed; never empty,
 * never a dot-file, never "..". Long titles are cut and get a hash suffix. */
static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void slugify(const struct mw_wiki *w, const char *title, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)title;
	size_t len = strlen(title);
	buf_reset(out);
	for (size_t i = 0; i < len;) {
		uint32_t c;
		size_t n = utf8_decode(p + i, len - i, &c);
		if (!n) {
			n = 1;
			c = '-';
		}
		i += n;
		if (c < 128) {
			if (isalnum((int)c)) {
				buf_putc(out, tolower((int)c));
				continue;
			}
			if (c == '.' && out->len && out->data[out->len - 1] != '.' &&
			    out->data[out->len - 1] != '-') {
				buf_putc(out, '.');
				continue;
			}
		} else if (w->loc && (iswalpha_l((wint_t)c, w->loc) || iswdigit_l((wint_t)c, w->loc))) {
			utf8_put(out, (uint32_t)towlower_l((wint_t)c, w->loc));
			continue;
		}
		if (out->len && out->data[out->len - 1] != '-') {
			if (out->data[out->len - 1] == '.')
				out->data[out->len - 1] = '-';
			else
				buf_putc(out, '-');
		}
	}
	while (out->len && (out->data[out->len - 1] == '-' || out->data[out->len - 1] == '.'))
		buf_truncate(out, out->len - 1);
	size_t lead = 0;
	while (lead < out->len && (out->data[lead] == '-' || out->data[lead] == '.'))
		lead++;
	if (lead) {
		memmove(out->data, out->data + lead, out->len - lead);
		buf_truncate(out, out->len - lead);
	}
	if (out->len > MW_SLUG_MAX) {
		size_t cut = MW_SLUG_MAX;
		while (cut && ((unsigned char)out->data[cut] & 0xc0) == 0x80)
			cut--;
		buf_truncate(out, cut);
		while (out->len && out->data[out->len - 1] == '-')
			buf_truncate(out, out->len - 1);
		buf_printf(out, "-%08llx", (unsigned long long)(fnv1a(title, len) & 0xffffffffULL));
	}
	/* content/: index.md would stand for the folder itself. */
	if (!out->len || !strcmp(out->data, "index"))
		buf_puts(out, out->len ? "-page" : "page");
}

/* ------------------------------------------------------------------------------------
 * Filling the wiki (the readers call these) */

static int add_skipped(struct mw_wiki *w, const char *title, size_t len, const char *reason)
{
	struct buf t = BUF_INIT;
	int rc = 0;
	utf8_sanitize(&t, title ? title : "", title ? len : 0);
	sqlite3_reset(w->st_skip);
	sqlite3_bind_int64(w->st_skip, 1, ++w->ord);
	sqlite3_bind_text(w->st_skip, 2, t.data, (int)t.len, SQLITE_TRANSIENT);
	sqlite3_bind_text(w->st_skip, 3, reason, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(w->st_skip) != SQLITE_DONE)
		rc = db_fail(w, "recording a skipped page");
	w->pages_read++;
	buf_release(&t);
	return rc;
}

int mw_wiki_add_page(struct mw_wiki *w, const struct mw_page_rec *p)
{
	struct buf key = BUF_INIT, why = BUF_INIT;
	const char *title = p->title ? p->title : "";
	size_t tlen = strlen(title);
	const char *text = p->text, *unreadable = p->unreadable;
	int rc = -1, step;
	if (!mw_utf8_valid(title, tlen)) {
		rc = add_skipped(w, title, tlen, "the title is not valid UTF-8");
		goto out;
	}
	const char *k = title;
	int ns = p->ns;
	if (ns == MW_NS_UNKNOWN) {
		const char *colon = strchr(title, ':');
		ns = colon ? ns_by_name(w, title, (size_t)(colon - title)) : 0;
		if (ns == NS_NONE || ns < 0)
			ns = 0;
	}
	if (p->title_has_prefix && ns != 0) {
		const char *colon = strchr(title, ':');
		if (colon && ns_by_name(w, title, (size_t)(colon - title)) == ns)
			k = colon + 1;
	}
	if (key_norm(w, k, strlen(k), &key)) {
		rc = add_skipped(w, title, tlen, "the title is empty or holds characters a title cannot hold");
		goto out;
	}
	if (text && !mw_utf8_valid(text, p->text_len)) {
		text = NULL;
		unreadable = "the text is not valid UTF-8";
	}
	if (!text && !unreadable)
		unreadable = "no text";
	sqlite3_stmt *st = w->st_add_page;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_int64(st, 1, p->id);
	sqlite3_bind_int(st, 2, ns);
	sqlite3_bind_text(st, 3, key.data, (int)key.len, SQLITE_TRANSIENT);
	if (text)
		sqlite3_bind_text64(st, 4, text, p->text_len, SQLITE_TRANSIENT, SQLITE_UTF8);
	sqlite3_bind_text(st, 5, p->model ? p->model : "wikitext", -1, SQLITE_TRANSIENT);
	if (p->timestamp)
		sqlite3_bind_text(st, 6, p->timestamp, -1, SQLITE_TRANSIENT);
	if (p->user && mw_utf8_valid(p->user, strlen(p->user)))
		sqlite3_bind_text(st, 7, p->user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 8, p->is_redirect);
	if (p->redirect_target && mw_utf8_valid(p->redirect_target, strlen(p->redirect_target)))
		sqlite3_bind_text(st, 9, p->redirect_target, -1, SQLITE_TRANSIENT);
	if (p->redirect_target && p->redirect_ns_known)
		sqlite3_bind_int(st, 10, p->redirect_ns);
	if (p->redirect_fragment && mw_utf8_valid(p->redirect_fragment, strlen(p->redirect_fragment)))
		sqlite3_bind_text(st, 11, p->redirect_fragment, -1, SQLITE_TRANSIENT);
	if (p->displaytitle && mw_utf8_valid(p->displaytitle, strlen(p->displaytitle)))
		sqlite3_bind_text(st, 12, p->displaytitle, -1, SQLITE_TRANSIENT);
	if (unreadable)
		sqlite3_bind_text(st, 13, unreadable, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 14, ++w->ord);
	step = sqlite3_step(st);
	if (step == SQLITE_CONSTRAINT) {
		buf_printf(&why, "another page already has this title or id (%lld)", p->id);
		w->ord--;
		rc = add_skipped(w, title, tlen, why.data);
		goto out;
	}
	if (step != SQLITE_DONE) {
		db_fail(w, "adding a page");
		goto out;
	}
	w->pages_read++;
	rc = 0;
out:
	buf_release(&key);
	buf_release(&why);
	return rc;
}

int mw_wiki_add_revision(struct mw_wiki *w, long long page_id, const char *user,
                         const char *timestamp)
{
	sqlite3_stmt *st = w->st_add_rev;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, page_id);
	if (user && mw_utf8_valid(user, strlen(user)))
		sqlite3_bind_text(st, 2, user, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_text(st, 2, "", 0, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, timestamp ? timestamp : "", -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		return db_fail(w, "counting a revision");
	w->revisions_read++;
	return 0;
}

/* ------------------------------------------------------------------------------------
 * Preparing: titles, redirects, selection, slugs */

/* "#REDIRECT [[Target#frag|label]]" (any case, optional colon) → target with fragment. */
static bool parse_redirect_text(const char *text, struct buf *target)
{
	const char *p = text;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (strncasecmp(p, "#redirect", 9))
		return false;
	p += 9;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == ':')
		p++;
	if (strncmp(p, "[[", 2))
		return false;
	p += 2;
	const char *e = p;
	while (*e && *e != ']' && *e != '|' && *e != '\n')
		e++;
	if (*e != ']' && *e != '|')
		return false;
	buf_reset(target);
	buf_add(target, p, (size_t)(e - p));
	return target->len > 0;
}

static int find_page(struct mw_wiki *w, int ns, const char *key, long long *id)
{
	int found = 0;
	sqlite3_reset(w->st_find);
	sqlite3_bind_int(w->st_find, 1, ns);
	sqlite3_bind_text(w->st_find, 2, key, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(w->st_find) == SQLITE_ROW) {
		*id = sqlite3_column_int64(w->st_find, 0);
		found = 1;
	}
	sqlite3_reset(w->st_find);
	return found;
}

struct nsset {
	int *ids;
	size_t n;
	bool all;
};

static bool nsset_has(const struct nsset *s, int ns)
{
	if (s->all)
		return ns >= 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->ids[i] == ns)
			return true;
	return false;
}

/* Default: everything people wrote as pages. Templates, MediaWiki messages and Lua
 * modules are not pages of the new site (templates are expanded where used). */
static void nsset_default(struct nsset *s)
{
	static const int def[] = {0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15};
	s->all = false;
	s->n = sizeof(def) / sizeof(def[0]);
	s->ids = xmalloc(sizeof(def));
	memcpy(s->ids, def, sizeof(def));
}

static int nsset_parse(const struct mw_wiki *w, const char *list, struct nsset *s)
{
	const char *p = list;
	s->all = false;
	s->n = 0;
	free(s->ids);
	s->ids = NULL;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		while (n && *p == ' ')
			p++, n--;
		while (n && p[n - 1] == ' ')
			n--;
		int id = NS_NONE;
		char *end;
		if (n == 3 && !strncasecmp(p, "all", 3)) {
			s->all = true;
		} else if (n) {
			long v = strtol(p, &end, 10);
			if (end == p + n)
				id = (int)v;
			else if ((n == 4 && !strncasecmp(p, "main", 4)) ||
			         (n == 9 && !strncasecmp(p, "(main)", 6)))
				id = 0;
			else
				id = ns_by_name(w, p, n);
			if (id == NS_NONE)
				return error_at(NULL, 0, "--namespaces: unknown namespace '%.*s'", (int)n, p);
			s->ids = xrealloc(s->ids, (s->n + 1) * sizeof(int));
			s->ids[s->n++] = id;
		}
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

/* Guesses the project namespace's name when the source does not say (the database):
 * links written "[[Name:Title]]" to pages that exist in namespace 4. */
static int guess_project_name(struct mw_wiki *w, const char *given)
{
	sqlite3_stmt *st = NULL, *keys = NULL;
	struct buf best = BUF_INIT, cand = BUF_INIT, pat = BUF_INIT;
	int rc = -1, best_n = 0;
	if (given) {
		mw_wiki_set_namespace(w, 4, given);
		goto talk;
	}
	if (w->project_named)
		return 0;
	/* Candidates: every "[[X:" prefix followed by a ns-4 key, counted. */
	if (prepare_stmt(w, &keys, "SELECT key FROM page WHERE ns = 4") ||
	    prepare_stmt(w, &st, "SELECT text FROM page WHERE text IS NOT NULL"))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 0);
		for (const char *p = strstr(text, "[["); p; p = strstr(p + 2, "[[")) {
			const char *q = p + 2, *colon;
			while (*q == ' ' || *q == ':')
				q++;
			colon = q;
			while (*colon && *colon != ':' && *colon != '|' && *colon != ']' &&
			       *colon != '\n' && colon - q < 64)
				colon++;
			if (*colon != ':' || colon == q)
				continue;
			buf_reset(&cand);
			buf_add(&cand, q, (size_t)(colon - q));
			if (ns_by_name(w, cand.data, cand.len) != NS_NONE &&
			    ns_by_name(w, cand.data, cand.len) != 4)
				continue;
			/* Does a ns-4 page have the key after the colon? */
			const char *t = colon + 1, *te = t;
			while (*te && *te != '|' && *te != ']' && *te != '#' && *te != '\n')
				te++;
			struct buf key = BUF_INIT;
			long long id;
			if (!key_norm(w, t, (size_t)(te - t), &key) && find_page(w, 4, key.data, &id)) {
				if (!best.len || !strcmp(best.data, cand.data)) {
					buf_reset(&best);
					buf_add(&best, cand.data, cand.len);
					best_n++;
				} else if (--best_n <= 0) {
					buf_reset(&best);
					buf_add(&best, cand.data, cand.len);
					best_n = 1;
				}
			}
			buf_release(&key);
		}
	}
	if (best.len) {
		struct buf name = BUF_INIT;
		key_norm(w, best.data, best.len, &name);
		mw_wiki_set_namespace(w, 4, name.data);
		buf_release(&name);
	}
talk:
	if (w->project_named) {
		buf_reset(&pat);
		buf_printf(&pat, "%s talk", ns_name(w, 4));
		mw_wiki_set_namespace(w, 5, pat.data);
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(keys);
	buf_release(&best);
	buf_release(&cand);
	buf_release(&pat);
	return rc;
}

static int prepare(struct mw_wiki *w, const struct nsset *sel)
{
	sqlite3_stmt *st = NULL, *up = NULL;
	struct buf title = BUF_INIT, target = BUF_INIT, key = BUF_INIT, frag = BUF_INIT;
	struct buf reason = BUF_INIT, slug = BUF_INIT;
	int rc = -1;

	if (mw_wiki_begin(w))
		goto out;
	/* 1. Full titles, now that namespace names are final. */
	if (prepare_stmt(w, &st, "SELECT id, ns, key FROM page") ||
	    prepare_stmt(w, &up, "UPDATE page SET title = ? WHERE id = ?"))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		full_title(w, sqlite3_column_int(st, 1), (const char *)sqlite3_column_text(st, 2), &title);
		sqlite3_reset(up);
		sqlite3_bind_text(up, 1, title.data, (int)title.len, SQLITE_TRANSIENT);
		sqlite3_bind_int64(up, 2, sqlite3_column_int64(st, 0));
		if (sqlite3_step(up) != SQLITE_DONE)
			goto fail;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	st = up = NULL;

	/* 2. Each redirect's immediate target. */
	if (prepare_stmt(w, &st, "SELECT id, rd_raw, rd_ns, rd_fragment, text, is_redirect"
	                         " FROM page WHERE unreadable IS NULL") ||
	    prepare_stmt(w, &up, "UPDATE page SET is_redirect = 1, rd_to = ?, rd_target = ?,"
	                         " rd_frag = ? WHERE id = ?"))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0), to = 0;
		const char *raw = (const char *)sqlite3_column_text(st, 1);
		const char *text = (const char *)sqlite3_column_text(st, 4);
		bool is_redirect = sqlite3_column_int(st, 5);
		int ns = 0, ok;
		buf_reset(&frag);
		if (raw && sqlite3_column_type(st, 2) != SQLITE_NULL) {
			ns = sqlite3_column_int(st, 2);
			ok = !key_norm(w, raw, strlen(raw), &key);
			if (sqlite3_column_type(st, 3) != SQLITE_NULL)
				buf_puts(&frag, (const char *)sqlite3_column_text(st, 3));
		} else if (raw) {
			ok = !title_parse(w, raw, 0, &ns, &key, &frag);
			if (sqlite3_column_type(st, 3) != SQLITE_NULL && !frag.len)
				buf_puts(&frag, (const char *)sqlite3_column_text(st, 3));
			/* The XML's <redirect title> has no fragment; the text does. */
			if (ok && !frag.len && text && parse_redirect_text(text, &target)) {
				struct buf k2 = BUF_INIT, f2 = BUF_INIT;
				int ns2;
				if (!title_parse(w, target.data, 0, &ns2, &k2, &f2) && ns2 == ns &&
				    !strcmp(k2.data, key.data))
					buf_add(&frag, f2.data, f2.len);
				buf_release(&k2);
				buf_release(&f2);
			}
		} else if (text && parse_redirect_text(text, &target)) {
			ok = !title_parse(w, target.data, 0, &ns, &key, &frag);
		} else {
			if (is_redirect) {
				/* Flagged but unparseable: a broken redirect. */
				sqlite3_reset(up);
				sqlite3_bind_null(up, 1);
				sqlite3_bind_text(up, 2, "(unreadable target)", -1, SQLITE_STATIC);
				sqlite3_bind_null(up, 3);
				sqlite3_bind_int64(up, 4, id);
				if (sqlite3_step(up) != SQLITE_DONE)
					goto fail;
			}
			continue;
		}
		if (ok) {
			full_title(w, ns, key.data, &title);
			if (!find_page(w, ns, key.data, &to))
				to = 0;
		} else {
			buf_reset(&title);
			buf_puts(&title, raw ? raw : target.data);
		}
		sqlite3_reset(up);
		if (to)
			sqlite3_bind_int64(up, 1, to);
		else
			sqlite3_bind_null(up, 1);
		sqlite3_bind_text(up, 2, title.data, (int)title.len, SQLITE_TRANSIENT);
		if (frag.len)
			sqlite3_bind_text(up, 3, frag.data, (int)frag.len, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(up, 3);
		sqlite3_bind_int64(up, 4, id);
		if (sqlite3_step(up) != SQLITE_DONE)
			goto fail;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	st = up = NULL;

	/* 3. Status of every page: follow redirect chains, apply the namespace choice. */
	if (prepare_stmt(w, &st, "SELECT id, ns, is_redirect, unreadable, model, rd_to,"
	                         " rd_target, rd_frag FROM page ORDER BY ns, key") ||
	    prepare_stmt(w, &up, "UPDATE page SET status = ?, reason = ?, final = ?,"
	                         " final_frag = ? WHERE id = ?"))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0), final = 0;
		int ns = sqlite3_column_int(st, 1);
		bool redirect = sqlite3_column_int(st, 2);
		const char *unreadable = (const char *)sqlite3_column_text(st, 3);
		const char *model = (const char *)sqlite3_column_text(st, 4);
		const char *status = "skipped";
		buf_reset(&reason);
		buf_reset(&frag);
		if (!nsset_has(sel, ns)) {
			const char *name = ns_name(w, ns);
			buf_printf(&reason, "namespace %d (%s) is not imported", ns,
			           name && *name ? name : "main");
		} else if (unreadable) {
			buf_printf(&reason, "text not readable: %s", unreadable);
		} else if (!redirect && model && strcmp(model, "wikitext")) {
			buf_printf(&reason, "content model '%s' is not converted", model);
		} else if (!redirect) {
			status = "page";
			final = id;
		} else {
			/* Follow the chain: the first fragment met wins, as a reader would land. */
			long long cur = id;
			sqlite3_stmt *hop = NULL;
			if (prepare_stmt(w, &hop, "SELECT is_redirect, rd_to, rd_target, rd_frag, ns,"
			                          " unreadable, title FROM page WHERE id = ?"))
				goto out;
			for (int hops = 0;; hops++) {
				sqlite3_reset(hop);
				sqlite3_bind_int64(hop, 1, cur);
				if (sqlite3_step(hop) != SQLITE_ROW)
					break;
				if (!sqlite3_column_int(hop, 0)) {
					if (sqlite3_column_type(hop, 5) != SQLITE_NULL) {
						buf_printf(&reason, "the redirect target '%s' is not readable",
						           (const char *)sqlite3_column_text(hop, 6));
					} else if (!nsset_has(sel, sqlite3_column_int(hop, 4))) {
						buf_printf(&reason, "the redirect target '%s' is not imported",
						           (const char *)sqlite3_column_text(hop, 6));
					} else {
						final = cur;
						status = "redirect";
					}
					break;
				}
				if (hops >= MW_MAX_REDIRECT_HOPS) {
					buf_puts(&reason, "redirect loop or too many redirects in a row");
					break;
				}
				if (!frag.len && sqlite3_column_type(hop, 3) != SQLITE_NULL)
					buf_puts(&frag, (const char *)sqlite3_column_text(hop, 3));
				if (sqlite3_column_type(hop, 1) == SQLITE_NULL) {
					const char *t = (const char *)sqlite3_column_text(hop, 2);
					buf_printf(&reason, "broken redirect: the target '%s' does not exist",
					           t ? t : "?");
					break;
				}
				cur = sqlite3_column_int64(hop, 1);
			}
			sqlite3_finalize(hop);
		}
		sqlite3_reset(up);
		sqlite3_bind_text(up, 1, status, -1, SQLITE_STATIC);
		if (reason.len)
			sqlite3_bind_text(up, 2, reason.data, (int)reason.len, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(up, 2);
		if (final)
			sqlite3_bind_int64(up, 3, final);
		else
			sqlite3_bind_null(up, 3);
		if (frag.len)
			sqlite3_bind_text(up, 4, frag.data, (int)frag.len, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(up, 4);
		sqlite3_bind_int64(up, 5, id);
		if (sqlite3_step(up) != SQLITE_DONE)
			goto fail;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	st = up = NULL;

	/* 4. Slugs: pages first (they win a clash), then the redirects that became aliases. */
	if (exec(w, "UPDATE page SET slug = NULL") ||
	    prepare_stmt(w, &st, "SELECT id, title FROM page WHERE status IN ('page', 'redirect')"
	                         " ORDER BY status = 'redirect', ns, key") ||
	    prepare_stmt(w, &up, "UPDATE page SET slug = ? WHERE id = ?"))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		slugify(w, (const char *)sqlite3_column_text(st, 1), &slug);
		size_t base = slug.len;
		for (int n = 2;; n++) {
			sqlite3_reset(up);
			sqlite3_bind_text(up, 1, slug.data, (int)slug.len, SQLITE_TRANSIENT);
			sqlite3_bind_int64(up, 2, sqlite3_column_int64(st, 0));
			int s = sqlite3_step(up);
			if (s == SQLITE_DONE)
				break;
			if (s != SQLITE_CONSTRAINT)
				goto fail;
			buf_truncate(&slug, base);
			buf_printf(&slug, "-%d", n);
		}
	}
	if (mw_wiki_commit(w))
		goto out;
	rc = 0;
	goto out;
fail:
	db_fail(w, "preparing pages");
out:
	if (rc)
		exec(w, "ROLLBACK");
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	buf_release(&title);
	buf_release(&target);
	buf_release(&key);
	buf_release(&frag);
	buf_release(&reason);
	buf_release(&slug);
	return rc;
}

/* ------------------------------------------------------------------------------------
 * Lookups (the converter's callbacks) */

struct page_info {
	bool is_redirect;
	long long final, rd_to;
	char status[16];
	struct buf slug;
};

static bool get_page(struct mw_wiki *w, long long id, struct page_info *pi)
{
	sqlite3_stmt *st = w->st_get;
	bool ok = false;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		pi->is_redirect = sqlite3_column_int(st, 0);
		pi->final = sqlite3_column_int64(st, 1);
		snprintf(pi->status, sizeof(pi->status), "%s",
		         sqlite3_column_text(st, 2) ? (const char *)sqlite3_column_text(st, 2) : "");
		buf_reset(&pi->slug);
		if (sqlite3_column_text(st, 3))
			buf_puts(&pi->slug, (const char *)sqlite3_column_text(st, 3));
		pi->rd_to = sqlite3_column_int64(st, 4);
		ok = true;
	}
	sqlite3_reset(st);
	return ok;
}

/* A page's URL path. Slugs hold only [a-z0-9.-] and UTF-8 letters, so the raw form is
 * safe in Markdown and is what the build resolves; encoded for HTTP headers. */
static void page_url(const struct mw_wiki *w, const char *slug, bool encoded, struct buf *url)
{
	buf_puts(url, w->url_prefix);
	buf_putc(url, '/');
	if (encoded)
		buf_add_urlenc(url, slug, strlen(slug));
	else
		buf_puts(url, slug);
	buf_putc(url, '/');
}

int mw_wiki_link_target(void *wiki, const char *title, struct buf *url)
{
	struct mw_wiki *w = wiki;
	struct buf key = BUF_INIT;
	struct page_info pi = {false, 0, 0, "", BUF_INIT};
	long long id;
	int ns, found = 0;
	if (title_parse(w, title, 0, &ns, &key, NULL) || !find_page(w, ns, key.data, &id))
		goto out;
	if (!get_page(w, id, &pi))
		goto out;
	if (pi.is_redirect && pi.final && get_page(w, pi.final, &pi)) {
		/* pi now describes the final page */
	}
	if (!strcmp(pi.status, "page") && pi.slug.len) {
		page_url(w, pi.slug.data, false, url);
		found = 1;
	}
out:
	buf_release(&key);
	buf_release(&pi.slug);
	return found;
}

int mw_wiki_template(void *wiki, const char *name, struct buf *out)
{
	struct mw_wiki *w = wiki;
	struct buf key = BUF_INIT;
	struct page_info pi = {false, 0, 0, "", BUF_INIT};
	long long id;
	int ns, found = 0;
	if (title_parse(w, name, 10, &ns, &key, NULL) || !find_page(w, ns, key.data, &id))
		goto out;
	/* Follow redirects whatever their namespace selection (Template:Min kernel). */
	for (int hops = 0; hops <= MW_MAX_REDIRECT_HOPS; hops++) {
		if (!get_page(w, id, &pi))
			goto out;
		if (!pi.is_redirect)
			break;
		if (!pi.rd_to)
			goto out;
		id = pi.rd_to;
	}
	if (pi.is_redirect)
		goto out;
	sqlite3_reset(w->st_text);
	sqlite3_bind_int64(w->st_text, 1, id);
	if (sqlite3_step(w->st_text) == SQLITE_ROW && sqlite3_column_type(w->st_text, 0) != SQLITE_NULL) {
		buf_add(out, (const char *)sqlite3_column_text(w->st_text, 0),
		        (size_t)sqlite3_column_bytes(w->st_text, 0));
		found = 1;
	}
	sqlite3_reset(w->st_text);
out:
	buf_release(&key);
	buf_release(&pi.slug);
	return found;
}

static int read_source(struct mw_wiki *w, const char *kind, const char *src,
                       const struct mediawiki_api_opts *api)
{
	if (!strcmp(kind, "db"))
		return mediawiki_db_read(w, src);
	if (!strcmp(kind, "xml"))
		return mediawiki_xml_read(w, src);
	return mediawiki_api_read(w, src, api);
}

int mw_wiki_open(const char *path, bool is_xml, struct mw_wiki **out)
{
	struct mw_wiki *w = NULL;
	struct nsset sel = {NULL, 0, false};
	int rc = -1;
	*out = NULL;
	if (mw_wiki_new(path, &w))
		goto out;
	if (read_source(w, is_xml ? "xml" : "db", path, NULL) || guess_project_name(w, NULL))
		goto out;
	nsset_default(&sel);
	if (prepare(w, &sel))
		goto out;
	*out = w;
	w = NULL;
	rc = 0;
out:
	free(sel.ids);
	mw_wiki_free(w);
	return rc;
}

/* ------------------------------------------------------------------------------------
 * Site-provided template map: site.lua's `wiki_templates` table, in a Lua state of our
 * own (the build's config module is not needed to import). */

struct tmap {
	lua_State *L;
	int ref;
	char *path;
};

static void tmap_free(struct tmap *t)
{
	if (!t)
		return;
	if (t->L)
		lua_close(t->L);
	free(t->path);
	free(t);
}

/* wiki_url(title) for the template functions: the new URL of a wiki page, or nil. */
static int lua_wiki_url(lua_State *L)
{
	struct mw_wiki *w = lua_touserdata(L, lua_upvalueindex(1));
	const char *title = luaL_checkstring(L, 1);
	struct buf url = BUF_INIT;
	if (mw_wiki_link_target(w, title, &url))
		lua_pushlstring(L, url.data, url.len);
	else
		lua_pushnil(L);
	buf_release(&url);
	return 1;
}

/* Loads path; *out stays NULL when it defines no wiki_templates table. */
static int tmap_load(struct mw_wiki *w, const char *path, struct tmap **out)
{
	struct tmap *t = xcalloc(1, sizeof(*t));
	struct buf pp = BUF_INIT;
	int rc = -1;
	*out = NULL;
	t->path = xstrdup(path);
	t->L = luaL_newstate();
	luaL_openlibs(t->L);
	/* require() finds modules beside site.lua and in its templates/. */
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	else
		strcpy(dir, ".");
	lua_getglobal(t->L, "package");
	buf_printf(&pp, "%s/?.lua;%s/templates/?.lua;", dir, dir);
	lua_getfield(t->L, -1, "path");
	buf_puts(&pp, lua_tostring(t->L, -1));
	lua_pop(t->L, 1);
	lua_pushstring(t->L, pp.data);
	lua_setfield(t->L, -2, "path");
	lua_pop(t->L, 1);
	free(dir);
	lua_pushlightuserdata(t->L, w);
	lua_pushcclosure(t->L, lua_wiki_url, 1);
	lua_setglobal(t->L, "wiki_url");
	if (config_loadfile(t->L, path) < 0)
		goto out;
	if (config_pcall(t->L, 0, 1) != LUA_OK) {
		error_at(path, 0, "%s", lua_tostring(t->L, -1));
		goto out;
	}
	if (lua_istable(t->L, -1)) {
		lua_getfield(t->L, -1, "wiki_templates");
		lua_remove(t->L, -2);
	} else {
		lua_pop(t->L, 1);
		lua_getglobal(t->L, "wiki_templates");
	}
	if (lua_isnil(t->L, -1)) {
		lua_pop(t->L, 1);
		rc = 0;
		goto out;
	}
	if (!lua_istable(t->L, -1)) {
		error_at(path, 0, "wiki_templates must be a table of template name → function");
		goto out;
	}
	t->ref = luaL_ref(t->L, LUA_REGISTRYINDEX);
	*out = t;
	t = NULL;
	rc = 0;
out:
	tmap_free(t);
	buf_release(&pp);
	return rc;
}

static int template_map_cb(void *arg, const char *name, const char *const *keys,
                           const char *const *values, size_t nargs, struct buf *out)
{
	struct mw_wiki *w = arg;
	struct tmap *t = w->tmap;
	struct buf norm = BUF_INIT;
	int found = 0;
	if (!t)
		return 0;
	lua_State *L = t->L;
	int top = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, t->ref);
	const char *key = name;
	lua_getfield(L, -1, name);
	if (lua_isnil(L, -1) && !key_norm(w, name, strlen(name), &norm)) {
		lua_pop(L, 1);
		lua_getfield(L, -1, key = norm.data);
	}
	if (lua_isstring(L, -1)) {
		size_t n;
		const char *s = lua_tolstring(L, -1, &n);
		buf_add(out, s, n);
		found = 1;
		goto out;
	}
	if (!lua_isfunction(L, -1))
		goto out;
	lua_createtable(L, (int)nargs, 0);
	lua_Integer pos = 1;
	for (size_t i = 0; i < nargs; i++) {
		const char *k = keys ? keys[i] : NULL;
		char *end;
		lua_pushstring(L, values[i] ? values[i] : "");
		if (!k || !*k) {
			lua_rawseti(L, -2, pos++);
		} else {
			long v = strtol(k, &end, 10);
			if (!*end && v > 0)
				lua_rawseti(L, -2, v);
			else
				lua_setfield(L, -2, k);
		}
	}
	int st = config_pcall(L, 1, 1);
	if (st != LUA_OK && config_budget_spent(L)) {
		/* An endless function would cost its budget at every use: drop it from the map. */
		warn_at(t->path, 0, "wiki_templates[\"%s\"]: %s; the template is expanded as the wiki"
		        " would from now on", name, lua_tostring(L, -1));
		config_budget_reset(L);
		lua_pushboolean(L, 0);
		lua_setfield(L, top + 1, key);
	} else if (st != LUA_OK) {
		warn_at(t->path, 0, "wiki_templates[\"%s\"]: %s", name, lua_tostring(L, -1));
	} else if (lua_isstring(L, -1)) {
		size_t n;
		const char *s = lua_tolstring(L, -1, &n);
		buf_add(out, s, n);
		found = 1;
	} else if (!lua_isnil(L, -1) && !(lua_isboolean(L, -1) && !lua_toboolean(L, -1))) {
		warn_at(t->path, 0, "wiki_templates[\"%s\"] returned a %s, not a string", name,
		        luaL_typename(L, -1));
	}
out:
	lua_settop(L, top);
	buf_release(&norm);
	return found;
}

/* ------------------------------------------------------------------------------------
 * Output: front matter, files, redirect maps, report */

struct opts {
	const char *kind, *src, *out, *url_prefix, *old_prefix, *namespaces, *report;
	const char *redirects, *site, *project_name;
	bool force, allow_empty;
	struct mediawiki_api_opts api;
};

struct counts {
	size_t written, created, changed, unchanged, kept, redirected, skipped;
	size_t missing, unconverted;
};

static int yaml_out(void *data, unsigned char *p, size_t n)
{
	buf_add(data, (const char *)p, n);
	return 1;
}

static void y_str(yaml_emitter_t *e, const char *s)
{
	yaml_event_t ev;
	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 0, 1,
	                             YAML_DOUBLE_QUOTED_SCALAR_STYLE);
	yaml_emitter_emit(e, &ev);
}

static void y_plain(yaml_emitter_t *e, const char *s)
{
	yaml_event_t ev;
	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 0,
	                             YAML_PLAIN_SCALAR_STYLE);
	yaml_emitter_emit(e, &ev);
}

static void y_seq(yaml_emitter_t *e, bool start)
{
	yaml_event_t ev;
	if (start)
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
	else
		yaml_sequence_end_event_initialize(&ev);
	yaml_emitter_emit(e, &ev);
}

static void y_map(yaml_emitter_t *e, bool start)
{
	yaml_event_t ev;
	if (start)
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	else
		yaml_mapping_end_event_initialize(&ev);
	yaml_emitter_emit(e, &ev);
}

struct fm {
	const char *title, *original_title, *original_url, *last_edited, *last_editor;
	long long revisions;
	char **contributors, **tags, **aliases;
	size_t ncontributors, ntags, naliases;
	bool notoc;
	const char *hash; /* NULL: leave import_hash out */
};

/* Writes "---\n<yaml>---\n" with every string double-quoted by libyaml. */
static int front_matter(const struct fm *f, struct buf *out)
{
	yaml_emitter_t e;
	yaml_event_t ev;
	char num[32];
	int rc = -1;
	if (!yaml_emitter_initialize(&e))
		return error_at(NULL, 0, "libyaml: cannot initialise the emitter");
	yaml_emitter_set_output(&e, yaml_out, out);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_width(&e, -1);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	yaml_emitter_emit(&e, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 0);
	yaml_emitter_emit(&e, &ev);
	y_map(&e, true);
	y_plain(&e, "title");
	y_str(&e, f->title);
	y_plain(&e, "original_title");
	y_str(&e, f->original_title);
	y_plain(&e, "original_url");
	y_str(&e, f->original_url);
	if (f->last_edited && *f->last_edited) {
		y_plain(&e, "last_edited");
		y_str(&e, f->last_edited);
		if (strlen(f->last_edited) >= 10) {
			snprintf(num, sizeof(num), "%.10s", f->last_edited);
			y_plain(&e, "updated");
			y_str(&e, num);
		}
	}
	if (f->last_editor) {
		y_plain(&e, "last_editor");
		y_str(&e, f->last_editor);
	}
	y_plain(&e, "revisions");
	snprintf(num, sizeof(num), "%lld", f->revisions);
	y_plain(&e, num);
	y_plain(&e, "contributors");
	y_seq(&e, true);
	for (size_t i = 0; i < f->ncontributors; i++)
		y_str(&e, f->contributors[i]);
	y_seq(&e, false);
	y_plain(&e, "tags");
	y_seq(&e, true);
	for (size_t i = 0; i < f->ntags; i++)
		y_str(&e, f->tags[i]);
	y_seq(&e, false);
	y_plain(&e, "aliases");
	y_seq(&e, true);
	for (size_t i = 0; i < f->naliases; i++)
		y_str(&e, f->aliases[i]);
	y_seq(&e, false);
	if (f->notoc) {
		y_plain(&e, "toc");
		y_plain(&e, "false");
	}
	y_plain(&e, "banner");
	y_map(&e, true);
	y_plain(&e, "id");
	y_str(&e, "wiki-migrated");
	y_plain(&e, "level");
	y_str(&e, "info");
	y_plain(&e, "message");
	y_str(&e, "Migrated from the legacy wiki. The original page and its history are linked here.");
	y_plain(&e, "link");
	y_str(&e, f->original_url);
	y_map(&e, false);
	if (f->hash) {
		y_plain(&e, "import_hash");
		y_str(&e, f->hash);
	}
	y_map(&e, false);
	yaml_document_end_event_initialize(&ev, 1);
	yaml_emitter_emit(&e, &ev);
	yaml_stream_end_event_initialize(&ev);
	if (!yaml_emitter_emit(&e, &ev) || e.error) {
		error_at(NULL, 0, "libyaml: %s", e.problem ? e.problem : "emitter error");
		goto out;
	}
	yaml_emitter_flush(&e);
	buf_puts(out, "---\n");
	rc = 0;
out:
	yaml_emitter_delete(&e);
	return rc;
}

/* The hash covers the whole file but its own line, so any hand edit shows. */
static void hash_text(const char *p, size_t n, char out[40])
{
	snprintf(out, 40, "fnv1a64:%016llx", (unsigned long long)fnv1a(p, n));
}

/* Finds "import_hash: …" in the front matter of an existing file: the recorded value
 * into rec and the hash of the file without that line into now. False when absent. */
static bool existing_hash(const struct buf *file, char rec[40], char now[40])
{
	const char *s = file->data, *end = file->data + file->len;
	if (strncmp(s, "---\n", 4))
		return false;
	const char *fm_end = strstr(s + 4, "\n---\n");
	const char *line = s;
	while (line && line < end && (!fm_end || line <= fm_end)) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		if (!strncmp(line, "import_hash: \"", 14) && nl) {
			const char *v = line + 14, *q = memchr(v, '"', (size_t)(nl - v));
			if (!q || q - v >= 40)
				return false;
			snprintf(rec, 40, "%.*s", (int)(q - v), v);
			struct buf rest = BUF_INIT;
			buf_add(&rest, s, (size_t)(line - s));
			buf_add(&rest, nl + 1, (size_t)(end - nl - 1));
			hash_text(rest.data, rest.len, now);
			buf_release(&rest);
			return true;
		}
		line = nl ? nl + 1 : NULL;
	}
	return false;
}

static void free_list(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

static void list_add(char ***l, size_t *n, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*l)[i], s))
			return;
	*l = xrealloc(*l, (*n + 1) * sizeof(char *));
	(*l)[(*n)++] = xstrdup(s);
}

/* Old URL of a title: prefix + "/index.php/" + title with underscores, encoded the
 * way MediaWiki's wfUrlencode leaves it readable. */
static void title_dbkey(const char *title, struct buf *out)
{
	buf_reset(out);
	for (const char *p = title; *p; p++)
		buf_putc(out, *p == ' ' ? '_' : *p);
}

static void url_mw_encode(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || strchr("-_.~:/!$()*,;@", *p))
			buf_putc(out, *p);
		else
			buf_printf(out, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
}

static void original_url(const struct opts *o, const char *title, struct buf *out)
{
	struct buf k = BUF_INIT;
	title_dbkey(title, &k);
	buf_reset(out);
	buf_puts(out, o->old_prefix);
	while (out->len && out->data[out->len - 1] == '/')
		buf_truncate(out, out->len - 1);
	buf_puts(out, "/index.php/");
	url_mw_encode(out, k.data);
	buf_release(&k);
}

static void strip_tags(const char *s, struct buf *out)
{
	bool tag = false;
	buf_reset(out);
	for (; *s; s++) {
		if (*s == '<')
			tag = true;
		else if (*s == '>' && tag)
			tag = false;
		else if (!tag)
			buf_putc(out, *s);
	}
}

/* {{DISPLAYTITLE:x}} in the page text (not inside a template or nowiki: good enough). */
static void scan_displaytitle(const char *text, struct buf *out)
{
	const char *p = strstr(text, "{{DISPLAYTITLE:");
	if (!p)
		return;
	p += 15;
	const char *e = strstr(p, "}}");
	if (!e || memchr(p, '\n', (size_t)(e - p)))
		return;
	const char *bar = memchr(p, '|', (size_t)(e - p));
	buf_add(out, p, (size_t)((bar ? bar : e) - p));
}

static int note(struct mw_wiki *w, long long page, const char *kind, const char *text)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;
	if (prepare_stmt(w, &st, "INSERT INTO note(page, kind, text) VALUES(?,?,?)"))
		return -1;
	sqlite3_bind_int64(st, 1, page);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, text, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(w, "recording a note");
	sqlite3_finalize(st);
	return rc;
}

static int set_outcome(struct mw_wiki *w, long long page, const char *outcome)
{
	sqlite3_stmt *st = NULL;
	int rc;
	if (prepare_stmt(w, &st, "UPDATE page SET outcome = ? WHERE id = ?"))
		return -1;
	sqlite3_bind_text(st, 1, outcome, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, page);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(w, "recording an outcome");
	sqlite3_finalize(st);
	return rc;
}

/* Converts one page's wikitext, with this wiki's lookups and template map. */
static int convert(struct mw_wiki *w, const char *title, const char *text, size_t len,
                   struct wikitext_result *res)
{
	struct wikitext_opts wo = {0};
	wo.title = title;
	wo.link_target = mw_wiki_link_target;
	wo.template_source = mw_wiki_template;
	wo.template_map = w->tmap ? template_map_cb : NULL;
	wo.arg = w;
	return wikitext_convert(text, len, &wo, res);
}

static int write_pages(struct mw_wiki *w, const struct opts *o, struct counts *c)
{
	sqlite3_stmt *st = NULL, *q = NULL;
	struct buf path = BUF_INIT, file = BUF_INIT, old = BUF_INIT, body = BUF_INIT;
	struct buf url = BUF_INIT, title = BUF_INIT, tmp = BUF_INIT;
	size_t total = 0, done = 0;
	int rc = -1;

	if (prepare_stmt(w, &st, "SELECT count(*) FROM page WHERE status = 'page'"))
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW)
		total = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (prepare_stmt(w, &st, "SELECT id, ns, key, title, text, ts, user, displaytitle, slug"
	                         " FROM page WHERE status = 'page' ORDER BY ns, key"))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		int ns = sqlite3_column_int(st, 1);
		const char *key = (const char *)sqlite3_column_text(st, 2);
		const char *ftitle = (const char *)sqlite3_column_text(st, 3);
		const char *text = (const char *)sqlite3_column_text(st, 4);
		size_t tlen = (size_t)sqlite3_column_bytes(st, 4);
		const char *ts = (const char *)sqlite3_column_text(st, 5);
		const char *user = (const char *)sqlite3_column_text(st, 6);
		const char *dt = (const char *)sqlite3_column_text(st, 7);
		const char *slug = (const char *)sqlite3_column_text(st, 8);
		struct wikitext_result res = WIKITEXT_RESULT_INIT;
		struct fm f = {0};
		char hash[40], rec[40], now[40];

		mw_wiki_progress(w, "converting", ++done, total);
		if (convert(w, ftitle, text ? text : "", text ? tlen : 0, &res) < 0)
			note(w, id, "unconverted", "the converter hit a limit (see the constructs listed)");
		buf_reset(&body);
		buf_add(&body, res.markdown.data, res.markdown.len);
		if (body.len && body.data[body.len - 1] != '\n')
			buf_putc(&body, '\n');

		/* Title: the display title (plain text) when set, else the wiki title. The
		 * converter reads {{DISPLAYTITLE:}}; the text itself and page_props back it up
		 * so every reader agrees. */
		buf_reset(&tmp);
		if (!res.displaytitle && text)
			scan_displaytitle(text, &tmp);
		strip_tags(res.displaytitle ? res.displaytitle : tmp.len ? tmp.data : dt ? dt : "", &title);
		if (!title.len || !mw_utf8_valid(title.data, title.len))
			buf_puts(&title, ns == 0 ? key : ftitle);
		original_url(o, ftitle, &url);
		f.title = title.data;
		f.original_title = ftitle;
		f.original_url = url.data;
		f.last_edited = ts;
		f.last_editor = user && *user ? user : NULL;
		f.notoc = res.notoc;
		for (size_t i = 0; i < res.ncategories; i++)
			if (mw_utf8_valid(res.categories[i], strlen(res.categories[i])))
				list_add(&f.tags, &f.ntags, res.categories[i]);
		if (prepare_stmt(w, &q, "SELECT name, n FROM contrib WHERE page = ? ORDER BY first, name"))
			goto out;
		sqlite3_bind_int64(q, 1, id);
		while (sqlite3_step(q) == SQLITE_ROW) {
			f.revisions += sqlite3_column_int64(q, 1);
			if (*(const char *)sqlite3_column_text(q, 0))
				list_add(&f.contributors, &f.ncontributors,
				         (const char *)sqlite3_column_text(q, 0));
		}
		sqlite3_finalize(q);
		if (prepare_stmt(w, &q, "SELECT slug FROM page WHERE final = ? AND status = 'redirect'"
		                        " ORDER BY ns, key"))
			goto out;
		sqlite3_bind_int64(q, 1, id);
		while (sqlite3_step(q) == SQLITE_ROW) {
			buf_reset(&tmp);
			buf_printf(&tmp, "%s/%s/", w->url_prefix, (const char *)sqlite3_column_text(q, 0));
			list_add(&f.aliases, &f.naliases, tmp.data);
		}
		sqlite3_finalize(q);
		q = NULL;

		for (size_t i = 0; i < res.nmissing; i++) {
			note(w, id, "missing", res.missing_links[i]);
			c->missing++;
		}
		for (size_t i = 0; i < res.nunconverted; i++) {
			note(w, id, "unconverted", res.unconverted[i]);
			c->unconverted++;
		}

		/* The file: front matter without the hash, hashed with the body, then again
		 * with the hash as its last key. */
		buf_reset(&file);
		if (front_matter(&f, &file))
			goto page_fail;
		buf_add(&file, body.data, body.len);
		hash_text(file.data, file.len, hash);
		f.hash = hash;
		buf_reset(&file);
		if (front_matter(&f, &file))
			goto page_fail;
		buf_add(&file, body.data, body.len);

		buf_reset(&tmp);
		buf_printf(&tmp, "%s.md", slug);
		if (fs_join_safe(&path, o->out, tmp.data)) {
			error_at(o->out, 0, "unsafe output path for '%s'", ftitle);
			goto page_fail;
		}
		const char *outcome;
		buf_reset(&old);
		if (!fs_exists(path.data)) {
			outcome = "created";
		} else if (fs_read_file(path.data, &old)) {
			goto page_fail;
		} else if (old.len == file.len && !memcmp(old.data, file.data, file.len)) {
			outcome = "unchanged";
		} else if (!o->force && (!existing_hash(&old, rec, now) || strcmp(rec, now))) {
			outcome = "kept-edited";
		} else {
			outcome = "changed";
		}
		if ((!strcmp(outcome, "created") || !strcmp(outcome, "changed")) &&
		    fs_write_atomic(path.data, file.data, file.len))
			goto page_fail;
		if (set_outcome(w, id, outcome))
			goto page_fail;
		c->written++;
		if (!strcmp(outcome, "created"))
			c->created++;
		else if (!strcmp(outcome, "changed"))
			c->changed++;
		else if (!strcmp(outcome, "unchanged"))
			c->unchanged++;
		else
			c->kept++;
		wikitext_result_release(&res);
		free_list(f.contributors, f.ncontributors);
		free_list(f.tags, f.ntags);
		free_list(f.aliases, f.naliases);
		continue;
	page_fail:
		wikitext_result_release(&res);
		free_list(f.contributors, f.ncontributors);
		free_list(f.tags, f.ntags);
		free_list(f.aliases, f.naliases);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(q);
	buf_release(&path);
	buf_release(&file);
	buf_release(&old);
	buf_release(&body);
	buf_release(&url);
	buf_release(&title);
	buf_release(&tmp);
	return rc;
}

/* Every spelling of a title in a query string: MediaWiki's own, "+" or "%20" for
 * spaces, and everything but unreserved characters encoded. */
static void query_forms(const char *title, char ***l, size_t *n)
{
	struct buf k = BUF_INIT, v = BUF_INIT;
	title_dbkey(title, &k);
	url_mw_encode(&v, k.data);
	list_add(l, n, v.data);
	buf_reset(&v);
	buf_add_urlenc(&v, k.data, k.len);
	list_add(l, n, v.data);
	buf_reset(&v);
	for (const char *p = title; *p; p++) {
		if (*p == ' ')
			buf_putc(&v, '+');
		else
			url_mw_encode(&v, (char[2]){*p, 0});
	}
	list_add(l, n, v.data);
	buf_reset(&v);
	url_mw_encode(&v, title); /* spaces as %20 */
	list_add(l, n, v.data);
	buf_release(&k);
	buf_release(&v);
}

static void old_path_prefix(const char *old_prefix, struct buf *out)
{
	const char *p = strstr(old_prefix, "://");
	buf_reset(out);
	if (p) {
		p = strchr(p + 3, '/');
		buf_puts(out, p ? p : "");
	} else {
		buf_puts(out, old_prefix);
	}
	while (out->len && out->data[out->len - 1] == '/')
		buf_truncate(out, out->len - 1);
}

static void parent_dir(struct buf *b);

/* A map can hold several lines per page: spooled to temporary files past 64 KiB so a
 * huge wiki costs disk, not memory. */
struct spool {
	struct buf b;
	FILE *f;
};

static int spool_flush(struct spool *s, bool force)
{
	if (s->b.len < 65536 && !force)
		return 0;
	if (!s->f && !(s->f = tmpfile()))
		return error_at(NULL, 0, "cannot create a temporary file: %s", strerror(errno));
	if (s->b.len && fwrite(s->b.data, 1, s->b.len, s->f) != s->b.len)
		return error_at(NULL, 0, "cannot write a temporary file: %s", strerror(errno));
	buf_reset(&s->b);
	return 0;
}

static void spool_release(struct spool *s)
{
	if (s->f)
		fclose(s->f);
	buf_release(&s->b);
}

/* Writes the concatenated spools to path unless it already holds exactly that. */
static int spool_commit(const char *path, struct spool *parts, size_t n)
{
	char a[65536], b[65536];
	FILE *old = fopen(path, "rb"), *out = NULL;
	struct buf tmp = BUF_INIT;
	bool same = old != NULL;
	int rc = -1, fd;
	for (size_t i = 0; i < n; i++) {
		if (spool_flush(&parts[i], true))
			goto out;
		rewind(parts[i].f);
		size_t got;
		while (same && (got = fread(a, 1, sizeof(a), parts[i].f)) > 0)
			same = fread(b, 1, got, old) == got && !memcmp(a, b, got);
	}
	if (same && fgetc(old) == EOF) {
		rc = 0;
		goto out;
	}
	buf_puts(&tmp, path);
	parent_dir(&tmp);
	if (fs_mkdirs(tmp.data))
		goto out;
	buf_reset(&tmp);
	buf_printf(&tmp, "%s.tmp.XXXXXX", path);
	if ((fd = mkstemp(tmp.data)) < 0 || fchmod(fd, 0644) || !(out = fdopen(fd, "wb"))) {
		error_at(path, 0, "cannot write: %s", strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		size_t got;
		rewind(parts[i].f);
		while ((got = fread(a, 1, sizeof(a), parts[i].f)) > 0)
			fwrite(a, 1, got, out);
	}
	if (fclose(out) != 0 || rename(tmp.data, path) != 0) {
		out = NULL;
		error_at(path, 0, "cannot write: %s", strerror(errno));
		unlink(tmp.data);
		goto out;
	}
	out = NULL;
	rc = 0;
out:
	if (out) {
		fclose(out);
		unlink(tmp.data);
	}
	if (old)
		fclose(old);
	buf_release(&tmp);
	return rc;
}

static int write_redirect_maps(struct mw_wiki *w, const struct opts *o, const char *base)
{
	sqlite3_stmt *st = NULL;
	struct spool sp[3] = {{BUF_INIT, NULL}, {BUF_INIT, NULL}, {BUF_INIT, NULL}};
	struct buf *ng = &sp[0].b, *ngq = &sp[1].b, *ap = &sp[2].b, prefix = BUF_INIT;
	struct buf target = BUF_INIT, k = BUF_INIT, path = BUF_INIT, rx = BUF_INIT;
	int rc = -1;

	old_path_prefix(o->old_prefix, &prefix);
	buf_printf(ng, "# Old wiki URLs → new pages. Written by nfsite import mediawiki.\n"
	                "# Include inside http { }, after the site's redirects.nginx.conf (it sizes the maps),\n"
	                "# then in the server { }:\n"
	                "#   location ^~ %s/index.php/ { if ($nfsite_wiki_path) { return 301 $nfsite_wiki_path; } return 404; }\n"
	                "#   location = %s/index.php { if ($nfsite_wiki_title) { return 301 $nfsite_wiki_title; } return 301 %s/; }\n"
	                "map $uri $nfsite_wiki_path {\n\tdefault \"\";\n",
	           prefix.data, prefix.data, w->url_prefix);
	buf_puts(ngq, "map $arg_title $nfsite_wiki_title {\n\tdefault \"\";\n");
	buf_puts(ap, "# Old wiki URLs → new pages. Written by nfsite import mediawiki.\n"
	              "# Include in the virtual host (needs mod_rewrite).\nRewriteEngine On\n");
	if (prepare_stmt(w, &st, "SELECT p.title, f.slug, p.final_frag FROM page p"
	                         " JOIN page f ON f.id = p.final"
	                         " WHERE p.status IN ('page', 'redirect') ORDER BY p.ns, p.key"))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *title = (const char *)sqlite3_column_text(st, 0);
		const char *slug = (const char *)sqlite3_column_text(st, 1);
		const char *frag = (const char *)sqlite3_column_text(st, 2);
		char **forms = NULL;
		size_t nforms = 0;
		if (!webconf_key_fits(title))
			continue;
		buf_reset(&target);
		page_url(w, slug, true, &target);
		if (frag && *frag) {
			buf_putc(&target, '#');
			for (const char *p = frag; *p; p++)
				buf_putc(&target, *p == ' ' ? '_' : *p);
			/* keep only safe bytes in a Location header */
			struct buf enc = BUF_INIT;
			const char *hash = strchr(target.data, '#');
			buf_add_urlenc(&enc, hash + 1, strlen(hash + 1));
			buf_truncate(&target, (size_t)(hash - target.data) + 1);
			buf_add(&target, enc.data, enc.len);
			buf_release(&enc);
		}
		/* $uri is decoded: the title with underscores and with spaces. */
		title_dbkey(title, &k);
		list_add(&forms, &nforms, k.data);
		list_add(&forms, &nforms, title);
		for (size_t i = 0; i < nforms; i++) {
			buf_reset(&path);
			buf_printf(&path, "%s/index.php/%s", prefix.data, forms[i]);
			if (!webconf_key_fits(path.data))
				continue;
			buf_putc(ng, '\t');
			webconf_nginx_quote(ng, path.data);
			buf_putc(ng, ' ');
			webconf_nginx_quote(ng, target.data);
			buf_puts(ng, ";\n");
			buf_reset(&rx);
			buf_puts(&rx, "^/?");
			webconf_regex_literal(&rx, path.data[0] == '/' ? path.data + 1 : path.data);
			buf_puts(ap, "RewriteRule \"");
			buf_puts(ap, rx.data);
			buf_puts(ap, "$\" \"");
			webconf_apache_subst(ap, target.data);
			buf_puts(ap, "\" [R=301,L,NE]\n");
		}
		free_list(forms, nforms);
		forms = NULL;
		nforms = 0;
		query_forms(title, &forms, &nforms);
		for (size_t i = 0; i < nforms; i++) {
			if (!webconf_key_fits(forms[i]))
				continue;
			buf_putc(ngq, '\t');
			webconf_nginx_quote(ngq, forms[i]);
			buf_putc(ngq, ' ');
			webconf_nginx_quote(ngq, target.data);
			buf_puts(ngq, ";\n");
			buf_reset(&rx);
			webconf_regex_literal(&rx, forms[i]);
			buf_printf(ap, "RewriteCond \"%%{QUERY_STRING}\" \"(^|&)title=%s(&|$)\"\n", rx.data);
			buf_reset(&rx);
			buf_puts(&rx, "^/?");
			webconf_regex_literal(&rx, prefix.data[0] == '/' ? prefix.data + 1 : prefix.data);
			buf_printf(ap, "RewriteRule \"%s/index\\.php$\" \"", rx.data);
			webconf_apache_subst(ap, target.data);
			buf_puts(ap, strchr(target.data, '#') ? "\" [R=301,L,NE,QSD]\n" : "?\" [R=301,L,NE]\n");
		}
		free_list(forms, nforms);
		if (spool_flush(&sp[0], false) || spool_flush(&sp[1], false) || spool_flush(&sp[2], false))
			goto out;
	}
	buf_puts(ng, "}\n");
	buf_puts(ngq, "}\n");
	/* Rewritten only when different: a second run touches nothing. */
	buf_reset(&path);
	buf_printf(&path, "%s.nginx.conf", base);
	if (spool_commit(path.data, sp, 2))
		goto out;
	buf_reset(&path);
	buf_printf(&path, "%s.apache.conf", base);
	if (spool_commit(path.data, sp + 2, 1))
		goto out;
	rc = 0;
out:
	sqlite3_finalize(st);
	for (int i = 0; i < 3; i++)
		spool_release(&sp[i]);
	buf_release(&prefix);
	buf_release(&target);
	buf_release(&k);
	buf_release(&path);
	buf_release(&rx);
	return rc;
}

static const char report_sql[] =
	"SELECT json_object("
	" 'source', ?1, 'generator', ?2,"
	" 'read', json_object('pages', ?3, 'revisions', ?4,"
	"   'redirects', (SELECT count(*) FROM page WHERE is_redirect)),"
	" 'written', ?5, 'created', ?6, 'changed', ?7, 'unchanged', ?8, 'kept_edited', ?9,"
	" 'redirected', ?10, 'skipped', ?11,"
	" 'kept_because_edited', (SELECT json_group_array(title) FROM"
	"   (SELECT title FROM page WHERE outcome = 'kept-edited' ORDER BY ns, key)),"
	" 'skipped_pages', (SELECT json_group_array(json_object('title', title, 'reason', reason))"
	"   FROM (SELECT title, reason, ord FROM page WHERE status = 'skipped'"
	"         UNION ALL SELECT title, reason, ord FROM skipped ORDER BY ord)),"
	" 'redirects', (SELECT json_group_array(json_object('from', p.title, 'to', f.title,"
	"   'fragment', p.final_frag, 'alias', ?12 || '/' || p.slug || '/'))"
	"   FROM page p JOIN page f ON f.id = p.final WHERE p.status = 'redirect'"
	"   ORDER BY p.ns, p.key),"
	" 'missing_links', (SELECT json_group_array(json_object('page', title, 'target', text))"
	"   FROM (SELECT p.title, n.text FROM note n JOIN page p ON p.id = n.page"
	"         WHERE n.kind = 'missing' ORDER BY p.ns, p.key, n.rowid)),"
	" 'pages', (SELECT json_group_array(json_object('title', title, 'slug', slug,"
	"   'url', ?12 || '/' || slug || '/', 'outcome', outcome,"
	"   'unconverted', (SELECT json_group_array(text) FROM note"
	"      WHERE page = p.id AND kind = 'unconverted'),"
	"   'missing_links', (SELECT json_group_array(text) FROM note"
	"      WHERE page = p.id AND kind = 'missing')))"
	"   FROM (SELECT * FROM page WHERE status = 'page' ORDER BY ns, key) p)"
	")";

static int write_report(struct mw_wiki *w, const struct opts *o, const struct counts *c)
{
	sqlite3_stmt *st = NULL;
	struct buf js = BUF_INIT;
	int rc = -1;
	if (prepare_stmt(w, &st, report_sql))
		goto out;
	sqlite3_bind_text(st, 1, w->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, "nfsite " NFSITE_VERSION, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)w->pages_read);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)w->revisions_read);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)c->written);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)c->created);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)c->changed);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)c->unchanged);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)c->kept);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)c->redirected);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)c->skipped);
	sqlite3_bind_text(st, 12, w->url_prefix, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_fail(w, "building the report");
		goto out;
	}
	buf_puts(&js, (const char *)sqlite3_column_text(st, 0));
	buf_putc(&js, '\n');
	if (fs_write_atomic(o->report, js.data, js.len))
		goto out;
	rc = 0;
out:
	sqlite3_finalize(st);
	buf_release(&js);
	return rc;
}

static long long count_where(struct mw_wiki *w, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long n = -1;
	if (prepare_stmt(w, &st, sql))
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void print_skips(struct mw_wiki *w)
{
	sqlite3_stmt *st = NULL;
	if (prepare_stmt(w, &st, "SELECT title, reason FROM page WHERE status = 'skipped'"
	                         " AND reason NOT LIKE 'namespace %'"
	                         " UNION ALL SELECT title, reason FROM skipped"))
		return;
	while (sqlite3_step(st) == SQLITE_ROW)
		info("  skipped %s: %s", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	if (prepare_stmt(w, &st, "SELECT title FROM page WHERE outcome = 'kept-edited'"))
		return;
	while (sqlite3_step(st) == SQLITE_ROW)
		info("  kept %s: edited by hand since the import (--force overwrites)",
		     sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* ------------------------------------------------------------------------------------
 * The command */

static void usage(void)
{
	fputs("usage: nfsite import mediawiki (--db wiki.sqlite | --xml dump.xml[.gz] | --api URL)\n"
	      "         [--out content/wiki] [--url-prefix /wiki] [--old-url-prefix URL]\n"
	      "         [--namespaces LIST] [--project-name NAME] [--force] [--report FILE]\n"
	      "         [--redirects BASE] [--site site.lua] [--allow-empty]\n"
	      "         [--delay MS] [--retries N] [--backoff MS] [--batch N] [--timeout S] [--no-history]\n",
	      stderr);
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;
#define VALUE() do { if (!v) { fprintf(stderr, "nfsite import mediawiki: %s needs a value\n", a); return -1; } i++; } while (0)
#define NUMBER(dst, lo, hi) do { VALUE(); long n_ = strtol(v, &end, 10); \
		if (*end || n_ < (lo) || n_ > (hi)) { fprintf(stderr, "nfsite import mediawiki: bad %s '%s'\n", a, v); return -1; } \
		dst = n_; } while (0)
		if (!strcmp(a, "--db") || !strcmp(a, "--xml") || !strcmp(a, "--api")) {
			VALUE();
			if (o->kind) {
				fputs("nfsite import mediawiki: give one of --db, --xml, --api\n", stderr);
				return -1;
			}
			o->kind = a + 2;
			o->src = v;
		} else if (!strcmp(a, "--out")) {
			VALUE(); o->out = v;
		} else if (!strcmp(a, "--url-prefix")) {
			VALUE(); o->url_prefix = v;
		} else if (!strcmp(a, "--old-url-prefix")) {
			VALUE(); o->old_prefix = v;
		} else if (!strcmp(a, "--namespaces")) {
			VALUE(); o->namespaces = v;
		} else if (!strcmp(a, "--project-name")) {
			VALUE(); o->project_name = v;
		} else if (!strcmp(a, "--report")) {
			VALUE(); o->report = v;
		} else if (!strcmp(a, "--redirects")) {
			VALUE(); o->redirects = v;
		} else if (!strcmp(a, "--site")) {
			VALUE(); o->site = v;
		} else if (!strcmp(a, "--force")) {
			o->force = true;
		} else if (!strcmp(a, "--allow-empty")) {
			o->allow_empty = true;
		} else if (!strcmp(a, "--no-history")) {
			o->api.history = false;
		} else if (!strcmp(a, "--delay")) {
			NUMBER(o->api.delay_ms, 0, 600000);
		} else if (!strcmp(a, "--backoff")) {
			NUMBER(o->api.backoff_ms, 0, 600000);
		} else if (!strcmp(a, "--retries")) {
			NUMBER(o->api.retries, 0, 20);
		} else if (!strcmp(a, "--batch")) {
			NUMBER(o->api.batch, 1, 50);
		} else if (!strcmp(a, "--timeout")) {
			NUMBER(o->api.timeout_s, 1, 3600);
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage();
			return 1;
		} else {
			fprintf(stderr, "nfsite import mediawiki: unknown option '%s'\n", a);
			return -1;
		}
#undef VALUE
#undef NUMBER
	}
	if (!o->kind) {
		fputs("nfsite import mediawiki: one of --db, --xml or --api is required\n", stderr);
		return -1;
	}
	return 0;
}

/* /wiki for …/content/wiki: the path after the last "content" component, else /wiki. */
static char *derive_url_prefix(const char *out)
{
	const char *p = out, *hit = NULL;
	for (const char *s = strstr(p, "content"); s; s = strstr(s + 1, "content"))
		if ((s == out || s[-1] == '/') && (s[7] == '/' || !s[7]))
			hit = s + 7;
	struct buf b = BUF_INIT;
	if (hit && *hit) {
		buf_puts(&b, hit);
		while (b.len > 1 && b.data[b.len - 1] == '/')
			buf_truncate(&b, b.len - 1);
	} else if (hit) {
		buf_puts(&b, "");
	} else {
		buf_puts(&b, "/wiki");
	}
	return buf_detach(&b, NULL);
}

/* The folder holding path (".", "/" at the top), in place. */
static void parent_dir(struct buf *b)
{
	while (b->len > 1 && b->data[b->len - 1] == '/')
		buf_truncate(b, b->len - 1);
	char *slash = strrchr(b->data, '/');
	if (!slash) {
		buf_reset(b);
		buf_putc(b, '.');
	} else {
		buf_truncate(b, slash == b->data ? 1 : (size_t)(slash - b->data));
	}
}

/* Next to the output: OUT/../wiki-redirects, or the site root when OUT is in content/. */
static char *derive_redirects(const char *out)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, out);
	parent_dir(&b);
	const char *base = strrchr(b.data, '/');
	if (!strcmp(base ? base + 1 : b.data, "content"))
		parent_dir(&b);
	buf_puts(&b, "/wiki-redirects");
	return buf_detach(&b, NULL);
}

/* An existing --out folder that holds files is written into only when the importer
 * wrote there before (a page carrying import_hash): pointed at a folder of pages written
 * by hand, --force would overwrite them. Dot-files (.gitkeep) do not count. */
static int check_out(const char *out)
{
	struct stat sb;
	if (stat(out, &sb) < 0)
		return errno == ENOENT ? 0 : error_at(out, 0, "cannot read: %s", strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return error_at(out, 0, "--out must be a folder; this is a file");
	DIR *d = opendir(out);
	if (!d)
		return error_at(out, 0, "cannot read: %s", strerror(errno));
	struct buf file = BUF_INIT;
	bool any = false, ours = false;
	struct dirent *e;
	while (!ours && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (e->d_name[0] == '.')
			continue;
		any = true;
		if (n < 4 || strcmp(e->d_name + n - 3, ".md"))
			continue;
		/* the front matter is at the top: 64 KiB hold it */
		char *path = xasprintf("%s/%s", out, e->d_name), rec[40], now[40];
		FILE *f = fopen(path, "rb");
		free(path);
		if (!f)
			continue;
		buf_reset(&file);
		buf_grow(&file, 65536);
		file.len = fread(file.data, 1, 65535, f);
		file.data[file.len] = 0;
		fclose(f);
		ours = existing_hash(&file, rec, now);
	}
	closedir(d);
	buf_release(&file);
	if (any && !ours)
		return error_at(out, 0, "holds files that nfsite import did not write: refusing to write"
		                " into it (choose an empty or new folder, or one an import wrote)");
	return 0;
}

/* No output may land on an input: the same file after realpath (or a hard link), or an
 * input inside the --out folder. */
static int check_paths(const struct opts *o, const char *site, const char *redirects)
{
	const char *in[] = {strcmp(o->kind, "api") ? o->src : NULL, site};
	char *maps[] = {xasprintf("%s.nginx.conf", redirects), xasprintf("%s.apache.conf", redirects)};
	const char *outs[][2] = {{"--out", o->out}, {"--report", o->report},
	                         {"--redirects", maps[0]}, {"--redirects", maps[1]}};
	int rc = 0;
	for (size_t i = 0; i < 4 && !rc; i++)
		for (size_t j = 0; j < 2 && !rc; j++) {
			if (!outs[i][1] || !in[j])
				continue;
			/* a database's -wal, -journal and -shm are the input too */
			const char *hit = j == 0 && !strcmp(o->kind, "db") ? db_overlap(outs[i][1], in[j])
			                  : fs_overlap(outs[i][1], in[j]) ? "" : NULL;
			if (hit)
				rc = error_at(outs[i][1], 0, "%s %s the input %s%s: refusing to write over the source",
				              outs[i][0], i ? "is" : "holds", in[j], hit);
		}
	free(maps[0]);
	free(maps[1]);
	return rc;
}

int import_mediawiki_main(int argc, char **argv)
{
	struct opts o = {0};
	struct mw_wiki *w = NULL;
	struct nsset sel = {NULL, 0, false};
	struct counts c = {0};
	char *url_prefix = NULL, *redirects = NULL;
	int rc = EXIT_CONTENT, pr;
	struct mediawiki_api_opts api = MEDIAWIKI_API_OPTS_INIT;

	o.api = api;
	o.out = "content/wiki";
	o.old_prefix = "https://wiki.nftables.org/wiki-nftables";
	pr = parse_args(argc, argv, &o);
	if (pr)
		return pr > 0 ? 0 : (usage(), EXIT_USAGE);
	url_prefix = o.url_prefix ? xstrdup(o.url_prefix) : derive_url_prefix(o.out);
	redirects = o.redirects ? xstrdup(o.redirects) : derive_redirects(o.out);

	if (mw_wiki_new(o.src, &w))
		goto out;
	free(w->url_prefix);
	w->url_prefix = url_prefix;
	url_prefix = NULL;
	while (strlen(w->url_prefix) && w->url_prefix[strlen(w->url_prefix) - 1] == '/')
		w->url_prefix[strlen(w->url_prefix) - 1] = 0;

	/* Site-provided template map. */
	const char *site = o.site ? o.site : fs_exists("site.lua") ? "site.lua" : NULL;
	if (check_paths(&o, site, redirects) || check_out(o.out))
		goto out;
	if (site && tmap_load(w, site, &w->tmap)) {
		if (o.site)
			goto out;
		warn_at(site, 0, "not using its wiki_templates (see the error above)");
	}

	/* 1. Read everything; nothing is written when this fails. */
	if (read_source(w, o.kind, o.src, &o.api))
		goto out;
	/* a source of the wrong kind must not leave empty redirect maps behind */
	if (!w->pages_read && !o.allow_empty) {
		error_at(o.src, 0, "no page read: nothing to import (--allow-empty imports an empty wiki)");
		goto out;
	}
	if (guess_project_name(w, o.project_name))
		goto out;
	if (o.namespaces) {
		if (nsset_parse(w, o.namespaces, &sel)) {
			rc = EXIT_USAGE;
			goto out;
		}
	} else {
		nsset_default(&sel);
	}
	/* 2. Resolve, 3. convert and write. */
	if (prepare(w, &sel))
		goto out;
	if (fs_mkdirs(o.out))
		goto out;
	if (mw_wiki_begin(w) || write_pages(w, &o, &c) || mw_wiki_commit(w))
		goto out;
	if (write_redirect_maps(w, &o, redirects))
		goto out;
	c.redirected = (size_t)count_where(w, "SELECT count(*) FROM page WHERE status = 'redirect'");
	c.skipped = (size_t)count_where(w, "SELECT (SELECT count(*) FROM page WHERE status = 'skipped')"
	                                   " + (SELECT count(*) FROM skipped)");
	if (w->pages_read != c.written + c.redirected + c.skipped) {
		error_at(o.src, 0, "internal error: %zu pages read but %zu written + %zu redirected +"
		         " %zu skipped", w->pages_read, c.written, c.redirected, c.skipped);
		goto out;
	}
	if (o.report && write_report(w, &o, &c))
		goto out;
	info("%s: read %zu pages (%zu revisions, %lld redirects); written %zu (%zu new, %zu changed,"
	     " %zu unchanged, %zu kept because edited by hand), redirected %zu, skipped %zu;"
	     " %zu links to missing pages, %zu constructs not converted",
	     o.src, w->pages_read, w->revisions_read,
	     count_where(w, "SELECT count(*) FROM page WHERE is_redirect"), c.written, c.created,
	     c.changed, c.unchanged, c.kept, c.redirected, c.skipped, c.missing, c.unconverted);
	print_skips(w);
	rc = 0;
out:
	free(sel.ids);
	free(url_prefix);
	free(redirects);
	mw_wiki_free(w);
	return rc;
}
