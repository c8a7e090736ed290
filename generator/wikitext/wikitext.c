/* wikitext: MediaWiki wikitext → Markdown (see wikitext.h). Pure: no I/O, no globals
 * that change; every call owns its state in one struct ctx.
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
#include "wikitext/wikitext.h"
#include "base/slug.h"
#include "base/utf8.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_DEPTH 40
#define NEST_LIMIT 100        /* braces, links, tables, lists nested in one another */
#define WORK_LIMIT 4000000    /* preprocessor nodes visited, beyond the page size */
#define UNCONVERTED_MAX 500
#define LIST_MAX 2000         /* red links, categories, cached templates kept per page */

enum mode { MD, HTML };

enum strip_kind {
	S_NOWIKI, S_EMPTY, S_PRE, S_CODE, S_REF, S_REFERENCES, S_GALLERY, S_MATH, S_POEM,
	S_RAWMD, S_LITERAL, S_OTHER
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

struct anchor {
	char *mw; /* MediaWiki's id: text with underscores, _2 for duplicates */
	char *md; /* the Markdown renderer's id (GitHub style) */
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
	struct strip *strips;
	size_t nstrips, capstrips;
	struct note *notes;
	size_t nnotes, capnotes;
	struct anchor *anchors;
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

/* ------------------------------------------------------------------------------------ */
/* Small helpers                                                                        */

static void strlist_add(char ***v, size_t *n, const char *s, size_t len, bool dedupe)
{
	if (dedupe)
		for (size_t i = 0; i < *n; i++)
			if (strlen((*v)[i]) == len && !memcmp((*v)[i], s, len))
				return;
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = xstrndup(s, len);
}

static void strlist_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void unconverted(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void unconverted(struct ctx *c, const char *fmt, ...)
{
	if (c->r->nunconverted >= UNCONVERTED_MAX)
		return;
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	/* one line, bounded */
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] == '\n' || b.data[i] == '\x7f')
			b.data[i] = ' ';
	if (b.len > 200) {
		size_t k = 200;
		while (k > 0 && ((unsigned char)b.data[k] & 0xc0) == 0x80)
			k--;
		buf_truncate(&b, k);
		buf_puts(&b, "…");
	}
	strlist_add(&c->r->unconverted, &c->r->nunconverted, b.data, b.len, true);
	buf_release(&b);
}

static void limit(struct ctx *c, const char *what)
{
	c->limit_hit = true;
	unconverted(c, "limit: %s", what);
}

static bool is_ws(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

static bool is_punct(int ch)
{
	return ch >= 0 && ch < 0x80 && ispunct(ch);
}

static bool is_alnum_u(int ch)
{
	return ch >= 0x80 || isalnum(ch);
}

static void trim(const char **p, size_t *n)
{
	while (*n && is_ws((unsigned char)**p)) {
		(*p)++;
		(*n)--;
	}
	while (*n && is_ws((unsigned char)(*p)[*n - 1]))
		(*n)--;
}

static void buf_trim(struct buf *b)
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

static void buf_insert(struct buf *b, size_t at, const char *s, size_t n)
{
	buf_grow(b, n);
	memmove(b->data + at + n, b->data + at, b->len - at);
	memcpy(b->data + at, s, n);
	b->len += n;
	b->data[b->len] = 0;
}

static bool starts_ci(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && !strncasecmp(s, prefix, k);
}

static void put_utf8(struct buf *b, unsigned cp)
{
	char t[4];
	if (cp < 0x80) {
		buf_putc(b, (int)cp);
	} else if (cp < 0x800) {
		t[0] = (char)(0xc0 | (cp >> 6));
		t[1] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, t, 2);
	} else if (cp < 0x10000) {
		t[0] = (char)(0xe0 | (cp >> 12));
		t[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		t[2] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, t, 3);
	} else {
		t[0] = (char)(0xf0 | (cp >> 18));
		t[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		t[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		t[3] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, t, 4);
	}
}

/* Replaces invalid UTF-8 and control characters (NUL, DEL, C0 but tab and newline) with
 * U+FFFD, CR LF and lone CR with LF. */
static void normalise(const char *s, size_t n, struct buf *out)
{
	buf_grow(out, n);
	size_t i = 0;
	while (i < n) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\r') {
			buf_putc(out, '\n');
			i += (i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
		} else if (ch < 0x80) {
			if ((ch < 0x20 && ch != '\t' && ch != '\n') || ch == 0x7f)
				buf_add(out, "\xef\xbf\xbd", 3);
			else
				buf_putc(out, ch);
			i++;
		} else {
			size_t l = utf8_seq_len((const unsigned char *)s + i, n - i);
			if (!l) {
				buf_add(out, "\xef\xbf\xbd", 3);
				i++;
			} else {
				buf_add(out, s + i, l);
				i += l;
			}
		}
	}
}

/* ---- HTML entities: MediaWiki accepts HTML 4's list plus &apos; ---- */

struct entity {
	const char *name;
	unsigned cp;
};

static const struct entity entities[] = {
	{"AElig", 198}, {"Aacute", 193}, {"Acirc", 194}, {"Agrave", 192}, {"Alpha", 913},
	{"Aring", 197}, {"Atilde", 195}, {"Auml", 196}, {"Beta", 914}, {"Ccedil", 199}, {"Chi",
	935}, {"Dagger", 8225}, {"Delta", 916}, {"ETH", 208}, {"Eacute", 201}, {"Ecirc", 202},
	{"Egrave", 200}, {"Epsilon", 917}, {"Eta", 919}, {"Euml", 203}, {"Gamma", 915},
	{"Iacute", 205}, {"Icirc", 206}, {"Igrave", 204}, {"Iota", 921}, {"Iuml", 207},
	{"Kappa", 922}, {"Lambda", 923}, {"Mu", 924}, {"Ntilde", 209}, {"Nu", 925}, {"OElig",
	338}, {"Oacute", 211}, {"Ocirc", 212}, {"Ograve", 210}, {"Omega", 937}, {"Omicron",
	927}, {"Oslash", 216}, {"Otilde", 213}, {"Ouml", 214}, {"Phi", 934}, {"Pi", 928},
	{"Prime", 8243}, {"Psi", 936}, {"Rho", 929}, {"Scaron", 352}, {"Sigma", 931}, {"THORN",
	222}, {"Tau", 932}, {"Theta", 920}, {"Uacute", 218}, {"Ucirc", 219}, {"Ugrave", 217},
	{"Upsilon", 933}, {"Uuml", 220}, {"Xi", 926}, {"Yacute", 221}, {"Yuml", 376}, {"Zeta",
	918}, {"aacute", 225}, {"acirc", 226}, {"acute", 180}, {"aelig", 230}, {"agrave", 224},
	{"alefsym", 8501}, {"alpha", 945}, {"amp", 38}, {"and", 8743}, {"ang", 8736}, {"apos",
	39}, {"aring", 229}, {"asymp", 8776}, {"atilde", 227}, {"auml", 228}, {"bdquo", 8222},
	{"beta", 946}, {"brvbar", 166}, {"bull", 8226}, {"cap", 8745}, {"ccedil", 231},
	{"cedil", 184}, {"cent", 162}, {"chi", 967}, {"circ", 710}, {"clubs", 9827}, {"cong",
	8773}, {"copy", 169}, {"crarr", 8629}, {"cup", 8746}, {"curren", 164}, {"dArr", 8659},
	{"dagger", 8224}, {"darr", 8595}, {"deg", 176}, {"delta", 948}, {"diams", 9830},
	{"divide", 247}, {"eacute", 233}, {"ecirc", 234}, {"egrave", 232}, {"empty", 8709},
	{"emsp", 8195}, {"ensp", 8194}, {"epsilon", 949}, {"equiv", 8801}, {"eta", 951}, {"eth",
	240}, {"euml", 235}, {"euro", 8364}, {"exist", 8707}, {"fnof", 402}, {"forall", 8704},
	{"frac12", 189}, {"frac14", 188}, {"frac34", 190}, {"frasl", 8260}, {"gamma", 947},
	{"ge", 8805}, {"gt", 62}, {"hArr", 8660}, {"harr", 8596}, {"hearts", 9829}, {"hellip",
	8230}, {"iacute", 237}, {"icirc", 238}, {"iexcl", 161}, {"igrave", 236}, {"image",
	8465}, {"infin", 8734}, {"int", 8747}, {"iota", 953}, {"iquest", 191}, {"isin", 8712},
	{"iuml", 239}, {"kappa", 954}, {"lArr", 8656}, {"lambda", 955}, {"lang", 9001},
	{"laquo", 171}, {"larr", 8592}, {"lceil", 8968}, {"ldquo", 8220}, {"le", 8804},
	{"lfloor", 8970}, {"lowast", 8727}, {"loz", 9674}, {"lrm", 8206}, {"lsaquo", 8249},
	{"lsquo", 8216}, {"lt", 60}, {"macr", 175}, {"mdash", 8212}, {"micro", 181}, {"middot",
	183}, {"minus", 8722}, {"mu", 956}, {"nabla", 8711}, {"nbsp", 160}, {"ndash", 8211},
	{"ne", 8800}, {"ni", 8715}, {"not", 172}, {"notin", 8713}, {"nsub", 8836}, {"ntilde",
	241}, {"nu", 957}, {"oacute", 243}, {"ocirc", 244}, {"oelig", 339}, {"ograve", 242},
	{"oline", 8254}, {"omega", 969}, {"omicron", 959}, {"oplus", 8853}, {"or", 8744},
	{"ordf", 170}, {"ordm", 186}, {"oslash", 248}, {"otilde", 245}, {"otimes", 8855},
	{"ouml", 246}, {"para", 182}, {"part", 8706}, {"permil", 8240}, {"perp", 8869}, {"phi",
	966}, {"pi", 960}, {"piv", 982}, {"plusmn", 177}, {"pound", 163}, {"prime", 8242},
	{"prod", 8719}, {"prop", 8733}, {"psi", 968}, {"quot", 34}, {"rArr", 8658}, {"radic",
	8730}, {"rang", 9002}, {"raquo", 187}, {"rarr", 8594}, {"rceil", 8969}, {"rdquo", 8221},
	{"real", 8476}, {"reg", 174}, {"rfloor", 8971}, {"rho", 961}, {"rlm", 8207}, {"rsaquo",
	8250}, {"rsquo", 8217}, {"sbquo", 8218}, {"scaron", 353}, {"sdot", 8901}, {"sect", 167},
	{"shy", 173}, {"sigma", 963}, {"sigmaf", 962}, {"sim", 8764}, {"spades", 9824}, {"sub",
	8834}, {"sube", 8838}, {"sum", 8721}, {"sup", 8835}, {"sup1", 185}, {"sup2", 178},
	{"sup3", 179}, {"supe", 8839}, {"szlig", 223}, {"tau", 964}, {"there4", 8756}, {"theta",
	952}, {"thetasym", 977}, {"thinsp", 8201}, {"thorn", 254}, {"tilde", 732}, {"times",
	215}, {"trade", 8482}, {"uArr", 8657}, {"uacute", 250}, {"uarr", 8593}, {"ucirc", 251},
	{"ugrave", 249}, {"uml", 168}, {"upsih", 978}, {"upsilon", 965}, {"uuml", 252},
	{"weierp", 8472}, {"xi", 958}, {"yacute", 253}, {"yen", 165}, {"yuml", 255}, {"zeta",
	950}, {"zwj", 8205}, {"zwnj", 8204}
};

static int entity_cmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct entity *)e)->name);
}

static bool valid_cp(unsigned long cp)
{
	return cp == 9 || cp == 10 || cp == 13 || (cp >= 0x20 && cp <= 0xd7ff) ||
	       (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/* Recognises a valid character reference at s (s[0] == '&'). Returns its length and
 * sets *cp, or 0 when it is not one MediaWiki accepts. */
static size_t entity_at(const char *s, size_t n, unsigned *cp)
{
	if (n < 3 || s[0] != '&')
		return 0;
	size_t i = 1;
	if (s[1] == '#') {
		unsigned long v = 0;
		bool hex = i + 1 < n && (s[2] == 'x' || s[2] == 'X');
		i = hex ? 3 : 2;
		size_t d0 = i;
		while (i < n && (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i]))) {
			if (v < 0x110000)
				v = v * (hex ? 16 : 10) +
				    (unsigned long)(isdigit((unsigned char)s[i]) ? s[i] - '0'
				                                                : (tolower((unsigned char)s[i]) - 'a' + 10));
			i++;
		}
		if (i == d0 || i >= n || s[i] != ';' || !valid_cp(v))
			return 0;
		*cp = (unsigned)v;
		return i + 1;
	}
	while (i < n && i < 12 && isalnum((unsigned char)s[i]))
		i++;
	if (i == 1 || i >= n || s[i] != ';')
		return 0;
	char name[16];
	memcpy(name, s + 1, i - 1);
	name[i - 1] = 0;
	const struct entity *e = bsearch(name, entities, sizeof entities / sizeof *entities,
	                                 sizeof *entities, entity_cmp);
	if (!e)
		return 0;
	*cp = e->cp;
	return i + 1;
}

/* Appends s with valid character references decoded to UTF-8. */
static void decode_entities(const char *s, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t l = s[i] == '&' ? entity_at(s + i, n - i, &cp) : 0;
		if (l) {
			put_utf8(out, cp);
			i += l;
		} else {
			buf_putc(out, s[i++]);
		}
	}
}

/* ---- Titles and namespaces ---- */

enum { NS_MEDIA = -2, NS_SPECIAL = -1, NS_MAIN = 0, NS_FILE = 6, NS_TEMPLATE = 10, NS_CATEGORY = 14 };

static const struct {
	int ns;
	const char *name;
} namespaces[] = {
	{-2, "Media"}, {-1, "Special"}, {1, "Talk"}, {2, "User"}, {3, "User talk"},
	{4, "Project"}, {5, "Project talk"}, {6, "File"}, {6, "Image"}, {7, "File talk"},
	{7, "Image talk"}, {8, "MediaWiki"}, {9, "MediaWiki talk"}, {10, "Template"},
	{11, "Template talk"}, {12, "Help"}, {13, "Help talk"}, {14, "Category"},
	{15, "Category talk"},
};

/* Compares a with the name b, case-insensitively, '_' and ' ' equal. */
static bool ns_eq(const char *a, size_t n, const char *b)
{
	size_t i = 0;
	for (; i < n && b[i]; i++) {
		int x = a[i] == '_' ? ' ' : tolower((unsigned char)a[i]);
		int y = tolower((unsigned char)b[i]);
		if (x != y)
			return false;
	}
	return i == n && !b[i];
}

/* Namespace of a title "Ns:Rest" (sets *rest to after the colon), or NS_MAIN. */
static int title_ns(struct ctx *c, const char *t, size_t n, size_t *rest)
{
	*rest = 0;
	const char *colon = memchr(t, ':', n);
	if (!colon)
		return NS_MAIN;
	const char *p = t;
	size_t k = (size_t)(colon - t);
	trim(&p, &k);
	for (size_t i = 0; i < sizeof namespaces / sizeof *namespaces; i++)
		if (ns_eq(p, k, namespaces[i].name)) {
			*rest = (size_t)(colon - t) + 1;
			return namespaces[i].ns;
		}
	if (c->sitename) {
		if (ns_eq(p, k, c->sitename)) {
			*rest = (size_t)(colon - t) + 1;
			return 4;
		}
		char talk[256];
		snprintf(talk, sizeof talk, "%s talk", c->sitename);
		if (ns_eq(p, k, talk)) {
			*rest = (size_t)(colon - t) + 1;
			return 5;
		}
	}
	return NS_MAIN;
}

static const char *ns_name(struct ctx *c, int ns)
{
	if (ns == 4 && c->sitename)
		return c->sitename;
	for (size_t i = 0; i < sizeof namespaces / sizeof *namespaces; i++)
		if (namespaces[i].ns == ns)
			return namespaces[i].name;
	return NULL;
}

/* Uppercases the first letter (ASCII and Latin-1 letters; others stay). */
static void ucfirst_buf(struct buf *b, size_t at)
{
	if (at >= b->len)
		return;
	unsigned char ch = (unsigned char)b->data[at];
	if (ch < 0x80) {
		b->data[at] = (char)toupper(ch);
	} else if (ch == 0xc3 && at + 1 < b->len) {
		unsigned char d = (unsigned char)b->data[at + 1];
		if (d >= 0xa0 && d <= 0xbe && d != 0xb7)
			b->data[at + 1] = (char)(d - 0x20);
	}
}

/* MediaWiki's title normalisation: '_' to ' ', spaces collapsed and trimmed, namespace
 * name canonical, first letter of the page part upper case. Returns false for an
 * invalid title (empty, illegal characters, relative path parts, too long). */
static bool norm_title(struct ctx *c, const char *t, size_t n, struct buf *out)
{
	struct buf tmp = BUF_INIT;
	decode_entities(t, n, &tmp);
	bool ok = false;
	struct buf b = BUF_INIT;
	bool sp = true;
	for (size_t i = 0; i < tmp.len; i++) {
		unsigned char ch = (unsigned char)tmp.data[i];
		if (ch == '_' || is_ws(ch)) {
			if (!sp)
				buf_putc(&b, ' ');
			sp = true;
			continue;
		}
		if (strchr("<>[]|{}\x7f", ch) || ch < 0x20)
			goto out;
		buf_putc(&b, ch);
		sp = false;
	}
	if (b.len && b.data[b.len - 1] == ' ')
		buf_truncate(&b, b.len - 1);
	if (!b.len || b.len > 255)
		goto out;
	if (!strcmp(b.data, ".") || !strcmp(b.data, "..") || !strncmp(b.data, "./", 2) ||
	    !strncmp(b.data, "../", 3) || strstr(b.data, "/./") || strstr(b.data, "/../") ||
	    buf_ends_with(&b, "/.") || buf_ends_with(&b, "/.."))
		goto out;
	size_t rest;
	int ns = title_ns(c, b.data, b.len, &rest);
	if (ns != NS_MAIN) {
		const char *r = b.data + rest;
		while (*r == ' ')
			r++;
		if (!*r)
			goto out;
		buf_puts(out, ns_name(c, ns));
		buf_putc(out, ':');
		size_t at = out->len;
		buf_puts(out, r);
		ucfirst_buf(out, at);
	} else {
		size_t at = out->len;
		buf_add(out, b.data, b.len);
		ucfirst_buf(out, at);
	}
	ok = true;
out:
	buf_release(&tmp);
	buf_release(&b);
	return ok;
}

/* MediaWiki's wfUrlencode of a DB key (spaces already '_'). */
static void wf_urlencode(const char *s, size_t n, struct buf *out)
{
	static const char keep[] = "-_.~;@$!*(),/:";
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == ' ')
			ch = '_';
		if (isalnum(ch) || (ch < 0x80 && strchr(keep, ch) && ch))
			buf_putc(out, ch);
		else
			buf_printf(out, "%%%02X", ch);
	}
}

static void article_url(struct ctx *c, const char *title, struct buf *out)
{
	const char *ap = c->article_path;
	const char *d = strstr(ap, "$1");
	if (!d) {
		buf_puts(out, ap);
		wf_urlencode(title, strlen(title), out);
		return;
	}
	buf_add(out, ap, (size_t)(d - ap));
	wf_urlencode(title, strlen(title), out);
	buf_puts(out, d + 2);
}

/* The heading id the Markdown renderer gives a text (its own function, so they agree). */
static void gh_slug(const char *s, size_t n, struct buf *out)
{
	size_t at = out->len;
	slug_heading(s, n, out);
	if (out->len == at)
		buf_puts(out, "section");
}

/* ------------------------------------------------------------------------------------ */
/* Preprocessor: wikitext → tree of text, {{templates}}, {{{arguments}}} and extension
 * tags, built without recursion from a stack of open brace runs as MediaWiki's
 * Preprocessor_Hash does, so any nesting depth costs only heap.
 *
 *   "{{" or "[[" run ──push──► open element (count, parts split at '|', first '=' of a
 *                              template part marked)
 *   "}}" / "]]" run ──match──► {{ }} → template, {{{ }}} → argument, [[ ]] → plain text
 *                              (kept so a '|' inside a link does not split an argument);
 *                              leftover braces stay open or become text
 *   end of text ──────────────► unclosed elements flattened back to text
 *
 * Comments are dropped; <noinclude>/<includeonly>/<onlyinclude> are applied for the
 * page or for a transclusion. */

enum { PN_TEXT, PN_TPL, PN_ARG, PN_PART, PN_EQ, PN_EXT, PN_OPEN };

static const char *const ext_names[] = {
	"nowiki", "pre", "source", "syntaxhighlight", "ref", "references", "gallery", "math",
	"poem", "templatedata", "indicator", "chem", "hiero", "score", "timeline", "imagemap",
	"inputbox", "categorytree", "ce", "graph", "mapframe", "maplink", NULL
};
enum { EXT_NOWIKI, EXT_PRE, EXT_SOURCE, EXT_SYNTAXHIGHLIGHT, EXT_REF, EXT_REFERENCES,
       EXT_GALLERY, EXT_MATH, EXT_POEM };
#define NEXT (sizeof ext_names / sizeof *ext_names)

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

static int pt_new(struct ptree *t, int type, size_t start, size_t end)
{
	if (t->nn == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->n = xrealloc(t->n, t->cap * sizeof *t->n);
	}
	struct pnode *p = &t->n[t->nn];
	memset(p, 0, sizeof *p);
	p->type = (unsigned char)type;
	p->first = p->last = p->next = -1;
	p->start = start;
	p->end = end;
	return (int)t->nn++;
}

static void pt_append(struct ptree *t, int parent, int child)
{
	t->n[child].next = -1;
	if (t->n[parent].last >= 0)
		t->n[t->n[parent].last].next = child;
	else
		t->n[parent].first = child;
	t->n[parent].last = child;
}

/* Moves every child of from to the end of parent's children. */
static void pt_splice(struct ptree *t, int parent, int from)
{
	if (t->n[from].first < 0)
		return;
	if (t->n[parent].last >= 0)
		t->n[t->n[parent].last].next = t->n[from].first;
	else
		t->n[parent].first = t->n[from].first;
	t->n[parent].last = t->n[from].last;
	t->n[from].first = t->n[from].last = -1;
}

static void ptree_free(struct ptree *t)
{
	if (!t)
		return;
	free(t->src);
	free(t->n);
	free(t);
}

struct pelem {
	char open;
	size_t count;
	size_t pos;  /* first brace of the run */
	int node;    /* PN_OPEN holding the parts */
	int part;    /* current part */
	bool eq;     /* current part has its '=' */
	int nparts;
};

/* Case-insensitive search for "</name" + optional spaces + ">" from i. Returns the
 * position of '<' and sets *after, or SIZE_MAX. */
static size_t find_close(const char *s, size_t n, size_t i, const char *name, size_t *after)
{
	size_t k = strlen(name);
	while (i < n) {
		const char *p = memchr(s + i, '<', n - i);
		if (!p)
			break;
		size_t j = (size_t)(p - s);
		if (j + 2 + k <= n && s[j + 1] == '/' && !strncasecmp(s + j + 2, name, k)) {
			size_t e = j + 2 + k;
			while (e < n && is_ws((unsigned char)s[e]))
				e++;
			if (e < n && s[e] == '>') {
				*after = e + 1;
				return j;
			}
		}
		i = j + 1;
	}
	return SIZE_MAX;
}

/* Reads a tag name at s[i] (after '<' or '</'). Returns its length (letters/digits). */
static size_t tag_name(const char *s, size_t n, size_t i)
{
	size_t j = i;
	if (j < n && isalpha((unsigned char)s[j]))
		while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '-'))
			j++;
	return j - i;
}

static bool name_is(const char *s, size_t k, const char *name)
{
	return strlen(name) == k && !strncasecmp(s, name, k);
}

/* The source a transclusion sees: with <onlyinclude> present, only those sections. */
static void onlyinclude(const char *s, size_t n, struct buf *out)
{
	size_t i = 0, after;
	bool any = false;
	while (i < n) {
		const char *p = memchr(s + i, '<', n - i);
		if (!p)
			break;
		size_t j = (size_t)(p - s);
		if (starts_ci(s + j, n - j, "<onlyinclude>")) {
			any = true;
			size_t b = j + 13;
			size_t e = find_close(s, n, b, "onlyinclude", &after);
			if (e == SIZE_MAX) {
				buf_add(out, s + b, n - b);
				return;
			}
			buf_add(out, s + b, e - b);
			i = after;
		} else {
			i = j + 1;
		}
	}
	if (!any)
		buf_add(out, s, n);
}

static struct ptree *ptree_build(const char *src, size_t len, bool transclude)
{
	struct ptree *t = xcalloc(1, sizeof *t);
	struct buf sb = BUF_INIT;
	if (transclude)
		onlyinclude(src, len, &sb);
	else
		buf_add(&sb, src, len);
	t->src = buf_detach(&sb, &t->len);
	const char *s = t->src;
	size_t n = t->len;
	t->root = pt_new(t, PN_PART, 0, n);

	struct pelem *st = NULL;
	size_t nst = 0, capst = 0;
	size_t close_miss[NEXT]; /* no "</name>" at or after this position */
	for (size_t k = 0; k < NEXT; k++)
		close_miss[k] = SIZE_MAX;
	size_t i = 0, ts = 0;

#define ACC (nst ? st[nst - 1].part : t->root)
#define FLUSH(upto)                                                            \
	do {                                                                   \
		if ((upto) > ts)                                               \
			pt_append(t, ACC, pt_new(t, PN_TEXT, ts, (upto)));     \
	} while (0)

	while (i < n) {
		unsigned char ch = (unsigned char)s[i];
		if (ch != '{' && ch != '[' && ch != '|' && ch != '=' && ch != '<' && ch != '}' &&
		    ch != ']') {
			i++;
			continue;
		}
		if (ch == '<') {
			if (i + 3 < n && !memcmp(s + i, "<!--", 4)) {
				const char *e = i + 4 < n ? strstr(s + i + 4, "-->") : NULL;
				size_t end = e ? (size_t)(e - s) + 3 : n;
				/* a comment alone on its line takes the line with it */
				size_t b = i;
				while (b > ts && (s[b - 1] == ' ' || s[b - 1] == '\t'))
					b--;
				size_t a = end;
				while (a < n && (s[a] == ' ' || s[a] == '\t'))
					a++;
				if ((b == 0 || s[b - 1] == '\n') && a < n && s[a] == '\n' && b >= ts) {
					FLUSH(b);
					end = a + 1;
				} else {
					FLUSH(i);
				}
				i = ts = end;
				continue;
			}
			bool closing = i + 1 < n && s[i + 1] == '/';
			size_t nb = i + 1 + closing;
			size_t k = tag_name(s, n, nb);
			const char *nm = s + nb;
			size_t te = nb + k; /* after the name */
			if (!k || (te < n && !is_ws((unsigned char)s[te]) && s[te] != '>' && s[te] != '/')) {
				i++;
				continue;
			}
			const char *gt = memchr(s + te, '>', n - te);
			if (name_is(nm, k, "noinclude") || name_is(nm, k, "includeonly") ||
			    name_is(nm, k, "onlyinclude")) {
				if (!gt) {
					i++;
					continue;
				}
				size_t after = (size_t)(gt - s) + 1;
				bool drop = !closing && ((transclude && name_is(nm, k, "noinclude")) ||
				                         (!transclude && name_is(nm, k, "includeonly")));
				FLUSH(i);
				if (drop && gt[-1] != '/') {
					char lname[16];
					snprintf(lname, sizeof lname, "%.*s", (int)k, nm);
					size_t a2;
					size_t e = find_close(s, n, after, lname, &a2);
					after = e == SIZE_MAX ? n : a2;
				}
				i = ts = after;
				continue;
			}
			int ext = -1;
			for (size_t x = 0; ext_names[x]; x++)
				if (name_is(nm, k, ext_names[x]))
					ext = (int)x;
			if (ext < 0 || closing || !gt) {
				i++;
				continue;
			}
			size_t a0 = te, a1 = (size_t)(gt - s);
			bool selfclose = a1 > a0 && s[a1 - 1] == '/';
			if (selfclose)
				a1--;
			size_t c0 = SIZE_MAX, c1 = SIZE_MAX, end;
			if (selfclose) {
				end = (size_t)(gt - s) + 1;
			} else {
				size_t after;
				size_t e = SIZE_MAX;
				if ((size_t)(gt - s) < close_miss[ext] || close_miss[ext] == SIZE_MAX)
					e = find_close(s, n, (size_t)(gt - s) + 1, ext_names[ext], &after);
				if (e == SIZE_MAX) {
					if ((size_t)(gt - s) < close_miss[ext])
						close_miss[ext] = (size_t)(gt - s);
					i++;
					continue;
				}
				c0 = (size_t)(gt - s) + 1;
				c1 = e;
				end = after;
			}
			FLUSH(i);
			int x = pt_new(t, PN_EXT, i, end);
			t->n[x].ext = (unsigned char)ext;
			t->n[x].a0 = a0;
			t->n[x].a1 = a1;
			t->n[x].c0 = c0;
			t->n[x].c1 = c1;
			pt_append(t, ACC, x);
			i = ts = end;
			continue;
		}
		if (ch == '{' || ch == '[') {
			size_t r = i;
			while (r < n && s[r] == (char)ch)
				r++;
			size_t run = r - i;
			if (run < 2) {
				i = r;
				continue;
			}
			FLUSH(i);
			if (nst == capst) {
				capst = capst ? capst * 2 : 16;
				st = xrealloc(st, capst * sizeof *st);
			}
			struct pelem *e = &st[nst++];
			e->open = (char)ch;
			e->count = run;
			e->pos = i;
			e->node = pt_new(t, PN_OPEN, i, 0);
			e->part = pt_new(t, PN_PART, i, 0);
			e->eq = false;
			e->nparts = 1;
			pt_append(t, e->node, e->part);
			i = ts = r;
			continue;
		}
		if (ch == '|') {
			if (!nst) {
				i++;
				continue;
			}
			FLUSH(i);
			struct pelem *e = &st[nst - 1];
			e->part = pt_new(t, PN_PART, i, 0);
			e->eq = false;
			e->nparts++;
			pt_append(t, e->node, e->part);
			i = ts = i + 1;
			continue;
		}
		if (ch == '=') {
			if (!nst || st[nst - 1].open != '{' || st[nst - 1].nparts < 2 || st[nst - 1].eq) {
				i++;
				continue;
			}
			FLUSH(i);
			pt_append(t, st[nst - 1].part, pt_new(t, PN_EQ, i, i + 1));
			st[nst - 1].eq = true;
			i = ts = i + 1;
			continue;
		}
		/* '}' or ']' */
		char open = ch == '}' ? '{' : '[';
		size_t r = i;
		while (r < n && s[r] == (char)ch)
			r++;
		size_t run = r - i, used = 0;
		if (!nst || st[nst - 1].open != open) {
			i = r;
			continue;
		}
		FLUSH(i);
		while (nst && st[nst - 1].open == open && used < run) {
			struct pelem *e = &st[nst - 1];
			size_t m = run - used < e->count ? run - used : e->count;
			if (open == '{') {
				if (m >= 3)
					m = 3;
				else if (m < 2)
					break;
			} else {
				if (m < 2)
					break;
				m = 2;
			}
			size_t cpos = i + used;
			int res;
			bool splice;
			if (open == '{') {
				res = e->node;
				t->n[res].type = m == 3 ? PN_ARG : PN_TPL;
				t->n[res].start = e->pos + (e->count - m);
				t->n[res].end = cpos + m;
				splice = false;
			} else {
				/* [[…]] is text again: "[[", parts joined by '|', "]]" */
				res = pt_new(t, PN_PART, 0, 0);
				pt_append(t, res, pt_new(t, PN_TEXT, e->pos, e->pos + m));
				int first = 1;
				for (int p = t->n[e->node].first; p >= 0;) {
					int nx = t->n[p].next;
					if (!first)
						pt_append(t, res, pt_new(t, PN_TEXT, t->n[p].start, t->n[p].start + 1));
					first = 0;
					pt_splice(t, res, p);
					p = nx;
				}
				pt_append(t, res, pt_new(t, PN_TEXT, cpos, cpos + m));
				splice = true;
			}
			used += m;
			e->count -= m;
			if (e->count >= 2) {
				e->node = pt_new(t, PN_OPEN, e->pos, 0);
				e->part = pt_new(t, PN_PART, e->pos, 0);
				e->eq = false;
				e->nparts = 1;
				pt_append(t, e->node, e->part);
				if (splice)
					pt_splice(t, e->part, res);
				else
					pt_append(t, e->part, res);
			} else {
				size_t left = e->count, pos = e->pos;
				nst--;
				if (left)
					pt_append(t, ACC, pt_new(t, PN_TEXT, pos, pos + left));
				if (splice)
					pt_splice(t, ACC, res);
				else
					pt_append(t, ACC, res);
			}
		}
		ts = i + used;
		i = r;
	}
	FLUSH(n);
	/* unclosed elements become text again, innermost first */
	while (nst) {
		struct pelem *e = &st[--nst];
		int parent = ACC;
		pt_append(t, parent, pt_new(t, PN_TEXT, e->pos, e->pos + e->count));
		int first = 1;
		for (int p = t->n[e->node].first; p >= 0;) {
			int nx = t->n[p].next;
			if (!first)
				pt_append(t, parent, pt_new(t, PN_TEXT, t->n[p].start, t->n[p].start + 1));
			first = 0;
			pt_splice(t, parent, p);
			p = nx;
		}
	}
#undef ACC
#undef FLUSH
	free(st);
	return t;
}

/* ------------------------------------------------------------------------------------ */
/* Expansion: the tree to wikitext, with templates, arguments and parser functions
 * replaced and extension tags turned into strip markers. */

struct arg {
	char *name;
	int value;  /* first node of the value in the caller's tree, -1 when empty */
	bool named, done;
	struct buf val;
};

struct frame {
	struct frame *parent;  /* where argument values expand */
	struct ptree *caller;  /* the tree holding the argument values */
	struct arg *args;
	size_t nargs;
	const char *name;      /* template title; NULL for the page itself */
	int depth;             /* expansion depth of the call */
};

static void expand(struct ctx *c, struct frame *fr, struct ptree *t, int n, bool stop_eq,
                   struct buf *out, int depth);

static size_t strip_add(struct ctx *c, enum strip_kind kind, const char *name, const char *attrs,
                        size_t alen, const char *body, size_t blen, bool closed, struct buf *out)
{
	if (c->nstrips == c->capstrips) {
		c->capstrips = c->capstrips ? c->capstrips * 2 : 32;
		c->strips = xrealloc(c->strips, c->capstrips * sizeof *c->strips);
	}
	struct strip *s = &c->strips[c->nstrips];
	s->kind = kind;
	s->name = xstrdup(name ? name : "");
	s->attrs = xstrndup(attrs ? attrs : "", attrs ? alen : 0);
	buf_init(&s->body);
	if (body)
		buf_add(&s->body, body, blen);
	s->closed = closed;
	buf_printf(out, "\x7f%zu\x7f", c->nstrips);
	return c->nstrips++;
}

/* Text that must come out exactly as written, escaped (unknown templates, limits). */
static void literal(struct ctx *c, const char *s, size_t n, struct buf *out)
{
	/* the text may hold markers of its own (it was never expanded, so it cannot) */
	strip_add(c, S_LITERAL, "", NULL, 0, s, n, true, out);
}

static void expand_ext(struct ctx *c, struct frame *fr, struct ptree *t, int n, struct buf *out,
                       int depth)
{
	struct pnode *p = &t->n[n];
	const char *name = ext_names[p->ext];
	const char *attrs = t->src + p->a0;
	size_t alen = p->a1 - p->a0;
	bool closed = p->c0 != SIZE_MAX;
	const char *body = closed ? t->src + p->c0 : "";
	size_t blen = closed ? p->c1 - p->c0 : 0;
	enum strip_kind kind;
	switch (p->ext) {
	case EXT_NOWIKI: kind = closed && blen ? S_NOWIKI : S_EMPTY; break;
	case EXT_PRE: kind = S_PRE; break;
	case EXT_SOURCE:
	case EXT_SYNTAXHIGHLIGHT: kind = S_CODE; break;
	case EXT_REF: kind = S_REF; break;
	case EXT_REFERENCES: kind = S_REFERENCES; break;
	case EXT_GALLERY: kind = S_GALLERY; break;
	case EXT_MATH:
	case 19 /* ce */:
	case 11 /* chem */: kind = S_MATH; break;
	case EXT_POEM: kind = S_POEM; break;
	default: kind = S_OTHER; break;
	}
	if ((kind == S_REF || kind == S_REFERENCES || kind == S_POEM) && blen) {
		/* Cite parses its content with the current frame: arguments work inside */
		if (depth >= NEST_LIMIT) {
			limit(c, "nesting depth");
			literal(c, t->src + p->start, p->end - p->start, out);
			return;
		}
		struct ptree *sub = ptree_build(body, blen, false);
		struct buf e = BUF_INIT;
		expand(c, fr, sub, sub->n[sub->root].first, false, &e, depth + 1);
		strip_add(c, kind, name, attrs, alen, e.data, e.len, closed, out);
		buf_release(&e);
		ptree_free(sub);
		return;
	}
	if (kind == S_OTHER)
		unconverted(c, "extension tag <%s>", name);
	strip_add(c, kind, name, attrs, alen, body, blen, closed, out);
}

/* Expands the children of part up to its '=' (name) into out; returns the first node
 * after the '=' or -1. */
static int expand_part_name(struct ctx *c, struct frame *fr, struct ptree *t, int part,
                            struct buf *out, int depth, bool *has_eq)
{
	*has_eq = false;
	int n = t->n[part].first;
	for (int x = n; x >= 0; x = t->n[x].next)
		if (t->n[x].type == PN_EQ) {
			*has_eq = true;
			expand(c, fr, t, n, true, out, depth);
			return t->n[x].next;
		}
	expand(c, fr, t, n, false, out, depth);
	return -1;
}

static const char *arg_value(struct ctx *c, struct frame *fr, struct arg *a)
{
	if (!a->done) {
		a->done = true;
		if (a->value >= 0)
			expand(c, fr->parent, fr->caller, a->value, false, &a->val, fr->depth);
		if (a->named)
			buf_trim(&a->val);
	}
	return a->val.data;
}

static struct arg *find_arg(struct frame *fr, const char *name)
{
	for (size_t i = fr->nargs; i-- > 0;)
		if (!strcmp(fr->args[i].name, name))
			return &fr->args[i];
	return NULL;
}

static void frame_args(struct ctx *c, struct frame *caller, struct ptree *t, int tpl,
                       struct frame *fr, int depth)
{
	int pos = 0;
	int part = t->n[t->n[tpl].first].next;
	for (; part >= 0; part = t->n[part].next) {
		fr->args = xrealloc(fr->args, (fr->nargs + 1) * sizeof *fr->args);
		struct arg *a = &fr->args[fr->nargs++];
		memset(a, 0, sizeof *a);
		buf_init(&a->val);
		bool eq = false;
		for (int x = t->n[part].first; x >= 0; x = t->n[x].next)
			if (t->n[x].type == PN_EQ)
				eq = true;
		if (eq) {
			struct buf nm = BUF_INIT;
			a->value = expand_part_name(c, caller, t, part, &nm, depth, &eq);
			buf_trim(&nm);
			a->name = buf_detach(&nm, NULL);
			a->named = true;
		} else {
			a->name = xasprintf("%d", ++pos);
			a->value = t->n[part].first;
		}
	}
}

static void frame_release(struct frame *fr)
{
	for (size_t i = 0; i < fr->nargs; i++) {
		free(fr->args[i].name);
		buf_release(&fr->args[i].val);
	}
	free(fr->args);
}

/* The i-th part (0 = name) of a template node, or -1. */
static int nth_part(struct ptree *t, int tpl, int i)
{
	int p = t->n[tpl].first;
	while (p >= 0 && i-- > 0)
		p = t->n[p].next;
	return p;
}

static void part_text(struct ctx *c, struct frame *fr, struct ptree *t, int part, struct buf *out,
                      int depth)
{
	if (part >= 0)
		expand(c, fr, t, t->n[part].first, false, out, depth);
	buf_trim(out);
}

/* ---- #expr: a small evaluator (numbers, + - * / div mod ^, comparisons, and/or/not,
 * round, unary functions, parentheses), bounded in depth ---- */

struct expr {
	const char *s;
	size_t i, n;
	int depth;
	bool err;
};

static double ex_or(struct expr *e);

static void ex_ws(struct expr *e)
{
	while (e->i < e->n && is_ws((unsigned char)e->s[e->i]))
		e->i++;
}

static bool ex_word(struct expr *e, const char *w)
{
	ex_ws(e);
	size_t k = strlen(w);
	if (e->i + k <= e->n && !strncasecmp(e->s + e->i, w, k) &&
	    (isalpha((unsigned char)w[0]) ? (e->i + k == e->n || !isalpha((unsigned char)e->s[e->i + k])) : true)) {
		e->i += k;
		return true;
	}
	return false;
}

static double ex_unary(struct expr *e)
{
	if (++e->depth > 100) {
		e->err = true;
		return 0;
	}
	double v = 0;
	ex_ws(e);
	if (ex_word(e, "-"))
		v = -ex_unary(e);
	else if (ex_word(e, "+"))
		v = ex_unary(e);
	else if (ex_word(e, "not"))
		v = ex_unary(e) == 0;
	else if (ex_word(e, "abs"))
		v = fabs(ex_unary(e));
	else if (ex_word(e, "floor"))
		v = floor(ex_unary(e));
	else if (ex_word(e, "ceil"))
		v = ceil(ex_unary(e));
	else if (ex_word(e, "trunc"))
		v = trunc(ex_unary(e));
	else if (ex_word(e, "(")) {
		v = ex_or(e);
		if (!ex_word(e, ")"))
			e->err = true;
	} else if (ex_word(e, "pi"))
		v = M_PI;
	else if (e->i < e->n && (isdigit((unsigned char)e->s[e->i]) || e->s[e->i] == '.')) {
		char tmp[64];
		size_t k = 0;
		while (e->i < e->n && k < 63 &&
		       (isdigit((unsigned char)e->s[e->i]) || e->s[e->i] == '.'))
			tmp[k++] = e->s[e->i++];
		tmp[k] = 0;
		v = strtod(tmp, NULL);
	} else
		e->err = true;
	e->depth--;
	return v;
}

static double ex_pow(struct expr *e)
{
	double v = ex_unary(e);
	while (!e->err) {
		if (ex_word(e, "^"))
			v = pow(v, ex_unary(e));
		else if (ex_word(e, "e") && e->i < e->n)
			v = v * pow(10, ex_unary(e));
		else
			break;
	}
	return v;
}

static double ex_mul(struct expr *e)
{
	double v = ex_pow(e);
	while (!e->err) {
		if (ex_word(e, "*"))
			v *= ex_pow(e);
		else if (ex_word(e, "/") || ex_word(e, "div")) {
			double d = ex_pow(e);
			if (d == 0)
				e->err = true;
			else
				v /= d;
		} else if (ex_word(e, "mod")) {
			double d = ex_pow(e);
			long long a = (long long)v, b = (long long)d;
			if (b == 0)
				e->err = true;
			else
				v = (double)(a % b);
		} else
			break;
	}
	return v;
}

static double ex_add(struct expr *e)
{
	double v = ex_mul(e);
	while (!e->err) {
		if (ex_word(e, "+"))
			v += ex_mul(e);
		else if (ex_word(e, "-"))
			v -= ex_mul(e);
		else
			break;
	}
	return v;
}

static double ex_round(struct expr *e)
{
	double v = ex_add(e);
	while (!e->err && ex_word(e, "round")) {
		double d = ex_add(e), f = pow(10, trunc(d));
		v = round(v * f) / f;
	}
	return v;
}

static double ex_cmp(struct expr *e)
{
	double v = ex_round(e);
	while (!e->err) {
		if (ex_word(e, "<="))
			v = v <= ex_round(e);
		else if (ex_word(e, ">="))
			v = v >= ex_round(e);
		else if (ex_word(e, "!=") || ex_word(e, "<>"))
			v = v != ex_round(e);
		else if (ex_word(e, "="))
			v = v == ex_round(e);
		else if (ex_word(e, "<"))
			v = v < ex_round(e);
		else if (ex_word(e, ">"))
			v = v > ex_round(e);
		else
			break;
	}
	return v;
}

static double ex_and(struct expr *e)
{
	double v = ex_cmp(e);
	while (!e->err && ex_word(e, "and")) {
		double w = ex_cmp(e);
		v = v != 0 && w != 0;
	}
	return v;
}

static double ex_or(struct expr *e)
{
	double v = ex_and(e);
	while (!e->err && ex_word(e, "or")) {
		double w = ex_and(e);
		v = v != 0 || w != 0;
	}
	return v;
}

/* Returns 0 and *v, or -1 for a syntax error. An empty expression is 0 (#ifexpr: false). */
static int expr_eval(const char *s, size_t n, double *v)
{
	struct expr e = {s, 0, n, 0, false};
	ex_ws(&e);
	if (e.i == n) {
		*v = 0;
		return 0;
	}
	*v = ex_or(&e);
	ex_ws(&e);
	if (e.err || e.i != n || isnan(*v))
		return -1;
	return 0;
}

static void fmt_number(double v, struct buf *out)
{
	if (isinf(v)) {
		buf_puts(out, v < 0 ? "-INF" : "INF");
		return;
	}
	if (v == floor(v) && fabs(v) < 1e15)
		buf_printf(out, "%.0f", v == 0 ? 0.0 : v);
	else
		buf_printf(out, "%.14g", v);
}

static bool is_number(const char *s, double *v)
{
	char *end;
	if (!*s)
		return false;
	*v = strtod(s, &end);
	while (*end && is_ws((unsigned char)*end))
		end++;
	return !*end;
}

static bool values_equal(const char *a, const char *b)
{
	double x, y;
	if (is_number(a, &x) && is_number(b, &y))
		return x == y;
	return !strcmp(a, b);
}

/* ---- magic variables and parser functions ---- */

static void title_parts(struct ctx *c, struct buf *ns, struct buf *page)
{
	const char *t = c->o->title ? c->o->title : "";
	size_t rest;
	struct buf norm = BUF_INIT;
	if (!norm_title(c, t, strlen(t), &norm))
		buf_puts(&norm, t);
	int n = title_ns(c, norm.data, norm.len, &rest);
	if (n != NS_MAIN) {
		buf_puts(ns, ns_name(c, n));
		buf_puts(page, norm.data + rest);
	} else {
		buf_puts(page, norm.data);
	}
	buf_release(&norm);
}

static void put_encoded(const char *s, struct buf *out)
{
	wf_urlencode(s, strlen(s), out);
}

/* Magic variables ({{PAGENAME}} …). Returns true when nm is one. */
static bool magic_variable(struct ctx *c, const char *nm, struct buf *out)
{
	struct buf ns = BUF_INIT, page = BUF_INIT;
	bool ok = true;
	title_parts(c, &ns, &page);
	if (!strcmp(nm, "!"))
		buf_putc(out, '|');
	else if (!strcmp(nm, "="))
		buf_putc(out, '=');
	else if (!strcmp(nm, "PAGENAME"))
		buf_puts(out, page.data);
	else if (!strcmp(nm, "PAGENAMEE"))
		put_encoded(page.data, out);
	else if (!strcmp(nm, "FULLPAGENAME") || !strcmp(nm, "FULLPAGENAMEE")) {
		struct buf f = BUF_INIT;
		if (ns.len)
			buf_printf(&f, "%s:", ns.data);
		buf_puts(&f, page.data);
		if (nm[12] == 'E')
			put_encoded(f.data, out);
		else
			buf_add(out, f.data, f.len);
		buf_release(&f);
	} else if (!strcmp(nm, "NAMESPACE"))
		buf_puts(out, ns.data);
	else if (!strcmp(nm, "NAMESPACEE"))
		put_encoded(ns.data, out);
	else if (!strcmp(nm, "BASEPAGENAME") || !strcmp(nm, "ROOTPAGENAME")) {
		const char *sl = nm[0] == 'B' ? strrchr(page.data, '/') : strchr(page.data, '/');
		buf_add(out, page.data, sl ? (size_t)(sl - page.data) : page.len);
	} else if (!strcmp(nm, "SUBPAGENAME")) {
		const char *sl = strrchr(page.data, '/');
		buf_puts(out, sl ? sl + 1 : page.data);
	} else if (!strcmp(nm, "SITENAME") && c->sitename)
		buf_puts(out, c->sitename);
	else
		ok = false;
	buf_release(&ns);
	buf_release(&page);
	return ok;
}

static void case_map(struct buf *b, size_t from, int upper)
{
	for (size_t i = from; i < b->len; i++) {
		unsigned char ch = (unsigned char)b->data[i];
		if (ch < 0x80)
			b->data[i] = (char)(upper ? toupper(ch) : tolower(ch));
	}
}

/* Parser functions ({{#if:…}}, {{lc:…}} …). fn is the part before the first colon,
 * a0 the expanded text after it. Returns true when fn is one. */
static bool parser_function(struct ctx *c, struct frame *fr, struct ptree *t, int tpl,
                            const char *fn, const char *a0, struct buf *out, int depth)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	bool ok = true;
	if (!strcasecmp(fn, "#if")) {
		part_text(c, fr, t, nth_part(t, tpl, *a0 ? 1 : 2), out, depth);
	} else if (!strcasecmp(fn, "#ifeq")) {
		part_text(c, fr, t, nth_part(t, tpl, 1), &b, depth);
		part_text(c, fr, t, nth_part(t, tpl, values_equal(a0, b.data) ? 2 : 3), out, depth);
	} else if (!strcasecmp(fn, "#iferror")) {
		if (strstr(a0, "class=\"error\""))
			part_text(c, fr, t, nth_part(t, tpl, 1), out, depth);
		else if (nth_part(t, tpl, 2) >= 0)
			part_text(c, fr, t, nth_part(t, tpl, 2), out, depth);
		else
			buf_puts(out, a0);
	} else if (!strcasecmp(fn, "#ifexpr") || !strcasecmp(fn, "#expr")) {
		double v;
		if (expr_eval(a0, strlen(a0), &v) < 0) {
			unconverted(c, "expression error in {{%s:%s}}", fn, a0);
			buf_puts(out, "Expression error: ");
			literal(c, a0, strlen(a0), out);
		} else if (!strcasecmp(fn, "#expr")) {
			fmt_number(v, out);
		} else {
			part_text(c, fr, t, nth_part(t, tpl, v != 0 ? 1 : 2), out, depth);
		}
	} else if (!strcasecmp(fn, "#ifexist")) {
		bool exists = false;
		if (c->o->link_target) {
			struct buf norm = BUF_INIT;
			if (norm_title(c, a0, strlen(a0), &norm))
				exists = c->o->link_target(c->o->arg, norm.data, &b) == 1;
			buf_release(&norm);
		}
		part_text(c, fr, t, nth_part(t, tpl, exists ? 1 : 2), out, depth);
	} else if (!strcasecmp(fn, "#switch")) {
		bool found = false;
		int deflt = -1, last = -1;
		bool last_named = false;
		for (int p = nth_part(t, tpl, 1); p >= 0; p = t->n[p].next) {
			bool eq;
			buf_reset(&a);
			int v = expand_part_name(c, fr, t, p, &a, depth, &eq);
			buf_trim(&a);
			last = p;
			last_named = eq;
			if (eq) {
				if (found || values_equal(a.data, a0)) {
					expand(c, fr, t, v, false, &b, depth);
					buf_trim(&b);
					buf_add(out, b.data, b.len);
					goto done;
				}
				if (!strcmp(a.data, "#default"))
					deflt = v;
			} else if (values_equal(a.data, a0)) {
				found = true;
			}
		}
		if (last >= 0 && !last_named) {
			part_text(c, fr, t, last, out, depth);
		} else if (deflt >= 0) {
			expand(c, fr, t, deflt, false, &b, depth);
			buf_trim(&b);
			buf_add(out, b.data, b.len);
		}
	} else if (!strcasecmp(fn, "lc") || !strcasecmp(fn, "uc")) {
		size_t at = out->len;
		buf_puts(out, a0);
		case_map(out, at, tolower(fn[0]) == 'u');
	} else if (!strcasecmp(fn, "lcfirst") || !strcasecmp(fn, "ucfirst")) {
		size_t at = out->len;
		buf_puts(out, a0);
		if (tolower(fn[0]) == 'u')
			ucfirst_buf(out, at);
		else if (at < out->len && (unsigned char)out->data[at] < 0x80)
			out->data[at] = (char)tolower((unsigned char)out->data[at]);
	} else if (!strcasecmp(fn, "urlencode")) {
		for (const unsigned char *p = (const unsigned char *)a0; *p; p++) {
			if (*p == ' ')
				buf_putc(out, '+');
			else if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.')
				buf_putc(out, *p);
			else
				buf_printf(out, "%%%02X", *p);
		}
	} else if (!strcasecmp(fn, "anchorencode")) {
		for (const char *p = a0; *p; p++)
			buf_putc(out, is_ws((unsigned char)*p) ? '_' : *p);
	} else if (!strcasecmp(fn, "formatnum")) {
		const char *p = a0;
		size_t k = 0;
		if (*p == '-' || *p == '+')
			buf_putc(out, *p++);
		while (isdigit((unsigned char)p[k]))
			k++;
		for (size_t i = 0; i < k; i++) {
			buf_putc(out, p[i]);
			if ((k - i - 1) % 3 == 0 && i + 1 < k)
				buf_putc(out, ',');
		}
		buf_puts(out, p + k);
	} else if (!strcasecmp(fn, "padleft") || !strcasecmp(fn, "padright")) {
		part_text(c, fr, t, nth_part(t, tpl, 1), &a, depth);
		part_text(c, fr, t, nth_part(t, tpl, 2), &b, depth);
		long w = strtol(a.data, NULL, 10);
		if (w > 500)
			w = 500;
		const char *pad = b.len ? b.data : "0";
		size_t have = strlen(a0), plen = strlen(pad);
		struct buf p = BUF_INIT;
		for (size_t i = 0; w > 0 && have + i < (size_t)w; i++)
			buf_putc(&p, pad[i % plen]);
		if (tolower(fn[3]) == 'l') {
			buf_add(out, p.data, p.len);
			buf_puts(out, a0);
		} else {
			buf_puts(out, a0);
			buf_add(out, p.data, p.len);
		}
		buf_release(&p);
	} else if (!strcasecmp(fn, "ns") || !strcasecmp(fn, "nse")) {
		char *end;
		long v = strtol(a0, &end, 10);
		const char *nm = NULL;
		if (*a0 && !*end)
			nm = v == 0 ? "" : ns_name(c, (int)v);
		else {
			size_t rest;
			struct buf tmp = BUF_INIT;
			buf_printf(&tmp, "%s:x", a0);
			int x = title_ns(c, tmp.data, tmp.len, &rest);
			nm = x != NS_MAIN ? ns_name(c, x) : NULL;
			buf_release(&tmp);
		}
		if (nm)
			buf_puts(out, nm);
	} else if (!strcasecmp(fn, "localurl") || !strcasecmp(fn, "localurle")) {
		struct buf norm = BUF_INIT;
		if (norm_title(c, a0, strlen(a0), &norm))
			article_url(c, norm.data, out);
		buf_release(&norm);
	} else if (!strcasecmp(fn, "DISPLAYTITLE")) {
		if (!c->r->displaytitle)
			c->r->displaytitle = xstrdup(a0);
	} else if (!strcasecmp(fn, "DEFAULTSORT") || !strcasecmp(fn, "DEFAULTSORTKEY") ||
	           !strcasecmp(fn, "DEFAULTCATEGORYSORT")) {
		free(c->r->defaultsort);
		c->r->defaultsort = xstrdup(a0);
	} else if (!strcasecmp(fn, "#tag")) {
		part_text(c, fr, t, nth_part(t, tpl, 1), &b, depth);
		int ext = -1;
		for (size_t x = 0; ext_names[x]; x++)
			if (!strcasecmp(a0, ext_names[x]))
				ext = (int)x;
		if (ext < 0) {
			ok = false;
		} else {
			struct buf src = BUF_INIT;
			buf_printf(&src, "<%s>%s</%s>", ext_names[ext], b.data, ext_names[ext]);
			struct ptree *sub = ptree_build(src.data, src.len, false);
			expand(c, fr, sub, sub->n[sub->root].first, false, out, depth + 1);
			ptree_free(sub);
			buf_release(&src);
		}
	} else {
		ok = false;
	}
done:
	buf_release(&a);
	buf_release(&b);
	return ok;
}

static struct ptree *template_tree(struct ctx *c, const char *name)
{
	ptree_free(c->uncached);
	c->uncached = NULL;
	for (size_t i = 0; i < c->ncache; i++)
		if (!strcmp(c->cache[i].name, name))
			return c->cache[i].tree;
	struct ptree *tree = NULL;
	struct buf src = BUF_INIT;
	if (c->o->template_source && c->o->template_source(c->o->arg, name, &src) == 1) {
		struct buf norm = BUF_INIT;
		normalise(src.data, src.len, &norm);
		tree = ptree_build(norm.data, norm.len, true);
		buf_release(&norm);
	}
	buf_release(&src);
	if (c->ncache >= LIST_MAX) {
		/* a page calling thousands of templates: the first ones stay cached */
		c->uncached = tree;
		return tree;
	}
	c->cache = xrealloc(c->cache, (c->ncache + 1) * sizeof *c->cache);
	c->cache[c->ncache].name = xstrdup(name);
	c->cache[c->ncache].tree = tree;
	c->ncache++;
	return tree;
}

static void expand_tpl(struct ctx *c, struct frame *fr, struct ptree *t, int n, struct buf *out,
                       int depth)
{
	struct pnode *p = &t->n[n];
	const char *whole = t->src + p->start;
	size_t wlen = p->end - p->start;
	bool line_start = p->start == 0 || t->src[p->start - 1] == '\n';
	struct buf name = BUF_INIT, res = BUF_INIT, tn = BUF_INIT;
	int part0 = p->first;
	expand(c, fr, t, t->n[part0].first, false, &name, depth);
	buf_trim(&name);
	const char *nm = name.data;
	bool has_args = t->n[part0].next >= 0;
	if (starts_ci(nm, strlen(nm), "subst:"))
		nm += 6;
	else if (starts_ci(nm, strlen(nm), "safesubst:"))
		nm += 10;
	while (is_ws((unsigned char)*nm))
		nm++;
	if (starts_ci(nm, strlen(nm), "msgnw:")) {
		literal(c, whole, wlen, out);
		goto out;
	}
	if (!has_args && magic_variable(c, nm, &res))
		goto emit;
	const char *colon = strchr(nm, ':');
	if (colon) {
		struct buf fn = BUF_INIT, a0 = BUF_INIT;
		buf_add(&fn, nm, (size_t)(colon - nm));
		buf_trim(&fn);
		buf_puts(&a0, colon + 1);
		buf_trim(&a0);
		bool done = parser_function(c, fr, t, n, fn.data, a0.data, &res, depth);
		if (!done && (fn.data[0] == '#' || !strcasecmp(fn.data, "int") ||
		              !strcasecmp(fn.data, "msg") || !strcasecmp(fn.data, "fullurl") ||
		              !strcasecmp(fn.data, "canonicalurl") || !strcasecmp(fn.data, "filepath") ||
		              !strcasecmp(fn.data, "plural") || !strcasecmp(fn.data, "grammar") ||
		              !strcasecmp(fn.data, "gender") || !strcasecmp(fn.data, "special"))) {
			unconverted(c, "parser function {{%s:}}", fn.data);
			literal(c, whole, wlen, out);
			buf_release(&fn);
			buf_release(&a0);
			goto out;
		}
		buf_release(&fn);
		buf_release(&a0);
		if (done)
			goto emit;
	}
	if (!has_args && strspn(nm, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == strlen(nm) && *nm &&
	    (starts_ci(nm, strlen(nm), "CURRENT") || starts_ci(nm, strlen(nm), "LOCAL") ||
	     starts_ci(nm, strlen(nm), "NUMBEROF") || starts_ci(nm, strlen(nm), "REVISION") ||
	     !strcmp(nm, "SITENAME") || !strcmp(nm, "SERVER") || !strcmp(nm, "SCRIPTPATH"))) {
		unconverted(c, "magic variable {{%s}}", nm);
		literal(c, whole, wlen, out);
		goto out;
	}
	/* a template: "Name" is Template:Name, ":Name" a main-namespace page */
	{
		size_t rest;
		struct buf norm = BUF_INIT;
		if (*nm == ':') {
			if (norm_title(c, nm + 1, strlen(nm + 1), &norm)) {
				buf_putc(&tn, ':');
				buf_add(&tn, norm.data, norm.len);
			}
		} else if (norm_title(c, nm, strlen(nm), &norm)) {
			if (title_ns(c, norm.data, norm.len, &rest) == NS_TEMPLATE)
				buf_puts(&tn, norm.data + rest);
			else
				buf_add(&tn, norm.data, norm.len);
		}
		buf_release(&norm);
	}
	if (!tn.len) {
		literal(c, whole, wlen, out);
		goto out;
	}
	for (size_t i = 0; i < c->ntstack; i++)
		if (!strcmp(c->tstack[i], tn.data)) {
			unconverted(c, "template loop {{%s}}", tn.data);
			buf_puts(out, "Template loop detected: ");
			literal(c, whole, wlen, out);
			goto out;
		}
	if ((int)c->ntstack >= c->max_depth) {
		limit(c, "template depth");
		literal(c, whole, wlen, out);
		goto out;
	}
	{
		struct frame nf = {fr, t, NULL, 0, tn.data, depth};
		frame_args(c, fr, t, n, &nf, depth);
		bool done = false;
		if (c->o->template_map) {
			const char **keys = xcalloc(nf.nargs + 1, sizeof *keys);
			const char **vals = xcalloc(nf.nargs + 1, sizeof *vals);
			for (size_t i = 0; i < nf.nargs; i++) {
				keys[i] = nf.args[i].name;
				vals[i] = arg_value(c, &nf, &nf.args[i]);
			}
			struct buf md = BUF_INIT;
			if (c->o->template_map(c->o->arg, tn.data, (const char *const *)keys,
			                       (const char *const *)vals, nf.nargs, &md) == 1) {
				struct buf clean = BUF_INIT;
				normalise(md.data, md.len, &clean);
				strip_add(c, S_RAWMD, "", NULL, 0, clean.data, clean.len, true, &res);
				buf_release(&clean);
				done = true;
			}
			buf_release(&md);
			free(keys);
			free(vals);
		}
		if (!done) {
			struct ptree *body = template_tree(c, tn.data);
			if (body) {
				c->tstack = xrealloc(c->tstack, (c->ntstack + 1) * sizeof *c->tstack);
				c->tstack[c->ntstack++] = tn.data;
				expand(c, &nf, body, body->n[body->root].first, false, &res, depth + 1);
				c->ntstack--;
				done = true;
			}
		}
		frame_release(&nf);
		if (!done) {
			unconverted(c, "template {{%s}}", tn.data);
			literal(c, whole, wlen, out);
			goto out;
		}
	}
emit:
	/* T2529: a block construct at the start of an expansion starts a line */
	if (!line_start && res.len &&
	    (res.data[0] == ':' || res.data[0] == ';' || res.data[0] == '#' || res.data[0] == '*' ||
	     (res.len > 1 && res.data[0] == '{' && res.data[1] == '|')))
		buf_putc(out, '\n');
	buf_add(out, res.data, res.len);
out:
	buf_release(&name);
	buf_release(&res);
	buf_release(&tn);
}

static void expand_arg_node(struct ctx *c, struct frame *fr, struct ptree *t, int n,
                            struct buf *out, int depth)
{
	struct buf name = BUF_INIT;
	int part0 = t->n[n].first;
	expand(c, fr, t, t->n[part0].first, false, &name, depth);
	buf_trim(&name);
	struct arg *a = fr->name ? find_arg(fr, name.data) : NULL;
	if (a) {
		buf_puts(out, arg_value(c, fr, a));
	} else if (t->n[part0].next >= 0) {
		expand(c, fr, t, t->n[t->n[part0].next].first, false, out, depth);
	} else {
		buf_printf(out, "{{{%s}}}", name.data);
	}
	buf_release(&name);
}

static void expand(struct ctx *c, struct frame *fr, struct ptree *t, int n, bool stop_eq,
                   struct buf *out, int depth)
{
	for (; n >= 0; n = t->n[n].next) {
		struct pnode *p = &t->n[n];
		c->work++;
		switch (p->type) {
		case PN_TEXT:
			buf_add(out, t->src + p->start, p->end - p->start);
			break;
		case PN_EQ:
			if (stop_eq)
				return;
			buf_putc(out, '=');
			break;
		case PN_EXT:
			expand_ext(c, fr, t, n, out, depth);
			break;
		case PN_TPL:
		case PN_ARG:
			if (depth >= NEST_LIMIT) {
				limit(c, "nesting depth");
				literal(c, t->src + p->start, p->end - p->start, out);
			} else if (c->work > c->work_limit || out->len > ((size_t)64 << 20)) {
				limit(c, "expansion size");
				literal(c, t->src + p->start, p->end - p->start, out);
			} else if (p->type == PN_TPL) {
				expand_tpl(c, fr, t, n, out, depth + 1);
			} else {
				expand_arg_node(c, fr, t, n, out, depth + 1);
			}
			break;
		default:
			break;
		}
	}
}

/* ------------------------------------------------------------------------------------ */
/* Inlines: one line at a time, like MediaWiki's doQuotes, with links, external links,
 * free URLs, whitelisted HTML tags, entities and strip markers as atomic tokens. */

struct tagstack {
	char **names;
	size_t n;
};

static void tags_push(struct tagstack *t, const char *name)
{
	t->names = xrealloc(t->names, (t->n + 1) * sizeof *t->names);
	t->names[t->n++] = xstrdup(name);
}

static void tags_release(struct tagstack *t)
{
	strlist_free(t->names, t->n);
	t->names = NULL;
	t->n = 0;
}

struct emph {
	char kind; /* 'i' or 'b' */
	size_t off;
};

struct inl {
	struct ctx *c;
	enum mode mode;
	int depth;
	bool in_link;   /* inside a link label: no nested links */
	bool in_cell;   /* inside a GFM table cell */
	bool pre;       /* inside <pre>: whitespace is kept */
	bool line_start;
	bool eager;     /* write emphasis as HTML tags at once (HTML mode, huge lines) */
	struct buf line; /* the current line, where emphasis delimiters are inserted */
	struct emph em[4];
	int nem;
	bool both;       /* after ''''' with the order of b and i not yet known */
	size_t both_off;
	struct tagstack tags; /* inline HTML elements open */
	size_t no_bracket;    /* no ']' left on the line from here (SIZE_MAX: unknown) */
};

static void inline_render(struct ctx *c, const char *s, size_t n, enum mode mode, int flags,
                          struct buf *out, int depth);
#define IF_LINK 1
#define IF_CELL 2
#define IF_PRE 4
static void render_strip_block(struct ctx *c, struct strip *sp, enum mode mode, struct buf *out,
                               int depth);
static void blocks(struct ctx *c, const char *s, size_t n, enum mode mode, struct buf *out,
                   int depth);

/* Skips a strip marker at s (s[0] == '\x7f'); returns its length and index, or 0. */
static size_t marker_at(const char *s, size_t n, size_t *idx)
{
	size_t i = 1, v = 0;
	while (i < n && isdigit((unsigned char)s[i]) && i < 12)
		v = v * 10 + (size_t)(s[i++] - '0');
	if (i == 1 || i >= n || s[i] != '\x7f')
		return 0;
	*idx = v;
	return i + 1;
}

/* Escapes plain text for the current mode. */
static void esc_text(struct inl *st, const char *s, size_t n)
{
	struct buf *o = &st->line;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\x7f') {
			size_t idx, l = marker_at(s + i, n - i, &idx);
			if (l)
				i += l - 1;
			continue;
		}
		if (ch == '\n') {
			if (st->mode == HTML && !st->pre && o->len && o->data[o->len - 1] == '\n')
				continue;
			while (o->len && (o->data[o->len - 1] == ' ' || o->data[o->len - 1] == '\t'))
				o->len--;
			o->data[o->len] = 0;
			buf_putc(o, '\n');
			st->line_start = true;
			continue;
		}
		if (st->line_start && st->pre) {
			st->line_start = false;
		} else if (st->line_start) {
			if (ch == ' ' || ch == '\t')
				continue;
			st->line_start = false;
			size_t d = i;
			while (d < n && isdigit((unsigned char)s[d]))
				d++;
			/* what the next character makes of a marker: "1. ", "- ", "# ", "---" */
			int nx = i + 1 < n ? (unsigned char)s[i + 1] : '\n';
			int dn = d + 1 < n ? (unsigned char)s[d + 1] : '\n';
			if (d > i && d < n && (s[d] == '.' || s[d] == ')') && d - i < 10 && is_ws(dn)) {
				buf_add(o, s + i, d - i);
				if (st->mode == MD) {
					buf_putc(o, '\\');
					buf_putc(o, s[d]);
				} else {
					buf_puts(o, s[d] == '.' ? "&#46;" : "&#41;");
				}
				i = d;
				continue;
			}
			if (ch == '>' || (strchr("#-+=", ch) && (is_ws(nx) || nx == ch))) {
				if (st->mode == MD) {
					buf_putc(o, '\\');
					buf_putc(o, ch);
				} else {
					buf_printf(o, "&#%d;", ch);
				}
				continue;
			}
		}
		if (st->mode == MD) {
			switch (ch) {
			case '\\': case '`': case '*': case '[': case ']': case '<': case '|': case '~':
				buf_putc(o, '\\');
				buf_putc(o, ch);
				continue;
			case '_': {
				bool a = i > 0 && is_alnum_u((unsigned char)s[i - 1]);
				bool b = i + 1 < n && is_alnum_u((unsigned char)s[i + 1]);
				if (!(a && b))
					buf_putc(o, '\\');
				buf_putc(o, ch);
				continue;
			}
			case '#':
				if (o->len && o->data[o->len - 1] == ' ')
					buf_putc(o, '\\');
				buf_putc(o, ch);
				continue;
			case '&': {
				size_t j = i + 1;
				while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '#'))
					j++;
				buf_puts(o, j > i + 1 && j < n && s[j] == ';' ? "&amp;" : "&");
				continue;
			}
			default:
				buf_putc(o, ch);
				continue;
			}
		}
		switch (ch) {
		case '&': buf_puts(o, "&amp;"); break;
		case '<': buf_puts(o, "&lt;"); break;
		case '>': buf_puts(o, "&gt;"); break;
		case '*': buf_puts(o, "&#42;"); break;
		case '_': buf_puts(o, "&#95;"); break;
		case '`': buf_puts(o, "&#96;"); break;
		case '[': buf_puts(o, "&#91;"); break;
		case ']': buf_puts(o, "&#93;"); break;
		case '\\': buf_puts(o, "&#92;"); break;
		case '~': buf_puts(o, "&#126;"); break;
		case '|': buf_puts(o, "&#124;"); break;
		default: buf_putc(o, ch); break;
		}
	}
}

/* Text in which valid character references stay references (nowiki content, entities
 * in running text); everything else escaped. */
static void esc_text_entities(struct inl *st, const char *s, size_t n)
{
	size_t from = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned cp;
		size_t l = s[i] == '&' ? entity_at(s + i, n - i, &cp) : 0;
		if (!l)
			continue;
		esc_text(st, s + from, i - from);
		if (st->line_start) {
			st->line_start = false;
			if (cp == ' ' || cp == 0xa0 || cp == '\t') {
				/* keep a leading space visible without starting an indented block */
				buf_puts(&st->line, "&#160;");
				i += l - 1;
				from = i + 1;
				continue;
			}
		}
		buf_add(&st->line, s + i, l);
		i += l - 1;
		from = i + 1;
	}
	esc_text(st, s + from, n - from);
}

/* A URL as a Markdown link destination or an HTML attribute value. */
static void put_url(struct inl *st, const char *u, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)u[i];
		if (ch <= 0x20 || ch == 0x7f || strchr("<>()\\|\"'`", ch))
			buf_printf(&st->line, "%%%02X", ch);
		else if (ch == '&' && st->mode == HTML)
			buf_puts(&st->line, "&amp;");
		else
			buf_putc(&st->line, ch);
	}
}

static void put_attr_value(struct buf *o, const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v[i];
		switch (ch) {
		case '&': buf_puts(o, "&amp;"); break;
		case '<': buf_puts(o, "&lt;"); break;
		case '>': buf_puts(o, "&gt;"); break;
		case '"': buf_puts(o, "&quot;"); break;
		case '\'': buf_puts(o, "&#39;"); break;
		case '|': buf_puts(o, "&#124;"); break;
		case '\n': case '\t': case '\x7f': buf_putc(o, ' '); break;
		default: buf_putc(o, ch); break;
		}
	}
}

/* ---- emphasis: MediaWiki's quote state machine; Markdown delimiters are inserted at
 * close time when CommonMark's flanking rules will read them back, else <i>/<b> ---- */

static void em_open(struct inl *st, char kind, size_t off)
{
	if (st->nem == 4)
		return;
	if (st->eager)
		buf_insert(&st->line, off, kind == 'b' ? "<b>" : "<i>", 3);
	st->em[st->nem].kind = kind;
	st->em[st->nem].off = st->eager ? st->line.len : off;
	st->nem++;
}

static void em_close(struct inl *st, int next)
{
	if (!st->nem)
		return;
	struct emph e = st->em[--st->nem];
	struct buf *o = &st->line;
	if (st->eager) {
		buf_puts(o, e.kind == 'b' ? "</b>" : "</i>");
		return;
	}
	if (e.off >= o->len)
		return; /* empty */
	int prev = e.off ? (unsigned char)o->data[e.off - 1] : ' ';
	int first = (unsigned char)o->data[e.off], last = (unsigned char)o->data[o->len - 1];
	bool ok = st->mode == MD && !is_ws(first) && !is_ws(last) && prev != '*' && prev != '\\' &&
	          (!is_punct(first) || is_ws(prev) || is_punct(prev)) &&
	          (!is_punct(last) || is_ws(next) || is_punct(next)) &&
	          !(last == '\\' && (o->len - e.off < 2 || o->data[o->len - 2] != '\\'));
	const char *d = e.kind == 'b' ? "**" : "*";
	if (ok) {
		buf_insert(o, e.off, d, strlen(d));
		buf_puts(o, d);
	} else {
		buf_insert(o, e.off, e.kind == 'b' ? "<b>" : "<i>", 3);
		buf_puts(o, e.kind == 'b' ? "</b>" : "</i>");
	}
	/* an opener still open at the same place moves with the insertion */
}

static char em_top(struct inl *st, int k)
{
	return st->nem > k ? st->em[st->nem - 1 - k].kind : 0;
}

static void quote(struct inl *st, int len, int next)
{
	size_t here = st->line.len;
	if (st->both) {
		st->both = false;
		size_t off = st->both_off;
		if (len == 2) {
			em_open(st, 'b', off);
			em_open(st, 'i', off);
			em_close(st, next);
		} else if (len == 3) {
			em_open(st, 'i', off);
			em_open(st, 'b', off);
			em_close(st, next);
		} else {
			em_open(st, 'i', off);
			em_open(st, 'b', off);
			em_close(st, next);
			em_close(st, next);
		}
		return;
	}
	if (len == 2) {
		if (em_top(st, 0) == 'i') {
			em_close(st, next);
		} else if (em_top(st, 0) == 'b' && em_top(st, 1) == 'i') {
			em_close(st, next);
			em_close(st, next);
			em_open(st, 'b', st->line.len);
		} else {
			em_open(st, 'i', here);
		}
	} else if (len == 3) {
		if (em_top(st, 0) == 'b') {
			em_close(st, next);
		} else if (em_top(st, 0) == 'i' && em_top(st, 1) == 'b') {
			em_close(st, next);
			em_close(st, next);
			em_open(st, 'i', st->line.len);
		} else {
			em_open(st, 'b', here);
		}
	} else {
		if (!st->nem) {
			if (st->eager) {
				em_open(st, 'b', here);
				em_open(st, 'i', st->line.len);
			} else {
				st->both = true;
				st->both_off = here;
			}
		} else if (st->nem == 1) {
			char k = em_top(st, 0);
			em_close(st, next);
			em_open(st, k == 'b' ? 'i' : 'b', st->line.len);
		} else {
			em_close(st, next);
			em_close(st, next);
		}
	}
}

static void quotes_end_line(struct inl *st)
{
	if (st->both) {
		st->both = false;
		if (st->line.len > st->both_off) {
			em_open(st, 'b', st->both_off);
			em_open(st, 'i', st->both_off);
		}
	}
	while (st->nem)
		em_close(st, '\n');
}

/* ---- tokens ---- */

enum { T_QUOTE, T_LINK, T_EXTLINK, T_URL, T_TAG, T_MARKER, T_ENTITY, T_CODESPAN, T_MAGIC };

struct tok {
	int type;
	size_t s, e;          /* whole token */
	size_t a0, a1;        /* link target / URL / tag name / code content */
	size_t b0, b1;        /* label / tag attributes; b0 == SIZE_MAX: none */
	size_t t0, t1;        /* link trail */
	int len;              /* quote run length after adjustment */
	int lit;              /* literal apostrophes before the run */
	bool closing, selfclose;
	size_t idx;           /* marker index */
};

static const char *const url_protocols[] = {
	"bitcoin:", "ftp://", "ftps://", "geo:", "git://", "gopher://", "http://", "https://",
	"irc://", "ircs://", "magnet:", "mailto:", "matrix:", "mms://", "news:", "nntp://",
	"redis://", "sftp://", "sip:", "sips:", "sms:", "ssh://", "svn://", "tel:", "telnet://",
	"urn:", "worldwind://", "xmpp:", NULL
};

static size_t protocol_at(const char *s, size_t n, bool relative)
{
	for (size_t i = 0; url_protocols[i]; i++)
		if (starts_ci(s, n, url_protocols[i]))
			return strlen(url_protocols[i]);
	if (relative && n >= 2 && s[0] == '/' && s[1] == '/')
		return 2;
	return 0;
}

static bool url_char(const char *s, size_t i, size_t n)
{
	unsigned char ch = (unsigned char)s[i];
	if (ch <= 0x20 || ch == 0x7f || strchr("[]<>\"", ch))
		return false;
	if (ch == '\'' && i + 1 < n && s[i + 1] == '\'')
		return false;
	if (ch == 0xef && i + 2 < n && (unsigned char)s[i + 1] == 0xbf && (unsigned char)s[i + 2] == 0xbd)
		return false; /* U+FFFD */
	if (ch == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] == 0xa0)
		return false; /* NBSP */
	return true;
}

static const char *const allowed_tags[] = {
	"b", "bdi", "del", "i", "ins", "u", "font", "big", "small", "sub", "sup", "h1", "h2",
	"h3", "h4", "h5", "h6", "cite", "code", "em", "s", "strike", "strong", "tt", "var",
	"div", "center", "blockquote", "ol", "ul", "dl", "table", "caption", "ruby", "rb", "rp",
	"rt", "rtc", "p", "span", "abbr", "dfn", "kbd", "samp", "data", "time", "mark", "br",
	"wbr", "hr", "li", "dt", "dd", "tr", "td", "th", "q", "bdo", NULL
};

static const char *const block_tags[] = {
	"div", "center", "blockquote", "ol", "ul", "dl", "table", "caption", "p", "h1", "h2",
	"h3", "h4", "h5", "h6", "hr", "li", "dt", "dd", "tr", "td", "th", NULL
};

static bool in_list(const char *const *list, const char *s, size_t n)
{
	for (size_t i = 0; list[i]; i++)
		if (name_is(s, n, list[i]))
			return true;
	return false;
}

/* Matches [[target|label]]trail at p. Returns the end or 0. */
static size_t match_link(struct ctx *c, const char *s, size_t p, size_t e, struct tok *tk)
{
	size_t i = p + 2, t0 = i;
	while (i < e && s[i] != '|' && !(s[i] == ']' && i + 1 < e && s[i + 1] == ']')) {
		if (strchr("[]{}<>\n\x7f", s[i]))
			return 0;
		i++;
	}
	if (i >= e)
		return 0;
	tk->a0 = t0;
	tk->a1 = i;
	tk->b0 = tk->b1 = SIZE_MAX;
	bool file = false;
	{
		const char *tg = s + t0;
		size_t tl = i - t0, rest;
		while (tl && is_ws((unsigned char)*tg)) {
			tg++;
			tl--;
		}
		file = *tg != ':' && title_ns(c, tg, tl, &rest) == NS_FILE;
	}
	if (s[i] == '|') {
		size_t l0 = ++i;
		int depth = 0;
		while (i + 1 < e) {
			if (s[i] == '[' && s[i + 1] == '[') {
				if (!file || ++depth > 20)
					return 0;
				i += 2;
				continue;
			}
			if (s[i] == ']' && s[i + 1] == ']') {
				if (!depth)
					break;
				depth--;
				i += 2;
				continue;
			}
			i++;
		}
		if (i + 1 >= e)
			return 0;
		tk->b0 = l0;
		tk->b1 = i;
	}
	i += 2;
	tk->t0 = tk->t1 = i;
	if (!file)
		while (tk->t1 < e && s[tk->t1] >= 'a' && s[tk->t1] <= 'z')
			tk->t1++;
	return tk->t1;
}

/* One token at p, or false for plain text. prev is the character before p. */
static bool next_token(struct inl *st, const char *s, size_t p, size_t e, struct tok *tk)
{
	unsigned char ch = (unsigned char)s[p];
	memset(tk, 0, sizeof *tk);
	tk->s = p;
	tk->b0 = tk->b1 = SIZE_MAX;
	switch (ch) {
	case '\'': {
		size_t r = p;
		while (r < e && s[r] == '\'')
			r++;
		if (r - p < 2)
			return false;
		tk->type = T_QUOTE;
		tk->e = r;
		tk->len = (int)(r - p);
		return true;
	}
	case '[':
		if (st->in_link)
			return false;
		if (p + 1 < e && s[p + 1] == '[') {
			size_t end = match_link(st->c, s, p, e, tk);
			if (!end)
				return false;
			tk->type = T_LINK;
			tk->e = end;
			return true;
		} else {
			size_t pl = protocol_at(s + p + 1, e - p - 1, true);
			if (!pl)
				return false;
			size_t i = p + 1 + pl;
			if (i >= e || !url_char(s, i, e))
				return false;
			while (i < e && url_char(s, i, e))
				i++;
			tk->a0 = p + 1;
			tk->a1 = i;
			while (i < e && (s[i] == ' ' || s[i] == '\t'))
				i++;
			size_t l0 = i;
			if (i >= st->no_bracket)
				return false;
			while (i < e && s[i] != ']' && s[i] != '\n')
				i++;
			if (i >= e) {
				st->no_bracket = l0; /* no ']' from here to the end of the line */
				return false;
			}
			if (i > l0) {
				tk->b0 = l0;
				tk->b1 = i;
			}
			tk->type = T_EXTLINK;
			tk->e = i + 1;
			return true;
		}
	case '<': {
		bool closing = p + 1 < e && s[p + 1] == '/';
		size_t nb = p + 1 + closing, k = tag_name(s, e, nb);
		if (!k || !in_list(allowed_tags, s + nb, k))
			return false;
		size_t i = nb + k;
		if (i < e && !is_ws((unsigned char)s[i]) && s[i] != '>' && s[i] != '/')
			return false;
		size_t a0 = i;
		while (i < e && s[i] != '>' && s[i] != '<')
			i++;
		if (i >= e || s[i] != '>')
			return false;
		tk->type = T_TAG;
		tk->closing = closing;
		tk->a0 = nb;
		tk->a1 = nb + k;
		tk->b0 = a0;
		tk->b1 = i;
		if (i > a0 && s[i - 1] == '/') {
			tk->selfclose = true;
			tk->b1 = i - 1;
		}
		tk->e = i + 1;
		/* <code>plain</code> becomes a Markdown code span */
		if (st->mode == MD && !closing && name_is(s + nb, k, "code") && tk->b1 == a0) {
			/* plain content: no tag, quotes, link or URL; nowiki and entities are fine */
			size_t c0 = i + 1, j = c0;
			bool plain = true;
			for (; j < e && s[j] != '<' && plain; j++) {
				size_t idx;
				if ((s[j] == '\'' && j + 1 < e && s[j + 1] == '\'') ||
				    (s[j] == '[' && j + 1 < e && (s[j + 1] == '[' || protocol_at(s + j + 1, e - j - 1, true))) ||
				    (s[j] == ':' && j + 2 < e && s[j + 1] == '/' && s[j + 2] == '/'))
					plain = false;
				if (s[j] == '\x7f') {
					size_t ml = marker_at(s + j, e - j, &idx);
					if (!ml || idx >= st->c->nstrips ||
					    (st->c->strips[idx].kind != S_NOWIKI && st->c->strips[idx].kind != S_EMPTY))
						plain = false;
					else
						j += ml - 1;
				}
			}
			if (plain && j < e && starts_ci(s + j, e - j, "</code>") && j > c0) {
				{
					tk->type = T_CODESPAN;
					tk->a0 = c0;
					tk->a1 = j;
					tk->e = j + 7;
				}
			}
		}
		return true;
	}
	case '\x7f': {
		size_t idx, l = marker_at(s + p, e - p, &idx);
		if (!l || idx >= st->c->nstrips)
			return false;
		tk->type = T_MARKER;
		tk->idx = idx;
		tk->e = p + l;
		return true;
	}
	case '&': {
		unsigned cp;
		size_t l = entity_at(s + p, e - p, &cp);
		if (!l)
			return false;
		tk->type = T_ENTITY;
		tk->e = p + l;
		return true;
	}
	default:
		if (!st->in_link && isalpha(ch) && (p == 0 || !(is_alnum_u((unsigned char)s[p - 1]) || s[p - 1] == '_'))) {
			size_t pl = protocol_at(s + p, e - p, false);
			if (!pl)
				return false;
			size_t i = p + pl;
			while (i < e && url_char(s, i, e))
				i++;
			/* trailing punctuation is not part of the URL */
			bool paren = memchr(s + p, '(', i - p) != NULL;
			while (i > p + pl && (strchr(",;.:!?", s[i - 1]) || (!paren && s[i - 1] == ')')))
				i--;
			if (i == p + pl)
				return false;
			tk->type = T_URL;
			tk->a0 = p;
			tk->a1 = i;
			tk->e = i;
			return true;
		}
		return false;
	}
}

/* ---- HTML attributes and CSS, as MediaWiki's Sanitizer ---- */

static bool attr_allowed(const char *el, const char *a)
{
	static const char *const common[] = {
		"id", "class", "style", "lang", "dir", "title", "role", "aria-describedby",
		"aria-flowto", "aria-hidden", "aria-label", "aria-labelledby", "aria-owns", "itemid",
		"itemprop", "itemref", "itemscope", "itemtype", NULL
	};
	for (size_t i = 0; common[i]; i++)
		if (!strcmp(a, common[i]))
			return true;
	if (!strncmp(a, "data-", 5) && a[5] && strncmp(a, "data-ooui", 9) && strncmp(a, "data-mw", 7)) {
		for (const char *p = a; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
				return false;
		return true;
	}
	static const struct {
		const char *el, *attrs;
	} extra[] = {
		{"div", " align "}, {"p", " align "}, {"center", " align "}, {"caption", " align "},
		{"h1", " align "}, {"h2", " align "}, {"h3", " align "}, {"h4", " align "},
		{"h5", " align "}, {"h6", " align "}, {"blockquote", " cite "}, {"q", " cite "},
		{"del", " cite datetime "}, {"ins", " cite datetime "}, {"time", " datetime "},
		{"data", " value "}, {"font", " size color face "}, {"hr", " width "},
		{"br", " clear "}, {"ol", " type start reversed "}, {"ul", " type "},
		{"li", " type value "},
		{"table", " summary width border frame rules cellspacing cellpadding align bgcolor "},
		{"tr", " bgcolor align valign "},
		{"td", " abbr axis headers scope rowspan colspan nowrap width height bgcolor align valign "},
		{"th", " abbr axis headers scope rowspan colspan nowrap width height bgcolor align valign "},
	};
	for (size_t i = 0; i < sizeof extra / sizeof *extra; i++)
		if (!strcmp(el, extra[i].el)) {
			char k[80];
			snprintf(k, sizeof k, " %s ", a);
			return strstr(extra[i].attrs, k) != NULL;
		}
	return false;
}

/* MediaWiki's Sanitizer::checkCss: decode, strip comments, refuse what can load or run
 * anything. Appends the safe value or "/ * insecure input * /". */
static void css_sanitize(const char *v, size_t n, struct buf *out)
{
	struct buf d = BUF_INIT, low = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v[i];
		if (ch == '\\' && i + 1 < n) {
			size_t j = i + 1, k = 0;
			unsigned long cp = 0;
			while (j < n && k < 6 && isxdigit((unsigned char)v[j])) {
				cp = cp * 16 + (unsigned long)(isdigit((unsigned char)v[j]) ? v[j] - '0' : tolower((unsigned char)v[j]) - 'a' + 10);
				j++;
				k++;
			}
			if (k) {
				if (j < n && is_ws((unsigned char)v[j]))
					j++;
				put_utf8(&d, valid_cp(cp) ? (unsigned)cp : 0xfffd);
				i = j - 1;
			} else if (v[i + 1] == '\n') {
				i++;
			} else {
				buf_putc(&d, v[++i]);
			}
			continue;
		}
		if (ch == '/' && i + 1 < n && v[i + 1] == '*') {
			const char *e = strstr(v + i + 2, "*/");
			if (!e || (size_t)(e - v) >= n)
				break;
			i = (size_t)(e - v) + 1;
			continue;
		}
		buf_putc(&d, ch);
	}
	/* lowercase, fullwidth ASCII folded, whitespace removed, for the checks */
	for (size_t i = 0; i < d.len; i++) {
		unsigned char ch = (unsigned char)d.data[i];
		if (ch == 0xef && i + 2 < d.len) {
			unsigned cp = ((ch & 0x0fu) << 12) | (((unsigned char)d.data[i + 1] & 0x3fu) << 6) |
			              ((unsigned char)d.data[i + 2] & 0x3fu);
			if (cp >= 0xff01 && cp <= 0xff5e) {
				buf_putc(&low, tolower((int)(cp - 0xff01 + 0x21)));
				i += 2;
				continue;
			}
		}
		if (!is_ws(ch))
			buf_putc(&low, tolower(ch));
	}
	static const char *const bad[] = {
		"expression", "filter:", "accelerator:", "-o-link:", "-o-link-source:", "-o-replace:",
		"url(", "image(", "image-set(", "attr(", "behavior:", "behaviour:", "javascript:",
		"vbscript:", "@import", NULL
	};
	bool insecure = false;
	for (size_t i = 0; bad[i]; i++)
		if (strstr(low.data, bad[i]))
			insecure = true;
	if (memchr(d.data, '\\', d.len) || memchr(d.data, '<', d.len))
		insecure = true;
	if (insecure)
		buf_puts(out, "/* insecure input */");
	else
		buf_add(out, d.data, d.len);
	buf_release(&d);
	buf_release(&low);
}

/* Reads the value of an attribute, *i being just past its '=': white space, then a value
 * quoted with " or ' (to the closing quote or the end) or bare (to white space). Sets
 * [*v0, *v1) to the value without quotes and moves *i past it and its closing quote. */
static void scan_attr_value(const char *s, size_t n, size_t *i, size_t *v0, size_t *v1)
{
	size_t j = *i;
	while (j < n && is_ws((unsigned char)s[j]))
		j++;
	if (j < n && (s[j] == '"' || s[j] == '\'')) {
		char q = s[j];
		*v0 = ++j;
		while (j < n && s[j] != q)
			j++;
		*v1 = j;
		if (j < n)
			j++;
	} else {
		*v0 = j;
		while (j < n && !is_ws((unsigned char)s[j]))
			j++;
		*v1 = j;
	}
	*i = j;
}

/* Parses attrs and appends the allowed ones, sanitised, as ` name="value"`. */
static void sanitize_attrs(const char *el, const char *s, size_t n, struct buf *out)
{
	size_t i = 0;
	char **seen = NULL;
	size_t nseen = 0;
	while (i < n) {
		while (i < n && (is_ws((unsigned char)s[i]) || s[i] == '/'))
			i++;
		size_t k0 = i;
		while (i < n && !is_ws((unsigned char)s[i]) && s[i] != '=' && s[i] != '/' && s[i] != '>')
			i++;
		if (i == k0) {
			i++;
			continue;
		}
		char name[64];
		size_t kl = i - k0 < 63 ? i - k0 : 63;
		for (size_t x = 0; x < kl; x++)
			name[x] = (char)tolower((unsigned char)s[k0 + x]);
		name[kl] = 0;
		size_t v0 = 0, v1 = 0;
		bool has_v = false;
		size_t j = i;
		while (j < n && is_ws((unsigned char)s[j]))
			j++;
		if (j < n && s[j] == '=') {
			j++;
			has_v = true;
			scan_attr_value(s, n, &j, &v0, &v1);
			i = j;
		}
		if (!attr_allowed(el, name))
			continue;
		bool dup = false;
		for (size_t x = 0; x < nseen; x++)
			if (!strcmp(seen[x], name))
				dup = true;
		if (dup)
			continue;
		strlist_add(&seen, &nseen, name, strlen(name), false);
		struct buf val = BUF_INIT, clean = BUF_INIT;
		if (has_v)
			decode_entities(s + v0, v1 - v0, &val);
		if (!strcmp(name, "style"))
			css_sanitize(val.data, val.len, &clean);
		else
			buf_add(&clean, val.data, val.len);
		buf_trim(&clean);
		if (strcmp(name, "id") || clean.len) {
			buf_printf(out, " %s=\"", name);
			put_attr_value(out, clean.data, clean.len);
			buf_putc(out, '"');
		}
		buf_release(&val);
		buf_release(&clean);
	}
	strlist_free(seen, nseen);
}

static bool attr_get(const char *s, size_t n, const char *want, struct buf *out)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && is_ws((unsigned char)s[i]))
			i++;
		size_t k0 = i;
		while (i < n && !is_ws((unsigned char)s[i]) && s[i] != '=')
			i++;
		size_t kl = i - k0;
		while (i < n && is_ws((unsigned char)s[i]))
			i++;
		size_t v0 = i, v1 = i;
		if (i < n && s[i] == '=') {
			i++;
			scan_attr_value(s, n, &i, &v0, &v1);
		}
		if (kl == strlen(want) && !strncasecmp(s + k0, want, kl)) {
			decode_entities(s + v0, v1 - v0, out);
			buf_trim(out);
			return true;
		}
		if (i == k0)
			i++;
	}
	return false;
}

/* ---- links ---- */

static const struct {
	const char *prefix, *url;
} interwiki[] = {
	{"wikipedia", "https://en.wikipedia.org/wiki/$1"}, {"w", "https://en.wikipedia.org/wiki/$1"},
	{"wiktionary", "https://en.wiktionary.org/wiki/$1"}, {"wikt", "https://en.wiktionary.org/wiki/$1"},
	{"commons", "https://commons.wikimedia.org/wiki/$1"}, {"meta", "https://meta.wikimedia.org/wiki/$1"},
	{"m", "https://meta.wikimedia.org/wiki/$1"}, {"mw", "https://www.mediawiki.org/wiki/$1"},
	{"mediawikiwiki", "https://www.mediawiki.org/wiki/$1"},
	{"wikibooks", "https://en.wikibooks.org/wiki/$1"}, {"b", "https://en.wikibooks.org/wiki/$1"},
	{"wikiquote", "https://en.wikiquote.org/wiki/$1"}, {"q", "https://en.wikiquote.org/wiki/$1"},
	{"wikisource", "https://en.wikisource.org/wiki/$1"}, {"s", "https://en.wikisource.org/wiki/$1"},
	{"wikinews", "https://en.wikinews.org/wiki/$1"}, {"n", "https://en.wikinews.org/wiki/$1"},
	{"wikiversity", "https://en.wikiversity.org/wiki/$1"}, {"v", "https://en.wikiversity.org/wiki/$1"},
	{"wikidata", "https://www.wikidata.org/wiki/$1"}, {"d", "https://www.wikidata.org/wiki/$1"},
	{"wikivoyage", "https://en.wikivoyage.org/wiki/$1"}, {"voy", "https://en.wikivoyage.org/wiki/$1"},
	{"phab", "https://phabricator.wikimedia.org/$1"}, {"google", "https://www.google.com/search?q=$1"},
	{"rfc", "https://tools.ietf.org/html/rfc$1"},
};

static void sub_render(struct inl *st, const char *s, size_t n, int flags, struct buf *out)
{
	inline_render(st->c, s, n, st->mode, flags | (st->in_cell ? IF_CELL : 0), out, st->depth + 1);
}

static void emit_link(struct inl *st, const char *url, const struct buf *label)
{
	struct buf *o = &st->line;
	if (st->mode == MD) {
		buf_putc(o, '[');
		buf_add(o, label->data, label->len);
		buf_puts(o, "](");
		put_url(st, url, strlen(url));
		buf_putc(o, ')');
	} else {
		buf_puts(o, "<a href=\"");
		put_url(st, url, strlen(url));
		buf_puts(o, "\">");
		buf_add(o, label->data, label->len);
		buf_puts(o, "</a>");
	}
}

/* Whether the page text has an id="name" (or id=name) attribute. */
static bool has_id(const struct ctx *c, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = c->text; p && (p = memmem(p, c->textlen - (size_t)(p - c->text), "id=", 3)); p += 3) {
		const char *v = p + 3;
		if (*v == '"' || *v == '\'')
			v++;
		if ((size_t)(c->text + c->textlen - v) >= n && !memcmp(v, name, n) &&
		    (v[n] == '"' || v[n] == '\'' || v[n] == ' ' || v[n] == '|' || v[n] == '>' || v[n] == '\n'))
			return true;
	}
	return false;
}

/* The id a same-page fragment resolves to (MediaWiki's form mapped to the Markdown
 * renderer's), or its slug. */
static void fragment_id(struct ctx *c, const char *f, size_t n, bool same_page, struct buf *out)
{
	struct buf d = BUF_INIT;
	decode_entities(f, n, &d);
	for (size_t i = 0; i < d.len; i++)
		if (d.data[i] == ' ')
			d.data[i] = '_';
	if (same_page) {
		for (size_t i = 0; i < c->nanchors; i++)
			if (!strcmp(c->anchors[i].mw, d.data)) {
				buf_puts(out, c->anchors[i].md);
				buf_release(&d);
				return;
			}
		/* Not a heading but an explicit id= in the page: that keeps its MediaWiki form. */
		if (has_id(c, d.data)) {
			buf_add_urlenc(out, d.data, d.len);
			buf_release(&d);
			return;
		}
	}
	for (size_t i = 0; i < d.len; i++)
		if (d.data[i] == '_')
			d.data[i] = ' ';
	gh_slug(d.data, d.len, out);
	buf_release(&d);
}

/* URL of a wiki page; returns false for a red link (recorded). */
static bool page_url(struct ctx *c, const char *title, const char *frag, size_t flen, struct buf *url)
{
	if (c->o->link_target) {
		if (c->o->link_target(c->o->arg, title, url) != 1) {
			if (c->r->nmissing < LIST_MAX)
				strlist_add(&c->r->missing_links, &c->r->nmissing, title, strlen(title), true);
			return false;
		}
	} else {
		article_url(c, title, url);
	}
	if (frag && flen) {
		buf_putc(url, '#');
		fragment_id(c, frag, flen, false, url);
	}
	return true;
}

/* Splits s at top-level '|' (not inside [[ ]]) into pieces. */
static size_t split_pipes(const char *s, size_t n, size_t *starts, size_t *ends, size_t max)
{
	size_t k = 0, from = 0;
	int depth = 0;
	for (size_t i = 0; i <= n && k < max; i++) {
		if (i < n && i + 1 < n && s[i] == '[' && s[i + 1] == '[') {
			depth++;
			i++;
		} else if (i < n && i + 1 < n && s[i] == ']' && s[i + 1] == ']' && depth) {
			depth--;
			i++;
		} else if (i == n || (s[i] == '|' && !depth)) {
			starts[k] = from;
			ends[k] = i;
			k++;
			from = i + 1;
		}
	}
	return k;
}

static bool file_option(const char *s, size_t n, bool *thumb, struct buf *alt, struct buf *link,
                        bool *has_link)
{
	static const char *const words[] = {
		"thumb", "thumbnail", "frame", "framed", "frameless", "border", "left", "right",
		"center", "centre", "none", "upright", "baseline", "sub", "super", "top", "text-top",
		"middle", "bottom", "text-bottom", NULL
	};
	trim(&s, &n);
	for (size_t i = 0; words[i]; i++)
		if (name_is(s, n, words[i])) {
			if (i < 4)
				*thumb = true;
			return true;
		}
	if (starts_ci(s, n, "upright=") || starts_ci(s, n, "page=") || starts_ci(s, n, "class=") ||
	    starts_ci(s, n, "lang=") || starts_ci(s, n, "thumb=") || starts_ci(s, n, "thumbnail="))
		return true;
	if (starts_ci(s, n, "alt=")) {
		buf_reset(alt);
		buf_add(alt, s + 4, n - 4);
		return true;
	}
	if (starts_ci(s, n, "link=")) {
		buf_reset(link);
		buf_add(link, s + 5, n - 5);
		*has_link = true;
		return true;
	}
	/* sizes: 200px, x100px, 200x100px */
	if (n > 2 && !strncmp(s + n - 2, "px", 2)) {
		size_t i = 0;
		while (i < n - 2 && (isdigit((unsigned char)s[i]) || s[i] == 'x' || s[i] == ' '))
			i++;
		if (i == n - 2)
			return true;
	}
	return false;
}

/* [[File:X|options|caption]] and [[Media:X|label]]: the file itself was not migrated, so
 * a link to its page (when there is one) and a visible note. */
static void render_file(struct inl *st, const char *name, const char *s, size_t b0, size_t b1,
                        bool media, const char *written, size_t wlen)
{
	struct ctx *c = st->c;
	struct buf title = BUF_INIT, url = BUF_INIT, label = BUF_INIT, alt = BUF_INIT, link = BUF_INIT,
	           caption = BUF_INIT;
	bool thumb = false, has_link = false;
	buf_printf(&title, "File:%s", name);
	size_t cap0 = SIZE_MAX, cap1 = 0;
	if (b0 != SIZE_MAX) {
		size_t starts[64], ends[64];
		size_t k = split_pipes(s + b0, b1 - b0, starts, ends, 64);
		for (size_t i = 0; i < k; i++) {
			const char *p = s + b0 + starts[i];
			size_t l = ends[i] - starts[i];
			if (media || !file_option(p, l, &thumb, &alt, &link, &has_link)) {
				cap0 = b0 + starts[i];
				cap1 = b0 + ends[i];
			}
		}
	}
	bool linked = page_url(c, title.data, NULL, 0, &url);
	if (media && cap0 != SIZE_MAX) {
		sub_render(st, s + cap0, cap1 - cap0, IF_LINK, &label);
	} else if (alt.len) {
		struct inl tmp = {.c = c, .mode = st->mode};
		buf_init(&tmp.line);
		esc_text(&tmp, alt.data, alt.len);
		buf_add(&label, tmp.line.data, tmp.line.len);
		buf_release(&tmp.line);
	} else if (!thumb && cap0 != SIZE_MAX) {
		sub_render(st, s + cap0, cap1 - cap0, IF_LINK, &label);
	} else {
		struct inl tmp = {.c = c, .mode = st->mode};
		buf_init(&tmp.line);
		esc_text(&tmp, written, wlen);
		buf_add(&label, tmp.line.data, tmp.line.len);
		buf_release(&tmp.line);
	}
	if (linked)
		emit_link(st, url.data, &label);
	else
		buf_add(&st->line, label.data, label.len);
	buf_puts(&st->line, st->mode == MD ? " *(file not migrated)*" : " <i>(file not migrated)</i>");
	if (thumb && !media && cap0 != SIZE_MAX) {
		sub_render(st, s + cap0, cap1 - cap0, 0, &caption);
		if (caption.len) {
			buf_puts(&st->line, " ");
			buf_add(&st->line, caption.data, caption.len);
		}
	}
	unconverted(c, "file [[%s]] not migrated", title.data);
	buf_release(&title);
	buf_release(&url);
	buf_release(&label);
	buf_release(&alt);
	buf_release(&link);
	buf_release(&caption);
}

static void render_link(struct inl *st, const char *s, struct tok *tk)
{
	struct ctx *c = st->c;
	struct buf raw = BUF_INIT, title = BUF_INIT, url = BUF_INIT, label = BUF_INIT;
	decode_entities(s + tk->a0, tk->a1 - tk->a0, &raw);
	const char *t = raw.data;
	size_t tl = raw.len;
	trim(&t, &tl);
	bool colon = tl && *t == ':';
	if (colon) {
		t++;
		tl--;
	}
	const char *hash = memchr(t, '#', tl);
	size_t pl = hash ? (size_t)(hash - t) : tl;
	const char *frag = hash ? hash + 1 : NULL;
	size_t flen = hash ? tl - pl - 1 : 0;
	const char *written = s + tk->a0;
	size_t wlen = tk->a1 - tk->a0;
	while (wlen && is_ws((unsigned char)*written)) {
		written++;
		wlen--;
	}
	if (wlen && *written == ':') {
		written++;
		wlen--;
	}
	/* interwiki */
	const char *col = memchr(t, ':', pl);
	if (col) {
		size_t k = (size_t)(col - t);
		for (size_t i = 0; i < sizeof interwiki / sizeof *interwiki; i++)
			if (ns_eq(t, k, interwiki[i].prefix)) {
				const char *tpl = interwiki[i].url, *d = strstr(tpl, "$1");
				buf_add(&url, tpl, (size_t)(d - tpl));
				const char *r = col + 1;
				size_t rl = tl - k - 1;
				trim(&r, &rl);
				wf_urlencode(r, rl, &url);
				buf_puts(&url, d + 2);
				if (tk->b0 != SIZE_MAX && tk->b1 > tk->b0)
					sub_render(st, s + tk->b0, tk->b1 - tk->b0, IF_LINK, &label);
				else {
					struct inl tmp = {.c = c, .mode = st->mode};
					buf_init(&tmp.line);
					esc_text(&tmp, written, wlen);
					buf_add(&label, tmp.line.data, tmp.line.len);
					buf_release(&tmp.line);
				}
				emit_link(st, url.data, &label);
				goto trail;
			}
	}
	if (pl == 0 && hash) {
		buf_putc(&url, '#');
		fragment_id(c, frag, flen, true, &url);
	} else if (!norm_title(c, t, pl, &title)) {
		/* not a title: the text as written */
		struct buf w = BUF_INIT;
		buf_add(&w, s + tk->s, tk->e - tk->s);
		esc_text(st, w.data, w.len);
		buf_release(&w);
		goto out;
	}
	if (title.len) {
		size_t rest;
		int ns = title_ns(c, title.data, title.len, &rest);
		if (!colon && ns == NS_CATEGORY) {
			if (c->r->ncategories < LIST_MAX)
				strlist_add(&c->r->categories, &c->r->ncategories, title.data + rest,
			            title.len - rest, true);
			goto trail;
		}
		if ((!colon && ns == NS_FILE) || ns == NS_MEDIA) {
			render_file(st, title.data + rest, s, tk->b0, tk->b1, ns == NS_MEDIA, written, wlen);
			goto trail;
		}
	}
	/* the label */
	if (tk->b0 != SIZE_MAX && tk->b1 > tk->b0) {
		sub_render(st, s + tk->b0, tk->b1 - tk->b0, IF_LINK, &label);
	} else if (tk->b0 != SIZE_MAX) {
		/* pipe trick: no namespace, no "(…)" or ", …" */
		const char *p = written;
		size_t l = wlen;
		const char *hc = memchr(p, '#', l);
		if (hc)
			l = (size_t)(hc - p);
		const char *cl = memchr(p, ':', l);
		if (cl) {
			l -= (size_t)(cl - p) + 1;
			p = cl + 1;
		}
		const char *par = NULL;
		for (size_t i = 0; i + 1 < l; i++)
			if (p[i] == ' ' && p[i + 1] == '(')
				par = p + i;
		if (par && p[l - 1] == ')')
			l = (size_t)(par - p);
		else {
			for (size_t i = 0; i + 1 < l; i++)
				if (p[i] == ',' && p[i + 1] == ' ') {
					l = i;
					break;
				}
		}
		struct inl tmp = {.c = c, .mode = st->mode};
		buf_init(&tmp.line);
		esc_text(&tmp, p, l);
		buf_add(&label, tmp.line.data, tmp.line.len);
		buf_release(&tmp.line);
	} else {
		struct inl tmp = {.c = c, .mode = st->mode};
		buf_init(&tmp.line);
		esc_text_entities(&tmp, written, wlen);
		buf_add(&label, tmp.line.data, tmp.line.len);
		buf_release(&tmp.line);
	}
	if (tk->t1 > tk->t0)
		buf_add(&label, s + tk->t0, tk->t1 - tk->t0);
	if (title.len && !page_url(c, title.data, frag, flen, &url)) {
		buf_add(&st->line, label.data, label.len); /* red link: the text stays */
		goto out;
	}
	emit_link(st, url.data, &label);
	goto out;
trail:
	if (tk->t1 > tk->t0)
		esc_text(st, s + tk->t0, tk->t1 - tk->t0);
out:
	buf_release(&raw);
	buf_release(&title);
	buf_release(&url);
	buf_release(&label);
}

static void render_extlink(struct inl *st, const char *s, struct tok *tk)
{
	struct buf url = BUF_INIT, label = BUF_INIT;
	decode_entities(s + tk->a0, tk->a1 - tk->a0, &url);
	if (tk->type == T_URL) {
		bool simple = st->mode == MD && !st->in_cell && url.data[0] != '/';
		for (size_t i = 0; i < url.len && simple; i++)
			if (strchr("<>\\`|*_ ", url.data[i]) || (unsigned char)url.data[i] < 0x20)
				simple = false;
		if (simple) {
			buf_putc(&st->line, '<');
			buf_add(&st->line, url.data, url.len);
			buf_putc(&st->line, '>');
			st->line_start = false;
			goto out;
		}
		struct inl tmp = {.c = st->c, .mode = st->mode};
		buf_init(&tmp.line);
		esc_text(&tmp, url.data, url.len);
		buf_add(&label, tmp.line.data, tmp.line.len);
		buf_release(&tmp.line);
	} else if (tk->b0 != SIZE_MAX) {
		sub_render(st, s + tk->b0, tk->b1 - tk->b0, IF_LINK, &label);
	} else {
		buf_printf(&label, st->mode == MD ? "\\[%d\\]" : "&#91;%d&#93;", ++st->c->extnum);
	}
	emit_link(st, url.data, &label);
out:
	buf_release(&url);
	buf_release(&label);
}

/* ---- HTML tags ---- */

static void render_tag(struct inl *st, const char *s, struct tok *tk)
{
	char name[16];
	size_t k = tk->a1 - tk->a0 < 15 ? tk->a1 - tk->a0 : 15;
	for (size_t i = 0; i < k; i++)
		name[i] = (char)tolower((unsigned char)s[tk->a0 + i]);
	name[k] = 0;
	struct buf *o = &st->line;
	if (!strcmp(name, "br") || !strcmp(name, "wbr") || !strcmp(name, "hr")) {
		buf_printf(o, "<%s", name);
		if (!tk->closing)
			sanitize_attrs(name, s + tk->b0, tk->b1 - tk->b0, o);
		buf_putc(o, '>');
		return;
	}
	bool block = in_list(block_tags, name, strlen(name));
	struct tagstack *ts = block && st->c->btags ? st->c->btags : &st->tags;
	if (tk->closing) {
		size_t i = ts->n;
		while (i > 0 && strcmp(ts->names[i - 1], name))
			i--;
		if (!i) {
			esc_text(st, s + tk->s, tk->e - tk->s); /* unmatched: shown as text */
			return;
		}
		while (ts->n >= i) {
			buf_printf(o, "</%s>", ts->names[ts->n - 1]);
			free(ts->names[--ts->n]);
		}
		return;
	}
	buf_printf(o, "<%s", name);
	sanitize_attrs(name, s + tk->b0, tk->b1 - tk->b0, o);
	if (tk->selfclose) {
		buf_printf(o, "></%s>", name);
		return;
	}
	buf_putc(o, '>');
	tags_push(ts, name);
}

/* ---- footnotes ---- */

static void note_label(struct note *nt, struct buf *out)
{
	if (nt->group && *nt->group) {
		for (const char *p = nt->group; *p; p++)
			buf_putc(out, isalnum((unsigned char)*p) || *p == '_' ? *p : '-');
		buf_putc(out, '-');
	}
	buf_printf(out, "%d", nt->number);
}

static void render_ref(struct inl *st, struct strip *sp)
{
	struct ctx *c = st->c;
	struct buf name = BUF_INIT, group = BUF_INIT;
	attr_get(sp->attrs, strlen(sp->attrs), "name", &name);
	attr_get(sp->attrs, strlen(sp->attrs), "group", &group);
	struct note *nt = NULL;
	if (c->in_ref && !c->defining_refs) {
		unconverted(c, "nested <ref>");
		goto out;
	}
	if (c->nnotes > 5000) {
		limit(c, "footnotes");
		goto out;
	}
	if (name.len)
		for (size_t i = 0; i < c->nnotes; i++)
			if (c->notes[i].name && !strcmp(c->notes[i].name, name.data) &&
			    !strcmp(c->notes[i].group, group.data))
				nt = &c->notes[i];
	if (!nt) {
		if (c->nnotes == c->capnotes) {
			c->capnotes = c->capnotes ? c->capnotes * 2 : 16;
			c->notes = xrealloc(c->notes, c->capnotes * sizeof *c->notes);
		}
		nt = &c->notes[c->nnotes++];
		memset(nt, 0, sizeof *nt);
		nt->group = xstrdup(group.data);
		nt->name = name.len ? xstrdup(name.data) : NULL;
		buf_init(&nt->text);
	}
	if (sp->body.len && !nt->has_text) {
		struct buf tmp = BUF_INIT;
		bool was = c->in_ref;
		c->in_ref = true;
		size_t keep = (size_t)(nt - c->notes);
		blocks(c, sp->body.data, sp->body.len, MD, &tmp, st->depth + 1);
		c->in_ref = was;
		nt = &c->notes[keep];
		buf_trim(&tmp);
		buf_add(&nt->text, tmp.data, tmp.len);
		nt->has_text = true;
		buf_release(&tmp);
	}
	if (c->defining_refs)
		goto out;
	if (!nt->number) {
		int max = 0;
		for (size_t i = 0; i < c->nnotes; i++)
			if (!strcmp(c->notes[i].group, nt->group) && c->notes[i].number > max)
				max = c->notes[i].number;
		nt->number = max + 1;
	}
	if (st->mode == MD) {
		buf_puts(&st->line, "[^");
		note_label(nt, &st->line);
		buf_putc(&st->line, ']');
		nt->md_ref = true;
	} else {
		buf_puts(&st->line, "<sup>&#91;");
		note_label(nt, &st->line);
		buf_puts(&st->line, "&#93;</sup>");
	}
out:
	buf_release(&name);
	buf_release(&group);
}

/* Inline code: a Markdown code span or <code>. */
static void code_span(struct inl *st, const char *s, size_t n)
{
	struct buf *o = &st->line;
	if (st->mode == HTML) {
		buf_puts(o, "<code>");
		for (size_t i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)s[i];
			if (ch == '\n')
				buf_putc(o, ' ');
			else if (strchr("&<>*_`[]\\~|", ch))
				buf_printf(o, ch == '&' ? "&amp;" : ch == '<' ? "&lt;" : ch == '>' ? "&gt;" : "&#%d;", ch);
			else
				buf_putc(o, ch);
		}
		buf_puts(o, "</code>");
		return;
	}
	size_t run = 0, max = 0;
	for (size_t i = 0; i < n; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > max)
			max = run;
	}
	for (size_t i = 0; i <= max; i++)
		buf_putc(o, '`');
	bool pad = n && (s[0] == '`' || s[n - 1] == '`' || s[0] == ' ' || s[n - 1] == ' ');
	if (pad)
		buf_putc(o, ' ');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			buf_putc(o, ' ');
		else if (s[i] == '|' && st->in_cell)
			buf_puts(o, "\\|");
		else if (s[i] != '\x7f')
			buf_putc(o, s[i]);
	}
	if (pad)
		buf_putc(o, ' ');
	for (size_t i = 0; i <= max; i++)
		buf_putc(o, '`');
}

static void render_marker(struct inl *st, size_t idx)
{
	struct ctx *c = st->c;
	struct strip *sp = &c->strips[idx];
	switch (sp->kind) {
	case S_EMPTY:
		break;
	case S_NOWIKI:
		esc_text_entities(st, sp->body.data, sp->body.len);
		break;
	case S_LITERAL:
		esc_text(st, sp->body.data, sp->body.len);
		break;
	case S_RAWMD:
		if (st->mode == MD)
			buf_add(&st->line, sp->body.data, sp->body.len);
		else
			esc_text(st, sp->body.data, sp->body.len);
		break;
	case S_REF:
		render_ref(st, sp);
		break;
	case S_MATH:
		code_span(st, sp->body.data, sp->body.len);
		break;
	case S_POEM: {
		struct buf tmp = BUF_INIT;
		for (size_t i = 0; i < sp->body.len; i++) {
			if (sp->body.data[i] == '\n' && i + 1 < sp->body.len)
				buf_puts(&tmp, "<br>");
			else if (sp->body.data[i] != '\n')
				buf_putc(&tmp, sp->body.data[i]);
		}
		sub_render(st, tmp.data, tmp.len, st->in_link ? IF_LINK : 0, &st->line);
		buf_release(&tmp);
		break;
	}
	case S_CODE: {
		struct buf v = BUF_INIT;
		if (attr_get(sp->attrs, strlen(sp->attrs), "inline", &v) ||
		    (!memchr(sp->body.data, '\n', sp->body.len) && st->in_link)) {
			const char *b = sp->body.data;
			size_t bl = sp->body.len;
			trim(&b, &bl);
			code_span(st, b, bl);
			buf_release(&v);
			break;
		}
		buf_release(&v);
	}
		/* fall through */
	case S_PRE:
	case S_GALLERY:
	case S_REFERENCES: {
		struct buf tmp = BUF_INIT;
		render_strip_block(c, sp, st->mode, &tmp, st->depth + 1);
		buf_trim(&tmp);
		if (tmp.len) {
			if (st->mode == MD) {
				while (st->line.len && st->line.data[st->line.len - 1] == ' ')
					st->line.len--;
				buf_puts(&st->line, "\n\n");
			}
			buf_add(&st->line, tmp.data, tmp.len);
			buf_puts(&st->line, st->mode == MD ? "\n\n" : "");
		}
		buf_release(&tmp);
		st->line_start = true;
		break;
	}
	case S_OTHER: {
		struct buf tmp = BUF_INIT;
		buf_printf(&tmp, "<%s%s>", sp->name, sp->attrs);
		buf_add(&tmp, sp->body.data, sp->body.len);
		if (sp->closed)
			buf_printf(&tmp, "</%s>", sp->name);
		esc_text(st, tmp.data, tmp.len);
		buf_release(&tmp);
		break;
	}
	}
}

/* MediaWiki's doQuotes adjustments over a line's quote runs: 4 → ' + bold, more than 5
 * → apostrophes + bold italic, and when bold and italic counts are both odd one bold
 * becomes ' + italic, chosen after a single-letter word, else a multi-letter word, else
 * a space. */
static void adjust_quotes(const char *s, struct tok *q, size_t nq)
{
	int ni = 0, nb = 0;
	for (size_t i = 0; i < nq; i++) {
		if (q[i].len == 4) {
			q[i].lit = 1;
			q[i].len = 3;
		} else if (q[i].len > 5) {
			q[i].lit = q[i].len - 5;
			q[i].len = 5;
		}
		if (q[i].len == 2)
			ni++;
		else if (q[i].len == 3)
			nb++;
		else {
			ni++;
			nb++;
		}
	}
	if (!(ni % 2 && nb % 2))
		return;
	long single = -1, multi = -1, space = -1;
	for (size_t i = 0; i < nq; i++) {
		if (q[i].len != 3)
			continue;
		size_t at = q[i].s + (size_t)q[i].lit;
		char x1 = at >= 1 ? s[at - 1] : ' ', x2 = at >= 2 ? s[at - 2] : ' ';
		if (x1 == ' ') {
			if (space < 0)
				space = (long)i;
		} else if (x2 == ' ') {
			single = (long)i;
			break;
		} else if (multi < 0) {
			multi = (long)i;
		}
	}
	long pick = single >= 0 ? single : multi >= 0 ? multi : space;
	if (pick >= 0) {
		q[pick].lit++;
		q[pick].len = 2;
	}
}

static void inline_line(struct inl *st, const char *s, size_t b, size_t e)
{
	struct tok *q = NULL;
	size_t nq = 0, cap = 0;
	struct tok tk;
	st->no_bracket = SIZE_MAX;
	/* pass 1: the quote runs of the line, links and tags being atomic */
	for (size_t p = b; p < e;) {
		if (next_token(st, s, p, e, &tk)) {
			if (tk.type == T_QUOTE) {
				if (nq == cap) {
					cap = cap ? cap * 2 : 16;
					q = xrealloc(q, cap * sizeof *q);
				}
				q[nq++] = tk;
			}
			p = tk.e;
		} else {
			p++;
		}
	}
	adjust_quotes(s, q, nq);
	st->eager = st->mode == HTML || e - b > 20000;
	st->nem = 0;
	st->both = false;
	size_t qi = 0, text = b;
	for (size_t p = b; p < e;) {
		if (!next_token(st, s, p, e, &tk)) {
			p++;
			continue;
		}
		esc_text(st, s + text, p - text);
		if (tk.type != T_QUOTE && tk.type != T_MAGIC)
			st->line_start = false;
		switch (tk.type) {
		case T_QUOTE: {
			struct tok *r = qi < nq ? &q[qi++] : &tk;
			for (int i = 0; i < r->lit; i++)
				buf_putc(&st->line, '\'');
			if (r->lit)
				st->line_start = false;
			quote(st, r->len, tk.e < e ? (unsigned char)s[tk.e] : '\n');
			break;
		}
		case T_LINK:
			render_link(st, s, &tk);
			break;
		case T_EXTLINK:
		case T_URL:
			render_extlink(st, s, &tk);
			break;
		case T_TAG:
			render_tag(st, s, &tk);
			break;
		case T_CODESPAN: {
			/* nowiki content and character references decoded: a code span shows
			 * its text as is */
			struct buf raw = BUF_INIT, dec = BUF_INIT;
			for (size_t x = tk.a0; x < tk.a1; x++) {
				size_t idx, ml;
				if (s[x] == '\x7f' && (ml = marker_at(s + x, tk.a1 - x, &idx))) {
					decode_entities(st->c->strips[idx].body.data, st->c->strips[idx].body.len, &dec);
					x += ml - 1;
				} else {
					unsigned cp;
					size_t el = s[x] == '&' ? entity_at(s + x, tk.a1 - x, &cp) : 0;
					if (el) {
						put_utf8(&dec, cp);
						x += el - 1;
					} else {
						buf_putc(&dec, s[x]);
					}
				}
			}
			code_span(st, dec.data, dec.len);
			buf_release(&raw);
			buf_release(&dec);
			break;
		}
		case T_MARKER:
			render_marker(st, tk.idx);
			break;
		case T_ENTITY:
			buf_add(&st->line, s + tk.s, tk.e - tk.s);
			break;
		default:
			break;
		}
		p = text = tk.e;
	}
	esc_text(st, s + text, e - text);
	quotes_end_line(st);
	free(q);
}

static void inline_render(struct ctx *c, const char *s, size_t n, enum mode mode, int flags,
                          struct buf *out, int depth)
{
	if (depth > NEST_LIMIT) {
		limit(c, "nesting depth");
		struct inl tmp = {.c = c, .mode = mode};
		buf_init(&tmp.line);
		esc_text(&tmp, s, n);
		buf_add(out, tmp.line.data, tmp.line.len);
		buf_release(&tmp.line);
		return;
	}
	struct inl st = {.c = c, .mode = mode, .depth = depth, .in_link = flags & IF_LINK,
	                 .in_cell = flags & IF_CELL, .pre = flags & IF_PRE, .line_start = out->len == 0 ||
	                 out->data[out->len - 1] == '\n'};
	buf_init(&st.line);
	size_t b = 0;
	while (b <= n) {
		const char *nl = memchr(s + b, '\n', n - b);
		size_t e = nl ? (size_t)(nl - s) : n;
		inline_line(&st, s, b, e);
		if (nl) {
			while (st.line.len && (st.line.data[st.line.len - 1] == ' ' || st.line.data[st.line.len - 1] == '\t'))
				st.line.len--;
			st.line.data[st.line.len] = 0;
			buf_putc(&st.line, '\n');
			st.line_start = true;
		}
		buf_add(out, st.line.data, st.line.len);
		buf_reset(&st.line);
		if (!nl)
			break;
		b = e + 1;
	}
	/* inline elements close where the block ends */
	while (st.tags.n) {
		buf_printf(out, "</%s>", st.tags.names[st.tags.n - 1]);
		free(st.tags.names[--st.tags.n]);
	}
	tags_release(&st.tags);
	buf_release(&st.line);
}

/* ------------------------------------------------------------------------------------ */
/* Blocks: MediaWiki's doTableStuff and doBlockLevels, line by line. */

static void put_fence(struct buf *out, const char *lang, const char *s, size_t n)
{
	size_t run = 0, max = 0;
	for (size_t i = 0; i < n; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > max)
			max = run;
	}
	size_t k = max >= 3 ? max + 1 : 3;
	for (size_t i = 0; i < k; i++)
		buf_putc(out, '`');
	buf_puts(out, lang);
	buf_putc(out, '\n');
	for (size_t i = 0; i < n; i++)
		if (s[i] != '\x7f')
			buf_putc(out, s[i]);
	if (n && s[n - 1] != '\n')
		buf_putc(out, '\n');
	for (size_t i = 0; i < k; i++)
		buf_putc(out, '`');
	buf_puts(out, "\n\n");
}

/* <pre>/<code> in HTML mode: one line, so it can sit in any HTML block. */
static void put_html_pre(struct buf *out, const char *attrs, const char *lang, const char *s, size_t n)
{
	buf_puts(out, "<pre");
	buf_puts(out, attrs);
	buf_putc(out, '>');
	if (lang)
		buf_printf(out, "<code class=\"language-%s\">", lang);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\n')
			buf_puts(out, "&#10;");
		else if (ch == '\x7f')
			continue;
		else if (strchr("&<>*_`[]\\~|", ch))
			buf_printf(out, ch == '&' ? "&amp;" : ch == '<' ? "&lt;" : ch == '>' ? "&gt;" : "&#%d;", ch);
		else
			buf_putc(out, ch);
	}
	if (lang)
		buf_puts(out, "</code>");
	buf_puts(out, "</pre>\n");
}

static void emit_notes(struct ctx *c, const char *group, enum mode mode, struct buf *out)
{
	if (mode != MD)
		return;
	for (;;) {
		struct note *best = NULL;
		for (size_t i = 0; i < c->nnotes; i++) {
			struct note *nt = &c->notes[i];
			if (nt->number && !nt->emitted && (!group || !strcmp(nt->group, group)) &&
			    (!best || strcmp(nt->group, best->group) < 0 ||
			     (!strcmp(nt->group, best->group) && nt->number < best->number)))
				best = nt;
		}
		if (!best)
			break;
		best->emitted = true;
		if (best->md_ref) {
			buf_puts(out, "[^");
			note_label(best, out);
			buf_puts(out, "]: ");
		} else {
			buf_puts(out, "\\[");
			note_label(best, out);
			buf_puts(out, "\\] ");
		}
		for (size_t i = 0; i < best->text.len; i++) {
			buf_putc(out, best->text.data[i]);
			if (best->text.data[i] == '\n' && i + 1 < best->text.len && best->text.data[i + 1] != '\n')
				buf_puts(out, "    ");
		}
		buf_puts(out, best->md_ref ? "\n" : "\n\n");
	}
	buf_putc(out, '\n');
}

static void render_strip_block(struct ctx *c, struct strip *sp, enum mode mode, struct buf *out,
                               int depth)
{
	const char *b = sp->body.data;
	size_t n = sp->body.len;
	switch (sp->kind) {
	case S_PRE: {
		struct buf d = BUF_INIT, raw = BUF_INIT, attrs = BUF_INIT;
		/* <nowiki> inside <pre> only protects; entities are decoded */
		for (size_t i = 0; i < n; i++) {
			if (b[i] == '<' && (starts_ci(b + i, n - i, "<nowiki>") || starts_ci(b + i, n - i, "</nowiki>"))) {
				i += b[i + 1] == '/' ? 8 : 7;
				continue;
			}
			buf_putc(&raw, b[i]);
		}
		decode_entities(raw.data, raw.len, &d);
		const char *p = d.data;
		size_t l = d.len;
		if (l && *p == '\n') {
			p++;
			l--;
		}
		sanitize_attrs("pre", sp->attrs, strlen(sp->attrs), &attrs);
		if (mode == MD && !attrs.len) {
			put_fence(out, "", p, l);
		} else {
			put_html_pre(out, attrs.data, NULL, p, l);
			if (mode == MD)
				buf_putc(out, '\n');
		}
		buf_release(&d);
		buf_release(&raw);
		buf_release(&attrs);
		break;
	}
	case S_CODE: {
		struct buf lang = BUF_INIT, clean = BUF_INIT;
		attr_get(sp->attrs, strlen(sp->attrs), "lang", &lang);
		for (size_t i = 0; i < lang.len; i++)
			if (isalnum((unsigned char)lang.data[i]) || strchr("_+#.-", lang.data[i]))
				buf_putc(&clean, tolower((unsigned char)lang.data[i]));
		/* blank lines around the code go */
		while (n && (b[0] == '\n' || ((b[0] == ' ' || b[0] == '\t') && memchr(b, '\n', n) &&
		                              strspn(b, " \t") == (size_t)((char *)memchr(b, '\n', n) - b)))) {
			size_t k = b[0] == '\n' ? 1 : strspn(b, " \t") + 1;
			b += k;
			n -= k;
		}
		while (n && is_ws((unsigned char)b[n - 1]))
			n--;
		if (mode == MD)
			put_fence(out, clean.data, b, n);
		else
			put_html_pre(out, "", clean.len ? clean.data : "text", b, n);
		buf_release(&lang);
		buf_release(&clean);
		break;
	}
	case S_REFERENCES: {
		struct buf group = BUF_INIT;
		attr_get(sp->attrs, strlen(sp->attrs), "group", &group);
		if (n) {
			struct buf tmp = BUF_INIT;
			bool was = c->defining_refs;
			c->defining_refs = true;
			inline_render(c, b, n, MD, 0, &tmp, depth + 1);
			c->defining_refs = was;
			buf_release(&tmp);
		}
		emit_notes(c, group.data, mode, out);
		buf_release(&group);
		break;
	}
	case S_GALLERY: {
		struct buf w = BUF_INIT;
		for (size_t i = 0; i < n;) {
			const char *nl = memchr(b + i, '\n', n - i);
			size_t e = nl ? (size_t)(nl - b) : n;
			const char *l = b + i;
			size_t ll = e - i;
			trim(&l, &ll);
			if (ll) {
				size_t rest;
				struct buf t = BUF_INIT;
				buf_add(&t, l, ll);
				bool has_ns = title_ns(c, t.data, t.len, &rest) == NS_FILE;
				const char *bar = memchr(l, '|', ll);
				buf_printf(&w, "* [[%s", has_ns ? "" : "File:");
				if (bar) {
					buf_add(&w, l, (size_t)(bar - l));
					buf_puts(&w, "|thumb");
					buf_add(&w, bar, ll - (size_t)(bar - l));
				} else {
					buf_add(&w, l, ll);
				}
				buf_puts(&w, "]]\n");
				buf_release(&t);
			}
			i = e + 1;
		}
		blocks(c, w.data, w.len, mode, out, depth + 1);
		buf_release(&w);
		break;
	}
	default: {
		struct buf tmp = BUF_INIT;
		buf_printf(&tmp, "\x7f%zu\x7f", (size_t)(sp - c->strips));
		inline_render(c, tmp.data, tmp.len, mode, 0, out, depth + 1);
		buf_release(&tmp);
		break;
	}
	}
}

static bool is_block_strip(struct ctx *c, size_t idx)
{
	struct strip *sp = &c->strips[idx];
	if (sp->kind == S_PRE || sp->kind == S_GALLERY || sp->kind == S_REFERENCES)
		return true;
	if (sp->kind == S_CODE) {
		struct buf v = BUF_INIT;
		bool in = attr_get(sp->attrs, strlen(sp->attrs), "inline", &v);
		buf_release(&v);
		return !in;
	}
	return false;
}

static bool has_block_tag(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (s[i] != '<')
			continue;
		size_t nb = i + 1 + (s[i + 1] == '/');
		size_t k = tag_name(s, n, nb);
		if (k && in_list(block_tags, s + nb, k) && strncasecmp(s + nb, "hr", 2))
			return true;
	}
	return false;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_ws((unsigned char)s[i]))
			return false;
	return true;
}

/* Appends text, indenting every line after the first by ind spaces. */
static void put_indented(struct buf *out, const char *s, size_t n, size_t ind)
{
	for (size_t i = 0; i < n; i++) {
		buf_putc(out, s[i]);
		if (s[i] == '\n' && i + 1 < n && s[i + 1] != '\n')
			for (size_t k = 0; k < ind; k++)
				buf_putc(out, ' ');
	}
}

static void flush_para(struct ctx *c, struct buf *para, enum mode mode, struct buf *out, int depth)
{
	buf_trim(para);
	if (!para->len)
		return;
	struct buf tmp = BUF_INIT;
	bool blk = has_block_tag(para->data, para->len);
	inline_render(c, para->data, para->len, blk ? HTML : mode, 0, &tmp, depth);
	buf_trim(&tmp);
	if (tmp.len) {
		if (mode == MD) {
			buf_add(out, tmp.data, tmp.len);
			buf_puts(out, "\n\n");
		} else if (blk) {
			buf_add(out, tmp.data, tmp.len);
			buf_putc(out, '\n');
		} else {
			buf_puts(out, "<p>");
			buf_add(out, tmp.data, tmp.len);
			buf_puts(out, "</p>\n");
		}
	}
	buf_release(&tmp);
	buf_reset(para);
}

static size_t eol(const char *s, size_t n, size_t i)
{
	const char *nl = memchr(s + i, '\n', n - i);
	return nl ? (size_t)(nl - s) : n;
}

/* ---- headings ---- */

static int heading_at(const char *l, size_t n, size_t *t0, size_t *t1)
{
	while (n && is_ws((unsigned char)l[n - 1]))
		n--;
	size_t a = 0, b = 0;
	while (a < n && l[a] == '=')
		a++;
	while (b < n && l[n - 1 - b] == '=')
		b++;
	if (!a || !b || n < 3)
		return 0;
	size_t lvl;
	if (a == n)
		lvl = (n - 1) / 2;
	else
		lvl = a < b ? a : b;
	if (lvl > 6)
		lvl = 6;
	if (!lvl || 2 * lvl >= n)
		return 0;
	*t0 = lvl;
	*t1 = n - lvl;
	return (int)lvl;
}

static void emit_heading(struct ctx *c, const char *s, size_t n, int lvl, enum mode mode,
                         struct buf *out, int depth)
{
	trim(&s, &n);
	struct buf tmp = BUF_INIT;
	bool blk = has_block_tag(s, n);
	if (mode == MD && !blk) {
		for (int i = 0; i < lvl; i++)
			buf_putc(out, '#');
		buf_putc(out, ' ');
		inline_render(c, s, n, MD, 0, &tmp, depth);
		buf_trim(&tmp);
		for (size_t i = 0; i < tmp.len; i++)
			if (tmp.data[i] == '\n')
				tmp.data[i] = ' ';
		buf_add(out, tmp.data, tmp.len);
		buf_puts(out, "\n\n");
	} else {
		inline_render(c, s, n, HTML, 0, &tmp, depth);
		buf_trim(&tmp);
		buf_printf(out, "<h%d>", lvl);
		for (size_t i = 0; i < tmp.len; i++)
			buf_putc(out, tmp.data[i] == '\n' ? ' ' : tmp.data[i]);
		buf_printf(out, "</h%d>\n%s", lvl, mode == MD ? "\n" : "");
	}
	buf_release(&tmp);
}

/* ---- lists ---- */

struct item {
	char *prefix;
	const char *text;
	size_t tlen;
};

/* First ':' of a "; term : definition" line outside links, tags and URLs. */
static size_t find_colon(const char *s, size_t n)
{
	int lnk = 0;
	bool tag = false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '[' && i + 1 < n && s[i + 1] == '[') {
			lnk++;
			i++;
		} else if (s[i] == ']' && i + 1 < n && s[i + 1] == ']' && lnk) {
			lnk--;
			i++;
		} else if (s[i] == '<') {
			tag = true;
		} else if (s[i] == '>') {
			tag = false;
		} else if (s[i] == ':' && !lnk && !tag && !(i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/')) {
			return i;
		}
	}
	return SIZE_MAX;
}

static void md_list(struct ctx *c, struct item *it, size_t ni, struct buf *out, int depth)
{
	const char *prev = "";
	for (size_t x = 0; x < ni; x++) {
		const char *p = it[x].prefix;
		size_t pl = strlen(p), common = 0;
		while (common < pl && prev[common] == p[common])
			common++;
		size_t ind = 0;
		for (size_t j = 0; j + 1 < pl; j++) {
			if (j + 1 > common) {
				for (size_t k = 0; k < ind; k++)
					buf_putc(out, ' ');
				buf_puts(out, p[j] == '#' ? "1.\n" : "-\n");
			}
			ind += p[j] == '#' ? 3 : 2;
		}
		for (size_t k = 0; k < ind; k++)
			buf_putc(out, ' ');
		buf_puts(out, p[pl - 1] == '#' ? "1. " : "- ");
		ind += p[pl - 1] == '#' ? 3 : 2;
		struct buf tmp = BUF_INIT;
		const char *t = it[x].text;
		size_t tl = it[x].tlen;
		trim(&t, &tl);
		inline_render(c, t, tl, has_block_tag(t, tl) ? HTML : MD, 0, &tmp, depth);
		buf_trim(&tmp);
		put_indented(out, tmp.data, tmp.len, ind);
		buf_release(&tmp);
		buf_putc(out, '\n');
		prev = p;
	}
	buf_putc(out, '\n');
}

/* Closes the innermost level of the open list prefix `last` (its last character, one of
 * '*', '#', ':', ';') and drops it from `last`. */
static void list_close_level(struct buf *last, bool *dt_open, struct buf *out)
{
	char ch = last->data[last->len - 1];
	if (ch == '*')
		buf_puts(out, "</li></ul>");
	else if (ch == '#')
		buf_puts(out, "</li></ol>");
	else {
		buf_puts(out, *dt_open ? "</dt></dl>" : "</dd></dl>");
		*dt_open = false;
	}
	buf_truncate(last, last->len - 1);
}

/* Ends the current item and starts the next one at a level whose marker is ch. */
static void list_next_item(char ch, bool *dt_open, struct buf *out)
{
	if (ch == '*' || ch == '#') {
		buf_puts(out, "</li>\n<li>");
	} else {
		buf_puts(out, *dt_open ? "</dt>\n" : "</dd>\n");
		*dt_open = ch == ';';
		buf_puts(out, ch == ';' ? "<dt>" : "<dd>");
	}
}

static void html_list(struct ctx *c, struct item *it, size_t ni, struct buf *out, int depth)
{
	struct buf last = BUF_INIT;
	bool dt_open = false;
	for (size_t x = 0; x < ni; x++) {
		const char *p = it[x].prefix;
		size_t pl = strlen(p), common = 0;
		struct buf p2 = BUF_INIT;
		buf_puts(&p2, p);
		for (size_t i = 0; i < p2.len; i++)
			if (p2.data[i] == ';')
				p2.data[i] = ':';
		/* as doBlockLevels: "same item" compares with ';' read as ':', the common
		 * length uses the prefix as written */
		while (common < pl && common < last.len && last.data[common] == p[common])
			common++;
		if (pl && !strcmp(last.data, p2.data)) {
			list_next_item(p[pl - 1], &dt_open, out);
		} else {
			while (common < last.len)
				list_close_level(&last, &dt_open, out);
			if (pl <= common && common > 0)
				list_next_item(p[common - 1], &dt_open, out);
			while (pl > common) {
				char ch = p[common];
				if (common && out->len && out->data[out->len - 1] != '>')
					buf_putc(out, '\n');
				buf_puts(out, ch == '*' ? "<ul><li>" : ch == '#' ? "<ol><li>" : ch == ':' ? "<dl><dd>" : "<dl><dt>");
				if (ch == ';')
					dt_open = true;
				common++;
			}
			buf_reset(&last);
			buf_add(&last, p2.data, p2.len);
		}
		buf_release(&p2);
		struct buf tmp = BUF_INIT;
		const char *t = it[x].text;
		size_t tl = it[x].tlen;
		trim(&t, &tl);
		inline_render(c, t, tl, HTML, 0, &tmp, depth);
		buf_trim(&tmp);
		for (size_t i = 0; i < tmp.len; i++)
			if (!(tmp.data[i] == '\n' && i + 1 < tmp.len && tmp.data[i + 1] == '\n'))
				buf_putc(out, tmp.data[i]);
		buf_release(&tmp);
	}
	while (last.len)
		list_close_level(&last, &dt_open, out);
	buf_putc(out, '\n');
	buf_release(&last);
}

static size_t do_list(struct ctx *c, const char *s, size_t n, size_t i, enum mode mode,
                      struct buf *out, int depth)
{
	struct item *it = NULL;
	size_t ni = 0, cap = 0;
	bool dl = false;
	size_t maxp = (size_t)c->max_depth;
	while (i < n && strchr("*#:;", s[i]) && s[i]) {
		size_t e = eol(s, n, i), k = i;
		while (k < e && strchr("*#:;", s[k]))
			k++;
		size_t pl = k - i;
		if (pl > maxp) {
			limit(c, "list nesting");
			pl = maxp;
		}
		for (int part = 0; part < 2; part++) {
			if (ni + 1 >= cap) {
				cap = cap ? cap * 2 : 16;
				it = xrealloc(it, cap * sizeof *it);
			}
			struct item *x = &it[ni++];
			x->prefix = xstrndup(s + i, pl);
			x->text = s + k;
			x->tlen = e - k;
			if (strpbrk(x->prefix, ";:"))
				dl = true;
			if (part == 1 || x->prefix[pl - 1] != ';')
				break;
			size_t col = find_colon(x->text, x->tlen);
			if (col == SIZE_MAX)
				break;
			x->tlen = col;
			k += col + 1;
			pl = strlen(x->prefix);
			/* the definition: same prefix, ';' → ':' */
			if (ni + 1 >= cap) {
				cap *= 2;
				it = xrealloc(it, cap * sizeof *it);
			}
			struct item *y = &it[ni++];
			y->prefix = xstrndup(s + i, pl);
			y->prefix[pl - 1] = ':';
			y->text = s + k;
			y->tlen = e - k;
			break;
		}
		i = e < n ? e + 1 : n;
	}
	if (mode == MD && !dl)
		md_list(c, it, ni, out, depth);
	else {
		html_list(c, it, ni, out, depth);
		if (mode == MD)
			buf_putc(out, '\n');
	}
	for (size_t x = 0; x < ni; x++)
		free(it[x].prefix);
	free(it);
	return i;
}

/* ---- leading-space pre ---- */

static bool pre_simple(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned cp;
		switch (s[i]) {
		case '\'':
			if (i + 1 < n && s[i + 1] == '\'')
				return false;
			break;
		case '[':
			if ((i + 1 < n && s[i + 1] == '[') || protocol_at(s + i + 1, n - i - 1, true))
				return false;
			break;
		case '<':
			if (i + 1 < n && (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '/'))
				return false;
			break;
		case '&':
			if (entity_at(s + i, n - i, &cp))
				return false;
			break;
		case '\x7f':
			return false;
		case ':':
			if (i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/')
				return false;
			break;
		default:
			break;
		}
	}
	return true;
}

static void emit_pre(struct ctx *c, const char *s, size_t n, enum mode mode, struct buf *out, int depth)
{
	if (pre_simple(s, n)) {
		if (mode == MD)
			put_fence(out, "", s, n);
		else
			put_html_pre(out, "", NULL, s, n);
		return;
	}
	struct buf tmp = BUF_INIT;
	inline_render(c, s, n, HTML, IF_PRE, &tmp, depth);
	buf_puts(out, "<pre>");
	for (size_t i = 0; i < tmp.len; i++) {
		if (tmp.data[i] == '\n')
			buf_puts(out, "&#10;");
		else
			buf_putc(out, tmp.data[i]);
	}
	buf_puts(out, mode == MD ? "</pre>\n\n" : "</pre>\n");
	buf_release(&tmp);
}

/* ---- tables ---- */

struct tcell {
	bool header;
	char *attrs;
	struct buf text;
};

struct trow {
	char *attrs;
	struct tcell *cells;
	size_t n;
};

struct table {
	char *attrs;
	char *cap_attrs;
	struct buf caption;
	bool has_caption;
	struct trow *rows;
	size_t n;
	struct buf before;
};

static struct trow *table_row(struct table *t, const char *attrs, size_t alen)
{
	t->rows = xrealloc(t->rows, (t->n + 1) * sizeof *t->rows);
	struct trow *r = &t->rows[t->n++];
	r->attrs = xstrndup(attrs, alen);
	r->cells = NULL;
	r->n = 0;
	return r;
}

static struct tcell *table_cell(struct table *t, bool header, const char *s, size_t n)
{
	struct trow *r = t->n ? &t->rows[t->n - 1] : table_row(t, "", 0);
	r->cells = xrealloc(r->cells, (r->n + 1) * sizeof *r->cells);
	struct tcell *cl = &r->cells[r->n++];
	cl->header = header;
	buf_init(&cl->text);
	/* "attrs | content", unless the first part holds a link */
	const char *bar = NULL;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '|') {
			bar = s + i;
			break;
		}
	if (bar) {
		size_t al = (size_t)(bar - s);
		bool link = false;
		for (size_t i = 0; i + 1 < al; i++)
			if (s[i] == '[' && s[i + 1] == '[')
				link = true;
		if (!link) {
			cl->attrs = xstrndup(s, al);
			buf_add(&cl->text, bar + 1, n - al - 1);
			return cl;
		}
	}
	cl->attrs = xstrdup("");
	buf_add(&cl->text, s, n);
	return cl;
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		for (size_t j = 0; j < t->rows[i].n; j++) {
			free(t->rows[i].cells[j].attrs);
			buf_release(&t->rows[i].cells[j].text);
		}
		free(t->rows[i].cells);
		free(t->rows[i].attrs);
	}
	free(t->rows);
	free(t->attrs);
	free(t->cap_attrs);
	buf_release(&t->caption);
	buf_release(&t->before);
}

/* Splits a cell line on "||" (and "!!" for header lines) into cells. */
static void table_cells(struct table *t, bool header, const char *s, size_t n, struct tcell **last)
{
	size_t from = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		if ((s[i] == '|' && s[i + 1] == '|') || (header && s[i] == '!' && s[i + 1] == '!')) {
			*last = table_cell(t, header, s + from, i - from);
			from = i + 2;
			i++;
		}
	}
	*last = table_cell(t, header, s + from, n - from);
}

static bool span_attr(const char *a)
{
	struct buf v = BUF_INIT;
	bool span = false;
	if (attr_get(a, strlen(a), "colspan", &v) && atoi(v.data) > 1)
		span = true;
	buf_reset(&v);
	if (attr_get(a, strlen(a), "rowspan", &v) && atoi(v.data) > 1)
		span = true;
	buf_release(&v);
	return span;
}

/* Renders a cell's wikitext as HTML: inline when it is one line, else blocks. */
static void cell_html(struct ctx *c, const char *s, size_t n, struct buf *out, int depth)
{
	trim(&s, &n);
	bool multi = memchr(s, '\n', n) != NULL;
	for (size_t i = 0; i < n && !multi; i++) {
		size_t idx, l;
		if (s[i] == '\x7f' && (l = marker_at(s + i, n - i, &idx)) && idx < c->nstrips &&
		    is_block_strip(c, idx))
			multi = true;
	}
	struct buf tmp = BUF_INIT;
	if (multi) {
		blocks(c, s, n, HTML, &tmp, depth + 1);
	} else {
		inline_render(c, s, n, HTML, 0, &tmp, depth + 1);
	}
	buf_trim(&tmp);
	/* no blank line may end the HTML block this sits in */
	for (size_t i = 0; i < tmp.len; i++)
		if (!(tmp.data[i] == '\n' && i + 1 < tmp.len && tmp.data[i + 1] == '\n'))
			buf_putc(out, tmp.data[i]);
	buf_release(&tmp);
}

static void emit_table(struct ctx *c, struct table *t, enum mode mode, struct buf *out, int depth)
{
	if (t->before.len) {
		struct buf p = BUF_INIT;
		buf_add(&p, t->before.data, t->before.len);
		flush_para(c, &p, mode, out, depth);
		buf_release(&p);
	}
	/* a GFM table when nothing is lost: one header row on top, no spans, one line per cell */
	bool gfm = mode == MD && !t->has_caption && t->n > 0 && t->rows[0].n > 0;
	size_t ncols = gfm ? t->rows[0].n : 0;
	for (size_t i = 0; i < t->n && gfm; i++) {
		if (t->rows[i].n > ncols)
			gfm = false;
		for (size_t j = 0; j < t->rows[i].n && gfm; j++) {
			struct tcell *cl = &t->rows[i].cells[j];
			if (cl->header != (i == 0) || span_attr(cl->attrs))
				gfm = false;
			const char *p = cl->text.data;
			size_t l = cl->text.len;
			trim(&p, &l);
			if (memchr(p, '\n', l) || has_block_tag(p, l))
				gfm = false;
			for (size_t x = 0; x < l && gfm; x++) {
				size_t idx, ml;
				if (p[x] == '\x7f' && (ml = marker_at(p + x, l - x, &idx)) && idx < c->nstrips &&
				    is_block_strip(c, idx))
					gfm = false;
			}
		}
	}
	if (gfm) {
		struct buf tab = BUF_INIT, cell = BUF_INIT;
		for (size_t i = 0; i < t->n && gfm; i++) {
			buf_puts(&tab, "|");
			for (size_t j = 0; j < ncols; j++) {
				buf_reset(&cell);
				if (j < t->rows[i].n) {
					struct tcell *cl = &t->rows[i].cells[j];
					const char *p = cl->text.data;
					size_t l = cl->text.len;
					trim(&p, &l);
					inline_render(c, p, l, MD, IF_CELL, &cell, depth + 1);
					buf_trim(&cell);
				}
				if (memchr(cell.data, '\n', cell.len))
					gfm = false;
				buf_putc(&tab, ' ');
				buf_add(&tab, cell.data, cell.len);
				buf_puts(&tab, " |");
			}
			buf_putc(&tab, '\n');
			if (i == 0) {
				buf_puts(&tab, "|");
				for (size_t j = 0; j < ncols; j++)
					buf_puts(&tab, " --- |");
				buf_putc(&tab, '\n');
			}
		}
		if (gfm) {
			buf_add(out, tab.data, tab.len);
			buf_putc(out, '\n');
		}
		buf_release(&tab);
		buf_release(&cell);
		if (gfm)
			return;
	}
	buf_puts(out, "<table");
	sanitize_attrs("table", t->attrs, strlen(t->attrs), out);
	buf_puts(out, ">\n");
	if (t->has_caption) {
		buf_puts(out, "<caption");
		sanitize_attrs("caption", t->cap_attrs, strlen(t->cap_attrs), out);
		buf_putc(out, '>');
		cell_html(c, t->caption.data, t->caption.len, out, depth);
		buf_puts(out, "</caption>\n");
	}
	for (size_t i = 0; i < t->n; i++) {
		struct trow *r = &t->rows[i];
		if (!r->n)
			continue;
		buf_puts(out, "<tr");
		sanitize_attrs("tr", r->attrs, strlen(r->attrs), out);
		buf_puts(out, ">\n");
		for (size_t j = 0; j < r->n; j++) {
			struct tcell *cl = &r->cells[j];
			const char *tg = cl->header ? "th" : "td";
			buf_printf(out, "<%s", tg);
			sanitize_attrs(tg, cl->attrs, strlen(cl->attrs), out);
			buf_putc(out, '>');
			cell_html(c, cl->text.data, cl->text.len, out, depth);
			buf_printf(out, "</%s>\n", tg);
		}
		buf_puts(out, "</tr>\n");
	}
	buf_puts(out, mode == MD ? "</table>\n\n" : "</table>\n");
}

/* Parses a table starting at line i ("{|"); returns the position after it. */
static size_t do_table(struct ctx *c, const char *s, size_t n, size_t i, enum mode mode,
                       struct buf *out, int depth)
{
	struct table t;
	memset(&t, 0, sizeof t);
	buf_init(&t.caption);
	buf_init(&t.before);
	size_t e = eol(s, n, i);
	const char *l = s + i;
	while (*l == ' ' || *l == '\t' || *l == ':')
		l++;
	t.attrs = xstrndup(l + 2, (size_t)(s + e - l - 2));
	i = e < n ? e + 1 : n;
	struct tcell *cur = NULL;
	bool in_caption = false;
	int nest = 0;
	while (i < n) {
		e = eol(s, n, i);
		const char *p = s + i;
		size_t pl = e - i;
		while (pl && (*p == ' ' || *p == '\t')) {
			p++;
			pl--;
		}
		if (nest) {
			if (pl >= 2 && p[0] == '{' && p[1] == '|')
				nest++;
			else if (pl >= 2 && p[0] == '|' && p[1] == '}')
				nest--;
			buf_putc(&cur->text, '\n');
			buf_add(&cur->text, s + i, e - i);
		} else if (pl >= 2 && p[0] == '{' && p[1] == '|') {
			if (!cur)
				cur = table_cell(&t, false, "", 0);
			nest = 1;
			in_caption = false;
			buf_putc(&cur->text, '\n');
			buf_add(&cur->text, s + i, e - i);
		} else if (pl >= 2 && p[0] == '|' && p[1] == '}') {
			i = (size_t)(p - s) + 2;
			/* text after "|}" goes on as a line of its own */
			while (i < e && (s[i] == ' ' || s[i] == '\t'))
				i++;
			if (i == e)
				i = e < n ? e + 1 : n;
			goto done;
		} else if (pl >= 2 && p[0] == '|' && p[1] == '-') {
			size_t k = 1;
			while (k < pl && p[k] == '-')
				k++;
			table_row(&t, p + k, pl - k);
			cur = NULL;
			in_caption = false;
		} else if (pl >= 2 && p[0] == '|' && p[1] == '+') {
			const char *q = p + 2;
			size_t ql = pl - 2;
			const char *bar = memchr(q, '|', ql);
			bool link = false;
			for (const char *x = q; bar && x + 1 < bar; x++)
				if (x[0] == '[' && x[1] == '[')
					link = true;
			free(t.cap_attrs);
			if (bar && !link && !(bar + 1 < q + ql && bar[1] == '|')) {
				t.cap_attrs = xstrndup(q, (size_t)(bar - q));
				buf_reset(&t.caption);
				buf_add(&t.caption, bar + 1, ql - (size_t)(bar - q) - 1);
			} else {
				t.cap_attrs = xstrdup("");
				buf_reset(&t.caption);
				buf_add(&t.caption, q, ql);
			}
			t.has_caption = true;
			in_caption = true;
			cur = NULL;
		} else if (pl >= 1 && (p[0] == '|' || p[0] == '!')) {
			table_cells(&t, p[0] == '!', p + 1, pl - 1, &cur);
			in_caption = false;
		} else if (in_caption) {
			buf_putc(&t.caption, '\n');
			buf_add(&t.caption, s + i, e - i);
		} else if (cur) {
			buf_putc(&cur->text, '\n');
			buf_add(&cur->text, s + i, e - i);
		} else {
			buf_add(&t.before, s + i, e - i);
			buf_putc(&t.before, '\n');
		}
		i = e < n ? e + 1 : n;
	}
done:
	emit_table(c, &t, mode, out, depth);
	table_free(&t);
	return i;
}

/* ---- the block loop ---- */

static void blocks(struct ctx *c, const char *s, size_t n, enum mode mode, struct buf *out,
                   int depth)
{
	if (depth > NEST_LIMIT) {
		limit(c, "nesting depth");
		inline_render(c, s, n, mode, 0, out, NEST_LIMIT + 1);
		return;
	}
	struct tagstack btags = {NULL, 0};
	struct tagstack *saved = c->btags;
	c->btags = &btags;
	struct buf para = BUF_INIT;
	size_t i = 0;
	while (i < n) {
		size_t e = eol(s, n, i);
		const char *l = s + i;
		size_t ll = e - i, k = 0;
		while (k < ll && (l[k] == ' ' || l[k] == '\t' || l[k] == ':'))
			k++;
		size_t lvl, t0, t1;
		if (k + 1 < ll && l[k] == '{' && l[k + 1] == '|' && (k == 0 || l[0] != ' ' || strchr(l, ':'))) {
			flush_para(c, &para, mode, out, depth);
			i = do_table(c, s, n, i, mode, out, depth + 1);
			continue;
		}
		if (ll && l[0] == '=' && (lvl = (size_t)heading_at(l, ll, &t0, &t1))) {
			flush_para(c, &para, mode, out, depth);
			emit_heading(c, l + t0, t1 - t0, (int)lvl, mode, out, depth);
			i = e < n ? e + 1 : n;
			continue;
		}
		if (ll >= 4 && !strncmp(l, "----", 4)) {
			flush_para(c, &para, mode, out, depth);
			buf_puts(out, mode == MD ? "---\n\n" : "<hr>\n");
			size_t d = 0;
			while (d < ll && l[d] == '-')
				d++;
			while (d < ll && (l[d] == ' ' || l[d] == '\t'))
				d++;
			i = d < ll ? i + d : (e < n ? e + 1 : n);
			continue;
		}
		if (ll && strchr("*#:;", l[0])) {
			flush_para(c, &para, mode, out, depth);
			i = do_list(c, s, n, i, mode, out, depth + 1);
			continue;
		}
		if (ll && l[0] == ' ' && !blank(l, ll) && !has_block_tag(l, ll)) {
			flush_para(c, &para, mode, out, depth);
			struct buf pre = BUF_INIT;
			while (i < n && s[i] == ' ') {
				e = eol(s, n, i);
				if (has_block_tag(s + i, e - i))
					break;
				buf_add(&pre, s + i + 1, e - i - 1);
				buf_putc(&pre, '\n');
				i = e < n ? e + 1 : n;
			}
			while (pre.len >= 2 && pre.data[pre.len - 2] == '\n')
				buf_truncate(&pre, pre.len - 1);
			emit_pre(c, pre.data, pre.len, mode, out, depth + 1);
			buf_release(&pre);
			continue;
		}
		if (blank(l, ll)) {
			flush_para(c, &para, mode, out, depth);
			i = e < n ? e + 1 : n;
			continue;
		}
		/* block strip markers (pre, source, references…) end the paragraph */
		size_t m = SIZE_MAX, idx = 0, ml = 0;
		for (size_t x = 0; x < ll; x++) {
			if (l[x] == '\x7f' && (ml = marker_at(l + x, ll - x, &idx)) && idx < c->nstrips &&
			    is_block_strip(c, idx)) {
				m = x;
				break;
			}
		}
		if (m != SIZE_MAX) {
			buf_add(&para, l, m);
			flush_para(c, &para, mode, out, depth);
			render_strip_block(c, &c->strips[idx], mode, out, depth + 1);
			i += m + ml;
			while (i < e && (s[i] == ' ' || s[i] == '\t'))
				i++;
			if (i == e)
				i = e < n ? e + 1 : n;
			continue;
		}
		buf_add(&para, l, ll);
		buf_putc(&para, '\n');
		i = e < n ? e + 1 : n;
	}
	flush_para(c, &para, mode, out, depth);
	buf_release(&para);
	/* block elements left open close here */
	if (btags.n) {
		while (btags.n) {
			buf_printf(out, "</%s>", btags.names[btags.n - 1]);
			free(btags.names[--btags.n]);
		}
		buf_puts(out, mode == MD ? "\n\n" : "\n");
	}
	tags_release(&btags);
	c->btags = saved;
}

/* ------------------------------------------------------------------------------------ */
/* The conversion */

static const char *const magic_words[] = {
	"NOTOC", "FORCETOC", "TOC", "NOEDITSECTION", "NEWSECTIONLINK", "NONEWSECTIONLINK",
	"NOGALLERY", "HIDDENCAT", "NOCONTENTCONVERT", "NOCC", "NOTITLECONVERT", "NOTC", "INDEX",
	"NOINDEX", "STATICREDIRECT", "EXPECTUNUSEDCATEGORY", "DISAMBIG", "NOGLOBAL",
	"ARCHIVEDTALK", "NOTALK", "EXPECTED_UNCONNECTED_PAGE", NULL
};

/* Removes __MAGIC__ words (recording them). */
static void magic_pass(struct ctx *c, struct buf *b)
{
	size_t w = 0;
	for (size_t i = 0; i < b->len;) {
		if (b->data[i] == '_' && i + 1 < b->len && b->data[i + 1] == '_') {
			size_t j = i + 2;
			while (j < b->len && (isalpha((unsigned char)b->data[j]) || b->data[j] == '_') && j - i < 40) {
				if (b->data[j] == '_' && j + 1 < b->len && b->data[j + 1] == '_')
					break;
				j++;
			}
			if (j + 1 < b->len && b->data[j] == '_' && b->data[j + 1] == '_') {
				size_t k = j - i - 2;
				for (size_t x = 0; magic_words[x]; x++)
					if (name_is(b->data + i + 2, k, magic_words[x])) {
						strlist_add(&c->r->magic_words, &c->r->nmagic_words, magic_words[x],
						            strlen(magic_words[x]), true);
						if (x == 0)
							c->r->notoc = true;
						if (x == 1 || x == 2)
							c->r->toc = true;
						i = j + 2;
						goto next;
					}
			}
		}
		b->data[w++] = b->data[i++];
next:;
	}
	buf_truncate(b, w);
}

/* Plain text of a heading line for anchors: markup removed. */
static void heading_plain(struct ctx *c, const char *s, size_t n, struct buf *out)
{
	struct buf tmp = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'' && i + 1 < n && s[i + 1] == '\'') {
			while (i + 1 < n && s[i + 1] == '\'')
				i++;
			continue;
		}
		if (s[i] == '<') {
			const char *gt = memchr(s + i, '>', n - i);
			if (gt) {
				i = (size_t)(gt - s);
				continue;
			}
		}
		if (s[i] == '\x7f') {
			size_t idx, l = marker_at(s + i, n - i, &idx);
			if (l && idx < c->nstrips && c->strips[idx].kind == S_NOWIKI)
				buf_add(&tmp, c->strips[idx].body.data, c->strips[idx].body.len);
			if (l) {
				i += l - 1;
				continue;
			}
		}
		if (s[i] == '[' && i + 1 < n && s[i + 1] == '[') {
			const char *end = strstr(s + i, "]]");
			if (end && (size_t)(end - s) < n) {
				const char *bar = memchr(s + i, '|', (size_t)(end - s) - i);
				const char *from = bar ? bar + 1 : s + i + 2;
				buf_add(&tmp, from, (size_t)(end - from));
				i = (size_t)(end - s) + 1;
				continue;
			}
		}
		buf_putc(&tmp, s[i]);
	}
	decode_entities(tmp.data, tmp.len, out);
	buf_trim(out);
	buf_release(&tmp);
}

/* The page's headings: MediaWiki's ids (duplicates _2, _3…) and the Markdown renderer's
 * (duplicates -1, -2…), so [[#Section]] links land. */
static void collect_anchors(struct ctx *c, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t e = eol(s, n, i), t0, t1;
		if (s[i] == '=' && heading_at(s + i, e - i, &t0, &t1) && c->nanchors < 2000) {
			struct buf plain = BUF_INIT, mw = BUF_INIT, md = BUF_INIT;
			heading_plain(c, s + i + t0, t1 - t0, &plain);
			for (size_t k = 0; k < plain.len; k++)
				buf_putc(&mw, plain.data[k] == ' ' ? '_' : plain.data[k]);
			gh_slug(plain.data, plain.len, &md);
			int dup = 0, dmd = 0;
			for (size_t k = 0; k < c->nanchors; k++) {
				struct buf cmp = BUF_INIT;
				buf_add(&cmp, mw.data, mw.len);
				if (!strcmp(c->anchors[k].mw, cmp.data) ||
				    (dup && !strncmp(c->anchors[k].mw, cmp.data, cmp.len) &&
				     c->anchors[k].mw[cmp.len] == '_'))
					dup++;
				buf_release(&cmp);
			}
			for (size_t k = 0; k < c->nanchors; k++) {
				size_t l = md.len;
				if (!strncmp(c->anchors[k].md, md.data, l) &&
				    (c->anchors[k].md[l] == 0 ||
				     (c->anchors[k].md[l] == '-' && isdigit((unsigned char)c->anchors[k].md[l + 1]))))
					dmd++;
			}
			if (dup)
				buf_printf(&mw, "_%d", dup + 1);
			if (dmd)
				buf_printf(&md, "-%d", dmd);
			c->anchors = xrealloc(c->anchors, (c->nanchors + 1) * sizeof *c->anchors);
			c->anchors[c->nanchors].mw = buf_detach(&mw, NULL);
			c->anchors[c->nanchors].md = buf_detach(&md, NULL);
			c->nanchors++;
			buf_release(&plain);
		}
		i = e + 1;
	}
}

/* #REDIRECT [[Target]] at the start of the page. Returns the length consumed or 0. */
static size_t redirect_at(struct ctx *c, const char *s, size_t n, struct buf *target)
{
	size_t i = 0;
	while (i < n && is_ws((unsigned char)s[i]))
		i++;
	if (!starts_ci(s + i, n - i, "#redirect"))
		return 0;
	i += 9;
	while (i < n && (is_ws((unsigned char)s[i]) || s[i] == ':'))
		i++;
	if (!starts_ci(s + i, n - i, "[["))
		return 0;
	size_t t0 = i + 2, j = t0;
	while (j < n && s[j] != ']' && s[j] != '|' && s[j] != '\n')
		j++;
	const char *end = j < n ? strstr(s + j, "]]") : NULL;
	if (!end)
		return 0;
	const char *t = s + t0;
	size_t tl = j - t0;
	trim(&t, &tl);
	if (tl && *t == ':') {
		t++;
		tl--;
	}
	const char *hash = memchr(t, '#', tl);
	size_t pl = hash ? (size_t)(hash - t) : tl;
	if (!norm_title(c, t, pl, target))
		return 0;
	if (hash)
		buf_add(target, hash, tl - pl);
	return (size_t)(end - s) + 2;
}

int wikitext_convert(const char *src, size_t len, const struct wikitext_opts *opts,
                     struct wikitext_result *result)
{
	static const struct wikitext_opts none;
	struct ctx c;
	memset(&c, 0, sizeof c);
	c.o = opts ? opts : &none;
	c.r = result;
	c.max_depth = c.o->max_depth > 0 ? c.o->max_depth : DEFAULT_DEPTH;
	c.sitename = c.o->sitename;
	c.article_path = c.o->article_path && *c.o->article_path ? c.o->article_path : "/wiki/index.php/$1";
	c.work_limit = WORK_LIMIT + len;

	struct buf text = BUF_INIT, exp = BUF_INIT, target = BUF_INIT, body = BUF_INIT;
	normalise(src, len, &text);

	size_t skip = redirect_at(&c, text.data, text.len, &target);
	if (skip) {
		result->redirect = xstrdup(target.data);
		struct buf url = BUF_INIT;
		const char *hash = strchr(target.data, '#');
		size_t tl = hash ? (size_t)(hash - target.data) : target.len;
		char *title = xstrndup(target.data, tl);
		buf_puts(&body, "Redirect to:\n\n- ");
		struct inl st = {.c = &c, .mode = MD};
		buf_init(&st.line);
		esc_text(&st, target.data, target.len);
		if (page_url(&c, title, hash ? hash + 1 : NULL, hash ? strlen(hash + 1) : 0, &url)) {
			buf_putc(&body, '[');
			buf_add(&body, st.line.data, st.line.len);
			buf_puts(&body, "](");
			buf_reset(&st.line);
			put_url(&st, url.data, url.len);
			buf_add(&body, st.line.data, st.line.len);
			buf_puts(&body, ")\n\n");
		} else {
			buf_add(&body, st.line.data, st.line.len);
			buf_puts(&body, "\n\n");
		}
		buf_release(&st.line);
		buf_release(&url);
		free(title);
	}

	struct ptree *t = ptree_build(text.data + skip, text.len - skip, false);
	struct frame page = {NULL, NULL, NULL, 0, NULL, 0};
	expand(&c, &page, t, t->n[t->root].first, false, &exp, 0);
	ptree_free(t);
	magic_pass(&c, &exp);
	collect_anchors(&c, exp.data, exp.len);
	c.text = exp.data;
	c.textlen = exp.len;
	blocks(&c, exp.data, exp.len, MD, &body, 0);
	{
		size_t before = body.len;
		emit_notes(&c, NULL, MD, &body);
		if (body.len == before + 1)
			buf_truncate(&body, before);
	}

	/* tidy: no trailing spaces, at most one blank line, one final newline */
	struct buf *md = &result->markdown;
	size_t blanks = 0;
	for (size_t i = 0; i < body.len;) {
		size_t e = eol(body.data, body.len, i), le = e;
		while (le > i && (body.data[le - 1] == ' ' || body.data[le - 1] == '\t'))
			le--;
		if (le == i) {
			blanks++;
		} else {
			if (blanks && md->len)
				buf_putc(md, '\n');
			blanks = 0;
			buf_add(md, body.data + i, le - i);
			buf_putc(md, '\n');
		}
		i = e + 1;
	}

	if (result->displaytitle) {
		struct buf plain = BUF_INIT;
		heading_plain(&c, result->displaytitle, strlen(result->displaytitle), &plain);
		free(result->displaytitle);
		result->displaytitle = buf_detach(&plain, NULL);
	}
	if (result->defaultsort) {
		struct buf plain = BUF_INIT;
		heading_plain(&c, result->defaultsort, strlen(result->defaultsort), &plain);
		free(result->defaultsort);
		result->defaultsort = buf_detach(&plain, NULL);
	}

	for (size_t i = 0; i < c.nstrips; i++) {
		free(c.strips[i].name);
		free(c.strips[i].attrs);
		buf_release(&c.strips[i].body);
	}
	free(c.strips);
	for (size_t i = 0; i < c.nnotes; i++) {
		free(c.notes[i].group);
		free(c.notes[i].name);
		buf_release(&c.notes[i].text);
	}
	free(c.notes);
	for (size_t i = 0; i < c.nanchors; i++) {
		free(c.anchors[i].mw);
		free(c.anchors[i].md);
	}
	free(c.anchors);
	for (size_t i = 0; i < c.ncache; i++) {
		free(c.cache[i].name);
		ptree_free(c.cache[i].tree);
	}
	free(c.cache);
	ptree_free(c.uncached);
	free(c.tstack);
	buf_release(&text);
	buf_release(&exp);
	buf_release(&target);
	buf_release(&body);
	return c.limit_hit ? -1 : 0;
}

void wikitext_result_release(struct wikitext_result *r)
{
	if (!r)
		return;
	buf_release(&r->markdown);
	strlist_free(r->categories, r->ncategories);
	strlist_free(r->missing_links, r->nmissing);
	strlist_free(r->unconverted, r->nunconverted);
	strlist_free(r->magic_words, r->nmagic_words);
	free(r->redirect);
	free(r->displaytitle);
	free(r->defaultsort);
	memset(r, 0, sizeof *r);
	buf_init(&r->markdown);
}
