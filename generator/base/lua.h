/* lua: how nfsite runs Lua a site provides (site.lua, hooks, templates, banner
 * predicates, an importer's wiki templates): compiled from text only, under an
 * instruction budget, with errors that always name file:line. */
#ifndef NFSITE_LUA_H
#define NFSITE_LUA_H

#include <lua.h>
#include <stdbool.h>

/* Instructions one call into site Lua may run (site.lua, a hook, a page's template with
 * its partials, a banner predicate, a wiki template): about a second, far above what a
 * page needs, so an endless loop is an error instead of a hung build. */
#define LUA_RUN_BUDGET 200000000

/* Pushes the Lua file at path compiled (text only, never bytecode), read as fs_read_file
 * reads (a FIFO cannot hang it). Returns 0, or -1 after reporting with nothing pushed. */
int lua_run_load(lua_State *L, const char *path);
/* lua_pcall for site-provided Lua, the one way nfsite calls it: under LUA_RUN_BUDGET
 * (shared by calls nested inside one), and with an error message that always starts
 * with "file:line: ", also for error({}) or error(nil). */
int lua_run(lua_State *L, int nargs, int nresults);
/* True once a call in L ran out of its budget: a build stops using L rather than pay
 * the budget again for every page an endless hook or template would fail. */
bool lua_budget_spent(lua_State *L);
/* Lets L run again after a caller has dealt with the call that spent its budget. */
void lua_budget_reset(lua_State *L);
/* Reports the Lua error message on top of the stack ("file:line: msg") through log.h,
 * pops it and returns -1. */
int lua_run_error(lua_State *L, const char *fallback_file);

#endif
