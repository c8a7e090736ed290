/* lookup: the converter's callbacks over a prepared wiki (wiki.h). */
#include "import/mediawiki/internal.h"
#include "base/buf.h"

#include <stdio.h>
#include <string.h>

struct page_info {
	bool is_redirect;
	long long final, rd_to;
	char status[16];
	struct buf slug;
};

static bool get_page(struct mw_wiki *w, long long id, struct page_info *pi)
{
	sqlite3_stmt *st = w->st_get;
	bool ok = false;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		pi->is_redirect = sqlite3_column_int(st, 0);
		pi->final = sqlite3_column_int64(st, 1);
		snprintf(pi->status, sizeof(pi->status), "%s",
		         sqlite3_column_text(st, 2) ? (const char *)sqlite3_column_text(st, 2) : "");
		buf_reset(&pi->slug);
		if (sqlite3_column_text(st, 3))
			buf_puts(&pi->slug, (const char *)sqlite3_column_text(st, 3));
		pi->rd_to = sqlite3_column_int64(st, 4);
		ok = true;
	}
	sqlite3_reset(st);
	return ok;
}

/* A page's URL path. Slugs hold only [a-z0-9.-] and UTF-8 letters, so the raw form is
 * safe in Markdown and is what the build resolves; encoded for HTTP headers. */
void mw_page_url(const struct mw_wiki *w, const char *slug, bool encoded, struct buf *url)
{
	buf_puts(url, w->url_prefix);
	buf_putc(url, '/');
	if (encoded)
		buf_add_urlenc(url, slug, strlen(slug));
	else
		buf_puts(url, slug);
	buf_putc(url, '/');
}

/* The page a link to title lands on (redirects followed): its id and pi; false when it
 * is no converted page. */
static bool link_page(struct mw_wiki *w, const char *title, long long *id, struct page_info *pi)
{
	struct buf key = BUF_INIT;
	int ns;
	bool found = false;
	if (mw_title_parse(w, title, 0, &ns, &key, NULL) || !mw_find_page(w, ns, key.data, id) ||
	    !get_page(w, *id, pi))
		goto out;
	long long final = pi->final;
	if (pi->is_redirect && final && get_page(w, final, pi))
		*id = final; /* pi now describes the final page */
	found = !strcmp(pi->status, "page") && pi->slug.len;
out:
	buf_release(&key);
	return found;
}

/* Appends page id's wikitext to out; false when it has none. */
static bool page_text(struct mw_wiki *w, long long id, struct buf *out)
{
	bool found = false;
	sqlite3_reset(w->st_text);
	sqlite3_bind_int64(w->st_text, 1, id);
	if (sqlite3_step(w->st_text) == SQLITE_ROW && sqlite3_column_type(w->st_text, 0) != SQLITE_NULL) {
		buf_add(out, (const char *)sqlite3_column_text(w->st_text, 0),
		        (size_t)sqlite3_column_bytes(w->st_text, 0));
		found = true;
	}
	sqlite3_reset(w->st_text);
	return found;
}

int mw_wiki_link_target(void *wiki, const char *title, struct buf *url)
{
	struct mw_wiki *w = wiki;
	struct page_info pi = {false, 0, 0, "", BUF_INIT};
	long long id;
	bool found = link_page(w, title, &id, &pi);
	if (found)
		mw_page_url(w, pi.slug.data, false, url);
	buf_release(&pi.slug);
	return found;
}

bool mw_wiki_link_text(struct mw_wiki *w, const char *title, long long *id, struct buf *text)
{
	struct page_info pi = {false, 0, 0, "", BUF_INIT};
	bool found = link_page(w, title, id, &pi) && page_text(w, *id, text);
	buf_release(&pi.slug);
	return found;
}

int mw_wiki_template(void *wiki, const char *name, struct buf *out)
{
	struct mw_wiki *w = wiki;
	struct buf key = BUF_INIT;
	struct page_info pi = {false, 0, 0, "", BUF_INIT};
	long long id;
	int ns, found = 0;
	if (mw_title_parse(w, name, 10, &ns, &key, NULL) || !mw_find_page(w, ns, key.data, &id))
		goto out;
	/* Follow redirects whatever their namespace selection (Template:Min kernel). */
	for (int hops = 0; hops <= MW_MAX_REDIRECT_HOPS; hops++) {
		if (!get_page(w, id, &pi))
			goto out;
		if (!pi.is_redirect)
			break;
		if (!pi.rd_to)
			goto out;
		id = pi.rd_to;
	}
	if (pi.is_redirect)
		goto out;
	found = page_text(w, id, out);
out:
	buf_release(&key);
	buf_release(&pi.slug);
	return found;
}
