/* config: site.lua, the site's configuration and hooks (Lua 5.4). site.lua returns a
 * table: title, base_url, language, description, menus, params, banners, hooks, …
 * Every worker runs site.lua in its own lua_State (config_state) so hooks and banner
 * predicates are plain Lua functions there; config_load extracts the typed fields once.
 * A site folder with no site.lua gets defaults. */
#ifndef NFSITE_CONFIG_H
#define NFSITE_CONFIG_H

#include <lua.h>
#include <stdbool.h>

/* What a broken internal link does to the build (site.lua's links, --broken-links). */
enum link_policy {
	LINKS_UNSET, /* as site.lua says (build_opts only) */
	LINKS_ERROR, /* the build fails: the default */
	LINKS_WARN,  /* reported as a warning and counted; the build goes on */
};

struct config {
	char *source;      /* site folder */
	char *file;        /* path of site.lua, or NULL when the site has none */
	char *title;
	char *base_url;    /* absolute, ends with '/', e.g. "https://www.netfilter.org/" */
	char *base_path;   /* path part of base_url without the trailing '/', "" for the root */
	char *language;
	char *description;
	char *news_url;    /* section whose pages are news (Atom feed, newest first): "/news/" */
	char *bug_db;      /* bug archive database relative to the site folder */
	char *time_zone;   /* for date display; dates are kept as written */
	char **check_skip; /* check.skip: URL prefixes served by the host, not by the site
	                    * (e.g. "/pub/" for release tarballs); NULL-terminated */
	enum link_policy links_pages;   /* links.pages: a link to a missing page or a draft */
	enum link_policy links_anchors; /* links.anchors: a link to a missing #anchor */
};

/* "error" → LINKS_ERROR, "warn" → LINKS_WARN, anything else → LINKS_UNSET. */
enum link_policy config_link_policy(const char *s);

/* True when url is an absolute http(s) URL with a host and nothing in it to quote: what
 * base_url and --base-url must be. */
bool config_base_url_valid(const char *url);
/* Loads site.lua (if present) from source; base_url_override (may be NULL) wins over
 * the file. Reports `site.lua:line: error: …` and returns -1 on failure. */
int config_load(const char *source, const char *base_url_override, struct config *cfg);
void config_release(struct config *cfg);

/* Makes a fresh Lua state with the standard libraries, runs site.lua in it and keeps its
 * table in the registry (config_push_table pushes it). Returns NULL after reporting.
 * The caller closes the state with lua_close. */
lua_State *config_state(const struct config *cfg);
void config_push_table(lua_State *L);

/* Best-effort line of `key =` in site.lua for messages about a value's type. */
int config_key_line(const struct config *cfg, const char *key);

#endif
