/* slug: see slug.h. */
#include "base/slug.h"
#include "base/buf.h"
#include "base/hash.h"
#include "base/utf8.h"

#include <ctype.h>
#include <locale.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <utf8proc.h>
#include <wctype.h>

/* Non-ASCII code points a heading id keeps: letters, marks and digits of every script.
 * Variation selectors are marks, but they only pick an emoji's look and are invisible in
 * an id. */
static bool heading_keeps(int32_t c)
{
	if ((c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF))
		return false;
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return true;
	default:
		return false;
	}
}

void slug_heading(const char *s, size_t len, struct buf *out)
{
	for (size_t i = 0; i < len;) {
		int32_t c;
		size_t n = utf8_decode(s + i, len - i, &c);
		if (!n) {
			i++;
			continue;
		}
		i += n;
		if (c >= 0x80) {
			if (heading_keeps(c))
				utf8_encode(utf8proc_tolower(c), out);
		} else if (isalnum(c) || c == '-' || c == '_') {
			buf_putc(out, tolower(c));
		} else if (c == ' ') {
			buf_putc(out, '-');
		}
	}
}

void slug_path(const char *s, size_t len, struct buf *out)
{
	bool dash = false;
	size_t start = out->len;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isalnum(c) || c == '.' || c == '_' || c == '-' || c >= 0x80) {
			buf_putc(out, c);
			dash = c == '-';
		} else if (!dash && out->len > start) {
			buf_putc(out, '-');
			dash = true;
		}
	}
	while (out->len > start && out->data[out->len - 1] == '-')
		buf_truncate(out, out->len - 1);
}

void slug_ascii(const char *s, size_t len, struct buf *out)
{
	size_t start = out->len;
	bool dash = false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)tolower((unsigned char)s[i]);
		if (isalnum(c) || c == '.' || c == '_' || c == '-') {
			if (dash && out->len > start)
				buf_putc(out, '-');
			dash = false;
			buf_putc(out, c);
		} else {
			dash = true;
		}
	}
	if (out->len == start || !strcmp(out->data + start, ".") || !strcmp(out->data + start, ".."))
		buf_puts(out, "x");
}

/* Wiki page names were made with the C library's classes in C.UTF-8, not utf8proc's
 * categories: the two disagree on about 1,300 code points (the Devanagari virama is no
 * letter to glibc), and changing the rule would move imported pages. */
static locale_t wiki_locale;
static pthread_once_t wiki_locale_once = PTHREAD_ONCE_INIT;

static void wiki_locale_open(void)
{
	wiki_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

void slug_wiki_title(const char *title, size_t len, struct buf *out)
{
	pthread_once(&wiki_locale_once, wiki_locale_open);
	locale_t loc = wiki_locale;
	size_t start = out->len;
	for (size_t i = 0; i < len;) {
		int32_t c;
		size_t n = utf8_decode(title + i, len - i, &c);
		if (!n) {
			n = 1;
			c = '-';
		}
		i += n;
		char last = out->len > start ? out->data[out->len - 1] : 0;
		if (c < 128) {
			if (isalnum(c)) {
				buf_putc(out, tolower(c));
				continue;
			}
			if (c == '.' && last && last != '.' && last != '-') {
				buf_putc(out, '.');
				continue;
			}
		} else if (loc && (iswalpha_l((wint_t)c, loc) || iswdigit_l((wint_t)c, loc))) {
			utf8_encode((int32_t)towlower_l((wint_t)c, loc), out);
			continue;
		}
		if (last == '.')
			out->data[out->len - 1] = '-';
		else if (last && last != '-')
			buf_putc(out, '-');
	}
	while (out->len > start && (out->data[out->len - 1] == '-' || out->data[out->len - 1] == '.'))
		buf_truncate(out, out->len - 1);
	size_t lead = start;
	while (lead < out->len && (out->data[lead] == '-' || out->data[lead] == '.'))
		lead++;
	if (lead > start) {
		memmove(out->data + start, out->data + lead, out->len - lead);
		buf_truncate(out, out->len - (lead - start));
	}
	if (out->len - start > SLUG_WIKI_MAX) {
		size_t cut = start + SLUG_WIKI_MAX;
		while (cut > start && ((unsigned char)out->data[cut] & 0xc0) == 0x80)
			cut--;
		buf_truncate(out, cut);
		while (out->len > start && out->data[out->len - 1] == '-')
			buf_truncate(out, out->len - 1);
		buf_printf(out, "-%08llx", (unsigned long long)(hash_fnv1a(title, len) & 0xffffffffULL));
	}
	if (out->len == start || !strcmp(out->data + start, "index"))
		buf_puts(out, out->len > start ? "-page" : "page");
}

void slug_tag(const char *tag, size_t len, struct buf *out)
{
	size_t start = out->len;
	bool dash = false;
	for (size_t i = 0; i < len;) {
		int32_t c;
		size_t n = utf8_decode(tag + i, len - i, &c);
		i += n ? n : 1;
		if (n && (c < 0x80 ? isalnum(c) : heading_keeps(c))) {
			if (dash && out->len > start)
				buf_putc(out, '-');
			dash = false;
			utf8_encode(utf8proc_tolower(c), out);
		} else {
			dash = true;
		}
	}
	unsigned long long h = hash_fnv1a(tag, len) & 0xffffffffULL;
	if (out->len - start > SLUG_TAG_MAX) {
		size_t cut = start + SLUG_TAG_MAX;
		while (cut > start && ((unsigned char)out->data[cut] & 0xc0) == 0x80)
			cut--;
		buf_truncate(out, cut);
		while (out->len > start && out->data[out->len - 1] == '-')
			buf_truncate(out, out->len - 1);
		buf_printf(out, "-%08llx", h);
	} else if (out->len == start) {
		buf_printf(out, "tag-%08llx", h);
	}
}
