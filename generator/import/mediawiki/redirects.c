/* redirects: the old wiki's URLs → the new pages, as the redirect file the build reads
 * (site/redirects.h: "OLD TARGET" lines), rewritten only when it changes. */
#include "import/mediawiki/internal.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/log.h"
#include "base/strmap.h"
#include "base/url.h"
#include "base/utf8.h"
#include "base/webconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void old_path_prefix(const char *old_prefix, struct buf *out)
{
	const char *p = strstr(old_prefix, "://");
	buf_reset(out);
	if (p) {
		p = strchr(p + 3, '/');
		buf_puts(out, p ? p : "");
	} else {
		buf_puts(out, old_prefix);
	}
	while (out->len && out->data[out->len - 1] == '/')
		buf_truncate(out, out->len - 1);
}

/* The file holds several lines per page: spooled to temporary files past 64 KiB so a
 * huge wiki costs disk, not memory. */
struct spool {
	struct buf b;
	FILE *f;
};

static int spool_flush(struct spool *s, bool force)
{
	if (s->b.len < 65536 && !force)
		return 0;
	if (!s->f && !(s->f = tmpfile()))
		return error_at(NULL, 0, "cannot create a temporary file: %s", strerror(errno));
	if (s->b.len && fwrite(s->b.data, 1, s->b.len, s->f) != s->b.len)
		return error_at(NULL, 0, "cannot write a temporary file: %s", strerror(errno));
	buf_reset(&s->b);
	return 0;
}

static void spool_release(struct spool *s)
{
	if (s->f)
		fclose(s->f);
	buf_release(&s->b);
}

/* Writes the concatenated spools to path unless it already holds exactly that. */
static int spool_commit(const char *path, struct spool *parts, size_t n)
{
	char a[65536], b[65536];
	FILE *old = fopen(path, "rb"), *out = NULL;
	struct buf tmp = BUF_INIT;
	bool same = old != NULL;
	int rc = -1, fd;
	for (size_t i = 0; i < n; i++) {
		if (spool_flush(&parts[i], true))
			goto out;
		rewind(parts[i].f);
		size_t got;
		while (same && (got = fread(a, 1, sizeof(a), parts[i].f)) > 0)
			same = fread(b, 1, got, old) == got && !memcmp(a, b, got);
	}
	if (same && fgetc(old) == EOF) {
		rc = 0;
		goto out;
	}
	buf_puts(&tmp, path);
	mw_parent_dir(&tmp);
	if (fs_mkdirs(tmp.data))
		goto out;
	buf_reset(&tmp);
	buf_printf(&tmp, "%s.tmp.XXXXXX", path);
	if ((fd = mkstemp(tmp.data)) < 0 || fchmod(fd, 0644) || !(out = fdopen(fd, "wb"))) {
		error_at(path, 0, "cannot write: %s", strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		size_t got;
		rewind(parts[i].f);
		while ((got = fread(a, 1, sizeof(a), parts[i].f)) > 0)
			fwrite(a, 1, got, out);
	}
	if (fclose(out) != 0 || rename(tmp.data, path) != 0) {
		out = NULL;
		error_at(path, 0, "cannot write: %s", strerror(errno));
		unlink(tmp.data);
		goto out;
	}
	out = NULL;
	rc = 0;
out:
	if (out) {
		fclose(out);
		unlink(tmp.data);
	}
	if (old)
		fclose(old);
	buf_release(&tmp);
	return rc;
}

/* An old path the build can redirect: inside the site, not a folder name twice ("T"
 * and "T/"), and not one written already or differing from one only in case (their stub
 * pages' files would clash); seen holds the folded paths (utf8_fold). */
static bool old_path_ok(struct strmap *seen, const char *path)
{
	size_t n = strlen(path);
	struct buf f = BUF_INIT;
	bool added = false;
	if (!webconf_key_fits(path) || strchr(path, '\\') || path[n - 1] == '/' || !fs_rel_is_safe(path + 1, n - 1) ||
	    !utf8_valid(path, n, false, NULL))
		return false;
	utf8_fold(path, n, &f);
	strmap_put(seen, f.data, f.len, &added);
	buf_release(&f);
	return added;
}

/* One line: the old URL (its variable part, name, encoded as MediaWiki does) → target. */
static void line(struct buf *out, const char *form, const char *name, const char *target)
{
	const char *one = strstr(form, "$1");
	buf_add(out, form, (size_t)(one - form));
	url_encode_title(out, name, strlen(name), false);
	buf_puts(out, one + 2);
	buf_putc(out, ' ');
	buf_puts(out, target);
	buf_putc(out, '\n');
}

int mw_write_redirects(struct mw_wiki *w, const struct mw_out *o, const char *article_path, const char *path)
{
	sqlite3_stmt *st = NULL;
	struct spool sp = {BUF_INIT, NULL};
	struct strmap seen = STRMAP_INIT;
	struct buf prefix = BUF_INIT, target = BUF_INIT, k = BUF_INIT, old = BUF_INIT;
	struct buf forms[3] = {BUF_INIT, BUF_INIT, BUF_INIT};
	int rc = -1;

	old_path_prefix(o->old_prefix, &prefix);
	buf_printf(&forms[0], "%s/index.php/$1", prefix.data);
	buf_printf(&forms[1], "%s/index.php?title=$1", prefix.data);
	if (article_path && strcmp(article_path, forms[0].data))
		buf_puts(&forms[2], article_path);
	buf_puts(&sp.b, "# The old wiki's URLs → its pages, one a line, for nfsite build (docs/CONFIG.md,\n"
	                "# \"Redirect files\"). Written by nfsite import mediawiki: each import rewrites it.\n");
	if (mw_stmt(w, &st, "SELECT p.title, f.slug, p.final_frag FROM page p"
	                    " JOIN page f ON f.id = p.final"
	                    " WHERE p.status IN ('page', 'redirect') ORDER BY p.ns, p.key"))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *title = (const char *)sqlite3_column_text(st, 0);
		const char *frag = (const char *)sqlite3_column_text(st, 2);
		buf_reset(&target);
		mw_page_url(w, (const char *)sqlite3_column_text(st, 1), true, &target);
		if (frag && *frag) {
			struct buf f = BUF_INIT;
			for (const char *p = frag; *p; p++)
				buf_putc(&f, *p == ' ' ? '_' : *p);
			buf_putc(&target, '#');
			buf_add_urlenc(&target, f.data, f.len);
			buf_release(&f);
		}
		/* the title as MediaWiki's URLs spell it (underscores), and with spaces */
		mw_title_dbkey(title, &k);
		const char *names[] = {k.data, strcmp(k.data, title) ? title : NULL};
		for (size_t i = 0; i < 2 && names[i]; i++)
			for (size_t f = 0; f < 3; f++) {
				if (!forms[f].len)
					continue;
				buf_reset(&old);
				const char *one = strstr(forms[f].data, "$1");
				buf_add(&old, forms[f].data, (size_t)(one - forms[f].data));
				buf_puts(&old, names[i]);
				buf_puts(&old, one + 2);
				if (f == 1 ? !webconf_key_fits(old.data) : !old_path_ok(&seen, old.data))
					continue;
				line(&sp.b, forms[f].data, names[i], target.data);
			}
		if (spool_flush(&sp, false))
			goto out;
	}
	/* Rewritten only when different: a second run touches nothing. */
	if (spool_commit(path, &sp, 1))
		goto out;
	rc = 0;
out:
	sqlite3_finalize(st);
	strmap_release(&seen);
	spool_release(&sp);
	buf_release(&prefix);
	buf_release(&target);
	buf_release(&k);
	buf_release(&old);
	for (int i = 0; i < 3; i++)
		buf_release(&forms[i]);
	return rc;
}

/* The folder holding path (".", "/" at the top), in place. */
void mw_parent_dir(struct buf *b)
{
	while (b->len > 1 && b->data[b->len - 1] == '/')
		buf_truncate(b, b->len - 1);
	char *slash = strrchr(b->data, '/');
	if (!slash) {
		buf_reset(b);
		buf_putc(b, '.');
	} else {
		buf_truncate(b, slash == b->data ? 1 : (size_t)(slash - b->data));
	}
}
