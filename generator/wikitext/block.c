/* block: MediaWiki's doTableStuff and doBlockLevels, line by line, over the expanded
 * text: tables, headings, lists, leading-space pre, paragraphs, and the block-level
 * strip markers (pre, source, gallery, references). It chooses for each run of lines
 * whether it is written as Markdown or as HTML and hands the run to inline.c. */
#include "wikitext/internal.h"

#include <stdint.h>
#include <stdlib.h>

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

void wt_emit_notes(struct ctx *c, const char *group, enum mode mode, struct buf *out)
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
			wt_note_label(best, out);
			buf_puts(out, "]: ");
		} else {
			buf_puts(out, "\\[");
			wt_note_label(best, out);
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

void wt_render_strip_block(struct ctx *c, struct strip *sp, enum mode mode, struct buf *out,
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
		wt_decode_entities(raw.data, raw.len, &d);
		const char *p = d.data;
		size_t l = d.len;
		if (l && *p == '\n') {
			p++;
			l--;
		}
		wt_sanitize_attrs("pre", sp->attrs, strlen(sp->attrs), &attrs);
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
		wt_attr_get(sp->attrs, strlen(sp->attrs), "lang", &lang);
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
		wt_attr_get(sp->attrs, strlen(sp->attrs), "group", &group);
		if (n) {
			struct buf tmp = BUF_INIT;
			bool was = c->defining_refs;
			c->defining_refs = true;
			wt_inline_render(c, b, n, MD, 0, &tmp, depth + 1);
			c->defining_refs = was;
			buf_release(&tmp);
		}
		wt_emit_notes(c, group.data, mode, out);
		buf_release(&group);
		break;
	}
	case S_GALLERY: {
		/* MediaWiki's traditional gallery: each image fitted into 120x120 over its
		 * caption. One HTML block without blank lines, so Markdown leaves it whole. */
		struct buf w = BUF_INIT, img = BUF_INIT, cap = BUF_INIT;
		buf_puts(out, "<ul class=\"wiki-gallery\">");
		for (size_t i = 0; i < n;) {
			const char *nl = memchr(b + i, '\n', n - i);
			size_t e = nl ? (size_t)(nl - b) : n;
			const char *l = b + i;
			size_t ll = e - i;
			trim(&l, &ll);
			if (ll) {
				size_t rest;
				bool has_ns = wt_title_ns(c, l, ll, &rest) == NS_FILE;
				const char *bar = memchr(l, '|', ll);
				size_t nl_len = bar ? (size_t)(bar - l) : ll;
				buf_reset(&w);
				buf_printf(&w, "[[%s", has_ns ? "" : "File:");
				buf_add(&w, l, nl_len);
				buf_puts(&w, "|120x120px");
				if (bar)
					buf_add(&w, bar, ll - nl_len);
				buf_puts(&w, "]]");
				buf_reset(&img);
				buf_reset(&cap);
				wt_inline_render(c, w.data, w.len, HTML, 0, &img, depth + 1);
				if (bar)
					wt_inline_render(c, bar + 1, ll - nl_len - 1, HTML, 0, &cap, depth + 1);
				buf_puts(out, "<li class=\"wiki-gallerybox\"><div class=\"wiki-gallery-image\">");
				buf_add(out, img.data, img.len);
				buf_puts(out, "</div><div class=\"wiki-gallerytext\">");
				buf_add(out, cap.data, cap.len);
				buf_puts(out, "</div></li>");
			}
			i = e + 1;
		}
		buf_puts(out, mode == MD ? "</ul>\n\n" : "</ul>\n");
		buf_release(&w);
		buf_release(&img);
		buf_release(&cap);
		break;
	}
	default: {
		struct buf tmp = BUF_INIT;
		buf_printf(&tmp, "\x7f%zu\x7f", (size_t)(sp - c->strips));
		wt_inline_render(c, tmp.data, tmp.len, mode, 0, out, depth + 1);
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
		bool in = wt_attr_get(sp->attrs, strlen(sp->attrs), "inline", &v);
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
		if (k && wt_tag_is_block(s + nb, k) && strncasecmp(s + nb, "hr", 2))
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

/* doBlockLevels' two tests of a line holding block tags: *open when it opens a block
 * whose content is not paragraphs (table, list, heading, pre...), *close when it closes
 * one or opens one whose content is (div, blockquote, center, a cell). */
static void block_match(const char *s, size_t n, bool *open, bool *close)
{
	static const char *const opens[] = {"table", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
	                                    "tr", "p", "ul", "ol", "dl", "li", "/tr", "/td", "/th"};
	static const char *const closes[] = {"/table", "/h1", "/h2", "/h3", "/h4", "/h5", "/h6",
	                                     "td", "th", "blockquote", "/blockquote", "div", "/div",
	                                     "hr", "/pre", "/p", "/li", "/ul", "/ol", "/dl",
	                                     "center", "/center"};
	*open = *close = false;
	for (size_t i = 0; i + 1 < n; i++) {
		if (s[i] != '<')
			continue;
		size_t sl = s[i + 1] == '/';
		size_t k = sl + tag_name(s, n, i + 1 + sl);
		for (size_t j = 0; j < sizeof opens / sizeof *opens; j++)
			*open |= name_is(s + i + 1, k, opens[j]);
		for (size_t j = 0; j < sizeof closes / sizeof *closes; j++)
			*close |= name_is(s + i + 1, k, closes[j]);
	}
}

/* A paragraph holding block tags, as doBlockLevels splits it: a line with such a tag
 * stands alone; after one that closes (or opens a div, a blockquote...), plain lines are
 * a paragraph again, after one that opens a table or list they are its content. */
static void block_para(struct ctx *c, const char *s, size_t n, struct buf *out, int depth)
{
	struct buf tmp = BUF_INIT;
	bool in_block = false;
	for (size_t i = 0; i < n;) {
		size_t e = eol(s, n, i);
		bool op, cl, text = false;
		block_match(s + i, e - i, &op, &cl);
		cl |= wt_has_block_file(c, s + i, e - i); /* a thumbnail is MediaWiki's <div> */
		if (op || cl) {
			in_block = !cl;
		} else {
			text = !in_block;
			while (e < n) { /* the run of lines without block tags */
				size_t ne = eol(s, n, e + 1);
				block_match(s + e + 1, ne - e - 1, &op, &cl);
				if (op || cl || wt_has_block_file(c, s + e + 1, ne - e - 1))
					break;
				e = ne;
			}
		}
		buf_reset(&tmp);
		wt_inline_render(c, s + i, e - i, HTML, 0, &tmp, depth);
		buf_trim(&tmp);
		if (tmp.len) {
			buf_puts(out, text ? "<p>" : "");
			buf_add(out, tmp.data, tmp.len);
			buf_puts(out, text ? "</p>\n" : "\n");
		}
		i = e < n ? e + 1 : n;
	}
	buf_release(&tmp);
}

static void flush_para(struct ctx *c, struct buf *para, enum mode mode, struct buf *out, int depth)
{
	buf_trim(para);
	if (!para->len)
		return;
	struct buf tmp = BUF_INIT;
	bool blk = has_block_tag(para->data, para->len) || wt_has_block_file(c, para->data, para->len);
	if (blk && para->len && memchr(para->data, '\n', para->len))
		block_para(c, para->data, para->len, &tmp, depth);
	else
		wt_inline_render(c, para->data, para->len, blk ? HTML : mode, 0, &tmp, depth);
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

/* ---- headings ---- */

int wt_heading_at(const char *l, size_t n, size_t *t0, size_t *t1)
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
		wt_inline_render(c, s, n, MD, 0, &tmp, depth);
		buf_trim(&tmp);
		for (size_t i = 0; i < tmp.len; i++)
			if (tmp.data[i] == '\n')
				tmp.data[i] = ' ';
		buf_add(out, tmp.data, tmp.len);
		buf_puts(out, "\n\n");
	} else {
		wt_inline_render(c, s, n, HTML, 0, &tmp, depth);
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
		wt_inline_render(c, t, tl, has_block_tag(t, tl) ? HTML : MD, 0, &tmp, depth);
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
		wt_inline_render(c, t, tl, HTML, 0, &tmp, depth);
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
			wt_limit(c, "list nesting");
			pl = maxp;
		}
		for (int part = 0; part < 2; part++) {
			ALLOC_GROW(it, ni + 1, cap);
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
			ALLOC_GROW(it, ni + 1, cap);
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
			if ((i + 1 < n && s[i + 1] == '[') || wt_protocol_at(s + i + 1, n - i - 1, true))
				return false;
			break;
		case '<':
			if (i + 1 < n && (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '/'))
				return false;
			break;
		case '&':
			if (wt_entity_at(s + i, n - i, &cp))
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
	wt_inline_render(c, s, n, HTML, IF_PRE, &tmp, depth);
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
	if (wt_attr_get(a, strlen(a), "colspan", &v) && atoi(v.data) > 1)
		span = true;
	buf_reset(&v);
	if (wt_attr_get(a, strlen(a), "rowspan", &v) && atoi(v.data) > 1)
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
		wt_blocks(c, s, n, HTML, &tmp, depth + 1);
	} else {
		wt_inline_render(c, s, n, HTML, 0, &tmp, depth + 1);
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
					wt_inline_render(c, p, l, MD, IF_CELL, &cell, depth + 1);
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
	wt_sanitize_attrs("table", t->attrs, strlen(t->attrs), out);
	buf_puts(out, ">\n");
	if (t->has_caption) {
		buf_puts(out, "<caption");
		wt_sanitize_attrs("caption", t->cap_attrs, strlen(t->cap_attrs), out);
		buf_putc(out, '>');
		cell_html(c, t->caption.data, t->caption.len, out, depth);
		buf_puts(out, "</caption>\n");
	}
	for (size_t i = 0; i < t->n; i++) {
		struct trow *r = &t->rows[i];
		if (!r->n)
			continue;
		buf_puts(out, "<tr");
		wt_sanitize_attrs("tr", r->attrs, strlen(r->attrs), out);
		buf_puts(out, ">\n");
		for (size_t j = 0; j < r->n; j++) {
			struct tcell *cl = &r->cells[j];
			const char *tg = cl->header ? "th" : "td";
			buf_printf(out, "<%s", tg);
			wt_sanitize_attrs(tg, cl->attrs, strlen(cl->attrs), out);
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

void wt_blocks(struct ctx *c, const char *s, size_t n, enum mode mode, struct buf *out,
               int depth)
{
	if (depth > NEST_LIMIT) {
		wt_limit(c, "nesting depth");
		wt_inline_render(c, s, n, mode, 0, out, NEST_LIMIT + 1);
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
		if (ll && l[0] == '=' && (lvl = (size_t)wt_heading_at(l, ll, &t0, &t1))) {
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
			wt_render_strip_block(c, &c->strips[idx], mode, out, depth + 1);
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
	wt_tags_release(&btags);
	c->btags = saved;
}
