/* search: the compact JSON index for the site's search box (see search.h). */
#include "site/search.h"
#include "base/buf.h"
#include "site/content.h"
#include "site/faq.h"
#include "base/json.h"

#include <stdlib.h>
#include <string.h>

#define SEARCH_TEXT_MAX 400

/* Cuts text at a word boundary, never inside a UTF-8 sequence. */
static size_t cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	size_t i = max;
	while (i > 0 && s[i] != ' ')
		i--;
	if (i == 0) {
		i = max;
		while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
			i--;
	}
	return i;
}

static void entry(struct json *j, const struct page *p, const char *base_path, struct buf *out)
{
	buf_puts(out, "{\"t\":");
	json_cstring(j, out, p->title);
	buf_puts(out, ",\"u\":");
	/* The URL as links have it, base path included: search.js uses it as is. Questions
	 * are found on /faq/ at their anchor. */
	char *u;
	if (p->kind == PAGE_QUESTION && p->section) {
		char *anchor = faq_anchor(p);
		u = xasprintf("%s%s#%s", base_path, p->section->url, anchor);
		free(anchor);
	} else {
		u = xasprintf("%s%s", base_path, p->url);
	}
	json_cstring(j, out, u);
	free(u);
	buf_puts(out, ",\"k\":");
	json_cstring(j, out, p->kind_name);
	buf_puts(out, ",\"h\":[");
	for (size_t k = 0; k < p->nheadings; k++) {
		if (k)
			buf_putc(out, ',');
		json_cstring(j, out, p->headings[k]);
	}
	buf_puts(out, "],\"x\":");
	const char *text = p->search_text ? p->search_text : p->summary ? p->summary : "";
	json_string(j, out, text, cut(text, strlen(text), SEARCH_TEXT_MAX));
	buf_putc(out, '}');
}

void search_entry(struct json *j, struct page *p, const char *base_path)
{
	if (p->search_json || p->unlisted)
		return;
	struct buf e = BUF_INIT;
	entry(j, p, base_path, &e);
	p->search_json = buf_detach(&e, NULL);
}

void search_index(struct content *m, const char *base_path, struct buf *out)
{
	struct json *j = NULL;
	buf_puts(out, "{\"pages\":[");
	bool first = true;
	for (size_t i = 0; i < m->npages; i++) {
		struct page *p = m->pages[i];
		if (p->unlisted)
			continue;
		if (!p->search_json) {
			if (!j)
				j = json_new(false);
			search_entry(j, p, base_path);
		}
		buf_puts(out, first ? "\n" : ",\n");
		first = false;
		buf_puts(out, p->search_json);
	}
	buf_puts(out, "\n]}\n");
	json_free(j);
}
