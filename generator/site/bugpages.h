/* bugpages: the bug archive (archive/archive.h, written by nfsite import bugzilla,
 * default data/bugzilla.sqlite) rendered during the build. The build hands
 * bugpages_render() a sink; it adds one page per bug and the index pages as ready HTML
 * bodies (every user-typed string escaped), plus plain files (attachments, and the
 * old-URL forwarders and redirect maps of site/bugurls.c). Templates wrap the bodies in
 * the layout. */
#ifndef NFSITE_BUGPAGES_H
#define NFSITE_BUGPAGES_H

#include <stddef.h>

struct bugpage {
	const char *url;         /* e.g. "/bugs/12/" (must end in '/') */
	const char *title;       /* e.g. "Bug 12 – nft crashes on …" (plain text) */
	const char *kind;        /* "bug", "bug-index", "bug-product", "bug-component" */
	const char *description; /* plain text summary line, may be NULL */
	const char *date;        /* last change, RFC 3339 UTC, may be NULL */
	const char *html;        /* body HTML, already safe */
	const char *const *anchors; /* ids present in html (c0, c1, …), NULL-terminated; may be NULL */
	long weight;             /* order among the section's pages: the bug number, so previous
	                          * and next go 1, 2, …, 10 (by title they went 1, 10, 2); 0: none */
};

/* The output folder of every server's redirect files (CONFIG.md, "Deploying"). */
#define REDIRECTS_DIR "_nfsite/redirects/"

struct bugpages_sink {
	/* Both return 0, or -1 after reporting; copies what they need. */
	int (*add_page)(void *arg, const struct bugpage *page);
	int (*add_file)(void *arg, const char *relpath, const char *data, size_t len);
	/* One old URL for the host-neutral redirect list (_redirects): path ("/show_bug.cgi"),
	 * query ("id=4", percent-encoded) or NULL, target path; none has the base path. */
	void (*add_redirect)(void *arg, const char *path, const char *query, const char *target);
	void *arg;
	const char *base_path; /* the base URL's path without its final '/', "" at the root */
};

/* Renders every archived bug from db_path through sink. Returns 0, or -1 after reporting
 * `db_path: error: …`. A missing db_path is not an error for the caller to report: the
 * build only calls this when the file exists. */
int bugpages_render(const char *db_path, const struct bugpages_sink *sink);

#endif
