/* output: one build's writes as a transaction on the output folder DEST, which a kill at
 * any moment leaves either as the previous site or as the new one, never a mix.
 *
 *   PARENT/DEST                the live site; DEST/.nfsite-manifest (and the build cache)
 *                              describe exactly this tree
 *   PARENT/.DEST.nfsite/lock   flock'd by the one build allowed to write DEST
 *   PARENT/.DEST.nfsite/spare  the site before last, with its own manifest: the next
 *                              build turns it into the new site
 *
 *   begin ──► write/keep ──► prepare ──► (cache into output_tree) ──► commit
 *     │         │              │                                        │
 *     │         │              │ staged files renamed into the spare,   │ renameat2(DEST, spare,
 *     │         │              │ stale ones removed, its manifest       │ RENAME_EXCHANGE): the
 *     │         │              │ deleted first and written last         │ spare is now the old site
 *     │         │ changed files → spare/.nfsite-staging/N; files the live site already
 *     │         │ holds → hard links from DEST; files the spare holds → nothing
 *     │ a spare without a manifest (killed while prepared) is emptied; an empty spare
 *     │ gets files at their own paths, no staging
 *   abort: the staging folder goes; DEST and the spare's manifest are as they were
 *
 * A manifest line is trusted only while lstat gives the size, mtime and inode it
 * recorded (nfsite never rewrites a file in place), so a file changed by hand is written
 * again. Top-level entries of DEST that nfsite did not write (a CNAME, a .git checkout,
 * files another program adds during a build) are moved, one rename each, from the old
 * tree into the new one right after the swap; one the new site writes itself goes to
 * PARENT/.DEST.nfsite/rescued/. A file added by hand inside a folder nfsite writes is
 * not (finding it would mean walking the whole tree): it leaves DEST with the next build
 * and comes back with the tree after, as the spare turns live again.
 * Every path is checked to stay inside DEST. */
#ifndef NFSITE_OUTPUT_H
#define NFSITE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

struct output;

/* What a prepared build changed: files that differ from the live site's, files left as
 * they were, files of the live site the new one does not have. */
struct output_stats {
	size_t written, unchanged, removed;
};

/* Takes the lock of dest for this process (creating PARENT/.DEST.nfsite); returns its fd,
 * or -1 after reporting, at once, that another build holds it. */
int output_lock(const char *dest);
/* Releases the lock; -1 is fine. */
void output_unlock(int fd);
/* Call with the lock held: moves what nfsite did not write (a CNAME, files added during
 * a build) from the spare back into dest, where a build killed right after its swap
 * left them. */
void output_recover(const char *dest);
/* True when every file the last build of dest wrote (its manifest) is still there as
 * written. */
bool output_intact(const char *dest, size_t *nfiles);
/* What a build leaves for the next build of the same output that trusts its manifests
 * (the preview server): both manifests in memory, so output_begin reads neither file.
 * Owned by the caller. */
struct output_memo;
struct output_memo *output_memo_new(void);
void output_memo_free(struct output_memo *memo);
/* Call with the lock held (lock is output_lock's fd: output_commit swaps only while it
 * still locks the lock file). Returns NULL after reporting. With trust_manifest, files
 * the manifests list are taken to be there as written (no lstat), for an output folder
 * nobody else touches; then memo (may be NULL), when the last commit filled it, gives
 * both manifests. */
struct output *output_begin(const char *dest, int lock, bool trust_manifest, struct output_memo *memo);
/* Thread-safe. rel is relative to DEST ("docs/sets/index.html"). src names what made
 * the file, for messages. Returns -1 after reporting (unsafe path, I/O error); a path
 * written twice is reported by output_prepare. */
int output_write(struct output *o, const char *rel, const char *data, size_t len, const char *src);
/* True when the live site holds rel as its last build wrote it, so output_keep may keep
 * it. Thread-safe. */
bool output_kept(struct output *o, const char *rel);
/* Keeps rel exactly as the live site holds it, without its bytes (the build cache
 * knows it is unchanged; check output_kept first). Thread-safe; -1 after reporting. */
int output_keep(struct output *o, const char *rel, const char *src);
/* Keeps every file of the live site this build has not written or kept yet, for a
 * build that knows the rest of the site is unchanged (the preview server after a body
 * edit), as its manifest says: only with trust_manifest. Call after the last write; -1
 * after reporting. */
int output_keep_rest(struct output *o);
/* Writes the regular file at path as rel, streamed (never held in memory whole). */
int output_copy(struct output *o, const char *rel, const char *path);
/* Completes the new site in the spare and writes its manifest; fills stats (written:
 * files that differ from the live site's). Returns -1 after reporting; then call
 * output_abort. */
int output_prepare(struct output *o, struct output_stats *stats);
/* The folder of the new site, for bookkeeping files that must travel with it (the
 * build cache). Valid until output_commit or output_abort. */
const char *output_tree(const struct output *o);
/* Swaps the prepared site in with one rename and frees o; then fills memo (may be NULL)
 * for the next output_begin. Returns -1 after reporting (DEST is then still the previous
 * site). */
int output_commit(struct output *o, struct output_memo *memo);
/* Discards everything staged and frees o. NULL is fine. */
void output_abort(struct output *o);

#endif
