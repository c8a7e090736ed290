/* title: MediaWiki's Title as far as the converter needs it: namespaces, the normal form
 * of a title, the URL of a page and the id of a heading. Its own file because three
 * phases ask the same questions (expand for {{PAGENAME}}, #ifexist and templates, inline
 * for links, block for galleries) and must get the same answers. */
#include "wikitext/internal.h"
#include "base/slug.h"
#include "base/url.h"
#include "base/utf8.h"

static const struct {
	int ns;
	const char *name;
} namespaces[] = {
	{-2, "Media"}, {-1, "Special"}, {1, "Talk"}, {2, "User"}, {3, "User talk"},
	{4, "Project"}, {5, "Project talk"}, {6, "File"}, {6, "Image"}, {7, "File talk"},
	{7, "Image talk"}, {8, "MediaWiki"}, {9, "MediaWiki talk"}, {10, "Template"},
	{11, "Template talk"}, {12, "Help"}, {13, "Help talk"}, {14, "Category"},
	{15, "Category talk"},
};

/* Compares a with the name b, case-insensitively, '_' and ' ' equal. */
bool wt_ns_eq(const char *a, size_t n, const char *b)
{
	size_t i = 0;
	for (; i < n && b[i]; i++) {
		int x = a[i] == '_' ? ' ' : tolower((unsigned char)a[i]);
		int y = tolower((unsigned char)b[i]);
		if (x != y)
			return false;
	}
	return i == n && !b[i];
}

/* Namespace of a title "Ns:Rest" (sets *rest to after the colon), or NS_MAIN. */
int wt_title_ns(struct ctx *c, const char *t, size_t n, size_t *rest)
{
	*rest = 0;
	const char *colon = memchr(t, ':', n);
	if (!colon)
		return NS_MAIN;
	const char *p = t;
	size_t k = (size_t)(colon - t);
	trim(&p, &k);
	for (size_t i = 0; i < sizeof namespaces / sizeof *namespaces; i++)
		if (wt_ns_eq(p, k, namespaces[i].name)) {
			*rest = (size_t)(colon - t) + 1;
			return namespaces[i].ns;
		}
	if (c->project && wt_ns_eq(p, k, c->project)) {
		*rest = (size_t)(colon - t) + 1;
		return 4;
	}
	if (c->project_talk && wt_ns_eq(p, k, c->project_talk)) {
		*rest = (size_t)(colon - t) + 1;
		return 5;
	}
	return NS_MAIN;
}

const char *wt_ns_name(struct ctx *c, int ns)
{
	if ((ns == 4 || ns == 5) && c->project)
		return ns == 4 ? c->project : c->project_talk;
	for (size_t i = 0; i < sizeof namespaces / sizeof *namespaces; i++)
		if (namespaces[i].ns == ns)
			return namespaces[i].name;
	return NULL;
}

/* Language::ucfirst and lcfirst: the first character case-mapped in full (ß → SS). */
void wt_case_first(struct buf *b, size_t at, bool upper)
{
	int32_t cp;
	size_t k = at < b->len ? utf8_decode(b->data + at, b->len - at, &cp) : 0;
	if (!k)
		return;
	struct buf tail = BUF_INIT;
	utf8_case(b->data + at, k, upper, &tail);
	buf_add(&tail, b->data + at + k, b->len - at - k);
	buf_truncate(b, at);
	buf_add(b, tail.data, tail.len);
	buf_release(&tail);
}

/* MediaWiki's title normalisation: '_' to ' ', spaces collapsed and trimmed, namespace
 * name canonical, first letter of the page part upper case. Returns false for an
 * invalid title (empty, illegal characters, relative path parts, too long). */
bool wt_norm_title(struct ctx *c, const char *t, size_t n, struct buf *out)
{
	struct buf tmp = BUF_INIT;
	wt_decode_entities(t, n, &tmp);
	bool ok = false;
	struct buf b = BUF_INIT;
	bool sp = true;
	for (size_t i = 0; i < tmp.len; i++) {
		unsigned char ch = (unsigned char)tmp.data[i];
		if (ch == '_' || is_ws(ch)) {
			if (!sp)
				buf_putc(&b, ' ');
			sp = true;
			continue;
		}
		if (strchr("<>[]|{}\x7f", ch) || ch < 0x20)
			goto out;
		buf_putc(&b, ch);
		sp = false;
	}
	if (b.len && b.data[b.len - 1] == ' ')
		buf_truncate(&b, b.len - 1);
	if (!b.len || b.len > 255)
		goto out;
	if (!strcmp(b.data, ".") || !strcmp(b.data, "..") || !strncmp(b.data, "./", 2) ||
	    !strncmp(b.data, "../", 3) || strstr(b.data, "/./") || strstr(b.data, "/../") ||
	    buf_ends_with(&b, "/.") || buf_ends_with(&b, "/.."))
		goto out;
	size_t rest;
	int ns = wt_title_ns(c, b.data, b.len, &rest);
	if (ns != NS_MAIN) {
		const char *r = b.data + rest;
		while (*r == ' ')
			r++;
		if (!*r)
			goto out;
		buf_puts(out, wt_ns_name(c, ns));
		buf_putc(out, ':');
		size_t at = out->len;
		buf_puts(out, r);
		wt_case_first(out, at, true);
	} else {
		size_t at = out->len;
		buf_add(out, b.data, b.len);
		wt_case_first(out, at, true);
	}
	ok = true;
out:
	buf_release(&tmp);
	buf_release(&b);
	return ok;
}

void wt_article_url(struct ctx *c, const char *title, struct buf *out)
{
	const char *ap = c->article_path;
	const char *d = strstr(ap, "$1");
	if (!d) {
		buf_puts(out, ap);
		url_encode_title(out, title, strlen(title), true);
		return;
	}
	buf_add(out, ap, (size_t)(d - ap));
	url_encode_title(out, title, strlen(title), true);
	buf_puts(out, d + 2);
}

/* The heading id the Markdown renderer gives a text (the same slug_heading, so they agree). */
void wt_slug(const char *s, size_t n, struct buf *out)
{
	size_t at = out->len;
	slug_heading(s, n, out);
	if (out->len == at)
		buf_puts(out, "section");
}

