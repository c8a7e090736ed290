/* api: reads a live wiki through api.php with libcurl: siteinfo namespaces,
 * list=allpages in every namespace, then latest revisions and page info in batches and
 * each page's history. Polite: one request at a time, a delay between requests,
 * retries with exponential back-off on 5xx, 429 and network errors. JSON answers are
 * read with SQLite's json1 functions on an in-memory database. */
#ifndef NFSITE_MEDIAWIKI_API_H
#define NFSITE_MEDIAWIKI_API_H

#include <stdbool.h>

struct mw_wiki;

struct mediawiki_api_opts {
	long delay_ms;   /* pause before every request but the first */
	long backoff_ms; /* first retry waits this long, doubling each time */
	int retries;     /* retries per request after the first attempt */
	int batch;       /* pages per revisions request (1..50) */
	long timeout_s;  /* per request */
	bool history;    /* fetch each page's history (contributors, the history page) */
};
#define MEDIAWIKI_API_OPTS_INIT {500, 1000, 5, 50, 60, true}

/* Reads the wiki behind url (…/api.php). Returns 0, or -1 after an error naming the
 * URL and the request that failed. */
int mediawiki_api_read(struct mw_wiki *w, const char *url, const struct mediawiki_api_opts *o);

#endif
