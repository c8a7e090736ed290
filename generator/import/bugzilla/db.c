/* db: reads Bugzilla 5's own SQLite database (read-only, immutable) into the
 * import stage. Bugzilla declares most text columns COLLATE bugzilla and registers that
 * collation itself on every connection; we register a case-insensitive one too, or
 * any WHERE/ORDER BY on those columns fails with "no such collation sequence".
 * Times are wall-clock in the tracker's zone (--timezone) and converted to UTC. */
#include "import/bugzilla/db.h"
#include "base/buf.h"
#include "base/db.h"
#include "import/bugzilla/stage.h"
#include "base/log.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* lc($a) cmp lc($b), folding ASCII; other bytes compare as they are. */
static int collate_bugzilla(void *arg, int la, const void *a, int lb, const void *b)
{
	const unsigned char *p = a, *q = b;
	int n = la < lb ? la : lb;
	(void)arg;
	for (int i = 0; i < n; i++) {
		int c = tolower(p[i]), d = tolower(q[i]);
		if (c != d)
			return c - d;
	}
	return la - lb;
}

struct db_reader {
	struct bz_stage *st;
	sqlite3 *db;
	const char *path;
	const char *tz;
};

static bool has_table(struct db_reader *r, const char *name)
{
	return db_has_table(r->db, name, false);
}

static const char *col(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

static int prepare(struct db_reader *r, const char *sql, sqlite3_stmt **s)
{
	if (sqlite3_prepare_v2(r->db, sql, -1, s, NULL) != SQLITE_OK)
		return error_at(r->path, 0, "cannot read the database: %s", sqlite3_errmsg(r->db));
	return 0;
}

static int step_error(struct db_reader *r, int rc)
{
	if (rc == SQLITE_DONE)
		return 0;
	return error_at(r->path, 0, "cannot read the database: %s", sqlite3_errmsg(r->db));
}

/* Converts a DB time; a bad one is reported once per call site and left NULL. */
static const char *utc(struct db_reader *r, const char *s, struct buf *out)
{
	buf_reset(out);
	if (!s || bz_time_local(s, r->tz, out) < 0)
		return NULL;
	return out->data;
}

static int read_people(struct db_reader *r)
{
	sqlite3_stmt *s;
	if (prepare(r, "SELECT userid, login_name, realname FROM profiles ORDER BY userid", &s) < 0)
		return -1;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char key[32];
		snprintf(key, sizeof key, "id:%lld", (long long)sqlite3_column_int64(s, 0));
		if (bz_stage_person(r->st, key, col(s, 1), col(s, 2)) < 0) {
			sqlite3_finalize(s);
			return -1;
		}
	}
	rc = step_error(r, rc);
	sqlite3_finalize(s);
	return rc;
}

/* A person key for a user id; ids missing from profiles (deleted users) become
 * "user N" people. */
static const char *person(struct db_reader *r, sqlite3_stmt *s, int i, char *key, size_t n)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return NULL;
	snprintf(key, n, "id:%lld", (long long)sqlite3_column_int64(s, i));
	bz_stage_person(r->st, key, NULL, NULL);
	return key;
}

static int read_bugs(struct db_reader *r)
{
	struct buf sql = BUF_INIT, created = BUF_INIT, changed = BUF_INIT;
	buf_puts(&sql, "SELECT b.bug_id, b.short_desc, cl.name, p.name, c.name, b.version, b.rep_platform,"
		       " b.op_sys, b.bug_status, b.resolution, b.bug_severity, b.priority, b.target_milestone,"
		       " b.status_whiteboard, b.bug_file_loc, b.reporter, b.assigned_to, b.qa_contact,"
		       " b.creation_ts, b.delta_ts,");
	buf_puts(&sql, has_table(r, "keywords") && has_table(r, "keyworddefs")
		       ? " (SELECT group_concat(kd.name, ', ') FROM keywords k JOIN keyworddefs kd"
			 " ON kd.id = k.keywordid WHERE k.bug_id = b.bug_id),"
		       : " NULL,");
	buf_puts(&sql, has_table(r, "cc") ? " (SELECT count(*) FROM cc WHERE cc.bug_id = b.bug_id)," : " 0,");
	buf_puts(&sql, has_table(r, "duplicates")
		       ? " (SELECT dupe_of FROM duplicates WHERE dupe = b.bug_id)," : " NULL,");
	buf_puts(&sql, has_table(r, "bugs_aliases")
		       ? " (SELECT group_concat(alias, ', ') FROM bugs_aliases a WHERE a.bug_id = b.bug_id),"
		       : " NULL,");
	buf_puts(&sql, has_table(r, "bug_group_map")
		       ? " EXISTS (SELECT 1 FROM bug_group_map g WHERE g.bug_id = b.bug_id)" : " 0");
	buf_puts(&sql, " FROM bugs b LEFT JOIN products p ON p.id = b.product_id"
		       " LEFT JOIN components c ON c.id = b.component_id");
	buf_puts(&sql, has_table(r, "classifications")
		       ? " LEFT JOIN classifications cl ON cl.id = p.classification_id"
		       : " LEFT JOIN (SELECT NULL AS id, NULL AS name) cl ON 0");
	buf_puts(&sql, " ORDER BY b.bug_id");
	sqlite3_stmt *s;
	int rc = prepare(r, sql.data, &s);
	buf_release(&sql);
	if (rc < 0)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char keys[3][32];
		struct bz_bug b = {
			.id = col(s, 0), .summary = col(s, 1), .classification = col(s, 2),
			.product = col(s, 3), .component = col(s, 4), .version = col(s, 5),
			.platform = col(s, 6), .op_sys = col(s, 7), .status = col(s, 8),
			.resolution = col(s, 9), .severity = col(s, 10), .priority = col(s, 11),
			.milestone = col(s, 12), .whiteboard = col(s, 13), .url = col(s, 14),
			.keywords = col(s, 20), .cc_count = (long)sqlite3_column_int64(s, 21),
			.dup_of = (long)sqlite3_column_int64(s, 22), .alias = col(s, 23),
			.restricted = sqlite3_column_int(s, 24) != 0,
		};
		b.reporter = person(r, s, 15, keys[0], sizeof keys[0]);
		b.assignee = person(r, s, 16, keys[1], sizeof keys[1]);
		b.qa_contact = person(r, s, 17, keys[2], sizeof keys[2]);
		b.created = utc(r, col(s, 18), &created);
		b.changed = utc(r, col(s, 19), &changed);
		if (bz_stage_bug(r->st, r->path, &b) < 0) {
			rc = SQLITE_ERROR;
			break;
		}
	}
	int ret = rc == SQLITE_ERROR ? -1 : step_error(r, rc);
	sqlite3_finalize(s);
	buf_release(&created);
	buf_release(&changed);
	return ret;
}

static int read_links(struct db_reader *r)
{
	sqlite3_stmt *s;
	int rc = 0;
	if (has_table(r, "dependencies")) {
		if (prepare(r, "SELECT blocked, dependson FROM dependencies ORDER BY blocked, dependson", &s) < 0)
			return -1;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			if (bz_stage_dependency(r->st, (long)sqlite3_column_int64(s, 0),
						(long)sqlite3_column_int64(s, 1)) < 0)
				break;
		rc = step_error(r, rc);
		sqlite3_finalize(s);
		if (rc < 0)
			return -1;
	}
	if (has_table(r, "bug_see_also")) {
		if (prepare(r, "SELECT bug_id, value FROM bug_see_also ORDER BY id", &s) < 0)
			return -1;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			if (bz_stage_see_also(r->st, (long)sqlite3_column_int64(s, 0), col(s, 1)) < 0)
				break;
		rc = step_error(r, rc);
		sqlite3_finalize(s);
	}
	return rc;
}

/* Comment numbers are not stored: Bugzilla counts them per bug in (bug_when,
 * comment_id) order, private ones included. */
static int read_comments(struct db_reader *r)
{
	sqlite3_stmt *s;
	if (prepare(r, "SELECT comment_id, bug_id, who, bug_when, thetext, isprivate, type, extra_data"
		       " FROM longdescs ORDER BY bug_id, bug_when, comment_id", &s) < 0)
		return -1;
	struct buf when = BUF_INIT;
	long bug = -1, number = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		long b = (long)sqlite3_column_int64(s, 1);
		number = b == bug ? number + 1 : 0;
		bug = b;
		char key[32];
		const void *text = sqlite3_column_blob(s, 4);
		struct bz_comment c = {
			.bug_id = b, .number = number, .author = person(r, s, 2, key, sizeof key),
			.time = utc(r, col(s, 3), &when), .text = text ? text : "",
			.text_len = (size_t)sqlite3_column_bytes(s, 4),
			.is_private = sqlite3_column_int(s, 5) != 0, .type = sqlite3_column_int(s, 6),
			.extra = col(s, 7),
		};
		if (bz_stage_comment(r->st, r->path, &c) < 0) {
			rc = SQLITE_ERROR;
			break;
		}
	}
	int ret = rc == SQLITE_ERROR ? -1 : step_error(r, rc);
	sqlite3_finalize(s);
	buf_release(&when);
	return ret;
}

static int read_attachments(struct db_reader *r)
{
	if (!has_table(r, "attachments"))
		return 0;
	bool data = has_table(r, "attach_data");
	char sql[1024];
	snprintf(sql, sizeof sql,
		 "SELECT a.attach_id, a.bug_id, a.filename, a.description, a.mimetype, a.ispatch,"
		 " a.isobsolete, a.isprivate, a.submitter_id, a.creation_ts, a.modification_time, %s"
		 " FROM attachments a %s ORDER BY a.attach_id",
		 data ? "length(d.thedata), CASE WHEN length(d.thedata) <= ?1 THEN d.thedata END, d.id"
		      : "NULL, NULL, NULL",
		 data ? "LEFT JOIN attach_data d ON d.id = a.attach_id" : "");
	sqlite3_stmt *s;
	if (prepare(r, sql, &s) < 0)
		return -1;
	size_t cap = bz_stage_opts(r->st)->max_attachment;
	if (data)
		sqlite3_bind_int64(s, 1, (sqlite3_int64)cap);
	struct buf created = BUF_INIT, modified = BUF_INIT, missing = BUF_INIT;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char key[32];
		size_t size = (size_t)sqlite3_column_int64(s, 11);
		buf_reset(&missing);
		if (sqlite3_column_type(s, 13) == SQLITE_NULL)
			buf_puts(&missing, "no data in the database");
		else if (size > cap)
			buf_printf(&missing, "larger than %zu bytes (%zu bytes)", cap, size);
		const void *bytes = sqlite3_column_blob(s, 12);
		struct bz_attachment a = {
			.id = col(s, 0), .bug_id = (long)sqlite3_column_int64(s, 1),
			.filename = col(s, 2), .description = col(s, 3), .mime = col(s, 4),
			.is_patch = sqlite3_column_int(s, 5) != 0,
			.is_obsolete = sqlite3_column_int(s, 6) != 0,
			.is_private = sqlite3_column_int(s, 7) != 0,
			.creator = person(r, s, 8, key, sizeof key),
			.created = xstrdup(utc(r, col(s, 9), &created) ? created.data : ""),
			.modified = utc(r, col(s, 10), &modified), .size = size,
			.data = bytes ? bytes : "", .data_len = (size_t)sqlite3_column_bytes(s, 12),
			.missing = missing.len ? missing.data : NULL,
		};
		if (!*a.created) {
			free((char *)a.created);
			a.created = NULL;
		}
		int r2 = bz_stage_attachment(r->st, r->path, &a);
		free((char *)a.created);
		if (r2 < 0) {
			rc = SQLITE_ERROR;
			break;
		}
	}
	int ret = rc == SQLITE_ERROR ? -1 : step_error(r, rc);
	sqlite3_finalize(s);
	buf_release(&created);
	buf_release(&modified);
	buf_release(&missing);
	return ret;
}

static int read_history(struct db_reader *r)
{
	if (!has_table(r, "bugs_activity") || !has_table(r, "fielddefs")) {
		warn_at(r->path, 0, "no bugs_activity/fielddefs table: the archive has no history");
		return 0;
	}
	bz_stage_set_history(r->st, true);
	sqlite3_stmt *s;
	if (prepare(r, "SELECT a.bug_id, a.attach_id, a.who, a.bug_when, f.name, a.removed, a.added"
		       " FROM bugs_activity a LEFT JOIN fielddefs f ON f.id = a.fieldid ORDER BY a.id", &s) < 0)
		return -1;
	struct buf when = BUF_INIT;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char key[32];
		struct bz_change c = {
			.bug_id = (long)sqlite3_column_int64(s, 0),
			.attach_id = (long)sqlite3_column_int64(s, 1),
			.author = person(r, s, 2, key, sizeof key),
			.time = utc(r, col(s, 3), &when), .field = col(s, 4),
			.removed = col(s, 5), .added = col(s, 6),
		};
		if (bz_stage_change(r->st, &c) < 0) {
			rc = SQLITE_ERROR;
			break;
		}
	}
	int ret = rc == SQLITE_ERROR ? -1 : step_error(r, rc);
	sqlite3_finalize(s);
	buf_release(&when);
	return ret;
}

int bugzilla_db_read(struct bz_stage *st, const char *path)
{
	struct db_reader r = {.st = st, .path = path, .tz = bz_stage_opts(st)->timezone};
	int rc = -1;
	/* immutable: no locks, no journal, never a write */
	if (db_open_readonly(path, true, "database", &r.db) < 0)
		goto out;
	sqlite3_create_collation(r.db, "bugzilla", SQLITE_UTF8, NULL, collate_bugzilla);
	if (!db_readable(r.db)) {
		error_at(path, 0, "not a SQLite database: %s", sqlite3_errmsg(r.db));
		goto out;
	}
	static const char *const required[] = {"bugs", "longdescs", "profiles", "products", "components", NULL};
	for (int i = 0; required[i]; i++) {
		if (!has_table(&r, required[i])) {
			error_at(path, 0, "not a Bugzilla database: table '%s' is missing", required[i]);
			goto out;
		}
	}
	if (read_people(&r) < 0 || read_bugs(&r) < 0 || read_links(&r) < 0 ||
	    read_attachments(&r) < 0 || read_comments(&r) < 0 || read_history(&r) < 0)
		goto out;
	rc = 0;
out:
	sqlite3_close(r.db);
	return rc;
}
