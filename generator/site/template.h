/* template: Lua templates. A template is compiled once per Lua state into a Lua function
 * whose source lines match the template's lines, so Lua's own error messages name
 * templates/NAME.html:LINE. Syntax (see docs/ARCHITECTURE.md):
 *   {{ expr }} escaped   {* expr *} raw   {% lua %}   {# comment #}   {%- -%} trims
 *   {% extends "base.html" %}  {% block name %}…{% endblock %}   partial("name.html")
 * Lookup: SOURCE/templates/NAME, else the embedded theme's templates/NAME. */
#ifndef NFSITE_TEMPLATE_H
#define NFSITE_TEMPLATE_H

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>

struct buf;
struct config;
struct content;
struct page;
struct md_doc;

/* What one render adds to the page's variables. */
struct banner_out {
	char *id, *level, *html, *link, *link_text, *label;
	bool dismissible;
	long days_left;   /* -1 when the banner has no deadline */
};

struct render_vars {
	const char *content;           /* body HTML */
	const struct md_doc *doc;      /* toc and headings, may be NULL */
	const struct banner_out *banners;
	size_t nbanners;
	const char *jsonld;            /* ready <script type="application/ld+json"> or NULL */
};

struct tmpl;

/* Makes the template environment in L (taking ownership of L): the site table, a table
 * per page with its links (section, pages, prev/next, breadcrumbs) and the helper
 * functions. Returns NULL after reporting. */
struct tmpl *tmpl_new(lua_State *L, const struct config *cfg, const struct content *model, const char *build_date);
void tmpl_free(struct tmpl *t);
lua_State *tmpl_lua(struct tmpl *t);
/* Pushes the Lua table of page p (for modules that add variables, e.g. the FAQ). */
void tmpl_push_page(struct tmpl *t, const struct page *p);

/* The template a page uses: front matter `template`, else by kind. Borrowed string. */
const char *tmpl_name_for(const struct page *p);
/* Renders template name for page p into out. Returns 0, or -1 after reporting the
 * template's file:line (or site.lua's for hook errors). */
int tmpl_render(struct tmpl *t, const char *name, const struct page *p, const struct render_vars *vars,
                struct buf *out);
/* True when the template exists in the site or the theme. */
bool tmpl_exists(const struct config *cfg, const char *name);

/* Compiles template source into Lua source (exposed for tests and fuzzing).
 * Returns 0, or -1 after reporting file:line for unbalanced tags. */
int tmpl_compile(const char *file, const char *src, size_t len, struct buf *lua);

#endif
