/* linkcheck: checks the links of a built site.
 *
 * Internal: every .html file under the output root is parsed (libxml2's HTML parser);
 * each href/src of a, area, link, img, script, source, iframe, video, audio (and srcset)
 * that stays on the site — a relative or absolute path, or a URL under the site's base
 * URL — must name a file of the output (a folder means its index.html), and a #fragment
 * must name an id (or a name) in the target page.
 * External (optional): every http(s) URL is fetched with libcurl multi, HEAD first and
 * GET when HEAD is refused; results are kept in an SQLite cache with their time.
 *
 * Problems are reported through log.h as `page.html:line: error: broken link 'x' (why)`,
 * in page order (so grouped by page), or at the link's source file and line when
 * opts->locate knows them; redirects and rate limits are warnings. */
#ifndef NFSITE_LINKCHECK_H
#define NFSITE_LINKCHECK_H

#include <stdbool.h>
#include <stddef.h>

struct linkcheck_opts {
	const char *root;     /* built output folder */
	const char *base_url; /* the site's base URL; NULL to read it from sitemap.xml */
	bool external;        /* also fetch http(s) links */
	const char *cache;    /* SQLite cache file for external results; NULL for none */
	double timeout;       /* seconds per external request */
	int jobs;             /* parallel external requests (at most 2 per host) */
	long max_age;         /* seconds a cached external result stays valid */
	const char **skip;         /* links starting with one of these (as written, or as a site
	                       * path like "/pub/") are not checked; borrowed */
	size_t nskip;
	/* Where a link was written: for the link url (as the page's HTML has it) on the page
	 * (path from root, "docs/index.html"), sets *file and *line and returns true; false
	 * keeps the page and its HTML line. *file must live as long as the run. May be NULL. */
	bool (*locate)(void *arg, const char *page, const char *url, const char **file, long *line);
	void *locate_arg;
};

struct linkcheck_stats {
	long pages, links, broken;   /* HTML files, link occurrences checked, broken ones */
	long external, cached;       /* distinct external URLs, answered from the cache */
	long redirected, limited;    /* external URLs redirected / rate limited (warnings) */
};

/* Checks the folder. Returns 0 when the check ran (stats->broken tells the outcome),
 * -1 after reporting an error that stopped it (unreadable folder, cache). */
int linkcheck_run(const struct linkcheck_opts *opts, struct linkcheck_stats *stats);

#endif
