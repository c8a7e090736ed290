/* archive: the bug archive database (our own normalised schema, written by
 * import_bugzilla, default data/bugzilla.sqlite) and its rendering during the build.
 * The build hands archive_render() a sink; the archive adds one page per bug and the
 * index pages as ready HTML bodies (every user-typed string escaped), plus plain files
 * (attachments, redirect maps, show_bug.cgi). Templates wrap the bodies in the layout. */
#ifndef NFSITE_ARCHIVE_H
#define NFSITE_ARCHIVE_H

#include <stddef.h>

struct buf;

/* The archive database, schema version ARCHIVE_SCHEMA_VERSION (meta.schema_version):
 *   meta(key, value)            schema_version, has_history (0/1)
 *   people(id, name)            display names only, never an e-mail address
 *   bugs(id, alias, summary, classification, product, component, version, platform,
 *        op_sys, status, resolution, severity, priority, milestone, whiteboard, url,
 *        keywords, reporter, assignee, qa_contact, created, changed, cc_count, dup_of)
 *   dependencies(blocked, dependson)   see_also(bug_id, url)
 *   comments(bug_id, number, author, time, type, extra, text)  text = the user's part;
 *        type/extra as Bugzilla's longdescs (5 = created attachment extra, …)
 *   attachments(id, bug_id, filename, description, mime, is_patch, is_obsolete,
 *        creator, created, modified, size, data, missing)  missing = why data is NULL
 *   history(bug_id, seq, author, time, field, removed, added, attach_id)
 * Times are UTC "YYYY-MM-DDTHH:MM:SSZ". Only public items are ever stored. */
#define ARCHIVE_SCHEMA_VERSION 1
/* PRAGMA application_id of every archive ("nfBz"): how an import knows that an existing
 * --out is an archive it may replace, and not someone's database. */
#define ARCHIVE_APPLICATION_ID 0x6e66427a
extern const char archive_schema_sql[];

/* Appends p[0..n) with every e-mail address cut to "local@…". */
void archive_hide_emails(const char *p, size_t n, struct buf *out);

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
