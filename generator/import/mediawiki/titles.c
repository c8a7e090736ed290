/* titles: MediaWiki titles as the wiki spells them: key normalisation, namespace
 * prefixes, full titles and the old URLs' spelling (slugs are base/slug's
 * slug_wiki_title). */
#include "import/mediawiki/internal.h"
#include "base/buf.h"
#include "base/utf8.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <wctype.h>

static bool is_space_cp(int32_t c)
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
	bool space = false;
	buf_reset(key);
	for (size_t i = 0; i < len;) {
		int32_t c;
		size_t n = utf8_decode(s + i, len - i, &c);
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
			int32_t u = w->loc ? (int32_t)towupper_l((wint_t)c, w->loc) : c;
			if (c < 128)
				u = toupper(c);
			utf8_encode(u, key);
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

/* Old URL of a title: prefix + "/index.php/" + title with underscores, encoded the
 * way MediaWiki's wfUrlencode leaves it readable. */
void mw_title_dbkey(const char *title, struct buf *out)
{
	buf_reset(out);
	for (const char *p = title; *p; p++)
		buf_putc(out, *p == ' ' ? '_' : *p);
}

