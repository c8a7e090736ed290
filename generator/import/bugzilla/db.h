/* db: reads Bugzilla 5's own SQLite database (opened read-only and immutable) into the import stage (see stage.h). */
#ifndef NFSITE_BUGZILLA_DB_H
#define NFSITE_BUGZILLA_DB_H

struct bz_stage;

/* Returns 0, or -1 after reporting; nothing is written unless the caller finishes. */
int bugzilla_db_read(struct bz_stage *st, const char *path);

#endif
