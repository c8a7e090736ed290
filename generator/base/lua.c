/* lua: site-provided Lua under an instruction budget, errors with file:line. */
#include "base/lua.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/log.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

int lua_run_error(lua_State *L, const char *fallback_file)
{
	const char *msg = lua_tostring(L, -1);
	if (!msg)
		msg = "unknown Lua error";
	/* Lua formats "chunk:line: message"; reuse its location. */
	const char *c1 = strstr(msg, ":");
	int rc;
	if (c1 && c1 != msg) {
		char *end;
		long line = strtol(c1 + 1, &end, 10);
		if (end != c1 + 1 && *end == ':') {
			char *file = xstrndup(msg, (size_t)(c1 - msg));
			const char *rest = end + 1;
			while (*rest == ' ')
				rest++;
			rc = error_at(file, (int)line, "%s", rest);
			free(file);
			lua_pop(L, 1);
			return rc;
		}
	}
	rc = error_at(fallback_file, 0, "%s", msg);
	lua_pop(L, 1);
	return rc;
}

/* "file:line: " of the innermost Lua function on the stack from level on ("" when
 * none), for messages Lua itself gives no position. */
static void push_where(lua_State *L, int level)
{
	lua_Debug ar;
	for (; lua_getstack(L, level, &ar); level++) {
		lua_getinfo(L, "Sl", &ar);
		if (ar.currentline > 0) {
			lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
			return;
		}
	}
	lua_pushliteral(L, "");
}

/* Message handler: a string message already names file:line; any other error value
 * (error({}), error(nil)) gets the place it was raised and its type. */
static int message_handler(lua_State *L)
{
	if (lua_type(L, 1) == LUA_TSTRING)
		return 1;
	push_where(L, 1);
	if (!luaL_callmeta(L, 1, "__tostring"))
		lua_pushnil(L);
	if (lua_type(L, -1) != LUA_TSTRING) {
		lua_pop(L, 1);
		lua_pushfstring(L, "error() was given a %s value, not a message string", luaL_typename(L, 1));
	}
	lua_concat(L, 2);
	return 1;
}

static void budget_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	lua_pushboolean(L, 1);
	lua_setfield(L, LUA_REGISTRYINDEX, "nfsite.spent");
	push_where(L, 0);
	lua_pushfstring(L, "instruction budget exceeded (%d instructions: an endless loop?)", LUA_RUN_BUDGET);
	lua_concat(L, 2);
	lua_error(L);
}

bool lua_budget_spent(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, "nfsite.spent");
	bool spent = lua_toboolean(L, -1);
	lua_pop(L, 1);
	return spent;
}

void lua_budget_reset(lua_State *L)
{
	lua_pushboolean(L, 0);
	lua_setfield(L, LUA_REGISTRYINDEX, "nfsite.spent");
}

int lua_run(lua_State *L, int nargs, int nresults)
{
	int fn = lua_gettop(L) - nargs;
	lua_pushcfunction(L, message_handler);
	lua_insert(L, fn);
	/* Calls nested in one (a partial in a template) share the outer call's budget. */
	bool outer = lua_gethook(L) == NULL;
	if (outer)
		lua_sethook(L, budget_hook, LUA_MASKCOUNT, LUA_RUN_BUDGET);
	int st = lua_pcall(L, nargs, nresults, fn);
	if (outer)
		lua_sethook(L, NULL, 0, 0);
	lua_remove(L, fn);
	return st;
}

int lua_run_load(lua_State *L, const char *path)
{
	struct buf src = BUF_INIT;
	int rc = fs_read_file(path, &src);
	if (rc == 0) {
		char *chunk = xasprintf("@%s", path);
		if (luaL_loadbufferx(L, src.data, src.len, chunk, "t") != LUA_OK)
			rc = lua_run_error(L, path);
		free(chunk);
	}
	buf_release(&src);
	return rc;
}
