/* config: loading site.lua and making the Lua states the build runs in. */
#include "site/config.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/log.h"
#include "base/suggest.h"
#include "base/lua.h"

#include <ctype.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *REG_KEY = "nfsite.config";

lua_State *config_state(const struct config *cfg)
{
	lua_State *L = luaL_newstate();
	if (!L) {
		error_at(cfg->file, 0, "cannot create a Lua state");
		return NULL;
	}
	luaL_openlibs(L);
	if (cfg->file) {
		/* require() finds modules beside site.lua (e.g. templates/wiki_templates.lua). */
		lua_getglobal(L, "package");
		lua_pushfstring(L, "%s/?.lua;%s/templates/?.lua", cfg->source, cfg->source);
		lua_setfield(L, -2, "path");
		lua_pop(L, 1);
		if (lua_run_load(L, cfg->file) < 0) {
			lua_close(L);
			return NULL;
		}
		if (lua_run(L, 0, 1) != LUA_OK) {
			lua_run_error(L, cfg->file);
			lua_close(L);
			return NULL;
		}
		if (!lua_istable(L, -1)) {
			error_at(cfg->file, 0, "site.lua must return a table (it returned %s)", luaL_typename(L, -1));
			lua_close(L);
			return NULL;
		}
	} else {
		lua_newtable(L);
	}
	lua_setfield(L, LUA_REGISTRYINDEX, REG_KEY);
	return L;
}

void config_push_table(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, REG_KEY);
}

int config_key_line(const struct config *cfg, const char *key)
{
	if (!cfg->file)
		return 0;
	struct buf b = BUF_INIT;
	int line = 0;
	size_t klen = strlen(key);
	if (fs_read_file(cfg->file, &b) == 0) {
		int n = 1;
		/* `key =` at the start of a line or after '{', ',' or a space, not `key ==`. */
		for (const char *p = b.data; *p && !line; p++) {
			if (*p == '\n') {
				n++;
				continue;
			}
			if (strncmp(p, key, klen) || (p > b.data && !strchr(" \t{,\n", p[-1])))
				continue;
			const char *t = p + klen;
			while (*t == ' ' || *t == '\t')
				t++;
			if (*t == '=' && t[1] != '=')
				line = n;
		}
	}
	buf_release(&b);
	return line;
}

/* Reads an optional string field of the table on top of the stack. */
static int get_string(lua_State *L, const struct config *cfg, const char *key, const char *def, char **out)
{
	lua_getfield(L, -1, key);
	int rc = 0;
	if (lua_isnil(L, -1))
		*out = def ? xstrdup(def) : NULL;
	else if (lua_type(L, -1) == LUA_TSTRING)
		*out = xstrdup(lua_tostring(L, -1));
	else
		rc = error_at(cfg->file, config_key_line(cfg, key), "'%s' must be a string, not a %s", key,
		              luaL_typename(L, -1));
	lua_pop(L, 1);
	return rc;
}

/* hooks = { page = function(page) … end }: a misspelt name or a value that is not a
 * function would otherwise be ignored (or fail once per page). */
static int check_hooks(lua_State *L, const struct config *cfg)
{
	int rc = 0;
	lua_getfield(L, -1, "hooks");
	if (lua_istable(L, -1)) {
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			const char *name = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
			if (!name || strcmp(name, "page"))
				rc = error_at(cfg->file, config_key_line(cfg, "hooks"), "unknown hook '%s' (the one hook is 'page')",
				              name ? name : luaL_typename(L, -2));
			else if (!lua_isfunction(L, -1))
				rc = error_at(cfg->file, config_key_line(cfg, name), "hooks.%s must be a function, not a %s", name,
				              luaL_typename(L, -1));
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 1);
	return rc;
}

enum link_policy config_link_policy(const char *s)
{
	return !strcmp(s, "error") ? LINKS_ERROR : !strcmp(s, "warn") ? LINKS_WARN : LINKS_UNSET;
}

/* links = { pages = "error"|"warn", anchors = "error"|"warn" }, on top of the stack. */
static int get_links(lua_State *L, struct config *cfg)
{
	int rc = 0;
	cfg->links_pages = cfg->links_anchors = LINKS_ERROR;
	if (lua_isnil(L, -1))
		return 0;
	if (!lua_istable(L, -1))
		return error_at(cfg->file, config_key_line(cfg, "links"),
		                "'links' must be a table like { pages = \"error\", anchors = \"warn\" }, not a %s",
		                luaL_typename(L, -1));
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		enum link_policy *to = !key ? NULL : !strcmp(key, "pages") ? &cfg->links_pages
		                                   : !strcmp(key, "anchors") ? &cfg->links_anchors : NULL;
		const char *v = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
		if (!to)
			rc = error_at(cfg->file, config_key_line(cfg, "links"), "unknown key '%s' in links (it takes pages and anchors)",
			              key ? key : luaL_typename(L, -2));
		else if (!v || !(*to = config_link_policy(v)))
			rc = error_at(cfg->file, config_key_line(cfg, key), "links.%s must be \"error\" or \"warn\", not %s%s%s", key,
			              v ? "'" : "a ", v ? v : luaL_typename(L, -1), v ? "'" : "");
		lua_pop(L, 1);
	}
	return rc;
}

/* A key of site.lua's table that nfsite does not read and that is within SUGGEST_MAX
 * edits of one it does is a typo (docs/CONFIG.md): "titel", "basurl". Others may be the
 * site's own (templates see the whole table), so they pass. */
static void warn_unknown_keys(lua_State *L, const struct config *cfg)
{
	static const char *const keys[] = {
		"title", "base_url", "language", "description", "news_section", "bug_archive", "time_zone",
		"menus", "params", "banners", "hooks", "check", "links", "wiki_templates",
	};
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING)
			continue;
		const char *k = lua_tostring(L, -1);
		struct suggest sg = SUGGEST_INIT(k);
		bool known = false;
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			known |= !strcmp(k, keys[i]);
			suggest_try(&sg, keys[i]);
		}
		if (!known && sg.best)
			warn_at(cfg->file, config_key_line(cfg, k), "unknown key '%s' (did you mean '%s'?)", k, sg.best);
	}
}

bool config_base_url_valid(const char *url)
{
	size_t n = !strncasecmp(url, "https://", 8) ? 8 : !strncasecmp(url, "http://", 7) ? 7 : 0;
	if (!n)
		return false;
	const char *host = url + n;
	size_t h = strcspn(host, "/");
	if (!h || host[0] == ':')
		return false;
	for (size_t i = 0; i < h; i++)
		if (!isalnum((unsigned char)host[i]) && !strchr("-.:[]", host[i]))
			return false;
	/* It is written into HTML, XML, robots.txt and server rules: nothing to quote. */
	for (const char *p = host + h; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || strchr("\"'<>\\?#`", *p))
			return false;
	return true;
}

int config_load(const char *source, const char *base_url_override, struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->source = xstrdup(source);
	char *file = xasprintf("%s/site.lua", source);
	if (fs_exists(file))
		cfg->file = file;
	else
		free(file);
	lua_State *L = config_state(cfg);
	if (!L)
		return -1;
	config_push_table(L);
	int rc = 0;
	char *base = NULL;
	warn_unknown_keys(L, cfg);
	rc |= get_string(L, cfg, "title", "Untitled site", &cfg->title);
	rc |= get_string(L, cfg, "base_url", NULL, &base);
	if (base && !base_url_override && !config_base_url_valid(base))
		rc = error_at(cfg->file, config_key_line(cfg, "base_url"),
		              "base_url '%s' must be an absolute http(s) URL with a host, like https://example.org/", base);
	rc |= get_string(L, cfg, "language", "en", &cfg->language);
	rc |= get_string(L, cfg, "description", "", &cfg->description);
	rc |= get_string(L, cfg, "news_section", "/news/", &cfg->news_url);
	rc |= get_string(L, cfg, "bug_archive", "data/bugzilla.sqlite", &cfg->bug_db);
	rc |= get_string(L, cfg, "time_zone", "UTC", &cfg->time_zone);
	lua_getfield(L, -1, "check");
	if (lua_istable(L, -1)) {
		lua_getfield(L, -1, "skip");
		size_t n = lua_istable(L, -1) ? lua_rawlen(L, -1) : 0;
		cfg->check_skip = xcalloc(n + 1, sizeof *cfg->check_skip);
		for (size_t i = 0, k = 0; i < n; i++) {
			lua_rawgeti(L, -1, (lua_Integer)i + 1);
			if (lua_type(L, -1) == LUA_TSTRING)
				cfg->check_skip[k++] = xstrdup(lua_tostring(L, -1));
			else
				rc = error_at(cfg->file, config_key_line(cfg, "skip"), "check.skip must list URL prefixes (strings)");
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	} else if (!lua_isnil(L, -1)) {
		rc = error_at(cfg->file, config_key_line(cfg, "check"), "'check' must be a table like { skip = { \"/pub/\" } }");
	}
	lua_pop(L, 1);
	lua_getfield(L, -1, "links");
	rc |= get_links(L, cfg);
	lua_pop(L, 1);
	const char *menus[] = {"menus", "params", "banners", "hooks"};
	for (size_t i = 0; i < sizeof menus / sizeof menus[0]; i++) {
		lua_getfield(L, -1, menus[i]);
		if (!lua_isnil(L, -1) && !lua_istable(L, -1))
			rc = error_at(cfg->file, config_key_line(cfg, menus[i]), "'%s' must be a table, not a %s", menus[i],
			              luaL_typename(L, -1));
		lua_pop(L, 1);
	}
	rc |= check_hooks(L, cfg);
	lua_close(L);
	if (rc < 0) {
		free(base);
		return -1;
	}
	if (base_url_override || !base) {
		free(base);
		/* With neither, links stay relative to the host's root. */
		base = xstrdup(base_url_override ? base_url_override : "/");
	}
	/* Normalise: trailing slash; the path part becomes the prefix of every internal URL. */
	size_t n = strlen(base);
	cfg->base_url = n && base[n - 1] == '/' ? xstrdup(base) : xasprintf("%s/", base);
	free(base);
	const char *path = cfg->base_url;
	const char *scheme = strstr(path, "://");
	if (scheme) {
		path = strchr(scheme + 3, '/');
		if (!path)
			path = "/";
	}
	cfg->base_path = xstrndup(path, strlen(path) - 1);
	if (cfg->news_url[0] != '/')
		return error_at(cfg->file, config_key_line(cfg, "news_section"), "news_section must be a URL path like /news/");
	return 0;
}

void config_release(struct config *cfg)
{
	free(cfg->source);
	free(cfg->file);
	free(cfg->title);
	free(cfg->base_url);
	free(cfg->base_path);
	free(cfg->language);
	free(cfg->description);
	free(cfg->news_url);
	free(cfg->bug_db);
	free(cfg->time_zone);
	for (char **p = cfg->check_skip; p && *p; p++)
		free(*p);
	free(cfg->check_skip);
	memset(cfg, 0, sizeof *cfg);
}
