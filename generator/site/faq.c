/* faq: grouping questions by category for /faq/ and the FAQPage JSON-LD. */
#include "site/faq.h"
#include "base/buf.h"
#include "site/content.h"
#include "base/json.h"
#include "base/log.h"
#include "base/slug.h"
#include "site/template.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

char *faq_anchor(const struct page *q)
{
	size_t n = strlen(q->url);
	const char *e = q->url + n - 1, *s = e;
	while (s > q->url && s[-1] != '/')
		s--;
	return xstrndup(s, (size_t)(e - s));
}

static const struct fm_value *categories_of(const struct page *faq)
{
	const struct fm_value *c = fm_get(faq->fm, "categories");
	return c && c->type == FM_LIST ? c : NULL;
}

static const struct page *question_by_slug(const struct page *faq, const char *slug)
{
	for (size_t i = 0; i < faq->npages; i++) {
		char *s = faq_anchor(faq->pages[i]);
		bool same = !strcmp(s, slug);
		free(s);
		if (same)
			return faq->pages[i];
	}
	return NULL;
}

int faq_check(const struct content *m)
{
	const struct page *faq = m->faq;
	if (!faq)
		return 0;
	int rc = 0;
	const struct fm_value *cats = categories_of(faq);
	for (size_t i = 0; i < faq->npages; i++) {
		const struct page *q = faq->pages[i];
		if (q->kind != PAGE_QUESTION)
			continue;
		bool listed = !cats;
		for (size_t k = 0; cats && k < cats->n && q->category; k++)
			listed |= cats->items[k].str && !strcmp(cats->items[k].str, q->category);
		if (!q->category)
			rc = error_at(q->file, 1, "FAQ entry needs a 'category'");
		else if (!listed)
			rc = error_at(q->file, fm_get(q->fm, "category")->line,
			              "category '%s' is not in the categories list of faq/_index.md", q->category);
		const char *b = q->body ? q->body : "";
		while (*b == ' ' || *b == '\n' || *b == '\t' || *b == '\r')
			b++;
		if (!*b)
			rc = error_at(q->file, q->body_line, "FAQ answer is empty");
		const struct fm_value *rel = fm_get(q->fm, "related");
		for (size_t k = 0; rel && rel->type == FM_LIST && k < rel->n; k++)
			if (!rel->items[k].str || !question_by_slug(faq, rel->items[k].str))
				rc = error_at(q->file, rel->items[k].line, "related question '%s' does not exist",
				              rel->items[k].str ? rel->items[k].str : "?");
	}
	return rc;
}

static void set_field(lua_State *L, const char *key, const char *val)
{
	lua_pushstring(L, val ? val : "");
	lua_setfield(L, -2, key);
}

static void push_question(lua_State *L, const struct page *faq, const struct page *q)
{
	char *slug = faq_anchor(q);
	lua_createtable(L, 0, 6);
	set_field(L, "slug", slug);
	set_field(L, "question", q->question);
	set_field(L, "url", q->url);
	set_field(L, "html", q->html);
	lua_newtable(L);
	const struct fm_value *rel = fm_get(q->fm, "related");
	for (size_t k = 0, n = 0; rel && rel->type == FM_LIST && k < rel->n; k++) {
		const struct page *r = rel->items[k].str ? question_by_slug(faq, rel->items[k].str) : NULL;
		if (!r)
			continue;
		lua_createtable(L, 0, 3);
		set_field(L, "slug", rel->items[k].str);
		set_field(L, "question", r->question);
		set_field(L, "url", r->url);
		lua_rawseti(L, -2, (lua_Integer)++n);
	}
	lua_setfield(L, -2, "related");
	free(slug);
}

int faq_prepare(struct tmpl *t, const struct page *faq, struct buf *jsonld)
{
	lua_State *L = tmpl_lua(t);
	const struct fm_value *cats = categories_of(faq);
	/* The block sits in a <script> element: its strings must not end it early. */
	struct json *j = json_new(true);
	buf_puts(jsonld, "<script type=\"application/ld+json\">\n{\"@context\":\"https://schema.org\",\"@type\":\"FAQPage\",\"mainEntity\":[");
	size_t ncat = cats ? cats->n : 1;
	tmpl_push_page(t, faq);
	lua_getfield(L, -1, "permalink");
	char *permalink = xstrdup(lua_tostring(L, -1) ? lua_tostring(L, -1) : faq->url);
	lua_pop(L, 1);
	lua_newtable(L);
	bool first = true;
	for (size_t c = 0; c < ncat; c++) {
		const char *name = cats ? cats->items[c].str : "Questions";
		struct buf slug = BUF_INIT;
		slug_path(name ? name : "", name ? strlen(name) : 0, &slug);
		for (size_t i = 0; i < slug.len; i++)
			if (slug.data[i] >= 'A' && slug.data[i] <= 'Z')
				slug.data[i] = (char)(slug.data[i] - 'A' + 'a');
		lua_createtable(L, 0, 3);
		set_field(L, "name", name);
		set_field(L, "slug", slug.data);
		lua_newtable(L);
		size_t nq = 0;
		for (size_t i = 0; i < faq->npages; i++) {
			const struct page *q = faq->pages[i];
			if (q->kind != PAGE_QUESTION || (cats && (!q->category || !name || strcmp(q->category, name))))
				continue;
			push_question(L, faq, q);
			lua_rawseti(L, -2, (lua_Integer)++nq);
			buf_puts(jsonld, first ? "\n" : ",\n");
			first = false;
			buf_puts(jsonld, "{\"@type\":\"Question\",\"name\":");
			json_cstring(j, jsonld, q->question);
			buf_puts(jsonld, ",\"url\":");
			struct buf u = BUF_INIT;
			buf_printf(&u, "%s#", permalink);
			char *s = faq_anchor(q);
			buf_puts(&u, s);
			free(s);
			json_cstring(j, jsonld, u.data);
			buf_release(&u);
			buf_puts(jsonld, ",\"acceptedAnswer\":{\"@type\":\"Answer\",\"text\":");
			json_cstring(j, jsonld, q->html);
			buf_puts(jsonld, "}}");
		}
		lua_setfield(L, -2, "questions");
		lua_rawseti(L, -2, (lua_Integer)c + 1);
		buf_release(&slug);
	}
	lua_setfield(L, -2, "faq");
	lua_pop(L, 1);
	buf_puts(jsonld, "\n]}\n");
	buf_puts(jsonld, "</script>");
	json_free(j);
	free(permalink);
	return 0;
}
