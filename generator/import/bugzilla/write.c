/* write: the canonical archive from the stage: withheld or absent bugs scrubbed from
 * history values, every table sorted, written to a temporary file and renamed. */
#include "import/bugzilla/internal.h"
#include "archive/archive.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Drops withheld or absent bug ids from dependson/blocked/dup_id history values, and
 * rows left empty on both sides. */
static int scrub_bug_refs(struct bz_stage *st)
{
	sqlite3_stmt *q = NULL, *u = NULL;
	int rc = -1;
	if (sqlite3_prepare_v2(st->db, "SELECT rowid, removed, added FROM s_history"
			       " WHERE field IN ('dependson', 'blocked', 'dup_id')", -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "UPDATE s_history SET removed = ?2, added = ?3 WHERE rowid = ?1",
			       -1, &u, NULL) != SQLITE_OK)
		goto out;
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct buf v[2] = {BUF_INIT, BUF_INIT};
		for (int k = 0; k < 2; k++) {
			char *copy = xstrdup((const char *)sqlite3_column_text(q, 1 + k));
			char *save = NULL;
			for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
				long id;
				if (bz_parse_id(tok, &id) && !bz_stage_has_bug(st, id))
					continue;
				if (v[k].len)
					buf_puts(&v[k], ", ");
				buf_puts(&v[k], tok);
			}
			free(copy);
		}
		sqlite3_bind_int64(u, 1, sqlite3_column_int64(q, 0));
		sqlite3_bind_text(u, 2, v[0].data, (int)v[0].len, SQLITE_TRANSIENT);
		sqlite3_bind_text(u, 3, v[1].data, (int)v[1].len, SQLITE_TRANSIENT);
		sqlite3_step(u);
		sqlite3_reset(u);
		buf_release(&v[0]);
		buf_release(&v[1]);
	}
	rc = 0;
out:
	sqlite3_finalize(q);
	sqlite3_finalize(u);
	if (rc < 0)
		return error_at(st->source, 0, "stage: %s", sqlite3_errmsg(st->db));
	return sqlite3_exec(st->db, "DELETE FROM s_history WHERE field IN ('dependson','blocked','dup_id')"
			    " AND removed = '' AND added = ''", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static const char finish_sql[] =
	"CREATE TEMP TABLE p_order AS SELECT key, min(o) AS o FROM ("
	" SELECT reporter AS key, printf('0.%012d.0.%012d', id, 0) AS o FROM s_bugs"
	" UNION ALL SELECT assignee, printf('0.%012d.1.%012d', id, 0) FROM s_bugs"
	" UNION ALL SELECT qa_contact, printf('0.%012d.2.%012d', id, 0) FROM s_bugs"
	" UNION ALL SELECT author, printf('0.%012d.3.%012d', bug_id, number) FROM s_comments"
	" UNION ALL SELECT creator, printf('0.%012d.4.%012d', bug_id, id) FROM s_attachments"
	" UNION ALL SELECT author, printf('1.%012d.%s.%s', bug_id, time, field) FROM s_history"
	") WHERE key IS NOT NULL GROUP BY key;"
	"CREATE TEMP TABLE pmap(key TEXT PRIMARY KEY, id INT, name TEXT);"
	"INSERT INTO pmap SELECT o.key, row_number() OVER (ORDER BY o.o, o.key),"
	" coalesce(p.name, CASE WHEN o.key LIKE 'id:%' THEN 'user ' || substr(o.key, 4) ELSE 'unknown' END)"
	" FROM p_order o LEFT JOIN s_people p ON p.key = o.key;"
	"INSERT INTO out.people SELECT id, name FROM pmap ORDER BY id;"
	"INSERT INTO out.bugs SELECT b.id, b.alias, b.summary, b.classification, b.product, b.component,"
	" b.version, b.platform, b.op_sys, b.status, b.resolution, b.severity, b.priority, b.milestone,"
	" b.whiteboard, b.url, b.keywords, r.id, a.id, q.id, b.created, b.changed, b.cc_count,"
	" (SELECT d.id FROM s_bugs d WHERE d.id = b.dup_of)"
	" FROM s_bugs b LEFT JOIN pmap r ON r.key = b.reporter LEFT JOIN pmap a ON a.key = b.assignee"
	" LEFT JOIN pmap q ON q.key = b.qa_contact ORDER BY b.id;"
	"INSERT INTO out.dependencies SELECT d.blocked, d.dependson FROM s_deps d"
	" JOIN s_bugs x ON x.id = d.blocked JOIN s_bugs y ON y.id = d.dependson"
	" ORDER BY d.blocked, d.dependson;"
	"INSERT INTO out.see_also SELECT s.bug_id, s.url FROM s_see_also s"
	" JOIN s_bugs b ON b.id = s.bug_id ORDER BY s.bug_id, s.url;"
	"INSERT INTO out.comments SELECT c.bug_id, c.number, p.id, c.time, c.type, c.extra, c.text"
	" FROM s_comments c LEFT JOIN pmap p ON p.key = c.author ORDER BY c.bug_id, c.number;"
	"INSERT INTO out.attachments SELECT a.id, a.bug_id, a.filename, a.description, a.mime,"
	" a.is_patch, a.is_obsolete, p.id, a.created, a.modified, a.size, a.data, a.missing"
	" FROM s_attachments a LEFT JOIN pmap p ON p.key = a.creator ORDER BY a.id;"
	"INSERT INTO out.history SELECT h.bug_id,"
	" row_number() OVER (PARTITION BY h.bug_id ORDER BY h.time, h.field, h.removed, h.added, p.name, h.attach_id),"
	" p.id, h.time, h.field, h.removed, h.added, h.attach_id"
	" FROM s_history h LEFT JOIN pmap p ON p.key = h.author"
	" ORDER BY h.bug_id, h.time, h.field, h.removed, h.added, p.name, h.attach_id;";

static long count_rows(sqlite3 *db, const char *table)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	sqlite3_stmt *s;
	long n = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* Appends an SQL string literal. */
static void sql_quote(struct buf *b, const char *s)
{
	buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_putc(b, '\'');
		buf_putc(b, *s);
	}
	buf_putc(b, '\'');
}

int bz_write_archive(struct bz_stage *st, const char *out_path)
{
	int rc = -1;
	struct buf tmp = BUF_INIT, sql = BUF_INIT;
	char *err = NULL;
	bool made = false;
	const char *slash = strrchr(out_path, '/');
	if (slash && slash != out_path) {
		char *dir = xstrndup(out_path, (size_t)(slash - out_path));
		int r = fs_mkdirs(dir);
		free(dir);
		if (r < 0)
			goto out;
	}
	/* a name of its own: a fixed one would remove whatever file already bears it */
	buf_printf(&tmp, "%s.tmp-XXXXXX", out_path);
	int fd = mkstemp(tmp.data);
	if (fd < 0 || fchmod(fd, 0644) < 0) {
		error_at(out_path, 0, "cannot write: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);
	made = true;
	if (scrub_bug_refs(st) < 0)
		goto out;
	buf_puts(&sql, "ATTACH ");
	sql_quote(&sql, tmp.data);
	buf_puts(&sql, " AS out;");
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, &err) != SQLITE_OK ||
	    sqlite3_exec(st->db, sql.data, NULL, NULL, &err) != SQLITE_OK)
		goto sqlerr;
	buf_reset(&sql);
	/* the schema, with every table name qualified by "out." */
	buf_printf(&sql, "PRAGMA out.journal_mode=OFF; PRAGMA out.synchronous=OFF;"
		   " PRAGMA out.application_id=%d; BEGIN;", ARCHIVE_APPLICATION_ID);
	for (const char *p = archive_schema_sql; *p;) {
		const char *t = strstr(p, "CREATE TABLE "), *x = strstr(p, "CREATE INDEX ");
		const char *q = t && (!x || t < x) ? t : x;
		if (!q) {
			buf_puts(&sql, p);
			break;
		}
		q += strlen("CREATE TABLE ");
		buf_add(&sql, p, (size_t)(q - p));
		buf_puts(&sql, "out.");
		p = q;
	}
	buf_printf(&sql, "INSERT INTO out.meta VALUES ('schema_version', '%d'), ('has_history', '%d');",
		   ARCHIVE_SCHEMA_VERSION, st->has_history ? 1 : 0);
	buf_puts(&sql, finish_sql);
	buf_puts(&sql, "COMMIT;");
	if (sqlite3_exec(st->db, sql.data, NULL, NULL, &err) != SQLITE_OK)
		goto sqlerr;
	st->bugs.written = (size_t)count_rows(st->db, "out.bugs");
	st->comments.written = (size_t)count_rows(st->db, "out.comments");
	st->attachments.written = (size_t)count_rows(st->db, "out.attachments");
	st->history.written = (size_t)count_rows(st->db, "out.history");
	if (sqlite3_exec(st->db, "DETACH out", NULL, NULL, &err) != SQLITE_OK)
		goto sqlerr;
	/* make the rename durable: flush the file first */
	FILE *f = fopen(tmp.data, "r+");
	if (f) {
		fflush(f);
		fsync(fileno(f));
		fclose(f);
	}
	if (rename(tmp.data, out_path) < 0) {
		error_at(out_path, 0, "cannot write: %s", strerror(errno));
		goto out;
	}
	rc = 0;
	goto out;
sqlerr:
	error_at(out_path, 0, "cannot write the archive: %s", err ? err : sqlite3_errmsg(st->db));
out:
	if (rc < 0 && made) {
		sqlite3_exec(st->db, "DETACH out", NULL, NULL, NULL);
		unlink(tmp.data);
	}
	sqlite3_free(err);
	buf_release(&tmp);
	buf_release(&sql);
	return rc;
}
