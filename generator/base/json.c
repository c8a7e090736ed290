/* json: JSON string quoting via SQLite's JSON1 extension (see json.h). */
#include "base/json.h"
#include "base/buf.h"
#include "base/utf8.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct json {
	sqlite3 *db;
	sqlite3_stmt *quote;
	bool script_safe;
};

struct json *json_new(bool script_safe)
{
	/* json_quote leaves < > & as they are; in its output they can only be characters of
	 * the string (its escapes are \" \\ \n \uXXXX...), so replacing them is safe. */
	static const char plain[] = "SELECT json_quote(?1)";
	static const char script[] = "SELECT replace(replace(replace(replace(replace(json_quote(?1),"
	                             " '<', '\\u003c'), '>', '\\u003e'), '&', '\\u0026'),"
	                             " char(8232), '\\u2028'), char(8233), '\\u2029')";
	struct json *j = xcalloc(1, sizeof *j);
	j->script_safe = script_safe;
	if (sqlite3_open_v2(":memory:", &j->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(j->db, script_safe ? script : plain, -1, &j->quote, NULL) != SQLITE_OK) {
		fputs("nfsite: cannot set up SQLite's JSON functions, aborting\n", stderr);
		abort();
	}
	return j;
}

void json_free(struct json *j)
{
	if (!j)
		return;
	sqlite3_finalize(j->quote);
	sqlite3_close(j->db);
	free(j);
}

/* True when json_quote would only add the quotes: printable ASCII without " and \ (nor
 * < > & in script-safe mode). Most strings (URLs, kinds, plain titles) are, and skip the
 * SQLite statement, the dearest part of a search index entry. */
static bool plain(const struct json *j, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c > 0x7E || c == '"' || c == '\\' ||
		    (j->script_safe && (c == '<' || c == '>' || c == '&')))
			return false;
	}
	return true;
}

void json_string(struct json *j, struct buf *out, const char *s, size_t len)
{
	if (plain(j, s, len)) {
		buf_putc(out, '"');
		buf_add(out, s, len);
		buf_putc(out, '"');
		return;
	}
	struct buf clean = BUF_INIT;
	if (!utf8_valid(s, len, false, NULL)) {
		utf8_sanitize(s, len, &clean);
		s = clean.data;
		len = clean.len;
	}
	sqlite3_bind_text(j->quote, 1, s, (int)len, SQLITE_STATIC);
	if (sqlite3_step(j->quote) == SQLITE_ROW)
		buf_add(out, (const char *)sqlite3_column_text(j->quote, 0), (size_t)sqlite3_column_bytes(j->quote, 0));
	else
		buf_puts(out, "\"\"");
	sqlite3_reset(j->quote);
	sqlite3_clear_bindings(j->quote);
	buf_release(&clean);
}

void json_cstring(struct json *j, struct buf *out, const char *s)
{
	json_string(j, out, s ? s : "", s ? strlen(s) : 0);
}
