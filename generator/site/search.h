/* search: the index static/search.js reads, in files a query fetches on demand, so a
 * visitor loads a few dozen kilobytes of a large site's index rather than all of it:
 *
 *   search-index/meta.json   {"v":1,"h":stamp,"n":pages,"c":CHUNK,"s":shards,"l":lengths,
 *                             "q":[ids],"b":[ids]}: h changes with the ids (search.js
 *                            asks for shards and chunks with ?h=h), l holds one character per page,
 *                            U+0020 plus its title's length in UTF-16 units (at most 80);
 *                            q the FAQ pages and questions, b the archived bugs (gaps)
 *   search-index/t/K.json    shard K: {"word":[title, heading, text]} for every word
 *                            whose first two characters hash to K (search_shard): the
 *                            pages holding the word in each field, as a list of gaps
 *                            between ids or, when shorter, a string bitmap (base64url,
 *                            bit i of character k is page 6k+i)
 *   search-index/f/N.json    [entries] of pages N*CHUNK.., each {"t": title, "u": url
 *                            (with the base path), "k": kind, "h": [headings], "x": text}
 *
 * Page ids number the listed pages by title (byte order, then site order), the order in
 * which search.js breaks ties. Words are utf8_words'; the text is cut to a few hundred
 * characters per page, as the entries hold it. */
#ifndef NFSITE_SEARCH_H
#define NFSITE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct content;
struct json;
struct page;

/* Calls fn(rel, arg) for the name of every file search_index writes for m (they follow
 * from the number of listed pages alone); a non-zero return stops and is returned. */
int search_files(const struct content *m, int (*fn)(const char *rel, void *arg), void *arg);
/* Where search_index hands its files: put(rel, data, len, arg) writes one (data borrowed
 * for the call; -1 stops); keep(rel, arg) keeps one the live output holds as the
 * last build wrote it: 0 when kept, 1 when it must be written, -1 on error. */
struct search_sink {
	int (*put)(const char *rel, const char *data, size_t len, void *arg);
	int (*keep)(const char *rel, void *arg);
	void *arg;
};
/* What one build's index leaves for the next build of the same output (the preview
 * server): every page's words by id, and its pages by id (the array owned, the pages
 * not), so an edit that keeps the ids makes again only the shards and the chunk the
 * edited pages touch. Owned by the caller. */
struct search_memo;
struct search_memo *search_memo_new(void);
void search_memo_free(struct search_memo *memo);
/* Makes the index and hands each file to sink; each page's entry is made once and kept
 * on the page (search_json), so a rebuild that re-rendered one page quotes one page's
 * text. memo (NULL for a one-off build) holds the last build's index, whose files the
 * live output holds: then only files that changed are made, the rest kept. A memo whose
 * build then fails must be freed. changed (NULL: not known), with a memo, vouches that
 * m holds the very page objects of the memo's build and that only the text of
 * changed[0..nchanged) may differ: then no other page is looked at. Returns sink's
 * first error, or 0. */
int search_index(struct content *m, const char *base_path, struct search_memo *memo,
                 const struct search_sink *sink, struct page *const *changed, size_t nchanged);
/* Makes p's entry now (render workers call it, each with its own json writer, so the
 * quoting runs in parallel); search_index makes any entry still missing. */
void search_entry(struct json *j, struct page *p, const char *base_path);
/* How much of a page's plain text (len bytes) the index uses: the first bytes, cut at a
 * word. The rest is never read, so a page keeps only these (its render results and the
 * build cache). */
size_t search_text_used(const char *text, size_t len);
/* The shard of a word starting with code points c1 and c2 (c2 0 for a one-character
 * word) among nshards; search.js computes the same. */
uint32_t search_shard(int32_t c1, int32_t c2, uint32_t nshards);

#endif
