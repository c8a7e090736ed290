/* output: one build's writes as a transaction on the output folder.
 *   begin  → files are written to DEST/.nfsite-staging/ (same file system)
 *   commit → each staged file is renamed into place, files the previous build wrote
 *            but this one did not are removed, the manifest is replaced
 *            (into an empty DEST, files are staged at their own paths and the commit
 *            moves the staging folder's top-level entries)
 *   abort  → the staging folder is removed; DEST is exactly as it was
 * A file whose bytes equal what the previous build wrote (hash in DEST/.nfsite-manifest)
 * and that is still on disk is not written again. Every path is checked to stay inside
 * DEST: no "..", no absolute paths, no symlinked folders inside DEST. */
#ifndef NFSITE_OUTPUT_H
#define NFSITE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

struct output;
struct build_stats;

/* True when every file the last build of dest wrote (its manifest) is still there. */
bool output_intact(const char *dest, size_t *nfiles);
/* Returns NULL after reporting. With trust_manifest, files the manifest lists are taken
 * to be there as written (no stat), for an output folder nobody else touches. */
struct output *output_begin(const char *dest, bool trust_manifest);
/* Thread-safe. rel is relative to DEST ("docs/sets/index.html"). src names what made
 * the file, for messages. Returns -1 after reporting (unsafe path, path written twice,
 * I/O error). */
int output_write(struct output *o, const char *rel, const char *data, size_t len, const char *src);
/* True when the previous build wrote rel and it is still there, so output_keep may keep
 * it. Thread-safe. */
bool output_kept(struct output *o, const char *rel);
/* Keeps rel exactly as the previous build wrote it, without its bytes (the build cache
 * knows it is unchanged; check output_kept first). Thread-safe. */
void output_keep(struct output *o, const char *rel, const char *src);
/* Reads file path and writes it as rel. */
int output_copy(struct output *o, const char *rel, const char *path);
/* Commits and frees o. Returns -1 after reporting (then DEST may be partly updated,
 * which only I/O failures during renames can cause). */
int output_commit(struct output *o, struct build_stats *stats);
/* Discards everything staged and frees o. NULL is fine. */
void output_abort(struct output *o);

#endif
