/* search: the index static/search.js reads: search-index.json =
 * {"pages":[{"t": title, "u": url (with the base path), "k": kind, "h": [headings], "x": text}, …]},
 * text cut to a few hundred characters per page to keep the index compact. */
#ifndef NFSITE_SEARCH_H
#define NFSITE_SEARCH_H

struct buf;
struct content;
struct json;
struct page;

/* Writes the index; each page's entry is made once and kept on the page (search_json),
 * so a rebuild that re-rendered one page quotes one page's text. */
void search_index(struct content *m, const char *base_path, struct buf *out);
/* Makes p's entry now (render workers call it, each with its own json writer, so the
 * quoting runs in parallel); search_index makes any entry still missing. */
void search_entry(struct json *j, struct page *p, const char *base_path);

#endif
