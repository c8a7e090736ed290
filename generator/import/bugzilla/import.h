/* import/bugzilla: the driver of `nfsite import bugzilla`: reads a Bugzilla (its SQLite
 * database, an XML export, or REST) with one of the readers into the stage (stage.h) and
 * writes the archive database (see archive/archive.h), withholding everything private.
 * Nothing replaces the archive unless the whole read succeeded.
 *
 *   reader (DB | XML | REST) ──bz_stage_*──► stage (temp SQLite) ──write.c──► FILE.tmp ─rename─► FILE
 *                                   │
 *                                   └─ privacy: restricted bugs, private comments,
 *                                      private attachments and their history rows are
 *                                      counted as withheld and never stored
 *
 * cmd/import.c parses the options into struct import_bugzilla_opts. */
#ifndef NFSITE_IMPORT_BUGZILLA_H
#define NFSITE_IMPORT_BUGZILLA_H

#include "import/bugzilla/stage.h"

#include <stdbool.h>

struct import_bugzilla_opts {
	const char *db, *xml, *rest; /* exactly one: the source */
	const char *out;             /* the archive database */
	const char *report;          /* NULL: no report */
	bool allow_empty;            /* write an archive without a bug */
	struct bz_opts bz;           /* what the readers need */
};

/* Returns 0, or -1 after reporting why (the archive is then left as it was). */
int import_bugzilla(const struct import_bugzilla_opts *o);

#endif
