/* import: the driver of `nfsite import bugzilla` (see import.h): checks that no output
 * lands on an input and that --out is an archive this tool wrote, runs the reader,
 * writes the archive and the report, and prints the counts. */
#include "import/bugzilla/import.h"
#include "archive/archive.h"
#include "base/buf.h"
#include "base/db.h"
#include "base/fs.h"
#include "base/log.h"
#include "import/bugzilla/db.h"
#include "import/bugzilla/internal.h"
#include "import/bugzilla/rest.h"
#include "import/bugzilla/xml.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Whether db carries the archive's application_id, or is an archive written before
 * archives carried one (meta.schema_version and people: a Bugzilla has profiles). */
static bool is_archive(sqlite3 *db)
{
	sqlite3_stmt *s = NULL;
	int id = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA application_id", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (id == ARCHIVE_APPLICATION_ID)
		return true;
	if (id != 0 || !db_has_table(db, "people", false) || !db_has_table(db, "meta", false))
		return false;
	bool ok = sqlite3_prepare_v2(db, "SELECT 1 FROM meta WHERE key = 'schema_version'", -1, &s,
				     NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return ok;
}

/* An existing --out is replaced only when it is an archive this tool wrote (or empty):
 * anything else, a Bugzilla database first of all, is refused. */
static int check_out(const char *out)
{
	struct stat sb;
	if (stat(out, &sb) < 0)
		return errno == ENOENT ? 0 : error_at(out, 0, "cannot read: %s", strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return error_at(out, 0, "--out must name the archive file; this is %s, not a regular file",
				fs_kind(sb.st_mode));
	if (sb.st_size == 0)
		return 0;
	sqlite3 *db = NULL;
	int rc = -1;
	if (db_open_readonly(out, false, "archive", &db) < 0)
		goto out;
	if (!db_readable(db) || !is_archive(db)) {
		error_at(out, 0, "exists and is not a bug archive written by nfsite: refusing to replace it"
			 " (remove it or choose another --out)");
		goto out;
	}
	rc = 0;
out:
	sqlite3_close(db);
	return rc;
}

/* The input's files: the XML export, or the database with its SQLite side files (a
 * -wal written over loses the input's last transactions). NULL or the suffix hit. */
static const char *input_hit(const char *path, const char *db, const char *xml)
{
	return db ? db_overlap(path, db) : xml && fs_overlap(path, xml) ? "" : NULL;
}

/* No output may land on an input (the same file after realpath, or a hard link). */
static int check_paths(const char *db, const char *xml, const char *out, const char *report)
{
	const char *src = db ? db : xml, *hit;
	if ((hit = input_hit(out, db, xml)))
		return error_at(out, 0, "--out is the input %s%s: refusing to write over the source", src, hit);
	if (report && (hit = input_hit(report, db, xml)))
		return error_at(report, 0, "--report is the input %s%s: refusing to write over the source", src, hit);
	if (report && fs_overlap(report, out))
		return error_at(report, 0, "--report is the archive --out: give two different files");
	return 0;
}

int import_bugzilla(const struct import_bugzilla_opts *o)
{
	const char *db = o->db, *xml = o->xml, *rest = o->rest, *out = o->out;
	const char *src = db ? db : xml ? xml : rest;
	if (check_paths(db, xml, out, o->report) < 0 || check_out(out) < 0)
		return -1;
	struct bz_stage *st = bz_stage_new(src, &o->bz);
	if (!st)
		return -1;
	struct timespec t0, t1, t2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = db ? bugzilla_db_read(st, db) : xml ? bugzilla_xml_read(st, xml) : bugzilla_rest_read(st, rest);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* an export of the wrong kind or a filter that matched nothing must not empty the archive */
	if (rc == 0 && st->bugs.read == 0 && !o->allow_empty)
		rc = error_at(src, 0, "no bug read: the archive would be empty (--allow-empty writes it anyway)");
	if (rc == 0)
		rc = bz_write_archive(st, out);
	clock_gettime(CLOCK_MONOTONIC, &t2);
	if (rc == 0 && !bz_counts_hold(st))
		rc = error_at(out, 0, "internal error: counts do not add up");
	if (rc == 0 && o->report)
		rc = bz_write_report(st, o->report, out);
	if (rc == 0) {
		info("%s: bugs %zu read, %zu written, %zu withheld, %zu skipped", out, st->bugs.read,
		     st->bugs.written, st->bugs.withheld, st->bugs.skipped);
		info("  comments %zu read, %zu written, %zu withheld, %zu skipped", st->comments.read,
		     st->comments.written, st->comments.withheld, st->comments.skipped);
		info("  attachments %zu read, %zu written (%zu placeholders), %zu withheld, %zu skipped",
		     st->attachments.read, st->attachments.written, st->placeholders,
		     st->attachments.withheld, st->attachments.skipped);
		info("  history %zu read, %zu written, %zu withheld, %zu skipped", st->history.read,
		     st->history.written, st->history.withheld, st->history.skipped);
		info("  read in %.2f s, archive written in %.2f s",
		     (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
		     (double)(t2.tv_sec - t1.tv_sec) + (t2.tv_nsec - t1.tv_nsec) / 1e9);
	}
	bz_stage_free(st);
	return rc == 0 ? 0 : -1;
}
