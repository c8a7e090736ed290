/* fs: filesystem helpers with the safety rules every output path goes through. */
#include "base/fs.h"
#include "base/buf.h"
#include "base/log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *fs_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a folder";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	if (S_ISLNK(mode))
		return "a symbolic link";
	return "a regular file";
}

int fs_open_regular(const char *path, struct stat *st)
{
	/* O_NONBLOCK: opening a FIFO with no writer would wait for one. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return error_at(path, 0, "cannot read: %s", strerror(errno));
	if (fstat(fd, st) < 0) {
		error_at(path, 0, "cannot read: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		error_at(path, 0, "%s, not a regular file; refusing to read it", fs_kind(st->st_mode));
		close(fd);
		return -1;
	}
	return fd;
}

int fs_read_file_max(const char *path, size_t max, struct buf *out)
{
	struct stat st;
	int fd = fs_open_regular(path, &st);
	if (fd < 0)
		return -1;
	int rc = 0;
	if ((unsigned long long)st.st_size > max) {
		rc = error_at(path, 0, "file larger than %zu MiB", max >> 20);
		goto out;
	}
	buf_grow(out, (size_t)st.st_size);
	for (size_t got = 0;;) {
		buf_grow(out, 65536);
		ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = error_at(path, 0, "cannot read: %s", strerror(errno));
			break;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->data[out->len] = 0;
		got += (size_t)n;
		if (got > max) { /* it grew while being read */
			rc = error_at(path, 0, "file larger than %zu MiB", max >> 20);
			break;
		}
	}
out:
	close(fd);
	return rc;
}

int fs_read_file(const char *path, struct buf *out)
{
	return fs_read_file_max(path, SIZE_MAX, out);
}

int fs_mkdirs(const char *path)
{
	char *p = xstrdup(path);
	int rc = 0;
	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == 0) {
			char c = *s;
			*s = 0;
			if (mkdir(p, 0755) < 0 && errno != EEXIST) {
				rc = error_at(p, 0, "cannot create folder: %s", strerror(errno));
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return rc;
}

static int parent_dirs(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return 0;
	char *dir = xstrndup(path, (size_t)(slash - path));
	struct stat st;
	int rc = stat(dir, &st) == 0 ? 0 : fs_mkdirs(dir);
	free(dir);
	return rc;
}

int fs_write_atomic(const char *path, const char *data, size_t len)
{
	if (parent_dirs(path) < 0)
		return -1;
	char *tmp = xasprintf("%s.tmp-%ld", path, (long)gettid());
	int rc = -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		error_at(path, 0, "cannot write: %s", strerror(errno));
		goto out;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			error_at(path, 0, "cannot write: %s", strerror(errno));
			close(fd);
			unlink(tmp);
			goto out;
		}
		off += (size_t)n;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		error_at(path, 0, "cannot write: %s", strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	return rc;
}

int fs_copy_fd(int in, int out, size_t len, const char *name)
{
	/* copy_file_range stays in the kernel (and may share extents); other file systems
	 * or old kernels get a fixed buffer. */
	while (len) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, len, 0);
		if (n > 0) {
			len -= (size_t)n;
			continue;
		}
		if (n == 0)
			return error_at(name, 0, "cannot copy: the file shrank while it was copied");
		if (errno == EINTR)
			continue;
		if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
			return error_at(name, 0, "cannot copy: %s", strerror(errno));
		break;
	}
	char chunk[65536];
	while (len) {
		ssize_t n = read(in, chunk, len < sizeof chunk ? len : sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error_at(name, 0, "cannot read: %s", strerror(errno));
		if (n == 0)
			return error_at(name, 0, "cannot copy: the file shrank while it was copied");
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, chunk + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return error_at(name, 0, "cannot write: %s", strerror(errno));
			off += w;
		}
		len -= (size_t)n;
	}
	return 0;
}

/* dev: the file system the removal started on; a folder on another one (a mount point)
 * is refused, never emptied. */
static int remove_tree(const char *path, dev_t dev)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : error_at(path, 0, "cannot remove: %s", strerror(errno));
	if (S_ISDIR(st.st_mode) && st.st_dev != dev)
		return error_at(path, 0, "not removed: a mount point (another file system) is mounted here");
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		if (!d)
			return error_at(path, 0, "cannot remove: %s", strerror(errno));
		struct dirent *e;
		int rc = 0;
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char *sub = xasprintf("%s/%s", path, e->d_name);
			rc |= remove_tree(sub, dev);
			free(sub);
		}
		closedir(d);
		if (rmdir(path) < 0)
			return error_at(path, 0, "cannot remove: %s", strerror(errno));
		return rc;
	}
	if (unlink(path) < 0)
		return error_at(path, 0, "cannot remove: %s", strerror(errno));
	return 0;
}

int fs_remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : error_at(path, 0, "cannot remove: %s", strerror(errno));
	return remove_tree(path, st.st_dev);
}

bool fs_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

bool fs_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The absolute, symlink-free form of path into out; the components that do not exist
 * yet are appended as written ("." dropped, ".." taking one off). */
static void resolve(const char *path, struct buf *out)
{
	char *real = realpath(path, NULL);
	if (real) {
		buf_puts(out, real);
		free(real);
		return;
	}
	if (!strcmp(path, ".") || !strcmp(path, "/")) { /* the working folder is gone */
		buf_puts(out, path);
		return;
	}
	struct buf parent = BUF_INIT;
	buf_puts(&parent, path);
	while (parent.len > 1 && parent.data[parent.len - 1] == '/')
		buf_truncate(&parent, parent.len - 1);
	char *slash = strrchr(parent.data, '/');
	char *name = xstrdup(slash ? slash + 1 : parent.data);
	if (!slash) {
		buf_reset(&parent);
		buf_putc(&parent, '.');
	} else {
		buf_truncate(&parent, slash == parent.data ? 1 : (size_t)(slash - parent.data));
	}
	resolve(parent.data, out);
	if (!strcmp(name, "..")) {
		char *up = strrchr(out->data, '/');
		buf_truncate(out, up && up != out->data ? (size_t)(up - out->data) : 1);
	} else if (*name && strcmp(name, ".")) {
		if (out->data[out->len - 1] != '/')
			buf_putc(out, '/');
		buf_puts(out, name);
	}
	free(name);
	buf_release(&parent);
}

/* Whether resolved path a equals b or lies inside folder b. */
static bool within(const struct buf *a, const struct buf *b)
{
	if (strncmp(a->data, b->data, b->len))
		return false;
	return a->len == b->len || a->data[b->len] == '/' || !strcmp(b->data, "/");
}

bool fs_overlap(const char *a, const char *b)
{
	struct stat sa, sb;
	if (stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino)
		return true;
	struct buf ra = BUF_INIT, rb = BUF_INIT;
	resolve(a, &ra);
	resolve(b, &rb);
	bool hit = within(&ra, &rb) || within(&rb, &ra);
	buf_release(&ra);
	buf_release(&rb);
	return hit;
}

bool fs_rel_is_safe(const char *rel, size_t len)
{
	if (len == 0 || rel[0] == '/' || strlen(rel) != len)
		return false;
	const char *p = rel, *end = rel + len;
	while (p < end) {
		const char *q = memchr(p, '/', (size_t)(end - p));
		size_t n = q ? (size_t)(q - p) : (size_t)(end - p);
		if (n == 0 && q)
			return false;
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (memchr(p, '\\', n))
			return false;
		if (!q)
			break;
		p = q + 1;
	}
	return true;
}

int fs_join_safe(struct buf *out, const char *base, const char *rel)
{
	if (!fs_rel_is_safe(rel, strlen(rel)))
		return -1;
	buf_reset(out);
	buf_puts(out, base);
	if (out->len && out->data[out->len - 1] != '/')
		buf_putc(out, '/');
	buf_puts(out, rel);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(const char *root, struct buf *rel, fs_walk_cb cb, void *arg)
{
	char *dir = rel->len ? xasprintf("%s/%s", root, rel->data) : xstrdup(root);
	DIR *d = opendir(dir);
	int rc = 0;
	if (!d) {
		rc = error_at(dir, 0, "cannot read folder: %s", strerror(errno));
		free(dir);
		return rc;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		ALLOC_GROW(names, n + 1, cap);
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_names);
	size_t base = rel->len;
	for (size_t i = 0; i < n && rc == 0; i++) {
		buf_truncate(rel, base);
		if (base)
			buf_putc(rel, '/');
		buf_puts(rel, names[i]);
		char *full = xasprintf("%s/%s", dir, names[i]);
		struct stat st;
		if (lstat(full, &st) < 0) {
			rc = error_at(full, 0, "cannot stat: %s", strerror(errno));
		} else {
			rc = cb(rel->data, &st, arg);
			if (rc == 0 && S_ISDIR(st.st_mode))
				rc = walk(root, rel, cb, arg);
		}
		free(full);
	}
	buf_truncate(rel, base);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(dir);
	return rc;
}

int fs_walk(const char *root, fs_walk_cb cb, void *arg)
{
	struct buf rel = BUF_INIT;
	int rc = walk(root, &rel, cb, arg);
	buf_release(&rel);
	return rc;
}
