/* stage: the staging area the readers feed (see stage.h): a private SQLite database in
 * a temporary file, the people under their source keys, and every item counted as
 * written, withheld or skipped. Text is stored clean (valid UTF-8, no control bytes). */
#include "import/bugzilla/internal.h"
#include "archive/archive.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/log.h"
#include "base/utf8.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char stage_schema[] =
	"PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
	"CREATE TABLE s_people(key TEXT PRIMARY KEY, login TEXT, name TEXT NOT NULL, named INT);"
	"CREATE INDEX s_people_login ON s_people(login);"
	"CREATE TABLE s_withheld(id INTEGER PRIMARY KEY);"
	"CREATE TABLE s_private_att(id INTEGER PRIMARY KEY, unused);"
	"CREATE TABLE s_bugs(id INTEGER PRIMARY KEY, alias, summary, classification, product,"
	" component, version, platform, op_sys, status, resolution, severity, priority, milestone,"
	" whiteboard, url, keywords, reporter, assignee, qa_contact, created, changed, cc_count,"
	" dup_of);"
	"CREATE TABLE s_deps(blocked INT, dependson INT, PRIMARY KEY(blocked, dependson));"
	"CREATE TABLE s_see_also(bug_id INT, url TEXT, PRIMARY KEY(bug_id, url));"
	"CREATE TABLE s_comments(bug_id INT, number INT, author, time, type INT, extra, text,"
	" PRIMARY KEY(bug_id, number));"
	"CREATE TABLE s_attachments(id INTEGER PRIMARY KEY, bug_id INT, filename, description,"
	" mime, is_patch INT, is_obsolete INT, creator, created, modified, size INT, data BLOB,"
	" missing);"
	"CREATE TABLE s_history(bug_id INT, author, time, field, removed, added, attach_id INT);";

/* Appends p as clean text: valid UTF-8, no NUL or C0 control but tab and newline,
 * CRLF and lone CR as LF. Returns true when something had to be replaced. */
static bool clean_text(const char *p, size_t len, struct buf *out)
{
	const unsigned char *s = (const unsigned char *)p;
	bool changed = false;
	size_t i = 0;
	buf_grow(out, len);
	while (i < len) {
		unsigned c = s[i];
		if (c == '\r') {
			buf_putc(out, '\n');
			i += (i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
			continue;
		}
		if (c < 0x20 && c != '\t' && c != '\n') {
			buf_puts(out, "\xEF\xBF\xBD");
			changed = true;
			i++;
			continue;
		}
		size_t n = utf8_seq_len(s + i, len - i);
		if (!n) {
			buf_puts(out, "\xEF\xBF\xBD");
			changed = true;
			i++;
			continue;
		}
		buf_add(out, p + i, n);
		i += n;
	}
	return changed;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

/* Binds a cleaned copy of v (NULL stays NULL). */
static void bind_clean(struct bz_stage *st, sqlite3_stmt *s, int i, const char *v, size_t len)
{
	if (!v) {
		sqlite3_bind_null(s, i);
		return;
	}
	struct buf b = BUF_INIT;
	if (clean_text(v, len, &b))
		st->cleaned++;
	sqlite3_bind_text(s, i, b.data, (int)b.len, SQLITE_TRANSIENT);
	buf_release(&b);
}

static sqlite3_stmt *prep(struct bz_stage *st, int k, const char *sql)
{
	sqlite3_stmt *s = st->stmt[k];
	if (s) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return s;
	}
	if (sqlite3_prepare_v2(st->db, sql, -1, &st->stmt[k], NULL) != SQLITE_OK) {
		error_at(st->source, 0, "stage: %s", sqlite3_errmsg(st->db));
		return NULL;
	}
	return st->stmt[k];
}

/* Steps a cached statement to completion; 0 or -1 after reporting. */
static int done(struct bz_stage *st, sqlite3_stmt *s)
{
	if (!s)
		return -1;
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return error_at(st->source, 0, "stage: %s", sqlite3_errmsg(st->db));
	return 0;
}

/* The display name: the real name (addresses inside it cut), else the login's local
 * part, else "user N" for a DB id key, else "unknown". */
static void display_name(const char *key, const char *login, const char *realname, struct buf *out)
{
	struct buf clean = BUF_INIT;
	if (realname) {
		const char *s = realname, *e = realname + strlen(realname);
		while (s < e && isspace((unsigned char)*s))
			s++;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		if (e > s) {
			clean_text(s, (size_t)(e - s), &clean);
			archive_hide_emails(clean.data, clean.len, out);
			goto out;
		}
	}
	if (login && *login) {
		const char *at = strchr(login, '@');
		size_t n = at ? (size_t)(at - login) : strlen(login);
		if (n) {
			clean_text(login, n, out);
			goto out;
		}
	}
	if (key && !strncmp(key, "id:", 3))
		buf_printf(out, "user %s", key + 3);
	else
		buf_puts(out, "unknown");
out:
	buf_release(&clean);
}

int bz_stage_person(struct bz_stage *st, const char *key, const char *login, const char *realname)
{
	if (!key || !*key)
		return 0;
	bool named = realname && *realname;
	struct buf name = BUF_INIT;
	display_name(key, login, realname, &name);
	sqlite3_stmt *s = prep(st, ST_PERSON,
		"INSERT INTO s_people(key, login, name, named) VALUES (?1, ?2, ?3, ?4)"
		" ON CONFLICT(key) DO UPDATE SET name = excluded.name, named = excluded.named,"
		" login = coalesce(login, excluded.login) WHERE NOT named AND excluded.named");
	if (s) {
		bind_text(s, 1, key);
		bind_text(s, 2, login);
		sqlite3_bind_text(s, 3, name.data, (int)name.len, SQLITE_TRANSIENT);
		sqlite3_bind_int(s, 4, named);
	}
	buf_release(&name);
	return done(st, s);
}

void bz_stage_login_name(struct bz_stage *st, const char *login, struct buf *out)
{
	sqlite3_stmt *s = prep(st, ST_LOGIN,
		"SELECT name FROM s_people WHERE login = ?1 UNION ALL"
		" SELECT name FROM s_people WHERE key = ?1 LIMIT 1");
	if (s) {
		bind_text(s, 1, login);
		if (sqlite3_step(s) == SQLITE_ROW) {
			buf_puts(out, (const char *)sqlite3_column_text(s, 0));
			sqlite3_reset(s);
			return;
		}
		sqlite3_reset(s);
	}
	display_name(NULL, login, NULL, out);
}

struct bz_stage *bz_stage_new(const char *source, const struct bz_opts *opts)
{
	struct bz_stage *st = xcalloc(1, sizeof *st);
	st->source = source;
	st->opts = *opts;
	buf_init(&st->skips);
	buf_init(&st->holders);
	st->json = json_new(false);
	if (sqlite3_open("", &st->db) != SQLITE_OK ||
	    sqlite3_exec(st->db, stage_schema, NULL, NULL, NULL) != SQLITE_OK) {
		error_at(source, 0, "cannot create the staging database: %s", sqlite3_errmsg(st->db));
		bz_stage_free(st);
		return NULL;
	}
	sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL);
	return st;
}

void bz_stage_free(struct bz_stage *st)
{
	if (!st)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db);
	buf_release(&st->skips);
	buf_release(&st->holders);
	json_free(st->json);
	free(st);
}

const struct bz_opts *bz_stage_opts(const struct bz_stage *st)
{
	return &st->opts;
}

void bz_stage_set_history(struct bz_stage *st, bool has_history)
{
	st->has_history = has_history;
}

static void note_skip(struct bz_stage *st, const char *src, int line, const char *kind,
		      const char *id, const char *reason)
{
	if (st->nskips < 1000) {
		if (st->nskips)
			buf_putc(&st->skips, ',');
		buf_puts(&st->skips, "\n    {\"kind\": ");
		json_cstring(st->json, &st->skips, kind);
		buf_puts(&st->skips, ", \"id\": ");
		json_cstring(st->json, &st->skips, id ? id : "");
		buf_puts(&st->skips, ", \"reason\": ");
		json_cstring(st->json, &st->skips, reason);
		buf_putc(&st->skips, '}');
	}
	st->nskips++;
	warn_at(src, line, "%s %s skipped: %s", kind, id ? id : "?", reason);
}

void bz_stage_skip(struct bz_stage *st, const char *src, int line, const char *kind,
		   const char *id, const char *reason)
{
	struct bz_counts *c = !strcmp(kind, "bug") ? &st->bugs
			 : !strcmp(kind, "comment") ? &st->comments
			 : !strcmp(kind, "attachment") ? &st->attachments : &st->history;
	c->read++;
	c->skipped++;
	note_skip(st, src, line, kind, id, reason);
}

static bool exists2(struct bz_stage *st, int k, const char *sql, long a, long b)
{
	sqlite3_stmt *s = prep(st, k, sql);
	bool found = false;
	if (s) {
		sqlite3_bind_int64(s, 1, a);
		sqlite3_bind_int64(s, 2, b);
		found = sqlite3_step(s) == SQLITE_ROW;
		sqlite3_reset(s);
	}
	return found;
}

static long count_where(struct bz_stage *st, const char *table, long bug_id)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE bug_id = ?1", table);
	sqlite3_stmt *s;
	long n = 0;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, bug_id);
		if (sqlite3_step(s) == SQLITE_ROW)
			n = (long)sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	return n;
}

int bz_stage_withhold_bug(struct bz_stage *st, long bug_id)
{
	if (!bz_stage_has_bug(st, bug_id))
		return 0;
	st->bugs.withheld++;
	st->comments.withheld += (size_t)count_where(st, "s_comments", bug_id);
	st->attachments.withheld += (size_t)count_where(st, "s_attachments", bug_id);
	st->history.withheld += (size_t)count_where(st, "s_history", bug_id);
	st->placeholders -= (size_t)count_where(st, "(SELECT bug_id FROM s_attachments WHERE missing IS NOT NULL)", bug_id);
	static const char *const sql[] = {
		"INSERT OR IGNORE INTO s_private_att SELECT id, NULL FROM s_attachments WHERE bug_id = ?1",
		"DELETE FROM s_attachments WHERE bug_id = ?1", "DELETE FROM s_comments WHERE bug_id = ?1",
		"DELETE FROM s_history WHERE bug_id = ?1", "DELETE FROM s_see_also WHERE bug_id = ?1",
		"DELETE FROM s_bugs WHERE id = ?1", "INSERT OR IGNORE INTO s_withheld VALUES (?1)",
	};
	for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		sqlite3_stmt *s;
		int rc = sqlite3_prepare_v2(st->db, sql[i], -1, &s, NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_int64(s, 1, bug_id);
			rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
		}
		sqlite3_finalize(s);
		if (rc != SQLITE_OK)
			return error_at(st->source, 0, "stage: %s", sqlite3_errmsg(st->db));
	}
	return 0;
}

bool bz_stage_has_bug(struct bz_stage *st, long bug_id)
{
	return exists2(st, ST_HAS_BUG, "SELECT 1 FROM s_bugs WHERE id = ?1", bug_id, 0);
}

static bool is_withheld(struct bz_stage *st, long bug_id)
{
	return exists2(st, ST_WITHHELD, "SELECT 1 FROM s_withheld WHERE id = ?1", bug_id, 0);
}

/* Canonical keyword list: trimmed, sorted, ", "-joined. */
static void canon_list(const char *s, struct buf *out)
{
	char *items[512];
	size_t n = 0;
	char *copy = xstrdup(s ? s : "");
	for (char *tok = strtok(copy, ", \t\n"); tok && n < 512; tok = strtok(NULL, ", \t\n"))
		items[n++] = tok;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(items[j - 1], items[j]) > 0; j--) {
			char *t = items[j];
			items[j] = items[j - 1];
			items[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		if (i && !strcmp(items[i], items[i - 1]))
			continue;
		if (out->len)
			buf_puts(out, ", ");
		buf_puts(out, items[i]);
	}
	free(copy);
}

int bz_stage_bug(struct bz_stage *st, const char *src, const struct bz_bug *b)
{
	long id;
	if (!bz_parse_id(b->id, &id)) {
		bz_stage_skip(st, src, b->line, "bug", b->id, "bug id is not a number");
		return 0;
	}
	st->bugs.read++;
	if (b->restricted) {
		st->bugs.withheld++;
		sqlite3_stmt *s = prep(st, ST_ADD_WITHHELD, "INSERT OR IGNORE INTO s_withheld(id) VALUES (?1)");
		if (s)
			sqlite3_bind_int64(s, 1, id);
		return done(st, s);
	}
	if (bz_stage_has_bug(st, id) || is_withheld(st, id)) {
		st->bugs.read--;
		bz_stage_skip(st, src, b->line, "bug", b->id, "duplicate bug id");
		return 0;
	}
	struct buf kw = BUF_INIT, al = BUF_INIT;
	canon_list(b->keywords, &kw);
	canon_list(b->alias, &al);
	sqlite3_stmt *s = prep(st, ST_BUG,
		"INSERT INTO s_bugs VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,"
		"?17,?18,?19,?20,?21,?22,?23,?24)");
	if (s) {
		const char *f[] = {b->summary, b->classification, b->product, b->component, b->version,
				   b->platform, b->op_sys, b->status, b->resolution, b->severity,
				   b->priority, b->milestone, b->whiteboard, b->url};
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, al.data, (int)al.len, SQLITE_TRANSIENT);
		for (int i = 0; i < 14; i++)
			bind_clean(st, s, 3 + i, f[i] ? f[i] : "", f[i] ? strlen(f[i]) : 0);
		sqlite3_bind_text(s, 17, kw.data, (int)kw.len, SQLITE_TRANSIENT);
		bind_text(s, 18, b->reporter);
		bind_text(s, 19, b->assignee);
		bind_text(s, 20, b->qa_contact && *b->qa_contact ? b->qa_contact : NULL);
		bind_text(s, 21, b->created);
		bind_text(s, 22, b->changed);
		sqlite3_bind_int64(s, 23, b->cc_count);
		if (b->dup_of > 0)
			sqlite3_bind_int64(s, 24, b->dup_of);
	}
	buf_release(&kw);
	buf_release(&al);
	return done(st, s);
}

static int exec_ll(struct bz_stage *st, int k, const char *sql, long a, long b, const char *t)
{
	sqlite3_stmt *s = prep(st, k, sql);
	if (s) {
		sqlite3_bind_int64(s, 1, a);
		if (t)
			sqlite3_bind_text(s, 2, t, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_int64(s, 2, b);
	}
	return done(st, s);
}

int bz_stage_dependency(struct bz_stage *st, long blocked, long dependson)
{
	if (blocked <= 0 || dependson <= 0 || blocked == dependson)
		return 0;
	return exec_ll(st, ST_DEP, "INSERT OR IGNORE INTO s_deps VALUES (?1, ?2)", blocked, dependson, NULL);
}

int bz_stage_see_also(struct bz_stage *st, long bug_id, const char *url)
{
	if (!url || !*url)
		return 0;
	struct buf b = BUF_INIT;
	clean_text(url, strlen(url), &b);
	int rc = exec_ll(st, ST_SEE, "INSERT OR IGNORE INTO s_see_also VALUES (?1, ?2)", bug_id, 0, b.data);
	buf_release(&b);
	return rc;
}

int bz_stage_comment(struct bz_stage *st, const char *src, const struct bz_comment *c)
{
	char id[64];
	snprintf(id, sizeof id, "%ld#%ld", c->bug_id, c->number);
	if (is_withheld(st, c->bug_id) || c->is_private) {
		st->comments.read++;
		st->comments.withheld++;
		return 0;
	}
	if (!bz_stage_has_bug(st, c->bug_id)) {
		bz_stage_skip(st, src, c->line, "comment", id, "its bug is not in the archive");
		return 0;
	}
	if (c->number < 0) {
		bz_stage_skip(st, src, c->line, "comment", id, "comment number is not valid");
		return 0;
	}
	if (exists2(st, ST_HAS_COMMENT, "SELECT 1 FROM s_comments WHERE bug_id = ?1 AND number = ?2",
		    c->bug_id, c->number)) {
		bz_stage_skip(st, src, c->line, "comment", id, "duplicate comment number");
		return 0;
	}
	st->comments.read++;
	sqlite3_stmt *s = prep(st, ST_COMMENT, "INSERT INTO s_comments VALUES (?1,?2,?3,?4,?5,?6,?7)");
	if (s) {
		sqlite3_bind_int64(s, 1, c->bug_id);
		sqlite3_bind_int64(s, 2, c->number);
		bind_text(s, 3, c->author);
		bind_text(s, 4, c->time);
		sqlite3_bind_int(s, 5, c->type);
		bind_text(s, 6, c->type ? c->extra : NULL);
		/* addresses in the text (signatures, quoted mails) are cut too */
		struct buf t = BUF_INIT, h = BUF_INIT;
		if (clean_text(c->text ? c->text : "", c->text ? c->text_len : 0, &t))
			st->cleaned++;
		archive_hide_emails(t.data, t.len, &h);
		sqlite3_bind_text(s, 7, h.data, (int)h.len, SQLITE_TRANSIENT);
		buf_release(&t);
		buf_release(&h);
	}
	return done(st, s);
}

int bz_stage_attachment(struct bz_stage *st, const char *src, const struct bz_attachment *a)
{
	long id;
	if (!bz_parse_id(a->id, &id)) {
		bz_stage_skip(st, src, a->line, "attachment", a->id, "attachment id is not a number");
		return 0;
	}
	if (is_withheld(st, a->bug_id) || a->is_private) {
		st->attachments.read++;
		st->attachments.withheld++;
		return exec_ll(st, ST_ADD_PRIV_ATT, "INSERT OR IGNORE INTO s_private_att VALUES (?1, ?2)",
			       id, 0, NULL);
	}
	if (a->invalid) {
		bz_stage_skip(st, src, a->line, "attachment", a->id, a->invalid);
		return 0;
	}
	if (!bz_stage_has_bug(st, a->bug_id)) {
		bz_stage_skip(st, src, a->line, "attachment", a->id, "its bug is not in the archive");
		return 0;
	}
	if (exists2(st, ST_HAS_ATT, "SELECT 1 FROM s_attachments WHERE id = ?1", id, 0)) {
		bz_stage_skip(st, src, a->line, "attachment", a->id, "duplicate attachment id");
		return 0;
	}
	st->attachments.read++;
	if (a->missing) {
		st->placeholders++;
		/* the attachment is written, its data replaced by a placeholder */
		if (st->placeholders <= 1000) {
			buf_puts(&st->holders, st->placeholders > 1 ? ",\n    {\"id\": " : "\n    {\"id\": ");
			json_cstring(st->json, &st->holders, a->id);
			buf_puts(&st->holders, ", \"reason\": ");
			json_cstring(st->json, &st->holders, a->missing);
			buf_putc(&st->holders, '}');
		}
		warn_at(src, a->line, "attachment %s stored without its data: %s", a->id, a->missing);
	}
	/* A safe file name: the last path component, no control characters. */
	struct buf fname = BUF_INIT;
	const char *base = a->filename ? a->filename : "";
	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	clean_text(base, strlen(base), &fname);
	if (!fname.len || !strcmp(fname.data, ".") || !strcmp(fname.data, ".."))
		buf_printf(&fname, "attachment-%ld", id);
	sqlite3_stmt *s = prep(st, ST_ATT,
		"INSERT INTO s_attachments VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)");
	if (s) {
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int64(s, 2, a->bug_id);
		sqlite3_bind_text(s, 3, fname.data, (int)fname.len, SQLITE_TRANSIENT);
		bind_clean(st, s, 4, a->description ? a->description : "", a->description ? strlen(a->description) : 0);
		bind_clean(st, s, 5, a->mime ? a->mime : "application/octet-stream",
			   a->mime ? strlen(a->mime) : strlen("application/octet-stream"));
		sqlite3_bind_int(s, 6, a->is_patch);
		sqlite3_bind_int(s, 7, a->is_obsolete);
		bind_text(s, 8, a->creator);
		bind_text(s, 9, a->created);
		bind_text(s, 10, a->modified ? a->modified : a->created);
		sqlite3_bind_int64(s, 11, (sqlite3_int64)a->size);
		if (a->data && !a->missing)
			sqlite3_bind_blob64(s, 12, a->data, a->data_len, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(s, 12);
		bind_text(s, 13, a->missing);
	}
	buf_release(&fname);
	return done(st, s);
}

/* History fields Bugzilla shows only to insiders or time-trackers. */
static bool private_field(const char *f)
{
	static const char *const names[] = {"longdescs.isprivate", "attachments.isprivate",
		"estimated_time", "remaining_time", "work_time", "deadline", NULL};
	for (int i = 0; names[i]; i++)
		if (!strcmp(f, names[i]))
			return true;
	return false;
}

/* Values of people fields hold logins: replace each by a display name. */
static bool people_field(const char *f)
{
	return !strcmp(f, "cc") || !strcmp(f, "assigned_to") || !strcmp(f, "qa_contact") ||
	       !strcmp(f, "reporter");
}

static void people_value(struct bz_stage *st, const char *v, struct buf *out)
{
	char *copy = xstrdup(v ? v : "");
	char *save = NULL;
	bool first = true;
	for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		if (!first)
			buf_puts(out, ", ");
		first = false;
		bz_stage_login_name(st, tok, out);
	}
	free(copy);
}

int bz_stage_change(struct bz_stage *st, const struct bz_change *c)
{
	st->history.read++;
	const char *field = c->field ? c->field : "";
	if (is_withheld(st, c->bug_id) || private_field(field) ||
	    (c->attach_id > 0 &&
	     exists2(st, ST_PRIV_ATT, "SELECT 1 FROM s_private_att WHERE id = ?1", c->attach_id, 0))) {
		st->history.withheld++;
		return 0;
	}
	if (!bz_stage_has_bug(st, c->bug_id)) {
		st->history.read--;
		char id[32];
		snprintf(id, sizeof id, "%ld", c->bug_id);
		bz_stage_skip(st, st->source, 0, "history", id, "its bug is not in the archive");
		return 0;
	}
	struct buf rem = BUF_INIT, add = BUF_INIT;
	if (people_field(field)) {
		people_value(st, c->removed, &rem);
		people_value(st, c->added, &add);
	} else {
		struct buf t = BUF_INIT;
		clean_text(c->removed ? c->removed : "", c->removed ? strlen(c->removed) : 0, &t);
		archive_hide_emails(t.data, t.len, &rem);
		buf_reset(&t);
		clean_text(c->added ? c->added : "", c->added ? strlen(c->added) : 0, &t);
		archive_hide_emails(t.data, t.len, &add);
		buf_release(&t);
	}
	sqlite3_stmt *s = prep(st, ST_CHANGE, "INSERT INTO s_history VALUES (?1,?2,?3,?4,?5,?6,?7)");
	if (s) {
		sqlite3_bind_int64(s, 1, c->bug_id);
		bind_text(s, 2, c->author);
		bind_text(s, 3, c->time);
		bind_text(s, 4, field);
		sqlite3_bind_text(s, 5, rem.data, (int)rem.len, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 6, add.data, (int)add.len, SQLITE_TRANSIENT);
		if (c->attach_id > 0)
			sqlite3_bind_int64(s, 7, c->attach_id);
	}
	buf_release(&rem);
	buf_release(&add);
	return done(st, s);
}
