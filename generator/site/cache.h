/* cache: what the previous build learned about each page, so that a page whose inputs
 * did not change is neither rendered nor written again. Lives in
 * DEST/.nfsite-cache.sqlite (SQLite) and describes that tree only: a build writes the new
 * cache into the new tree before it is swapped in (see output.h).
 *
 * A page may be reused only when the site-wide key matches (site.lua, templates, the
 * theme, every page's front matter and summary, build options, the build day) and its
 * own key matches (its body). Everything a later step needs from a render is stored:
 * element ids and links (anchor checks), search text and headings, and the answer HTML
 * of FAQ questions (the /faq/ page shows them all). */
#ifndef NFSITE_CACHE_H
#define NFSITE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct page;
struct cache;
struct md_doc;

/* Opens the cache of dest for a build whose site-wide key is site_key. A missing or
 * unreadable cache, or one written for another site key, starts empty (never an error).
 * Thread-safe lookups and stores. */
struct cache *cache_open(const char *dest, uint64_t site_key);
/* On a hit, fills p's render results (ids, links, search text, headings, and html for
 * questions) and returns true. */
bool cache_lookup(struct cache *c, struct page *p, uint64_t page_key);
/* True when the cache holds name (a page's URL, or a file such as "sitemap.xml") under
 * key; marks it as used without copying anything (the caller still holds the results,
 * or the output file is all there is). */
bool cache_touch(struct cache *c, const char *name, uint64_t key);
/* Records name under key with no render results (whole-site files). */
void cache_store_key(struct cache *c, const char *name, uint64_t key);
/* Records p's render results under page_key; with doc, the render they came from, also
 * its source file and links' source lines for cache_each_href. A page_key of 0 matches
 * no page: only those are kept (a page whose warnings must come again next build). */
void cache_store(struct cache *c, const struct page *p, const struct md_doc *doc, uint64_t page_key);
/* Writes the cache for the next build (only what this build stored or reused) into
 * folder dir, the new tree, and frees c. Failure to write only costs speed next time:
 * reported as a warning, and dir is left with no cache rather than a stale one. */
void cache_save(struct cache *c, const char *dir);
void cache_free(struct cache *c);
/* Keeps c in memory for the next build instead of writing it (the preview server):
 * drops what this build did not use, unless all (a build that rendered only what
 * changed and left everything else as it was), and makes everything findable again. */
void cache_retain(struct cache *c, bool all);
/* The source snapshot recorded by the last build that wrote dest's cache (see
 * site.c), or 0; *drafts is the number of drafts that build left out. */
uint64_t cache_read_snapshot(const char *dest, size_t *drafts);
/* Records the source snapshot this build started from and the drafts it left out, so
 * a build that finds nothing changed can still say how many there are. */
void cache_set_snapshot(struct cache *c, uint64_t snapshot, size_t drafts);
/* A block's nft translation stored under key (translate.h), malloc'd, or NULL. Kept
 * whatever the site key: the key names the translators and the block. */
char *cache_translation(struct cache *c, uint64_t key);
void cache_store_translation(struct cache *c, uint64_t key, const char *nft);
/* nfsite check: calls fn for each link of each page dest's cache has from a Markdown
 * file: the page's output path ("docs/index.html"), its source file as the build named
 * it, the link's destination as the HTML has it, and its source line. A FAQ answer's
 * links come twice: on its own page and on its section's page (/faq/), which shows it
 * whole. Nothing when dest has no cache. */
void cache_each_href(const char *dest,
                     void (*fn)(void *arg, const char *out, const char *file, const char *href, int line),
                     void *arg);
/* The site key c was opened for. */
uint64_t cache_site_key(const struct cache *c);

#endif
