/* expand: the preprocessor tree back to wikitext, with templates, arguments and parser
 * functions replaced and extension tags turned into strip markers. Its own phase because
 * it is the only one that calls out to the wiki (template_source, template_map,
 * link_target for #ifexist) and the only one with a work budget: what comes out is plain
 * text the block and inline phases read without recursion into templates. */
#include "wikitext/internal.h"
#include "base/url.h"
#include "base/utf8.h"

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

/* wfEscapeWikiText: what a title magic word gives is text, never markup. */
static void put_escaped(const char *s, size_t n, struct buf *out)
{
	static const char *const magic[] = {"ISBN", "RFC", "PMID", NULL};
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		bool bol = i == 0 || s[i - 1] == '\n' || s[i - 1] == '\r';
		size_t k = 0;
		for (size_t m = 0; magic[m] && !k; m++)
			if (!strncmp(s + i, magic[m], strlen(magic[m])) && i + strlen(magic[m]) < n &&
			    strchr(" \t\r\n\f", s[i + strlen(magic[m])]))
				k = strlen(magic[m]);
		if (!k && ch == '~' && n - i >= 3 && !strncmp(s + i, "~~~", 3))
			k = 2; /* "~~&#126;" */
		if (!k && ch == '_' && i + 1 < n && s[i + 1] == '_')
			k = 1; /* "_&#95;" */
		if (k) {
			buf_add(out, s + i, k);
			i += k;
			ch = (unsigned char)s[i];
		} else if (!(strchr("\"&'<=>[]{|};", ch) || (bol && ch && strchr("#*: \n\r\t", ch)) ||
		             (bol && n - i >= 4 && !strncmp(s + i, "----", 4)) ||
		             (ch == ':' && n - i >= 3 && !strncmp(s + i, "://", 3)))) {
			buf_putc(out, (char)ch);
			continue;
		}
		buf_printf(out, "&#%d;", ch);
	}
}

/* A title in MediaWiki's parts: namespace number and the text after its prefix. */
struct title {
	int ns;
	struct buf text;
};

/* Parses t (NULL: the page's own title); false for an invalid title. */
static bool title_parse(struct ctx *c, const char *t, struct title *ti)
{
	size_t rest;
	struct buf norm = BUF_INIT;
	buf_init(&ti->text);
	ti->ns = NS_MAIN;
	if (!t) {
		t = c->o->title ? c->o->title : "";
		if (!wt_norm_title(c, t, strlen(t), &norm))
			buf_puts(&norm, t);
	} else if (!wt_norm_title(c, t, strlen(t), &norm)) {
		buf_release(&norm);
		return false;
	}
	ti->ns = wt_title_ns(c, norm.data, norm.len, &rest);
	buf_puts(&ti->text, norm.data + rest);
	buf_release(&norm);
	return true;
}

/* Appends the name of namespace ns ("" for the main one), then ":" when colon. */
static void put_ns(struct ctx *c, int ns, bool colon, struct buf *out)
{
	const char *nm = ns != NS_MAIN ? wt_ns_name(c, ns) : NULL;
	if (nm)
		buf_printf(out, colon ? "%s:" : "%s", nm);
}

/* MediaWiki's $wgNamespacesWithSubpages default: where "/" makes subpages. */
static bool has_subpages(int ns)
{
	return ns >= 1 && ns <= 15 && ns != NS_FILE && ns != NS_CATEGORY;
}

enum { W_PAGE, W_FULL, W_NS, W_BASE, W_ROOT, W_SUB, W_TALKNS, W_SUBJNS, W_ARTNS, W_TALK,
       W_SUBJ, W_ART, W_NSNUM };
static const char *const title_words[] = {
	"PAGENAME", "FULLPAGENAME", "NAMESPACE", "BASEPAGENAME", "ROOTPAGENAME", "SUBPAGENAME",
	"TALKSPACE", "SUBJECTSPACE", "ARTICLESPACE", "TALKPAGENAME", "SUBJECTPAGENAME",
	"ARTICLEPAGENAME", "NAMESPACENUMBER", NULL
};

/* The value of title word w for ti, as text. */
static void title_word(struct ctx *c, int w, const struct title *ti, struct buf *v)
{
	const char *x = ti->text.data;
	const char *first = has_subpages(ti->ns) ? strchr(x, '/') : NULL;
	const char *last = has_subpages(ti->ns) ? strrchr(x, '/') : NULL;
	int talk = ti->ns >= 0 ? ti->ns | 1 : ti->ns, subject = ti->ns >= 0 ? ti->ns & ~1 : ti->ns;
	switch (w) {
	case W_PAGE: buf_puts(v, x); break;
	case W_FULL: put_ns(c, ti->ns, true, v); buf_puts(v, x); break;
	case W_NS: put_ns(c, ti->ns, false, v); break;
	case W_BASE: buf_add(v, x, last ? (size_t)(last - x) : strlen(x)); break;
	case W_ROOT: buf_add(v, x, first ? (size_t)(first - x) : strlen(x)); break;
	case W_SUB: buf_puts(v, last ? last + 1 : x); break;
	case W_TALKNS: if (ti->ns >= 0) put_ns(c, talk, false, v); break;
	case W_SUBJNS:
	case W_ARTNS: put_ns(c, subject, false, v); break;
	case W_TALK:
		if (ti->ns >= 0) {
			put_ns(c, talk, true, v);
			buf_puts(v, x);
		}
		break;
	case W_SUBJ:
	case W_ART: put_ns(c, subject, true, v); buf_puts(v, x); break;
	case W_NSNUM: buf_printf(v, "%d", ti->ns); break;
	}
}

/* Magic variables ({{PAGENAME}} …) and the title words' function forms
 * ({{PAGENAME:Other page}}, arg not NULL). Returns true when nm is one. */
static bool magic_variable(struct ctx *c, const char *nm, const char *arg, struct buf *out)
{
	if (!arg && (!strcmp(nm, "!") || !strcmp(nm, "="))) {
		buf_putc(out, *nm == '!' ? '|' : '=');
		return true;
	}
	if (!arg && !strcmp(nm, "SITENAME") && c->sitename) {
		buf_puts(out, c->sitename);
		return true;
	}
	/* NAMESPACE or NAMESPACEE: the E form is URL-encoded with underscores */
	int w = -1;
	bool enc = false;
	for (int i = 0; title_words[i] && w < 0; i++) {
		size_t k = strlen(title_words[i]);
		if (!strncmp(nm, title_words[i], k) && (!nm[k] || (nm[k] == 'E' && !nm[k + 1] && i != W_NSNUM))) {
			w = i;
			enc = nm[k] == 'E';
		}
	}
	if (w < 0)
		return false;
	struct title ti;
	if (!title_parse(c, arg, &ti))
		return true; /* an invalid title gives nothing, as in MediaWiki */
	struct buf v = BUF_INIT;
	title_word(c, w, &ti, &v);
	if (enc) {
		struct buf e = BUF_INIT;
		url_encode_title(&e, v.data, v.len, true);
		if (w == W_NS || w == W_TALKNS || w == W_SUBJNS || w == W_ARTNS)
			buf_add(out, e.data, e.len);
		else
			put_escaped(e.data, e.len, out);
		buf_release(&e);
	} else if (w == W_NS || w == W_TALKNS || w == W_SUBJNS || w == W_ARTNS || w == W_NSNUM) {
		buf_add(out, v.data, v.len);
	} else {
		put_escaped(v.data, v.len, out);
	}
	buf_release(&v);
	buf_release(&ti.text);
	return true;
}

/* PHP's urlencode (QUERY: ' ' as '+') and rawurlencode (PATH: "%20", '~' kept). */
static void put_urlencoded(const char *s, bool query, struct buf *out)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == ' ' && query)
			buf_putc(out, '+');
		else if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || (*p == '~' && !query))
			buf_putc(out, (char)*p);
		else
			buf_printf(out, "%%%02X", *p);
	}
}

/* {{localurl:}}, {{fullurl:}}, {{canonicalurl:}} (and their E forms) of title a0 with
 * query q. Where the wiki says which page of the new site a title became, that page's
 * URL, without the query (the new site has the page only: action=edit or history forms
 * lead to the page); a full URL is kept as one piece so [{{fullurl:X}} label] links.
 * Otherwise MediaWiki's own form through the article path, with the server for the
 * full forms. False for an invalid title (the call stays as written). */
static bool url_function(struct ctx *c, const char *fn, const char *a0, const char *q,
                         struct buf *out)
{
	bool full = !strncasecmp(fn, "full", 4), canon = !strncasecmp(fn, "canonical", 9);
	bool esc = fn[strlen(fn) - 1] == 'e' || fn[strlen(fn) - 1] == 'E';
	const char *hash = strchr(a0, '#');
	size_t tl = hash ? (size_t)(hash - a0) : strlen(a0);
	struct buf norm = BUF_INIT, url = BUF_INIT;
	if (!wt_norm_title(c, a0, tl, &norm)) {
		buf_release(&norm);
		return false;
	}
	size_t rest;
	if (wt_title_ns(c, norm.data, norm.len, &rest) == NS_MEDIA) {
		struct buf f = BUF_INIT;
		buf_printf(&f, "%s:%s", wt_ns_name(c, NS_FILE), norm.data + rest);
		buf_reset(&norm);
		buf_add(&norm, f.data, f.len);
		buf_release(&f);
	}
	if (c->o->link_target && c->o->link_target(c->o->arg, norm.data, &url) == 1) {
		if (hash && (full || canon) && hash[1]) {
			struct buf d = BUF_INIT;
			wt_decode_entities(hash + 1, strlen(hash + 1), &d);
			for (size_t i = 0; i < d.len; i++)
				if (d.data[i] == '_')
					d.data[i] = ' ';
			buf_putc(&url, '#');
			wt_slug(d.data, d.len, &url);
			buf_release(&d);
		}
		if (full || canon)
			strip_add(c, S_URL, "", NULL, 0, url.data, url.len, true, out);
		else
			buf_add(out, url.data, url.len);
		goto done;
	}
	if (c->o->link_target && c->r->nmissing < LIST_MAX) /* reported like a red link */
		wt_strlist_add(&c->r->missing_links, &c->r->nmissing, norm.data, norm.len, true);
	if ((full || canon) && c->server) {
		const char *host = c->server;
		if (full && strstr(host, "://"))
			host = strstr(host, "://") + 1; /* protocol-relative, as wfExpandUrl's PROTO_RELATIVE */
		buf_puts(&url, host);
	}
	if (*q) {
		/* $wgScript?title=…&query; the script is where index.php is in the article path */
		const char *ip = strstr(c->article_path, "index.php");
		if (ip)
			buf_add(&url, c->article_path, (size_t)(ip - c->article_path) + 9);
		else
			wt_article_url(c, "", &url);
		buf_puts(&url, "?title=");
		url_encode_title(&url, norm.data, norm.len, true);
		buf_printf(&url, "&%s", q);
	} else {
		wt_article_url(c, norm.data, &url);
	}
	if (hash && (full || canon) && hash[1]) {
		buf_putc(&url, '#');
		for (const char *p = hash + 1; *p; p++)
			buf_putc(&url, *p == ' ' ? '_' : *p);
	}
	for (size_t i = 0; i < url.len; i++)
		if (esc && url.data[i] == '&')
			buf_puts(out, "&amp;");
		else
			buf_putc(out, url.data[i]);
done:
	buf_release(&norm);
	buf_release(&url);
	return true;
}

/* {{anchorencode:}}: the text as a link's fragment (Parser::guessSectionNameFromWikiText,
 * then Sanitizer::safeEncodeAttribute, whose entities keep it from becoming markup). */
static void anchorencode(struct ctx *c, const char *s, struct buf *out)
{
	struct buf plain = BUF_INIT;
	wt_heading_plain(c, s, strlen(s), &plain);
	bool sp = false;
	for (size_t i = 0; i < plain.len; i++) {
		unsigned char ch = (unsigned char)plain.data[i];
		if (ch == ' ' || ch == '_' || is_ws(ch)) {
			sp = true;
			continue;
		}
		if (sp)
			buf_putc(out, '_');
		sp = false;
		size_t pl = wt_protocol_at(plain.data + i, plain.len - i, false);
		if (pl) { /* "http&#58;//": no URL to link */
			for (size_t j = 0; j < pl; j++)
				if (plain.data[i + j] == ':')
					buf_puts(out, "&#58;");
				else
					buf_putc(out, plain.data[i + j]);
			i += pl - 1;
		} else if (ch == '%' && url_hex_byte(plain.data + i + 1) >= 0) {
			buf_puts(out, "%25");
		} else if (strchr("&<>\"'{}[]|", ch)) {
			buf_printf(out, "&#%d;", ch);
		} else {
			buf_putc(out, (char)ch);
		}
	}
	buf_release(&plain);
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
		utf8_case(a0, strlen(a0), tolower(fn[0]) == 'u', out);
	} else if (!strcasecmp(fn, "lcfirst") || !strcasecmp(fn, "ucfirst")) {
		size_t at = out->len;
		buf_puts(out, a0);
		wt_case_first(out, at, tolower(fn[0]) == 'u');
	} else if (!strcasecmp(fn, "urlencode")) {
		/* the second argument picks the form: QUERY (default), PATH or WIKI */
		part_text(c, fr, t, nth_part(t, tpl, 1), &b, depth);
		if (!strcasecmp(b.data, "WIKI"))
			url_encode_title(out, a0, strlen(a0), true);
		else
			put_urlencoded(a0, strcasecmp(b.data, "PATH") != 0, out);
	} else if (!strcasecmp(fn, "anchorencode")) {
		anchorencode(c, a0, out);
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
		const char *nm = *a0 ? NULL : "";
		size_t rest;
		if (*a0 && !*end) {
			nm = v == NS_MAIN ? "" : wt_ns_name(c, (int)v);
			nm = nm ? nm : ""; /* a number names no namespace: empty, as in MediaWiki */
		} else if (*a0) {
			buf_printf(&a, "%s:x", a0);
			int x = wt_title_ns(c, a.data, a.len, &rest);
			nm = x != NS_MAIN ? wt_ns_name(c, x) : NULL;
		}
		if (!nm)
			ok = false; /* no such namespace: the call stays as written */
		else if (tolower(fn[2]) == 'e')
			url_encode_title(out, nm, strlen(nm), true);
		else
			buf_puts(out, nm);
	} else if (!strcasecmp(fn, "localurl") || !strcasecmp(fn, "localurle") ||
	           !strcasecmp(fn, "fullurl") || !strcasecmp(fn, "fullurle") ||
	           !strcasecmp(fn, "canonicalurl") || !strcasecmp(fn, "canonicalurle")) {
		part_text(c, fr, t, nth_part(t, tpl, 1), &b, depth);
		ok = url_function(c, fn, a0, b.data, out);
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
	if (!has_args && magic_variable(c, nm, NULL, &res))
		goto emit;
	const char *colon = strchr(nm, ':');
	if (colon) {
		struct buf fn = BUF_INIT, a0 = BUF_INIT;
		buf_add(&fn, nm, (size_t)(colon - nm));
		buf_trim(&fn);
		buf_puts(&a0, colon + 1);
		buf_trim(&a0);
		bool done = magic_variable(c, fn.data, a0.data, &res) ||
		            parser_function(c, fr, t, n, fn.data, a0.data, &res, depth);
		if (!done && (fn.data[0] == '#' || !strcasecmp(fn.data, "int") ||
		              !strcasecmp(fn.data, "msg") || !strcasecmp(fn.data, "filepath") ||
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
