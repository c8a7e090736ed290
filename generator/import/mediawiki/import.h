/* import/mediawiki: the driver of `nfsite import mediawiki`: reads a MediaWiki (its
 * SQLite database, an XML export, or api.php) with one of the readers into the staging
 * wiki (wiki.h) and writes Markdown pages, redirect aliases, the old URLs as a redirect
 * file the build reads (data/redirects/NAME.txt) and a report. Only after a reader has finished without error does anything get converted
 * (wikitext/) and written: a broken source never leaves partial output.
 *
 * cmd/import.c parses the options into struct import_mediawiki_opts; cmd/wikitext.c
 * opens a wiki with mw_wiki_open for its --db/--xml lookups (wiki.h). */
#ifndef NFSITE_IMPORT_MEDIAWIKI_H
#define NFSITE_IMPORT_MEDIAWIKI_H

#include "import/mediawiki/api.h"
#include "import/mediawiki/wiki.h"

#include <stdbool.h>

struct import_mediawiki_opts {
	const char *kind;         /* "db", "xml" or "api" */
	const char *src;          /* path or api.php URL */
	const char *out;          /* folder of the pages */
	const char *url_prefix;   /* NULL: derived from out */
	const char *old_prefix;   /* the old wiki's URL (where index.php lives, or index.php
	                           * itself); NULL: from the export's <siteinfo><base> or the
	                           * --api URL */
	const char *namespaces;   /* NULL: the default selection */
	const char *report;       /* NULL: no report */
	const char *article_path; /* the old wiki's article URLs ("/wiki/$1"); NULL: from the
	                           * export's <siteinfo><base>, else index.php/$1 */
	const char *site;         /* site.lua with wiki_templates; NULL: ./site.lua if any */
	const char *project_name; /* namespace 4's name when the source does not say */
	const char *site_name;    /* {{SITENAME}}; NULL: the source's, else namespace 4's name */
	const char *images;       /* the wiki's upload folder (--db, --xml), or NULL */
	bool force, allow_empty;
	struct mediawiki_api_opts api;
};
#define IMPORT_MEDIAWIKI_OPTS_INIT {NULL, NULL, "content/wiki", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false, false, \
	MEDIAWIKI_API_OPTS_INIT}

/* import_mediawiki's result besides 0: the options were wrong (--namespaces names a
 * namespace the wiki does not have, known only once it is read), or the source or the
 * output failed. Both are reported. */
#define IMPORT_BAD_OPTION (-2)
#define IMPORT_FAILED (-1)

int import_mediawiki(const struct import_mediawiki_opts *o);

/* Opens path as a MediaWiki SQLite database (is_xml false) or an XML export, possibly
 * .gz (is_xml true), reads and prepares it whole; with images (the upload folder, or
 * NULL) its files are looked up there, for mw_wiki_file, and nothing is copied. Returns 0
 * and sets *out (caller frees with mw_wiki_free), or -1 after reporting the error. */
int mw_wiki_open(const char *path, bool is_xml, const char *images, struct mw_wiki **out);

#endif
