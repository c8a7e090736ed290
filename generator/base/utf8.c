/* utf8: see utf8.h. */
#include "base/utf8.h"
#include "base/buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

size_t utf8_decode(const char *p, size_t len, int32_t *cp)
{
	if (!len)
		return 0;
	if (!(p[0] & 0x80)) { /* ASCII: no library call */
		*cp = p[0];
		return 1;
	}
	utf8proc_int32_t c;
	utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)p,
	                                      len > 4 ? 4 : (utf8proc_ssize_t)len, &c);
	if (n <= 0)
		return 0;
	*cp = c;
	return (size_t)n;
}

size_t utf8_seq_len(const unsigned char *p, size_t avail)
{
	int32_t cp;
	return utf8_decode((const char *)p, avail, &cp);
}

void utf8_encode(int32_t cp, struct buf *out)
{
	utf8proc_uint8_t s[4];
	if (!utf8proc_codepoint_valid(cp))
		cp = 0xFFFD;
	buf_add(out, (const char *)s, (size_t)utf8proc_encode_char(cp, s));
}

/* Eight ASCII bytes at a time: no high bit and no zero byte in the word. */
static bool plain_ascii_word(const unsigned char *s)
{
	uint64_t w;
	memcpy(&w, s, 8);
	const uint64_t lo = 0x0101010101010101ull, hi = 0x8080808080808080ull;
	return !(w & hi) && !((w - lo) & ~w & hi);
}

bool utf8_valid(const char *p, size_t len, bool nul_ok, int *bad_line)
{
	const unsigned char *s = (const unsigned char *)p;
	for (size_t i = 0; i < len;) {
		if (len - i >= 8 && plain_ascii_word(s + i)) {
			i += 8;
			continue;
		}
		size_t n = s[i] || nul_ok ? utf8_seq_len(s + i, len - i) : 0;
		if (!n) {
			if (bad_line) {
				int line = 1;
				for (size_t k = 0; k < i; k++)
					line += s[k] == '\n';
				*bad_line = line;
			}
			return false;
		}
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

void utf8_fold(const char *p, size_t len, struct buf *out)
{
	size_t i = 0;
	while (i < len && !(p[i] & 0x80))
		i++;
	if (i == len) { /* ASCII (nearly every name): fold by hand, no allocation */
		for (i = 0; i < len; i++)
			buf_putc(out, p[i] >= 'A' && p[i] <= 'Z' ? p[i] - 'A' + 'a' : p[i]);
		return;
	}
	utf8proc_uint8_t *f = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)p, (utf8proc_ssize_t)len, &f,
	                                  UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
	if (n >= 0)
		buf_add(out, (const char *)f, (size_t)n);
	else
		buf_add(out, p, len);
	free(f);
}

void utf8_case(const char *p, size_t len, bool upper, struct buf *out)
{
	for (size_t i = 0; i < len;) {
		int32_t cp;
		size_t k = utf8_decode(p + i, len - i, &cp);
		if (!k) {
			buf_putc(out, p[i++]);
			continue;
		}
		i += k;
		utf8proc_category_t cat = utf8proc_category(cp);
		if (upper && (cat == UTF8PROC_CATEGORY_LL || cat == UTF8PROC_CATEGORY_LT)) {
			/* a lower-case letter whose full mapping is several (ß, ligatures, Greek
			 * with iota) is its case folding upper-cased */
			utf8proc_int32_t f[8];
			int last = 0;
			utf8proc_ssize_t n = utf8proc_decompose_char(cp, f, 8, UTF8PROC_CASEFOLD, &last);
			if (n > 1 && n <= 8) {
				for (utf8proc_ssize_t j = 0; j < n; j++)
					utf8_encode(utf8proc_toupper(f[j]), out);
				continue;
			}
		}
		if (!upper && cp == 0x130) { /* the one unconditional multi-character lower case */
			buf_puts(out, "i\xcc\x87");
			continue;
		}
		utf8_encode(upper ? utf8proc_toupper(cp) : utf8proc_tolower(cp), out);
	}
}

static bool is_word_cp(int32_t cp)
{
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return true;
	default:
		return false;
	}
}

/* Ends the word in w (if any) through fn. */
static int flush_word(struct buf *w, int (*fn)(const char *, size_t, void *), void *arg)
{
	int rc = w->len ? fn(w->data, w->len, arg) : 0;
	buf_reset(w);
	return rc;
}

int utf8_words(const char *p, size_t len, int (*fn)(const char *word, size_t len, void *arg), void *arg)
{
	struct buf w = BUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < len && !rc;) {
		unsigned char c = (unsigned char)p[i];
		if (c < 0x80) { /* ASCII, nearly all text: no library call */
			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
				buf_putc(&w, c);
			else if (c >= 'A' && c <= 'Z')
				buf_putc(&w, c - 'A' + 'a');
			else
				rc = flush_word(&w, fn, arg);
			i++;
			continue;
		}
		int32_t cp;
		size_t k = utf8_decode(p + i, len - i, &cp);
		if (!k) {
			rc = flush_word(&w, fn, arg);
			i++;
			continue;
		}
		i += k;
		/* İ lower-cases to i and U+0307, a diacritic dropped below; final sigma is sigma
		 * (JavaScript lower-cases a word-final Σ to ς, utf8proc to σ) */
		cp = cp == 0x130 ? 'i' : cp == 0x3C2 ? 0x3C3 : utf8proc_tolower(cp);
		utf8proc_int32_t d[8];
		int last = 0;
		utf8proc_ssize_t n = utf8proc_decompose_char(cp, d, 8, UTF8PROC_DECOMPOSE, &last);
		if (n < 1 || n > 8) {
			d[0] = cp;
			n = 1;
		}
		for (utf8proc_ssize_t j = 0; j < n && !rc; j++) {
			if (d[j] >= 0x300 && d[j] <= 0x36F)
				continue;
			if (is_word_cp(d[j]))
				utf8_encode(d[j], &w);
			else
				rc = flush_word(&w, fn, arg);
		}
	}
	if (!rc)
		rc = flush_word(&w, fn, arg);
	buf_release(&w);
	return rc;
}
