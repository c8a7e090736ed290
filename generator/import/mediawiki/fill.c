/* fill: what the readers call to add pages and revisions to the staging wiki. A bad
 * title or text is recorded with its reason, never an error. */
#include "import/mediawiki/internal.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/utf8.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int add_skipped(struct mw_wiki *w, const char *title, size_t len, const char *reason)
{
	struct buf t = BUF_INIT;
	int rc = 0;
	utf8_sanitize(title ? title : "", title ? len : 0, &t);
	sqlite3_reset(w->st_skip);
	sqlite3_bind_int64(w->st_skip, 1, ++w->ord);
	sqlite3_bind_text(w->st_skip, 2, t.data, (int)t.len, SQLITE_TRANSIENT);
	sqlite3_bind_text(w->st_skip, 3, reason, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(w->st_skip) != SQLITE_DONE)
		rc = mw_db_fail(w, "recording a skipped page");
	w->pages_read++;
	buf_release(&t);
	return rc;
}

/* A user's name as pages show it: "imported>Name" (an author named in an imported dump
 * without a local account; prefixes may nest) is Name. A name holding '>' otherwise is
 * no MediaWiki name and stays as it is (escaped when shown). */
static const char *display_name(const char *user)
{
	const char *name = user;
	for (const char *p = user; p && *p; p++) {
		if (*p == '>' && p > name && p[1])
			name = p + 1;
		else if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			break;
	}
	return name;
}

int mw_wiki_add_page(struct mw_wiki *w, const struct mw_page_rec *p)
{
	struct buf key = BUF_INIT, why = BUF_INIT;
	const char *title = p->title ? p->title : "";
	size_t tlen = strlen(title);
	const char *text = p->text, *unreadable = p->unreadable;
	int rc = -1, step;
	if (!utf8_valid(title, tlen, true, NULL)) {
		rc = add_skipped(w, title, tlen, "the title is not valid UTF-8");
		goto out;
	}
	const char *k = title;
	int ns = p->ns;
	if (ns == MW_NS_UNKNOWN) {
		const char *colon = strchr(title, ':');
		ns = colon ? mw_ns_by_name(w, title, (size_t)(colon - title)) : 0;
		if (ns == MW_NS_UNKNOWN || ns < 0)
			ns = 0;
	}
	if (p->title_has_prefix && ns != 0) {
		const char *colon = strchr(title, ':');
		if (colon && mw_ns_by_name(w, title, (size_t)(colon - title)) == ns)
			k = colon + 1;
	}
	if (mw_key_norm(w, k, strlen(k), &key)) {
		rc = add_skipped(w, title, tlen, "the title is empty or holds characters a title cannot hold");
		goto out;
	}
	if (text && !utf8_valid(text, p->text_len, true, NULL)) {
		text = NULL;
		unreadable = "the text is not valid UTF-8";
	}
	if (!text && !unreadable)
		unreadable = "no text";
	sqlite3_stmt *st = w->st_add_page;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_int64(st, 1, p->id);
	sqlite3_bind_int(st, 2, ns);
	sqlite3_bind_text(st, 3, key.data, (int)key.len, SQLITE_TRANSIENT);
	if (text)
		sqlite3_bind_text64(st, 4, text, p->text_len, SQLITE_TRANSIENT, SQLITE_UTF8);
	sqlite3_bind_text(st, 5, p->model ? p->model : "wikitext", -1, SQLITE_TRANSIENT);
	if (p->timestamp)
		sqlite3_bind_text(st, 6, p->timestamp, -1, SQLITE_TRANSIENT);
	const char *user = display_name(p->user);
	if (user && utf8_valid(user, strlen(user), true, NULL))
		sqlite3_bind_text(st, 7, user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 8, p->is_redirect);
	if (p->redirect_target && utf8_valid(p->redirect_target, strlen(p->redirect_target), true, NULL))
		sqlite3_bind_text(st, 9, p->redirect_target, -1, SQLITE_TRANSIENT);
	if (p->redirect_target && p->redirect_ns_known)
		sqlite3_bind_int(st, 10, p->redirect_ns);
	if (p->redirect_fragment && utf8_valid(p->redirect_fragment, strlen(p->redirect_fragment), true, NULL))
		sqlite3_bind_text(st, 11, p->redirect_fragment, -1, SQLITE_TRANSIENT);
	if (p->displaytitle && utf8_valid(p->displaytitle, strlen(p->displaytitle), true, NULL))
		sqlite3_bind_text(st, 12, p->displaytitle, -1, SQLITE_TRANSIENT);
	if (unreadable)
		sqlite3_bind_text(st, 13, unreadable, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 14, ++w->ord);
	step = sqlite3_step(st);
	if (step == SQLITE_CONSTRAINT) {
		buf_printf(&why, "another page already has this title or id (%lld)", p->id);
		w->ord--;
		rc = add_skipped(w, title, tlen, why.data);
		goto out;
	}
	if (step != SQLITE_DONE) {
		mw_db_fail(w, "adding a page");
		goto out;
	}
	w->pages_read++;
	rc = 0;
out:
	buf_release(&key);
	buf_release(&why);
	return rc;
}

/* A text the source may hold in any bytes, bound as valid UTF-8 (NULL stays NULL). */
static void bind_text_sane(sqlite3_stmt *st, int col, const char *s, struct buf *tmp)
{
	if (!s)
		return;
	buf_reset(tmp);
	utf8_sanitize(s, strlen(s), tmp);
	sqlite3_bind_text(st, col, tmp->data ? tmp->data : "", (int)tmp->len, SQLITE_TRANSIENT);
}

int mw_wiki_add_revision(struct mw_wiki *w, const struct mw_rev_rec *r)
{
	sqlite3_stmt *st = w->st_add_rev;
	struct buf tmp = BUF_INIT;
	int rc = 0;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_int64(st, 1, r->page_id);
	sqlite3_bind_text(st, 2, r->timestamp ? r->timestamp : "", -1, SQLITE_TRANSIENT);
	bind_text_sane(st, 3, display_name(r->user), &tmp);
	bind_text_sane(st, 4, r->comment, &tmp);
	sqlite3_bind_int(st, 5, r->minor);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = mw_db_fail(w, "recording a revision");
	else
		w->revisions_read++;
	buf_release(&tmp);
	return rc;
}

void mw_timestamp_iso(const char *ts, char out[32])
{
	struct date d;
	if (ts && !date_parse_digits(ts, &d))
		date_rfc3339(&d, out);
	else
		snprintf(out, 32, "%s", ts ? ts : "");
}
