/* preprocess: the first phase, text in, tree out. Nothing here knows what a template
 * means or what the page renders to, so the tree can be built once per template and
 * cached (expand.c), and both the page and every transclusion go through it. */
#include "wikitext/internal.h"
#include "base/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Replaces invalid UTF-8 and control characters (NUL, DEL, C0 but tab and newline) with
 * U+FFFD, CR LF and lone CR with LF. */
void wt_normalise(const char *s, size_t n, struct buf *out)
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

const char *const wt_ext_names[] = {
	"nowiki", "pre", "source", "syntaxhighlight", "ref", "references", "gallery", "math",
	"poem", "templatedata", "indicator", "chem", "hiero", "score", "timeline", "imagemap",
	"inputbox", "categorytree", "ce", "graph", "mapframe", "maplink", NULL
};
#define NEXT (sizeof wt_ext_names / sizeof *wt_ext_names)

static int pt_new(struct ptree *t, int type, size_t start, size_t end)
{
	ALLOC_GROW(t->n, t->nn + 1, t->cap);
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

/* Moves the parts of an open element to the end of parent's children as text again,
 * each part after the first behind the '|' that started it. */
static void pt_flatten_parts(struct ptree *t, int parent, int node)
{
	int first = 1;
	for (int p = t->n[node].first; p >= 0;) {
		int nx = t->n[p].next;
		if (!first)
			pt_append(t, parent, pt_new(t, PN_TEXT, t->n[p].start, t->n[p].start + 1));
		first = 0;
		pt_splice(t, parent, p);
		p = nx;
	}
}

void wt_ptree_free(struct ptree *t)
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

struct ptree *wt_ptree_build(const char *src, size_t len, bool transclude)
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
			for (size_t x = 0; wt_ext_names[x]; x++)
				if (name_is(nm, k, wt_ext_names[x]))
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
					e = find_close(s, n, (size_t)(gt - s) + 1, wt_ext_names[ext], &after);
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
			ALLOC_GROW(st, nst + 1, capst);
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
				pt_flatten_parts(t, res, e->node);
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
		pt_flatten_parts(t, parent, e->node);
	}
#undef ACC
#undef FLUSH
	free(st);
	return t;
}

