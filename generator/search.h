/* search: the index static/search.js reads: search-index.json =
 * {"pages":[{"t": title, "u": url, "k": kind, "h": [headings], "x": text}, …]},
 * text cut to a few hundred characters per page to keep the index compact. */
#ifndef NFSITE_SEARCH_H
#define NFSITE_SEARCH_H

struct buf;
struct content;

void search_index(const struct content *m, struct buf *out);

#endif
