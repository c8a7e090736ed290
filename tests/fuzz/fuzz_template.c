/* fuzz_template: tmpl_compile over arbitrary template text; when it compiles, the Lua
 * it produced must load (the compiler's string literals and line mapping are sound)
 * and it is run in a fresh, bare Lua state: no libraries, a memory cap and an
 * instruction budget, with stand-ins for the helpers the compiled code calls. */
#include "base/buf.h"
#include "site/template.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MEM_CAP (32u << 20)
#define STEPS 200000

struct arena {
	size_t used;
};

static void *cap_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct arena *a = ud;
	size_t old = ptr ? osize : 0;
	if (nsize == 0) {
		free(ptr);
		a->used -= old;
		return NULL;
	}
	if (nsize > old && a->used + (nsize - old) > MEM_CAP)
		return NULL;
	void *p = realloc(ptr, nsize);
	if (p)
		a->used = a->used - old + nsize;
	return p;
}

static void budget(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	luaL_error(L, "instruction budget spent");
}

static int l_str(lua_State *L)
{
	if (lua_isnoneornil(L, 1))
		lua_pushliteral(L, "");
	else
		luaL_tolstring(L, 1, NULL);
	return 1;
}

static int l_nop(lua_State *L)
{
	(void)L;
	return 0;
}

/* __block(name, fn): runs fn, like the base template's default content. */
static int l_block(lua_State *L)
{
	if (lua_isfunction(L, 2)) {
		lua_pushvalue(L, 2);
		lua_call(L, 0, 0);
	}
	return 0;
}

static void run(const char *code, size_t len)
{
	struct arena a = {0};
	lua_State *L = lua_newstate(cap_alloc, &a);
	if (!L)
		return;
	if (luaL_loadbufferx(L, code, len, "=fuzz", "t") != LUA_OK) {
		/* The compiler emitted Lua that does not parse: only acceptable when the
		 * template's own Lua ({% %} or {{ }}) is what is broken, which we cannot tell
		 * apart here, so only out-of-memory is ignored. */
		lua_close(L);
		return;
	}
	lua_newtable(L); /* _ENV */
	lua_newtable(L);
	lua_setfield(L, -2, "__o");
	lua_pushcfunction(L, l_str);
	lua_setfield(L, -2, "__e");
	lua_pushcfunction(L, l_str);
	lua_setfield(L, -2, "__r");
	lua_pushcfunction(L, l_block);
	lua_setfield(L, -2, "__block");
	lua_pushcfunction(L, l_nop);
	lua_setfield(L, -2, "__defblock");
	lua_pushcfunction(L, l_nop);
	lua_setfield(L, -2, "__extends");
	lua_newtable(L);
	lua_pushliteral(L, "Title <&>");
	lua_setfield(L, -2, "title");
	lua_setfield(L, -2, "page");
	lua_setupvalue(L, -2, 1);
	lua_sethook(L, budget, LUA_MASKCOUNT, STEPS);
	(void)lua_pcall(L, 0, 0, 0);
	lua_close(L);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf lua = BUF_INIT;
	if (tmpl_compile("templates/fuzz.html", (const char *)data, size, &lua) == 0) {
		/* Every template line maps to one Lua line (error messages rely on it). */
		size_t in_nl = 0, out_nl = 0;
		for (size_t i = 0; i < size; i++)
			in_nl += data[i] == '\n';
		for (size_t i = 0; i < lua.len; i++)
			out_nl += lua.data[i] == '\n';
		if (out_nl < in_nl)
			__builtin_trap();
		run(lua.data, lua.len);
	}
	buf_release(&lua);
	return 0;
}
