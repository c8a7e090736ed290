/* report: the JSON report (built by SQLite's json functions) and the summary's
 * skipped and kept pages. */
#include "import/mediawiki/internal.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/log.h"
#include "base/version.h"

#include <string.h>

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
	"   FROM (SELECT * FROM page WHERE status = 'page' ORDER BY ns, key) p),"
	/* files read = copied + missing, each missing one with its reason */
	" 'files', json_object('read', (SELECT count(*) FROM file),"
	"   'copied', (SELECT count(*) FROM file WHERE status = 'copied'),"
	"   'missing', (SELECT count(*) FROM file WHERE status = 'missing'),"
	"   'missing_files', (SELECT json_group_array(json_object('title', ?13 || ':' || key,"
	"     'reason', reason)) FROM (SELECT key, reason FROM file WHERE status = 'missing' ORDER BY key)),"
	"   'files', (SELECT json_group_array(json_object('title', ?13 || ':' || key,"
	"     'url', ?12 || '/files/' || slug)) FROM (SELECT key, slug FROM file WHERE status = 'copied'"
	"     ORDER BY key)))"
	")";

int mw_write_report(struct mw_wiki *w, const struct mw_out *o, const struct mw_counts *c)
{
	sqlite3_stmt *st = NULL;
	struct buf js = BUF_INIT;
	int rc = -1;
	if (mw_stmt(w, &st, report_sql))
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
	sqlite3_bind_text(st, 13, mw_ns_name(w, 6), -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		mw_db_fail(w, "building the report");
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

long long mw_count_where(struct mw_wiki *w, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long n = -1;
	if (mw_stmt(w, &st, sql))
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

void mw_print_skips(struct mw_wiki *w)
{
	sqlite3_stmt *st = NULL;
	if (mw_stmt(w, &st, "SELECT title, reason FROM page WHERE status = 'skipped'"
	                         " AND reason NOT LIKE 'namespace %'"
	                         " UNION ALL SELECT title, reason FROM skipped"))
		return;
	while (sqlite3_step(st) == SQLITE_ROW)
		info("  skipped %s: %s", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	if (mw_stmt(w, &st, "SELECT title FROM page WHERE outcome = 'kept-edited'"))
		return;
	while (sqlite3_step(st) == SQLITE_ROW)
		info("  kept %s: edited by hand since the import (--force overwrites)",
		     sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}
