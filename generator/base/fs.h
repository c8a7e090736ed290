/* fs: file reading, atomic writing, safe path joining and sorted directory walks.
 * All functions that fail report `path: error: reason` themselves and return -1. */
#ifndef NFSITE_FS_H
#define NFSITE_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

struct buf;

/* Appends the whole file to out. Anything but a regular file is refused (a FIFO would
 * block, a device never end). */
int fs_read_file(const char *path, struct buf *out);
/* The same, refusing a file over max bytes before reading it ("file larger than N MiB"). */
int fs_read_file_max(const char *path, size_t max, struct buf *out);
/* Opens path for reading and fills *st when it is a regular file, without waiting on a
 * FIFO; returns the descriptor, or -1 after reporting. */
int fs_open_regular(const char *path, struct stat *st);
/* "a FIFO", "a device", "a socket", "a folder"…: what a file of this mode is, for
 * messages. */
const char *fs_kind(mode_t mode);
/* Writes data to path through a temporary file in the same folder and rename(2),
 * creating parent folders; readers never see a half-written file. */
int fs_write_atomic(const char *path, const char *data, size_t len);
/* mkdir -p. */
int fs_mkdirs(const char *path);
/* Copies len bytes from in to out at their file offsets, streaming (copy_file_range,
 * else a 64 KiB buffer), so a file of any size costs no memory; name is for messages. */
int fs_copy_fd(int in, int out, size_t len, const char *name);
/* Removes a file or a whole tree; a missing path is not an error. A folder of another
 * file system inside (a mount point) is an error, and its contents stay. */
int fs_remove_tree(const char *path);
bool fs_exists(const char *path);
bool fs_is_dir(const char *path);
/* True when a and b are the same file (same path once resolved through realpath, or
 * the same inode: hard links) or one lies inside the other as a folder. A path that
 * does not exist yet is resolved through its nearest existing parent. Importers use it
 * so that no output ever lands on an input. */
bool fs_overlap(const char *a, const char *b);

/* True when rel is a relative path that cannot leave its base: not empty, not absolute,
 * no "..", no NUL (len covers the whole string), no backslash, no empty component except
 * a trailing slash. */
bool fs_rel_is_safe(const char *rel, size_t len);
/* out = base + "/" + rel after fs_rel_is_safe(rel); returns -1 (no report) when unsafe. */
int fs_join_safe(struct buf *out, const char *base, const char *rel);

/* Walks root depth-first in byte order of names, calling cb with the path relative to
 * root and its lstat. Symbolic links are reported, never followed (cb decides).
 * A non-zero cb result stops the walk and is returned. Dot-files are skipped. */
typedef int (*fs_walk_cb)(const char *rel, const struct stat *st, void *arg);
int fs_walk(const char *root, fs_walk_cb cb, void *arg);

#endif
