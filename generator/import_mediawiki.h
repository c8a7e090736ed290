/* import_mediawiki: reads a MediaWiki (its SQLite database, an XML export, or api.php)
 * and writes Markdown pages, redirect aliases, a redirect map and a report.
 *
 * Besides the command, it offers a small lookup API over an opened wiki source that
 * `nfsite wikitext --db/--xml` plugs into struct wikitext_opts (template sources and
 * link targets). */
#ifndef NFSITE_IMPORT_MEDIAWIKI_H
#define NFSITE_IMPORT_MEDIAWIKI_H

#include <stdbool.h>

struct buf;

/* `nfsite import mediawiki …` with argv[0] == "mediawiki". Returns an exit status. */
int import_mediawiki_main(int argc, char **argv);

/* An opened wiki source (every page's latest text, namespaces, redirects), for lookups.
 * Opaque; the whole source is read at open time (XML streamed, SQLite read-only). */
struct mw_wiki;

/* Opens path as a MediaWiki SQLite database (is_xml false) or an XML export, possibly
 * .gz (is_xml true). Returns 0 and sets *out (caller frees with mw_wiki_free), or -1
 * after reporting the error. */
int mw_wiki_open(const char *path, bool is_xml, struct mw_wiki **out);
/* Signature of wikitext_opts.template_source (arg = the struct mw_wiki *): appends the
 * wikitext of "Template:NAME" (NAME may carry its own namespace, e.g. ":Main page" or
 * "User:X/box"; template redirects are followed) to out. Returns 1 found, 0 unknown. */
int mw_wiki_template(void *wiki, const char *name, struct buf *out);
/* Signature of wikitext_opts.link_target (arg = the struct mw_wiki *): for a full title
 * (namespace prefix, spaces, no fragment) appends the URL of its converted page
 * ("/wiki/slug/", redirects followed) to url and returns 1, or returns 0 when the page
 * does not exist. */
int mw_wiki_link_target(void *wiki, const char *title, struct buf *url);
/* mw_wiki_free(NULL) does nothing. */
void mw_wiki_free(struct mw_wiki *w);

#endif
