/* utf8: validation and repair of UTF-8 text. */
#include "utf8.h"
#include "buf.h"

size_t utf8_seq_len(const unsigned char *p, size_t avail)
{
	unsigned c = p[0];
	size_t n;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	unsigned cp = c & (0x7F >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

bool utf8_valid(const char *p, size_t len, int *bad_line)
{
	const unsigned char *s = (const unsigned char *)p;
	int line = 1;
	for (size_t i = 0; i < len;) {
		size_t n = s[i] ? utf8_seq_len(s + i, len - i) : 0;
		if (!n) {
			if (bad_line)
				*bad_line = line;
			return false;
		}
		if (s[i] == '\n')
			line++;
		i += n;
	}
	return true;
}

void utf8_sanitize(const char *p, size_t len, struct buf *out)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t start = 0, i = 0;
	while (i < len) {
		size_t n = s[i] ? utf8_seq_len(s + i, len - i) : 0;
		if (n) {
			i += n;
			continue;
		}
		buf_add(out, p + start, i - start);
		if (s[i])
			buf_puts(out, "\xEF\xBF\xBD");
		i++;
		start = i;
	}
	buf_add(out, p + start, len - start);
}
