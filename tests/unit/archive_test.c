/* archive_test: renders a bug archive through a sink that writes into a folder, so shell
 * tests can check the pages without the site build.
 *
 *   archive_test                 built-in checks (e-mail hiding), unit.h's summary
 *   archive_test DB OUTDIR       OUTDIR/<url>index.html holds each page's body, with
 *                                OUTDIR/<url>page.meta (title, kind, description, date,
 *                                anchors); files land at OUTDIR/<relpath>, the
 *                                redirect list at OUTDIR/_redirects ("PATH QUERY TARGET") */
#include "archive/archive.h"
#include "site/bugpages.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/log.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>

static void hide(const char *in, const char *want)
{
	struct buf b = BUF_INIT;
	archive_hide_emails(in, strlen(in), &b);
	CHECKF(!strcmp(b.data, want), "hide_emails(%s) = %s, want %s", in, b.data, want);
	buf_release(&b);
}

static int add_page(void *arg, const struct bugpage *p)
{
	const char *out = arg;
	struct buf path = BUF_INIT, meta = BUF_INIT;
	int rc = -1;
	CHECK(p->url[0] == '/' && p->url[strlen(p->url) - 1] == '/');
	if (fs_join_safe(&path, out, p->url + 1) < 0 && strcmp(p->url, "/")) {
		error_at(p->url, 0, "unsafe page url");
		goto out;
	}
	buf_printf(&meta, "title: %s\nkind: %s\ndescription: %s\ndate: %s\nanchors:", p->title, p->kind,
		   p->description ? p->description : "", p->date ? p->date : "");
	for (const char *const *a = p->anchors; a && *a; a++)
		buf_printf(&meta, " %s", *a);
	buf_putc(&meta, '\n');
	size_t base = path.len;
	buf_puts(&path, "index.html");
	if (fs_write_atomic(path.data, p->html, strlen(p->html)) < 0)
		goto out;
	buf_truncate(&path, base);
	buf_puts(&path, "page.meta");
	rc = fs_write_atomic(path.data, meta.data, meta.len);
out:
	buf_release(&path);
	buf_release(&meta);
	return rc;
}

static int add_file(void *arg, const char *rel, const char *data, size_t len)
{
	const char *out = arg;
	struct buf path = BUF_INIT;
	int rc = -1;
	if (!fs_rel_is_safe(rel, strlen(rel)) || fs_join_safe(&path, out, rel) < 0)
		error_at(rel, 0, "unsafe file path");
	else
		rc = fs_write_atomic(path.data, data, len);
	buf_release(&path);
	return rc;
}

static struct buf redirects = BUF_INIT;

static void add_redirect(void *arg, const char *path, const char *query, const char *target)
{
	(void)arg;
	buf_printf(&redirects, "%s %s %s\n", path, query ? query : "-", target);
}

int main(int argc, char **argv)
{
	if (argc == 3) {
		struct bugpages_sink sink = {add_page, add_file, add_redirect, argv[2], ""};
		if (bugpages_render(argv[1], &sink))
			return 1;
		return add_file(argv[2], "_redirects", redirects.data, redirects.len) == 0 ? 0 : 1;
	}
	hide("mail me at a.b@example.org.", "mail me at a.b@\xE2\x80\xA6.");
	hide("<sean.oconnor@example.ie>", "<sean.oconnor@\xE2\x80\xA6>");
	hide("user@localhost stays", "user@localhost stays");
	hide("@example.org alone", "@example.org alone");
	hide("x@y.z and p@q.rs", "x@\xE2\x80\xA6 and p@\xE2\x80\xA6");
	hide("git@github.com:foo", "git@\xE2\x80\xA6:foo");
	hide("no at sign", "no at sign");
	hide("trailing@", "trailing@");
	CHECK(archive_schema_sql[0] != 0);
	return unit_done();
}
