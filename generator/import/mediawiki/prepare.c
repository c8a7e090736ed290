/* prepare: once a reader has finished, the namespace names are final: full titles,
 * each redirect's target and chain, the namespace selection and unique slugs. */
#include "import/mediawiki/internal.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/slug.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* "#REDIRECT [[Target#frag|label]]" (any case, optional colon) → target with fragment. */
static bool parse_redirect_text(const char *text, struct buf *target)
{
	const char *p = text;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (strncasecmp(p, "#redirect", 9))
		return false;
	p += 9;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == ':')
		p++;
	if (strncmp(p, "[[", 2))
		return false;
	p += 2;
	const char *e = p;
	while (*e && *e != ']' && *e != '|' && *e != '\n')
		e++;
	if (*e != ']' && *e != '|')
		return false;
	buf_reset(target);
	buf_add(target, p, (size_t)(e - p));
	return target->len > 0;
}

int mw_find_page(struct mw_wiki *w, int ns, const char *key, long long *id)
{
	int found = 0;
	sqlite3_reset(w->st_find);
	sqlite3_bind_int(w->st_find, 1, ns);
	sqlite3_bind_text(w->st_find, 2, key, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(w->st_find) == SQLITE_ROW) {
		*id = sqlite3_column_int64(w->st_find, 0);
		found = 1;
	}
	sqlite3_reset(w->st_find);
	return found;
}

static bool nsset_has(const struct mw_nsset *s, int ns)
{
	if (s->all)
		return ns >= 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->ids[i] == ns)
			return true;
	return false;
}

/* Default: everything people wrote as pages. Templates, MediaWiki messages and Lua
 * modules are not pages of the new site (templates are expanded where used). */
void mw_nsset_default(struct mw_nsset *s)
{
	static const int def[] = {0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15};
	s->all = false;
	s->n = sizeof(def) / sizeof(def[0]);
	s->ids = xmalloc(sizeof(def));
	memcpy(s->ids, def, sizeof(def));
}

int mw_nsset_parse(const struct mw_wiki *w, const char *list, struct mw_nsset *s)
{
	const char *p = list;
	s->all = false;
	s->n = 0;
	free(s->ids);
	s->ids = NULL;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		while (n && *p == ' ')
			p++, n--;
		while (n && p[n - 1] == ' ')
			n--;
		int id = MW_NS_UNKNOWN;
		char *end;
		if (n == 3 && !strncasecmp(p, "all", 3)) {
			s->all = true;
		} else if (n) {
			long v = strtol(p, &end, 10);
			if (end == p + n)
				id = (int)v;
			else if ((n == 4 && !strncasecmp(p, "main", 4)) ||
			         (n == 9 && !strncasecmp(p, "(main)", 6)))
				id = 0;
			else
				id = mw_ns_by_name(w, p, n);
			if (id == MW_NS_UNKNOWN)
				return error_at(NULL, 0, "--namespaces: unknown namespace '%.*s'", (int)n, p);
			s->ids = xrealloc(s->ids, (s->n + 1) * sizeof(int));
			s->ids[s->n++] = id;
		}
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

/* Guesses the project namespace's name when the source does not say (the database):
 * links written "[[Name:Title]]" to pages that exist in namespace 4. */
int mw_guess_project_name(struct mw_wiki *w, const char *given)
{
	sqlite3_stmt *st = NULL, *keys = NULL;
	struct buf best = BUF_INIT, cand = BUF_INIT, pat = BUF_INIT;
	int rc = -1, best_n = 0;
	if (given) {
		mw_wiki_set_namespace(w, 4, given);
		goto talk;
	}
	if (w->project_named)
		return 0;
	/* Candidates: every "[[X:" prefix followed by a ns-4 key, counted. */
	if (mw_stmt(w, &keys, "SELECT key FROM page WHERE ns = 4") ||
	    mw_stmt(w, &st, "SELECT text FROM page WHERE text IS NOT NULL"))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 0);
		for (const char *p = strstr(text, "[["); p; p = strstr(p + 2, "[[")) {
			const char *q = p + 2, *colon;
			while (*q == ' ' || *q == ':')
				q++;
			colon = q;
			while (*colon && *colon != ':' && *colon != '|' && *colon != ']' &&
			       *colon != '\n' && colon - q < 64)
				colon++;
			if (*colon != ':' || colon == q)
				continue;
			buf_reset(&cand);
			buf_add(&cand, q, (size_t)(colon - q));
			if (mw_ns_by_name(w, cand.data, cand.len) != MW_NS_UNKNOWN &&
			    mw_ns_by_name(w, cand.data, cand.len) != 4)
				continue;
			/* Does a ns-4 page have the key after the colon? */
			const char *t = colon + 1, *te = t;
			while (*te && *te != '|' && *te != ']' && *te != '#' && *te != '\n')
				te++;
			struct buf key = BUF_INIT;
			long long id;
			if (!mw_key_norm(w, t, (size_t)(te - t), &key) && mw_find_page(w, 4, key.data, &id)) {
				if (!best.len || !strcmp(best.data, cand.data)) {
					buf_reset(&best);
					buf_add(&best, cand.data, cand.len);
					best_n++;
				} else if (--best_n <= 0) {
					buf_reset(&best);
					buf_add(&best, cand.data, cand.len);
					best_n = 1;
				}
			}
			buf_release(&key);
		}
	}
	if (best.len) {
		struct buf name = BUF_INIT;
		mw_key_norm(w, best.data, best.len, &name);
		mw_wiki_set_namespace(w, 4, name.data);
		buf_release(&name);
	}
talk:
	if (w->project_named) {
		buf_reset(&pat);
		buf_printf(&pat, "%s talk", mw_ns_name(w, 4));
		mw_wiki_set_namespace(w, 5, pat.data);
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(keys);
	buf_release(&best);
	buf_release(&cand);
	buf_release(&pat);
	return rc;
}

int mw_wiki_prepare(struct mw_wiki *w, const struct mw_nsset *sel)
{
	sqlite3_stmt *st = NULL, *up = NULL;
	struct buf title = BUF_INIT, target = BUF_INIT, key = BUF_INIT, frag = BUF_INIT;
	struct buf reason = BUF_INIT, slug = BUF_INIT;
	int rc = -1;

	if (mw_wiki_begin(w))
		goto out;
	/* 1. Full titles, now that namespace names are final. */
	if (mw_stmt(w, &st, "SELECT id, ns, key FROM page") ||
	    mw_stmt(w, &up, "UPDATE page SET title = ? WHERE id = ?"))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		mw_full_title(w, sqlite3_column_int(st, 1), (const char *)sqlite3_column_text(st, 2), &title);
		sqlite3_reset(up);
		sqlite3_bind_text(up, 1, title.data, (int)title.len, SQLITE_TRANSIENT);
		sqlite3_bind_int64(up, 2, sqlite3_column_int64(st, 0));
		if (sqlite3_step(up) != SQLITE_DONE)
			goto fail;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	st = up = NULL;

	/* 2. Each redirect's immediate target. */
	if (mw_stmt(w, &st, "SELECT id, rd_raw, rd_ns, rd_fragment, text, is_redirect"
	                         " FROM page WHERE unreadable IS NULL") ||
	    mw_stmt(w, &up, "UPDATE page SET is_redirect = 1, rd_to = ?, rd_target = ?,"
	                         " rd_frag = ? WHERE id = ?"))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0), to = 0;
		const char *raw = (const char *)sqlite3_column_text(st, 1);
		const char *text = (const char *)sqlite3_column_text(st, 4);
		bool is_redirect = sqlite3_column_int(st, 5);
		int ns = 0, ok;
		buf_reset(&frag);
		if (raw && sqlite3_column_type(st, 2) != SQLITE_NULL) {
			ns = sqlite3_column_int(st, 2);
			ok = !mw_key_norm(w, raw, strlen(raw), &key);
			if (sqlite3_column_type(st, 3) != SQLITE_NULL)
				buf_puts(&frag, (const char *)sqlite3_column_text(st, 3));
		} else if (raw) {
			ok = !mw_title_parse(w, raw, 0, &ns, &key, &frag);
			if (sqlite3_column_type(st, 3) != SQLITE_NULL && !frag.len)
				buf_puts(&frag, (const char *)sqlite3_column_text(st, 3));
			/* The XML's <redirect title> has no fragment; the text does. */
			if (ok && !frag.len && text && parse_redirect_text(text, &target)) {
				struct buf k2 = BUF_INIT, f2 = BUF_INIT;
				int ns2;
				if (!mw_title_parse(w, target.data, 0, &ns2, &k2, &f2) && ns2 == ns &&
				    !strcmp(k2.data, key.data))
					buf_add(&frag, f2.data, f2.len);
				buf_release(&k2);
				buf_release(&f2);
			}
		} else if (text && parse_redirect_text(text, &target)) {
			ok = !mw_title_parse(w, target.data, 0, &ns, &key, &frag);
		} else {
			if (is_redirect) {
				/* Flagged but unparseable: a broken redirect. */
				sqlite3_reset(up);
				sqlite3_bind_null(up, 1);
				sqlite3_bind_text(up, 2, "(unreadable target)", -1, SQLITE_STATIC);
				sqlite3_bind_null(up, 3);
				sqlite3_bind_int64(up, 4, id);
				if (sqlite3_step(up) != SQLITE_DONE)
					goto fail;
			}
			continue;
		}
		if (ok) {
			mw_full_title(w, ns, key.data, &title);
			if (!mw_find_page(w, ns, key.data, &to))
				to = 0;
		} else {
			buf_reset(&title);
			buf_puts(&title, raw ? raw : target.data);
		}
		sqlite3_reset(up);
		if (to)
			sqlite3_bind_int64(up, 1, to);
		else
			sqlite3_bind_null(up, 1);
		sqlite3_bind_text(up, 2, title.data, (int)title.len, SQLITE_TRANSIENT);
		if (frag.len)
			sqlite3_bind_text(up, 3, frag.data, (int)frag.len, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(up, 3);
		sqlite3_bind_int64(up, 4, id);
		if (sqlite3_step(up) != SQLITE_DONE)
			goto fail;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	st = up = NULL;

	/* 3. Status of every page: follow redirect chains, apply the namespace choice. */
	if (mw_stmt(w, &st, "SELECT id, ns, is_redirect, unreadable, model, rd_to,"
	                         " rd_target, rd_frag FROM page ORDER BY ns, key") ||
	    mw_stmt(w, &up, "UPDATE page SET status = ?, reason = ?, final = ?,"
	                         " final_frag = ? WHERE id = ?"))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0), final = 0;
		int ns = sqlite3_column_int(st, 1);
		bool redirect = sqlite3_column_int(st, 2);
		const char *unreadable = (const char *)sqlite3_column_text(st, 3);
		const char *model = (const char *)sqlite3_column_text(st, 4);
		const char *status = "skipped";
		buf_reset(&reason);
		buf_reset(&frag);
		if (!nsset_has(sel, ns)) {
			const char *name = mw_ns_name(w, ns);
			buf_printf(&reason, "namespace %d (%s) is not imported", ns,
			           name && *name ? name : "main");
		} else if (unreadable) {
			buf_printf(&reason, "text not readable: %s", unreadable);
		} else if (!redirect && model && strcmp(model, "wikitext")) {
			buf_printf(&reason, "content model '%s' is not converted", model);
		} else if (!redirect) {
			status = "page";
			final = id;
		} else {
			/* Follow the chain: the first fragment met wins, as a reader would land. */
			long long cur = id;
			sqlite3_stmt *hop = NULL;
			if (mw_stmt(w, &hop, "SELECT is_redirect, rd_to, rd_target, rd_frag, ns,"
			                          " unreadable, title FROM page WHERE id = ?"))
				goto out;
			for (int hops = 0;; hops++) {
				sqlite3_reset(hop);
				sqlite3_bind_int64(hop, 1, cur);
				if (sqlite3_step(hop) != SQLITE_ROW)
					break;
				if (!sqlite3_column_int(hop, 0)) {
					if (sqlite3_column_type(hop, 5) != SQLITE_NULL) {
						buf_printf(&reason, "the redirect target '%s' is not readable",
						           (const char *)sqlite3_column_text(hop, 6));
					} else if (!nsset_has(sel, sqlite3_column_int(hop, 4))) {
						buf_printf(&reason, "the redirect target '%s' is not imported",
						           (const char *)sqlite3_column_text(hop, 6));
					} else {
						final = cur;
						status = "redirect";
					}
					break;
				}
				if (hops >= MW_MAX_REDIRECT_HOPS) {
					buf_puts(&reason, "redirect loop or too many redirects in a row");
					break;
				}
				if (!frag.len && sqlite3_column_type(hop, 3) != SQLITE_NULL)
					buf_puts(&frag, (const char *)sqlite3_column_text(hop, 3));
				if (sqlite3_column_type(hop, 1) == SQLITE_NULL) {
					const char *t = (const char *)sqlite3_column_text(hop, 2);
					buf_printf(&reason, "broken redirect: the target '%s' does not exist",
					           t ? t : "?");
					break;
				}
				cur = sqlite3_column_int64(hop, 1);
			}
			sqlite3_finalize(hop);
		}
		sqlite3_reset(up);
		sqlite3_bind_text(up, 1, status, -1, SQLITE_STATIC);
		if (reason.len)
			sqlite3_bind_text(up, 2, reason.data, (int)reason.len, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(up, 2);
		if (final)
			sqlite3_bind_int64(up, 3, final);
		else
			sqlite3_bind_null(up, 3);
		if (frag.len)
			sqlite3_bind_text(up, 4, frag.data, (int)frag.len, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(up, 4);
		sqlite3_bind_int64(up, 5, id);
		if (sqlite3_step(up) != SQLITE_DONE)
			goto fail;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	st = up = NULL;

	/* 4. Slugs: pages first (they win a clash), then the redirects that became aliases. */
	if (mw_exec(w, "UPDATE page SET slug = NULL") ||
	    mw_stmt(w, &st, "SELECT id, title FROM page WHERE status IN ('page', 'redirect')"
	                         " ORDER BY status = 'redirect', ns, key") ||
	    mw_stmt(w, &up, "UPDATE page SET slug = ? WHERE id = ?"))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		buf_reset(&slug);
		slug_wiki_title((const char *)sqlite3_column_text(st, 1),
		                (size_t)sqlite3_column_bytes(st, 1), &slug);
		size_t base = slug.len;
		for (int n = 2;; n++) {
			sqlite3_reset(up);
			sqlite3_bind_text(up, 1, slug.data, (int)slug.len, SQLITE_TRANSIENT);
			sqlite3_bind_int64(up, 2, sqlite3_column_int64(st, 0));
			int s = sqlite3_step(up);
			if (s == SQLITE_DONE)
				break;
			if (s != SQLITE_CONSTRAINT)
				goto fail;
			buf_truncate(&slug, base);
			buf_printf(&slug, "-%d", n);
		}
	}
	if (mw_wiki_commit(w))
		goto out;
	rc = 0;
	goto out;
fail:
	mw_db_fail(w, "preparing pages");
out:
	if (rc)
		mw_exec(w, "ROLLBACK");
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	buf_release(&title);
	buf_release(&target);
	buf_release(&key);
	buf_release(&frag);
	buf_release(&reason);
	buf_release(&slug);
	return rc;
}
