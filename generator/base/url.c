/* url: see url.h. */
#include "base/url.h"
#include "base/buf.h"

#include <string.h>

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int url_hex_byte(const char *p)
{
	int hi = hex_digit((unsigned char)p[0]);
	int lo = hi < 0 ? -1 : hex_digit((unsigned char)p[1]);
	return lo < 0 ? -1 : hi * 16 + lo;
}

bool url_decode(const char *p, size_t n, struct buf *out, bool strict)
{
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)p[i];
		if (c == '%') {
			int byte = i + 2 < n ? url_hex_byte(p + i + 1) : -1;
			if (byte > 0) {
				c = byte;
				i += 2;
			} else if (strict) {
				return false;
			}
		}
		buf_putc(out, c);
	}
	return true;
}

void url_encode_title(struct buf *out, const char *s, size_t n, bool spaces_as_underscores)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' && spaces_as_underscores)
			c = '_';
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    (c && strchr("-_.~;@$!*(),/:", c))) {
			buf_putc(out, (char)c);
		} else {
			buf_putc(out, '%');
			buf_putc(out, hex[c >> 4]);
			buf_putc(out, hex[c & 15]);
		}
	}
}

bool url_normalise(struct buf *path, bool merge_slashes)
{
	/* out holds "/seg" for each kept segment, whatever the input's first byte. */
	struct buf out = BUF_INIT;
	const char *p = path->data, *end = path->data + path->len;
	bool abs = p < end && *p == '/', ok = true;
	if (abs)
		p++;
	for (bool last = false; !last && ok;) {
		const char *q = memchr(p, '/', (size_t)(end - p));
		if (!q)
			q = end;
		size_t n = (size_t)(q - p);
		last = q == end;
		if ((n == 1 && p[0] == '.') || (n == 0 && merge_slashes)) {
			if (last)
				buf_putc(&out, '/');
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = out.len ? memrchr(out.data, '/', out.len) : NULL;
			if (slash)
				buf_truncate(&out, (size_t)(slash - out.data));
			else
				ok = false;
			if (last)
				buf_putc(&out, '/');
		} else {
			buf_putc(&out, '/');
			buf_add(&out, p, n);
		}
		p = q + !last;
	}
	buf_reset(path);
	if (abs)
		buf_add(path, out.len ? out.data : "/", out.len ? out.len : 1);
	else if (out.len)
		buf_add(path, out.data + 1, out.len - 1);
	buf_release(&out);
	return ok;
}

void url_join(struct buf *out, const char *base, const char *ref, size_t n)
{
	buf_reset(out);
	if (n == 0) {
		buf_puts(out, base);
	} else if (ref[0] == '/') {
		buf_add(out, ref, n);
	} else {
		const char *slash = strrchr(base, '/');
		buf_add(out, base, slash ? (size_t)(slash - base) + 1 : 0);
		buf_add(out, ref, n);
	}
}
