/* archive: what the importer and the build share about the bug archive: its schema and
 * how e-mail addresses are hidden. Rendering the archive is the build's
 * (site/bugpages.c, site/bugurls.c). */
#include "archive/archive.h"
#include "base/buf.h"

#include <ctype.h>
#include <stdbool.h>

const char archive_schema_sql[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
	"CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
	"CREATE TABLE bugs(id INTEGER PRIMARY KEY, alias TEXT, summary TEXT, classification TEXT,"
	" product TEXT, component TEXT, version TEXT, platform TEXT, op_sys TEXT, status TEXT,"
	" resolution TEXT, severity TEXT, priority TEXT, milestone TEXT, whiteboard TEXT, url TEXT,"
	" keywords TEXT, reporter INTEGER, assignee INTEGER, qa_contact INTEGER, created TEXT,"
	" changed TEXT, cc_count INTEGER, dup_of INTEGER);"
	"CREATE TABLE dependencies(blocked INTEGER, dependson INTEGER,"
	" PRIMARY KEY(blocked, dependson)) WITHOUT ROWID;"
	"CREATE TABLE see_also(bug_id INTEGER, url TEXT, PRIMARY KEY(bug_id, url)) WITHOUT ROWID;"
	"CREATE TABLE comments(bug_id INTEGER, number INTEGER, author INTEGER, time TEXT,"
	" type INTEGER, extra TEXT, text TEXT, PRIMARY KEY(bug_id, number)) WITHOUT ROWID;"
	"CREATE TABLE attachments(id INTEGER PRIMARY KEY, bug_id INTEGER, filename TEXT,"
	" description TEXT, mime TEXT, is_patch INTEGER, is_obsolete INTEGER, creator INTEGER,"
	" created TEXT, modified TEXT, size INTEGER, data BLOB, missing TEXT);"
	"CREATE TABLE history(bug_id INTEGER, seq INTEGER, author INTEGER, time TEXT, field TEXT,"
	" removed TEXT, added TEXT, attach_id INTEGER, PRIMARY KEY(bug_id, seq)) WITHOUT ROWID;"
	"CREATE INDEX bugs_dup_of ON bugs(dup_of);"
	"CREATE INDEX dependencies_dependson ON dependencies(dependson, blocked);"
	"CREATE INDEX attachments_bug ON attachments(bug_id, id);";

static bool local_char(unsigned char c)
{
	return isalnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static bool domain_char(unsigned char c)
{
	return isalnum(c) || c == '.' || c == '-';
}

void archive_hide_emails(const char *p, size_t n, struct buf *out)
{
	size_t done = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] != '@')
			continue;
		size_t s = i, e = i + 1;
		while (s > done && local_char((unsigned char)p[s - 1]))
			s--;
		bool dot = false;
		while (e < n && domain_char((unsigned char)p[e])) {
			dot |= p[e] == '.' && e + 1 < n && domain_char((unsigned char)p[e + 1]);
			e++;
		}
		while (e > i + 1 && (p[e - 1] == '.' || p[e - 1] == '-'))
			e--;
		if (s == i || !dot)
			continue;
		buf_add(out, p + done, i + 1 - done);
		buf_puts(out, "\xE2\x80\xA6"); /* … */
		done = e;
		i = e - 1;
	}
	buf_add(out, p + done, n - done);
}
