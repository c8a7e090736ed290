/* db: MediaWiki's SQLite database → struct mw_wiki.
 *
 * A title's latest text, modern schema (MediaWiki 1.35 and later):
 *
 *   page.page_latest ─► revision ─► slots (role 'main' via slot_roles)
 *                          │             └► content.content_address 'tt:N' ─► text.old_id N
 *                          └► actor (author)
 *
 * Older schema (no slots table): revision.rev_text_id ─► text, author in rev_user_text.
 * text.old_text is decoded by old_flags: "utf-8" plain, "gzip" raw DEFLATE (PHP's
 * gzdeflate: no header), "object" and "external" cannot be read here and are reported
 * per page. The file is opened read-only and immutable: it may sit on a read-only
 * medium, and nothing of the wiki is ever changed. */
#include "import/mediawiki/db.h"
#include "base/buf.h"
#include "base/db.h"
#include "import/mediawiki/wiki.h"
#include "base/log.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MW_MAX_TEXT (256u << 20) /* a decompressed text larger than this is refused */
#define REV_DELETED_TEXT 1
#define REV_DELETED_COMMENT 2
#define REV_DELETED_USER 4

struct dbr {
	const char *path;
	sqlite3 *db;
};

static bool has_table(struct dbr *r, const char *name)
{
	return db_has_table(r->db, name, true);
}

static bool has_column(struct dbr *r, const char *table, const char *col)
{
	sqlite3_stmt *st = NULL;
	bool yes = false;
	if (sqlite3_prepare_v2(r->db, "SELECT 1 FROM pragma_table_info(?) WHERE name = ?", -1, &st,
	                       NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
		yes = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return yes;
}

/* Raw DEFLATE → out. Returns NULL or why it failed. */
static const char *inflate_raw(const unsigned char *p, size_t n, struct buf *out)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, -15) != Z_OK)
		return "zlib cannot start";
	const char *why = NULL;
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	for (;;) {
		buf_grow(out, 65536);
		z.next_out = (unsigned char *)out->data + out->len;
		z.avail_out = (uInt)(out->cap - out->len - 1);
		size_t before = z.avail_out;
		int zr = inflate(&z, Z_NO_FLUSH);
		out->len += before - z.avail_out;
		out->data[out->len] = 0;
		if (zr == Z_STREAM_END)
			break;
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			why = "the deflated text is corrupt";
			break;
		}
		if (zr == Z_BUF_ERROR && z.avail_in == 0) {
			why = "the deflated text is truncated";
			break;
		}
		if (out->len > MW_MAX_TEXT) {
			why = "the decompressed text is larger than 256 MB";
			break;
		}
	}
	inflateEnd(&z);
	return why;
}

static bool flag_has(const char *flags, const char *f)
{
	size_t n = strlen(f);
	for (const char *p = flags; p && *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && !strncmp(p, f, n))
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

/* The latest text of a row, decoded; *why set when it cannot be read. */
static void decode_text(sqlite3_stmt *st, int col_text, int col_flags, int col_addr,
                        struct buf *text, const char **why, struct buf *whybuf)
{
	const char *flags = (const char *)sqlite3_column_text(st, col_flags);
	const char *addr = col_addr >= 0 ? (const char *)sqlite3_column_text(st, col_addr) : NULL;
	buf_reset(text);
	*why = NULL;
	if (addr && strncmp(addr, "tt:", 3)) {
		buf_printf(whybuf, "content stored outside the text table (%s)", addr);
		*why = whybuf->data;
		return;
	}
	if (sqlite3_column_type(st, col_text) == SQLITE_NULL) {
		*why = "the revision's text row is missing";
		return;
	}
	const unsigned char *p = sqlite3_column_blob(st, col_text);
	size_t n = (size_t)sqlite3_column_bytes(st, col_text);
	flags = flags ? flags : "";
	if (flag_has(flags, "external")) {
		buf_printf(whybuf, "external storage (%.*s)", (int)(n < 80 ? n : 80), p ? (const char *)p : "");
		*why = whybuf->data;
	} else if (flag_has(flags, "object")) {
		*why = "a serialized PHP object (old_flags 'object')";
	} else if (flag_has(flags, "gzip")) {
		*why = inflate_raw(p, n, text);
	} else {
		buf_add(text, (const char *)(p ? p : (const unsigned char *)""), n);
	}
}

static char *col_str(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return NULL;
	const void *p = sqlite3_column_blob(st, i);
	return xstrndup(p ? p : "", (size_t)sqlite3_column_bytes(st, i));
}

static int check_schema(struct dbr *r, bool *modern, bool *actor)
{
	struct buf missing = BUF_INIT;
	int rc = -1;
	/* The first read tells a non-SQLite file apart. */
	if (!db_readable(r->db)) {
		error_at(r->path, 0, "not an SQLite database (%s)", sqlite3_errmsg(r->db));
		goto out;
	}
	if (!has_table(r, "page") && !has_table(r, "revision")) {
		error_at(r->path, 0, "not a MediaWiki database: it has no 'page' or 'revision' table"
		         " (an SQLite file from another application?)");
		goto out;
	}
	*modern = has_table(r, "slots");
	const char *need_modern[] = {"page", "revision", "text", "slots", "slot_roles", "content"};
	const char *need_old[] = {"page", "revision", "text"};
	const char **need = *modern ? need_modern : need_old;
	size_t nneed = *modern ? 6 : 3;
	for (size_t i = 0; i < nneed; i++) {
		if (!has_table(r, need[i]))
			buf_printf(&missing, "%s'%s'", missing.len ? ", " : "", need[i]);
	}
	if (missing.len) {
		error_at(r->path, 0, "not a usable MediaWiki database: missing table%s %s",
		         strchr(missing.data, ',') ? "s" : "", missing.data);
		goto out;
	}
	const char *cols[][2] = {{"page", "page_id"}, {"page", "page_namespace"},
	                         {"page", "page_title"}, {"page", "page_latest"},
	                         {"page", "page_is_redirect"}, {"revision", "rev_id"},
	                         {"revision", "rev_page"}, {"revision", "rev_timestamp"},
	                         {"text", "old_id"}, {"text", "old_text"}, {"text", "old_flags"}};
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		if (!has_column(r, cols[i][0], cols[i][1]))
			buf_printf(&missing, "%s%s.%s", missing.len ? ", " : "", cols[i][0], cols[i][1]);
	if (!*modern && !has_column(r, "revision", "rev_text_id"))
		buf_printf(&missing, "%srevision.rev_text_id", missing.len ? ", " : "");
	if (missing.len) {
		error_at(r->path, 0, "not a usable MediaWiki database: missing column%s %s",
		         strchr(missing.data, ',') ? "s" : "", missing.data);
		goto out;
	}
	*actor = has_table(r, "actor") && has_column(r, "revision", "rev_actor");
	rc = 0;
out:
	buf_release(&missing);
	return rc;
}

static int read_pages(struct dbr *r, struct mw_wiki *w, bool modern, bool actor)
{
	struct buf sql = BUF_INIT, text = BUF_INIT, whybuf = BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc = -1, s;
	bool rd = has_table(r, "redirect"), pp = has_table(r, "page_props");
	bool cm = modern && has_table(r, "content_models");
	bool olduser = !actor && has_column(r, "revision", "rev_user_text");
	bool pmodel = has_column(r, "page", "page_content_model");
	bool deleted = has_column(r, "revision", "rev_deleted");

	buf_puts(&sql, "SELECT p.page_id, p.page_namespace, p.page_title, p.page_is_redirect,");
	buf_puts(&sql, pmodel ? " p.page_content_model," : " NULL,");
	buf_puts(&sql, " r.rev_timestamp,");
	buf_puts(&sql, actor ? " a.actor_name," : olduser ? " r.rev_user_text," : " NULL,");
	buf_puts(&sql, " t.old_text, t.old_flags,");
	buf_puts(&sql, modern ? " c.content_address," : " NULL,");
	buf_puts(&sql, cm ? " cm.model_name," : " NULL,");
	buf_puts(&sql, rd ? " rd.rd_namespace, rd.rd_title, rd.rd_fragment, rd.rd_interwiki,"
	                  : " NULL, NULL, NULL, NULL,");
	buf_puts(&sql, pp ? " (SELECT pp_value FROM page_props WHERE pp_page = p.page_id"
	                    " AND pp_propname = 'displaytitle')," : " NULL,");
	buf_puts(&sql, deleted ? " r.rev_deleted, r.rev_id" : " 0, r.rev_id");
	buf_puts(&sql, " FROM page p LEFT JOIN revision r ON r.rev_id = p.page_latest");
	if (actor)
		buf_puts(&sql, " LEFT JOIN actor a ON a.actor_id = r.rev_actor");
	if (modern) {
		buf_puts(&sql, " LEFT JOIN slots s ON s.slot_revision_id = r.rev_id AND s.slot_role_id ="
		               " (SELECT role_id FROM slot_roles WHERE role_name = 'main')"
		               " LEFT JOIN content c ON c.content_id = s.slot_content_id");
		if (cm)
			buf_puts(&sql, " LEFT JOIN content_models cm ON cm.model_id = c.content_model");
		buf_puts(&sql, " LEFT JOIN text t ON c.content_address LIKE 'tt:%'"
		               " AND t.old_id = CAST(substr(c.content_address, 4) AS INTEGER)");
	} else {
		buf_puts(&sql, " LEFT JOIN text t ON t.old_id = r.rev_text_id");
	}
	if (rd)
		buf_puts(&sql, " LEFT JOIN redirect rd ON rd.rd_from = p.page_id");
	buf_puts(&sql, " ORDER BY p.page_id");
	if (sqlite3_prepare_v2(r->db, sql.data, -1, &st, NULL) != SQLITE_OK) {
		error_at(r->path, 0, "cannot read pages: %s", sqlite3_errmsg(r->db));
		goto out;
	}
	size_t done = 0;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		struct mw_page_rec p = {0};
		char ts[32];
		char *title = col_str(st, 2), *model = col_str(st, 10), *pmod = col_str(st, 4);
		char *user = col_str(st, 6), *rawts = col_str(st, 5), *rdt = col_str(st, 12);
		char *rdf = col_str(st, 13), *rdi = col_str(st, 14), *dt = col_str(st, 15);
		const char *why = NULL;
		int revdel = sqlite3_column_int(st, 16);
		buf_reset(&whybuf);
		p.id = sqlite3_column_int64(st, 0);
		p.ns = sqlite3_column_int(st, 1);
		p.title = title;
		p.is_redirect = sqlite3_column_int(st, 3);
		p.model = model ? model : pmod;
		if (sqlite3_column_type(st, 17) == SQLITE_NULL) {
			why = "its latest revision is missing";
		} else if (revdel & REV_DELETED_TEXT) {
			why = "the latest revision's text is hidden (revision deletion)";
		} else {
			decode_text(st, 7, 8, modern ? 9 : -1, &text, &why, &whybuf);
		}
		if (!why) {
			p.text = text.data;
			p.text_len = text.len;
		}
		p.unreadable = why;
		mw_timestamp_iso(rawts, ts);
		p.timestamp = rawts ? ts : NULL;
		p.user = (revdel & REV_DELETED_USER) ? NULL : user;
		if (rdt && !(rdi && *rdi)) {
			p.redirect_target = rdt;
			p.redirect_ns_known = true;
			p.redirect_ns = sqlite3_column_int(st, 11);
			p.redirect_fragment = rdf && *rdf ? rdf : NULL;
		}
		p.displaytitle = dt;
		int arc = mw_wiki_add_page(w, &p);
		free(title), free(model), free(pmod), free(user), free(rawts), free(rdt);
		free(rdf), free(rdi), free(dt);
		if (arc)
			goto out;
		mw_wiki_progress(w, "reading pages", ++done, 0);
	}
	if (s != SQLITE_DONE) {
		error_at(r->path, 0, "cannot read pages: %s", sqlite3_errmsg(r->db));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	buf_release(&sql);
	buf_release(&text);
	buf_release(&whybuf);
	return rc;
}

/* The edit summary's column: MediaWiki 1.31-1.39 reach the comment table through
 * revision_comment_temp, 1.40 on through rev_comment_id; before 1.31 it is rev_comment. */
static const char *comment_expr(struct dbr *r, bool *temp)
{
	bool table = has_table(r, "comment");
	*temp = table && has_table(r, "revision_comment_temp");
	if (table && has_column(r, "revision", "rev_comment_id"))
		return *temp ? "(SELECT comment_text FROM comment WHERE comment_id ="
		               " coalesce(nullif(r.rev_comment_id, 0), rct.revcomment_comment_id))"
		             : "(SELECT comment_text FROM comment WHERE comment_id = r.rev_comment_id)";
	if (*temp)
		return "(SELECT comment_text FROM comment WHERE comment_id = rct.revcomment_comment_id)";
	return has_column(r, "revision", "rev_comment") ? "r.rev_comment" : "''";
}

static int read_history(struct dbr *r, struct mw_wiki *w, bool actor)
{
	sqlite3_stmt *st = NULL;
	struct buf sql = BUF_INIT;
	int rc = -1, s;
	bool olduser = !actor && has_column(r, "revision", "rev_user_text");
	bool deleted = has_column(r, "revision", "rev_deleted");
	bool minor = has_column(r, "revision", "rev_minor_edit");
	bool temp;
	const char *comment = comment_expr(r, &temp);
	buf_printf(&sql, "SELECT r.rev_page, %s, r.rev_timestamp, %s, %s, %s FROM revision r"
	                 " JOIN page p ON p.page_id = r.rev_page %s %s"
	                 " ORDER BY r.rev_page, r.rev_timestamp, r.rev_id",
	           actor ? "a.actor_name" : olduser ? "r.rev_user_text" : "NULL",
	           deleted ? "r.rev_deleted" : "0", comment, minor ? "r.rev_minor_edit" : "0",
	           actor ? "LEFT JOIN actor a ON a.actor_id = r.rev_actor" : "",
	           temp ? "LEFT JOIN revision_comment_temp rct ON rct.revcomment_rev = r.rev_id" : "");
	if (sqlite3_prepare_v2(r->db, sql.data, -1, &st, NULL) != SQLITE_OK) {
		error_at(r->path, 0, "cannot read revisions: %s", sqlite3_errmsg(r->db));
		goto out;
	}
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		char ts[32];
		char *user = col_str(st, 1), *rawts = col_str(st, 2), *text = col_str(st, 4);
		int del = sqlite3_column_int(st, 3);
		mw_timestamp_iso(rawts, ts);
		struct mw_rev_rec rev = {sqlite3_column_int64(st, 0), ts,
		                         (del & REV_DELETED_USER) ? NULL : user,
		                         (del & REV_DELETED_COMMENT) ? NULL : text ? text : "",
		                         sqlite3_column_int(st, 5) != 0};
		int arc = mw_wiki_add_revision(w, &rev);
		free(user);
		free(rawts);
		free(text);
		if (arc)
			goto out;
	}
	if (s != SQLITE_DONE) {
		error_at(r->path, 0, "cannot read revisions: %s", sqlite3_errmsg(r->db));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	buf_release(&sql);
	return rc;
}

/* The uploads: image (each file's current version) and oldimage (earlier ones), with
 * their uploader and summary; a wiki without the tables has no files. */
static int read_files(struct dbr *r, struct mw_wiki *w)
{
	if (!has_table(r, "image"))
		return 0;
	bool actor = has_column(r, "image", "img_actor") && has_table(r, "actor");
	bool comment = has_column(r, "image", "img_description_id") && has_table(r, "comment");
	bool old = has_table(r, "oldimage") && actor == has_column(r, "oldimage", "oi_actor") &&
	           comment == has_column(r, "oldimage", "oi_description_id");
	struct buf sql = BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc = -1;
	/* img_ and oi_ columns share their names after the prefix */
	for (int pass = 0; pass < (old ? 2 : 1); pass++) {
		const char *p = pass ? "oi" : "img", *t = pass ? "oldimage" : "image";
		struct buf col = BUF_INIT;
		buf_printf(&sql, "%sSELECT CAST(%s_name AS TEXT), %d, %s_size, %s_width, %s_height,"
		           " %s_major_mime || '/' || CAST(%s_minor_mime AS TEXT), CAST(%s_sha1 AS TEXT),"
		           " CAST(%s_timestamp AS TEXT), ",
		           pass ? " UNION ALL " : "", p, !pass, p, p, p, p, p, p, p);
		buf_printf(&col, "%s_user_text", p);
		if (actor)
			buf_printf(&sql, "(SELECT actor_name FROM actor WHERE actor_id = %s_actor), ", p);
		else
			buf_printf(&sql, "%s, ", has_column(r, t, col.data) ? col.data : "NULL");
		buf_reset(&col);
		buf_printf(&col, "%s_description", p);
		if (comment)
			buf_printf(&sql, "(SELECT comment_text FROM comment WHERE comment_id = %s_description_id)", p);
		else
			buf_puts(&sql, has_column(r, t, col.data) ? col.data : "NULL");
		buf_printf(&sql, " FROM %s", t);
		buf_release(&col);
	}
	if (sqlite3_prepare_v2(r->db, sql.data, -1, &st, NULL) != SQLITE_OK) {
		error_at(r->path, 0, "reading the image table: %s", sqlite3_errmsg(r->db));
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		char ts[32];
		mw_timestamp_iso((const char *)sqlite3_column_text(st, 7), ts);
		struct mw_file_rec f = {(const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1) != 0,
		                        sqlite3_column_int64(st, 2), sqlite3_column_int(st, 3),
		                        sqlite3_column_int(st, 4), (const char *)sqlite3_column_text(st, 5),
		                        (const char *)sqlite3_column_text(st, 6), ts,
		                        (const char *)sqlite3_column_text(st, 8),
		                        (const char *)sqlite3_column_text(st, 9), NULL};
		if (f.name && mw_wiki_add_file(w, &f))
			goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	buf_release(&sql);
	return rc;
}

int mediawiki_db_read(struct mw_wiki *w, const char *path)
{
	struct dbr r = {path, NULL};
	bool modern = false, actor = false;
	int rc = -1;
	FILE *f = fopen(path, "rb");
	if (!f)
		return error_at(path, 0, "cannot open the database: %s", strerror(errno));
	fclose(f);
	/* immutable: no locks, no journal, a read-only copy is fine. */
	if (db_open_readonly(path, true, "database", &r.db) < 0)
		goto out;
	if (check_schema(&r, &modern, &actor))
		goto out;
	if (mw_wiki_begin(w))
		goto out;
	if (read_pages(&r, w, modern, actor) || read_history(&r, w, actor) || read_files(&r, w)) {
		mw_wiki_commit(w);
		goto out;
	}
	if (mw_wiki_commit(w))
		goto out;
	rc = 0;
out:
	sqlite3_close(r.db);
	return rc;
}
