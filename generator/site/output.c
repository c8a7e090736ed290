/* output: the output folder as a transaction: the new site is completed beside the live
 * one and swapped in with one rename (see output.h). */
#include "site/output.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/hash.h"
#include "base/log.h"
#include "base/utf8.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define MANIFEST ".nfsite-manifest"
#define STAGING ".nfsite-staging"
#define CACHE ".nfsite-cache.sqlite"
/* In a spare being filled: set before its manifest goes, removed once the new one is
 * written. A spare with neither is a folder nfsite did not build (DEST before the first
 * build), all of whose entries are someone else's. */
#define PREPARING ".nfsite-preparing"

/* What a manifest records of a file besides its hash: while lstat still gives these, the
 * file holds the bytes the hash names. */
struct stamp {
	uint64_t size, mtime, ino;
};

struct entry {
	char *rel;
	uint64_t hash;
	struct stamp st;
	bool staged;  /* in the staging folder as seq, renamed into place by output_prepare */
	bool written; /* new bytes: the stamp is read once they are in place */
	bool changed; /* differs from the live site's file */
	bool known;   /* the live site has a file of this name */
	size_t seq;
	char *src;
};

/* The files of one tree, sorted by rel. */
struct manifest {
	struct entry *e;
	size_t n;
};

struct output_memo {
	bool kept; /* live and prev are the manifests of dest and its spare */
	struct manifest live, prev;
};

struct output {
	char *dest;    /* as the user named it, for messages */
	char *root;    /* the same folder as a path rename(2) takes */
	char *spare;   /* becomes the new site */
	char *staging; /* inside the spare; NULL when fresh */
	pthread_mutex_t lock;
	struct entry *entries;
	size_t n, cap;
	struct manifest live, prev; /* of root and of the spare */
	int lock_fd;                /* output_lock's, checked before the swap */
	size_t seq;
	bool trust;    /* believe both manifests without lstat */
	bool fresh;    /* the spare was empty: files go straight to their paths in it */
	bool prepared; /* the spare's manifest is gone: only the next build's reset helps */
};

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->rel, ((const struct entry *)b)->rel);
}

/* Whether e[0..n) is strictly ascending by name (sorted, no two alike). */
static bool ascending(const struct entry *e, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (strcmp(e[i].rel, e[i + 1].rel) >= 0)
			return false;
	return true;
}

static const struct entry *find(const struct manifest *m, const char *rel)
{
	struct entry key = {.rel = (char *)rel};
	return m->n ? bsearch(&key, m->e, m->n, sizeof key, cmp_entry) : NULL;
}

/* Lines "hash size mtime inode<TAB>path", numbers in hex. */
static void manifest_load(struct manifest *m, const char *dir)
{
	char *path = xasprintf("%s/" MANIFEST, dir);
	struct buf b = BUF_INIT;
	if (fs_exists(path) && fs_read_file(path, &b) == 0) {
		size_t cap = 0;
		for (char *line = b.data; *line;) {
			char *nl = strchr(line, '\n');
			if (nl)
				*nl = 0;
			char *tab = strchr(line, '\t');
			if (tab && fs_rel_is_safe(tab + 1, strlen(tab + 1))) {
				*tab = 0;
				ALLOC_GROW(m->e, m->n + 1, cap);
				struct entry *e = &m->e[m->n++];
				char *p = line;
				*e = (struct entry){.rel = xstrdup(tab + 1), .hash = strtoull(p, &p, 16)};
				e->st.size = strtoull(p, &p, 16);
				e->st.mtime = strtoull(p, &p, 16);
				e->st.ino = strtoull(p, &p, 16);
			}
			if (!nl)
				break;
			line = nl + 1;
		}
		/* output_prepare writes them sorted: sort only a manifest that is not */
		if (!ascending(m->e, m->n))
			qsort(m->e, m->n, sizeof *m->e, cmp_entry);
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

static bool stamp_of(const char *path, struct stamp *s)
{
	struct stat st;
	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	*s = (struct stamp){(uint64_t)st.st_size, (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec,
	                    (uint64_t)st.st_ino};
	return true;
}

/* True when dir/e->rel is still the file e describes. */
static bool on_disk(const char *dir, const struct entry *e)
{
	char *path = xasprintf("%s/%s", dir, e->rel);
	struct stamp s;
	bool same = stamp_of(path, &s) && !memcmp(&s, &e->st, sizeof s);
	free(path);
	return same;
}

bool output_intact(const char *dest, size_t *nfiles)
{
	struct manifest m = {0};
	manifest_load(&m, dest);
	bool ok = m.n > 0;
	for (size_t i = 0; i < m.n && ok; i++)
		ok = on_disk(dest, &m.e[i]);
	*nfiles = m.n;
	free_entries(m.e, m.n);
	return ok;
}

/* dest as a path rename(2) takes: no trailing slash, no "." or ".." at the end. */
static char *root_path(const char *dest)
{
	size_t n = strlen(dest);
	while (n > 1 && dest[n - 1] == '/')
		n--;
	char *p = xstrndup(dest, n);
	const char *base = strrchr(p, '/');
	base = base ? base + 1 : p;
	if (!strcmp(base, ".") || !strcmp(base, "..")) {
		char *real = realpath(p, NULL);
		free(p);
		p = real ? xstrdup(real) : NULL;
		free(real);
	}
	if (!p || !*p || !strcmp(p, "/")) {
		error_at(dest, 0, "the output folder must be a named folder inside another one");
		free(p);
		return NULL;
	}
	/* A symlinked DEST (public -> /srv/www/site) is the folder it names: the swap
	 * happens there, so the link keeps pointing at the live site. */
	struct stat st;
	if (lstat(p, &st) == 0 && S_ISLNK(st.st_mode)) {
		char *real = realpath(p, NULL), to[4096];
		ssize_t n = real ? 0 : readlink(p, to, sizeof to - 1);
		if (!real)
			error_at(dest, 0, "the output folder is a symbolic link to '%s', which does not exist",
			         n > 0 ? (to[n] = 0, to) : p);
		free(p);
		p = real ? xstrdup(real) : NULL;
		free(real);
	}
	return p;
}

/* PARENT/.NAME.nfsite/leaf for root PARENT/NAME: beside the site, on its file system,
 * never served. */
static char *side_path(const char *root, const char *leaf)
{
	const char *slash = strrchr(root, '/');
	if (!slash)
		return xasprintf(".%s.nfsite/%s", root, leaf);
	return xasprintf("%.*s/.%s.nfsite/%s", (int)(slash - root), root, slash + 1, leaf);
}

/* True while fd (flock'd) is still the file at path. */
static bool lock_current(int fd, const char *path)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int output_lock(const char *dest)
{
	char *root = root_path(dest);
	if (!root)
		return -1;
	char *dir = side_path(root, ""), *path = side_path(root, "lock");
	const char *slash = strrchr(root, '/');
	char *up = slash ? xstrndup(root, (size_t)(slash - root)) : xstrdup(""); /* DEST's parent */
	int fd = -1;
	if (*up && fs_mkdirs(up) < 0)
		goto out;
	/* 0700: when DEST's parent is a web root, the spare tree inside is not served. */
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		error_at(dest, 0, "cannot create %.*s: %s (nfsite keeps its lock and the site's spare tree beside the output folder, so the folder that holds it must be writable)",
		         (int)strlen(dir) - 1, dir, strerror(errno));
		goto out;
	}
	for (int tries = 0; fd < 0 && tries < 8; tries++) {
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0) {
			error_at(path, 0, "cannot open the build lock: %s", strerror(errno));
			goto out;
		}
		/* Failing at once beats waiting: a build that hangs behind a forgotten `serve` or a
		 * stuck CI job helps nobody. */
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			if (errno == EWOULDBLOCK)
				error_at(dest, 0, "another nfsite build is writing this output folder (it holds %s); try again when it has finished",
				         path);
			else
				error_at(path, 0, "cannot take the build lock: %s", strerror(errno));
			close(fd);
			fd = -1;
			goto out;
		}
		/* A lock file removed (with its folder) after we opened it locks nothing: take
		 * the one that is there now. */
		if (!lock_current(fd, path)) {
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0)
		error_at(path, 0, "cannot take the build lock: the lock file keeps being removed");
out:
	free(up);
	free(path);
	free(dir);
	free(root);
	return fd;
}

void output_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* True when m lists name or a path under it. */
static bool lists_top(const struct manifest *m, const char *name)
{
	if (find(m, name))
		return true;
	char *dir = xasprintf("%s/", name);
	size_t lo = 0, hi = m->n, len = strlen(dir);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(m->e[mid].rel, dir) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	bool has = lo < m->n && !strncmp(m->e[lo].rel, dir, len);
	free(dir);
	return has;
}

/* Moves the entry name of the spare, which nfsite did not write (a CNAME, a .git
 * checkout, a file another program added while a build ran), into the live site, where
 * it belongs. Moving, not copying, keeps one copy of it at every moment, so nothing
 * decides later which of two is the one to keep. When the live site holds that name
 * already, the entry goes to PARENT/.DEST.nfsite/rescued/ with a warning: nothing is
 * deleted. Returns false after warning when the entry could not be moved: it stays. */
static bool move_foreign(const struct output *o, const char *name)
{
	char *from = xasprintf("%s/%s", o->spare, name), *to = xasprintf("%s/%s", o->root, name);
	int rc = 0;
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) < 0) {
		if (errno != EEXIST) {
			warn_at(from, 0, "cannot move '%s' (not written by nfsite) into the output folder: %s; it stays here",
			        name, strerror(errno));
			rc = -1;
		} else {
			char *dir = side_path(o->root, "rescued"), *aside = NULL;
			rc = fs_mkdirs(dir);
			for (int k = 0; rc == 0; k++) {
				free(aside);
				aside = k ? xasprintf("%s/%s.%d", dir, name, k) : xasprintf("%s/%s", dir, name);
				if (renameat2(AT_FDCWD, from, AT_FDCWD, aside, RENAME_NOREPLACE) == 0)
					break;
				if (errno != EEXIST) {
					warn_at(from, 0, "cannot move aside: %s; it stays here", strerror(errno));
					rc = -1;
				}
			}
			if (rc == 0)
				warn_at(to, 0, "the site now writes '%s' itself; what was there (not written by nfsite) is kept in %s",
				        name, aside);
			free(aside);
			free(dir);
		}
	}
	free(from);
	free(to);
	return rc == 0;
}

/* True when name, at the top of the tree in dir, is what m says nfsite wrote there: a
 * folder it lists files under, or a file still as recorded (one replaced by hand is
 * someone else's now). */
static bool ours(const struct manifest *m, const char *dir, const char *name)
{
	const struct entry *e = find(m, name);
	return e ? on_disk(dir, e) : lists_top(m, name);
}

enum spare_state { SPARE_SITE, SPARE_PREPARING, SPARE_FOREIGN };

static enum spare_state spare_state(const char *spare)
{
	char *m = xasprintf("%s/" MANIFEST, spare), *p = xasprintf("%s/" PREPARING, spare);
	enum spare_state s = fs_exists(m) ? SPARE_SITE : fs_exists(p) ? SPARE_PREPARING : SPARE_FOREIGN;
	free(m);
	free(p);
	return s;
}

/* Moves every top-level entry of the spare that is not nfsite's (m NULL: none is) into
 * the live site. Returns false when one could not be moved (it stays, warned about). */
static bool move_all_foreign(const struct output *o, const struct manifest *m)
{
	bool all = true;
	DIR *d = opendir(o->spare);
	for (struct dirent *e; d && (e = readdir(d));) {
		const char *n = e->d_name;
		if (strcmp(n, ".") && strcmp(n, "..") && strncmp(n, ".nfsite-", 8) && !(m && ours(m, o->spare, n)))
			all &= move_foreign(o, n);
	}
	if (d)
		closedir(d);
	return all;
}

/* Clears the top of the spare of what its manifest does not list: what a killed build
 * left (the staging folder, temporary files) and the cache of the site it holds go;
 * anything else was not written by nfsite and goes back into the live site (a build
 * killed between its swap and move_foreign left it here). */
static int tidy_spare(const struct output *o)
{
	DIR *d = opendir(o->spare);
	if (!d)
		return error_at(o->spare, 0, "cannot read: %s", strerror(errno));
	int rc = 0;
	for (struct dirent *e; rc == 0 && (e = readdir(d));) {
		const char *n = e->d_name;
		if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, MANIFEST) || ours(&o->prev, o->spare, n))
			continue;
		/* What cannot go back must not stay in a spare this build is about to change. */
		if (strncmp(n, ".nfsite-", 8)) {
			if (!move_foreign(o, n))
				rc = error_at(o->dest, 0, "cannot go on while '%s' (not written by nfsite) is in %s", n, o->spare);
			continue;
		}
		char *p = xasprintf("%s/%s", o->spare, n);
		rc = fs_remove_tree(p);
		free(p);
	}
	closedir(d);
	return rc;
}

void output_recover(const char *dest)
{
	struct output o = {.root = root_path(dest)};
	if (!o.root)
		return;
	o.spare = side_path(o.root, "spare");
	enum spare_state s = spare_state(o.spare);
	manifest_load(&o.prev, o.spare);
	if (s != SPARE_PREPARING)
		move_all_foreign(&o, s == SPARE_SITE ? &o.prev : NULL);
	free_entries(o.prev.e, o.prev.n);
	free(o.spare);
	free(o.root);
}

/* A hard link where the file system allows one, else a copy: the kernel refuses links
 * to another user's file (fs.protected_hardlinks) and across file systems. Returns 0
 * for a link, 1 for a copy (a new file, with its own stamp), -1 after reporting. */
static int link_or_copy(const char *from, const char *to)
{
	if (link(from, to) == 0)
		return 0;
	if (errno != EPERM && errno != EXDEV && errno != EMLINK)
		return error_at(to, 0, "cannot link into the new site: %s", strerror(errno));
	struct stat st;
	int in = fs_open_regular(from, &st), rc = -1;
	if (in < 0)
		return -1;
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0)
		error_at(to, 0, "cannot write: %s", strerror(errno));
	else if ((rc = fs_copy_fd(in, out, (size_t)st.st_size, from)) == 0 && close(out) < 0)
		rc = error_at(to, 0, "cannot write: %s", strerror(errno));
	else if (rc < 0)
		close(out);
	close(in);
	return rc < 0 ? -1 : 1;
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

static int write_new(const char *path, const char *data, size_t len, const char *what, bool taken_ok);

struct output_memo *output_memo_new(void)
{
	return xcalloc(1, sizeof(struct output_memo));
}

static void memo_drop(struct output_memo *m)
{
	free_entries(m->live.e, m->live.n);
	free_entries(m->prev.e, m->prev.n);
	*m = (struct output_memo){0};
}

void output_memo_free(struct output_memo *m)
{
	if (m) {
		memo_drop(m);
		free(m);
	}
}

struct output *output_begin(const char *dest, int lock, bool trust_manifest, struct output_memo *memo)
{
	struct output *o = xcalloc(1, sizeof *o);
	o->dest = xstrdup(dest);
	o->lock_fd = lock;
	o->trust = trust_manifest;
	pthread_mutex_init(&o->lock, NULL);
	if (!(o->root = root_path(dest)))
		goto fail;
	struct stat st;
	if (lstat(o->root, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			error_at(dest, 0, "output path exists and is %s, not a folder", fs_kind(st.st_mode));
			goto fail;
		}
		char *up = xasprintf("%s/..", o->root);
		struct stat pst;
		bool mount = stat(up, &pst) == 0 && pst.st_dev != st.st_dev;
		free(up);
		if (mount) {
			error_at(dest, 0, "the output folder is a mount point: nfsite swaps the whole folder with one rename, "
			         "which cannot move a mount point; build into a folder inside it and serve that");
			goto fail;
		}
	}
	o->spare = side_path(o->root, "spare");
	enum spare_state state = spare_state(o->spare);
	if (memo && memo->kept && trust_manifest) {
		o->live = memo->live;
		o->prev = memo->prev;
		*memo = (struct output_memo){0};
		if (state != SPARE_SITE) { /* as manifest_load finds it: no manifest, no files */
			free_entries(o->prev.e, o->prev.n);
			o->prev = (struct manifest){0};
		}
	} else {
		if (memo)
			memo_drop(memo);
		manifest_load(&o->live, o->root);
		manifest_load(&o->prev, o->spare);
	}
	if (state == SPARE_FOREIGN && !move_all_foreign(o, NULL)) {
		error_at(dest, 0, "cannot go on while %s holds what nfsite did not write", o->spare);
		goto fail;
	}
	if (state != SPARE_SITE) {
		/* A spare being prepared when a build was killed: its files are anyone's guess.
		 * Into the emptied spare every file goes at its own path. */
		char *mark = xasprintf("%s/" PREPARING, o->spare);
		int rc = fs_remove_tree(o->spare) < 0 || fs_mkdirs(o->spare) < 0 ? -1 : write_new(mark, "", 0, mark, false);
		free(mark);
		if (rc < 0)
			goto fail;
		o->fresh = true;
	} else {
		o->staging = xasprintf("%s/" STAGING, o->spare);
		if (tidy_spare(o) < 0 || fs_mkdirs(o->staging) < 0)
			goto fail;
	}
	return o;
fail:
	output_abort(o);
	return NULL;
}

static void output_free(struct output *o)
{
	free_entries(o->entries, o->n);
	free_entries(o->live.e, o->live.n);
	free_entries(o->prev.e, o->prev.n);
	pthread_mutex_destroy(&o->lock);
	free(o->staging);
	free(o->spare);
	free(o->root);
	free(o->dest);
	free(o);
}

void output_abort(struct output *o)
{
	if (!o)
		return;
	/* A fresh spare held nothing worth keeping; a prepared one is reset by the next build.
	 * A lock that is no longer ours may mean the spare is another build's now. */
	char *lock = o->spare ? side_path(o->root, "lock") : NULL;
	bool held = lock && lock_current(o->lock_fd, lock);
	free(lock);
	if (held && o->fresh)
		fs_remove_tree(o->spare);
	else if (held && o->staging && !o->prepared)
		fs_remove_tree(o->staging);
	output_free(o);
}

/* Writes a new file at path; when taken_ok, a file already there is left alone (a second
 * write of one output path, which output_prepare reports naming both sources). */
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

/* True when dir/e->rel holds what e says (trusted without looking when o->trust). */
static bool holds(const struct output *o, const char *dir, const struct entry *e)
{
	return o->trust || on_disk(dir, e);
}

/* e when it names a file (in the tree at dir) that holds bytes of hash h and the given
 * size, else NULL (also for a NULL e). */
static const struct entry *holding(const struct output *o, const char *dir, const struct entry *e, uint64_t h,
                                   uint64_t size)
{
	return e && e->hash == h && e->st.size == size && holds(o, dir, e) ? e : NULL;
}

/* Records rel and puts its file into the new site: nothing to do when the spare already
 * holds it (prev), a hard link when the live site does (live). Otherwise returns 1 with
 * *tmp (caller frees) naming where its bytes must be written; -1 after reporting. */
static int place(struct output *o, const char *rel, uint64_t h, const char *src, bool known,
                 const struct entry *live, const struct entry *prev, char **tmp)
{
	pthread_mutex_lock(&o->lock);
	size_t seq = o->seq++, idx = o->n;
	ALLOC_GROW(o->entries, o->n + 1, o->cap);
	o->entries[o->n++] = (struct entry){
		.rel = xstrdup(rel), .hash = h, .st = prev ? prev->st : live ? live->st : (struct stamp){0},
		.staged = !prev && !o->fresh, .written = !prev && !live, .changed = !live, .known = known, .seq = seq,
		.src = xstrdup(src ? src : rel),
	};
	pthread_mutex_unlock(&o->lock);
	if (prev)
		return 0;
	/* The spare is private to this build, so plain writes are enough: the swap is what
	 * makes them public. */
	char *path;
	if (o->fresh) {
		if (stage_parents(o->spare, rel) < 0)
			return -1;
		path = xasprintf("%s/%s", o->spare, rel);
	} else {
		path = xasprintf("%s/%zu", o->staging, seq);
	}
	if (!live) {
		*tmp = path;
		return 1;
	}
	/* The live site's file has these bytes: share it (nothing ever writes into a file). */
	char *from = xasprintf("%s/%s", o->root, rel);
	int rc = 0;
	if (!(o->fresh && fs_exists(path)))
		rc = link_or_copy(from, path);
	if (rc == 1) {
		pthread_mutex_lock(&o->lock);
		o->entries[idx].written = true; /* its stamp is read back, not the live file's */
		pthread_mutex_unlock(&o->lock);
		rc = 0;
	}
	free(from);
	free(path);
	return rc;
}

static bool reserved(const char *rel)
{
	return !strncmp(rel, STAGING, strlen(STAGING)) || !strcmp(rel, MANIFEST) ||
	       !strncmp(rel, ".nfsite-cache", 13);
}

/* Records rel with the hash and size of its new bytes. Returns 1 with *tmp (caller
 * frees) set to where they must be staged, 0 when a tree already holds them, or -1
 * after reporting. */
static int add_entry(struct output *o, const char *rel, uint64_t h, size_t len, const char *src, char **tmp)
{
	if (!fs_rel_is_safe(rel, strlen(rel)) || reserved(rel))
		return error_at(src, 0, "output path '%s' would leave the output folder or is reserved", rel);
	const struct entry *live = find(&o->live, rel), *prev = find(&o->prev, rel);
	bool known = live != NULL;
	return place(o, rel, h, src, known, holding(o, o->root, live, h, len), holding(o, o->spare, prev, h, len), tmp);
}

int output_write(struct output *o, const char *rel, const char *data, size_t len, const char *src)
{
	char *tmp = NULL;
	int rc = add_entry(o, rel, hash_bytes(HASH_SEED, data, len), len, src, &tmp);
	if (rc > 0)
		rc = write_new(tmp, data, len, src ? src : rel, o->fresh);
	free(tmp);
	return rc;
}

bool output_kept(struct output *o, const char *rel)
{
	const struct entry *live = find(&o->live, rel);
	return live && holds(o, o->root, live);
}

/* Whether e[0..n) (sorted) has rel, for names asked in ascending order: *at walks along,
 * so a whole manifest costs one pass. */
static bool has_entry(const struct entry *e, size_t n, const char *rel, size_t *at)
{
	int c = 1;
	while (*at < n && (c = strcmp(e[*at].rel, rel)) < 0)
		++*at;
	return *at < n && c == 0;
}

int output_keep(struct output *o, const char *rel, const char *src)
{
	const struct entry *live = find(&o->live, rel), *prev = find(&o->prev, rel);
	if (!live)
		return error_at(src, 0, "output '%s' is not in the live site to keep", rel);
	prev = holding(o, o->spare, prev, live->hash, live->st.size);
	return place(o, rel, live->hash, src, true, live, prev, NULL);
}

int output_keep_rest(struct output *o)
{
	if (!o->trust)
		return error_at(o->dest, 0, "output_keep_rest needs a trusted manifest");
	if (!ascending(o->entries, o->n))
		qsort(o->entries, o->n, sizeof *o->entries, cmp_entry);
	size_t nw = o->n, at = 0, pat = 0;
	for (size_t i = 0; i < o->live.n; i++) {
		const struct entry *live = &o->live.e[i], *prev = NULL;
		if (has_entry(o->entries, nw, live->rel, &at))
			continue;
		if (has_entry(o->prev.e, o->prev.n, live->rel, &pat))
			prev = holding(o, o->spare, &o->prev.e[pat], live->hash, live->st.size);
		if (place(o, live->rel, live->hash, live->rel, true, live, prev, NULL) < 0)
			return -1;
	}
	/* Both runs are sorted: one merge gives output_prepare sorted entries again. */
	struct entry *m = xcalloc(o->n + 1, sizeof *m);
	size_t a = 0, b = nw, k = 0;
	while (a < nw || b < o->n)
		m[k++] = b == o->n || (a < nw && strcmp(o->entries[a].rel, o->entries[b].rel) < 0) ? o->entries[a++]
		                                                                                  : o->entries[b++];
	free(o->entries);
	o->entries = m;
	o->cap = o->n + 1;
	return 0;
}

/* Fills chunk unless the file ends first. */
static ssize_t read_full(int fd, char *chunk, size_t size)
{
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, chunk + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int output_copy(struct output *o, const char *rel, const char *path)
{
	/* Streamed twice (to hash, then to copy when changed), never held whole: an asset
	 * may be as large as the disk allows. */
	enum { CHUNK = 1 << 16 };
	struct stat st;
	int in = fs_open_regular(path, &st), out = -1, rc = -1;
	char *chunk = NULL, *tmp = NULL;
	if (in < 0)
		return -1;
	chunk = xmalloc(CHUNK);
	size_t total = (size_t)st.st_size, len = 0;
	uint64_t h = hash_begin(HASH_SEED, total);
	for (;;) {
		ssize_t n = read_full(in, chunk, CHUNK);
		if (n < 0) {
			error_at(path, 0, "cannot read: %s", strerror(errno));
			goto out;
		}
		len += (size_t)n;
		if (len > total || (len < total && n < CHUNK)) {
			error_at(path, 0, "cannot read: the file changed while it was read");
			goto out;
		}
		h = hash_piece(h, chunk, (size_t)n, len == total);
		if (len == total)
			break;
	}
	rc = add_entry(o, rel, h, total, path, &tmp);
	if (rc <= 0)
		goto out;
	rc = -1;
	out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0 && o->fresh && errno == EEXIST) {
		rc = 0; /* a second write of one path, as in write_new */
		goto out;
	}
	if (out < 0 || lseek(in, 0, SEEK_SET) < 0) {
		error_at(path, 0, "cannot stage output: %s", strerror(errno));
		goto out;
	}
	rc = fs_copy_fd(in, out, total, path);
	if (close(out) < 0 && rc == 0)
		rc = error_at(path, 0, "cannot stage output: %s", strerror(errno));
	out = -1;
out:
	if (out >= 0)
		close(out);
	close(in);
	free(chunk);
	free(tmp);
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

/* Hex without printf: a manifest has thousands of lines. */
static void put_hex(struct buf *b, uint64_t v, char end)
{
	static const char hex[] = "0123456789abcdef";
	char s[17];
	int k = 16;
	do
		s[--k] = hex[v & 15];
	while ((v >>= 4));
	buf_add(b, s + k, (size_t)(16 - k));
	buf_putc(b, end);
}

struct folded {
	char *key;
	size_t i; /* in o->entries */
};

static int cmp_folded(const void *a, const void *b)
{
	const struct folded *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : x->i < y->i ? -1 : x->i > y->i;
}

/* Names that differ only by case or Unicode normalisation ("Foo" and "foo", "é" in NFC
 * and NFD) are one file on macOS and Windows: a site copied there, or served by a server
 * that folds names, would lose one of them. A name that is not UTF-8 has no such form
 * (and would break the sitemap's XML). Entries are sorted and free of exact clashes. */
static int check_names(const struct output *o)
{
	/* The live site's names passed this check: a build writing only those (an edit in
	 * the preview server) has nothing new to compare. */
	bool all_known = true;
	for (size_t i = 0; i < o->n && all_known; i++)
		all_known = o->entries[i].known;
	if (all_known)
		return 0;
	struct folded *f = xcalloc(o->n + 1, sizeof *f);
	size_t n = 0;
	int rc = 0;
	for (size_t i = 0; i < o->n; i++) {
		const struct entry *e = &o->entries[i];
		size_t len = strlen(e->rel);
		if (!utf8_valid(e->rel, len, false, NULL)) {
			struct buf src = BUF_INIT, rel = BUF_INIT;
			utf8_sanitize(e->src, strlen(e->src), &src);
			utf8_sanitize(e->rel, len, &rel);
			rc = error_at(src.data, 0, "file name is not valid UTF-8 (output '%s')", rel.data);
			buf_release(&src);
			buf_release(&rel);
			continue;
		}
		struct buf key = BUF_INIT;
		utf8_fold(e->rel, len, &key);
		f[n++] = (struct folded){buf_detach(&key, NULL), i};
	}
	qsort(f, n, sizeof *f, cmp_folded);
	for (size_t i = 0; i + 1 < n; i++)
		if (!strcmp(f[i].key, f[i + 1].key)) {
			const struct entry *a = &o->entries[f[i].i], *b = &o->entries[f[i + 1].i];
			rc = error_at(b->src, 0, "output '%s' differs from '%s' (written by %s) only in case or Unicode normalisation",
			              b->rel, a->rel, a->src);
		}
	for (size_t i = 0; i < n; i++)
		free(f[i].key);
	free(f);
	return rc;
}

int output_prepare(struct output *o, struct output_stats *stats)
{
	int rc = 0;
	/* Pages arrive mostly in URL order; sort only when they did not. */
	if (!ascending(o->entries, o->n)) { /* strictly ascending names have no twins */
		qsort(o->entries, o->n, sizeof *o->entries, cmp_entry);
		for (size_t i = 0; i + 1 < o->n; i++)
			if (!strcmp(o->entries[i].rel, o->entries[i + 1].rel))
				rc = error_at(o->entries[i + 1].src, 0, "output '%s' is also written by %s", o->entries[i].rel,
				              o->entries[i].src);
	}
	if (rc < 0 || check_names(o) < 0)
		return -1;
	/* From here on the spare is neither the site before last nor the new one: its
	 * manifest goes first (and the old cache with it), so that a kill leaves it marked
	 * for a reset, and comes back last. */
	o->prepared = true;
	char *manifest = xasprintf("%s/" MANIFEST, o->spare), *cache = xasprintf("%s/" CACHE, o->spare);
	char *mark = xasprintf("%s/" PREPARING, o->spare);
	if (!o->fresh && write_new(mark, "", 0, mark, true) < 0)
		rc = -1;
	else if ((unlink(manifest) < 0 && errno != ENOENT) || (unlink(cache) < 0 && errno != ENOENT))
		rc = error_at(manifest, 0, "cannot remove: %s", strerror(errno));
	/* Files of the spare's site that the new one does not have. */
	size_t at = 0;
	for (size_t i = 0; i < o->prev.n && rc == 0; i++) {
		struct entry key = {.rel = o->prev.e[i].rel};
		if (has_entry(o->entries, o->n, key.rel, &at))
			continue;
		char *p = xasprintf("%s/%s", o->spare, key.rel);
		struct stat st;
		if (lstat(p, &st) == 0 && !S_ISDIR(st.st_mode) && unlink(p) == 0)
			prune_dirs(o->spare, key.rel);
		free(p);
	}
	for (size_t i = 0; i < o->n && rc == 0; i++) {
		struct entry *e = &o->entries[i];
		if (!e->staged && !e->written)
			continue; /* already in place: most files of a rebuild */
		char *to = xasprintf("%s/%s", o->spare, e->rel);
		if (e->staged) {
			char *from = xasprintf("%s/%zu", o->staging, e->seq);
			struct stat st;
			if (make_parents(o->spare, e->rel) < 0)
				rc = -1;
			else if (lstat(to, &st) == 0 && S_ISDIR(st.st_mode) && fs_remove_tree(to) < 0)
				rc = -1; /* a page became a file (or the reverse) */
			else if (rename(from, to) < 0)
				rc = error_at(to, 0, "cannot write: %s", strerror(errno));
			free(from);
		}
		if (rc == 0 && e->written && !stamp_of(to, &e->st))
			rc = error_at(to, 0, "cannot read back: %s", strerror(errno));
		free(to);
	}
	if (rc == 0 && o->staging)
		rc = fs_remove_tree(o->staging);
	size_t changed = 0, removed = 0;
	for (size_t i = 0; i < o->n; i++)
		changed += o->entries[i].changed;
	at = 0;
	for (size_t i = 0; i < o->live.n; i++)
		removed += !has_entry(o->entries, o->n, o->live.e[i].rel, &at);
	if (rc == 0) {
		struct buf m = BUF_INIT;
		for (size_t i = 0; i < o->n; i++) {
			const struct entry *e = &o->entries[i];
			put_hex(&m, e->hash, ' ');
			put_hex(&m, e->st.size, ' ');
			put_hex(&m, e->st.mtime, ' ');
			put_hex(&m, e->st.ino, '\t');
			buf_puts(&m, e->rel);
			buf_putc(&m, '\n');
		}
		rc = fs_write_atomic(manifest, m.data, m.len);
		buf_release(&m);
		if (rc == 0 && unlink(mark) < 0)
			rc = error_at(mark, 0, "cannot remove: %s", strerror(errno));
	}
	free(mark);
	free(manifest);
	free(cache);
	if (stats) {
		stats->written = changed;
		stats->unchanged = o->n - changed;
		stats->removed = removed;
	}
	return rc;
}

const char *output_tree(const struct output *o)
{
	return o->spare;
}

int output_commit(struct output *o, struct output_memo *memo)
{
	/* The one step the reader of DEST sees: before it the previous site, after it the
	 * new one. RENAME_EXCHANGE keeps DEST a real folder at every moment (a symlink flip
	 * would change what DEST is); into a DEST that does not exist a plain rename is as
	 * atomic. */
	char *lock = side_path(o->root, "lock");
	bool held = lock_current(o->lock_fd, lock);
	free(lock);
	if (!held) {
		int rc = error_at(o->dest, 0, "the build lock was removed during the build (another build may be writing "
		                  "this output folder): the new site is not swapped in");
		output_abort(o);
		return rc;
	}
	struct stat st;
	bool existed = lstat(o->root, &st) == 0;
	/* The folder keeps what its owner gave it (a setgid group, a mode for the server). */
	if (existed && (chmod(o->spare, st.st_mode & 07777) < 0 || (chown(o->spare, (uid_t)-1, st.st_gid) < 0 && errno != EPERM)))
		warn_at(o->dest, 0, "cannot give the new site the folder's mode and group: %s", strerror(errno));
	int rc = existed ? renameat2(AT_FDCWD, o->spare, AT_FDCWD, o->root, RENAME_EXCHANGE) : rename(o->spare, o->root);
	if (rc < 0)
		rc = error_at(o->dest, 0, "cannot swap the new site in: %s (the output folder must be on a file system "
		              "that supports renameat2 RENAME_EXCHANGE, and not a mount point)", strerror(errno));
	/* The spare now holds the previous site and its manifest: the next build starts
	 * there. What nfsite did not write in it (a CNAME, a .git checkout, files another
	 * program added during this build) moves into the new site, one rename each. */
	DIR *d = rc == 0 && existed ? opendir(o->spare) : NULL;
	for (struct dirent *e; d && (e = readdir(d));) {
		const char *n = e->d_name;
		if (strcmp(n, ".") && strcmp(n, "..") && strncmp(n, ".nfsite-", 8) && !ours(&o->live, o->spare, n))
			move_foreign(o, n); /* else it stays, and the next build's tidy_spare says so */
	}
	if (d)
		closedir(d);
	if (memo && rc == 0) {
		/* The new site's entries (sorted, stamps read back) are its manifest; the old
		 * live site, now the spare, keeps its own. */
		memo->live = (struct manifest){o->entries, o->n};
		memo->prev = o->live;
		for (size_t i = 0; i < o->n; i++) { /* as manifest_load would give them */
			free(o->entries[i].src);
			o->entries[i].src = NULL;
		}
		memo->kept = true;
		o->entries = NULL;
		o->n = 0;
		o->live = (struct manifest){0};
	}
	output_free(o);
	return rc;
}
