/* wikitext: MediaWiki wikitext → Markdown (see wikitext.h; the phases and what they
 * share are described in internal.h). Pure: no I/O, no globals that change; every call
 * owns its state in one struct ctx. This file is the driver: it owns the ctx and the
 * result, runs the phases in order and holds the passes that read the whole page at
 * once (redirect, magic words, heading anchors, the final tidy), which belong to no
 * single phase. */
#include "wikitext/internal.h"

#include <stdarg.h>
#include <stdlib.h>

#define DEFAULT_DEPTH 40
#define WORK_LIMIT 4000000    /* preprocessor nodes visited, beyond the page size */
#define UNCONVERTED_MAX 500

/* ---- the result's lists and reports ---- */

void wt_strlist_add(char ***v, size_t *n, const char *s, size_t len, bool dedupe)
{
	if (dedupe)
		for (size_t i = 0; i < *n; i++)
			if (strlen((*v)[i]) == len && !memcmp((*v)[i], s, len))
				return;
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = xstrndup(s, len);
}

void wt_strlist_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void wt_unconverted(struct ctx *c, const char *fmt, ...)
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
	wt_strlist_add(&c->r->unconverted, &c->r->nunconverted, b.data, b.len, true);
	buf_release(&b);
}

void wt_limit(struct ctx *c, const char *what)
{
	c->limit_hit = true;
	wt_unconverted(c, "limit: %s", what);
}

/* ---- the whole-page passes ---- */

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
						wt_strlist_add(&c->r->magic_words, &c->r->nmagic_words, magic_words[x],
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

void wt_heading_plain(struct ctx *c, const char *s, size_t n, struct buf *out)
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
	wt_decode_entities(tmp.data, tmp.len, out);
	buf_trim(out);
	buf_release(&tmp);
}

/* The page's headings: MediaWiki's ids (duplicates _2, _3…) and the Markdown renderer's
 * (duplicates -1, -2…), so [[#Section]] links land. */
static void collect_anchors(struct ctx *c, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t e = eol(s, n, i), t0, t1;
		if (s[i] == '=' && wt_heading_at(s + i, e - i, &t0, &t1) && c->nanchors < 2000) {
			struct buf plain = BUF_INIT, mw = BUF_INIT, md = BUF_INIT;
			wt_heading_plain(c, s + i + t0, t1 - t0, &plain);
			for (size_t k = 0; k < plain.len; k++)
				buf_putc(&mw, plain.data[k] == ' ' ? '_' : plain.data[k]);
			wt_slug(plain.data, plain.len, &md);
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

/* After the headings, every id="x" (or id=x) of the text: links name them as written. */
static void collect_ids(struct ctx *c, const char *s, size_t n)
{
	for (const char *p = s; (p = memmem(p, n - (size_t)(p - s), "id=", 3)) && c->nanchors < 4000; p += 3) {
		if (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '-' || p[-1] == '_'))
			continue; /* data-id=, grid= */
		const char *v = p + 3, *e;
		if (*v == '"' || *v == '\'') {
			e = memchr(v + 1, *v, n - (size_t)(v + 1 - s));
			v++;
		} else {
			e = v;
			while (e < s + n && !strchr(" |>\n\"'", *e))
				e++;
		}
		if (!e || e == v)
			continue;
		struct buf md = BUF_INIT;
		buf_add_urlenc(&md, v, (size_t)(e - v));
		c->anchors = xrealloc(c->anchors, (c->nanchors + 1) * sizeof *c->anchors);
		c->anchors[c->nanchors].mw = xstrndup(v, (size_t)(e - v));
		c->anchors[c->nanchors].md = buf_detach(&md, NULL);
		c->nanchors++;
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
	if (!wt_norm_title(c, t, pl, target))
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
	c.server = c.o->server;
	if (c.o->project || c.sitename) {
		/* MediaWiki's default project namespace: the site's name, first letter capital */
		struct buf p = BUF_INIT;
		buf_puts(&p, c.o->project ? c.o->project : c.sitename);
		wt_case_first(&p, 0, true);
		c.project_talk = xasprintf("%s talk", p.data);
		c.project = buf_detach(&p, NULL);
	}
	c.article_path = c.o->article_path && *c.o->article_path ? c.o->article_path : "/wiki/index.php/$1";
	c.work_limit = WORK_LIMIT + len;

	struct buf text = BUF_INIT, exp = BUF_INIT, target = BUF_INIT, body = BUF_INIT;
	wt_normalise(src, len, &text);

	size_t skip = redirect_at(&c, text.data, text.len, &target);
	if (skip) {
		result->redirect = xstrdup(target.data);
		wt_render_redirect(&c, target.data, target.len, &body);
	}

	wt_expand_page(&c, text.data + skip, text.len - skip, &exp);
	magic_pass(&c, &exp);
	collect_anchors(&c, exp.data, exp.len);
	collect_ids(&c, exp.data, exp.len);
	c.text = exp.data;
	c.textlen = exp.len;
	wt_blocks(&c, exp.data, exp.len, MD, &body, 0);
	{
		size_t before = body.len;
		wt_emit_notes(&c, NULL, MD, &body);
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
		wt_heading_plain(&c, result->displaytitle, strlen(result->displaytitle), &plain);
		free(result->displaytitle);
		result->displaytitle = buf_detach(&plain, NULL);
	}
	if (result->defaultsort) {
		struct buf plain = BUF_INIT;
		wt_heading_plain(&c, result->defaultsort, strlen(result->defaultsort), &plain);
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
	result->sections = c.anchors;
	result->nsections = c.nanchors;
	for (size_t i = 0; i < c.ncache; i++) {
		free(c.cache[i].name);
		wt_ptree_free(c.cache[i].tree);
	}
	free(c.cache);
	wt_ptree_free(c.uncached);
	free(c.tstack);
	free(c.project);
	free(c.project_talk);
	buf_release(&text);
	buf_release(&exp);
	buf_release(&target);
	buf_release(&body);
	return c.limit_hit ? -1 : 0;
}

void wikitext_sections_free(struct wikitext_section *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].mw);
		free(s[i].md);
	}
	free(s);
}

void wikitext_result_release(struct wikitext_result *r)
{
	if (!r)
		return;
	buf_release(&r->markdown);
	wt_strlist_free(r->categories, r->ncategories);
	wt_strlist_free(r->missing_links, r->nmissing);
	wt_strlist_free(r->unconverted, r->nunconverted);
	wt_strlist_free(r->magic_words, r->nmagic_words);
	wikitext_sections_free(r->sections, r->nsections);
	free(r->redirect);
	free(r->displaytitle);
	free(r->defaultsort);
	memset(r, 0, sizeof *r);
	buf_init(&r->markdown);
}
