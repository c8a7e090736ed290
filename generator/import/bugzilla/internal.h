/* import/bugzilla/internal.h: what the importer's own files share behind stage.h (the
 * readers never include it). The stage keeps people under a source key; write.c numbers
 * them by first appearance and writes every table sorted, so equal input gives equal
 * rows (and equal bytes). */
#ifndef NFSITE_BUGZILLA_INTERNAL_H
#define NFSITE_BUGZILLA_INTERNAL_H

#include "base/buf.h"
#include "import/bugzilla/stage.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

struct json;

struct bz_counts {
	size_t read, written, withheld, skipped;
};

enum { ST_PERSON, ST_LOGIN, ST_HAS_BUG, ST_WITHHELD, ST_PRIV_ATT, ST_BUG, ST_HAS_COMMENT,
       ST_COMMENT, ST_HAS_ATT, ST_ATT, ST_CHANGE, ST_DEP, ST_SEE, ST_ADD_WITHHELD,
       ST_ADD_PRIV_ATT, ST_COUNT };

struct bz_stage {
	sqlite3 *db;
	sqlite3_stmt *stmt[ST_COUNT];
	const char *source;
	struct bz_opts opts;
	struct bz_counts bugs, comments, attachments, history;
	size_t placeholders, cleaned;
	struct buf skips, holders; /* JSON array members */
	size_t nskips;
	bool has_history;
	struct json *json;
};

/* write.c: the canonical archive at out_path (written to a temporary file, renamed). */
int bz_write_archive(struct bz_stage *st, const char *out_path);
/* report.c */
bool bz_counts_hold(const struct bz_stage *st);
int bz_write_report(struct bz_stage *st, const char *path, const char *out_path);

#endif
