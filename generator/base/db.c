/* db: read-only access to SQLite files written by other programs (see db.h). */
#include "base/db.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/log.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int db_open_readonly(const char *path, bool immutable, const char *what, sqlite3 **db)
{
	struct buf uri = BUF_INIT;
	int rc = 0;
	buf_puts(&uri, "file:");
	buf_add_urlenc(&uri, path, strlen(path));
	buf_puts(&uri, immutable ? "?mode=ro&immutable=1" : "?mode=ro");
	*db = NULL;
	/* SQLite's open() of a FIFO would wait for a writer for ever. */
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		buf_release(&uri);
		return error_at(path, 0, "cannot open the %s: %s, not a regular file", what, fs_kind(st.st_mode));
	}
	if (sqlite3_open_v2(uri.data, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK)
		rc = error_at(path, 0, "cannot open the %s: %s", what,
			      *db ? sqlite3_errmsg(*db) : "out of memory");
	buf_release(&uri);
	return rc;
}

bool db_readable(sqlite3 *db)
{
	sqlite3_stmt *s = NULL;
	bool ok = sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &s, NULL) == SQLITE_OK &&
		  sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return ok;
}

bool db_has_table(sqlite3 *db, const char *name, bool or_view)
{
	sqlite3_stmt *s = NULL;
	bool found = false;
	const char *sql = or_view ? "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?1"
				  : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1";
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		found = sqlite3_step(s) == SQLITE_ROW;
	}
	sqlite3_finalize(s);
	return found;
}

const char *db_overlap(const char *path, const char *db)
{
	static const char *const suffix[] = {"", "-wal", "-journal", "-shm"};
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		char *file = xasprintf("%s%s", db, suffix[i]);
		bool hit = fs_overlap(path, file);
		free(file);
		if (hit)
			return suffix[i];
	}
	return NULL;
}
