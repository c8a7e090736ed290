/* pages: each page converted (wikitext/) and written as Markdown with front matter
 * (libyaml), unless the file on disk was edited by hand since the last import; beside
 * it, SLUG/history.md holds the page's revisions as front matter for the theme's
 * wiki_history.html (the attribution the wiki's licence asks for). */
#include "import/mediawiki/internal.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/fs.h"
#include "base/hash.h"
#include "base/log.h"
#include "base/url.h"
#include "base/utf8.h"
#include "wikitext/wikitext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static int yaml_out(void *data, unsigned char *p, size_t n)
{
	buf_add(data, (const char *)p, n);
	return 1;
}

static void y_str(yaml_emitter_t *e, const char *s)
{
	yaml_event_t ev;
	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 0, 1,
	                             YAML_DOUBLE_QUOTED_SCALAR_STYLE);
	yaml_emitter_emit(e, &ev);
}

static void y_plain(yaml_emitter_t *e, const char *s)
{
	yaml_event_t ev;
	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 0,
	                             YAML_PLAIN_SCALAR_STYLE);
	yaml_emitter_emit(e, &ev);
}

static void y_seq(yaml_emitter_t *e, bool start)
{
	yaml_event_t ev;
	if (start)
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
	else
		yaml_sequence_end_event_initialize(&ev);
	yaml_emitter_emit(e, &ev);
}

static void y_map(yaml_emitter_t *e, bool start)
{
	yaml_event_t ev;
	if (start)
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	else
		yaml_mapping_end_event_initialize(&ev);
	yaml_emitter_emit(e, &ev);
}

/* Starts a front matter document ("---", a block mapping) into out. */
static int y_begin(yaml_emitter_t *e, struct buf *out)
{
	yaml_event_t ev;
	if (!yaml_emitter_initialize(e))
		return error_at(NULL, 0, "libyaml: cannot initialise the emitter");
	yaml_emitter_set_output(e, yaml_out, out);
	yaml_emitter_set_unicode(e, 1);
	yaml_emitter_set_width(e, -1);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	yaml_emitter_emit(e, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 0);
	yaml_emitter_emit(e, &ev);
	y_map(e, true);
	return 0;
}

/* Ends y_begin's document with the closing "---" and frees the emitter. */
static int y_end(yaml_emitter_t *e, struct buf *out)
{
	yaml_event_t ev;
	int rc = 0;
	y_map(e, false);
	yaml_document_end_event_initialize(&ev, 1);
	yaml_emitter_emit(e, &ev);
	yaml_stream_end_event_initialize(&ev);
	if (!yaml_emitter_emit(e, &ev) || e->error) {
		rc = error_at(NULL, 0, "libyaml: %s", e->problem ? e->problem : "emitter error");
	} else {
		yaml_emitter_flush(e);
		buf_puts(out, "---\n");
	}
	yaml_emitter_delete(e);
	return rc;
}

struct fm {
	const char *title, *original_title, *original_url, *last_edited, *last_editor;
	const char *history_page; /* URL of SLUG/history.md */
	long long revisions;
	char **contributors, **tags, **aliases;
	size_t ncontributors, ntags, naliases;
	const char *lists_tag; /* a category page: its category, whose members the build lists */
	const char *sort_title; /* {{DEFAULTSORT:}}: where the page sorts in category lists */
	bool notoc;
	const char *hash; /* NULL: leave import_hash out */
};

/* Writes "---\n<yaml>---\n" with every string double-quoted by libyaml. */
static int front_matter(const struct fm *f, struct buf *out)
{
	yaml_emitter_t e;
	char num[32];
	if (y_begin(&e, out))
		return -1;
	y_plain(&e, "title");
	y_str(&e, f->title);
	y_plain(&e, "original_title");
	y_str(&e, f->original_title);
	y_plain(&e, "original_url");
	y_str(&e, f->original_url);
	if (f->last_edited && *f->last_edited) {
		y_plain(&e, "last_edited");
		y_str(&e, f->last_edited);
		struct date d;
		if (!date_parse(f->last_edited, &d)) {
			/* the day it was written on, in its own offset: the site reads updated: */
			date_day(&d, num);
			y_plain(&e, "updated");
			y_str(&e, num);
		}
	}
	if (f->last_editor) {
		y_plain(&e, "last_editor");
		y_str(&e, f->last_editor);
	}
	y_plain(&e, "revisions");
	snprintf(num, sizeof(num), "%lld", f->revisions);
	y_plain(&e, num);
	y_plain(&e, "contributors");
	y_seq(&e, true);
	for (size_t i = 0; i < f->ncontributors; i++)
		y_str(&e, f->contributors[i]);
	y_seq(&e, false);
	y_plain(&e, "history_page");
	y_str(&e, f->history_page);
	y_plain(&e, "tags");
	y_seq(&e, true);
	for (size_t i = 0; i < f->ntags; i++)
		y_str(&e, f->tags[i]);
	y_seq(&e, false);
	if (f->lists_tag) {
		y_plain(&e, "lists_tag");
		y_str(&e, f->lists_tag);
	}
	if (f->sort_title) {
		y_plain(&e, "sort_title");
		y_str(&e, f->sort_title);
	}
	y_plain(&e, "aliases");
	y_seq(&e, true);
	for (size_t i = 0; i < f->naliases; i++)
		y_str(&e, f->aliases[i]);
	y_seq(&e, false);
	if (f->notoc) {
		y_plain(&e, "toc");
		y_plain(&e, "false");
	}
	y_plain(&e, "banner");
	y_map(&e, true);
	y_plain(&e, "id");
	y_str(&e, "wiki-migrated");
	y_plain(&e, "level");
	y_str(&e, "info");
	y_plain(&e, "message");
	y_str(&e, "Migrated from the legacy wiki, with the history of its edits and contributors.");
	/* Not original_url: the redirect map sends that straight back here. */
	y_plain(&e, "link");
	y_str(&e, f->history_page);
	y_plain(&e, "link_text");
	y_str(&e, "Page history");
	y_map(&e, false);
	if (f->hash) {
		y_plain(&e, "import_hash");
		y_str(&e, f->hash);
	}
	return y_end(&e, out);
}

/* The hash covers the whole file but its own line, so any hand edit shows. */
static void hash_text(const char *p, size_t n, char out[40])
{
	snprintf(out, 40, "fnv1a64:%016llx", (unsigned long long)hash_fnv1a(p, n));
}

/* SLUG/history.md of page id into out: its revisions newest first, one front matter
 * list read by the theme's wiki_history.html (no body), a hidden author or summary left
 * out (the template says it was removed). import_hash comes last as on pages. */
static int history_file(struct mw_wiki *w, long long id, const char *title, const char *page_url,
                        long long revisions, struct buf *out)
{
	yaml_emitter_t e;
	sqlite3_stmt *q = NULL;
	struct buf t = BUF_INIT;
	char num[40];
	int rc;
	if (mw_stmt(w, &q, "SELECT ts, user, comment, minor FROM rev WHERE page = ?"
	                   " ORDER BY ts DESC, rowid DESC"))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	buf_reset(out);
	if (y_begin(&e, out)) {
		sqlite3_finalize(q);
		return -1;
	}
	buf_printf(&t, "%s: revision history", title);
	y_plain(&e, "title");
	y_str(&e, t.data);
	y_plain(&e, "template");
	y_str(&e, "wiki_history.html");
	y_plain(&e, "history_of");
	y_str(&e, page_url);
	y_plain(&e, "revisions");
	snprintf(num, sizeof(num), "%lld", revisions);
	y_plain(&e, num);
	y_plain(&e, "history");
	y_seq(&e, true);
	while (sqlite3_step(q) == SQLITE_ROW) {
		y_map(&e, true);
		y_plain(&e, "date");
		y_str(&e, (const char *)sqlite3_column_text(q, 0));
		if (sqlite3_column_type(q, 1) != SQLITE_NULL) {
			y_plain(&e, "user");
			y_str(&e, (const char *)sqlite3_column_text(q, 1));
		}
		if (sqlite3_column_type(q, 2) != SQLITE_NULL) {
			y_plain(&e, "summary");
			y_str(&e, (const char *)sqlite3_column_text(q, 2));
		}
		if (sqlite3_column_int(q, 3)) {
			y_plain(&e, "minor");
			y_plain(&e, "true");
		}
		y_map(&e, false);
	}
	y_seq(&e, false);
	sqlite3_finalize(q);
	buf_release(&t);
	if ((rc = y_end(&e, out)))
		return rc;
	/* The hash of the file without its own line, that line added before the closing
	 * "---": what mw_existing_hash reads back. */
	hash_text(out->data, out->len, num);
	buf_truncate(out, out->len - 4);
	buf_printf(out, "import_hash: \"%s\"\n---\n", num);
	return 0;
}

/* Finds "import_hash: …" in the front matter of an existing file: the recorded value
 * into rec and the hash of the file without that line into now. False when absent. */
bool mw_existing_hash(const struct buf *file, char rec[40], char now[40])
{
	const char *s = file->data, *end = file->data + file->len;
	if (strncmp(s, "---\n", 4))
		return false;
	const char *fm_end = strstr(s + 4, "\n---\n");
	const char *line = s;
	while (line && line < end && (!fm_end || line <= fm_end)) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		if (!strncmp(line, "import_hash: \"", 14) && nl) {
			const char *v = line + 14, *q = memchr(v, '"', (size_t)(nl - v));
			if (!q || q - v >= 40)
				return false;
			snprintf(rec, 40, "%.*s", (int)(q - v), v);
			struct buf rest = BUF_INIT;
			buf_add(&rest, s, (size_t)(line - s));
			buf_add(&rest, nl + 1, (size_t)(end - nl - 1));
			hash_text(rest.data, rest.len, now);
			buf_release(&rest);
			return true;
		}
		line = nl ? nl + 1 : NULL;
	}
	return false;
}

void mw_list_free(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

void mw_list_add(char ***l, size_t *n, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*l)[i], s))
			return;
	*l = xrealloc(*l, (*n + 1) * sizeof(char *));
	(*l)[(*n)++] = xstrdup(s);
}

static void original_url(const struct mw_out *o, const char *title, struct buf *out)
{
	struct buf k = BUF_INIT;
	mw_title_dbkey(title, &k);
	buf_reset(out);
	buf_puts(out, o->old_prefix);
	while (out->len && out->data[out->len - 1] == '/')
		buf_truncate(out, out->len - 1);
	buf_puts(out, "/index.php/");
	url_encode_title(out, k.data, k.len, false);
	buf_release(&k);
}

static void strip_tags(const char *s, struct buf *out)
{
	bool tag = false;
	buf_reset(out);
	for (; *s; s++) {
		if (*s == '<')
			tag = true;
		else if (*s == '>' && tag)
			tag = false;
		else if (!tag)
			buf_putc(out, *s);
	}
}

/* {{DISPLAYTITLE:x}} in the page text (not inside a template or nowiki: good enough). */
static void scan_displaytitle(const char *text, struct buf *out)
{
	const char *p = strstr(text, "{{DISPLAYTITLE:");
	if (!p)
		return;
	p += 15;
	const char *e = strstr(p, "}}");
	if (!e || memchr(p, '\n', (size_t)(e - p)))
		return;
	const char *bar = memchr(p, '|', (size_t)(e - p));
	buf_add(out, p, (size_t)((bar ? bar : e) - p));
}

static int note(struct mw_wiki *w, long long page, const char *kind, const char *text)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;
	if (mw_stmt(w, &st, "INSERT INTO note(page, kind, text) VALUES(?,?,?)"))
		return -1;
	sqlite3_bind_int64(st, 1, page);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, text, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : mw_db_fail(w, "recording a note");
	sqlite3_finalize(st);
	return rc;
}

static int set_outcome(struct mw_wiki *w, long long page, const char *outcome)
{
	sqlite3_stmt *st = NULL;
	int rc;
	if (mw_stmt(w, &st, "UPDATE page SET outcome = ? WHERE id = ?"))
		return -1;
	sqlite3_bind_text(st, 1, outcome, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, page);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : mw_db_fail(w, "recording an outcome");
	sqlite3_finalize(st);
	return rc;
}

/* Writes file to path unless it is there already or was edited by hand since the last
 * import (its import_hash no longer matches; --force overwrites). *outcome: created,
 * unchanged, kept-edited or changed. */
static int write_file(const struct mw_out *o, const char *path, const struct buf *file,
                      struct buf *old, const char **outcome)
{
	char rec[40], now[40];
	buf_reset(old);
	if (!fs_exists(path))
		*outcome = "created";
	else if (fs_read_file(path, old))
		return -1;
	else if (old->len == file->len && !memcmp(old->data, file->data, file->len))
		*outcome = "unchanged";
	else if (!o->force && (!mw_existing_hash(old, rec, now) || strcmp(rec, now)))
		*outcome = "kept-edited";
	else
		*outcome = "changed";
	if ((!strcmp(*outcome, "created") || !strcmp(*outcome, "changed")) &&
	    fs_write_atomic(path, file->data, file->len))
		return -1;
	return 0;
}

static int convert(struct mw_wiki *w, const char *title, const char *text, size_t len,
                   struct wikitext_result *res);

/* wikitext_opts.section: a page's sections come from converting it once. Meanwhile its
 * own links to sections of other pages are not followed (-1: no chain of conversions). */
static int section_of(void *wiki, const char *title, const char *id, struct buf *out)
{
	struct mw_wiki *w = wiki;
	struct buf text = BUF_INIT;
	long long page;
	char k[32];
	if (w->in_sections || !mw_wiki_link_text(w, title, &page, &text)) {
		buf_release(&text);
		return -1;
	}
	snprintf(k, sizeof k, "%lld", page);
	struct strmap_entry *e = strmap_get(&w->sections, k, strlen(k));
	if (!e) {
		struct wikitext_result res = WIKITEXT_RESULT_INIT;
		w->in_sections = true;
		convert(w, title, text.data, text.len, &res);
		w->in_sections = false;
		e = strmap_put(&w->sections, k, strlen(k), NULL);
		e->ptr = res.sections;
		e->num = (long)res.nsections;
		res.sections = NULL;
		res.nsections = 0;
		wikitext_result_release(&res);
	}
	buf_release(&text);
	const struct wikitext_section *s = e->ptr;
	for (long i = 0; i < e->num; i++)
		if (!strcmp(s[i].mw, id)) {
			buf_puts(out, s[i].md);
			return 1;
		}
	return 0;
}

/* Converts one page's wikitext, with this wiki's lookups and template map. */
static int convert(struct mw_wiki *w, const char *title, const char *text, size_t len,
                   struct wikitext_result *res)
{
	struct wikitext_opts wo = {0};
	wo.title = title;
	wo.sitename = mw_wiki_sitename(w);
	wo.project = mw_wiki_project(w);
	wo.link_target = mw_wiki_link_target;
	wo.template_source = mw_wiki_template;
	wo.template_map = w->tmap ? mw_template_map : NULL;
	wo.section = section_of;
	wo.file_info = mw_wiki_file;
	wo.arg = w;
	return wikitext_convert(text, len, &wo, res);
}

int mw_write_pages(struct mw_wiki *w, const struct mw_out *o, struct mw_counts *c)
{
	sqlite3_stmt *st = NULL, *q = NULL;
	struct buf path = BUF_INIT, file = BUF_INIT, old = BUF_INIT, body = BUF_INIT;
	struct buf url = BUF_INIT, title = BUF_INIT, tmp = BUF_INIT, hurl = BUF_INIT;
	size_t total = 0, done = 0;
	int rc = -1;

	if (mw_stmt(w, &st, "SELECT count(*) FROM page WHERE status = 'page'"))
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW)
		total = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (mw_stmt(w, &st, "SELECT id, ns, key, title, text, ts, user, displaytitle, slug"
	                         " FROM page WHERE status = 'page' ORDER BY ns, key"))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		int ns = sqlite3_column_int(st, 1);
		const char *key = (const char *)sqlite3_column_text(st, 2);
		const char *ftitle = (const char *)sqlite3_column_text(st, 3);
		const char *text = (const char *)sqlite3_column_text(st, 4);
		size_t tlen = (size_t)sqlite3_column_bytes(st, 4);
		const char *ts = (const char *)sqlite3_column_text(st, 5);
		const char *user = (const char *)sqlite3_column_text(st, 6);
		const char *dt = (const char *)sqlite3_column_text(st, 7);
		const char *slug = (const char *)sqlite3_column_text(st, 8);
		struct wikitext_result res = WIKITEXT_RESULT_INIT;
		struct fm f = {0};
		char hash[40];

		mw_wiki_progress(w, "converting", ++done, total);
		if (convert(w, ftitle, text ? text : "", text ? tlen : 0, &res) < 0)
			note(w, id, "unconverted", "the converter hit a limit (see the constructs listed)");
		buf_reset(&body);
		buf_add(&body, res.markdown.data, res.markdown.len);
		if (body.len && body.data[body.len - 1] != '\n')
			buf_putc(&body, '\n');
		if (ns == 6 && mw_file_page(w, key, &body))
			goto page_fail;

		/* Title: the display title (plain text) when set, else the wiki title. The
		 * converter reads {{DISPLAYTITLE:}}; the text itself and page_props back it up
		 * so every reader agrees. */
		buf_reset(&tmp);
		if (!res.displaytitle && text)
			scan_displaytitle(text, &tmp);
		strip_tags(res.displaytitle ? res.displaytitle : tmp.len ? tmp.data : dt ? dt : "", &title);
		if (!title.len || !utf8_valid(title.data, title.len, true, NULL))
			buf_puts(&title, ns == 0 ? key : ftitle);
		original_url(o, ftitle, &url);
		f.title = title.data;
		f.original_title = ftitle;
		f.original_url = url.data;
		f.last_edited = ts;
		f.last_editor = user && *user ? user : NULL;
		f.notoc = res.notoc;
		for (size_t i = 0; i < res.ncategories; i++)
			if (utf8_valid(res.categories[i], strlen(res.categories[i]), true, NULL))
				mw_list_add(&f.tags, &f.ntags, res.categories[i]);
		/* Category:X stands for the tag X its members carry (namespace names hold no ':'). */
		if (ns == 14 && strchr(ftitle, ':'))
			f.lists_tag = strchr(ftitle, ':') + 1;
		if (res.defaultsort && *res.defaultsort && utf8_valid(res.defaultsort, strlen(res.defaultsort), true, NULL))
			f.sort_title = res.defaultsort;
		/* Contributors by display name, most edits first (then the earliest). */
		if (mw_stmt(w, &q, "SELECT user, count(*), min(ts) AS first FROM rev WHERE page = ?1"
		                        " GROUP BY user ORDER BY user IS NULL OR user = '', count(*) DESC,"
		                        " first, user"))
			goto out;
		sqlite3_bind_int64(q, 1, id);
		while (sqlite3_step(q) == SQLITE_ROW) {
			f.revisions += sqlite3_column_int64(q, 1);
			if (sqlite3_column_text(q, 0) && *(const char *)sqlite3_column_text(q, 0))
				mw_list_add(&f.contributors, &f.ncontributors,
				         (const char *)sqlite3_column_text(q, 0));
		}
		sqlite3_finalize(q);
		buf_reset(&hurl);
		mw_page_url(w, slug, false, &hurl);
		buf_puts(&hurl, "history/");
		f.history_page = hurl.data;
		if (mw_stmt(w, &q, "SELECT slug FROM page WHERE final = ? AND status = 'redirect'"
		                        " ORDER BY ns, key"))
			goto out;
		sqlite3_bind_int64(q, 1, id);
		while (sqlite3_step(q) == SQLITE_ROW) {
			buf_reset(&tmp);
			buf_printf(&tmp, "%s/%s/", w->url_prefix, (const char *)sqlite3_column_text(q, 0));
			mw_list_add(&f.aliases, &f.naliases, tmp.data);
		}
		sqlite3_finalize(q);
		q = NULL;

		for (size_t i = 0; i < res.nmissing; i++) {
			note(w, id, "missing", res.missing_links[i]);
			c->missing++;
		}
		for (size_t i = 0; i < res.nunconverted; i++) {
			note(w, id, "unconverted", res.unconverted[i]);
			c->unconverted++;
		}

		/* The file: front matter without the hash, hashed with the body, then again
		 * with the hash as its last key. */
		buf_reset(&file);
		if (front_matter(&f, &file))
			goto page_fail;
		buf_add(&file, body.data, body.len);
		hash_text(file.data, file.len, hash);
		f.hash = hash;
		buf_reset(&file);
		if (front_matter(&f, &file))
			goto page_fail;
		buf_add(&file, body.data, body.len);

		buf_reset(&tmp);
		buf_printf(&tmp, "%s.md", slug);
		if (fs_join_safe(&path, o->out, tmp.data)) {
			error_at(o->out, 0, "unsafe output path for '%s'", ftitle);
			goto page_fail;
		}
		const char *outcome, *houtcome;
		if (write_file(o, path.data, &file, &old, &outcome) || set_outcome(w, id, outcome))
			goto page_fail;
		buf_reset(&tmp);
		buf_printf(&tmp, "%s/history.md", slug);
		if (fs_join_safe(&path, o->out, tmp.data)) {
			error_at(o->out, 0, "unsafe output path for the history of '%s'", ftitle);
			goto page_fail;
		}
		buf_reset(&tmp);
		mw_page_url(w, slug, false, &tmp);
		if (history_file(w, id, title.data, tmp.data, f.revisions, &file) ||
		    write_file(o, path.data, &file, &old, &houtcome))
			goto page_fail;
		if (!strcmp(houtcome, "kept-edited"))
			info("  kept %s: edited by hand since the import (--force overwrites)", path.data);
		c->written++;
		if (!strcmp(outcome, "created"))
			c->created++;
		else if (!strcmp(outcome, "changed"))
			c->changed++;
		else if (!strcmp(outcome, "unchanged"))
			c->unchanged++;
		else
			c->kept++;
		wikitext_result_release(&res);
		mw_list_free(f.contributors, f.ncontributors);
		mw_list_free(f.tags, f.ntags);
		mw_list_free(f.aliases, f.naliases);
		continue;
	page_fail:
		wikitext_result_release(&res);
		mw_list_free(f.contributors, f.ncontributors);
		mw_list_free(f.tags, f.ntags);
		mw_list_free(f.aliases, f.naliases);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(q);
	buf_release(&path);
	buf_release(&file);
	buf_release(&old);
	buf_release(&body);
	buf_release(&url);
	buf_release(&title);
	buf_release(&tmp);
	buf_release(&hurl);
	return rc;
}
