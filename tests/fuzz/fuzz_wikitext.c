/* fuzz_wikitext: wikitext_convert with every callback in play, then the Markdown it
 * wrote goes through markdown_render as the build renders an imported page.
 *
 * Input layout: the page text, then optionally "\0" followed by templates, each
 * "NAME\x01TEXT" and separated by "\0". template_source answers from these, so the
 * fuzzer chooses template bodies (recursion, loops, parser functions); template_map
 * maps names starting with "map"; link_target knows titles of even length.
 * Oracle (check_html): no script-capable element, no on…= event handler and no
 * javascript:/vbscript:/data: URL reaches the HTML the build would publish. */
#include "base/buf.h"
#include "site/markdown.h"
#include "wikitext/wikitext.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

struct templates {
	const char *p; /* the part after the first NUL */
	size_t n;
};

static int template_source(void *arg, const char *name, struct buf *out)
{
	const struct templates *t = arg;
	size_t nlen = strlen(name);
	const char *p = t->p, *end = t->p + t->n;
	while (p < end) {
		const char *rec_end = memchr(p, '\0', (size_t)(end - p));
		if (!rec_end)
			rec_end = end;
		const char *sep = memchr(p, '\x01', (size_t)(rec_end - p));
		if (sep && (size_t)(sep - p) == nlen && !strncasecmp(p, name, nlen)) {
			buf_add(out, sep + 1, (size_t)(rec_end - sep - 1));
			return 1;
		}
		p = rec_end + 1;
	}
	return 0;
}

static void put_alnum(struct buf *out, const char *s)
{
	for (; s && *s; s++)
		if (isalnum((unsigned char)*s))
			buf_putc(out, *s);
}

static int template_map(void *arg, const char *name, const char *const *keys,
                        const char *const *values, size_t nargs, struct buf *out)
{
	(void)arg;
	if (strncasecmp(name, "map", 3))
		return 0;
	/* A careful site mapping: only letters and digits of what the page passed. */
	buf_puts(out, "**mapped**");
	for (size_t i = 0; i < nargs; i++) {
		buf_puts(out, " ");
		put_alnum(out, keys[i]);
		buf_puts(out, "=");
		put_alnum(out, values[i]);
	}
	return 1;
}

static int link_target(void *arg, const char *title, struct buf *url)
{
	(void)arg;
	size_t n = strlen(title);
	if (n % 2)
		return 0;
	buf_puts(url, "/wiki/");
	for (size_t i = 0; i < n; i++)
		buf_putc(url, isalnum((unsigned char)title[i]) ? title[i] : '-');
	buf_putc(url, '/');
	return 1;
}

/* Decodes the character references a browser decodes in an attribute value (numeric
 * ones and the few named ones that can hide a scheme), drops what a browser drops from
 * a URL (ASCII whitespace and controls) and lowercases, into out. */
static void url_normalise(const char *v, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		unsigned long c = (unsigned char)v[i];
		if (c == '&') {
			size_t k = i + 1;
			if (k < n && v[k] == '#') {
				bool hex = k + 1 < n && (v[k + 1] | 0x20) == 'x';
				k += hex ? 2 : 1;
				unsigned long x = 0;
				size_t d0 = k;
				while (k < n && (hex ? isxdigit((unsigned char)v[k]) : isdigit((unsigned char)v[k])) && x < 0x110000) {
					int dv = isdigit((unsigned char)v[k]) ? v[k] - '0' : (v[k] | 0x20) - 'a' + 10;
					x = x * (hex ? 16 : 10) + (unsigned long)dv;
					k++;
				}
				if (k > d0) {
					c = x;
					i = k < n && v[k] == ';' ? k : k - 1;
				}
			} else if (n - k >= 6 && !strncasecmp(v + k, "colon;", 6)) {
				c = ':';
				i = k + 5;
			} else if (n - k >= 4 && !strncasecmp(v + k, "tab;", 4)) {
				c = '\t';
				i = k + 3;
			} else if (n - k >= 8 && !strncasecmp(v + k, "newline;", 8)) {
				c = '\n';
				i = k + 7;
			}
		}
		if (c <= 0x20 || c == 0x7f)
			continue;
		buf_putc(out, c < 0x80 ? tolower((int)c) : '?');
	}
}

static bool is_url_attr(const char *a, size_t n)
{
	static const char *const names[] = {"href", "src", "action", "formaction", "xlink:href",
	                                    "srcset", "poster", "background", "data", "codebase", NULL};
	for (int i = 0; names[i]; i++)
		if (strlen(names[i]) == n && !strncasecmp(a, names[i], n))
			return true;
	return false;
}

static bool is_bad_tag(const char *t, size_t n)
{
	static const char *const names[] = {"script", "style", "iframe", "frame", "frameset", "object",
	                                    "embed", "applet", "base", "meta", "link", "form",
	                                    "svg", "template", "noscript", NULL};
	for (int i = 0; names[i]; i++)
		if (strlen(names[i]) == n && !strncasecmp(t, names[i], n))
			return true;
	return false;
}

/* Scans every tag of the HTML the build would publish: no dangerous element, no event
 * handler attribute, no script URL. Text outside tags is escaped by construction. */
static void check_html(const struct buf *h)
{
	const char *p = h->data, *end = h->data + h->len;
	struct buf u = BUF_INIT;
	while ((p = memchr(p, '<', (size_t)(end - p)))) {
		p++;
		if (p < end && *p == '/')
			p++;
		const char *t = p;
		while (p < end && (isalnum((unsigned char)*p) || *p == ':' || *p == '-'))
			p++;
		if (p == t)
			continue; /* "<!--", "<!DOCTYPE": cmark writes neither from escaped text */
		if (is_bad_tag(t, (size_t)(p - t)))
			__builtin_trap();
		for (;;) {
			while (p < end && (isspace((unsigned char)*p) || *p == '/'))
				p++;
			if (p >= end || *p == '>')
				break;
			const char *a = p;
			while (p < end && !isspace((unsigned char)*p) && *p != '=' && *p != '>' && *p != '/')
				p++;
			size_t alen = (size_t)(p - a);
			if (alen >= 2 && (a[0] | 0x20) == 'o' && (a[1] | 0x20) == 'n')
				__builtin_trap();
			while (p < end && isspace((unsigned char)*p))
				p++;
			if (p >= end || *p != '=') {
				if (!alen)
					p++;
				continue;
			}
			p++;
			while (p < end && isspace((unsigned char)*p))
				p++;
			const char *v = p, *ve;
			if (p < end && (*p == '"' || *p == '\'')) {
				const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));
				v = p + 1;
				ve = q ? q : end;
				p = q ? q + 1 : end;
			} else {
				while (p < end && !isspace((unsigned char)*p) && *p != '>')
					p++;
				ve = p;
			}
			if (is_url_attr(a, alen)) {
				buf_reset(&u);
				url_normalise(v, (size_t)(ve - v), &u);
				if (!strncmp(u.data, "javascript:", 11) || !strncmp(u.data, "vbscript:", 9) ||
				    !strncmp(u.data, "data:", 5))
					__builtin_trap();
			}
		}
	}
	buf_release(&u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *src = (const char *)data;
	const char *nul = memchr(src, '\0', size);
	size_t page_len = nul ? (size_t)(nul - src) : size;
	struct templates t = {nul ? nul + 1 : "", nul ? size - page_len - 1 : 0};
	struct wikitext_opts opts = {0};
	opts.title = "Fuzz page";
	opts.template_source = template_source;
	opts.template_map = template_map;
	opts.link_target = link_target;
	opts.arg = &t;
	opts.sitename = "Fuzz wiki";
	struct wikitext_result res = WIKITEXT_RESULT_INIT;
	(void)wikitext_convert(src, page_len, &opts, &res);

	/* The build renders imported pages as site Markdown (raw HTML passes), so the
	 * converter's sanitiser is what stands between the wiki and the published site. */
	struct md_opts mo = {.file = "fuzz.md", .first_line = 1};
	struct md_doc doc = MD_DOC_INIT;
	(void)markdown_render(res.markdown.data, res.markdown.len, &mo, &doc);
	check_html(&doc.html);
	md_doc_release(&doc);
	wikitext_result_release(&res);
	return 0;
}
