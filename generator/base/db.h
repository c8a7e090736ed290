/* db: reading SQLite files that other programs wrote (a Bugzilla's or a MediaWiki's own
 * database, a bug archive from an earlier import). Opening them read-only through a
 * file: URI and asking what tables they hold is the same wherever it is done; it lives
 * here once. Owned by the importers (bugzilla_db, mediawiki_db, archive). Every handle
 * belongs to the caller, who closes it. */
#ifndef NFSITE_DB_H
#define NFSITE_DB_H

#include <sqlite3.h>
#include <stdbool.h>

/* Opens the SQLite file at path read-only (SQLITE_OPEN_READONLY, mode=ro) through a
 * file: URI, so that characters such as '?', '#' and '%' in the path are file name.
 * immutable adds immutable=1: no locks, no journal, the file may sit on a read-only
 * medium and must not change while open. *db is set even on failure: the caller closes
 * it. 0, or -1 after reporting "cannot open the <what>: …" at path. */
int db_open_readonly(const char *path, bool immutable, const char *what, sqlite3 **db);

/* Whether the first read of the schema succeeds, which tells a file that is not SQLite
 * apart (opening alone does not read it). On false, sqlite3_errmsg(db) says why. */
bool db_readable(sqlite3 *db);

/* Whether the database has a table called name; with or_view, a view counts too. */
bool db_has_table(sqlite3 *db, const char *name, bool or_view);

/* Whether writing path would destroy the SQLite database at db: path is db or one of
 * the side files SQLite keeps beside it (db-wal, db-journal, db-shm), compared as
 * fs_overlap does. NULL when not, else the suffix hit ("" for db itself, "-wal"…). */
const char *db_overlap(const char *path, const char *db);

#endif
