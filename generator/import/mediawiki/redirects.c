/* redirects: the old wiki's URLs → the new pages, as an nginx map and Apache rewrite
 * rules, rewritten only when they change. */
#include "import/mediawiki/internal.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/log.h"
#include "base/url.h"
#include "base/webconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Every spelling of a title in a query string: MediaWiki's own, "+" or "%20" for
 * spaces, and everything but unreserved characters encoded. */
static void query_forms(const char *title, char ***l, size_t *n)
{
	struct buf k = BUF_INIT, v = BUF_INIT;
	mw_title_dbkey(title, &k);
	url_encode_title(&v, k.data, k.len, false);
	mw_list_add(l, n, v.data);
	buf_reset(&v);
	buf_add_urlenc(&v, k.data, k.len);
	mw_list_add(l, n, v.data);
	buf_reset(&v);
	for (const char *p = title; *p; p++) {
		if (*p == ' ')
			buf_putc(&v, '+');
		else
			url_encode_title(&v, p, 1, false);
	}
	mw_list_add(l, n, v.data);
	buf_reset(&v);
	url_encode_title(&v, title, strlen(title), false); /* spaces as %20 */
	mw_list_add(l, n, v.data);
	buf_release(&k);
	buf_release(&v);
}

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

/* A map can hold several lines per page: spooled to temporary files past 64 KiB so a
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

int mw_write_redirect_maps(struct mw_wiki *w, const struct mw_out *o, const char *base)
{
	sqlite3_stmt *st = NULL;
	struct spool sp[3] = {{BUF_INIT, NULL}, {BUF_INIT, NULL}, {BUF_INIT, NULL}};
	struct buf *ng = &sp[0].b, *ngq = &sp[1].b, *ap = &sp[2].b, prefix = BUF_INIT;
	struct buf target = BUF_INIT, k = BUF_INIT, path = BUF_INIT, rx = BUF_INIT;
	int rc = -1;

	old_path_prefix(o->old_prefix, &prefix);
	buf_printf(ng, "# Old wiki URLs → new pages. Written by nfsite import mediawiki.\n"
	                "# Include inside http { }, after _nfsite/redirects/aliases.nginx.conf"
	                " (it sizes the maps),\n"
	                "# then in the server { }:\n"
	                "#   location ^~ %s/index.php/ { if ($nfsite_wiki_path) { return 301 $nfsite_wiki_path; } return 404; }\n"
	                "#   location = %s/index.php { if ($nfsite_wiki_title) { return 301 $nfsite_wiki_title; } return 301 %s/; }\n"
	                "map $uri $nfsite_wiki_path {\n\tdefault \"\";\n",
	           prefix.data, prefix.data, w->url_prefix);
	buf_puts(ngq, "map $arg_title $nfsite_wiki_title {\n\tdefault \"\";\n");
	buf_puts(ap, "# Old wiki URLs → new pages. Written by nfsite import mediawiki.\n"
	              "# Include in the virtual host (needs mod_rewrite).\nRewriteEngine On\n");
	if (mw_stmt(w, &st, "SELECT p.title, f.slug, p.final_frag FROM page p"
	                         " JOIN page f ON f.id = p.final"
	                         " WHERE p.status IN ('page', 'redirect') ORDER BY p.ns, p.key"))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *title = (const char *)sqlite3_column_text(st, 0);
		const char *slug = (const char *)sqlite3_column_text(st, 1);
		const char *frag = (const char *)sqlite3_column_text(st, 2);
		char **forms = NULL;
		size_t nforms = 0;
		if (!webconf_key_fits(title))
			continue;
		buf_reset(&target);
		mw_page_url(w, slug, true, &target);
		if (frag && *frag) {
			buf_putc(&target, '#');
			for (const char *p = frag; *p; p++)
				buf_putc(&target, *p == ' ' ? '_' : *p);
			/* keep only safe bytes in a Location header */
			struct buf enc = BUF_INIT;
			const char *hash = strchr(target.data, '#');
			buf_add_urlenc(&enc, hash + 1, strlen(hash + 1));
			buf_truncate(&target, (size_t)(hash - target.data) + 1);
			buf_add(&target, enc.data, enc.len);
			buf_release(&enc);
		}
		/* $uri is decoded: the title with underscores and with spaces. */
		mw_title_dbkey(title, &k);
		mw_list_add(&forms, &nforms, k.data);
		mw_list_add(&forms, &nforms, title);
		for (size_t i = 0; i < nforms; i++) {
			buf_reset(&path);
			buf_printf(&path, "%s/index.php/%s", prefix.data, forms[i]);
			if (!webconf_key_fits(path.data))
				continue;
			buf_putc(ng, '\t');
			webconf_nginx_quote(ng, path.data);
			buf_putc(ng, ' ');
			webconf_nginx_quote(ng, target.data);
			buf_puts(ng, ";\n");
			buf_reset(&rx);
			buf_puts(&rx, "^/?");
			webconf_regex_literal(&rx, path.data[0] == '/' ? path.data + 1 : path.data);
			buf_puts(ap, "RewriteRule \"");
			buf_puts(ap, rx.data);
			buf_puts(ap, "$\" \"");
			webconf_apache_subst(ap, target.data);
			buf_puts(ap, "\" [R=301,L,NE]\n");
		}
		mw_list_free(forms, nforms);
		forms = NULL;
		nforms = 0;
		query_forms(title, &forms, &nforms);
		for (size_t i = 0; i < nforms; i++) {
			if (!webconf_key_fits(forms[i]))
				continue;
			buf_putc(ngq, '\t');
			webconf_nginx_quote(ngq, forms[i]);
			buf_putc(ngq, ' ');
			webconf_nginx_quote(ngq, target.data);
			buf_puts(ngq, ";\n");
			buf_reset(&rx);
			webconf_regex_literal(&rx, forms[i]);
			buf_printf(ap, "RewriteCond \"%%{QUERY_STRING}\" \"(^|&)title=%s(&|$)\"\n", rx.data);
			buf_reset(&rx);
			buf_puts(&rx, "^/?");
			webconf_regex_literal(&rx, prefix.data[0] == '/' ? prefix.data + 1 : prefix.data);
			buf_printf(ap, "RewriteRule \"%s/index\\.php$\" \"", rx.data);
			webconf_apache_subst(ap, target.data);
			buf_puts(ap, strchr(target.data, '#') ? "\" [R=301,L,NE,QSD]\n" : "?\" [R=301,L,NE]\n");
		}
		mw_list_free(forms, nforms);
		if (spool_flush(&sp[0], false) || spool_flush(&sp[1], false) || spool_flush(&sp[2], false))
			goto out;
	}
	buf_puts(ng, "}\n");
	buf_puts(ngq, "}\n");
	/* Rewritten only when different: a second run touches nothing. */
	buf_reset(&path);
	buf_printf(&path, "%s.nginx.conf", base);
	if (spool_commit(path.data, sp, 2))
		goto out;
	buf_reset(&path);
	buf_printf(&path, "%s.apache.conf", base);
	if (spool_commit(path.data, sp + 2, 1))
		goto out;
	rc = 0;
out:
	sqlite3_finalize(st);
	for (int i = 0; i < 3; i++)
		spool_release(&sp[i]);
	buf_release(&prefix);
	buf_release(&target);
	buf_release(&k);
	buf_release(&path);
	buf_release(&rx);
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
