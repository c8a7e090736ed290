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

static void entry(struct json *j, const struct page *p, struct buf *out)
{
	buf_puts(out, "{\"t\":");
	json_cstring(j, out, p->title);
	buf_puts(out, ",\"u\":");
	/* Questions are found on /faq/ at their anchor. */
	if (p->kind == PAGE_QUESTION && p->section) {
		char *anchor = faq_anchor(p);
		char *u = xasprintf("%s#%s", p->section->url, anchor);
		json_cstring(j, out, u);
		free(u);
		free(anchor);
	} else {
		json_cstring(j, out, p->url);
	}
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

void search_entry(struct json *j, struct page *p)
{
	if (p->search_json || p->unlisted)
		return;
	struct buf e = BUF_INIT;
	entry(j, p, &e);
	p->search_json = buf_detach(&e, NULL);
}

void search_index(struct content *m, struct buf *out)
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
			search_entry(j, p);
		}
		buf_puts(out, first ? "\n" : ",\n");
		first = false;
		buf_puts(out, p->search_json);
	}
	buf_puts(out, "\n]}\n");
	json_free(j);
}
