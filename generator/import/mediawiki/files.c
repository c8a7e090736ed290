/* files: the wiki's uploads (see internal.h). Names are untrusted: each file lands in
 * OUT/files/ under its slug (slug_wiki_title: no '/', no leading '.'), and the upload
 * folder is read only at paths fs_rel_is_safe accepts. */
#include "import/mediawiki/internal.h"
#include "base/buf.h"
#include "base/digest.h"
#include "base/fs.h"
#include "base/log.h"
#include "base/mime.h"
#include "base/slug.h"
#include "base/utf8.h"
#include "wikitext/wikitext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MW_MAX_FILE (1u << 30) /* an upload larger than this is reported, not copied */

int mw_files_init(struct mw_wiki *w)
{
	/* file: one row per file (its current upload); upload: every upload, the history. */
	return mw_exec(w, "CREATE TABLE file(key TEXT PRIMARY KEY, size INTEGER, width INTEGER,"
	                  " height INTEGER, mime TEXT, sha1 TEXT, slug TEXT UNIQUE, status TEXT,"
	                  " reason TEXT, data BLOB);"
	                  "CREATE TABLE upload(key TEXT, current INTEGER, ts TEXT, user TEXT,"
	                  " size INTEGER, width INTEGER, height INTEGER, comment TEXT);");
}

void mw_files_set_dir(struct mw_wiki *w, const char *out)
{
	free(w->files_dir);
	w->files_dir = xasprintf("%s/files", out);
}

static int step_done(struct mw_wiki *w, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : mw_db_fail(w, what);
	sqlite3_finalize(st);
	return rc;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s && utf8_valid(s, strlen(s), true, NULL))
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* A slug no other file has: the name's, else with -2, -3, … */
static int unique_slug(struct mw_wiki *w, const char *key, struct buf *slug)
{
	sqlite3_stmt *st = NULL;
	if (mw_stmt(w, &st, "SELECT 1 FROM file WHERE slug = ?"))
		return -1;
	slug_wiki_title(key, strlen(key), slug);
	struct buf stem = BUF_INIT, ext = BUF_INIT;
	const char *dot = strrchr(slug->data, '.');
	buf_add(&stem, slug->data, dot ? (size_t)(dot - slug->data) : slug->len);
	if (dot)
		buf_puts(&ext, dot);
	for (int n = 2;; n++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, slug->data, (int)slug->len, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_ROW)
			break;
		buf_reset(slug);
		buf_printf(slug, "%s-%d%s", stem.data, n, ext.len ? ext.data : "");
	}
	sqlite3_finalize(st);
	buf_release(&stem);
	buf_release(&ext);
	return 0;
}

static int add_missing(struct mw_wiki *w, const char *key, const char *reason)
{
	sqlite3_stmt *st = NULL;
	if (mw_stmt(w, &st, "INSERT OR IGNORE INTO file(key, status, reason) VALUES(?,'missing',?)"))
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, reason, -1, SQLITE_TRANSIENT);
	return step_done(w, st, "recording a file");
}

int mw_wiki_add_file(struct mw_wiki *w, const struct mw_file_rec *f)
{
	struct buf key = BUF_INIT, slug = BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc = -1;
	const char *name = f->name ? f->name : "";
	if (mw_key_norm(w, name, strlen(name), &key)) {
		buf_reset(&key);
		utf8_sanitize(name, strlen(name), &key);
		rc = f->current ? add_missing(w, key.data, "the name cannot be a title") : 0;
		goto out;
	}
	/* a later current upload of the same file makes the earlier ones history */
	if (f->current) {
		if (mw_stmt(w, &st, "UPDATE upload SET current = 0 WHERE key = ?"))
			goto out;
		sqlite3_bind_text(st, 1, key.data, (int)key.len, SQLITE_TRANSIENT);
		if (step_done(w, st, "recording an upload"))
			goto out;
	}
	if (mw_stmt(w, &st, "INSERT INTO upload(key, current, ts, user, size, width, height, comment)"
	                    " VALUES(?,?,?,?,?,?,?,?)"))
		goto out;
	sqlite3_bind_text(st, 1, key.data, (int)key.len, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, f->current);
	bind_opt(st, 3, f->timestamp);
	bind_opt(st, 4, f->user);
	sqlite3_bind_int64(st, 5, f->size);
	sqlite3_bind_int(st, 6, f->width);
	sqlite3_bind_int(st, 7, f->height);
	bind_opt(st, 8, f->comment);
	if (step_done(w, st, "recording an upload"))
		goto out;
	st = NULL;
	if (!f->current) {
		rc = 0;
		goto out;
	}
	if (unique_slug(w, key.data, &slug) ||
	    mw_stmt(w, &st, "INSERT INTO file(key, size, width, height, mime, sha1, slug)"
	                    " VALUES(?,?,?,?,?,?,?) ON CONFLICT(key) DO UPDATE SET size = excluded.size,"
	                    " width = excluded.width, height = excluded.height, mime = excluded.mime,"
	                    " sha1 = excluded.sha1"))
		goto out;
	sqlite3_bind_text(st, 1, key.data, (int)key.len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, f->size);
	sqlite3_bind_int(st, 3, f->width);
	sqlite3_bind_int(st, 4, f->height);
	bind_opt(st, 5, f->mime);
	bind_opt(st, 6, f->sha1);
	sqlite3_bind_text(st, 7, slug.data, (int)slug.len, SQLITE_TRANSIENT);
	rc = step_done(w, st, "recording a file");
	st = NULL;
out:
	buf_release(&key);
	buf_release(&slug);
	return rc;
}

/* Where a file's copy goes: OUT/files/slug. */
static int dest_path(struct mw_wiki *w, const char *slug, struct buf *path)
{
	buf_reset(path);
	return w->files_dir ? fs_join_safe(path, w->files_dir, slug) : -1;
}

bool mw_wiki_file_wanted(struct mw_wiki *w, const char *name)
{
	struct buf key = BUF_INIT, path = BUF_INIT, have = BUF_INIT;
	sqlite3_stmt *st = NULL;
	bool wanted = true;
	if (mw_key_norm(w, name, strlen(name), &key) ||
	    mw_stmt(w, &st, "SELECT slug, size, sha1 FROM file WHERE key = ?"))
		goto out;
	sqlite3_bind_text(st, 1, key.data, (int)key.len, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW || !sqlite3_column_text(st, 0) ||
	    dest_path(w, (const char *)sqlite3_column_text(st, 0), &path) || !fs_exists(path.data) ||
	    fs_read_file_max(path.data, MW_MAX_FILE, &have))
		goto out;
	const char *sha1 = (const char *)sqlite3_column_text(st, 2);
	char hex[41];
	digest_sha1_hex(have.data, have.len, hex);
	if (sha1 && strlen(sha1) == 40)
		wanted = strcmp(hex, sha1) != 0;
	else
		wanted = (long long)have.len != sqlite3_column_int64(st, 1);
out:
	sqlite3_finalize(st);
	buf_release(&key);
	buf_release(&path);
	buf_release(&have);
	return wanted;
}

int mw_wiki_file_fetched(struct mw_wiki *w, const char *name, const char *data, size_t len,
                         const char *failure)
{
	struct buf key = BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc = -1;
	if (mw_key_norm(w, name, strlen(name), &key))
		return 0;
	if (mw_stmt(w, &st, failure ? "UPDATE file SET status = 'missing', reason = ?2 WHERE key = ?1"
	                            : "UPDATE file SET data = ?2 WHERE key = ?1"))
		goto out;
	sqlite3_bind_text(st, 1, key.data, (int)key.len, SQLITE_TRANSIENT);
	if (failure)
		sqlite3_bind_text(st, 2, failure, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_blob64(st, 2, data, len, SQLITE_TRANSIENT);
	rc = step_done(w, st, "recording a fetched file");
out:
	buf_release(&key);
	return rc;
}

static unsigned be32(const unsigned char *p)
{
	return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

/* The pixel size from a PNG, GIF or JPEG header, for sources that do not record it
 * (XML dumps): no image library, only the few bytes each format puts first. */
static void sniff_size(const unsigned char *p, size_t n, int *w, int *h)
{
	if (n >= 24 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8) && !memcmp(p + 12, "IHDR", 4)) {
		*w = (int)be32(p + 16);
		*h = (int)be32(p + 20);
	} else if (n >= 10 && (!memcmp(p, "GIF87a", 6) || !memcmp(p, "GIF89a", 6))) {
		*w = p[6] | p[7] << 8;
		*h = p[8] | p[9] << 8;
	} else if (n >= 4 && p[0] == 0xff && p[1] == 0xd8) {
		for (size_t i = 2; i + 9 < n;) {
			if (p[i] != 0xff) {
				i++;
				continue;
			}
			unsigned m = p[i + 1], len = (unsigned)p[i + 2] << 8 | p[i + 3];
			/* SOF0..SOF15 but DHT (c4), JPG (c8) and DAC (cc) */
			if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
				*h = p[i + 5] << 8 | p[i + 6];
				*w = p[i + 7] << 8 | p[i + 8];
				return;
			}
			if (m == 0xd8 || m == 0x01 || (m >= 0xd0 && m <= 0xd7)) {
				i += 2;
				continue;
			}
			i += 2 + len;
		}
	}
	if (*w < 0 || *w > 1000000 || *h < 0 || *h > 1000000)
		*w = *h = 0;
}

/* Reads key's original from MediaWiki's hashed upload folder: DIR/a/ab/Name, where ab
 * are the first hex digits of the MD5 of the name with underscores. */
static const char *from_upload_dir(const char *dir, const char *key, struct buf *data, struct buf *why)
{
	struct buf dbkey = BUF_INIT, rel = BUF_INIT, path = BUF_INIT;
	const char *fail = NULL;
	char md5[33];
	for (const char *p = key; *p; p++)
		buf_putc(&dbkey, *p == ' ' ? '_' : *p);
	digest_md5_hex(dbkey.data, dbkey.len, md5);
	buf_printf(&rel, "%c/%c%c/%s", md5[0], md5[0], md5[1], dbkey.data);
	if (fs_join_safe(&path, dir, rel.data) || strchr(dbkey.data, '/')) {
		fail = "the name is not a safe file name";
	} else if (!fs_exists(path.data)) {
		buf_printf(why, "not in the upload folder (%s)", rel.data);
		fail = why->data;
	} else if (fs_read_file_max(path.data, MW_MAX_FILE, data)) {
		buf_printf(why, "cannot read %s (see the error above)", rel.data);
		fail = why->data;
	}
	buf_release(&dbkey);
	buf_release(&rel);
	buf_release(&path);
	return fail;
}

/* Whether a copy named slug would be more than a file: the build reads Markdown files
 * under content/ as pages, and HTML or scripts served from the site's own origin could run
 * there. */
static bool site_own_type(const char *slug)
{
	static const char *const ext[] = {".md", ".html", ".htm", ".xhtml", ".shtml", ".js", ".mjs", NULL};
	size_t n = strlen(slug);
	for (size_t i = 0; ext[i]; i++) {
		size_t k = strlen(ext[i]);
		if (n >= k && !strcmp(slug + n - k, ext[i]))
			return true;
	}
	return false;
}

int mw_files_copy(struct mw_wiki *w, const char *images_dir)
{
	sqlite3_stmt *st = NULL, *up = NULL;
	struct buf data = BUF_INIT, why = BUF_INIT, path = BUF_INIT, old = BUF_INIT, slug = BUF_INIT;
	int rc = -1;
	/* Files only a File: page knows (an XML dump carries no upload rows). */
	if (mw_exec(w, "INSERT OR IGNORE INTO file(key) SELECT key FROM page WHERE ns = 6 AND NOT is_redirect"))
		goto out;
	if (mw_stmt(w, &st, "SELECT key, slug, width, height, data IS NOT NULL, data FROM file"
	                    " WHERE status IS NULL ORDER BY key") ||
	    mw_stmt(w, &up, "UPDATE file SET status = ?2, reason = ?3, slug = ?4, width = ?5,"
	                    " height = ?6, size = coalesce(nullif(size, 0), ?7), data = NULL WHERE key = ?1"))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		int width = sqlite3_column_int(st, 2), height = sqlite3_column_int(st, 3);
		const char *fail = NULL;
		buf_reset(&data);
		buf_reset(&why);
		buf_reset(&slug);
		if (sqlite3_column_text(st, 1))
			buf_puts(&slug, (const char *)sqlite3_column_text(st, 1));
		else if (unique_slug(w, key, &slug))
			goto out;
		if (w->files_dir && dest_path(w, slug.data, &path))
			fail = "the name is not a safe file name";
		else if (site_own_type(slug.data))
			fail = "the site would take a file of this type for a page or script of its own";
		else if (sqlite3_column_int(st, 4))
			buf_add(&data, sqlite3_column_blob(st, 5), (size_t)sqlite3_column_bytes(st, 5));
		else if (images_dir)
			fail = from_upload_dir(images_dir, key, &data, &why);
		else if (w->files_dir && fs_exists(path.data) && !mw_wiki_file_wanted(w, key))
			fail = fs_read_file_max(path.data, MW_MAX_FILE, &data) ? "cannot read the earlier copy" : NULL;
		else
			fail = "no upload folder given (--images DIR)";
		if (!fail) {
			if (!width || !height)
				sniff_size((const unsigned char *)data.data, data.len, &width, &height);
			buf_reset(&old);
			bool same = !w->files_dir ||
			            (fs_exists(path.data) && !fs_read_file_max(path.data, MW_MAX_FILE, &old) &&
			             old.len == data.len && !memcmp(old.data, data.data, data.len));
			if (!same && fs_write_atomic(path.data, data.data, data.len))
				goto out;
		}
		sqlite3_reset(up);
		sqlite3_bind_text(up, 1, key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(up, 2, fail ? "missing" : "copied", -1, SQLITE_STATIC);
		if (fail)
			sqlite3_bind_text(up, 3, fail, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(up, 3);
		sqlite3_bind_text(up, 4, slug.data, (int)slug.len, SQLITE_TRANSIENT);
		sqlite3_bind_int(up, 5, width);
		sqlite3_bind_int(up, 6, height);
		sqlite3_bind_int64(up, 7, (sqlite3_int64)data.len);
		if (sqlite3_step(up) != SQLITE_DONE) {
			mw_db_fail(w, "recording a copied file");
			goto out;
		}
	}
	/* sizes the source did not give (an export's <upload>) are the copy's */
	if (mw_exec(w, "UPDATE upload SET width = (SELECT width FROM file WHERE file.key = upload.key),"
	               " height = (SELECT height FROM file WHERE file.key = upload.key)"
	               " WHERE current AND width = 0"))
		goto out;
	/* A source without upload rows (an XML dump made without --uploads): the upload is
	 * the description page's first revision, which MediaWiki writes with it. */
	if (mw_exec(w, "INSERT INTO upload(key, current, ts, user, size, width, height, comment)"
	               " SELECT f.key, 1, r.ts, r.user, f.size, f.width, f.height, r.comment"
	               " FROM file f JOIN page p ON p.ns = 6 AND p.key = f.key JOIN rev r ON r.page = p.id"
	               " WHERE f.status = 'copied' AND NOT EXISTS (SELECT 1 FROM upload u WHERE u.key = f.key)"
	               " AND r.rowid = (SELECT rowid FROM rev WHERE page = p.id ORDER BY ts, rowid LIMIT 1)"))
		goto out;
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	buf_release(&data);
	buf_release(&why);
	buf_release(&path);
	buf_release(&old);
	buf_release(&slug);
	return rc;
}

static void file_url(const struct mw_wiki *w, const char *slug, struct buf *url)
{
	buf_printf(url, "%s/files/%s", w->url_prefix, slug);
}

int mw_wiki_file(void *wiki, const char *name, struct wikitext_file *f)
{
	struct mw_wiki *w = wiki;
	struct buf key = BUF_INIT;
	sqlite3_stmt *st = NULL;
	int found = 0;
	if (mw_key_norm(w, name, strlen(name), &key) ||
	    mw_stmt(w, &st, "SELECT slug, width, height FROM file WHERE key = ? AND status = 'copied'"))
		goto out;
	sqlite3_bind_text(st, 1, key.data, (int)key.len, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		file_url(w, (const char *)sqlite3_column_text(st, 0), &f->url);
		f->width = sqlite3_column_int(st, 1);
		f->height = sqlite3_column_int(st, 2);
		found = 1;
	}
out:
	sqlite3_finalize(st);
	buf_release(&key);
	return found;
}

static void human_size(long long n, struct buf *out)
{
	if (n < 1024)
		buf_printf(out, "%lld bytes", n);
	else if (n < 1024 * 1024)
		buf_printf(out, "%.0f KB", n / 1024.0);
	else
		buf_printf(out, "%.1f MB", n / 1048576.0);
}

int mw_file_page(struct mw_wiki *w, const char *key, struct buf *body)
{
	sqlite3_stmt *st = NULL;
	struct buf head = BUF_INIT, url = BUF_INIT;
	int rc = -1;
	if (mw_stmt(w, &st, "SELECT status, reason, slug, width, height, size, mime FROM file WHERE key = ?"))
		goto out;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = 0;
		goto out;
	}
	const char *status = (const char *)sqlite3_column_text(st, 0);
	if (status && !strcmp(status, "copied")) {
		int wd = sqlite3_column_int(st, 3), ht = sqlite3_column_int(st, 4);
		const char *mime = sqlite3_column_text(st, 6) ? (const char *)sqlite3_column_text(st, 6)
		                                              : mime_type(key);
		file_url(w, (const char *)sqlite3_column_text(st, 2), &url);
		buf_puts(&head, "<figure class=\"wiki-file-page\"><a href=\"");
		buf_puts_html(&head, url.data);
		buf_puts(&head, "\"><img src=\"");
		buf_puts_html(&head, url.data);
		buf_puts(&head, "\" alt=\"");
		buf_puts_html(&head, key);
		buf_putc(&head, '"');
		if (wd > 0 && ht > 0)
			buf_printf(&head, " width=\"%d\" height=\"%d\"", wd, ht);
		buf_puts(&head, "></a><figcaption>");
		buf_puts_html(&head, key);
		if (wd > 0 && ht > 0)
			buf_printf(&head, " (%d × %d pixels", wd, ht);
		else
			buf_puts(&head, " (");
		buf_puts(&head, wd > 0 && ht > 0 ? ", file size: " : "file size: ");
		human_size(sqlite3_column_int64(st, 5), &head);
		buf_puts(&head, ", MIME type: ");
		buf_puts_html(&head, mime);
		buf_puts(&head, ")</figcaption></figure>\n\n");
	} else {
		buf_puts(&head, "<p class=\"wiki-file-missing\"><i>The file itself was not migrated: ");
		buf_puts_html(&head, sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "unknown");
		buf_puts(&head, ".</i></p>\n\n");
	}
	sqlite3_finalize(st);
	st = NULL;
	buf_add(&head, body->data, body->len);
	/* The upload history, newest first, as on MediaWiki's file page. */
	if (mw_stmt(w, &st, "SELECT ts, current, width, height, size, user, comment FROM upload"
	                    " WHERE key = ? ORDER BY current DESC, ts DESC"))
		goto out;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	bool any = false;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (!any)
			buf_puts(&head, "\n## File history\n\n<table class=\"wiki-file-history\"><thead><tr><th>Date/Time</th>"
			                "<th>Dimensions</th><th>User</th><th>Comment</th></tr></thead><tbody>\n");
		any = true;
		const char *ts = (const char *)sqlite3_column_text(st, 0);
		buf_puts(&head, "<tr><td>");
		if (ts && strlen(ts) >= 16)
			buf_printf(&head, "%.10s %.5s", ts, ts + 11);
		if (sqlite3_column_int(st, 1))
			buf_puts(&head, " (current)");
		buf_puts(&head, "</td><td>");
		if (sqlite3_column_int(st, 2) > 0)
			buf_printf(&head, "%d × %d (", sqlite3_column_int(st, 2), sqlite3_column_int(st, 3));
		human_size(sqlite3_column_int64(st, 4), &head);
		if (sqlite3_column_int(st, 2) > 0)
			buf_putc(&head, ')');
		buf_puts(&head, "</td><td>");
		buf_puts_html(&head, sqlite3_column_text(st, 5) ? (const char *)sqlite3_column_text(st, 5) : "(hidden)");
		buf_puts(&head, "</td><td>");
		if (sqlite3_column_text(st, 6))
			buf_puts_html(&head, (const char *)sqlite3_column_text(st, 6));
		buf_puts(&head, "</td></tr>\n");
	}
	if (any)
		buf_puts(&head, "</tbody></table>\n");
	buf_reset(body);
	buf_add(body, head.data, head.len);
	rc = 0;
out:
	sqlite3_finalize(st);
	buf_release(&head);
	buf_release(&url);
	return rc;
}

void mw_files_summary(struct mw_wiki *w)
{
	sqlite3_stmt *st = NULL;
	long long n = mw_count_where(w, "SELECT count(*) FROM file");
	if (n <= 0)
		return;
	info("%s: files: read %lld, copied %lld, missing %lld", w->source, n,
	     mw_count_where(w, "SELECT count(*) FROM file WHERE status = 'copied'"),
	     mw_count_where(w, "SELECT count(*) FROM file WHERE status = 'missing'"));
	if (mw_stmt(w, &st, "SELECT key, reason FROM file WHERE status = 'missing' ORDER BY key"))
		return;
	while (sqlite3_step(st) == SQLITE_ROW)
		info("  missing %s:%s: %s", mw_ns_name(w, 6), sqlite3_column_text(st, 0), sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
}
