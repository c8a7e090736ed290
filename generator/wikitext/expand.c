/* expand: the preprocessor tree back to wikitext, with templates, arguments and parser
 * functions replaced and extension tags turned into strip markers. Its own phase because
 * it is the only one that calls out to the wiki (template_source, template_map,
 * link_target for #ifexist) and the only one with a work budget: what comes out is plain
 * text the block and inline phases read without recursion into templates. */
#include "wikitext/internal.h"
#include "base/url.h"

#include <stdint.h>
#include <stdlib.h>

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
	ALLOC_GROW(c->strips, c->nstrips + 1, c->capstrips);
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
	const char *name = wt_ext_names[p->ext];
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
			wt_limit(c, "nesting depth");
			literal(c, t->src + p->start, p->end - p->start, out);
			return;
		}
		struct ptree *sub = wt_ptree_build(body, blen, false);
		struct buf e = BUF_INIT;
		expand(c, fr, sub, sub->n[sub->root].first, false, &e, depth + 1);
		strip_add(c, kind, name, attrs, alen, e.data, e.len, closed, out);
		buf_release(&e);
		wt_ptree_free(sub);
		return;
	}
	if (kind == S_OTHER)
		wt_unconverted(c, "extension tag <%s>", name);
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
	if (!wt_norm_title(c, t, strlen(t), &norm))
		buf_puts(&norm, t);
	int n = wt_title_ns(c, norm.data, norm.len, &rest);
	if (n != NS_MAIN) {
		buf_puts(ns, wt_ns_name(c, n));
		buf_puts(page, norm.data + rest);
	} else {
		buf_puts(page, norm.data);
	}
	buf_release(&norm);
}

static void put_encoded(const char *s, struct buf *out)
{
	url_encode_title(out, s, strlen(s), true);
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
		if (wt_expr_eval(a0, strlen(a0), &v) < 0) {
			wt_unconverted(c, "expression error in {{%s:%s}}", fn, a0);
			buf_puts(out, "Expression error: ");
			literal(c, a0, strlen(a0), out);
		} else if (!strcasecmp(fn, "#expr")) {
			wt_fmt_number(v, out);
		} else {
			part_text(c, fr, t, nth_part(t, tpl, v != 0 ? 1 : 2), out, depth);
		}
	} else if (!strcasecmp(fn, "#ifexist")) {
		bool exists = false;
		if (c->o->link_target) {
			struct buf norm = BUF_INIT;
			if (wt_norm_title(c, a0, strlen(a0), &norm))
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
			wt_ucfirst(out, at);
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
			nm = v == 0 ? "" : wt_ns_name(c, (int)v);
		else {
			size_t rest;
			struct buf tmp = BUF_INIT;
			buf_printf(&tmp, "%s:x", a0);
			int x = wt_title_ns(c, tmp.data, tmp.len, &rest);
			nm = x != NS_MAIN ? wt_ns_name(c, x) : NULL;
			buf_release(&tmp);
		}
		if (nm)
			buf_puts(out, nm);
	} else if (!strcasecmp(fn, "localurl") || !strcasecmp(fn, "localurle")) {
		struct buf norm = BUF_INIT;
		if (wt_norm_title(c, a0, strlen(a0), &norm))
			wt_article_url(c, norm.data, out);
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
		for (size_t x = 0; wt_ext_names[x]; x++)
			if (!strcasecmp(a0, wt_ext_names[x]))
				ext = (int)x;
		if (ext < 0) {
			ok = false;
		} else {
			struct buf src = BUF_INIT;
			buf_printf(&src, "<%s>%s</%s>", wt_ext_names[ext], b.data, wt_ext_names[ext]);
			struct ptree *sub = wt_ptree_build(src.data, src.len, false);
			expand(c, fr, sub, sub->n[sub->root].first, false, out, depth + 1);
			wt_ptree_free(sub);
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
	wt_ptree_free(c->uncached);
	c->uncached = NULL;
	for (size_t i = 0; i < c->ncache; i++)
		if (!strcmp(c->cache[i].name, name))
			return c->cache[i].tree;
	struct ptree *tree = NULL;
	struct buf src = BUF_INIT;
	if (c->o->template_source && c->o->template_source(c->o->arg, name, &src) == 1) {
		struct buf norm = BUF_INIT;
		wt_normalise(src.data, src.len, &norm);
		tree = wt_ptree_build(norm.data, norm.len, true);
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
			wt_unconverted(c, "parser function {{%s:}}", fn.data);
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
		wt_unconverted(c, "magic variable {{%s}}", nm);
		literal(c, whole, wlen, out);
		goto out;
	}
	/* a template: "Name" is Template:Name, ":Name" a main-namespace page */
	{
		size_t rest;
		struct buf norm = BUF_INIT;
		if (*nm == ':') {
			if (wt_norm_title(c, nm + 1, strlen(nm + 1), &norm)) {
				buf_putc(&tn, ':');
				buf_add(&tn, norm.data, norm.len);
			}
		} else if (wt_norm_title(c, nm, strlen(nm), &norm)) {
			if (wt_title_ns(c, norm.data, norm.len, &rest) == NS_TEMPLATE)
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
			wt_unconverted(c, "template loop {{%s}}", tn.data);
			buf_puts(out, "Template loop detected: ");
			literal(c, whole, wlen, out);
			goto out;
		}
	if ((int)c->ntstack >= c->max_depth) {
		wt_limit(c, "template depth");
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
				wt_normalise(md.data, md.len, &clean);
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
			wt_unconverted(c, "template {{%s}}", tn.data);
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
				wt_limit(c, "nesting depth");
				literal(c, t->src + p->start, p->end - p->start, out);
			} else if (c->work > c->work_limit || out->len > ((size_t)64 << 20)) {
				wt_limit(c, "expansion size");
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

void wt_expand_page(struct ctx *c, const char *src, size_t n, struct buf *out)
{
	struct ptree *t = wt_ptree_build(src, n, false);
	struct frame page = {NULL, NULL, NULL, 0, NULL, 0};
	expand(c, &page, t, t->n[t->root].first, false, out, 0);
	wt_ptree_free(t);
}
