/* markdown: the cmark-gfm bridge and its AST passes. Markdown text in, HTML body out,
 * plus what the site needs to know about the page: headings (stable GitHub-style ids,
 * unique within the page), a TOC, and every internal link for anchor checking.
 * Extensions: table, strikethrough, autolink, tasklist, tagfilter, footnotes.
 * Smart punctuation is off unless asked. Raw HTML passes (site content is trusted;
 * tagfilter still neuters script-like tags). Fenced code keeps its language as
 * class="language-X" and is highlighted at build time by the highlight module; with a
 * translator, an iptables-family block shows its nft translation in tabs beside it. */
#ifndef NFSITE_MARKDOWN_H
#define NFSITE_MARKDOWN_H

#include "base/buf.h"

#include <stdbool.h>
#include <stddef.h>

struct translator;

/* cmark-gfm parses a table row in time that grows with the square of its cells (20 rows
 * of 20,000 cells take 20 s, and parsing is serialised): markdown_render refuses a table
 * with a wider row before cmark sees it. Its time also grows with a page's cells (about
 * 15 µs each: 2,000 rows of 200 took 6 s), so a page's tables hold at most
 * MD_MAX_TABLE_CELLS, a 10,000-row table of 10 columns. */
#define MD_MAX_TABLE_COLUMNS 1000
#define MD_MAX_TABLE_CELLS 100000

struct md_heading {
	int level;   /* 1..6 */
	int line;    /* source line (absolute, see md_opts.first_line) */
	char *id;    /* unique slug within the page */
	char *text;  /* plain text of the heading */
};

/* A link to a page of this site, to be checked once every page has rendered. */
struct md_link {
	int line;
	char *url;      /* resolved URL path, e.g. "/docs/sets/" ("" for same page) */
	char *fragment; /* anchor without '#', or NULL */
	char *written;  /* the destination as the author wrote it (for messages) */
};

/* A link or image destination as the page's HTML carries it (rewritten, or as written
 * for an external or broken one; raw HTML's href= and src= too), with its source line:
 * nfsite check names that line instead of the output's (cache.h keeps them). */
struct md_href {
	int line;
	char *href;
};

/* Maps a link destination as written to its URL. dest comes without its "#fragment"
 * (the pass keeps the fragment and appends it to the URL); "#x" alone never reaches the
 * resolver (same-page anchors are checked by markdown_render itself).
 * Return 0 and fill url (path only, e.g. "/docs/sets/") for an internal link,
 * 1 to leave the destination untouched (external: scheme, //host, mailto:),
 * -1 when the target does not exist (the pass reports `file:line: broken link 'x'`),
 * -2 when it is a draft left out of this build (`links to a draft`). */
typedef int (*md_resolve_fn)(void *arg, const char *dest, struct buf *url);

struct md_opts {
	const char *file;      /* source path, for messages */
	int first_line;        /* line of the body's first line in the file (after front matter) */
	md_resolve_fn resolve; /* NULL: no rewriting or checking */
	void *arg;             /* passed to resolve, last (house style) */
	bool smart;            /* smart punctuation */
	bool untrusted;        /* imported text: raw HTML is omitted instead of passed */
	struct translator *translate; /* iptables-family blocks get their nft translation
	                               * beside them (translate.h); NULL: none */
	bool translate_open; /* the translation follows its block in an open <details>
	                      * instead of the theme's tabs, whose radio inputs HTML meant
	                      * for other pages may not carry (nfsite wikitext --to html) */
	bool warn_pages;   /* a link to a missing page or a draft is a warning, counted in
	                    * doc->broken_pages, instead of an error (links.pages = "warn") */
	bool warn_anchors; /* likewise a missing same-page #anchor, in doc->broken_anchors */
};

struct md_doc {
	struct buf html;      /* the body */
	struct buf toc_html;  /* nested <ul class="toc"> of every heading (a lone h1, the
	                       * title, left out), empty when none */
	struct md_heading *headings;
	size_t nheadings;
	struct md_link *links;
	size_t nlinks;
	struct buf text;      /* plain text of the body, for search and summaries */
	char **anchors;       /* every id="…"/name="…" in html, once each, in order: heading
	                       * ids, footnotes (fn-x, fnref-x) and raw HTML ids; for
	                       * checking links from other pages */
	size_t nanchors;
	size_t broken_pages, broken_anchors; /* warned about (md_opts.warn_pages, warn_anchors) */
	struct md_href *hrefs; /* every destination, in document order */
	size_t nhrefs;
};

/* Renders src into doc (which the caller initialises with MD_DOC_INIT and releases with
 * md_doc_release). Returns 0, or -1 after reporting each broken link as file:line (a
 * warning instead, and 0, under md_opts.warn_pages/warn_anchors) (or a
 * table row wider than MD_MAX_TABLE_COLUMNS or tables of more than MD_MAX_TABLE_CELLS
 * cells, and then nothing is rendered). */
int markdown_render(const char *src, size_t len, const struct md_opts *opts, struct md_doc *doc);
void md_doc_release(struct md_doc *doc);
#define MD_DOC_INIT {BUF_INIT, BUF_INIT, NULL, 0, NULL, 0, BUF_INIT, NULL, 0, 0, 0, NULL, 0}

/* Inline Markdown (a banner message, a title) to HTML without the wrapping <p>. */
void markdown_inline(const char *src, size_t len, struct buf *out);

#endif
