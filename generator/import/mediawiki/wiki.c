/* wiki: the staging wiki (see wiki.h): a private SQLite database in a temporary file,
 * the namespaces it knows, bulk-load transactions and the progress line. */
#include "import/mediawiki/internal.h"
#include "base/buf.h"
#include "base/log.h"
#include "wikitext/wikitext.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	/* Every revision of every page (user and comment NULL where the wiki hid them): the
	 * contributors, counts and history pages are queries over it. */
	"CREATE TABLE rev(page INTEGER NOT NULL, ts TEXT NOT NULL, user TEXT, comment TEXT,"
	" minor INTEGER NOT NULL);"
	"CREATE INDEX rev_page ON rev(page);"
	"CREATE TABLE skipped(ord INTEGER, title TEXT, reason TEXT);"
	"CREATE TABLE note(page INTEGER, kind TEXT, text TEXT);";

int mw_db_fail(struct mw_wiki *w, const char *what)
{
	return error_at(w->source, 0, "staging database: %s: %s", what, sqlite3_errmsg(w->db));
}

int mw_exec(struct mw_wiki *w, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(w->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = error_at(w->source, 0, "staging database: %s", msg ? msg : "failed");
		sqlite3_free(msg);
		return rc;
	}
	return 0;
}

int mw_stmt(struct mw_wiki *w, sqlite3_stmt **st, const char *sql)
{
	if (sqlite3_prepare_v2(w->db, sql, -1, st, NULL) != SQLITE_OK)
		return mw_db_fail(w, sql);
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
	if (mw_exec(w, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-4096;") ||
	    mw_exec(w, schema) || mw_files_init(w))
		goto out;
	if (mw_stmt(w, &w->st_find, "SELECT id FROM page WHERE ns = ? AND key = ?") ||
	    mw_stmt(w, &w->st_add_page,
	                 "INSERT INTO page(id, ns, key, text, model, ts, user, is_redirect,"
	                 " rd_raw, rd_ns, rd_fragment, displaytitle, unreadable, ord)"
	                 " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)") ||
	    mw_stmt(w, &w->st_add_rev,
	                 "INSERT INTO rev(page, ts, user, comment, minor) VALUES(?,?,?,?,?)") ||
	    mw_stmt(w, &w->st_skip, "INSERT INTO skipped(ord, title, reason) VALUES(?,?,?)") ||
	    mw_stmt(w, &w->st_get,
	                 "SELECT is_redirect, final, status, slug, rd_to FROM page WHERE id = ?") ||
	    mw_stmt(w, &w->st_text, "SELECT text FROM page WHERE id = ?"))
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
	free(w->site_base);
	free(w->sitename);
	free(w->files_dir);
	if (w->loc)
		freelocale(w->loc);
	mw_tmap_free(w->tmap);
	for (size_t i = 0; i < w->sections.cap; i++)
		if (w->sections.slot[i].key)
			wikitext_sections_free(w->sections.slot[i].ptr, (size_t)w->sections.slot[i].num);
	strmap_release(&w->sections);
	free(w);
}
void mw_wiki_set_sitename(struct mw_wiki *w, const char *name)
{
	free(w->sitename);
	w->sitename = xstrdup(name);
}

const char *mw_wiki_sitename(const struct mw_wiki *w)
{
	return w->sitename ? w->sitename : mw_ns_name(w, 4);
}

const char *mw_wiki_project(const struct mw_wiki *w)
{
	return mw_ns_name(w, 4);
}

void mw_wiki_set_base(struct mw_wiki *w, const char *url)
{
	free(w->site_base);
	w->site_base = xstrdup(url);
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

const char *mw_ns_name(const struct mw_wiki *w, int ns)
{
	for (size_t i = 0; i < w->nns; i++)
		if (w->ns[i].id == ns)
			return w->ns[i].name;
	return NULL;
}

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

int mw_ns_by_name(const struct mw_wiki *w, const char *p, size_t n)
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
	return MW_NS_UNKNOWN;
}
int mw_wiki_begin(struct mw_wiki *w)
{
	return mw_exec(w, "BEGIN");
}

int mw_wiki_commit(struct mw_wiki *w)
{
	return mw_exec(w, "COMMIT");
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
