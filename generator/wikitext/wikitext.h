/* wikitext: MediaWiki wikitext → CommonMark/GFM converter. Pure text in, text out,
 * no I/O: everything it needs from the wiki (templates, which pages exist) comes
 * through callbacks. Untrusted input: HTML the wiki would not allow (script, style,
 * on* attributes, javascript: URLs) comes out escaped, never as markup. */
#ifndef NFSITE_WIKITEXT_H
#define NFSITE_WIKITEXT_H

#include "base/buf.h"

#include <stdbool.h>
#include <stddef.h>

/* A file the site has, for [[File:…]] (wikitext_opts.file_info). */
struct wikitext_file {
	struct buf url;    /* where the original is served, filled by the callback */
	int width, height; /* the original's size in pixels; 0 when unknown */
};

struct wikitext_opts {
	const char *title; /* the page's full title, for magic words and the pipe trick */
	/* Maps a wiki title (with namespace, spaces not underscores, no fragment) to the URL
	 * of its converted page. Returns 1 and fills url when the page exists, 0 when it
	 * does not (a red link: <a class="new"> without a target, as MediaWiki marks it, and
	 * the link reported). May be NULL. */
	int (*link_target)(void *arg, const char *title, struct buf *url);
	/* Fills out with the wikitext of "Template:NAME" (redirects followed). Returns 1
	 * found, 0 unknown. May be NULL. */
	int (*template_source)(void *arg, const char *name, struct buf *out);
	/* Site-provided mapping (site.lua) from a template name to Markdown, given its
	 * arguments. Returns 1 when mapped (out filled), 0 when the name is not mapped. */
	int (*template_map)(void *arg, const char *name, const char *const *keys,
	                    const char *const *values, size_t nargs, struct buf *out);
	/* For [[Title#id]] on a page link_target found: id is MediaWiki's ("Some_heading",
	 * entities decoded, underscores for spaces). Returns 1 and appends the id the
	 * target's Markdown gives that section, 0 when the target has no such section (the
	 * link goes to the page and is reported), -1 when it cannot tell (the id is made
	 * from the fragment). May be NULL. */
	int (*section)(void *arg, const char *title, const char *id, struct buf *out);
	void *arg;
	int max_depth; /* template and nesting depth limit; 0 means the default (40) */
	/* Added fields (may stay NULL): the wiki's name, for {{SITENAME}} and the project
	 * namespace ("Netfilter wiki:About") when project is NULL; the article path with "$1" for the DB key,
	 * used for links when link_target is NULL and by {{localurl:}} (default
	 * "/wiki/index.php/$1", MediaWiki's own form, which the importer's redirect map
	 * resolves). */
	const char *sitename;
	const char *article_path;
	/* The project namespace's name (4; 5 is its talk); NULL: sitename with its first
	 * letter upper-cased, MediaWiki's default. */
	const char *project;
	/* The old wiki's server ("https://wiki.example.org"), for {{fullurl:}} and
	 * {{canonicalurl:}} of pages link_target does not know; NULL: URLs without a host. */
	const char *server;
	/* The file "NAME" (no namespace, spaces) as the site serves it: returns 1 and fills
	 * f when the file was migrated, 0 when not ([[File:]] then stays a link with a
	 * visible note). May be NULL. */
	int (*file_info)(void *arg, const char *name, struct wikitext_file *f);
};

/* An id a link can name on a converted page: MediaWiki's (a heading "Some_heading",
 * duplicates "_2"; an id= attribute as written) and the Markdown page's ("some-heading",
 * duplicates "-1"; an id= percent-encoded). */
struct wikitext_section {
	char *mw, *md;
};

struct wikitext_result {
	struct buf markdown;
	char **categories;     /* category names (→ tags), without "Category:" */
	size_t ncategories;
	char **missing_links;  /* titles of red links */
	size_t nmissing;
	char **unconverted;    /* one line each: construct kept visibly, e.g. "template {{Foo}}" */
	size_t nunconverted;
	char *redirect;        /* target of #REDIRECT (with #fragment), or NULL */
	char *displaytitle;    /* from {{DISPLAYTITLE:}}, or NULL */
	bool notoc;            /* __NOTOC__ */
	/* Added fields. */
	bool toc;              /* __TOC__ or __FORCETOC__ */
	char *defaultsort;     /* from {{DEFAULTSORT:}}, or NULL */
	char **magic_words;    /* every __WORD__ met (recorded, removed from the text) */
	size_t nmagic_words;
	struct wikitext_section *sections; /* the page's, for other pages' [[Page#id]] */
	size_t nsections;
};

/* Converts src. Never fails on bad input (it degrades visibly and reports through
 * result->unconverted); returns -1 only for limits exceeded, with result->unconverted
 * saying which. The caller initialises result with WIKITEXT_RESULT_INIT and releases it
 * with wikitext_result_release. */
int wikitext_convert(const char *src, size_t len, const struct wikitext_opts *opts,
                     struct wikitext_result *result);
void wikitext_result_release(struct wikitext_result *result);
#define WIKITEXT_RESULT_INIT {BUF_INIT, NULL, 0, NULL, 0, NULL, 0, NULL, NULL, false, false, NULL, NULL, 0, NULL, 0}
void wikitext_sections_free(struct wikitext_section *s, size_t n);

#endif
