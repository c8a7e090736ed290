/* banner: loading banner definitions from site.lua and matching them against pages. */
#include "site/banner.h"
#include "base/buf.h"
#include "base/date.h"
#include "site/config.h"
#include "site/content.h"
#include "base/log.h"
#include "base/lua.h"
#include "site/markdown.h"
#include "site/template.h"

#include <fnmatch.h>
#include <lauxlib.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#define RULE_MAX_DEPTH 16

enum rule_type { R_ALL, R_ANY, R_NOT, R_PATH, R_SECTION, R_TAG, R_KIND, R_PARAM, R_SOURCE, R_LUA, R_TRUE };

struct rule {
	enum rule_type type;
	char **strs;        /* path globs, sections, tags, kinds; NULL-terminated */
	char *key, *value;  /* param */
	regex_t re;         /* source */
	int fn;             /* lua: index in the per-state function table */
	struct rule *kids;
	size_t nkids;
};

struct def {
	char *id, *level, *html, *link, *link_text;
	bool dismissible;
	long long order;
	time_t start, end, deadline; /* 0 when unset */
	struct rule rule;
	size_t index;
};

struct banners {
	struct def *defs;
	size_t n;
	int nfns;
	const struct config *cfg;
};

static const char *levels[] = {"info", "notice", "warning", "deprecation", NULL};
static const char *labels[] = {"Information", "Notice", "Warning", "Deprecation notice"};

static void rule_release(struct rule *r)
{
	if (r->strs)
		for (char **s = r->strs; *s; s++)
			free(*s);
	free(r->strs);
	free(r->key);
	free(r->value);
	if (r->type == R_SOURCE)
		regfree(&r->re);
	for (size_t i = 0; i < r->nkids; i++)
		rule_release(&r->kids[i]);
	free(r->kids);
}

void banners_free(struct banners *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		struct def *d = &b->defs[i];
		free(d->id);
		free(d->level);
		free(d->html);
		free(d->link);
		free(d->link_text);
		rule_release(&d->rule);
	}
	free(b->defs);
	free(b);
}

struct loader {
	struct banners *b;
	lua_State *L;
	int line;
};

static int fail(struct loader *ld, const char *fmt, const char *arg)
{
	return error_at(ld->b->cfg->file, ld->line, fmt, arg);
}

/* Reads a string or a list of strings at the top of the stack. */
static int string_or_list(struct loader *ld, const char *key, char ***out)
{
	lua_State *L = ld->L;
	if (lua_type(L, -1) == LUA_TSTRING) {
		*out = xcalloc(2, sizeof **out);
		(*out)[0] = xstrdup(lua_tostring(L, -1));
		return 0;
	}
	if (!lua_istable(L, -1))
		return fail(ld, "banner rule '%s' must be a string or a list of strings", key);
	size_t n = lua_rawlen(L, -1);
	*out = xcalloc(n + 1, sizeof **out);
	for (size_t i = 0; i < n; i++) {
		lua_rawgeti(L, -1, (lua_Integer)i + 1);
		if (lua_type(L, -1) != LUA_TSTRING) {
			lua_pop(L, 1);
			return fail(ld, "banner rule '%s' must hold strings", key);
		}
		(*out)[i] = xstrdup(lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	return 0;
}

static int load_rule(struct loader *ld, struct rule *r, int depth);

static void add_kid(struct rule *r, struct rule k)
{
	r->kids = xrealloc(r->kids, (r->nkids + 1) * sizeof *r->kids);
	r->kids[r->nkids++] = k;
}

/* Fixed key order, so every Lua state numbers the function rules the same way. */
static const char *rule_keys[] = {"path", "section", "tag", "kind", "param", "source", "lua", "all", "any", "not", NULL};

static int load_rule(struct loader *ld, struct rule *r, int depth)
{
	lua_State *L = ld->L;
	memset(r, 0, sizeof *r);
	if (depth > RULE_MAX_DEPTH)
		return fail(ld, "banner rules nested deeper than %s levels", "16");
	if (lua_isfunction(L, -1)) {
		r->type = R_LUA;
		r->fn = ++ld->b->nfns;
		return 0;
	}
	if (!lua_istable(L, -1))
		return fail(ld, "banner 'match' must be a table or a function, not a %s", luaL_typename(L, -1));
	/* Unknown keys are mistakes worth a message. */
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_pop(L, 1);
		bool known = lua_type(L, -1) == LUA_TNUMBER;
		for (int i = 0; rule_keys[i] && !known; i++)
			known = lua_type(L, -1) == LUA_TSTRING && !strcmp(lua_tostring(L, -1), rule_keys[i]);
		if (!known) {
			const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?";
			int rc = fail(ld, "unknown banner rule '%s' (path, section, tag, kind, param, source, lua, all, any, not)", k);
			lua_pop(L, 1);
			return rc;
		}
	}
	r->type = R_ALL;
	for (int i = 0; rule_keys[i]; i++) {
		const char *key = rule_keys[i];
		lua_getfield(L, -1, key);
		if (lua_isnil(L, -1)) {
			lua_pop(L, 1);
			continue;
		}
		struct rule k = {0};
		int rc = 0;
		if (!strcmp(key, "path") || !strcmp(key, "section") || !strcmp(key, "tag") || !strcmp(key, "kind")) {
			k.type = key[0] == 'p' ? R_PATH : key[0] == 's' ? R_SECTION : key[0] == 't' ? R_TAG : R_KIND;
			rc = string_or_list(ld, key, &k.strs);
		} else if (!strcmp(key, "param")) {
			k.type = R_ALL;
			if (!lua_istable(L, -1)) {
				rc = fail(ld, "banner rule '%s' must be a table of key = value", key);
			} else {
				lua_pushnil(L);
				while (rc == 0 && lua_next(L, -2)) {
					struct rule pr = {.type = R_PARAM};
					pr.key = xstrdup(luaL_tolstring(L, -2, NULL));
					lua_pop(L, 1);
					pr.value = xstrdup(luaL_tolstring(L, -1, NULL));
					lua_pop(L, 2);
					add_kid(&k, pr);
				}
			}
		} else if (!strcmp(key, "source")) {
			k.type = R_SOURCE;
			if (lua_type(L, -1) != LUA_TSTRING) {
				rc = fail(ld, "banner rule '%s' must be a regular expression string", key);
			} else {
				int e = regcomp(&k.re, lua_tostring(L, -1), REG_EXTENDED | REG_NOSUB | REG_NEWLINE);
				if (e) {
					char msg[256];
					regerror(e, &k.re, msg, sizeof msg);
					k.type = R_TRUE;
					rc = fail(ld, "banner rule 'source': bad regular expression: %s", msg);
				}
			}
		} else if (!strcmp(key, "lua")) {
			if (!lua_isfunction(L, -1))
				rc = fail(ld, "banner rule '%s' must be a function(page)", key);
			else
				rc = load_rule(ld, &k, depth + 1);
		} else if (!strcmp(key, "not")) {
			k.type = R_NOT;
			struct rule inner;
			rc = load_rule(ld, &inner, depth + 1);
			add_kid(&k, inner);
		} else { /* all / any */
			k.type = key[1] == 'l' ? R_ALL : R_ANY;
			if (!lua_istable(L, -1)) {
				rc = fail(ld, "banner rule '%s' must be a list of rules", key);
			} else {
				size_t n = lua_rawlen(L, -1);
				for (size_t j = 0; j < n && rc == 0; j++) {
					lua_rawgeti(L, -1, (lua_Integer)j + 1);
					struct rule inner;
					rc = load_rule(ld, &inner, depth + 1);
					add_kid(&k, inner);
					lua_pop(L, 1);
				}
			}
		}
		lua_pop(L, 1);
		add_kid(r, k);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int get_opt_string(struct loader *ld, const char *key, char **out)
{
	lua_getfield(ld->L, -1, key);
	int rc = 0;
	if (lua_type(ld->L, -1) == LUA_TSTRING)
		*out = xstrdup(lua_tostring(ld->L, -1));
	else if (!lua_isnil(ld->L, -1))
		rc = fail(ld, "banner field '%s' must be a string", key);
	lua_pop(ld->L, 1);
	return rc;
}

static int get_day(struct loader *ld, const char *key, time_t *out)
{
	char *s = NULL;
	struct date d;
	int rc = get_opt_string(ld, key, &s);
	if (rc == 0 && s && (date_parse(s, &d) || d.has_time))
		rc = fail(ld, "banner date '%s' must look like 2026-01-31", s);
	else if (rc == 0 && s)
		*out = d.t; /* midnight UTC */
	free(s);
	return rc;
}

/* Position of level in levels[] (and labels[]), or -1 for an unknown level. */
static int level_index(const char *level)
{
	for (int i = 0; levels[i]; i++)
		if (!strcmp(levels[i], level))
			return i;
	return -1;
}

static int check_level(struct loader *ld, const char *level)
{
	if (level_index(level) >= 0)
		return 0;
	return fail(ld, "banner level '%s' must be info, notice, warning or deprecation", level);
}

int banners_load(const struct config *cfg, struct banners **out)
{
	struct banners *b = xcalloc(1, sizeof *b);
	b->cfg = cfg;
	*out = b;
	lua_State *L = config_state(cfg);
	if (!L)
		return -1;
	struct loader ld = {b, L, config_key_line(cfg, "banners")};
	int rc = 0;
	config_push_table(L);
	lua_getfield(L, -1, "banners");
	if (lua_istable(L, -1)) {
		size_t n = lua_rawlen(L, -1);
		b->defs = xcalloc(n + 1, sizeof *b->defs);
		for (size_t i = 0; i < n; i++) {
			lua_rawgeti(L, -1, (lua_Integer)i + 1);
			struct def *d = &b->defs[b->n++];
			d->index = i;
			if (!lua_istable(L, -1)) {
				rc = fail(&ld, "each banner must be a table, not a %s", luaL_typename(L, -1));
				lua_pop(L, 1);
				continue;
			}
			char *msg = NULL;
			rc |= get_opt_string(&ld, "id", &d->id);
			rc |= get_opt_string(&ld, "level", &d->level);
			rc |= get_opt_string(&ld, "message", &msg);
			rc |= get_opt_string(&ld, "link", &d->link);
			rc |= get_opt_string(&ld, "link_text", &d->link_text);
			rc |= get_day(&ld, "start", &d->start);
			rc |= get_day(&ld, "end", &d->end);
			rc |= get_day(&ld, "deadline", &d->deadline);
			if (!d->id)
				rc = fail(&ld, "banner %s needs an 'id' (dismissal is remembered by id)", "without id");
			if (!msg)
				rc = fail(&ld, "banner '%s' needs a 'message'", d->id ? d->id : "?");
			if (!d->level)
				d->level = xstrdup("info");
			else if (check_level(&ld, d->level) < 0)
				rc = -1;
			lua_getfield(L, -1, "dismissible");
			d->dismissible = lua_isnil(L, -1) ? true : lua_toboolean(L, -1);
			lua_pop(L, 1);
			lua_getfield(L, -1, "order");
			d->order = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
			lua_pop(L, 1);
			lua_getfield(L, -1, "match");
			if (lua_isnil(L, -1))
				d->rule.type = R_TRUE;
			else if (load_rule(&ld, &d->rule, 0) < 0)
				rc = -1;
			lua_pop(L, 1);
			if (msg) {
				struct buf h = BUF_INIT;
				markdown_inline(msg, strlen(msg), &h);
				d->html = buf_detach(&h, NULL);
			}
			free(msg);
			lua_pop(L, 1);
		}
	} else if (!lua_isnil(L, -1)) {
		rc = fail(&ld, "'banners' must be a list of banner tables%s", "");
	}
	lua_close(L);
	return rc < 0 ? -1 : 0;
}

/* --- matching ------------------------------------------------------------------------ */

/* Collects every function rule of site.lua's banners into a registry table, in the same
 * order load_rule numbered them. Done once per Lua state. */
static void collect_fns(lua_State *L, int fns, int *n, int depth)
{
	if (depth > RULE_MAX_DEPTH)
		return;
	if (lua_isfunction(L, -1)) {
		lua_pushvalue(L, -1);
		lua_rawseti(L, fns, ++*n);
		return;
	}
	if (!lua_istable(L, -1))
		return;
	for (int i = 0; rule_keys[i]; i++) {
		const char *key = rule_keys[i];
		lua_getfield(L, -1, key);
		if (!strcmp(key, "lua") || !strcmp(key, "not")) {
			collect_fns(L, fns, n, depth + 1);
		} else if ((!strcmp(key, "all") || !strcmp(key, "any")) && lua_istable(L, -1)) {
			size_t len = lua_rawlen(L, -1);
			for (size_t j = 0; j < len; j++) {
				lua_rawgeti(L, -1, (lua_Integer)j + 1);
				collect_fns(L, fns, n, depth + 1);
				lua_pop(L, 1);
			}
		}
		lua_pop(L, 1);
	}
}

static void push_fns(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, "nfsite.banner_fns");
	if (!lua_isnil(L, -1))
		return;
	lua_pop(L, 1);
	lua_newtable(L);
	int fns = lua_gettop(L);
	int n = 0;
	config_push_table(L);
	lua_getfield(L, -1, "banners");
	if (lua_istable(L, -1)) {
		size_t len = lua_rawlen(L, -1);
		for (size_t i = 0; i < len; i++) {
			lua_rawgeti(L, -1, (lua_Integer)i + 1);
			if (lua_istable(L, -1)) {
				lua_getfield(L, -1, "match");
				collect_fns(L, fns, &n, 0);
				lua_pop(L, 1);
			}
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 2);
	lua_pushvalue(L, fns);
	lua_setfield(L, LUA_REGISTRYINDEX, "nfsite.banner_fns");
}

static bool in_list(const char **list, const char *s)
{
	for (size_t i = 0; list && list[i]; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

/* 1 match, 0 no match, -1 error (a Lua rule failed). */
static int eval(const struct banners *b, const struct rule *r, struct tmpl *t, const struct page *p)
{
	switch (r->type) {
	case R_TRUE:
		return 1;
	case R_ALL:
		for (size_t i = 0; i < r->nkids; i++) {
			int m = eval(b, &r->kids[i], t, p);
			if (m <= 0)
				return m;
		}
		return 1;
	case R_ANY:
		for (size_t i = 0; i < r->nkids; i++) {
			int m = eval(b, &r->kids[i], t, p);
			if (m != 0)
				return m;
		}
		return 0;
	case R_NOT: {
		int m = r->nkids ? eval(b, &r->kids[0], t, p) : 0;
		return m < 0 ? m : !m;
	}
	case R_PATH:
		for (char **s = r->strs; *s; s++)
			if (fnmatch(*s, p->url, 0) == 0)
				return 1;
		return 0;
	case R_SECTION:
		for (char **s = r->strs; *s; s++)
			for (const struct page *sec = p->section; sec; sec = sec->section)
				if (!strcmp(sec->url, *s))
					return 1;
		return 0;
	case R_TAG:
		for (char **s = r->strs; *s; s++)
			if (in_list(p->tags, *s))
				return 1;
		return 0;
	case R_KIND:
		for (char **s = r->strs; *s; s++)
			if (!strcmp(p->kind_name, *s))
				return 1;
		return 0;
	case R_PARAM: {
		const struct fm_value *v = fm_get(p->fm, r->key);
		if (!v || !v->str)
			return 0;
		return !strcmp(v->str, r->value) || (v->type == FM_BOOL && !strcmp(v->b ? "true" : "false", r->value));
	}
	case R_SOURCE:
		return p->body && regexec(&r->re, p->body, 0, NULL, 0) == 0;
	case R_LUA: {
		lua_State *L = tmpl_lua(t);
		push_fns(L);
		lua_rawgeti(L, -1, r->fn);
		tmpl_push_page(t, p);
		if (lua_run(L, 1, 1) != LUA_OK) {
			lua_run_error(L, b->cfg->file);
			lua_pop(L, 1);
			return -1;
		}
		int m = lua_toboolean(L, -1);
		lua_pop(L, 2);
		return m;
	}
	}
	return 0;
}

static int cmp_def(const void *a, const void *b)
{
	const struct def *x = *(const struct def *const *)a, *y = *(const struct def *const *)b;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static void fill(struct banner_out *o, const char *id, const char *level, const char *html, const char *link,
                 const char *link_text, bool dismissible, long days_left)
{
	o->id = xstrdup(id);
	o->level = xstrdup(level);
	o->html = xstrdup(html ? html : "");
	o->link = link ? xstrdup(link) : NULL;
	o->link_text = link_text ? xstrdup(link_text) : link ? xstrdup("Read more") : NULL;
	o->dismissible = dismissible;
	o->days_left = days_left;
	int i = level_index(level);
	o->label = xstrdup(i >= 0 ? labels[i] : "Notice");
}

int banners_for_page(const struct banners *b, struct tmpl *t, const struct page *p, time_t now,
                     struct banner_out **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	const struct def **hits = xcalloc(b->n + 1, sizeof *hits);
	size_t nh = 0;
	int rc = 0;
	if (p->banners_enabled) {
		for (size_t i = 0; i < b->n; i++) {
			const struct def *d = &b->defs[i];
			if ((d->start && now < d->start) || (d->end && now >= d->end + 86400))
				continue;
			int m = eval(b, &d->rule, t, p);
			if (m < 0) {
				rc = -1;
				break;
			}
			if (m)
				hits[nh++] = d;
		}
	}
	qsort(hits, nh, sizeof *hits, cmp_def);
	const struct fm_value *own = fm_get(p->fm, "banner");
	*out = xcalloc(nh + 1, sizeof **out);
	for (size_t i = 0; i < nh; i++) {
		const struct def *d = hits[i];
		long left = -1;
		if (d->deadline)
			left = d->deadline > now ? (long)((d->deadline - now + 86399) / 86400) : 0;
		fill(&(*out)[(*n)++], d->id, d->level, d->html, d->link, d->link_text, d->dismissible, left);
	}
	if (rc == 0 && own && own->type == FM_MAP) {
		const struct fm_value *msg = fm_get(own, "message"), *lv = fm_get(own, "level"),
		                      *id = fm_get(own, "id"), *link = fm_get(own, "link"),
		                      *lt = fm_get(own, "link_text"), *dis = fm_get(own, "dismissible");
		const char *level = lv && lv->str ? lv->str : "info";
		if (!msg || !msg->str) {
			rc = error_at(p->file, own->line, "front matter 'banner' needs a 'message'");
		} else if (level_index(level) < 0) {
			rc = error_at(p->file, lv->line, "banner level '%s' must be info, notice, warning or deprecation", level);
		} else {
			struct buf h = BUF_INIT, bid = BUF_INIT;
			markdown_inline(msg->str, strlen(msg->str), &h);
			if (id && id->str)
				buf_puts(&bid, id->str);
			else
				buf_printf(&bid, "page%s", p->url);
			fill(&(*out)[(*n)++], bid.data, level, h.data, link ? link->str : NULL, lt ? lt->str : NULL,
			     !(dis && dis->type == FM_BOOL && !dis->b), -1);
			buf_release(&h);
			buf_release(&bid);
		}
	}
	free(hits);
	return rc;
}

void banner_out_free(struct banner_out *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(b[i].id);
		free(b[i].level);
		free(b[i].html);
		free(b[i].link);
		free(b[i].link_text);
		free(b[i].label);
	}
	free(b);
}
