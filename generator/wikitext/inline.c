/* inline: the last phase, a line at a time like MediaWiki's doQuotes, with links,
 * external links, free URLs, whitelisted HTML tags, entities and strip markers as atomic
 * tokens. Apart from block.c because its state (struct inl: the line being written,
 * open emphasis, open inline tags) lives for one run of lines, while block.c decides
 * which runs there are and in which mode they are written. */
#include "wikitext/internal.h"
#include "base/url.h"
#include "base/utf8.h"

#include <stdint.h>
#include <stdlib.h>

static bool is_punct(int ch)
{
	return ch >= 0 && ch < 0x80 && ispunct(ch);
}

static bool is_alnum_u(int ch)
{
	return ch >= 0x80 || isalnum(ch);
}

static void buf_insert(struct buf *b, size_t at, const char *s, size_t n)
{
	buf_grow(b, n);
	memmove(b->data + at + n, b->data + at, b->len - at);
	memcpy(b->data + at, s, n);
	b->len += n;
	b->data[b->len] = 0;
}

static void tags_push(struct tagstack *t, const char *name)
{
	t->names = xrealloc(t->names, (t->n + 1) * sizeof *t->names);
	t->names[t->n++] = xstrdup(name);
}

void wt_tags_release(struct tagstack *t)
{
	wt_strlist_free(t->names, t->n);
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
		size_t l = s[i] == '&' ? wt_entity_at(s + i, n - i, &cp) : 0;
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

/* Escapes s on its own (a label, alt text, a URL shown as text) and appends it to out:
 * at no line start and with nothing open, whatever the line around it holds. */
static void esc_alone(struct ctx *c, enum mode mode, const char *s, size_t n, bool entities,
                      struct buf *out)
{
	struct inl tmp = {.c = c, .mode = mode};
	buf_init(&tmp.line);
	if (entities)
		esc_text_entities(&tmp, s, n);
	else
		esc_text(&tmp, s, n);
	buf_add(out, tmp.line.data, tmp.line.len);
	buf_release(&tmp.line);
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

size_t wt_protocol_at(const char *s, size_t n, bool relative)
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
		file = *tg != ':' && wt_title_ns(c, tg, tl, &rest) == NS_FILE;
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
			size_t pl = wt_protocol_at(s + p + 1, e - p - 1, true), idx, ml = 0;
			/* {{fullurl:}} of a page of the new site: a URL without a protocol */
			if (!pl && (ml = marker_at(s + p + 1, e - p - 1, &idx)) &&
			    (idx >= st->c->nstrips || st->c->strips[idx].kind != S_URL))
				ml = 0;
			if (!pl && !ml)
				return false;
			size_t i = p + 1 + pl + ml;
			if (!ml && (i >= e || !url_char(s, i, e)))
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
		if (!k || !wt_tag_allowed(s + nb, k))
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
				    (s[j] == '[' && j + 1 < e && (s[j + 1] == '[' || wt_protocol_at(s + j + 1, e - j - 1, true))) ||
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
		size_t l = wt_entity_at(s + p, e - p, &cp);
		if (!l)
			return false;
		tk->type = T_ENTITY;
		tk->e = p + l;
		return true;
	}
	default:
		if (!st->in_link && isalpha(ch) && (p == 0 || !(is_alnum_u((unsigned char)s[p - 1]) || s[p - 1] == '_'))) {
			size_t pl = wt_protocol_at(s + p, e - p, false);
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
	wt_inline_render(st->c, s, n, st->mode, flags | (st->in_cell ? IF_CELL : 0), out, st->depth + 1);
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

/* A link to a page the wiki does not have, marked as MediaWiki marks it (class "new",
 * the same hover text) but with no target: a static site has no edit form to offer. */
static void emit_red_link(struct buf *o, const char *title, size_t tlen, const struct buf *label)
{
	buf_puts(o, "<a class=\"new\" title=\"");
	buf_add_html(o, title, tlen);
	buf_puts(o, " (page does not exist)\">");
	buf_add(o, label->data, label->len);
	buf_puts(o, "</a>");
}

/* The id a fragment resolves to: MediaWiki's form mapped to the Markdown renderer's,
 * on this page (title NULL) or title's (opts->section); false when the page has no such
 * heading or id (the site would fail on a broken anchor). Without opts->section another
 * page's is the fragment's slug. */
static bool fragment_id(struct ctx *c, const char *title, const char *f, size_t n, struct buf *out)
{
	struct buf d = BUF_INIT;
	wt_decode_entities(f, n, &d);
	for (size_t i = 0; i < d.len; i++)
		if (d.data[i] == ' ')
			d.data[i] = '_';
	if (!title) {
		for (size_t i = 0; i < c->nanchors; i++)
			if (!strcmp(c->anchors[i].mw, d.data)) {
				buf_puts(out, c->anchors[i].md);
				buf_release(&d);
				return true;
			}
		buf_release(&d);
		return false;
	}
	int found = c->o->section ? c->o->section(c->o->arg, title, d.data, out) : -1;
	if (found >= 0) {
		buf_release(&d);
		return found;
	}
	for (size_t i = 0; i < d.len; i++)
		if (d.data[i] == '_')
			d.data[i] = ' ';
	wt_slug(d.data, d.len, out);
	buf_release(&d);
	return true;
}

/* URL of a wiki page; returns false for a red link (recorded). */
static bool page_url(struct ctx *c, const char *title, const char *frag, size_t flen, struct buf *url)
{
	if (c->o->link_target) {
		if (c->o->link_target(c->o->arg, title, url) != 1) {
			if (c->r->nmissing < LIST_MAX)
				wt_strlist_add(&c->r->missing_links, &c->r->nmissing, title, strlen(title), true);
			return false;
		}
	} else {
		wt_article_url(c, title, url);
	}
	if (frag && flen) {
		size_t len = url->len;
		buf_putc(url, '#');
		if (!fragment_id(c, title, frag, flen, url)) {
			/* as MediaWiki: the page, from its top; reported as "Title#Section" */
			buf_truncate(url, len);
			struct buf t = BUF_INIT;
			buf_printf(&t, "%s#", title);
			buf_add(&t, frag, flen);
			if (c->r->nmissing < LIST_MAX)
				wt_strlist_add(&c->r->missing_links, &c->r->nmissing, t.data, t.len, true);
			buf_release(&t);
		}
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

/* The options of [[File:…|…]], MediaWiki's image syntax. */
enum file_kind { FILE_PLAIN, FILE_FRAMELESS, FILE_THUMB, FILE_FRAME };
struct file_opts {
	enum file_kind kind;
	const char *align; /* "left", "right", "center", "none" or NULL */
	long w, h;         /* requested box in pixels, 0 when not given */
	double upright;    /* 0 when not given */
	bool has_alt, has_link;
	struct buf alt, link;
};

static long parse_px(const char *s, size_t n, size_t *used)
{
	long v = 0;
	size_t i = 0;
	while (i < n && isdigit((unsigned char)s[i]) && v < 100000)
		v = v * 10 + (s[i++] - '0');
	*used = i;
	return v;
}

static bool has_prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);
	return n >= k && !memcmp(s, p, k);
}

static bool file_option(const char *s, size_t n, struct file_opts *fo)
{
	static const struct {
		const char *word;
		int kind;           /* enum file_kind, or -1 */
		const char *align;
	} words[] = {
		{"thumb", FILE_THUMB, NULL}, {"thumbnail", FILE_THUMB, NULL}, {"frame", FILE_FRAME, NULL},
		{"framed", FILE_FRAME, NULL}, {"frameless", FILE_FRAMELESS, NULL}, {"border", -1, NULL},
		{"left", -1, "left"}, {"right", -1, "right"}, {"center", -1, "center"},
		{"centre", -1, "center"}, {"none", -1, "none"}, {"upright", -1, NULL},
		{"baseline", -1, NULL}, {"sub", -1, NULL}, {"super", -1, NULL}, {"top", -1, NULL},
		{"text-top", -1, NULL}, {"middle", -1, NULL}, {"bottom", -1, NULL},
		{"text-bottom", -1, NULL},
	};
	trim(&s, &n);
	/* MediaWiki's image options are case-sensitive: "Framed" is a caption */
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strlen(words[i].word) == n && !memcmp(s, words[i].word, n)) {
			if (words[i].kind >= 0)
				fo->kind = (enum file_kind)words[i].kind;
			if (words[i].align)
				fo->align = words[i].align;
			if (!strcmp(words[i].word, "upright"))
				fo->upright = 0.75;
			return true;
		}
	if (has_prefix(s, n, "upright=")) {
		char num[16];
		size_t k = n - 8 < sizeof num - 1 ? n - 8 : sizeof num - 1;
		memcpy(num, s + 8, k);
		num[k] = 0;
		double f = strtod(num, NULL);
		fo->upright = f > 0 && f < 100 ? f : 0.75;
		return true;
	}
	if (has_prefix(s, n, "page=") || has_prefix(s, n, "class=") || has_prefix(s, n, "lang=") ||
	    has_prefix(s, n, "thumb=") || has_prefix(s, n, "thumbnail="))
		return true;
	if (has_prefix(s, n, "alt=")) {
		buf_reset(&fo->alt);
		buf_add(&fo->alt, s + 4, n - 4);
		fo->has_alt = true;
		return true;
	}
	if (has_prefix(s, n, "link=")) {
		buf_reset(&fo->link);
		buf_add(&fo->link, s + 5, n - 5);
		fo->has_link = true;
		return true;
	}
	/* sizes: 200px, x100px, 200x100px (a space before px too) */
	if (n > 2 && !strncmp(s + n - 2, "px", 2)) {
		size_t m = n - 2, u1 = 0, u2 = 0;
		while (m && s[m - 1] == ' ')
			m--;
		long w = parse_px(s, m, &u1), h = 0;
		if (u1 < m && s[u1] == 'x') {
			h = parse_px(s + u1 + 1, m - u1 - 1, &u2);
			if (!u2)
				return false;
			u1 += 1 + u2;
		}
		if (u1 != m || !m)
			return false;
		fo->w = w;
		fo->h = h;
		return true;
	}
	return false;
}

/* PHP's round(): halves away from zero. */
static long round_half_up(double v)
{
	return (long)(v + 0.5);
}

/* The displayed size, as MediaWiki 1.39's Linker computes it from the original's. A
 * frame shows the original; thumbnails and frameless images never grow beyond it;
 * a plain image is drawn at the size asked for. */
static void file_size(const struct file_opts *fo, long w0, long h0, long *w, long *h)
{
	if (w0 <= 0 || h0 <= 0) {
		*w = fo->w;
		*h = fo->h;
		return;
	}
	long rw = fo->w;
	bool framed = fo->kind == FILE_THUMB || fo->kind == FILE_FRAMELESS;
	if (fo->kind == FILE_FRAME) {
		*w = w0;
		*h = h0;
		return;
	}
	if (!rw && framed)
		rw = fo->upright > 0 ? 10 * round_half_up(WT_THUMB_WIDTH * fo->upright / 10.0)
		                     : WT_THUMB_WIDTH;
	long dw = rw ? rw : w0;
	if (framed && dw > w0)
		dw = w0;
	if (fo->h > 0 && dw * h0 > fo->h * w0) {
		double ideal = (double)w0 * (double)fo->h / (double)h0;
		long up = (long)ideal + ((double)(long)ideal < ideal);
		dw = round_half_up((double)up * h0 / w0) > fo->h ? (long)ideal : up;
	}
	if (dw < 1)
		dw = 1;
	*w = dw;
	*h = round_half_up((double)h0 * dw / w0);
	if (*h < 1)
		*h = 1;
}

/* An attribute value: HTML-escaped, and '|' as an entity (GFM table cells split there). */
static void put_attr(struct buf *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '|')
			buf_puts(o, "&#124;");
		else if (s[i] == '\n')
			buf_putc(o, ' ');
		else
			buf_add_html(o, s + i, 1);
	}
}

/* Plain text of rendered HTML (alt and title attributes): tags dropped. */
static void text_of_html(const struct buf *h, struct buf *out)
{
	bool tag = false;
	for (size_t i = 0; i < h->len; i++) {
		if (h->data[i] == '<')
			tag = true;
		else if (h->data[i] == '>' && tag)
			tag = false;
		else if (!tag)
			buf_putc(out, h->data[i]);
	}
}

/* The image of a migrated file as MediaWiki draws it: a <figure> for thumb and frame
 * (with the caption) and for aligned images, else an inline <img>; linked to the file's
 * page unless link= says otherwise. Always HTML, in Markdown too: the caption may hold
 * links, and Markdown inside an HTML block would stay raw. */
static void emit_image(struct inl *st, const char *name, const struct wikitext_file *wf,
                       struct file_opts *fo, const char *s, size_t cap0, size_t cap1)
{
	struct ctx *c = st->c;
	struct buf *o = &st->line, href = BUF_INIT, caption = BUF_INIT, alt = BUF_INIT, title = BUF_INIT;
	enum mode saved = st->mode;
	st->mode = HTML;
	bool figure = fo->kind == FILE_THUMB || fo->kind == FILE_FRAME || fo->align;
	bool captioned = fo->kind == FILE_THUMB || fo->kind == FILE_FRAME;
	if (cap0 != SIZE_MAX)
		sub_render(st, s + cap0, cap1 - cap0, 0, &caption);
	buf_trim(&caption);
	/* alt: alt=, else the caption of an image without a frame, else the file name */
	if (fo->has_alt)
		buf_add(&alt, fo->alt.data, fo->alt.len);
	else if (!captioned && caption.len)
		text_of_html(&caption, &alt);
	else if (!captioned)
		buf_puts(&alt, name);
	if (!captioned && caption.len)
		text_of_html(&caption, &title);
	bool linked = true;
	if (fo->has_link) {
		const char *l = fo->link.data;
		size_t ll = fo->link.len;
		trim(&l, &ll);
		struct buf t = BUF_INIT;
		if (!ll)
			linked = false;
		else if (wt_protocol_at(l, ll, true))
			buf_add(&href, l, ll);
		else if (!wt_norm_title(c, l, ll, &t) || !page_url(c, t.data, NULL, 0, &href))
			linked = false;
		buf_release(&t);
	} else {
		struct buf t = BUF_INIT;
		buf_printf(&t, "File:%s", name);
		if (!page_url(c, t.data, NULL, 0, &href)) {
			buf_reset(&href);
			buf_puts(&href, wf->url.data);
		}
		buf_release(&t);
	}
	long w, h;
	file_size(fo, wf->width, wf->height, &w, &h);
	if (figure) {
		buf_printf(o, "<figure class=\"wiki-figure wiki-%s wiki-%s\">",
		           fo->kind == FILE_THUMB ? "thumb" : fo->kind == FILE_FRAME ? "frame" : "image",
		           fo->align ? fo->align : captioned ? "right" : "none");
	}
	if (linked) {
		buf_puts(o, "<a href=\"");
		put_url(st, href.data, href.len);
		buf_puts(o, figure ? "\">" : "\" class=\"wiki-image\">");
	}
	buf_puts(o, "<img src=\"");
	put_url(st, wf->url.data, wf->url.len);
	buf_puts(o, "\" alt=\"");
	put_attr(o, alt.data, alt.len);
	buf_putc(o, '"');
	if (title.len) {
		buf_puts(o, " title=\"");
		put_attr(o, title.data, title.len);
		buf_putc(o, '"');
	}
	if (w > 0 && h > 0)
		buf_printf(o, " width=\"%ld\" height=\"%ld\"", w, h);
	buf_puts(o, " loading=\"lazy\">");
	if (linked)
		buf_puts(o, "</a>");
	if (captioned && caption.len) {
		buf_puts(o, "<figcaption>");
		buf_add(o, caption.data, caption.len);
		buf_puts(o, "</figcaption>");
	}
	if (figure)
		buf_puts(o, "</figure>");
	st->mode = saved;
	buf_release(&href);
	buf_release(&caption);
	buf_release(&alt);
	buf_release(&title);
}

/* [[File:X|options|caption]] and [[Media:X|label]]. A file the site has (opts.file_info)
 * is drawn or linked; otherwise a link to its page (when there is one) and a visible
 * note that the file itself was not migrated. */
static void render_file(struct inl *st, const char *name, const char *s, size_t b0, size_t b1,
                        bool media, const char *written, size_t wlen)
{
	struct ctx *c = st->c;
	struct buf title = BUF_INIT, url = BUF_INIT, label = BUF_INIT, caption = BUF_INIT;
	struct file_opts fo = {.align = NULL};
	struct wikitext_file wf = {BUF_INIT, 0, 0};
	buf_init(&fo.alt);
	buf_init(&fo.link);
	buf_printf(&title, "File:%s", name);
	size_t cap0 = SIZE_MAX, cap1 = 0;
	if (b0 != SIZE_MAX) {
		size_t starts[64], ends[64];
		size_t k = split_pipes(s + b0, b1 - b0, starts, ends, 64);
		for (size_t i = 0; i < k; i++) {
			const char *p = s + b0 + starts[i];
			size_t l = ends[i] - starts[i];
			if (media || !file_option(p, l, &fo)) {
				cap0 = b0 + starts[i];
				cap1 = b0 + ends[i];
			}
		}
	}
	bool have = c->o->file_info && c->o->file_info(c->o->arg, name, &wf) == 1 && wf.url.len;
	if (have && !media) {
		emit_image(st, name, &wf, &fo, s, cap0, cap1);
		goto out;
	}
	bool thumb = fo.kind != FILE_PLAIN;
	bool linked = have ? (buf_puts(&url, wf.url.data), true) : page_url(c, title.data, NULL, 0, &url);
	if (media && cap0 != SIZE_MAX) {
		sub_render(st, s + cap0, cap1 - cap0, IF_LINK, &label);
	} else if (fo.has_alt) {
		esc_alone(c, st->mode, fo.alt.data, fo.alt.len, false, &label);
	} else if (!thumb && cap0 != SIZE_MAX) {
		sub_render(st, s + cap0, cap1 - cap0, IF_LINK, &label);
	} else {
		esc_alone(c, st->mode, written, wlen, false, &label);
	}
	if (linked)
		emit_link(st, url.data, &label);
	else
		buf_add(&st->line, label.data, label.len);
	if (have)
		goto out;
	buf_puts(&st->line, st->mode == MD ? " *(file not migrated)*" : " <i>(file not migrated)</i>");
	if (thumb && !media && cap0 != SIZE_MAX) {
		sub_render(st, s + cap0, cap1 - cap0, 0, &caption);
		if (caption.len) {
			buf_puts(&st->line, " ");
			buf_add(&st->line, caption.data, caption.len);
		}
	}
	wt_unconverted(c, "file [[%s]] not migrated", title.data);
out:
	buf_release(&title);
	buf_release(&url);
	buf_release(&label);
	buf_release(&fo.alt);
	buf_release(&fo.link);
	buf_release(&caption);
	buf_release(&wf.url);
}

/* Whether the paragraph s[0..n) holds an image that MediaWiki draws as a block (thumb,
 * frame, or aligned): the paragraph is then HTML (see flush_para). */
bool wt_has_block_file(struct ctx *c, const char *s, size_t n)
{
	if (!c->o->file_info)
		return false;
	for (const char *p = s; (p = memmem(p, (size_t)(s + n - p), "[[", 2)); p += 2) {
		size_t rest, tl = 0;
		const char *t = p + 2;
		while (t + tl < s + n && !strchr("|]\n", t[tl]))
			tl++;
		if (wt_title_ns(c, t, tl, &rest) != NS_FILE || t + tl >= s + n || t[tl] != '|')
			continue;
		const char *e = memmem(t + tl, (size_t)(s + n - t - tl), "]]", 2);
		size_t starts[64], ends[64], k = split_pipes(t + tl + 1, (size_t)((e ? e : s + n) - t - tl - 1), starts, ends, 64);
		struct file_opts fo = {.align = NULL};
		buf_init(&fo.alt);
		buf_init(&fo.link);
		for (size_t i = 0; i < k; i++)
			file_option(t + tl + 1 + starts[i], ends[i] - starts[i], &fo);
		buf_release(&fo.alt);
		buf_release(&fo.link);
		if (fo.kind == FILE_THUMB || fo.kind == FILE_FRAME || fo.align)
			return true;
	}
	return false;
}

static void render_link(struct inl *st, const char *s, struct tok *tk)
{
	struct ctx *c = st->c;
	struct buf raw = BUF_INIT, title = BUF_INIT, url = BUF_INIT, label = BUF_INIT;
	wt_decode_entities(s + tk->a0, tk->a1 - tk->a0, &raw);
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
			if (wt_ns_eq(t, k, interwiki[i].prefix)) {
				const char *tpl = interwiki[i].url, *d = strstr(tpl, "$1");
				buf_add(&url, tpl, (size_t)(d - tpl));
				const char *r = col + 1;
				size_t rl = tl - k - 1;
				trim(&r, &rl);
				url_encode_title(&url, r, rl, true);
				buf_puts(&url, d + 2);
				if (tk->b0 != SIZE_MAX && tk->b1 > tk->b0)
					sub_render(st, s + tk->b0, tk->b1 - tk->b0, IF_LINK, &label);
				else
					esc_alone(c, st->mode, written, wlen, false, &label);
				emit_link(st, url.data, &label);
				goto trail;
			}
	}
	bool missing_section = false;
	if (pl == 0 && hash) {
		buf_putc(&url, '#');
		/* [[#Missing section]]: a red link, reported as "#Missing section" */
		missing_section = !fragment_id(c, NULL, frag, flen, &url);
		if (missing_section && c->r->nmissing < LIST_MAX)
			wt_strlist_add(&c->r->missing_links, &c->r->nmissing, hash, flen + 1, true);
	} else if (!wt_norm_title(c, t, pl, &title)) {
		/* not a title: the text as written */
		struct buf w = BUF_INIT;
		buf_add(&w, s + tk->s, tk->e - tk->s);
		esc_text(st, w.data, w.len);
		buf_release(&w);
		goto out;
	}
	if (title.len) {
		size_t rest;
		int ns = wt_title_ns(c, title.data, title.len, &rest);
		if (!colon && ns == NS_CATEGORY) {
			if (c->r->ncategories < LIST_MAX)
				wt_strlist_add(&c->r->categories, &c->r->ncategories, title.data + rest,
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
		esc_alone(c, st->mode, p, l, false, &label);
	} else {
		esc_alone(c, st->mode, written, wlen, true, &label);
	}
	if (tk->t1 > tk->t0)
		buf_add(&label, s + tk->t0, tk->t1 - tk->t0);
	if (missing_section) {
		buf_add(&st->line, label.data, label.len);
		goto out;
	}
	if (title.len && !page_url(c, title.data, frag, flen, &url)) {
		emit_red_link(&st->line, title.data, title.len, &label);
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
	size_t idx, ml = s[tk->a0] == '\x7f' ? marker_at(s + tk->a0, tk->a1 - tk->a0, &idx) : 0;
	if (ml) /* an S_URL marker (next_token checked it) */
		buf_add(&url, st->c->strips[idx].body.data, st->c->strips[idx].body.len);
	wt_decode_entities(s + tk->a0 + ml, tk->a1 - tk->a0 - ml, &url);
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
		esc_alone(st->c, st->mode, url.data, url.len, false, &label);
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
			wt_sanitize_attrs(name, s + tk->b0, tk->b1 - tk->b0, o);
		buf_putc(o, '>');
		return;
	}
	bool block = wt_tag_is_block(name, strlen(name));
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
	wt_sanitize_attrs(name, s + tk->b0, tk->b1 - tk->b0, o);
	if (tk->selfclose) {
		buf_printf(o, "></%s>", name);
		return;
	}
	buf_putc(o, '>');
	tags_push(ts, name);
}

/* ---- footnotes ---- */

void wt_note_label(struct note *nt, struct buf *out)
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
	wt_attr_get(sp->attrs, strlen(sp->attrs), "name", &name);
	wt_attr_get(sp->attrs, strlen(sp->attrs), "group", &group);
	struct note *nt = NULL;
	if (c->in_ref && !c->defining_refs) {
		wt_unconverted(c, "nested <ref>");
		goto out;
	}
	if (c->nnotes > 5000) {
		wt_limit(c, "footnotes");
		goto out;
	}
	if (name.len)
		for (size_t i = 0; i < c->nnotes; i++)
			if (c->notes[i].name && !strcmp(c->notes[i].name, name.data) &&
			    !strcmp(c->notes[i].group, group.data))
				nt = &c->notes[i];
	if (!nt) {
		ALLOC_GROW(c->notes, c->nnotes + 1, c->capnotes);
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
		wt_blocks(c, sp->body.data, sp->body.len, MD, &tmp, st->depth + 1);
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
		wt_note_label(nt, &st->line);
		buf_putc(&st->line, ']');
		nt->md_ref = true;
	} else {
		buf_puts(&st->line, "<sup>&#91;");
		wt_note_label(nt, &st->line);
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
	case S_URL:
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
		if (wt_attr_get(sp->attrs, strlen(sp->attrs), "inline", &v) ||
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
		wt_render_strip_block(c, sp, st->mode, &tmp, st->depth + 1);
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
				ALLOC_GROW(q, nq + 1, cap);
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
					wt_decode_entities(st->c->strips[idx].body.data, st->c->strips[idx].body.len, &dec);
					x += ml - 1;
				} else {
					unsigned cp;
					size_t el = s[x] == '&' ? wt_entity_at(s + x, tk.a1 - x, &cp) : 0;
					if (el) {
						utf8_encode((int32_t)cp, &dec);
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

void wt_inline_render(struct ctx *c, const char *s, size_t n, enum mode mode, int flags,
                      struct buf *out, int depth)
{
	if (depth > NEST_LIMIT) {
		wt_limit(c, "nesting depth");
		esc_alone(c, mode, s, n, false, out);
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
	wt_tags_release(&st.tags);
	buf_release(&st.line);
}

void wt_render_redirect(struct ctx *c, const char *target, size_t len, struct buf *body)
{
	struct buf url = BUF_INIT;
	const char *hash = strchr(target, '#');
	size_t tl = hash ? (size_t)(hash - target) : len;
	char *title = xstrndup(target, tl);
	buf_puts(body, "Redirect to:\n\n- ");
	struct inl st = {.c = c, .mode = MD};
	buf_init(&st.line);
	esc_text(&st, target, len);
	if (page_url(c, title, hash ? hash + 1 : NULL, hash ? strlen(hash + 1) : 0, &url)) {
		buf_putc(body, '[');
		buf_add(body, st.line.data, st.line.len);
		buf_puts(body, "](");
		buf_reset(&st.line);
		put_url(&st, url.data, url.len);
		buf_add(body, st.line.data, st.line.len);
		buf_puts(body, ")\n\n");
	} else {
		emit_red_link(body, title, tl, &st.line);
		buf_puts(body, "\n\n");
	}
	buf_release(&st.line);
	buf_release(&url);
	free(title);
}
