/* content: the page model. Scans content/ and faq/ into pages with front matter, URLs,
 * sections and navigation, and knows the URL rules:
 *   content/a/b.md       → /a/b/   (a/b/index.html)
 *   content/a/b/index.md → /a/b/   (a leaf bundle: files in its folder are copied beside it)
 *   content/a/_index.md  → /a/     (a section)      content/_index.md → / (home)
 *   faq/_index.md        → /faq/   faq/q.md → /faq/q/ (a question)
 * Other files under content/ keep their path (content/a/x.svg → /a/x.svg).
 * The model owns every page and string in it; content_free releases everything. */
#ifndef NFSITE_CONTENT_H
#define NFSITE_CONTENT_H

#include "base/buf.h"
#include "base/date.h"
#include "base/strmap.h"
#include "site/frontmatter.h"
#include "site/markdown.h"

#include <stdbool.h>
#include <stddef.h>

enum page_kind { PAGE_HOME, PAGE_SECTION, PAGE_REGULAR, PAGE_FAQ, PAGE_QUESTION, PAGE_GENERATED };

struct page {
	enum page_kind kind;
	char *kind_name;        /* "home", "section", "page", "faq", "question", or a generator's kind */
	char *src;              /* path relative to the site folder, e.g. "content/docs/sets.md";
	                         * for generated pages the data file they came from */
	char *file;             /* the source as the user names it (site folder + src), for messages */
	char *url;              /* "/docs/sets/" (without the base path) */
	char *out;              /* "docs/sets/index.html" */
	struct fm_value *fm;    /* front matter (a map, never NULL) */
	/* Typed front matter (borrowed from fm, or owned defaults when absent). */
	const char *title, *description, *date, *updated, *template_name, *question, *category;
	struct date date_at, updated_at; /* date and updated parsed; set when they are */
	char *title_owned;      /* title made from the file name when front matter has none */
	char *date_owned;       /* generated pages: their date */
	bool draft, toc, banners_enabled;
	bool unlisted;          /* generated utility pages (404, search): in no section's lists */
	bool cached;            /* this build found its render results still valid */
	bool rendered;          /* this build rendered its Markdown: its ids and links are new */
	bool has_results;       /* ids, links, search text, headings (and a question's html) are
	                         * set: by this build's render, or kept from the last one */
	unsigned long long body_key; /* hash of the source file's name and body; 0 until computed */
	unsigned long long meta_key; /* hash of what other pages may show of it; 0 until computed */
	long long mtime_ns;     /* the source file as scanned: an unchanged file is not read again */
	long long size, ino;    /* when a previous model is handed to content_scan */
	long long weight, order;
	const char **tags;      /* NULL-terminated, strings borrowed from fm */
	/* Set by taxonomy.c each build (page_detach clears them). */
	struct page **tag_pages; /* the page of each of tags[i], same order (owned array) */
	const char *term;       /* the page of a tag (/tags/NAME/, or front matter lists_tag):
	                         * the tag's name, borrowed from the model */
	struct page **members;  /* a tag's page: the pages carrying it, by title; /tags/: every
	                         * tag's page, by name (owned, NULL-terminated); NULL on others */
	size_t nmembers;
	const char **aliases;   /* NULL-terminated */
	char *body;             /* Markdown source (owned); NULL for generated pages */
	size_t body_len;
	int body_line;          /* line of the body's first line in the file */
	char *html;             /* generated pages: the ready body (owned) */
	char **anchors;         /* generated pages: ids in html, NULL-terminated (owned) */
	char *summary;          /* plain-text summary (owned) */
	struct page *section;   /* parent section (home for top-level pages), NULL for home */
	struct page **pages;    /* sections: child pages, ordered (owned array) */
	size_t npages;
	struct page **subsections;
	size_t nsubsections;
	struct page *prev, *next;
	size_t index;           /* position in site->pages */
	/* Filled by rendering. */
	char **ids;             /* heading and element ids of the rendered page (owned) */
	size_t nids;
	struct md_link *links;  /* internal links to check once every page has rendered */
	size_t nlinks;
	char *search_text;      /* the part of its plain text the search index reads
	                         * (search_text_used; owned) */
	char *search_json;      /* this page's entry of the search index, made once (owned) */
	unsigned long long search_key; /* hash of search_json; 0 without it */
	char **headings;        /* heading texts for the search index (owned) */
	size_t nheadings;
};

/* A non-page file to copy: source path (absolute or relative to cwd) → output path. */
struct asset {
	char *src;
	char *out;
};

struct site;

struct content {
	struct page **pages;   /* every page, in a stable order (by URL) */
	size_t npages, cap_pages;
	struct page **by_src;  /* pages read from files, sorted by src (content_resolve) */
	size_t nby_src;
	struct strmap by_url;  /* URL to page (ptr); empty until content_resolve */
	struct asset *assets;  /* bundle and content files, sorted by out */
	size_t nassets;
	struct strmap drafts;  /* drafts left out (no --drafts): their src and URL, so a link
	                        * to one can say so */
	size_t ndrafts;
	struct page *home;     /* always present (made up when content/_index.md is missing) */
	struct page *faq;      /* /faq/ or NULL */
};

/* Reads content/ and faq/ under source into model (zeroed by the caller). drafts keeps
 * pages marked draft. Reports every bad file as file:line and returns -1 if any failed.
 * prev (may be NULL) is the model of the previous build of the same site with the same
 * options: pages whose file is unchanged (mtime, size, inode) are moved from it instead
 * of read again; prev is left with holes and must only be freed afterwards. */
int content_scan(const char *source, bool drafts, struct content *model, struct content *prev);
/* content_scan when the caller knows the only changed files (paths relative to source)
 * and prev is the last build's model: every other page and asset is moved from prev and
 * only the changed files are read. Returns 1 without touching anything when it cannot
 * vouch for the result (a changed path that is not a known page): then call
 * content_scan. */
int content_rescan(const char *source, bool drafts, struct content *model, struct content *prev,
                   const char *const *changed, size_t nchanged);
/* The preview server's shortcut after the last build's model (resolved, rendered):
 * when every changed path (relative to source) is a Markdown page under content/ whose
 * front matter and summary, all other pages can show of it, are exactly as before, its
 * new body replaces the old one in place (its render results, now stale, are left for
 * the caller to compare and content_page_forget), and the rest of model stands. Returns
 * 0 then, with the patched pages in *patched (the array owned, the pages model's;
 * *npatched of them); 1, with model untouched, otherwise (a file that cannot be read,
 * or has anything to say, is left for content_scan). */
int content_patch(const char *source, bool drafts, struct content *model, const char *const *changed,
                  size_t nchanged, struct page ***patched, size_t *npatched);
/* True when src ("content/a.md") or url ("/a/") names a draft this build left out. */
bool content_is_draft(const struct content *model, const char *key);
/* Frees a page's render results (ids, links, search text, headings, a question's
 * answer HTML) before it is rendered again. */
void content_page_forget(struct page *p);
/* Adds a page made by a generator (e.g. the bug archive) as model->pages[npages - 1];
 * copies every string. weight orders it among its section's pages as front matter's
 * weight does (0: none).
 * Returns -1 after reporting when its URL is unsafe or taken. */
int content_add_generated(struct content *model, const char *src, const char *url,
                          const char *title, const char *kind, const char *description,
                          const char *date, const char *html, const char *const *anchors, long weight);
/* Links sections, sorts children (weight, then title; the news section by the instant of
 * its dates, newest first, undated last), sets prev/next and summaries, checks that no
 * two pages share a URL. Call once after every page is added. */
int content_resolve(struct content *model, const char *news_url);
/* Finds a page by URL ("/docs/sets/"), or NULL: by hash once content_resolve has run
 * (and no page was added since), by looking at every page before. */
struct page *content_find(const struct content *model, const char *url);
/* Finds the page whose source is src (relative to the site folder), or NULL; after
 * content_resolve. */
struct page *content_find_source(const struct content *model, const char *src);
void content_free(struct content *model);

#endif
