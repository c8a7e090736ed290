/* search: the index static/search.js reads: search-index.json =
 * {"pages":[{"t": title, "u": url, "k": kind, "h": [headings], "x": text}, …]},
 * text cut to a few hundred characters per page to keep the index compact. */
#ifndef NFSITE_SEARCH_H
#define NFSITE_SEARCH_H

struct buf;
struct content;

/* Writes the index; each page's entry is made once and kept on the page (search_json),
 * so a rebuild that re-rendered one page quotes one page's text. */
void search_index(struct content *m, struct buf *out);

#endif
