/* import_bugzilla: `nfsite import bugzilla`, the staging area the three readers feed,
 * and the canonical writer of the archive database.
 *
 *   reader (DB | XML | REST) ──bz_stage_*──► stage (temp SQLite) ──finish──► FILE.tmp ─rename─► FILE
 *                                   │
 *                                   └─ privacy: restricted bugs, private comments,
 *                                      private attachments and their history rows are
 *                                      counted as withheld and never stored
 *
 * The stage keeps people under a source key; finish() numbers them by first appearance
 * and writes every table sorted, so equal input gives equal rows (and equal bytes). */
#include "import/bugzilla/import.h"
#include "archive/archive.h"
#include "base/buf.h"
#include "import/bugzilla/db.h"
#include "import/bugzilla/rest.h"
#include "import/bugzilla/xml.h"
#include "cmd/cmd.h"
#include "base/db.h"
#include "base/fs.h"
#include "base/log.h"
#include "base/utf8.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct counts {
	size_t read, written, withheld, skipped;
};

enum { ST_PERSON, ST_LOGIN, ST_HAS_BUG, ST_WITHHELD, ST_PRIV_ATT, ST_BUG, ST_HAS_COMMENT,
       ST_COMMENT, ST_HAS_ATT, ST_ATT, ST_CHANGE, ST_DEP, ST_SEE, ST_ADD_WITHHELD,
       ST_ADD_PRIV_ATT, ST_COUNT };

struct bz_stage {
	sqlite3 *db;
	sqlite3_stmt *stmt[ST_COUNT];
	const char *source;
	struct bz_opts opts;
	struct counts bugs, comments, attachments, history;
	size_t placeholders, cleaned;
	struct buf skips, holders; /* JSON array members */
	size_t nskips;
	bool has_history;
};

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

/* ---- small helpers ---------------------------------------------------------------- */

bool bz_parse_id(const char *s, long *out)
{
	if (!s)
		return false;
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	char *end;
	long v = strtol(s, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (*end || errno || v <= 0)
		return false;
	*out = v;
	return true;
}

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

static void json_str(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c < 0x20)
			buf_printf(b, "\\u%04x", c);
		else
			buf_putc(b, c);
	}
	buf_putc(b, '"');
}

/* ---- time ------------------------------------------------------------------------- */

static void put_utc(time_t t, struct buf *out)
{
	struct tm tm;
	char s[32];
	gmtime_r(&t, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	buf_puts(out, s);
}

static bool parse_fields(const char *s, struct tm *tm, const char **rest)
{
	int n = 0;
	memset(tm, 0, sizeof *tm);
	if (sscanf(s, "%4d-%2d-%2d%*1[ T]%2d:%2d:%2d%n", &tm->tm_year, &tm->tm_mon, &tm->tm_mday,
		   &tm->tm_hour, &tm->tm_min, &tm->tm_sec, &n) != 6 || n == 0)
		return false;
	if (tm->tm_mon < 1 || tm->tm_mon > 12 || tm->tm_mday < 1 || tm->tm_mday > 31 ||
	    tm->tm_hour > 23 || tm->tm_min > 59 || tm->tm_sec > 60)
		return false;
	tm->tm_year -= 1900;
	tm->tm_mon -= 1;
	*rest = s + n;
	return true;
}

int bz_time_local(const char *s, const char *tz, struct buf *out)
{
	static char *cur_tz;
	struct tm tm;
	const char *rest;
	if (!s || !parse_fields(s, &tm, &rest) || *rest)
		return -1;
	if (!cur_tz || strcmp(cur_tz, tz)) {
		free(cur_tz);
		cur_tz = xstrdup(tz);
		setenv("TZ", tz, 1);
		tzset();
	}
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		return -1;
	put_utc(t, out);
	return 0;
}

int bz_time_offset(const char *s, struct buf *out)
{
	struct tm tm;
	const char *rest;
	if (!s || !parse_fields(s, &tm, &rest))
		return -1;
	long off = 0;
	while (*rest == ' ')
		rest++;
	if (*rest == 'Z' && !rest[1]) {
		off = 0;
	} else if ((*rest == '+' || *rest == '-') && strlen(rest) == 5) {
		for (int i = 1; i < 5; i++)
			if (!isdigit((unsigned char)rest[i]))
				return -1;
		int hh = (rest[1] - '0') * 10 + rest[2] - '0';
		int mm = (rest[3] - '0') * 10 + rest[4] - '0';
		off = (hh * 60L + mm) * 60L * (*rest == '-' ? -1 : 1);
	} else if (*rest) {
		return -1;
	}
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	put_utc(t - off, out);
	return 0;
}

/* ---- comment types ---------------------------------------------------------------- */

static bool starts(const char *p, size_t len, const char *pre)
{
	size_t n = strlen(pre);
	return len >= n && !memcmp(p, pre, n);
}

void bz_comment_unrender(const char *text, size_t len, long attach_id, int *type,
			 struct buf *extra, struct buf *body)
{
	static const char dupe_of[] = "*** This bug has been marked as a duplicate of bug ";
	static const char has_dupe[] = "*** Bug ";
	static const char has_dupe_end[] = " has been marked as a duplicate of this bug. ***";
	char pre[64];
	*type = 0;
	if (attach_id > 0) {
		static const char *const heads[] = {"Created attachment ", "Comment on attachment "};
		for (int k = 0; k < 2; k++) {
			snprintf(pre, sizeof pre, "%s%ld", heads[k], attach_id);
			size_t n = strlen(pre);
			if (!starts(text, len, pre) || (len > n && text[n] != '\n'))
				continue;
			*type = k ? 6 : 5;
			buf_printf(extra, "%ld", attach_id);
			/* skip the description line, then the blank line before the body */
			const char *p = len > n ? text + n + 1 : text + len;
			const char *end = text + len;
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			if (nl) {
				p = nl + 1;
				if (p < end && *p == '\n')
					p++;
				buf_add(body, p, (size_t)(end - p));
			}
			return;
		}
	}
	/* type 1: "<body>\n\n*** This bug has been marked as a duplicate of bug N ***" */
	if (len > 4 && !memcmp(text + len - 4, " ***", 4)) {
		size_t dl = strlen(dupe_of);
		size_t j = len - 4;
		while (j > 0 && isdigit((unsigned char)text[j - 1]))
			j--;
		if (j < len - 4 && j >= dl && !memcmp(text + j - dl, dupe_of, dl)) {
			size_t start = j - dl;
			if (start == 0 || (start >= 2 && text[start - 1] == '\n' && text[start - 2] == '\n')) {
				*type = 1;
				buf_add(extra, text + j, len - 4 - j);
				buf_add(body, text, start >= 2 ? start - 2 : 0);
				return;
			}
		}
	}
	/* type 2: "*** Bug N has been marked as a duplicate of this bug. ***" [\n\n body] */
	if (starts(text, len, has_dupe)) {
		size_t j = strlen(has_dupe), d = j;
		while (j < len && isdigit((unsigned char)text[j]))
			j++;
		size_t el = strlen(has_dupe_end);
		if (j > d && len - j >= el && !memcmp(text + j, has_dupe_end, el) &&
		    (len == j + el || (len >= j + el + 2 && text[j + el] == '\n' && text[j + el + 1] == '\n'))) {
			*type = 2;
			buf_add(extra, text + d, j - d);
			if (len > j + el)
				buf_add(body, text + j + el + 2, len - j - el - 2);
			return;
		}
	}
	buf_add(body, text, len);
}

/* ---- base64 ----------------------------------------------------------------------- */

size_t bz_b64_feed(struct bz_b64 *d, const char *p, size_t len, struct buf *out)
{
	char chunk[4096];
	size_t n = 0, total = 0;
	for (size_t i = 0; i < len && !d->bad; i++) {
		unsigned char c = (unsigned char)p[i];
		int v;
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		if (c == '=') {
			if (++d->pad > 2)
				d->bad = true;
			continue;
		}
		if (d->pad) {
			d->bad = true;
			break;
		}
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '+')
			v = 62;
		else if (c == '/')
			v = 63;
		else {
			d->bad = true;
			break;
		}
		d->acc = ((d->acc << 6) | (unsigned)v) & 0xFFFFFF;
		d->bits += 6;
		if (d->bits >= 8) {
			d->bits -= 8;
			if (out) {
				chunk[n++] = (char)((d->acc >> d->bits) & 0xFF);
				if (n == sizeof chunk) {
					buf_add(out, chunk, n);
					n = 0;
				}
			}
			total++;
		}
	}
	if (out && n)
		buf_add(out, chunk, n);
	return total;
}

bool bz_b64_ok(const struct bz_b64 *d)
{
	return !d->bad && d->bits != 6;
}

/* A cached prepared statement, reset and unbound; NULL after reporting. */
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

/* ---- people ----------------------------------------------------------------------- */

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

/* ---- stage ------------------------------------------------------------------------ */

struct bz_stage *bz_stage_new(const char *source, const struct bz_opts *opts)
{
	struct bz_stage *st = xcalloc(1, sizeof *st);
	st->source = source;
	st->opts = *opts;
	buf_init(&st->skips);
	buf_init(&st->holders);
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
		json_str(&st->skips, kind);
		buf_puts(&st->skips, ", \"id\": ");
		json_str(&st->skips, id ? id : "");
		buf_puts(&st->skips, ", \"reason\": ");
		json_str(&st->skips, reason);
		buf_putc(&st->skips, '}');
	}
	st->nskips++;
	warn_at(src, line, "%s %s skipped: %s", kind, id ? id : "?", reason);
}

void bz_stage_skip(struct bz_stage *st, const char *src, int line, const char *kind,
		   const char *id, const char *reason)
{
	struct counts *c = !strcmp(kind, "bug") ? &st->bugs
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
			json_str(&st->holders, a->id);
			buf_puts(&st->holders, ", \"reason\": ");
			json_str(&st->holders, a->missing);
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

/* ---- finish: the canonical archive ----------------------------------------------- */

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

static int finish(struct bz_stage *st, const char *out_path)
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

/* Whether db carries the archive's application_id, or is an archive written before
 * archives carried one (meta.schema_version and people: a Bugzilla has profiles). */
static bool is_archive(sqlite3 *db)
{
	sqlite3_stmt *s = NULL;
	int id = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA application_id", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (id == ARCHIVE_APPLICATION_ID)
		return true;
	if (id != 0 || !db_has_table(db, "people", false) || !db_has_table(db, "meta", false))
		return false;
	bool ok = sqlite3_prepare_v2(db, "SELECT 1 FROM meta WHERE key = 'schema_version'", -1, &s,
				     NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return ok;
}

/* An existing --out is replaced only when it is an archive this tool wrote (or empty):
 * anything else, a Bugzilla database first of all, is refused. */
static int check_out(const char *out)
{
	struct stat sb;
	if (stat(out, &sb) < 0)
		return errno == ENOENT ? 0 : error_at(out, 0, "cannot read: %s", strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return error_at(out, 0, "--out must name the archive file; this is %s, not a regular file",
				fs_kind(sb.st_mode));
	if (sb.st_size == 0)
		return 0;
	sqlite3 *db = NULL;
	int rc = -1;
	if (db_open_readonly(out, false, "archive", &db) < 0)
		goto out;
	if (!db_readable(db) || !is_archive(db)) {
		error_at(out, 0, "exists and is not a bug archive written by nfsite: refusing to replace it"
			 " (remove it or choose another --out)");
		goto out;
	}
	rc = 0;
out:
	sqlite3_close(db);
	return rc;
}

/* The input's files: the XML export, or the database with its SQLite side files (a
 * -wal written over loses the input's last transactions). NULL or the suffix hit. */
static const char *input_hit(const char *path, const char *db, const char *xml)
{
	return db ? db_overlap(path, db) : xml && fs_overlap(path, xml) ? "" : NULL;
}

/* No output may land on an input (the same file after realpath, or a hard link). */
static int check_paths(const char *db, const char *xml, const char *out, const char *report)
{
	const char *src = db ? db : xml, *hit;
	if ((hit = input_hit(out, db, xml)))
		return error_at(out, 0, "--out is the input %s%s: refusing to write over the source", src, hit);
	if (report && (hit = input_hit(report, db, xml)))
		return error_at(report, 0, "--report is the input %s%s: refusing to write over the source", src, hit);
	if (report && fs_overlap(report, out))
		return error_at(report, 0, "--report is the archive --out: give two different files");
	return 0;
}

/* ---- report ----------------------------------------------------------------------- */

static void report_counts(struct buf *b, const char *name, const struct counts *c, bool last)
{
	buf_printf(b, "  \"%s\": {\"read\": %zu, \"written\": %zu, \"withheld\": %zu, \"skipped\": %zu}%s\n",
		   name, c->read, c->written, c->withheld, c->skipped, last ? "" : ",");
}

static bool sums_hold(const struct counts *c)
{
	return c->read == c->written + c->withheld + c->skipped;
}

static int write_report(struct bz_stage *st, const char *path, const char *out_path)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "{\n  \"source\": ");
	json_str(&b, st->source);
	buf_puts(&b, ",\n  \"archive\": ");
	json_str(&b, out_path);
	buf_puts(&b, ",\n");
	report_counts(&b, "bugs", &st->bugs, false);
	report_counts(&b, "comments", &st->comments, false);
	report_counts(&b, "attachments", &st->attachments, false);
	report_counts(&b, "history", &st->history, false);
	buf_printf(&b, "  \"attachment_placeholders\": %zu,\n  \"texts_repaired\": %zu,\n"
		   "  \"has_history\": %s,\n  \"skipped\": [%s\n  ],\n  \"placeholders\": [%s\n  ]\n}\n",
		   st->placeholders, st->cleaned, st->has_history ? "true" : "false", st->skips.data,
		   st->holders.data);
	int rc = fs_write_atomic(path, b.data, b.len);
	buf_release(&b);
	return rc;
}

/* ---- command ---------------------------------------------------------------------- */

static int usage(void)
{
	fputs("usage: nfsite import bugzilla (--db FILE | --xml FILE | --rest URL)\n"
	      "         [--out FILE] [--report FILE] [--timezone TZ] [--max-attachment BYTES]\n"
	      "         [--ids LIST] [--api-key KEY] [--retries N] [--retry-wait MS] [--allow-empty]\n"
	      "         [--quiet]\n"
	      "  --out             archive database (default data/bugzilla.sqlite); an existing file\n"
	      "                    is replaced only when it is an archive nfsite wrote\n"
	      "  --allow-empty     write the archive even when the source holds no bug\n"
	      "  --timezone        zone of the database's times (default America/New_York)\n"
	      "  --max-attachment  larger attachments are stored as placeholders (default 10M)\n"
	      "  --ids             REST: bug ids (1-25,30); default: page through all bugs\n",
	      stderr);
	return EXIT_USAGE;
}

static bool parse_size(const char *s, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s || errno || *s == '-')
		return false;
	unsigned long long mul = 1;
	if (*end == 'k' || *end == 'K')
		mul = 1024, end++;
	else if (*end == 'm' || *end == 'M')
		mul = 1024 * 1024, end++;
	else if (*end == 'g' || *end == 'G')
		mul = 1024ULL * 1024 * 1024, end++;
	if (*end || v > SIZE_MAX / mul)
		return false;
	*out = (size_t)(v * mul);
	return true;
}

static bool valid_tz(const char *tz)
{
	if (!*tz || tz[0] == '/' || strstr(tz, ".."))
		return false;
	for (const char *p = tz; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_+-/", *p))
			return false;
	if (!strcmp(tz, "UTC"))
		return true;
	char path[512];
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz);
	return fs_exists(path);
}

int import_bugzilla_main(int argc, char **argv)
{
	const char *db = NULL, *xml = NULL, *rest = NULL, *out = "data/bugzilla.sqlite";
	const char *report = NULL;
	bool allow_empty = false;
	struct bz_opts opts = {
		.timezone = "America/New_York",
		.max_attachment = 10 * 1024 * 1024,
		.api_key = getenv("BUGZILLA_API_KEY"),
		.retry_wait_ms = 1000,
		.retries = 5,
	};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			log_quiet = true;
			continue;
		}
		if (!strcmp(a, "--allow-empty")) {
			allow_empty = true;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return usage(), 0;
		if (!v || strncmp(a, "--", 2)) {
			fprintf(stderr, "nfsite import bugzilla: %s '%s'\n",
				strncmp(a, "--", 2) ? "unexpected argument" : "missing value for", a);
			return usage();
		}
		i++;
		if (!strcmp(a, "--db"))
			db = v;
		else if (!strcmp(a, "--xml"))
			xml = v;
		else if (!strcmp(a, "--rest"))
			rest = v;
		else if (!strcmp(a, "--out"))
			out = v;
		else if (!strcmp(a, "--report"))
			report = v;
		else if (!strcmp(a, "--timezone"))
			opts.timezone = v;
		else if (!strcmp(a, "--ids"))
			opts.ids = v;
		else if (!strcmp(a, "--api-key"))
			opts.api_key = v;
		else if (!strcmp(a, "--max-attachment")) {
			if (!parse_size(v, &opts.max_attachment)) {
				fprintf(stderr, "nfsite import bugzilla: bad size '%s'\n", v);
				return usage();
			}
		} else if (!strcmp(a, "--retries") || !strcmp(a, "--retry-wait")) {
			char *end;
			long n = strtol(v, &end, 10);
			if (*end || n < 0 || n > 100000) {
				fprintf(stderr, "nfsite import bugzilla: bad number '%s'\n", v);
				return usage();
			}
			if (a[8] == 's')
				opts.retries = (int)n;
			else
				opts.retry_wait_ms = n;
		} else {
			fprintf(stderr, "nfsite import bugzilla: unknown option '%s'\n", a);
			return usage();
		}
	}
	if ((db != NULL) + (xml != NULL) + (rest != NULL) != 1) {
		fputs("nfsite import bugzilla: give exactly one of --db, --xml, --rest\n", stderr);
		return usage();
	}
	if (!valid_tz(opts.timezone)) {
		fprintf(stderr, "nfsite import bugzilla: unknown time zone '%s'\n", opts.timezone);
		return EXIT_USAGE;
	}
	const char *src = db ? db : xml ? xml : rest;
	if (check_paths(db, xml, out, report) < 0 || check_out(out) < 0) {
		fprintf(stderr, "nfsite import bugzilla: failed; %s left as it was\n", out);
		return EXIT_CONTENT;
	}
	struct bz_stage *st = bz_stage_new(src, &opts);
	if (!st)
		return EXIT_CONTENT;
	struct timespec t0, t1, t2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = db ? bugzilla_db_read(st, db) : xml ? bugzilla_xml_read(st, xml) : bugzilla_rest_read(st, rest);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* an export of the wrong kind or a filter that matched nothing must not empty the archive */
	if (rc == 0 && st->bugs.read == 0 && !allow_empty)
		rc = error_at(src, 0, "no bug read: the archive would be empty (--allow-empty writes it anyway)");
	if (rc == 0)
		rc = finish(st, out);
	clock_gettime(CLOCK_MONOTONIC, &t2);
	if (rc == 0 && !(sums_hold(&st->bugs) && sums_hold(&st->comments) &&
			 sums_hold(&st->attachments) && sums_hold(&st->history)))
		rc = error_at(out, 0, "internal error: counts do not add up");
	if (rc == 0 && report)
		rc = write_report(st, report, out);
	if (rc == 0) {
		info("%s: bugs %zu read, %zu written, %zu withheld, %zu skipped", out, st->bugs.read,
		     st->bugs.written, st->bugs.withheld, st->bugs.skipped);
		info("  comments %zu read, %zu written, %zu withheld, %zu skipped", st->comments.read,
		     st->comments.written, st->comments.withheld, st->comments.skipped);
		info("  attachments %zu read, %zu written (%zu placeholders), %zu withheld, %zu skipped",
		     st->attachments.read, st->attachments.written, st->placeholders,
		     st->attachments.withheld, st->attachments.skipped);
		info("  history %zu read, %zu written, %zu withheld, %zu skipped", st->history.read,
		     st->history.written, st->history.withheld, st->history.skipped);
		info("  read in %.2f s, archive written in %.2f s",
		     (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
		     (double)(t2.tv_sec - t1.tv_sec) + (t2.tv_nsec - t1.tv_nsec) / 1e9);
	} else {
		fprintf(stderr, "nfsite import bugzilla: failed; %s left as it was\n", out);
	}
	bz_stage_free(st);
	return rc == 0 ? 0 : EXIT_CONTENT;
}
