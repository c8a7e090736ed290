/* serve: the preview server. It builds the site into a private folder, serves it with
 * libmicrohttpd, watches the sources with inotify, rebuilds after a burst of saves and
 * tells open pages to reload over Server-Sent Events (/__nfsite/events). */
#ifndef NFSITE_SERVE_H
#define NFSITE_SERVE_H

#include "site/config.h"

#include <stdbool.h>

struct serve_opts {
	const char *source; /* site folder; NULL means "." */
	const char *dir;    /* when set, serve this built folder as it is: no build, no watch,
	                     * and the folder is never removed */
	const char *bind;   /* listen address; NULL means 127.0.0.1 */
	int port;           /* 0 picks a free port (the printed URL tells which) */
	bool drafts;        /* build drafts too */
	enum link_policy broken_links; /* --broken-links, as for build; LINKS_UNSET: site.lua's */
	bool open;          /* run xdg-open on the URL once the site is built */
	int threads;        /* HTTP worker threads; 0 = number of cores, at least 2 */
};

/* Runs until SIGINT or SIGTERM, then stops the server and removes the private output
 * folder. Returns 0 after a clean shutdown, -1 (reported) when the server cannot start.
 * A failing build never stops it: pages show the errors until a rebuild succeeds. */
int serve_run(const struct serve_opts *opts);

#endif
