/* import/mediawiki/internal.h: what the importer's own files share behind wiki.h (the
 * readers never include it). The flow, one direction:
 *
 *   reader (db | xml | api) ──► struct mw_wiki (wiki.c: staging SQLite, fill.c)
 *        │ fails: error, nothing written        │
 *        ▼                                      ▼
 *   prepare.c: full titles, redirect chains, namespace selection, unique slugs
 *        ▼
 *   pages.c: convert each page (wikitext/, lookup.c and templates.c as callbacks)
 *        ─► front matter (libyaml) + body, and SLUG/history.md: every revision (staged
 *           in the rev table) for the theme's attribution
 *        ▼
 *   compare with what is on disk (unchanged / edited by hand / write) ─► redirects.c
 *        ▼
 *   report.c (JSON built by SQLite's json functions) + summary on stderr
 *
 * Invariant, asserted before the report: pages read = written + redirected + skipped. */
#ifndef NFSITE_MEDIAWIKI_INTERNAL_H
#define NFSITE_MEDIAWIKI_INTERNAL_H

#include "import/mediawiki/wiki.h"
#include "base/strmap.h"

#include <locale.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#define MW_MAX_REDIRECT_HOPS 10

struct mw_ns {
	int id;
	char *name;
};

struct mw_tmap;
struct wikitext_section;
struct wikitext_file;

struct mw_wiki {
	char *source;
	sqlite3 *db;
	struct mw_ns *ns;
	size_t nns;
	bool project_named;
	long long ord;
	size_t pages_read, revisions_read;
	char *url_prefix; /* "/wiki": where converted pages live */
	char *site_base;  /* mw_wiki_set_base's URL, or NULL */
	char *sitename;   /* mw_wiki_set_sitename's name, or NULL */
	bool tty;
	size_t progress_last;
	locale_t loc;
	struct mw_tmap *tmap;
	struct strmap sections; /* page id → its wikitext_section array (ptr) and count (num),
	                         * converted once for links to its sections (pages.c) */
	bool in_sections;       /* converting a page for its sections */
	char *files_dir; /* OUT/files: where uploads are copied to, or NULL before the import */
	sqlite3_stmt *st_find, *st_add_page, *st_add_rev, *st_skip, *st_get, *st_text;
};

/* wiki.c: the staging database and namespaces. */
int mw_db_fail(struct mw_wiki *w, const char *what);
int mw_exec(struct mw_wiki *w, const char *sql);
int mw_stmt(struct mw_wiki *w, sqlite3_stmt **st, const char *sql);
const char *mw_ns_name(const struct mw_wiki *w, int ns);
/* The namespace called p[0..n) (case-insensitive, "_" for " ", canonical names and
 * aliases too), or MW_NS_UNKNOWN. */
int mw_ns_by_name(const struct mw_wiki *w, const char *p, size_t n);

/* titles.c: titles and old URLs. */
/* Normalises a title's key the way MediaWiki does: spaces (and underscores, Unicode
 * spaces) become one space, trimmed, first letter upper-case. Fails on characters
 * a title cannot hold, invalid UTF-8 or an empty result. */
int mw_key_norm(const struct mw_wiki *w, const char *s, size_t len, struct buf *key);
/* Parses a title as written in a link or a template call: optional leading ":",
 * namespace prefix, "#fragment" (into frag when not NULL). */
int mw_title_parse(const struct mw_wiki *w, const char *in, int default_ns, int *ns,
                   struct buf *key, struct buf *frag);
void mw_full_title(const struct mw_wiki *w, int ns, const char *key, struct buf *out);
/* A title as MediaWiki's URLs spell it: underscores for spaces, into out (reset). */
void mw_title_dbkey(const char *title, struct buf *out);

/* prepare.c: resolving titles, redirects, the namespace selection and slugs. */
struct mw_nsset {
	int *ids;
	size_t n;
	bool all;
};
/* Default: everything people wrote as pages. */
void mw_nsset_default(struct mw_nsset *s);
/* Parses --namespaces; -1 after reporting a namespace the wiki does not have. */
int mw_nsset_parse(const struct mw_wiki *w, const char *list, struct mw_nsset *s);
/* Names namespace 4 as given, else guesses it when the source did not say. */
int mw_guess_project_name(struct mw_wiki *w, const char *given);
int mw_find_page(struct mw_wiki *w, int ns, const char *key, long long *id);
int mw_wiki_prepare(struct mw_wiki *w, const struct mw_nsset *sel);

/* lookup.c: a page's URL path under the wiki's prefix (encoded for HTTP headers). */
void mw_page_url(const struct mw_wiki *w, const char *slug, bool encoded, struct buf *url);

/* templates.c: site.lua's wiki_templates. Loads path; *out stays NULL when it defines
 * no wiki_templates table. */
int mw_tmap_load(struct mw_wiki *w, const char *path, struct mw_tmap **out);
void mw_tmap_free(struct mw_tmap *t);
/* wikitext_opts.template_map over w->tmap. */
int mw_template_map(void *arg, const char *name, const char *const *keys,
                    const char *const *values, size_t nargs, struct buf *out);

/* pages.c, redirects.c, report.c: the output. */
struct mw_out {
	const char *out, *old_prefix, *report;
	bool force;
};
struct mw_counts {
	size_t written, created, changed, unchanged, kept, redirected, skipped;
	size_t missing, unconverted;
};
int mw_write_pages(struct mw_wiki *w, const struct mw_out *o, struct mw_counts *c);
/* lookup.c: the page a link to title lands on (redirects followed), as *id, and its
 * wikitext; false when title is no converted page. */
bool mw_wiki_link_text(struct mw_wiki *w, const char *title, long long *id, struct buf *text);
/* Finds "import_hash: …" in the front matter of an existing file: the recorded value
 * into rec and the hash of the file without that line into now. False when absent. */
bool mw_existing_hash(const struct buf *file, char rec[40], char now[40]);
void mw_list_add(char ***l, size_t *n, const char *s);
void mw_list_free(char **l, size_t n);
/* Writes path (made when missing, rewritten only when it changes): every title's old URLs
 * (index.php/T, index.php?title=T, article_path's form) → its page, a line each, for the
 * build (site/redirects.h). article_path is a path with "$1", or NULL. */
int mw_write_redirects(struct mw_wiki *w, const struct mw_out *o, const char *article_path, const char *path);
/* The folder holding path (".", "/" at the top), in place. */
void mw_parent_dir(struct buf *b);
int mw_write_report(struct mw_wiki *w, const struct mw_out *o, const struct mw_counts *c);
long long mw_count_where(struct mw_wiki *w, const char *sql);

/* files.c: the wiki's uploads. mw_files_init adds their staging tables; the driver
 * names OUT/files before reading (so an API import skips what it already has), adds the
 * files that only a File: page knows of, then copies each from the upload folder
 * (images_dir, MediaWiki's hashed layout) or the bytes the API reader fetched. Every
 * file read ends copied or missing with its reason. Without mw_files_set_dir nothing is
 * written: a file found is only marked copied, for lookups (`nfsite wikitext --images`). */
int mw_files_init(struct mw_wiki *w);
void mw_files_set_dir(struct mw_wiki *w, const char *out);
int mw_files_copy(struct mw_wiki *w, const char *images_dir);
/* For a File: page (key without the namespace): its image before body's text and its
 * upload history after it. */
int mw_file_page(struct mw_wiki *w, const char *key, struct buf *body);
void mw_files_summary(struct mw_wiki *w);
void mw_print_skips(struct mw_wiki *w);

#endif
