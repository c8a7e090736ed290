/* decode: what the readers share to read Bugzilla's values: ids, times (local or with
 * an offset, to UTC), displayed comment text back to its type and the user's part,
 * and incremental base64. */
#include "import/bugzilla/stage.h"
#include "base/buf.h"
#include "base/date.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* d in UTC, "YYYY-MM-DDTHH:MM:SSZ", as the archive stores times; -1 when why is set. */
static int put_utc(const char *why, const struct date *d, struct buf *out)
{
	if (why)
		return -1;
	struct date utc = date_utc(d->t);
	char s[DATE_RFC3339_SIZE];
	date_rfc3339(&utc, s);
	buf_puts(out, s);
	return 0;
}

int bz_time_local(const char *s, const char *tz, struct buf *out)
{
	struct date d;
	return s ? put_utc(date_parse_in_zone(s, tz, &d), &d, out) : -1;
}

int bz_time_offset(const char *s, struct buf *out)
{
	struct date d;
	return s ? put_utc(date_parse_stamp(s, &d), &d, out) : -1;
}

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
