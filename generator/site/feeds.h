/* feeds: sitemap.xml and the Atom feed of the news section, written with libxml2's
 * xmlwriter (no hand-built XML). */
#ifndef NFSITE_FEEDS_H
#define NFSITE_FEEDS_H

struct buf;
struct config;
struct content;

/* Appends sitemap.xml for every page (not 404, not redirects) to out. */
int feeds_sitemap(const struct config *cfg, const struct content *m, struct buf *out);
/* Appends an Atom feed of the news section's pages (newest first, at most 20) to out.
 * Returns 1 when the site has no news section (nothing written). */
int feeds_atom(const struct config *cfg, const struct content *m, struct buf *out);

#endif
