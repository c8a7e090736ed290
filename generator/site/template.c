/* template: the Lua template compiler and the variables templates see.
 *
 * Compilation turns text into Lua statements appending to the global output table __o.
 * Every newline of the template becomes a newline of the Lua source, so a Lua error's
 * line number is the template's. Blocks compile to closures: a base template calls
 * __block(name, default), a template that extends another registers its closures with
 * __defblock and its own output is dropped; the render loop then runs the parent. */
#include "site/template.h"
#include "base/buf.h"
#include "base/date.h"
#include "site/config.h"
#include "site/content.h"
#include "site/taxonomy.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/log.h"
#include "base/lua.h"
#include "site/markdown.h"
#include "site/theme.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#define TMPL_MAX_DEPTH 32

/* A tmpl keeps its own copies of the few settings it needs, so it can outlive the
 * build that made it (the preview server reuses it while the site's shape holds). */
struct tmpl {
	lua_State *L;
	const struct config *cfg; /* only while tmpl_new runs */
	char *source, *base_path, *base_url, *file;
	struct json *json;
	int depth;
	struct chain *chain; /* of the innermost run_template */
};

/* The templates one render has run so far, the page's first, each extending the one
 * before; __extends checks a new name against them. Partials start their own. */
struct chain {
	char *names[TMPL_MAX_DEPTH + 1];
	int n;
	char *parent; /* what the template running now extends, NULL when nothing */
	struct chain *up;
};

/* --- compiler ------------------------------------------------------------------------ */

static void lua_string_literal(struct buf *out, const char *p, size_t n)
{
	buf_putc(out, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '"' || c == '\\') {
			buf_putc(out, '\\');
			buf_putc(out, c);
		} else if (c == '\n') {
			buf_puts(out, "\\n");
		} else if (c < 32 || c == 127) {
			buf_printf(out, "\\%03u", c);
		} else {
			buf_putc(out, c);
		}
	}
	buf_putc(out, '"');
}

static void newlines(struct buf *out, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] == '\n')
			buf_putc(out, '\n');
}

static int line_at(const char *src, const char *p)
{
	int line = 1;
	for (const char *s = src; s < p; s++)
		line += *s == '\n';
	return line;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void emit_text(struct buf *out, const char *p, size_t n)
{
	if (n) {
		buf_puts(out, "__o[#__o+1]=");
		lua_string_literal(out, p, n);
		buf_putc(out, ' ');
	}
	newlines(out, p, n);
}

/* Parses a quoted name after a keyword: extends "base.html" → base.html. */
static char *quoted_arg(const char *p, size_t n)
{
	const char *q = memchr(p, '"', n);
	if (!q)
		q = memchr(p, '\'', n);
	if (!q)
		return NULL;
	const char *e = memchr(q + 1, *q, n - (size_t)(q + 1 - p));
	return e ? xstrndup(q + 1, (size_t)(e - q - 1)) : NULL;
}

static bool keyword(const char *p, size_t n, const char *kw, const char **rest)
{
	size_t k = strlen(kw);
	if (n < k || memcmp(p, kw, k) || (n > k && p[k] != ' ' && p[k] != '\t' && p[k] != '\n'))
		return false;
	*rest = p + k;
	return true;
}

int tmpl_compile(const char *file, const char *src, size_t len, struct buf *out)
{
	const char *p = src, *end = src + len;
	bool extends = false;
	int blocks = 0;
	/* First pass: does this template extend another? Then blocks register, not render. */
	for (const char *s = src; (s = memmem(s, (size_t)(end - s), "{%", 2)); s += 2) {
		const char *b = s + 2;
		while (b < end && (*b == ' ' || *b == '-'))
			b++;
		if (end - b >= 7 && !memcmp(b, "extends", 7))
			extends = true;
	}
	while (p < end) {
		const char *open = NULL;
		for (const char *s = p; s + 1 < end; s++)
			if (s[0] == '{' && (s[1] == '{' || s[1] == '*' || s[1] == '%' || s[1] == '#')) {
				open = s;
				break;
			}
		if (!open) {
			emit_text(out, p, (size_t)(end - p));
			break;
		}
		char kind = open[1];
		const char *close_pat = kind == '{' ? "}}" : kind == '*' ? "*}" : kind == '%' ? "%}" : "#}";
		const char *inner = open + 2;
		const char *close = memmem(inner, (size_t)(end - inner), close_pat, 2);
		if (!close)
			return error_at(file, line_at(src, open), "unclosed '%.2s' tag", open);
		const char *after = close + 2;
		bool trim_left = inner < close && *inner == '-';
		/* "{%-%}": the one '-' trims the left only, or inner would pass inner_end. */
		bool trim_right = close > inner + trim_left && close[-1] == '-';
		if (trim_left)
			inner++;
		const char *inner_end = trim_right ? close - 1 : close;
		/* Literal text before the tag, with whitespace trimming for statement lines. */
		const char *text_end = open;
		bool stmt = kind == '%' || kind == '#';
		if (trim_left) {
			while (text_end > p && (is_blank(text_end[-1]) || text_end[-1] == '\r' || text_end[-1] == '\n'))
				text_end--;
		} else if (stmt) {
			/* A statement alone on its line leaves no blank line behind. */
			const char *ls = text_end;
			while (ls > p && (ls[-1] == ' ' || ls[-1] == '\t'))
				ls--;
			const char *a = after;
			if (a < end && *a == '\r')
				a++;
			if ((ls == src || (ls > p && ls[-1] == '\n') || (ls == p && p != src && p[-1] == '\n')) &&
			    (a == end || *a == '\n')) {
				text_end = ls;
				trim_right = true; /* eat the newline after the tag */
			}
		}
		emit_text(out, p, (size_t)(text_end - p));
		newlines(out, text_end, (size_t)(open - text_end));
		const char *e = inner_end;
		while (inner < e && is_blank(*inner))
			inner++;
		while (e > inner && is_blank(e[-1]))
			e--;
		size_t n = (size_t)(e - inner);
		const char *rest;
		if (kind == '{' || kind == '*') {
			if (!n)
				return error_at(file, line_at(src, open), "empty expression tag");
			buf_puts(out, kind == '{' ? "__o[#__o+1]=__e(" : "__o[#__o+1]=__r(");
			buf_add(out, inner, n);
			buf_puts(out, ") ");
		} else if (kind == '#') {
			newlines(out, inner, n);
		} else if (keyword(inner, n, "extends", &rest)) {
			newlines(out, inner, n);
			char *name = quoted_arg(rest, (size_t)(e - rest));
			if (!name)
				return error_at(file, line_at(src, open), "extends needs a quoted template name");
			buf_puts(out, "__extends(");
			lua_string_literal(out, name, strlen(name));
			buf_puts(out, ") ");
			free(name);
		} else if (keyword(inner, n, "block", &rest)) {
			while (rest < e && (*rest == ' ' || *rest == '\t'))
				rest++;
			size_t k = 0;
			while (rest + k < e && (rest[k] == '_' || (rest[k] >= 'a' && rest[k] <= 'z') ||
			                        (rest[k] >= 'A' && rest[k] <= 'Z') || (rest[k] >= '0' && rest[k] <= '9')))
				k++;
			if (!k)
				return error_at(file, line_at(src, open), "block needs a name");
			newlines(out, inner, n);
			buf_puts(out, extends ? "__defblock(" : "__block(");
			lua_string_literal(out, rest, k);
			buf_puts(out, ",function() ");
			blocks++;
		} else if (keyword(inner, n, "endblock", &rest)) {
			if (!blocks)
				return error_at(file, line_at(src, open), "endblock without block");
			blocks--;
			newlines(out, inner, n);
			buf_puts(out, "end) ");
		} else {
			buf_add(out, inner, n);
			buf_putc(out, ' ');
		}
		p = after;
		if (trim_right) {
			if (p < end && *p == '\r')
				p++;
			if (p < end && *p == '\n') {
				buf_putc(out, '\n');
				p++;
			}
			if (inner_end != close) /* explicit -%}: eat all following whitespace */
				while (p < end && (is_blank(*p) || *p == '\r' || *p == '\n')) {
					if (*p == '\n')
						buf_putc(out, '\n');
					p++;
				}
		}
	}
	if (blocks)
		return error_at(file, line_at(src, end), "block without endblock");
	return 0;
}

/* --- lookup and loading ------------------------------------------------------------- */

static const struct theme_file *theme_find(const char *path)
{
	for (const struct theme_file *f = theme_files; f->path; f++)
		if (!strcmp(f->path, path))
			return f;
	return NULL;
}

static bool template_found(const char *source, const char *name)
{
	if (!fs_rel_is_safe(name, strlen(name)))
		return false;
	char *path = xasprintf("%s/templates/%s", source, name);
	bool ok = fs_exists(path);
	free(path);
	if (ok)
		return true;
	char *tp = xasprintf("templates/%s", name);
	ok = theme_find(tp) != NULL;
	free(tp);
	return ok;
}

bool tmpl_exists(const struct config *cfg, const char *name)
{
	return template_found(cfg->source, name);
}

/* True when name is compiled in this state already: it was found when first used, and a
 * state lives for one build, so the file system need not be asked again for every page
 * (the default theme's partials cost 13 failed stats a page). */
static bool compiled(lua_State *L, const char *name)
{
	lua_getfield(L, LUA_REGISTRYINDEX, "nfsite.compiled");
	bool yes = lua_getfield(L, -1, name) == LUA_TFUNCTION;
	lua_pop(L, 2);
	return yes;
}

/* Pushes the compiled function for name, compiling on first use. */
static int load_template(struct tmpl *t, const char *name)
{
	lua_State *L = t->L;
	lua_getfield(L, LUA_REGISTRYINDEX, "nfsite.compiled");
	lua_getfield(L, -1, name);
	if (lua_isfunction(L, -1)) {
		lua_remove(L, -2);
		return 0;
	}
	lua_pop(L, 1);
	int rc = -1;
	struct buf src = BUF_INIT, code = BUF_INIT;
	char *path = NULL, *chunk = NULL;
	if (!fs_rel_is_safe(name, strlen(name))) {
		error_at(NULL, 0, "template name '%s' is not a safe relative path", name);
		goto out;
	}
	path = xasprintf("%s/templates/%s", t->source, name);
	if (fs_exists(path)) {
		if (fs_read_file(path, &src) < 0)
			goto out;
		chunk = xasprintf("=%s", path);
	} else {
		char *tp = xasprintf("templates/%s", name);
		const struct theme_file *f = theme_find(tp);
		free(tp);
		if (!f) {
			error_at(NULL, 0, "unknown template '%s' (not in templates/ nor in the default theme)", name);
			goto out;
		}
		buf_add(&src, f->data, f->len);
		free(path);
		path = xasprintf("theme/templates/%s", name);
		chunk = xasprintf("=%s", path);
	}
	if (tmpl_compile(path, src.data, src.len, &code) < 0)
		goto out;
	lua_getfield(L, LUA_REGISTRYINDEX, "nfsite.env");
	if (luaL_loadbufferx(L, code.data, code.len, chunk, "t") != LUA_OK) {
		lua_remove(L, -2); /* env */
		lua_run_error(L, path);
		goto out;
	}
	lua_pushvalue(L, -2);
	lua_setupvalue(L, -2, 1); /* _ENV */
	lua_remove(L, -2);
	lua_pushvalue(L, -1);
	lua_setfield(L, -3, name);
	lua_remove(L, -2);
	rc = 0;
out:
	if (rc < 0)
		lua_pop(L, 1); /* the cache table */
	buf_release(&src);
	buf_release(&code);
	free(path);
	free(chunk);
	return rc;
}

/* --- helpers visible to templates ------------------------------------------------------ */

static struct tmpl *self(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

static void push_escaped(lua_State *L, int idx)
{
	size_t n;
	const char *s = luaL_tolstring(L, idx, &n);
	/* Most values need no escaping: hand back the string itself (no copy, no interning). */
	if (strcspn(s, "&<>\"'") == n)
		return;
	struct buf b = BUF_INIT;
	buf_add_html(&b, s, n);
	lua_pop(L, 1);
	lua_pushlstring(L, b.data, b.len);
	buf_release(&b);
}

static int l_escape(lua_State *L)
{
	if (lua_isnoneornil(L, 1)) {
		lua_pushliteral(L, "");
		return 1;
	}
	push_escaped(L, 1);
	return 1;
}

static int l_raw(lua_State *L)
{
	if (lua_isnoneornil(L, 1)) {
		lua_pushliteral(L, "");
		return 1;
	}
	luaL_tolstring(L, 1, NULL);
	return 1;
}

static int l_url(lua_State *L)
{
	struct tmpl *t = self(L);
	const char *path = luaL_optstring(L, 1, "/");
	if (path[0] == '/' && path[1] != '/')
		lua_pushfstring(L, "%s%s", t->base_path, path);
	else
		lua_pushstring(L, path);
	return 1;
}

static int l_abs_url(lua_State *L)
{
	struct tmpl *t = self(L);
	const char *path = luaL_optstring(L, 1, "/");
	if (strstr(path, "://")) {
		lua_pushstring(L, path);
		return 1;
	}
	while (*path == '/')
		path++;
	lua_pushfstring(L, "%s%s", t->base_url, path);
	return 1;
}

/* date_format("2024-05-01", "%d %B %Y"): the wall-clock time in the offset the date was
 * written in; what is not a date comes back unchanged. */
static int l_date_format(lua_State *L)
{
	const char *s = luaL_optstring(L, 1, "");
	const char *fmt = luaL_optstring(L, 2, "%Y-%m-%d");
	struct date d;
	if (date_parse(s, &d)) {
		lua_pushstring(L, s);
		return 1;
	}
	char out[256];
	size_t n = date_strftime(&d, fmt, out, sizeof out);
	lua_pushlstring(L, out, n);
	return 1;
}

static int l_markdown(lua_State *L)
{
	size_t n;
	const char *s = luaL_optlstring(L, 1, "", &n);
	struct md_doc doc = MD_DOC_INIT;
	struct md_opts opts = {.file = "markdown()", .first_line = 1};
	markdown_render(s, n, &opts, &doc);
	lua_pushlstring(L, doc.html.data, doc.html.len);
	md_doc_release(&doc);
	return 1;
}

static void json_value(lua_State *L, struct tmpl *t, int idx, struct buf *out, int depth)
{
	idx = lua_absindex(L, idx);
	if (depth > TMPL_MAX_DEPTH) {
		buf_puts(out, "null");
		return;
	}
	switch (lua_type(L, idx)) {
	case LUA_TBOOLEAN:
		buf_puts(out, lua_toboolean(L, idx) ? "true" : "false");
		break;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx))
			buf_printf(out, "%lld", (long long)lua_tointeger(L, idx));
		else
			buf_printf(out, "%.17g", lua_tonumber(L, idx));
		break;
	case LUA_TSTRING: {
		size_t n;
		const char *s = lua_tolstring(L, idx, &n);
		json_string(t->json, out, s, n);
		break;
	}
	case LUA_TTABLE: {
		lua_Integer len = (lua_Integer)lua_rawlen(L, idx);
		if (len > 0) {
			buf_putc(out, '[');
			for (lua_Integer i = 1; i <= len; i++) {
				if (i > 1)
					buf_putc(out, ',');
				lua_rawgeti(L, idx, i);
				json_value(L, t, -1, out, depth + 1);
				lua_pop(L, 1);
			}
			buf_putc(out, ']');
			break;
		}
		/* Objects: keys sorted so output is deterministic. */
		lua_newtable(L);
		int keys = lua_gettop(L);
		lua_Integer nk = 0;
		lua_pushnil(L);
		while (lua_next(L, idx)) {
			lua_pop(L, 1);
			if (lua_type(L, -1) == LUA_TSTRING) {
				lua_pushvalue(L, -1);
				lua_rawseti(L, keys, ++nk);
			}
		}
		lua_getglobal(L, "table");
		lua_getfield(L, -1, "sort");
		lua_pushvalue(L, keys);
		lua_call(L, 1, 0);
		lua_pop(L, 1);
		buf_putc(out, '{');
		for (lua_Integer i = 1; i <= nk; i++) {
			if (i > 1)
				buf_putc(out, ',');
			lua_rawgeti(L, keys, i);
			size_t n;
			const char *k = lua_tolstring(L, -1, &n);
			json_string(t->json, out, k, n);
			buf_putc(out, ':');
			lua_rawget(L, idx);
			json_value(L, t, -1, out, depth + 1);
			lua_pop(L, 1);
		}
		buf_putc(out, '}');
		lua_pop(L, 1);
		break;
	}
	default:
		buf_puts(out, "null");
	}
}

static int l_json(lua_State *L)
{
	struct buf b = BUF_INIT;
	json_value(L, self(L), 1, &b, 0);
	lua_pushlstring(L, b.data, b.len);
	buf_release(&b);
	return 1;
}

/* Runs the template on top of the stack with a fresh output table; returns its text. */
static int run_template(lua_State *L, struct tmpl *t, const char *name, struct buf *out);

static int l_partial(lua_State *L)
{
	struct tmpl *t = self(L);
	const char *name = luaL_checkstring(L, 1);
	if (t->depth >= TMPL_MAX_DEPTH)
		return luaL_error(L, "partial '%s': templates nested deeper than %d", name, TMPL_MAX_DEPTH);
	char full[512];
	if (snprintf(full, sizeof full, "partials/%s", name) >= (int)sizeof full)
		return luaL_error(L, "partial name too long: '%s'", name);
	/* Checked here, so the message names the line of the partial() call. */
	if (!compiled(L, full) && !template_found(t->source, full))
		return luaL_error(L, "unknown partial '%s' (not in templates/partials/ nor in the default theme)", name);
	t->depth++;
	int rc = run_template(L, t, full, NULL);
	t->depth--;
	if (rc < 0) {
		/* Already reported with the partial's own file:line; stop the caller quietly. */
		lua_pushliteral(L, "\x01nfsite-reported");
		return lua_error(L);
	}
	return 1; /* run_template left the text on the stack */
}

/* {% extends "name" %}: the parent runs after this template; a missing one, a cycle or
 * a chain too long is an error at the line of the tag. */
static int l_extends(lua_State *L)
{
	struct tmpl *t = self(L);
	const char *name = luaL_checkstring(L, 1);
	struct chain *c = t->chain;
	if (!c)
		return luaL_error(L, "extends outside a template");
	if (!compiled(L, name) && !template_found(t->source, name))
		return luaL_error(L, "extends unknown template '%s' (not in templates/ nor in the default theme)", name);
	for (int i = 0; i < c->n; i++) {
		if (strcmp(c->names[i], name))
			continue;
		luaL_Buffer b;
		luaL_buffinit(L, &b);
		for (int k = i; k < c->n; k++) {
			luaL_addstring(&b, c->names[k]);
			luaL_addstring(&b, " → ");
		}
		luaL_addstring(&b, name);
		luaL_pushresult(&b);
		return luaL_error(L, "extends cycle: %s", lua_tostring(L, -1));
	}
	if (c->n > TMPL_MAX_DEPTH)
		return luaL_error(L, "extends chain deeper than %d", TMPL_MAX_DEPTH);
	free(c->parent);
	c->parent = xstrdup(name);
	return 0;
}

static const char PRELUDE[] =
	"local env = ...\n"
	"function env.__block(name, fn) local f = env.__blocks[name] or fn; f() end\n"
	"function env.__defblock(name, fn) if not env.__blocks[name] then env.__blocks[name] = fn end end\n";

/* Runs template name (and the templates it extends) with fresh output and block tables,
 * restoring the caller's afterwards: a partial renders in the middle of its caller. The
 * text goes to out, or, when out is NULL, stays on the Lua stack as one string. */
static int run_template(lua_State *L, struct tmpl *t, const char *name, struct buf *out)
{
	lua_getfield(L, LUA_REGISTRYINDEX, "nfsite.env");
	int env = lua_gettop(L);
	lua_getfield(L, env, "__blocks"); /* env+1: the caller's, put back at the end */
	lua_getfield(L, env, "__o");      /* env+2 */
	int rc = -1;
	struct chain chain = {.names = {xstrdup(name)}, .n = 1, .up = t->chain};
	t->chain = &chain;
	lua_newtable(L);
	lua_setfield(L, env, "__blocks");
	for (;;) {
		const char *current = chain.names[chain.n - 1];
		lua_newtable(L);
		lua_setfield(L, env, "__o");
		if (load_template(t, current) < 0)
			goto out;
		if (lua_run(L, 0, 0) != LUA_OK) {
			const char *msg = lua_tostring(L, -1);
			if (msg && !strcmp(msg, "\x01nfsite-reported"))
				lua_pop(L, 1);
			else
				lua_run_error(L, current);
			goto out;
		}
		if (!chain.parent)
			break;
		chain.names[chain.n++] = chain.parent; /* __extends checked it has room */
		chain.parent = NULL;
	}
	lua_getfield(L, env, "__o");
	lua_Integer n = (lua_Integer)lua_rawlen(L, env + 3);
	if (out) {
		for (lua_Integer i = 1; i <= n; i++) {
			size_t len;
			lua_rawgeti(L, env + 3, i);
			const char *s = lua_tolstring(L, -1, &len);
			if (s)
				buf_add(out, s, len);
			lua_pop(L, 1);
		}
	} else {
		luaL_Buffer lb;
		luaL_buffinit(L, &lb);
		for (lua_Integer i = 1; i <= n; i++) {
			lua_rawgeti(L, env + 3, i);
			luaL_addvalue(&lb);
		}
		luaL_pushresult(&lb);
		lua_replace(L, env); /* the text takes env's slot; env stays reachable as a global */
	}
	rc = 0;
out:
	/* Put back the caller's tables. */
	lua_getfield(L, LUA_REGISTRYINDEX, "nfsite.env");
	lua_pushvalue(L, env + 1);
	lua_setfield(L, -2, "__blocks");
	lua_pushvalue(L, env + 2);
	lua_setfield(L, -2, "__o");
	lua_settop(L, rc == 0 && !out ? env : env - 1);
	t->chain = chain.up;
	for (int i = 0; i < chain.n; i++)
		free(chain.names[i]);
	free(chain.parent);
	return rc;
}

/* --- the page and site tables ---------------------------------------------------------- */

static void push_fm(lua_State *L, const struct fm_value *v)
{
	switch (v->type) {
	case FM_NULL:
		lua_pushboolean(L, 0);
		break;
	case FM_BOOL:
		lua_pushboolean(L, v->b);
		break;
	case FM_INT:
		lua_pushinteger(L, (lua_Integer)v->i);
		break;
	case FM_FLOAT:
		lua_pushnumber(L, v->f);
		break;
	case FM_STRING:
		lua_pushstring(L, v->str);
		break;
	case FM_LIST:
		lua_createtable(L, (int)v->n, 0);
		for (size_t i = 0; i < v->n; i++) {
			push_fm(L, &v->items[i]);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		break;
	case FM_MAP:
		lua_createtable(L, 0, (int)v->n);
		for (size_t i = 0; i < v->n; i++) {
			push_fm(L, &v->items[i]);
			lua_setfield(L, -2, v->keys[i]);
		}
		break;
	}
}

static void set_str(lua_State *L, const char *key, const char *val)
{
	if (val) {
		lua_pushstring(L, val);
		lua_setfield(L, -2, key);
	}
}

static void set_list(lua_State *L, const char *key, const char **items)
{
	lua_newtable(L);
	for (lua_Integer i = 0; items && items[i]; i++) {
		lua_pushstring(L, items[i]);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, key);
}

void tmpl_push_page(struct tmpl *t, const struct page *p)
{
	lua_getfield(t->L, LUA_REGISTRYINDEX, "nfsite.pages");
	lua_rawgeti(t->L, -1, (lua_Integer)p->index + 1);
	lua_remove(t->L, -2);
}

/* tag_links: {name, url} of each of the page's tags, url that of the tag's page. */
static void set_tag_links(lua_State *L, const struct page *p)
{
	lua_newtable(L);
	for (lua_Integer i = 0; p->tag_pages && p->tags[i]; i++) {
		lua_createtable(L, 0, 2);
		set_str(L, "name", p->tags[i]);
		set_str(L, "url", p->tag_pages[i]->url);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, "tag_links");
}

static void set_page_ref(lua_State *L, int pages, const char *key, const struct page *p)
{
	if (!p)
		return;
	lua_rawgeti(L, pages, (lua_Integer)p->index + 1);
	lua_setfield(L, -2, key);
}

static void set_page_list(lua_State *L, int pages, const char *key, struct page *const *list, size_t n)
{
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_rawgeti(L, pages, (lua_Integer)list[i]->index + 1);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, key);
}

static void build_tables(struct tmpl *t, const struct content *m, const char *build_date)
{
	lua_State *L = t->L;
	const struct config *cfg = t->cfg;
	lua_createtable(L, (int)m->npages, 0);
	int pages = lua_gettop(L);
	for (size_t i = 0; i < m->npages; i++) {
		const struct page *p = m->pages[i];
		lua_createtable(L, 0, 32);
		set_str(L, "title", p->title);
		set_str(L, "description", p->description ? p->description : "");
		set_str(L, "date", p->date);
		set_str(L, "updated", p->updated);
		set_str(L, "url", p->url);
		lua_pushfstring(L, "%s%s", cfg->base_url, p->url + 1);
		lua_setfield(L, -2, "permalink");
		set_str(L, "kind", p->kind_name);
		set_str(L, "summary", p->summary);
		set_str(L, "source", p->src);
		set_str(L, "question", p->question);
		set_str(L, "category", p->category);
		lua_pushboolean(L, p->draft);
		lua_setfield(L, -2, "draft");
		lua_pushinteger(L, (lua_Integer)p->weight);
		lua_setfield(L, -2, "weight");
		set_list(L, "tags", p->tags);
		set_tag_links(L, p);
		set_str(L, "term", p->term);
		set_list(L, "aliases", p->aliases);
		push_fm(L, p->fm);
		lua_setfield(L, -2, "params");
		lua_rawseti(L, pages, (lua_Integer)i + 1);
	}
	for (size_t i = 0; i < m->npages; i++) {
		const struct page *p = m->pages[i];
		lua_rawgeti(L, pages, (lua_Integer)i + 1);
		set_page_ref(L, pages, "section", p->section);
		set_page_ref(L, pages, "prev", p->prev);
		set_page_ref(L, pages, "next", p->next);
		set_page_list(L, pages, "pages", p->pages, p->npages);
		set_page_list(L, pages, "subsections", p->subsections, p->nsubsections);
		if (p->members)
			set_page_list(L, pages, "members", p->members, p->nmembers);
		/* Breadcrumbs: home … parent section. */
		size_t depth = 0;
		for (const struct page *s = p->section; s; s = s->section)
			depth++;
		lua_createtable(L, (int)depth, 0);
		size_t k = depth;
		for (const struct page *s = p->section; s; s = s->section, k--) {
			lua_rawgeti(L, pages, (lua_Integer)s->index + 1);
			lua_rawseti(L, -2, (lua_Integer)k);
		}
		lua_setfield(L, -2, "breadcrumbs");
		lua_pop(L, 1);
	}
	lua_pushvalue(L, pages);
	lua_setfield(L, LUA_REGISTRYINDEX, "nfsite.pages");

	/* site: the config table's fields plus what the build knows. */
	lua_newtable(L);
	int site = lua_gettop(L);
	config_push_table(L);
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_settable(L, site);
	}
	lua_pop(L, 1);
	set_str(L, "title", cfg->title);
	set_str(L, "base_url", cfg->base_url);
	set_str(L, "base_path", cfg->base_path);
	set_str(L, "language", cfg->language);
	set_str(L, "description", cfg->description);
	set_str(L, "build_date", build_date);
	lua_getfield(L, site, "params");
	if (lua_isnil(L, -1)) {
		lua_newtable(L);
		lua_setfield(L, site, "params");
	}
	lua_pop(L, 1);
	lua_getfield(L, site, "menus");
	if (lua_isnil(L, -1)) {
		/* No menus configured: the top-level sections, in order. */
		lua_newtable(L);
		lua_newtable(L);
		if (m->home)
			for (size_t i = 0; i < m->home->nsubsections; i++) {
				const struct page *s = m->home->subsections[i];
				lua_newtable(L);
				set_str(L, "name", s->title);
				set_str(L, "url", s->url);
				lua_rawseti(L, -2, (lua_Integer)i + 1);
			}
		lua_setfield(L, -2, "main");
		lua_setfield(L, site, "menus");
	}
	lua_pop(L, 1);
	if (m->home) {
		set_page_list(L, pages, "sections", m->home->subsections, m->home->nsubsections);
		set_page_ref(L, pages, "home", m->home);
	}
	const struct page *tags = content_find(m, TAXONOMY_URL);
	if (tags && tags->members && !tags->term)
		set_page_list(L, pages, "tags", tags->members, tags->nmembers);
	lua_pushvalue(L, pages);
	lua_setfield(L, site, "pages");
	lua_getfield(L, LUA_REGISTRYINDEX, "nfsite.env");
	lua_pushvalue(L, site);
	lua_setfield(L, -2, "site");
	lua_pop(L, 3);
}

struct tmpl *tmpl_new(lua_State *L, const struct config *cfg, const struct content *m, const char *build_date)
{
	struct tmpl *t = xcalloc(1, sizeof *t);
	t->L = L;
	t->cfg = cfg;
	t->source = xstrdup(cfg->source);
	t->base_path = xstrdup(cfg->base_path);
	t->base_url = xstrdup(cfg->base_url);
	t->file = cfg->file ? xstrdup(cfg->file) : NULL;
	/* json() output is often written raw into a <script> element. */
	t->json = json_new(true);
	/* The page tables live for the whole build while each render makes short-lived
	 * garbage: the generational collector fits, and keeps GC time per page flat. */
	lua_gc(L, LUA_GCGEN, 0, 0);
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "nfsite.compiled");
	/* The environment templates run in: helpers first, then the standard globals. */
	lua_newtable(L);
	lua_newtable(L);
	lua_pushglobaltable(L);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
	static const luaL_Reg helpers[] = {
		{"__e", l_escape}, {"__r", l_raw}, {"escape", l_escape}, {"url", l_url},
		{"abs_url", l_abs_url}, {"date_format", l_date_format}, {"markdown", l_markdown},
		{"json", l_json}, {"partial", l_partial}, {"__extends", l_extends}, {NULL, NULL},
	};
	lua_pushlightuserdata(L, t);
	luaL_setfuncs(L, helpers, 1);
	lua_setfield(L, LUA_REGISTRYINDEX, "nfsite.env");
	if (luaL_loadstring(L, PRELUDE) != LUA_OK) {
		lua_run_error(L, "template prelude");
		tmpl_free(t);
		return NULL;
	}
	lua_getfield(L, LUA_REGISTRYINDEX, "nfsite.env");
	lua_call(L, 1, 0);
	/* All of it stays alive: a collection meanwhile would only walk the growing page
	 * list again and again (at 100,000 pages a sixth of the time it takes). */
	lua_gc(L, LUA_GCSTOP);
	build_tables(t, m, build_date);
	lua_gc(L, LUA_GCRESTART);
	t->cfg = NULL;
	return t;
}

void tmpl_free(struct tmpl *t)
{
	if (!t)
		return;
	lua_close(t->L);
	json_free(t->json);
	free(t->source);
	free(t->base_path);
	free(t->base_url);
	free(t->file);
	free(t);
}

lua_State *tmpl_lua(struct tmpl *t)
{
	return t->L;
}

const char *tmpl_name_for(const struct page *p)
{
	if (p->template_name)
		return p->template_name;
	switch (p->kind) {
	case PAGE_HOME: return "home.html";
	case PAGE_SECTION: return "section.html";
	case PAGE_FAQ: return "faq.html";
	case PAGE_QUESTION: return "faq_question.html";
	case PAGE_GENERATED:
		if (!strcmp(p->kind_name, "search") || !strcmp(p->kind_name, "404"))
			return !strcmp(p->kind_name, "search") ? "search.html" : "404.html";
		if (!strcmp(p->kind_name, "tags") || !strcmp(p->kind_name, "tag"))
			return !strcmp(p->kind_name, "tags") ? "tags.html" : "tag.html";
		return strncmp(p->kind_name, "bug-", 4) ? "bug.html" : "bug_index.html";
	default: return "page.html";
	}
}

/* Per-render fields go on the page table and are removed afterwards, so other pages
 * listing this one never see a half-set state and memory does not pile up. */
static void set_render_fields(lua_State *L, const struct render_vars *v)
{
	set_str(L, "content", v->content ? v->content : "");
	const struct md_doc *d = v->doc;
	set_str(L, "toc", d ? d->toc_html.data : "");
	lua_createtable(L, d ? (int)d->nheadings : 0, 0);
	for (size_t i = 0; d && i < d->nheadings; i++) {
		lua_createtable(L, 0, 3);
		lua_pushinteger(L, d->headings[i].level);
		lua_setfield(L, -2, "level");
		set_str(L, "id", d->headings[i].id);
		set_str(L, "text", d->headings[i].text);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "headings");
	lua_createtable(L, (int)v->nbanners, 0);
	for (size_t i = 0; i < v->nbanners; i++) {
		const struct banner_out *b = &v->banners[i];
		lua_createtable(L, 0, 8);
		set_str(L, "id", b->id);
		set_str(L, "level", b->level);
		set_str(L, "html", b->html);
		set_str(L, "link", b->link);
		set_str(L, "link_text", b->link_text);
		set_str(L, "label", b->label);
		lua_pushboolean(L, b->dismissible);
		lua_setfield(L, -2, "dismissible");
		if (b->days_left >= 0) {
			lua_pushinteger(L, b->days_left);
			lua_setfield(L, -2, "days_left");
		}
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "banners");
	set_str(L, "jsonld", v->jsonld);
}

static void clear_render_fields(lua_State *L)
{
	static const char *keys[] = {"content", "toc", "headings", "banners", "jsonld"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		lua_pushnil(L);
		lua_setfield(L, -2, keys[i]);
	}
}

static int call_hook(struct tmpl *t, const char *hook)
{
	lua_State *L = t->L;
	config_push_table(L);
	lua_getfield(L, -1, "hooks");
	int rc = 0;
	if (lua_istable(L, -1)) {
		lua_getfield(L, -1, hook);
		if (lua_isfunction(L, -1)) {
			lua_pushvalue(L, -4); /* the page table */
			if (lua_run(L, 1, 0) != LUA_OK)
				rc = lua_run_error(L, t->file);
		} else {
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 2);
	return rc;
}

int tmpl_render(struct tmpl *t, const char *name, const struct page *p, const struct render_vars *vars,
                struct buf *out)
{
	lua_State *L = t->L;
	int top = lua_gettop(L);
	tmpl_push_page(t, p);
	set_render_fields(L, vars);
	lua_getfield(L, LUA_REGISTRYINDEX, "nfsite.env");
	lua_pushvalue(L, -2);
	lua_setfield(L, -2, "page");
	lua_pop(L, 1);
	int rc = call_hook(t, "page");
	if (rc == 0)
		rc = run_template(L, t, name, out);
	lua_settop(L, top + 1);
	clear_render_fields(L);
	lua_settop(L, top);
	return rc;
}
