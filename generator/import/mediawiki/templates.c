/* templates: site.lua's `wiki_templates` table, in a Lua state of our own (the build's
 * configuration is not needed to import), run under base/lua's instruction budget. */
#include "import/mediawiki/internal.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/lua.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>

struct mw_tmap {
	lua_State *L;
	int ref;
	char *path;
};

void mw_tmap_free(struct mw_tmap *t)
{
	if (!t)
		return;
	if (t->L)
		lua_close(t->L);
	free(t->path);
	free(t);
}

/* wiki_url(title) for the template functions: the new URL of a wiki page, or nil. */
static int lua_wiki_url(lua_State *L)
{
	struct mw_wiki *w = lua_touserdata(L, lua_upvalueindex(1));
	const char *title = luaL_checkstring(L, 1);
	struct buf url = BUF_INIT;
	if (mw_wiki_link_target(w, title, &url))
		lua_pushlstring(L, url.data, url.len);
	else
		lua_pushnil(L);
	buf_release(&url);
	return 1;
}

/* Loads path; *out stays NULL when it defines no wiki_templates table. */
int mw_tmap_load(struct mw_wiki *w, const char *path, struct mw_tmap **out)
{
	struct mw_tmap *t = xcalloc(1, sizeof(*t));
	struct buf pp = BUF_INIT;
	int rc = -1;
	*out = NULL;
	t->path = xstrdup(path);
	t->L = luaL_newstate();
	luaL_openlibs(t->L);
	/* require() finds modules beside site.lua and in its templates/. */
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	else
		strcpy(dir, ".");
	lua_getglobal(t->L, "package");
	buf_printf(&pp, "%s/?.lua;%s/templates/?.lua;", dir, dir);
	lua_getfield(t->L, -1, "path");
	buf_puts(&pp, lua_tostring(t->L, -1));
	lua_pop(t->L, 1);
	lua_pushstring(t->L, pp.data);
	lua_setfield(t->L, -2, "path");
	lua_pop(t->L, 1);
	free(dir);
	lua_pushlightuserdata(t->L, w);
	lua_pushcclosure(t->L, lua_wiki_url, 1);
	lua_setglobal(t->L, "wiki_url");
	if (lua_run_load(t->L, path) < 0)
		goto out;
	if (lua_run(t->L, 0, 1) != LUA_OK) {
		error_at(path, 0, "%s", lua_tostring(t->L, -1));
		goto out;
	}
	if (lua_istable(t->L, -1)) {
		lua_getfield(t->L, -1, "wiki_templates");
		lua_remove(t->L, -2);
	} else {
		lua_pop(t->L, 1);
		lua_getglobal(t->L, "wiki_templates");
	}
	if (lua_isnil(t->L, -1)) {
		lua_pop(t->L, 1);
		rc = 0;
		goto out;
	}
	if (!lua_istable(t->L, -1)) {
		error_at(path, 0, "wiki_templates must be a table of template name → function");
		goto out;
	}
	t->ref = luaL_ref(t->L, LUA_REGISTRYINDEX);
	*out = t;
	t = NULL;
	rc = 0;
out:
	mw_tmap_free(t);
	buf_release(&pp);
	return rc;
}

int mw_template_map(void *arg, const char *name, const char *const *keys,
                           const char *const *values, size_t nargs, struct buf *out)
{
	struct mw_wiki *w = arg;
	struct mw_tmap *t = w->tmap;
	struct buf norm = BUF_INIT;
	int found = 0;
	if (!t)
		return 0;
	lua_State *L = t->L;
	int top = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, t->ref);
	const char *key = name;
	lua_getfield(L, -1, name);
	if (lua_isnil(L, -1) && !mw_key_norm(w, name, strlen(name), &norm)) {
		lua_pop(L, 1);
		lua_getfield(L, -1, key = norm.data);
	}
	if (lua_isstring(L, -1)) {
		size_t n;
		const char *s = lua_tolstring(L, -1, &n);
		buf_add(out, s, n);
		found = 1;
		goto out;
	}
	if (!lua_isfunction(L, -1))
		goto out;
	lua_createtable(L, (int)nargs, 0);
	lua_Integer pos = 1;
	for (size_t i = 0; i < nargs; i++) {
		const char *k = keys ? keys[i] : NULL;
		char *end;
		lua_pushstring(L, values[i] ? values[i] : "");
		if (!k || !*k) {
			lua_rawseti(L, -2, pos++);
		} else {
			long v = strtol(k, &end, 10);
			if (!*end && v > 0)
				lua_rawseti(L, -2, v);
			else
				lua_setfield(L, -2, k);
		}
	}
	int st = lua_run(L, 1, 1);
	if (st != LUA_OK && lua_budget_spent(L)) {
		/* An endless function would cost its budget at every use: drop it from the map. */
		warn_at(t->path, 0, "wiki_templates[\"%s\"]: %s; the template is expanded as the wiki"
		        " would from now on", name, lua_tostring(L, -1));
		lua_budget_reset(L);
		lua_pushboolean(L, 0);
		lua_setfield(L, top + 1, key);
	} else if (st != LUA_OK) {
		warn_at(t->path, 0, "wiki_templates[\"%s\"]: %s", name, lua_tostring(L, -1));
	} else if (lua_isstring(L, -1)) {
		size_t n;
		const char *s = lua_tolstring(L, -1, &n);
		buf_add(out, s, n);
		found = 1;
	} else if (!lua_isnil(L, -1) && !(lua_isboolean(L, -1) && !lua_toboolean(L, -1))) {
		warn_at(t->path, 0, "wiki_templates[\"%s\"] returned a %s, not a string", name,
		        luaL_typename(L, -1));
	}
out:
	lua_settop(L, top);
	buf_release(&norm);
	return found;
}
