/* archive: the bug archive database (our own normalised schema, written by
 * import_bugzilla, default data/bugzilla.sqlite) and its rendering during the build.
 * The build hands archive_render() a sink; the archive adds one page per bug and the
 * index pages as ready HTML bodies (every user-typed string escaped), plus plain files
 * (attachments, redirect maps, show_bug.cgi). Templates wrap the bodies in the layout. */
#ifndef NFSITE_ARCHIVE_H
#define NFSITE_ARCHIVE_H

#include <stddef.h>

struct archive_page {
	const char *url;         /* e.g. "/bugs/12/" (must end in '/') */
	const char *title;       /* e.g. "Bug 12 – nft crashes on …" (plain text) */
	const char *kind;        /* "bug", "bug-index", "bug-product", "bug-component" */
	const char *description; /* plain text summary line, may be NULL */
	const char *date;        /* last change, RFC 3339 UTC, may be NULL */
	const char *html;        /* body HTML, already safe */
	const char *const *anchors; /* ids present in html (c0, c1, …), NULL-terminated; may be NULL */
};

struct archive_sink {
	/* Both return 0, or -1 after reporting; copies what they need. */
	int (*add_page)(void *arg, const struct archive_page *page);
	int (*add_file)(void *arg, const char *relpath, const char *data, size_t len);
	void *arg;
};

/* Renders every archived bug from db_path through sink. Returns 0, or -1 after reporting
 * `db_path: error: …`. A missing db_path is not an error for the caller to report: the
 * build only calls this when the file exists. */
int archive_render(const char *db_path, const struct archive_sink *sink);

#endif
