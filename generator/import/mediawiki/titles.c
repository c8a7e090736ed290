/* titles: MediaWiki titles as the wiki spells them: UTF-8 checks, key normalisation,
 * namespace prefixes, full titles, slugs and the old URLs' spelling. */
#include "import/mediawiki/internal.h"
#include "base/buf.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <wctype.h>

#define MW_SLUG_MAX 100

/* Decodes one code point at s (n bytes left); returns its length, 0 when invalid. */
size_t mw_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t len;
	uint32_t c, min;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2, c = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, c = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static void utf8_put(struct buf *b, uint32_t c)
{
	if (c < 0x80) {
		buf_putc(b, (int)c);
	} else if (c < 0x800) {
		buf_putc(b, (int)(0xc0 | (c >> 6)));
		buf_putc(b, (int)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		buf_putc(b, (int)(0xe0 | (c >> 12)));
		buf_putc(b, (int)(0x80 | ((c >> 6) & 0x3f)));
		buf_putc(b, (int)(0x80 | (c & 0x3f)));
	} else {
		buf_putc(b, (int)(0xf0 | (c >> 18)));
		buf_putc(b, (int)(0x80 | ((c >> 12) & 0x3f)));
		buf_putc(b, (int)(0x80 | ((c >> 6) & 0x3f)));
		buf_putc(b, (int)(0x80 | (c & 0x3f)));
	}
}

bool mw_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c;
	for (size_t i = 0; i < len;) {
		size_t n = mw_utf8_decode(p + i, len - i, &c);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

/* Copies s with every invalid byte replaced by U+FFFD (for messages and the report). */
void mw_utf8_sanitize(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c;
	for (size_t i = 0; i < len;) {
		size_t n = mw_utf8_decode(p + i, len - i, &c);
		if (!n || c == 0) {
			buf_puts(out, "\xef\xbf\xbd");
			i++;
		} else {
			buf_add(out, s + i, n);
			i += n;
		}
	}
}

static bool is_space_cp(uint32_t c)
{
	return c == ' ' || c == '_' || c == '\t' || c == 0xa0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
	       c == 0x205f || c == 0x3000;
}

/* Normalises a title's key the way MediaWiki does: spaces (and underscores, Unicode
 * spaces) become one space, trimmed, first letter upper-case. Fails on characters
 * a title cannot hold, invalid UTF-8 or an empty result. */
int mw_key_norm(const struct mw_wiki *w, const char *s, size_t len, struct buf *key)
{
	const unsigned char *p = (const unsigned char *)s;
	bool space = false;
	buf_reset(key);
	for (size_t i = 0; i < len;) {
		uint32_t c;
		size_t n = mw_utf8_decode(p + i, len - i, &c);
		if (!n)
			return -1;
		i += n;
		if (c < 0x20 || c == 0x7f || c == '[' || c == ']' || c == '{' || c == '}' ||
		    c == '|' || c == '<' || c == '>' || c == 0xfffd)
			return -1;
		if (is_space_cp(c)) {
			space = key->len > 0;
			continue;
		}
		if (space)
			buf_putc(key, ' ');
		space = false;
		if (key->len == 0) {
			uint32_t u = w->loc ? (uint32_t)towupper_l((wint_t)c, w->loc) : c;
			if (c < 128)
				u = (uint32_t)toupper((int)c);
			utf8_put(key, u);
		} else {
			buf_add(key, s + i - n, n);
		}
	}
	return key->len ? 0 : -1;
}

/* Parses a title as written in a link or a template call: optional leading ":",
 * namespace prefix, "#fragment" (into frag when not NULL). */
int mw_title_parse(const struct mw_wiki *w, const char *in, int default_ns, int *ns,
                       struct buf *key, struct buf *frag)
{
	const char *s = in, *end = in + strlen(in);
	const char *hash = memchr(s, '#', (size_t)(end - s));
	if (frag) {
		buf_reset(frag);
		if (hash)
			buf_add(frag, hash + 1, (size_t)(end - hash - 1));
	}
	if (hash)
		end = hash;
	while (s < end && (*s == ' ' || *s == '_'))
		s++;
	*ns = default_ns;
	if (s < end && *s == ':') {
		s++;
		*ns = 0;
	}
	const char *colon = memchr(s, ':', (size_t)(end - s));
	if (colon) {
		const char *a = s, *b = colon;
		while (a < b && (*a == ' ' || *a == '_'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '_'))
			b--;
		int n = mw_ns_by_name(w, a, (size_t)(b - a));
		if (n != MW_NS_UNKNOWN && n != 0) {
			*ns = n == -2 ? 6 : n; /* [[Media:X]] is the file X */
			s = colon + 1;
		}
	}
	return mw_key_norm(w, s, (size_t)(end - s), key);
}

void mw_full_title(const struct mw_wiki *w, int ns, const char *key, struct buf *out)
{
	const char *name = mw_ns_name(w, ns);
	buf_reset(out);
	if (ns != 0) {
		if (name)
			buf_puts(out, name);
		else
			buf_printf(out, "Namespace %d", ns);
		buf_putc(out, ':');
	}
	buf_puts(out, key);
}

/* Slug from a full title: lower-case ASCII letters and digits, Unicode letters and
 * digits kept (lower-cased), ".", everything else one "-"; trimmed; never empty,
 * never a dot-file, never "..". Long titles are cut and get a hash suffix. */
uint64_t mw_fnv1a(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

void mw_slugify(const struct mw_wiki *w, const char *title, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)title;
	size_t len = strlen(title);
	buf_reset(out);
	for (size_t i = 0; i < len;) {
		uint32_t c;
		size_t n = mw_utf8_decode(p + i, len - i, &c);
		if (!n) {
			n = 1;
			c = '-';
		}
		i += n;
		if (c < 128) {
			if (isalnum((int)c)) {
				buf_putc(out, tolower((int)c));
				continue;
			}
			if (c == '.' && out->len && out->data[out->len - 1] != '.' &&
			    out->data[out->len - 1] != '-') {
				buf_putc(out, '.');
				continue;
			}
		} else if (w->loc && (iswalpha_l((wint_t)c, w->loc) || iswdigit_l((wint_t)c, w->loc))) {
			utf8_put(out, (uint32_t)towlower_l((wint_t)c, w->loc));
			continue;
		}
		if (out->len && out->data[out->len - 1] != '-') {
			if (out->data[out->len - 1] == '.')
				out->data[out->len - 1] = '-';
			else
				buf_putc(out, '-');
		}
	}
	while (out->len && (out->data[out->len - 1] == '-' || out->data[out->len - 1] == '.'))
		buf_truncate(out, out->len - 1);
	size_t lead = 0;
	while (lead < out->len && (out->data[lead] == '-' || out->data[lead] == '.'))
		lead++;
	if (lead) {
		memmove(out->data, out->data + lead, out->len - lead);
		buf_truncate(out, out->len - lead);
	}
	if (out->len > MW_SLUG_MAX) {
		size_t cut = MW_SLUG_MAX;
		while (cut && ((unsigned char)out->data[cut] & 0xc0) == 0x80)
			cut--;
		buf_truncate(out, cut);
		while (out->len && out->data[out->len - 1] == '-')
			buf_truncate(out, out->len - 1);
		buf_printf(out, "-%08llx", (unsigned long long)(mw_fnv1a(title, len) & 0xffffffffULL));
	}
	/* content/: index.md would stand for the folder itself. */
	if (!out->len || !strcmp(out->data, "index"))
		buf_puts(out, out->len ? "-page" : "page");
}

/* Old URL of a title: prefix + "/index.php/" + title with underscores, encoded the
 * way MediaWiki's wfUrlencode leaves it readable. */
void mw_title_dbkey(const char *title, struct buf *out)
{
	buf_reset(out);
	for (const char *p = title; *p; p++)
		buf_putc(out, *p == ' ' ? '_' : *p);
}

void mw_url_encode(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || strchr("-_.~:/!$()*,;@", *p))
			buf_putc(out, *p);
		else
			buf_printf(out, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
}
