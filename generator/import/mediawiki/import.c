/* import: the driver of `nfsite import mediawiki` (see import.h): picks the reader,
 * checks that no output lands on an input, then reads, prepares, writes and reports. */
#include "import/mediawiki/import.h"
#include "base/buf.h"
#include "base/db.h"
#include "base/fs.h"
#include "base/log.h"
#include "import/mediawiki/db.h"
#include "import/mediawiki/internal.h"
#include "import/mediawiki/xml.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int read_source(struct mw_wiki *w, const char *kind, const char *src,
                       const struct mediawiki_api_opts *api)
{
	if (!strcmp(kind, "db"))
		return mediawiki_db_read(w, src);
	if (!strcmp(kind, "xml"))
		return mediawiki_xml_read(w, src);
	return mediawiki_api_read(w, src, api);
}

int mw_wiki_open(const char *path, bool is_xml, const char *images, struct mw_wiki **out)
{
	struct mw_wiki *w = NULL;
	struct mw_nsset sel = {NULL, 0, false};
	int rc = -1;
	*out = NULL;
	if (mw_wiki_new(path, &w))
		goto out;
	if (read_source(w, is_xml ? "xml" : "db", path, NULL) || mw_guess_project_name(w, NULL))
		goto out;
	mw_nsset_default(&sel);
	if (mw_wiki_prepare(w, &sel))
		goto out;
	if (images && !fs_is_dir(images)) {
		error_at(images, 0, "--images must be the wiki's upload folder; this is not a folder");
		goto out;
	}
	if (images && mw_files_copy(w, images))
		goto out;
	*out = w;
	w = NULL;
	rc = 0;
out:
	free(sel.ids);
	mw_wiki_free(w);
	return rc;
}
/* /wiki for …/content/wiki: the path after the last "content" component, else /wiki. */
static char *derive_url_prefix(const char *out)
{
	const char *p = out, *hit = NULL;
	for (const char *s = strstr(p, "content"); s; s = strstr(s + 1, "content"))
		if ((s == out || s[-1] == '/') && (s[7] == '/' || !s[7]))
			hit = s + 7;
	struct buf b = BUF_INIT;
	if (hit && *hit) {
		buf_puts(&b, hit);
		while (b.len > 1 && b.data[b.len - 1] == '/')
			buf_truncate(&b, b.len - 1);
	} else if (hit) {
		buf_puts(&b, "");
	} else {
		buf_puts(&b, "/wiki");
	}
	return buf_detach(&b, NULL);
}

/* The redirect file the build reads: SITE/data/redirects/NAME.txt, SITE the folder above
 * content/ when OUT is in it (else above OUT), NAME the pages' URL prefix ("wiki" for
 * /wiki, "a-b" for /a/b), so each imported wiki has its own. */
static char *derive_redirects(const char *out, const char *url_prefix)
{
	struct buf b = BUF_INIT;
	const char *hit = NULL;
	for (const char *s = strstr(out, "content"); s; s = strstr(s + 1, "content"))
		if ((s == out || s[-1] == '/') && (s[7] == '/' || !s[7]))
			hit = s + 7;
	buf_add(&b, out, hit ? (size_t)(hit - out) : strlen(out));
	mw_parent_dir(&b);
	buf_puts(&b, "/data/redirects/");
	const char *p = url_prefix;
	while (*p == '/')
		p++;
	if (!*p)
		buf_puts(&b, "wiki");
	for (; *p; p++)
		buf_putc(&b, *p == '/' ? '-' : *p);
	buf_puts(&b, ".txt");
	return buf_detach(&b, NULL);
}

/* --article-path as a path with one "$1": a full URL loses its scheme and host. */
static int check_article_path(const char *given, char **out)
{
	const char *p = strstr(given, "://"), *one = strstr(given, "$1");
	if (p)
		p = strchr(p + 3, '/');
	else
		p = given;
	if (!p || *p != '/' || !one || strstr(one + 2, "$1") || strchr(given, '?') || strchr(given, '#')) {
		fprintf(stderr, "nfsite import mediawiki: --article-path '%s' must be a path holding $1 once, "
		        "without a query (like /wiki/$1)\n", given);
		return -1;
	}
	*out = xstrdup(p);
	return 0;
}

/* From <siteinfo><base> (the main page's URL): its path with the last segment as "$1",
 * unless that is index.php's own form (index.php/T or index.php?title=T). */
static char *article_path_from_base(const char *base)
{
	const char *p = base ? strstr(base, "://") : NULL;
	p = p ? strchr(p + 3, '/') : NULL;
	const char *slash = p ? strrchr(p, '/') : NULL;
	if (!slash || strchr(p, '?') || strstr(p, ".php/"))
		return NULL;
	return xasprintf("%.*s/$1", (int)(slash - p), p);
}

/* An existing --out folder that holds files is written into only when the importer
 * wrote there before (a page carrying import_hash): pointed at a folder of pages written
 * by hand, --force would overwrite them. Dot-files (.gitkeep) do not count. */
static int check_out(const char *out)
{
	struct stat sb;
	if (stat(out, &sb) < 0)
		return errno == ENOENT ? 0 : error_at(out, 0, "cannot read: %s", strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return error_at(out, 0, "--out must be a folder; this is a file");
	DIR *d = opendir(out);
	if (!d)
		return error_at(out, 0, "cannot read: %s", strerror(errno));
	struct buf file = BUF_INIT;
	bool any = false, ours = false;
	struct dirent *e;
	while (!ours && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (e->d_name[0] == '.')
			continue;
		any = true;
		if (n < 4 || strcmp(e->d_name + n - 3, ".md"))
			continue;
		/* the front matter is at the top: 64 KiB hold it */
		char *path = xasprintf("%s/%s", out, e->d_name), rec[40], now[40];
		FILE *f = fopen(path, "rb");
		free(path);
		if (!f)
			continue;
		buf_reset(&file);
		buf_grow(&file, 65536);
		file.len = fread(file.data, 1, 65535, f);
		file.data[file.len] = 0;
		fclose(f);
		ours = mw_existing_hash(&file, rec, now);
	}
	closedir(d);
	buf_release(&file);
	if (any && !ours)
		return error_at(out, 0, "holds files that nfsite import did not write: refusing to write"
		                " into it (choose an empty or new folder, or one an import wrote)");
	return 0;
}

/* No output may land on an input: the same file after realpath (or a hard link), or an
 * input inside the --out folder. */
static int check_paths(const struct import_mediawiki_opts *o, const char *site, const char *redirects)
{
	const char *in[] = {strcmp(o->kind, "api") ? o->src : NULL, site};
	const char *outs[][2] = {{"--out", o->out}, {"--report", o->report}, {"the redirect file", redirects}};
	int rc = 0;
	for (size_t i = 0; i < 3 && !rc; i++)
		for (size_t j = 0; j < 2 && !rc; j++) {
			if (!outs[i][1] || !in[j])
				continue;
			/* a database's -wal, -journal and -shm are the input too */
			const char *hit = j == 0 && !strcmp(o->kind, "db") ? db_overlap(outs[i][1], in[j])
			                  : fs_overlap(outs[i][1], in[j]) ? "" : NULL;
			if (hit)
				rc = error_at(outs[i][1], 0, "%s %s the input %s%s: refusing to write over the source",
				              outs[i][0], i ? "is" : "holds", in[j], hit);
		}
	return rc;
}

int import_mediawiki(const struct import_mediawiki_opts *opt)
{
	struct mw_out o = {opt->out, opt->old_prefix, opt->report, opt->force};
	struct mw_wiki *w = NULL;
	struct mw_nsset sel = {NULL, 0, false};
	struct mw_counts c = {0};
	char *url_prefix = NULL, *redirects = NULL, *old_prefix = NULL, *article_path = NULL;
	int rc = IMPORT_FAILED;

	url_prefix = opt->url_prefix ? xstrdup(opt->url_prefix) : derive_url_prefix(o.out);
	if (opt->article_path && check_article_path(opt->article_path, &article_path)) {
		rc = IMPORT_BAD_OPTION;
		goto out;
	}

	if (mw_wiki_new(opt->src, &w))
		goto out;
	free(w->url_prefix);
	w->url_prefix = url_prefix;
	url_prefix = NULL;
	while (strlen(w->url_prefix) && w->url_prefix[strlen(w->url_prefix) - 1] == '/')
		w->url_prefix[strlen(w->url_prefix) - 1] = 0;
	redirects = derive_redirects(o.out, w->url_prefix);

	/* Site-provided template map. */
	const char *site = opt->site ? opt->site : fs_exists("site.lua") ? "site.lua" : NULL;
	if (check_paths(opt, site, redirects) || check_out(o.out))
		goto out;
	if (opt->images && !fs_is_dir(opt->images)) {
		error_at(opt->images, 0, "--images must be the wiki's upload folder; this is not a folder");
		rc = IMPORT_BAD_OPTION;
		goto out;
	}
	if (opt->images && fs_overlap(o.out, opt->images)) {
		error_at(o.out, 0, "--out overlaps the upload folder %s: refusing to write over the source",
		         opt->images);
		goto out;
	}
	mw_files_set_dir(w, o.out);
	if (site && mw_tmap_load(w, site, &w->tmap)) {
		if (opt->site)
			goto out;
		warn_at(site, 0, "not using its wiki_templates (see the error above)");
	}

	/* 1. Read everything; nothing is written when this fails. */
	if (read_source(w, opt->kind, opt->src, &opt->api))
		goto out;
	/* The old wiki's address (where index.php lives), when not given: an export names
	 * its main page (<base>…/index.php/Main_Page), api.php sits beside index.php. A
	 * database does not know it. */
	if (!o.old_prefix) {
		const char *from = !strcmp(opt->kind, "api") ? opt->src : w->site_base;
		const char *cut = !from ? NULL : !strcmp(opt->kind, "api") ? strrchr(from, '/') : strstr(from, "/index.php");
		if (!cut || !strstr(from, "://")) {
			error_at(opt->src, 0, "the old wiki's address is not known%s: give --old-url-prefix URL, where its "
			         "index.php lives (like https://wiki.example.org/w)",
			         !strcmp(opt->kind, "db") ? " from a database" : " from this export (no <siteinfo><base> "
			         "naming index.php)");
			rc = IMPORT_BAD_OPTION;
			goto out;
		}
		o.old_prefix = old_prefix = xstrndup(from, (size_t)(cut - from));
	} else {
		/* as given: the folder of index.php, or index.php itself */
		size_t n = strlen(o.old_prefix);
		while (n && o.old_prefix[n - 1] == '/')
			n--;
		if (n >= 10 && !strncmp(o.old_prefix + n - 10, "/index.php", 10))
			n -= 10;
		o.old_prefix = old_prefix = xstrndup(o.old_prefix, n);
	}
	if (!article_path && !strcmp(opt->kind, "xml"))
		article_path = article_path_from_base(w->site_base);
	/* a source of the wrong kind must not leave empty redirect maps behind */
	if (!w->pages_read && !opt->allow_empty) {
		error_at(opt->src, 0, "no page read: nothing to import (--allow-empty imports an empty wiki)");
		goto out;
	}
	if (opt->site_name)
		mw_wiki_set_sitename(w, opt->site_name);
	if (mw_guess_project_name(w, opt->project_name))
		goto out;
	if (opt->namespaces) {
		if (mw_nsset_parse(w, opt->namespaces, &sel)) {
			rc = IMPORT_BAD_OPTION;
			goto out;
		}
	} else {
		mw_nsset_default(&sel);
	}
	/* 2. Resolve, 3. convert and write. */
	if (mw_wiki_prepare(w, &sel))
		goto out;
	if (fs_mkdirs(o.out) || mw_files_copy(w, opt->images))
		goto out;
	if (mw_wiki_begin(w) || mw_write_pages(w, &o, &c) || mw_wiki_commit(w))
		goto out;
	if (mw_write_redirects(w, &o, article_path, redirects))
		goto out;
	c.redirected = (size_t)mw_count_where(w, "SELECT count(*) FROM page WHERE status = 'redirect'");
	c.skipped = (size_t)mw_count_where(w, "SELECT (SELECT count(*) FROM page WHERE status = 'skipped')"
	                                   " + (SELECT count(*) FROM skipped)");
	if (mw_count_where(w, "SELECT count(*) FROM file WHERE status IS NULL OR status NOT IN ('copied', 'missing')")) {
		error_at(opt->src, 0, "internal error: a file read was neither copied nor reported missing");
		goto out;
	}
	if (w->pages_read != c.written + c.redirected + c.skipped) {
		error_at(opt->src, 0, "internal error: %zu pages read but %zu written + %zu redirected +"
		         " %zu skipped", w->pages_read, c.written, c.redirected, c.skipped);
		goto out;
	}
	if (o.report && mw_write_report(w, &o, &c))
		goto out;
	info("%s: read %zu pages (%zu revisions, %lld redirects); written %zu (%zu new, %zu changed,"
	     " %zu unchanged, %zu kept because edited by hand), redirected %zu, skipped %zu;"
	     " %zu links to missing pages or sections, %zu constructs not converted",
	     opt->src, w->pages_read, w->revisions_read,
	     mw_count_where(w, "SELECT count(*) FROM page WHERE is_redirect"), c.written, c.created,
	     c.changed, c.unchanged, c.kept, c.redirected, c.skipped, c.missing, c.unconverted);
	mw_print_skips(w);
	mw_files_summary(w);
	rc = 0;
out:
	free(sel.ids);
	free(url_prefix);
	free(redirects);
	free(old_prefix);
	free(article_path);
	mw_wiki_free(w);
	return rc;
}
