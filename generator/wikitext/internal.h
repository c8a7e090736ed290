/* wikitext/internal.h: what the converter's phases share, private to generator/wikitext/
 * (nothing outside this folder includes it; the public API is wikitext.h). One struct ctx
 * holds a conversion's state; each phase lives in its own file, cmark-style:
 *
 *   wikitext.c    the driver: wikitext_convert, the whole-page passes (redirect, magic
 *                 words, heading anchors), the result's lists and reports
 *   preprocess.c  source normalised, then the preprocessor tree
 *   expand.c      templates, arguments, parser functions, magic variables, extension tags
 *   expr.c        the #expr evaluator
 *   title.c       titles, namespaces, page URLs and heading ids
 *   block.c       tables, headings, lists, pre, paragraphs, block-level strip markers
 *   inline.c      quotes, links, footnote references, strip markers, escaping
 *   sanitize.c    MediaWiki's Sanitizer: entities, allowed tags, attributes, CSS
 *
 * The phases follow MediaWiki's own parser:
 *
 *   source ─► normalise ─► preprocessor tree ─► expand ─────────► blocks ─► inlines ─► Markdown
 *             UTF-8 fixed,   iterative brace     templates, args,   tables,   quotes, links,
 *             NUL/CR/DEL     matcher (like       parser functions;  headings, HTML sanitiser,
 *             replaced       Preprocessor_Hash)  extension tags     lists,    entities,
 *                                                become strip       pre,      strip markers
 *                                                markers            paragraphs
 *
 * Strip markers are "\x7f<index>\x7f": they stand for extension tags (nowiki, pre, source,
 * ref …) and for text that must come out verbatim. The input can never hold \x7f
 * (normalise replaces it), so no page can forge one.
 *
 * Two output modes. MD writes Markdown and escapes every character that would become
 * Markdown structure by accident. HTML writes raw HTML whose Markdown-significant
 * characters are entities, so it means the same inside an HTML block and inside a
 * paragraph; it is used where Markdown has no construct: definition lists, tables with
 * spans or captions, paragraphs holding block-level HTML. Either way only elements and
 * attributes from MediaWiki's Sanitizer whitelist are written as HTML; everything else is
 * escaped text. Every recursion carries a depth and stops at a limit; expansion has a work
 * budget so a hostile page costs linear-ish time.
 */
#ifndef NFSITE_WIKITEXT_INTERNAL_H
#define NFSITE_WIKITEXT_INTERNAL_H

#include "wikitext/wikitext.h"

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#define NEST_LIMIT 100        /* braces, links, tables, lists nested in one another */
#define LIST_MAX 2000         /* red links, categories, cached templates kept per page */

enum mode { MD, HTML };

enum strip_kind {
	S_NOWIKI, S_EMPTY, S_PRE, S_CODE, S_REF, S_REFERENCES, S_GALLERY, S_MATH, S_POEM,
	S_RAWMD, S_LITERAL, S_URL, S_OTHER
};

struct strip {
	enum strip_kind kind;
	char *name;  /* tag name */
	char *attrs; /* raw attribute text */
	struct buf body;
	bool closed; /* had content (not self-closing) */
};

struct note {
	char *group, *name;
	int number;     /* within its group, 0 until first referenced */
	struct buf text; /* rendered Markdown */
	bool has_text, emitted, md_ref;
};

/* HTML elements open in a block sequence or a line, closed where it ends. */
struct tagstack {
	char **names;
	size_t n;
};

struct ptree;

struct tcache {
	char *name;
	struct ptree *tree; /* NULL: unknown template */
};

struct ctx {
	const struct wikitext_opts *o;
	struct wikitext_result *r;
	int max_depth;
	const char *sitename;
	const char *article_path;
	const char *server;
	char *project, *project_talk; /* names of namespaces 4 and 5, NULL when unknown */
	struct strip *strips;
	size_t nstrips, capstrips;
	struct note *notes;
	size_t nnotes, capnotes;
	struct wikitext_section *anchors; /* headings, then id= attributes */
	size_t nanchors;
	struct tcache *cache;
	size_t ncache;
	struct ptree *uncached; /* the last template tree beyond the cache */
	char **tstack; /* templates being expanded, for loop detection */
	size_t ntstack;
	int extnum;          /* [n] of unlabelled external links */
	size_t work, work_limit;
	bool limit_hit;
	bool in_ref;         /* rendering a footnote: a nested <ref> is not allowed */
	bool defining_refs;  /* rendering <references> content: refs define, do not cite */
	struct tagstack *btags; /* block-level HTML open in the current block sequence */
	const char *text;       /* the expanded page text, to find explicit id= targets */
	size_t textlen;
};

/* ---- wikitext.c: the result's lists and reports ---- */

/* Appends a copy of s[0..len) to the list (*v, *n); with dedupe, not when already there. */
void wt_strlist_add(char ***v, size_t *n, const char *s, size_t len, bool dedupe);
void wt_strlist_free(char **v, size_t n);
/* Reports a construct kept visibly (one line in result->unconverted, bounded). */
void wt_unconverted(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reports a limit exceeded: wikitext_convert then returns -1. */
void wt_limit(struct ctx *c, const char *what);

/* Appends the plain text of heading text s (quotes, tags, links' targets removed;
 * entities decoded), as MediaWiki takes it for an anchor. */
void wt_heading_plain(struct ctx *c, const char *s, size_t n, struct buf *out);

/* ---- preprocess.c ---- */

enum { PN_TEXT, PN_TPL, PN_ARG, PN_PART, PN_EQ, PN_EXT, PN_OPEN };
/* Indexes into wt_ext_names that the expander treats specially. */
enum { EXT_NOWIKI, EXT_PRE, EXT_SOURCE, EXT_SYNTAXHIGHLIGHT, EXT_REF, EXT_REFERENCES,
       EXT_GALLERY, EXT_MATH, EXT_POEM };
/* Extension tag names, NULL-terminated. */
extern const char *const wt_ext_names[];

struct pnode {
	unsigned char type, ext;
	int first, last, next;
	size_t start, end;     /* source range of the whole construct */
	size_t a0, a1, c0, c1; /* PN_EXT: attributes, content; c0 == SIZE_MAX: self-closing */
};

struct ptree {
	char *src;
	size_t len;
	struct pnode *n;
	size_t nn, cap;
	int root;
};

/* Appends s with invalid UTF-8 and control characters replaced, line ends as LF. */
void wt_normalise(const char *s, size_t n, struct buf *out);
/* The preprocessor tree of src (copied); transclude applies <noinclude>, <includeonly>
 * and <onlyinclude> as for a template. Free with wt_ptree_free (NULL does nothing). */
struct ptree *wt_ptree_build(const char *src, size_t len, bool transclude);
void wt_ptree_free(struct ptree *t);

/* ---- expand.c ---- */

/* Expands the page's normalised text src into out: templates, arguments and parser
 * functions replaced, extension tags as strip markers. */
void wt_expand_page(struct ctx *c, const char *src, size_t n, struct buf *out);

/* ---- expr.c ---- */

/* Evaluates an #expr expression: 0 and *v, or -1 for a syntax error. Empty is 0. */
int wt_expr_eval(const char *s, size_t n, double *v);
/* Appends v as #expr writes it. */
void wt_fmt_number(double v, struct buf *out);

/* ---- title.c ---- */

enum { NS_MEDIA = -2, NS_SPECIAL = -1, NS_MAIN = 0, NS_FILE = 6, NS_TEMPLATE = 10, NS_CATEGORY = 14 };

/* Whether a[0..n) is the name b, ignoring case, '_' and ' ' alike. */
bool wt_ns_eq(const char *a, size_t n, const char *b);
/* The namespace of "Ns:Rest" (*rest: the offset after the colon), or NS_MAIN. */
int wt_title_ns(struct ctx *c, const char *t, size_t n, size_t *rest);
/* The canonical name of namespace ns (the site's name for 4), or NULL. */
const char *wt_ns_name(struct ctx *c, int ns);
/* Upper- or lower-cases the character at b->data[at] as MediaWiki's Language::ucfirst
 * and lcfirst do (full Unicode case mapping: "ß" becomes "SS"). */
void wt_case_first(struct buf *b, size_t at, bool upper);
/* Appends MediaWiki's normal form of the title t[0..n); false for an invalid title. */
bool wt_norm_title(struct ctx *c, const char *t, size_t n, struct buf *out);
/* Appends the URL of a page through the article path (no link_target involved). */
void wt_article_url(struct ctx *c, const char *title, struct buf *out);
/* Appends the id the Markdown renderer gives a heading with text s ("section" if none). */
void wt_slug(const char *s, size_t n, struct buf *out);

/* ---- block.c ---- */

/* Renders wikitext s as blocks (Markdown or HTML by mode) into out. */
void wt_blocks(struct ctx *c, const char *s, size_t n, enum mode mode, struct buf *out,
               int depth);
/* Renders the strip sp as a block (pre, source, gallery, references; others inline). */
void wt_render_strip_block(struct ctx *c, struct strip *sp, enum mode mode, struct buf *out,
                           int depth);
/* Appends the footnotes of group (NULL: all) not yet written, in Markdown mode. */
void wt_emit_notes(struct ctx *c, const char *group, enum mode mode, struct buf *out);
/* The level of a "== heading ==" line l[0..n) with its text at [*t0, *t1), or 0. */
int wt_heading_at(const char *l, size_t n, size_t *t0, size_t *t1);

/* ---- inline.c ---- */

#define IF_LINK 1 /* inside a link label: no nested links */
#define IF_CELL 2 /* inside a GFM table cell */
#define IF_PRE 4  /* inside <pre>: white space is kept */
/* Renders inline wikitext s (any number of lines) into out. */
void wt_inline_render(struct ctx *c, const char *s, size_t n, enum mode mode, int flags,
                      struct buf *out, int depth);
/* Appends the body of a redirect page: a link to target ("Title#fragment"). */
void wt_render_redirect(struct ctx *c, const char *target, size_t len, struct buf *out);
void wt_tags_release(struct tagstack *t);
/* Appends a footnote's label: "group-N", or "N" in the default group. */
void wt_note_label(struct note *nt, struct buf *out);
/* The length of the URL protocol s starts with ("https://"; "//" when relative), or 0. */
size_t wt_protocol_at(const char *s, size_t n, bool relative);

/* ---- sanitize.c ---- */

/* The length of a character reference MediaWiki accepts at s (s[0] == '&'), with its
 * code point in *cp, or 0. */
size_t wt_entity_at(const char *s, size_t n, unsigned *cp);
/* Appends s with those references decoded to UTF-8. */
void wt_decode_entities(const char *s, size_t n, struct buf *out);
/* Whether the element name s[0..n) may be written as HTML; whether it is block-level. */
bool wt_tag_allowed(const char *s, size_t n);
bool wt_tag_is_block(const char *s, size_t n);
/* A thumbnail's width when [[File:]] gives none: MediaWiki 1.39's default (the user
 * option thumbsize 5 of $wgThumbLimits). */
#define WT_THUMB_WIDTH 300
bool wt_has_block_file(struct ctx *c, const char *s, size_t n);
/* Appends the attributes s[0..n) that element el may keep, as ` name="value"`. */
void wt_sanitize_attrs(const char *el, const char *s, size_t n, struct buf *out);
/* Appends the decoded, trimmed value of attribute want; false when it is absent. */
bool wt_attr_get(const char *s, size_t n, const char *want, struct buf *out);

/* ---- small helpers every phase uses ---- */

static inline bool is_ws(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* Narrows (*p, *n) to leave out white space at both ends. */
static inline void trim(const char **p, size_t *n)
{
	while (*n && is_ws((unsigned char)**p)) {
		(*p)++;
		(*n)--;
	}
	while (*n && is_ws((unsigned char)(*p)[*n - 1]))
		(*n)--;
}

/* Removes white space at both ends of b. */
static inline void buf_trim(struct buf *b)
{
	size_t s = 0;
	while (s < b->len && is_ws((unsigned char)b->data[s]))
		s++;
	size_t e = b->len;
	while (e > s && is_ws((unsigned char)b->data[e - 1]))
		e--;
	if (s)
		memmove(b->data, b->data + s, e - s);
	buf_truncate(b, e - s);
}

/* Whether s[0..n) starts with prefix, ignoring ASCII case. */
static inline bool starts_ci(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && !strncasecmp(s, prefix, k);
}

/* Reads a tag name at s[i] (after '<' or '</'). Returns its length (letters/digits). */
static inline size_t tag_name(const char *s, size_t n, size_t i)
{
	size_t j = i;
	if (j < n && isalpha((unsigned char)s[j]))
		while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '-'))
			j++;
	return j - i;
}

/* Whether s[0..k) is name, ignoring ASCII case. */
static inline bool name_is(const char *s, size_t k, const char *name)
{
	return strlen(name) == k && !strncasecmp(s, name, k);
}

/* Skips a strip marker at s (s[0] == '\x7f'); returns its length and index, or 0. */
static inline size_t marker_at(const char *s, size_t n, size_t *idx)
{
	size_t i = 1, v = 0;
	while (i < n && isdigit((unsigned char)s[i]) && i < 12)
		v = v * 10 + (size_t)(s[i++] - '0');
	if (i == 1 || i >= n || s[i] != '\x7f')
		return 0;
	*idx = v;
	return i + 1;
}

/* The end of the line holding s[i]: its '\n', or n. */
static inline size_t eol(const char *s, size_t n, size_t i)
{
	const char *nl = memchr(s + i, '\n', n - i);
	return nl ? (size_t)(nl - s) : n;
}


#endif
