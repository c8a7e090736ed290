/* archive: the bug archive database (our own normalised schema, written by
 * import/bugzilla, default data/bugzilla.sqlite): what the importer and the build share,
 * its schema and the hiding of e-mail addresses. The build renders it (site/bugpages.h). */
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

#endif
