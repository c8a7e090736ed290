/* rest: reads a Bugzilla through its REST API (5.0+) into the import stage.
 *
 *   GET /bug?id=1,2,…        (--ids, 100 ids a request)
 *   GET /bug?limit=N&offset=M&order=bug_id   (no --ids: pages until a short page)
 *   then for every public bug: /bug/N/comment, /bug/N/attachment, /bug/N/history
 *
 * libcurl does the HTTP (http and https only); 429 and 5xx responses and dropped
 * connections are retried with exponential back-off, honouring Retry-After. Every JSON
 * body is read with SQLite's json1 functions on an in-memory database: no hand parser.
 * REST names fields differently from the database (status vs bug_status); history field
 * names are mapped to the database's so that every source gives the same archive. */
#include "import/bugzilla/rest.h"
#include "base/buf.h"
#include "base/http.h"
#include "import/bugzilla/stage.h"
#include "base/log.h"
#include "base/version.h"

#include <curl/curl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BODY (512u * 1024 * 1024)

struct rest {
	struct bz_stage *st;
	const struct bz_opts *o;
	const char *base;
	CURL *curl;
	struct curl_slist *headers;
	bool has_key;
	sqlite3 *js;
	struct buf body;
	char errbuf[CURL_ERROR_SIZE];
};

/* GETs base + path into r->body. 0 on a 2xx answer, -1 after reporting. */
static int get(struct rest *r, const char *path)
{
	struct buf url = BUF_INIT;
	buf_puts(&url, r->base);
	while (url.len && url.data[url.len - 1] == '/')
		buf_truncate(&url, url.len - 1);
	buf_puts(&url, path);
	int rc = -1;
	long wait = r->o->retry_wait_ms > 0 ? r->o->retry_wait_ms : 1;
	for (int attempt = 0;; attempt++) {
		long status = 0;
		curl_off_t retry_after = 0;
		/* the key is for this origin only: no redirect may carry it elsewhere */
		CURLcode cc = http_get(r->curl, url.data, r->has_key, &r->body, MAX_BODY, &status,
				       r->errbuf);
		if (cc == CURLE_OK && status >= 200 && status < 300) {
			rc = 0;
			break;
		}
		if (cc == CURLE_OK)
			curl_easy_getinfo(r->curl, CURLINFO_RETRY_AFTER, &retry_after);
		if (!http_transient(cc, status) || attempt >= r->o->retries) {
			if (cc != CURLE_OK)
				error_at(url.data, 0, "request failed: %s", r->errbuf[0] ? r->errbuf : curl_easy_strerror(cc));
			else
				error_at(url.data, 0, "HTTP %ld%s%.200s", status, r->body.len ? ": " : "", r->body.data);
			break;
		}
		long ms = retry_after > 0 ? (long)(retry_after > 60 ? 60 : retry_after) * 1000 : wait;
		info("%s: %s, retrying in %ld ms", url.data, cc != CURLE_OK ? "connection failed" : "busy", ms);
		http_sleep_ms(ms);
		if (wait < 60000)
			wait *= 2;
	}
	buf_release(&url);
	return rc;
}

/* Prepares sql on the JSON database with ?1 bound to json (borrowed until the statement
 * is finalised). NULL after reporting. */
static sqlite3_stmt *query_on(struct rest *r, const char *sql, const char *json, size_t len)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(r->js, sql, -1, &s, NULL) != SQLITE_OK) {
		error_at(r->base, 0, "json: %s", sqlite3_errmsg(r->js));
		return NULL;
	}
	sqlite3_bind_text(s, 1, json, (int)len, SQLITE_STATIC);
	return s;
}

/* query_on over the last answer's body. */
static sqlite3_stmt *query(struct rest *r, const char *sql)
{
	return query_on(r, sql, r->body.data, r->body.len);
}

static const char *col(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

/* Fails on a body that is not JSON or that is Bugzilla's {"error": true, …}. */
static int check_body(struct rest *r, const char *what)
{
	sqlite3_stmt *s = query(r, "SELECT json_valid(?1), json_extract(?1, '$.error'),"
				   " json_extract(?1, '$.message')");
	if (!s)
		return -1;
	int rc = 0;
	if (sqlite3_step(s) != SQLITE_ROW || !sqlite3_column_int(s, 0))
		rc = error_at(what, 0, "the answer is not JSON");
	else if (sqlite3_column_int(s, 1))
		rc = error_at(what, 0, "Bugzilla error: %s", col(s, 2) ? col(s, 2) : "(no message)");
	sqlite3_finalize(s);
	return rc;
}

/* GETs /bug/<id>/<what> (path receives it, for messages), checks the answer and prepares
 * sql over it; when sub is not NULL, ?2 is bound to the JSON path $.bugs."<id>"<sub>.
 * NULL after reporting. */
static sqlite3_stmt *bug_query(struct rest *r, long id, const char *what, const char *sub,
			       const char *sql, char path[static 128])
{
	char jpath[64];
	snprintf(path, 128, "/bug/%ld/%s", id, what);
	if (get(r, path) < 0 || check_body(r, path) < 0)
		return NULL;
	sqlite3_stmt *s = query(r, sql);
	if (s && sub) {
		snprintf(jpath, sizeof jpath, "$.bugs.\"%ld\"%s", id, sub);
		sqlite3_bind_text(s, 2, jpath, -1, SQLITE_TRANSIENT);
	}
	return s;
}

/* Registers a person known only by login; nothing for NULL. */
static int stage_login(struct rest *r, const char *login)
{
	return login ? bz_stage_person(r->st, login, login, NULL) : 0;
}

static int utc(const char *s, struct buf *out)
{
	buf_reset(out);
	return s ? bz_time_offset(s, out) : -1;
}

/* Registers everyone named in a bug's *_detail objects (login, real name). */
static int bug_people(struct rest *r, const char *bug)
{
	sqlite3_stmt *s = query_on(r,
		"SELECT json_extract(v, '$.name'), json_extract(v, '$.real_name') FROM ("
		" SELECT json_extract(?1, '$.creator_detail') AS v"
		" UNION ALL SELECT json_extract(?1, '$.assigned_to_detail')"
		" UNION ALL SELECT json_extract(?1, '$.qa_contact_detail')"
		" UNION ALL SELECT value FROM json_each(?1, '$.cc_detail')) WHERE json_valid(v)",
		bug, strlen(bug));
	if (!s)
		return -1;
	int rc = 0;
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW)
		if (col(s, 0))
			rc = bz_stage_person(r->st, col(s, 0), col(s, 0), col(s, 1));
	sqlite3_finalize(s);
	return rc;
}

static int bug_links(struct rest *r, long id, const char *bug)
{
	sqlite3_stmt *s = query_on(r,
		"SELECT 'd', value FROM json_each(?1, '$.depends_on')"
		" UNION ALL SELECT 'b', value FROM json_each(?1, '$.blocks')"
		" UNION ALL SELECT 's', value FROM json_each(?1, '$.see_also')", bug, strlen(bug));
	if (!s)
		return -1;
	int rc = 0;
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
		char kind = col(s, 0)[0];
		long other = 0;
		if (kind == 's')
			rc = bz_stage_see_also(r->st, id, col(s, 1));
		else if (bz_parse_id(col(s, 1), &other))
			rc = kind == 'd' ? bz_stage_dependency(r->st, id, other) : bz_stage_dependency(r->st, other, id);
	}
	sqlite3_finalize(s);
	return rc;
}

/* Stages the bugs of one /bug answer; appends public ids to *ids. */
static int read_bug_list(struct rest *r, const char *what, long **ids, size_t *nids, size_t *returned)
{
	if (check_body(r, what) < 0)
		return -1;
	sqlite3_stmt *s = query(r,
		"SELECT json_extract(b.value, '$.id'), json_extract(b.value, '$.summary'),"
		" json_extract(b.value, '$.classification'), json_extract(b.value, '$.product'),"
		" json_extract(b.value, '$.component'), json_extract(b.value, '$.version'),"
		" json_extract(b.value, '$.platform'), json_extract(b.value, '$.op_sys'),"
		" json_extract(b.value, '$.status'), json_extract(b.value, '$.resolution'),"
		" json_extract(b.value, '$.severity'), json_extract(b.value, '$.priority'),"
		" json_extract(b.value, '$.target_milestone'), json_extract(b.value, '$.whiteboard'),"
		" json_extract(b.value, '$.url'),"
		" (SELECT group_concat(j.value, ', ') FROM json_each(b.value, '$.keywords') j),"
		" (SELECT group_concat(j.value, ', ') FROM json_each(b.value, '$.alias') j),"
		" json_extract(b.value, '$.creator'), json_extract(b.value, '$.assigned_to'),"
		" json_extract(b.value, '$.qa_contact'), json_extract(b.value, '$.creation_time'),"
		" json_extract(b.value, '$.last_change_time'), json_array_length(b.value, '$.cc'),"
		" json_extract(b.value, '$.dupe_of'), json_array_length(b.value, '$.groups'), b.value"
		" FROM json_each(?1, '$.bugs') AS b");
	if (!s)
		return -1;
	struct buf created = BUF_INIT, changed = BUF_INIT;
	int rc = 0;
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
		const char *value = col(s, 25);
		(*returned)++;
		if ((rc = bug_people(r, value)) < 0)
			break;
		long dup = 0;
		bz_parse_id(col(s, 23), &dup);
		struct bz_bug b = {
			.id = col(s, 0), .summary = col(s, 1), .classification = col(s, 2),
			.product = col(s, 3), .component = col(s, 4), .version = col(s, 5),
			.platform = col(s, 6), .op_sys = col(s, 7), .status = col(s, 8),
			.resolution = col(s, 9), .severity = col(s, 10), .priority = col(s, 11),
			.milestone = col(s, 12), .whiteboard = col(s, 13), .url = col(s, 14),
			.keywords = col(s, 15), .alias = col(s, 16), .reporter = col(s, 17),
			.assignee = col(s, 18), .qa_contact = col(s, 19),
			.created = utc(col(s, 20), &created) == 0 ? created.data : NULL,
			.changed = utc(col(s, 21), &changed) == 0 ? changed.data : NULL,
			.cc_count = (long)sqlite3_column_int64(s, 22), .dup_of = dup,
			.restricted = sqlite3_column_int64(s, 24) > 0,
		};
		/* people named only by login (no *_detail) still need a key */
		const char *logins[] = {b.reporter, b.assignee, b.qa_contact};
		for (int i = 0; i < 3 && rc == 0; i++)
			rc = stage_login(r, logins[i]);
		if (rc < 0 || (rc = bz_stage_bug(r->st, what, &b)) < 0)
			break;
		long id;
		if (bz_parse_id(b.id, &id) && bz_stage_has_bug(r->st, id)) {
			rc = bug_links(r, id, value);
			*ids = xrealloc(*ids, (*nids + 1) * sizeof **ids);
			(*ids)[(*nids)++] = id;
		}
	}
	sqlite3_finalize(s);
	buf_release(&created);
	buf_release(&changed);
	return rc;
}

static int read_comments(struct rest *r, long id)
{
	char path[128];
	sqlite3_stmt *s = bug_query(r, id, "comment", ".comments",
		"SELECT json_extract(value, '$.id'), coalesce(json_extract(value, '$.count'), key),"
		" json_extract(value, '$.creator'), coalesce(json_extract(value, '$.creation_time'),"
		" json_extract(value, '$.time')), json_extract(value, '$.text'),"
		" json_extract(value, '$.is_private'), json_extract(value, '$.attachment_id')"
		" FROM json_each(?1, ?2)", path);
	if (!s)
		return -1;
	struct buf when = BUF_INIT, extra = BUF_INIT, body = BUF_INIT;
	int rc = 0;
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
		const char *login = col(s, 2);
		if ((rc = stage_login(r, login)) < 0)
			break;
		int type;
		buf_reset(&extra);
		buf_reset(&body);
		const char *text = col(s, 4) ? col(s, 4) : "";
		bz_comment_unrender(text, (size_t)sqlite3_column_bytes(s, 4), (long)sqlite3_column_int64(s, 6),
				    &type, &extra, &body);
		struct bz_comment c = {
			.bug_id = id, .number = (long)sqlite3_column_int64(s, 1), .author = login,
			.time = utc(col(s, 3), &when) == 0 ? when.data : NULL, .type = type,
			.extra = extra.len ? extra.data : NULL, .text = body.data, .text_len = body.len,
			.is_private = sqlite3_column_int(s, 5) != 0,
		};
		rc = bz_stage_comment(r->st, path, &c);
	}
	sqlite3_finalize(s);
	buf_release(&when);
	buf_release(&extra);
	buf_release(&body);
	return rc;
}

static int read_attachments(struct rest *r, long id)
{
	char path[128];
	sqlite3_stmt *s = bug_query(r, id, "attachment", "",
		"SELECT json_extract(value, '$.id'), json_extract(value, '$.file_name'),"
		" json_extract(value, '$.summary'), json_extract(value, '$.content_type'),"
		" json_extract(value, '$.is_patch'), json_extract(value, '$.is_obsolete'),"
		" json_extract(value, '$.is_private'), json_extract(value, '$.creator'),"
		" json_extract(value, '$.creation_time'), json_extract(value, '$.last_change_time'),"
		" json_extract(value, '$.size'), json_extract(value, '$.data')"
		" FROM json_each(?1, ?2)", path);
	if (!s)
		return -1;
	size_t cap = r->o->max_attachment;
	struct buf created = BUF_INIT, modified = BUF_INIT, data = BUF_INIT, missing = BUF_INIT;
	int rc = 0;
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
		const char *login = col(s, 7);
		if ((rc = stage_login(r, login)) < 0)
			break;
		buf_reset(&data);
		buf_reset(&missing);
		struct bz_b64 dec = {0};
		size_t size = (size_t)sqlite3_column_int64(s, 10);
		const char *b64 = col(s, 11);
		const char *invalid = NULL;
		if (!b64) {
			buf_puts(&missing, "no data in the answer");
		} else {
			size_t n = (size_t)sqlite3_column_bytes(s, 11);
			size_t decoded = bz_b64_feed(&dec, b64, n, n / 4 * 3 <= cap + 3 ? &data : NULL);
			if (!bz_b64_ok(&dec))
				invalid = "invalid base64 data";
			size = decoded;
			if (decoded > cap) {
				buf_printf(&missing, "larger than %zu bytes (%zu bytes)", cap, decoded);
				buf_release(&data);
			}
		}
		struct bz_attachment a = {
			.id = col(s, 0), .bug_id = id, .filename = col(s, 1), .description = col(s, 2),
			.mime = col(s, 3), .is_patch = sqlite3_column_int(s, 4) != 0,
			.is_obsolete = sqlite3_column_int(s, 5) != 0,
			.is_private = sqlite3_column_int(s, 6) != 0, .creator = login,
			.created = utc(col(s, 8), &created) == 0 ? created.data : NULL,
			.modified = utc(col(s, 9), &modified) == 0 ? modified.data : NULL, .size = size,
			.data = data.data, .data_len = data.len, .missing = missing.len ? missing.data : NULL,
			.invalid = invalid,
		};
		rc = bz_stage_attachment(r->st, path, &a);
	}
	sqlite3_finalize(s);
	buf_release(&created);
	buf_release(&modified);
	buf_release(&data);
	buf_release(&missing);
	return rc;
}

/* REST field names → fielddefs names (Bugzilla::Bug's API mapping). */
static const char *db_field(const char *api)
{
	static const char *const map[][2] = {
		{"status", "bug_status"}, {"severity", "bug_severity"}, {"summary", "short_desc"},
		{"is_confirmed", "everconfirmed"}, {"depends_on", "dependson"}, {"blocks", "blocked"},
		{"groups", "bug_group"}, {"platform", "rep_platform"}, {"url", "bug_file_loc"},
		{"whiteboard", "status_whiteboard"}, {"dupe_of", "dup_id"},
		{"is_cc_accessible", "cclist_accessible"}, {"is_creator_accessible", "reporter_accessible"},
		{"creation_time", "creation_ts"}, {"last_change_time", "delta_ts"},
		{"attachments.is_obsolete", "attachments.isobsolete"},
		{"attachments.is_patch", "attachments.ispatch"},
		{"attachments.is_private", "attachments.isprivate"},
		{"attachments.file_name", "attachments.filename"},
		{"attachments.summary", "attachments.description"},
		{"attachments.content_type", "attachments.mimetype"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(api, map[i][0]))
			return map[i][1];
	return api;
}

static int read_history(struct rest *r, long id)
{
	char path[128];
	sqlite3_stmt *s = bug_query(r, id, "history", NULL,
		"SELECT json_extract(h.value, '$.when'), json_extract(h.value, '$.who'),"
		" json_extract(c.value, '$.field_name'), json_extract(c.value, '$.removed'),"
		" json_extract(c.value, '$.added'), json_extract(c.value, '$.attachment_id')"
		" FROM json_each(?1, '$.bugs[0].history') h, json_each(h.value, '$.changes') c", path);
	if (!s)
		return -1;
	struct buf when = BUF_INIT;
	int rc = 0;
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
		const char *login = col(s, 1);
		if ((rc = stage_login(r, login)) < 0)
			break;
		struct bz_change c = {
			.bug_id = id, .author = login, .time = utc(col(s, 0), &when) == 0 ? when.data : NULL,
			.field = db_field(col(s, 2) ? col(s, 2) : ""), .removed = col(s, 3),
			.added = col(s, 4), .attach_id = (long)sqlite3_column_int64(s, 5),
		};
		rc = bz_stage_change(r->st, &c);
	}
	sqlite3_finalize(s);
	buf_release(&when);
	return rc;
}

/* Parses "1-25,30" into ids; false on anything else. */
static bool parse_ids(const char *spec, long **ids, size_t *n)
{
	const char *p = spec;
	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b = a;
		if (end == p || a <= 0)
			return false;
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (end == p + 1 || b < a || b - a > 10000000)
				return false;
			p = end;
		}
		for (long i = a; i <= b; i++) {
			*ids = xrealloc(*ids, (*n + 1) * sizeof **ids);
			(*ids)[(*n)++] = i;
		}
		if (*p == ',')
			p++;
		else if (*p)
			return false;
	}
	return *n > 0;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

int bugzilla_rest_read(struct bz_stage *st, const char *base_url)
{
	struct rest r = {.st = st, .o = bz_stage_opts(st), .base = base_url};
	buf_init(&r.body);
	long *want = NULL, *ids = NULL;
	size_t nwant = 0, nids = 0;
	int rc = -1;
	struct buf path = BUF_INIT;
	if (strncmp(base_url, "http://", 7) && strncmp(base_url, "https://", 8))
		return error_at(base_url, 0, "the REST address must start with http:// or https://");
	if (r.o->ids && !parse_ids(r.o->ids, &want, &nwant)) {
		free(want);
		return error_at(base_url, 0, "bad --ids '%s' (expected e.g. 1-25,30)", r.o->ids);
	}
	if (sqlite3_open(":memory:", &r.js) != SQLITE_OK) {
		error_at(base_url, 0, "cannot open an in-memory database");
		goto out;
	}
	r.curl = curl_easy_init();
	if (!r.curl) {
		error_at(base_url, 0, "cannot initialise libcurl");
		goto out;
	}
	r.headers = curl_slist_append(r.headers, "Accept: application/json");
	if (r.o->api_key && *r.o->api_key) {
		char *h = xasprintf("X-BUGZILLA-API-KEY: %s", r.o->api_key);
		r.headers = curl_slist_append(r.headers, h);
		r.has_key = true;
		free(h);
	}
	curl_easy_setopt(r.curl, CURLOPT_HTTPHEADER, r.headers);
	http_setup(r.curl, "nfsite-import-bugzilla/" NFSITE_VERSION, 600000L);
	bz_stage_set_history(st, true);
	if (nwant) {
		for (size_t i = 0; i < nwant; i += 100) {
			size_t returned = 0;
			buf_reset(&path);
			buf_puts(&path, "/bug?id=");
			for (size_t j = i; j < nwant && j < i + 100; j++)
				buf_printf(&path, "%s%ld", j > i ? "," : "", want[j]);
			if (get(&r, path.data) < 0 || read_bug_list(&r, path.data, &ids, &nids, &returned) < 0)
				goto out;
		}
		/* Bugzilla leaves out, without a word, bugs the caller may not see */
		size_t absent = 0;
		for (size_t i = 0; i < nwant; i++)
			if (!bz_stage_has_bug(st, want[i]))
				absent++;
		if (absent)
			info("%s: %zu of %zu requested bugs are not in the archive (restricted, missing or"
			     " withheld)", base_url, absent, nwant);
	} else {
		long limit = 100;
		for (long offset = 0;; offset += limit) {
			size_t returned = 0;
			buf_reset(&path);
			buf_printf(&path, "/bug?limit=%ld&offset=%ld&order=bug_id", limit, offset);
			if (get(&r, path.data) < 0 || read_bug_list(&r, path.data, &ids, &nids, &returned) < 0)
				goto out;
			if ((long)returned < limit)
				break;
		}
	}
	qsort(ids, nids, sizeof *ids, cmp_long);
	for (size_t i = 0; i < nids; i++) {
		if (i && ids[i] == ids[i - 1])
			continue;
		if (read_comments(&r, ids[i]) < 0 || read_attachments(&r, ids[i]) < 0 ||
		    read_history(&r, ids[i]) < 0)
			goto out;
	}
	rc = 0;
out:
	if (r.curl)
		curl_easy_cleanup(r.curl);
	curl_slist_free_all(r.headers);
	sqlite3_close(r.js);
	buf_release(&r.body);
	buf_release(&path);
	free(want);
	free(ids);
	return rc;
}
