/* slug: the one home of the rules that turn text into URL parts. Each variant is a
 * contract: it made the URLs and fragment ids of pages already published (or imported),
 * so a variant's output must never change; a new rule is a new variant. Every variant
 * appends to out. */
#ifndef NFSITE_SLUG_H
#define NFSITE_SLUG_H

#include <stddef.h>

struct buf;

/* A heading's id, GitHub's way: lower-cased, ' ' to '-', letters, marks and digits of
 * every script kept, '-' and '_' kept, everything else dropped (punctuation, symbols,
 * emoji, variation selectors, invalid UTF-8). May be empty. */
void slug_heading(const char *s, size_t len, struct buf *out);
/* One component of a content path (a file or folder name, a front matter slug): keeps
 * [A-Za-z0-9._-] and every non-ASCII byte, case and all; each run of other bytes becomes
 * one '-', none leading or trailing. May be empty. */
void slug_path(const char *s, size_t len, struct buf *out);
/* A bug archive's product or component name: lower-cased [a-z0-9._-], each run of other
 * bytes (non-ASCII too) one '-', none leading or trailing; never empty ("x") and never
 * "." or ".." (an "x" is added). */
void slug_ascii(const char *s, size_t len, struct buf *out);
/* An imported wiki page's file name from its full title: ASCII letters and digits and
 * the letters and digits of the C.UTF-8 locale lower-cased, single '.' kept inside, every
 * other run one '-'; none of '-' and '.' leading or trailing. Over SLUG_WIKI_MAX bytes it
 * is cut and gets '-' and eight hex digits of the title's FNV-1a hash. Never empty ("page")
 * and never "index" ("index-page"), which would stand for the folder. */
#define SLUG_WIKI_MAX 100
void slug_wiki_title(const char *title, size_t len, struct buf *out);
/* A front matter tag's folder under /tags/: letters, marks and digits of every script
 * lower-cased (libutf8proc), every other run one '-', none leading or trailing. Over
 * SLUG_TAG_MAX bytes it is cut and gets '-' and eight hex digits of the tag's FNV-1a hash;
 * a tag with nothing kept is "tag-" and those digits. Never empty. */
#define SLUG_TAG_MAX 100
void slug_tag(const char *tag, size_t len, struct buf *out);

#endif
