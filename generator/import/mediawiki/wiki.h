/* wiki: the staging model of a MediaWiki import. Every reader (db.c, xml.c, api.c)
 * fills one struct mw_wiki, a staging SQLite database in a temporary file (so a huge
 * wiki costs disk, not memory); the readers depend on this header and base/ alone.
 * Once read and prepared, the wiki answers the converter's lookups (templates, links).
 * Ownership: struct mw_wiki owns its staging database and every string in it. */
#ifndef NFSITE_MEDIAWIKI_WIKI_H
#define NFSITE_MEDIAWIKI_WIKI_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct wikitext_file;

/* An opened wiki source: every page's latest text, namespaces, redirects. Opaque. */
struct mw_wiki;

#define MW_NS_UNKNOWN (-1000)

/* One page as read. Strings are borrowed for the call only. */
struct mw_page_rec {
	long long id;          /* the page's id, unique within the source */
	int ns;                /* namespace number, or MW_NS_UNKNOWN: from the title's prefix */
	const char *title;     /* title as the source spells it (spaces or underscores) */
	bool title_has_prefix; /* title starts with its namespace name (XML, API) */
	const char *text;      /* latest wikitext (any bytes); NULL when unreadable */
	size_t text_len;
	const char *model;     /* content model; NULL means wikitext */
	const char *timestamp; /* latest revision, ISO 8601 "YYYY-MM-DDTHH:MM:SSZ" */
	const char *user;      /* latest revision's author; NULL when hidden */
	bool is_redirect;
	/* Redirect target when the source knows it apart from the text: a key in
	 * redirect_ns (redirect_ns_known) or a full title; NULL parses the text. */
	const char *redirect_target;
	bool redirect_ns_known;
	int redirect_ns;
	const char *redirect_fragment;
	const char *displaytitle; /* page_props displaytitle, or NULL */
	const char *unreadable;   /* why the text could not be read, or NULL */
};

/* ---- How a source fills a wiki (the readers) ---- */

/* An empty wiki reading from `source` (a path or URL, for messages). Caller frees. */
int mw_wiki_new(const char *source, struct mw_wiki **out);
/* mw_wiki_free(NULL) does nothing. */
void mw_wiki_free(struct mw_wiki *w);
/* Names namespace ns (the XML siteinfo, the API); standard names are preset. */
void mw_wiki_set_namespace(struct mw_wiki *w, int ns, const char *name);
/* The source's own URL of its main page (an XML export's <siteinfo><base>), from which
 * the old wiki's address is known when --old-url-prefix is not given. */
void mw_wiki_set_base(struct mw_wiki *w, const char *url);
/* The wiki's name ({{SITENAME}}): the export's <sitename>, the API's siteinfo or
 * --site-name. mw_wiki_sitename falls back to namespace 4's name, which
 * mw_wiki_project gives. */
void mw_wiki_set_sitename(struct mw_wiki *w, const char *name);
const char *mw_wiki_sitename(const struct mw_wiki *w);
const char *mw_wiki_project(const struct mw_wiki *w);
/* True when the source named namespace 4 (else it is guessed or --project-name). */
bool mw_wiki_has_project_name(const struct mw_wiki *w);
/* Adds a page. A title that is invalid or already taken is recorded as a skipped page
 * with its reason (0 is returned); -1 only for a staging failure (reported). */
int mw_wiki_add_page(struct mw_wiki *w, const struct mw_page_rec *p);
/* One revision of a page's history as read. Strings are borrowed for the call only;
 * what the wiki hid (MediaWiki's revision deletion) is NULL and never stored. */
struct mw_rev_rec {
	long long page_id;
	const char *timestamp; /* ISO 8601 "YYYY-MM-DDTHH:MM:SSZ" */
	const char *user;      /* author as the source names it; NULL when hidden */
	const char *comment;   /* edit summary, "" for none; NULL when hidden */
	bool minor;
};

/* Adds one revision to page_id's history (contributors, counts, the history page). */
int mw_wiki_add_revision(struct mw_wiki *w, const struct mw_rev_rec *r);
/* Bulk loads run inside one transaction. */
int mw_wiki_begin(struct mw_wiki *w);
int mw_wiki_commit(struct mw_wiki *w);
/* Draws "what: done/total" on a terminal (total 0: unknown); no-op otherwise. */
void mw_wiki_progress(struct mw_wiki *w, const char *what, size_t done, size_t total);

/* One upload of a file (the image or oldimage table, the API's imageinfo). Strings are
 * borrowed for the call only; NULL or 0 when the source does not say. */
struct mw_file_rec {
	const char *name;      /* the file's title without "File:" (spaces or underscores) */
	bool current;          /* the version pages show; else an older upload (history only) */
	long long size;
	int width, height;
	const char *mime;
	const char *sha1;      /* lower-case hex (the API's) or MediaWiki's base 36 */
	const char *timestamp; /* ISO 8601 */
	const char *user;
	const char *comment;   /* the upload's summary */
	const char *url;       /* where the original can be downloaded (API), or NULL */
};
/* Records one upload (a current one after another of the same file makes that one
 * history); a name that cannot be a title is recorded as missing with the reason (0 is
 * returned); -1 only for a staging failure (reported). */
int mw_wiki_add_file(struct mw_wiki *w, const struct mw_file_rec *f);
/* Whether the current upload of name must still be fetched: false when the site holds
 * it already with the recorded SHA-1 (or size), so an interrupted import resumes. */
bool mw_wiki_file_wanted(struct mw_wiki *w, const char *name);
/* The fetched bytes of name's current upload, or why they could not be fetched. */
int mw_wiki_file_fetched(struct mw_wiki *w, const char *name, const char *data, size_t len,
                         const char *failure);

/* "YYYYMMDDHHMMSS" → "YYYY-MM-DDTHH:MM:SSZ" into out (21 bytes); other input copied. */
void mw_timestamp_iso(const char *ts, char out[32]);

/* ---- Lookups over a prepared wiki (wikitext_opts callbacks, arg = the wiki) ---- */

/* wikitext_opts.template_source: appends the wikitext of "Template:NAME" to out (NAME
 * may carry its own namespace, "User:X/box", or a leading ":" for the main namespace;
 * redirects are followed). Returns 1 found, 0 unknown. */
int mw_wiki_template(void *wiki, const char *name, struct buf *out);
/* wikitext_opts.link_target: for a title (namespace prefix, spaces or underscores, no
 * fragment) appends the URL of its converted page ("/wiki/slug/", redirects followed)
 * and returns 1; returns 0 when the page does not exist or is not converted
 * (templates, for instance). */
int mw_wiki_link_target(void *wiki, const char *title, struct buf *url);
/* wikitext_opts.file_info: the file "NAME" (no namespace) as the site serves it
 * ("/wiki/files/slug") with its size; 1 when it was copied (or, without an output
 * folder, found in the upload folder), else 0. */
int mw_wiki_file(void *wiki, const char *name, struct wikitext_file *f);

#endif
