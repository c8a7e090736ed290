/* output: staged, atomic, incremental writes into the output folder (see output.h). */
#include "output.h"
#include "buf.h"
#include "fs.h"
#include "hash.h"
#include "log.h"
#include "site.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MANIFEST ".nfsite-manifest"
#define STAGING ".nfsite-staging"

struct entry {
	char *rel;
	uint64_t hash;
	bool staged;   /* false: unchanged, nothing to rename */
	size_t seq;    /* staged file name */
	char *src;
};

struct output {
	char *dest;
	char *staging;
	bool created_dest;
	pthread_mutex_t lock;
	struct entry *entries;
	size_t n, cap;
	struct entry *old;  /* previous manifest, sorted by rel */
	size_t nold;
	size_t seq;
	bool trust;   /* skip the stat in output_kept */
	bool fresh;   /* dest held nothing: files are staged at their paths, see output_begin */
};

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->rel, ((const struct entry *)b)->rel);
}

static const struct entry *find_old(const struct output *o, const char *rel)
{
	struct entry key = {.rel = (char *)rel};
	return o->nold ? bsearch(&key, o->old, o->nold, sizeof key, cmp_entry) : NULL;
}

static void load_manifest(struct output *o)
{
	char *path = xasprintf("%s/" MANIFEST, o->dest);
	struct buf b = BUF_INIT;
	if (fs_exists(path) && fs_read_file(path, &b) == 0) {
		size_t cap = 0;
		for (char *line = b.data; *line;) {
			char *nl = strchr(line, '\n');
			if (nl)
				*nl = 0;
			char *tab = strchr(line, '\t');
			if (tab && fs_rel_is_safe(tab + 1, strlen(tab + 1))) {
				if (o->nold == cap)
					o->old = xrealloc(o->old, (cap = cap ? cap * 2 : 256) * sizeof *o->old);
				o->old[o->nold++] = (struct entry){.rel = xstrdup(tab + 1), .hash = strtoull(line, NULL, 16)};
			}
			if (!nl)
				break;
			line = nl + 1;
		}
		if (o->nold)
			qsort(o->old, o->nold, sizeof *o->old, cmp_entry);
	}
	buf_release(&b);
	free(path);
}

static void free_entries(struct entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].rel);
		free(e[i].src);
	}
	free(e);
}

bool output_intact(const char *dest, size_t *nfiles)
{
	struct output o = {.dest = (char *)dest};
	load_manifest(&o);
	bool ok = o.nold > 0;
	for (size_t i = 0; i < o.nold && ok; i++) {
		char *path = xasprintf("%s/%s", dest, o.old[i].rel);
		struct stat st;
		ok = lstat(path, &st) == 0 && S_ISREG(st.st_mode);
		free(path);
	}
	*nfiles = o.nold;
	free_entries(o.old, o.nold);
	return ok;
}

/* True when dest holds nothing but our staging folder. */
static bool only_staging(const char *dest)
{
	DIR *d = opendir(dest);
	if (!d)
		return false;
	bool empty = true;
	for (struct dirent *e; empty && (e = readdir(d));)
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, STAGING);
	closedir(d);
	return empty;
}

/* Creates the folders above rel inside the (private) staging folder: the parent first,
 * its own parents only when that fails. */
static int stage_parents(const char *staging, const char *rel)
{
	const char *slash = strrchr(rel, '/');
	if (!slash)
		return 0;
	char *dir = xasprintf("%s/%.*s", staging, (int)(slash - rel), rel);
	int rc = 0;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		char *up = xstrndup(rel, (size_t)(slash - rel));
		rc = errno == ENOENT && stage_parents(staging, up) == 0 && (mkdir(dir, 0755) == 0 || errno == EEXIST)
		             ? 0
		             : error_at(dir, 0, "cannot create folder: %s", strerror(errno));
		free(up);
	}
	free(dir);
	return rc;
}

struct output *output_begin(const char *dest, bool trust_manifest)
{
	struct output *o = xcalloc(1, sizeof *o);
	o->dest = xstrdup(dest);
	o->trust = trust_manifest;
	pthread_mutex_init(&o->lock, NULL);
	struct stat st;
	if (lstat(dest, &st) < 0) {
		if (fs_mkdirs(dest) < 0)
			goto fail;
		o->created_dest = true;
	} else if (!S_ISDIR(st.st_mode)) {
		error_at(dest, 0, "output path exists and is not a folder");
		goto fail;
	}
	o->staging = xasprintf("%s/" STAGING, dest);
	if (fs_remove_tree(o->staging) < 0 || fs_mkdirs(o->staging) < 0)
		goto fail;
	load_manifest(o);
	/* Into an empty folder (a first build, a fresh CI checkout) nothing can be
	 * overwritten: files are staged at their own paths and the commit moves the few
	 * top-level entries instead of renaming every file. */
	o->fresh = o->nold == 0 && only_staging(dest);
	return o;
fail:
	output_abort(o);
	return NULL;
}

void output_abort(struct output *o)
{
	if (!o)
		return;
	if (o->staging)
		fs_remove_tree(o->staging);
	if (o->created_dest)
		rmdir(o->dest);
	free_entries(o->entries, o->n);
	free_entries(o->old, o->nold);
	pthread_mutex_destroy(&o->lock);
	free(o->staging);
	free(o->dest);
	free(o);
}

/* Writes a new file at path; when taken_ok, a file already there is left alone (a second
 * write of one output path, which output_commit reports naming both sources). */
static int write_new(const char *path, const char *data, size_t len, const char *what, bool taken_ok)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 && taken_ok && errno == EEXIST)
		return 0;
	if (fd < 0)
		return error_at(what, 0, "cannot stage output: %s", strerror(errno));
	int rc = 0;
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = error_at(what, 0, "cannot stage output: %s", strerror(errno));
			break;
		}
		off += (size_t)n;
	}
	if (close(fd) < 0 && rc == 0)
		rc = error_at(what, 0, "cannot stage output: %s", strerror(errno));
	return rc;
}

static bool reserved(const char *rel)
{
	return !strncmp(rel, STAGING, strlen(STAGING)) || !strcmp(rel, MANIFEST) ||
	       !strncmp(rel, ".nfsite-cache", 13);
}

int output_write(struct output *o, const char *rel, const char *data, size_t len, const char *src)
{
	if (!fs_rel_is_safe(rel, strlen(rel)) || reserved(rel))
		return error_at(src, 0, "output path '%s' would leave the output folder or is reserved", rel);
	uint64_t h = hash_bytes(HASH_INIT, data, len);
	const struct entry *old = find_old(o, rel);
	bool same = false;
	if (old && old->hash == h) {
		char *path = xasprintf("%s/%s", o->dest, rel);
		struct stat st;
		same = lstat(path, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len;
		free(path);
	}
	pthread_mutex_lock(&o->lock);
	size_t seq = o->seq++;
	if (o->n == o->cap)
		o->entries = xrealloc(o->entries, (o->cap = o->cap ? o->cap * 2 : 256) * sizeof *o->entries);
	struct entry *e = &o->entries[o->n++];
	*e = (struct entry){.rel = xstrdup(rel), .hash = h, .staged = !same, .seq = seq, .src = xstrdup(src ? src : rel)};
	pthread_mutex_unlock(&o->lock);
	if (same)
		return 0;
	/* The staging folder is private to this build, so a plain write is enough: the
	 * rename at commit is what makes the file appear atomically. */
	char *tmp;
	if (o->fresh) {
		if (stage_parents(o->staging, rel) < 0)
			return -1;
		tmp = xasprintf("%s/%s", o->staging, rel);
	} else {
		tmp = xasprintf("%s/%zu", o->staging, seq);
	}
	int rc = write_new(tmp, data, len, src ? src : rel, o->fresh);
	free(tmp);
	return rc;
}

bool output_kept(struct output *o, const char *rel)
{
	if (!find_old(o, rel))
		return false;
	if (o->trust)
		return true;
	char *path = xasprintf("%s/%s", o->dest, rel);
	struct stat st;
	bool there = lstat(path, &st) == 0 && S_ISREG(st.st_mode);
	free(path);
	return there;
}

void output_keep(struct output *o, const char *rel, const char *src)
{
	const struct entry *old = find_old(o, rel);
	pthread_mutex_lock(&o->lock);
	if (o->n == o->cap)
		o->entries = xrealloc(o->entries, (o->cap = o->cap ? o->cap * 2 : 256) * sizeof *o->entries);
	o->entries[o->n++] = (struct entry){.rel = xstrdup(rel), .hash = old ? old->hash : 0, .src = xstrdup(src ? src : rel)};
	pthread_mutex_unlock(&o->lock);
}

int output_copy(struct output *o, const char *rel, const char *path)
{
	struct buf b = BUF_INIT;
	int rc = fs_read_file(path, &b);
	if (rc == 0)
		rc = output_write(o, rel, b.data, b.len, path);
	buf_release(&b);
	return rc;
}

/* Creates the folders of rel under dest, refusing any component that is a symlink. */
static int make_parents(const char *dest, const char *rel)
{
	struct buf path = BUF_INIT;
	buf_puts(&path, dest);
	int rc = 0;
	for (const char *p = rel; (p = strchr(p, '/')); p++) {
		buf_truncate(&path, strlen(dest));
		buf_putc(&path, '/');
		buf_add(&path, rel, (size_t)(p - rel));
		struct stat st;
		if (lstat(path.data, &st) == 0) {
			if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode)) {
				/* A stale file where a folder must go (e.g. an alias became a page) is replaced;
				 * a symlink is never followed. */
				if (S_ISLNK(st.st_mode)) {
					rc = error_at(path.data, 0, "refusing to write through a symbolic link in the output");
					break;
				}
				if (unlink(path.data) < 0 || mkdir(path.data, 0755) < 0) {
					rc = error_at(path.data, 0, "cannot create folder: %s", strerror(errno));
					break;
				}
			}
		} else if (mkdir(path.data, 0755) < 0 && errno != EEXIST) {
			rc = error_at(path.data, 0, "cannot create folder: %s", strerror(errno));
			break;
		}
	}
	buf_release(&path);
	return rc;
}

/* Removes now-empty folders from rel's parent up to dest. */
static void prune_dirs(const char *dest, const char *rel)
{
	char *r = xstrdup(rel);
	char *slash;
	while ((slash = strrchr(r, '/'))) {
		*slash = 0;
		char *p = xasprintf("%s/%s", dest, r);
		int gone = rmdir(p);
		free(p);
		if (gone < 0)
			break;
	}
	free(r);
}

/* Commit of a fresh build: every top-level entry of the staging folder moves into dest. */
static int move_top(struct output *o)
{
	DIR *d = opendir(o->staging);
	if (!d)
		return error_at(o->staging, 0, "cannot read: %s", strerror(errno));
	int rc = 0;
	for (struct dirent *e; rc == 0 && (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *from = xasprintf("%s/%s", o->staging, e->d_name);
		char *to = xasprintf("%s/%s", o->dest, e->d_name);
		if (rename(from, to) < 0)
			rc = error_at(to, 0, "cannot write: %s", strerror(errno));
		free(from);
		free(to);
	}
	closedir(d);
	return rc;
}

int output_commit(struct output *o, struct build_stats *stats)
{
	int rc = 0;
	/* Pages arrive mostly in URL order; sort only when they did not. */
	bool sorted = true;
	for (size_t i = 0; i + 1 < o->n && sorted; i++)
		sorted = strcmp(o->entries[i].rel, o->entries[i + 1].rel) < 0;
	if (!sorted)
		qsort(o->entries, o->n, sizeof *o->entries, cmp_entry);
	for (size_t i = 0; i + 1 < o->n; i++)
		if (!strcmp(o->entries[i].rel, o->entries[i + 1].rel))
			rc = error_at(o->entries[i + 1].src, 0, "output '%s' is also written by %s", o->entries[i].rel,
			              o->entries[i].src);
	if (rc < 0) {
		output_abort(o);
		return -1;
	}
	size_t written = 0, unchanged = 0, removed = 0;
	if (o->fresh) {
		rc = move_top(o);
		written = o->n;
	}
	for (size_t i = 0; i < o->n && rc == 0 && !o->fresh; i++) {
		struct entry *e = &o->entries[i];
		if (!e->staged) {
			unchanged++;
			continue;
		}
		char *from = xasprintf("%s/%zu", o->staging, e->seq);
		char *to = xasprintf("%s/%s", o->dest, e->rel);
		if (make_parents(o->dest, e->rel) < 0) {
			rc = -1;
		} else {
			struct stat st;
			if (lstat(to, &st) == 0 && S_ISDIR(st.st_mode))
				fs_remove_tree(to); /* a page became a file (or the reverse) */
			if (rename(from, to) < 0)
				rc = error_at(to, 0, "cannot write: %s", strerror(errno));
			else
				written++;
		}
		free(from);
		free(to);
	}
	/* Files the previous build made that this one did not: their sources are gone. */
	for (size_t i = 0; i < o->nold && rc == 0; i++) {
		struct entry key = {.rel = o->old[i].rel};
		if (bsearch(&key, o->entries, o->n, sizeof key, cmp_entry))
			continue;
		char *p = xasprintf("%s/%s", o->dest, o->old[i].rel);
		struct stat st;
		if (lstat(p, &st) == 0 && !S_ISDIR(st.st_mode) && unlink(p) == 0) {
			removed++;
			prune_dirs(o->dest, o->old[i].rel);
		}
		free(p);
	}
	if (rc == 0) {
		struct buf m = BUF_INIT;
		for (size_t i = 0; i < o->n; i++)
		{
			/* Thousands of lines: format the hash by hand rather than through printf. */
			static const char hex[] = "0123456789abcdef";
			char h[17];
			for (int k = 0; k < 16; k++)
				h[k] = hex[(o->entries[i].hash >> (60 - 4 * k)) & 15];
			h[16] = '\t';
			buf_add(&m, h, 17);
			buf_puts(&m, o->entries[i].rel);
			buf_putc(&m, '\n');
		}
		char *path = xasprintf("%s/" MANIFEST, o->dest);
		rc = fs_write_atomic(path, m.data, m.len);
		free(path);
		buf_release(&m);
	}
	if (stats) {
		stats->written = written;
		stats->unchanged = unchanged;
		stats->removed = removed;
	}
	o->created_dest = false; /* keep it: it holds the site now */
	output_abort(o);
	return rc;
}
