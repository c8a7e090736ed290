/* site: the build. site_build() is the whole pipeline in one place:
 * config → scan (page model) → resolve (URLs, links, banners, nav) → render (workers)
 * → extras (sitemap, feeds, search index, redirects, 404) → commit (atomic, prune). */
#ifndef NFSITE_SITE_H
#define NFSITE_SITE_H

#include "site/config.h"

#include <stdbool.h>
#include <stddef.h>

struct build_opts {
	const char *source;      /* site folder (holds content/, maybe site.lua) */
	const char *dest;        /* output folder */
	const char *base_url;    /* overrides site.lua's base_url when not NULL */
	bool drafts;             /* include draft pages */
	enum link_policy broken_links; /* --broken-links: over site.lua's links (both kinds);
	                                * LINKS_UNSET: as site.lua says */
	int jobs;                /* worker threads; 0 = number of cores */
	const char *inject_html; /* inserted before </body> of every HTML page (serve's live
	                          * reload script), NULL for none */
	/* With site_rebuild: when not NULL, the only source files that changed since the
	 * last build (paths relative to source, edited in place: no file added or removed).
	 * Lets the scan skip walking the folders; anything it cannot vouch for (a path that
	 * is not a known page) falls back to the full scan. */
	const char *const *changed;
	size_t nchanged;
};

struct build_stats {
	size_t pages;     /* pages rendered */
	size_t written;   /* output files written (changed or new) */
	size_t unchanged; /* output files left as they were */
	size_t removed;   /* stale files pruned */
	size_t drafts;    /* pages left out as drafts (no --drafts) */
	bool up_to_date;  /* nothing in the sources changed since the last build: no work done */
	bool bodies_only; /* site_rebuild patched the edited bodies into the last model */
	double seconds;
};

/* Builds the site. Returns 0, or -1 after every error has been reported as file:line;
 * on failure the previous output is left exactly as it was. stats may be NULL. */
int site_build(const struct build_opts *opts, struct build_stats *stats);

/* What one build keeps in memory for the next build of the same site with the same
 * options (the preview server): the page model (unchanged files are not read again, and
 * an edit that changes only what no other page shows is patched into it), the render
 * cache, and the workers' Lua states while the site's shape holds. */
struct site_state;
struct site_state *site_state_new(void);
void site_state_free(struct site_state *state);
/* site_build that starts from, and updates, state. */
int site_rebuild(const struct build_opts *opts, struct build_stats *stats, struct site_state *state);

#endif
