/* markdown: the cmark-gfm bridge (see markdown.h for the contract).
 *
 * One render is four steps over one cmark AST:
 *
 *   parse (under parse_lock) ──► walk: collect headings, code blocks, plain text,
 *                                      resolve and record links
 *        ──► rewrite: headings and code blocks become custom blocks carrying our HTML
 *        ──► cmark_render_html ──► check same-page anchors against the ids in the HTML
 *
 * Headings are replaced by a CMARK_NODE_CUSTOM_BLOCK whose on_enter/on_exit strings are
 * the opening tag with its id and the closing anchor link; the heading's inline children
 * move into it, so cmark still renders them (emphasis, code, footnote references, and
 * tagfilter on inline HTML) in the context of the whole document. Code blocks become a
 * custom block holding the highlighted <pre><code>.
 *
 * Threads: cmark-gfm 0.29 keeps the inline parser's table of special characters in a
 * global that every parse of a document with extensions changes (added at the start of
 * inline parsing, removed at the end, and again around every table row). Two parses at
 * once would see each other's removals and miss strikethrough or autolinks at random, so
 * parsing holds parse_lock. Rendering HTML touches no global state and runs unlocked. */
#include "site/markdown.h"

#include "base/hash.h"
#include "base/highlight.h"
#include "base/log.h"
#include "base/slug.h"
#include "base/strmap.h"
#include "base/url.h"
#include "site/translate.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static pthread_once_t extensions_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const extension_names[] = {
	"table", "strikethrough", "autolink", "tasklist", "tagfilter",
};

static void register_extensions(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

/* Parses src with our extensions. The caller frees the document and then the parser
 * (whose extension list the HTML renderer needs). */
static cmark_node *parse(const char *src, size_t len, int options, cmark_parser **parser_out)
{
	if (!src)
		src = "", len = 0;
	pthread_once(&extensions_once, register_extensions);
	cmark_parser *parser = cmark_parser_new(options);
	for (size_t i = 0; i < sizeof(extension_names) / sizeof(*extension_names); i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(extension_names[i]);
		if (ext)
			cmark_parser_attach_syntax_extension(parser, ext);
	}
	pthread_mutex_lock(&parse_lock);
	cmark_parser_feed(parser, src, len);
	cmark_node *doc = cmark_parser_finish(parser);
	pthread_mutex_unlock(&parse_lock);
	*parser_out = parser;
	return doc;
}

/* ---- ids ---- */

/* Makes base unique within set the GitHub way (x, x-1, x-2…) and writes it to out. */
static void unique_id(struct strmap *set, const char *base, size_t n, struct buf *out)
{
	bool added;
	struct strmap_entry *e = strmap_put(set, base, n, &added);
	buf_reset(out);
	buf_add(out, base, n);
	if (added)
		return;
	/* num: the last suffix base got, so a third "x" starts at x-2 */
	long k = e->num;
	do {
		buf_truncate(out, n);
		buf_printf(out, "-%ld", ++k);
	} while (strmap_get(set, out->data, out->len));
	e->num = k;
	strmap_put(set, out->data, out->len, NULL);
}

/* ---- URLs ---- */

/* The schemes cmark's safe mode strips; we strip them even with raw HTML allowed,
 * since no script may reach a page through a link. */
static bool dangerous_url(const char *url)
{
	char s[16];
	size_t n = 0;
	for (const char *p = url; *p && n < sizeof(s) - 1; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= 0x20)
			continue; /* browsers ignore tabs and newlines inside a scheme */
		s[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	s[n] = 0;
	if (!strncmp(s, "javascript:", 11) || !strncmp(s, "vbscript:", 9) ||
	    !strncmp(s, "file:", 5))
		return true;
	if (strncmp(s, "data:", 5))
		return false;
	return strncmp(s, "data:image/png", 14) && strncmp(s, "data:image/gif", 14) &&
	       strncmp(s, "data:image/jpeg", 15) && strncmp(s, "data:image/webp", 15);
}

/* ---- the render ---- */

struct render {
	const struct md_opts *opts;
	struct md_doc *doc;
	cmark_node **headings, **codes;
	size_t nheadings, ncodes, cap_headings, cap_codes;
	cmark_node **nested;     /* footnote references and raw <a> tags inside a link */
	size_t nnested, cap_nested;
	int link_depth;
	size_t cap_links, cap_hrefs;
	int options;             /* cmark options for parse and render */
	cmark_llist *extensions; /* the parser's, for rendering */
	int rc;
};

static void push_node(cmark_node ***arr, size_t *n, size_t *cap, cmark_node *node)
{
	ALLOC_GROW(*arr, *n + 1, *cap);
	(*arr)[(*n)++] = node;
}

/* The absolute source line of node (inline nodes without a position use their block's). */
static int node_line(const struct render *r, cmark_node *node)
{
	int line = 0;
	for (; node && !(line = cmark_node_get_start_line(node)); node = cmark_node_parent(node))
		;
	int first = r->opts->first_line > 0 ? r->opts->first_line : 1;
	return first + (line > 0 ? line : 1) - 1;
}

static void add_link(struct render *r, int line, const char *url, const char *fragment,
                     const char *written)
{
	struct md_doc *doc = r->doc;
	ALLOC_GROW(doc->links, doc->nlinks + 1, r->cap_links);
	struct md_link *l = &doc->links[doc->nlinks++];
	l->line = line;
	l->url = xstrdup(url);
	l->fragment = NULL;
	if (fragment && *fragment) {
		/* as written ("caf%C3%A9") to the id it names ("café") */
		struct buf id = BUF_INIT;
		url_decode(fragment, strlen(fragment), &id, false);
		l->fragment = buf_detach(&id, NULL);
	}
	l->written = xstrdup(written);
}

static void add_href(struct render *r, int line, const char *href, size_t n)
{
	struct md_doc *doc = r->doc;
	ALLOC_GROW(doc->hrefs, doc->nhrefs + 1, r->cap_hrefs);
	doc->hrefs[doc->nhrefs].line = line;
	doc->hrefs[doc->nhrefs++].href = xstrndup(href, n);
}

/* Resolves, rewrites and records one link or image destination. */
static void visit_link(struct render *r, cmark_node *node)
{
	const struct md_opts *opts = r->opts;
	const char *dest = cmark_node_get_url(node);
	if (!dest || !*dest)
		return;
	if (dangerous_url(dest)) {
		cmark_node_set_url(node, "");
		return;
	}
	int line = node_line(r, node);
	const char *hash = strchr(dest, '#');
	if (dest[0] == '#') {
		if (dest[1])
			add_link(r, line, "", dest + 1, dest);
		add_href(r, line, dest, strlen(dest));
		return;
	}
	if (!opts->resolve) {
		add_href(r, line, dest, strlen(dest));
		return;
	}
	char *path = xstrndup(dest, hash ? (size_t)(hash - dest) : strlen(dest));
	struct buf url = BUF_INIT;
	int res = opts->resolve(opts->arg, path, &url);
	if (res == 0) {
		char *written = xstrdup(dest); /* dest dies with set_url */
		add_link(r, line, url.data, hash ? hash + 1 : NULL, written);
		if (hash)
			buf_puts(&url, hash);
		cmark_node_set_url(node, url.data);
		free(written);
	} else if (res < 0) {
		struct buf msg = BUF_INIT;
		if (res == -2)
			buf_printf(&msg, "links to a draft ('%s'): set draft: false in it to publish it, or build with --drafts",
			           dest);
		else
			buf_printf(&msg, "broken link '%s'", dest);
		if (opts->warn_pages) {
			warn_at(opts->file, line, "%s", msg.data);
			r->doc->broken_pages++;
		} else {
			r->rc = error_at(opts->file, line, "%s", msg.data);
		}
		buf_release(&msg);
	}
	dest = cmark_node_get_url(node);
	add_href(r, line, dest, strlen(dest));
	buf_release(&url);
	free(path);
}

/* Root-relative href="/…" and src="/…" in raw HTML (imported pages are full of them) go
 * through the resolver Markdown links use, so they get the base path of a site under a
 * sub-path. A target it does not know is left as written: nfsite check reports it.
 * Every href= and src= is recorded with its line. */
static void visit_raw_html(struct render *r, cmark_node *node)
{
	const char *html = cmark_node_get_literal(node);
	if (!r->opts->resolve || !html)
		return;
	struct buf out = BUF_INIT, url = BUF_INIT;
	const char *p = html, *done = html, *counted = html;
	int line = node_line(r, node);
	/* As collect_ids: find the '=' and look behind it for the attribute's name. */
	while ((p = strchr(p, '='))) {
		size_t k = p - html >= 5 && !strncasecmp(p - 4, "href", 4) ? 4
		         : p - html >= 4 && !strncasecmp(p - 3, "src", 3) ? 3 : 0;
		const char *before = p - k - 1;
		p++;
		if (!k || !(*before == ' ' || *before == '\t' || *before == '\n'))
			continue;
		char q = *p;
		if (q != '"' && q != '\'')
			continue;
		const char *v = ++p;
		const char *e = strchr(v, q);
		if (!e)
			break;
		p = e + 1;
		for (; counted < v; counted++)
			line += *counted == '\n';
		if (v[0] != '/' || v[1] == '/') {
			add_href(r, line, v, (size_t)(e - v));
			continue;
		}
		size_t n = strcspn(v, q == '"' ? "?#\"" : "?#'");
		char *path = xstrndup(v, n);
		buf_reset(&url);
		if (r->opts->resolve(r->opts->arg, path, &url) == 0) {
			buf_add(&out, done, (size_t)(v - done));
			buf_add(&url, v + n, (size_t)(e - v - n)); /* ?query#fragment */
			buf_add(&out, url.data, url.len);
			done = e;
			add_href(r, line, url.data, url.len);
		} else {
			add_href(r, line, v, (size_t)(e - v));
		}
		free(path);
	}
	if (done != html) {
		buf_puts(&out, done);
		cmark_node_set_literal(node, out.data);
	}
	buf_release(&out);
	buf_release(&url);
}

/* Appends the plain text of node's subtree to out (softbreaks as spaces). */
static void plain_text(cmark_node *node, struct buf *out)
{
	cmark_iter *it = cmark_iter_new(node);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			buf_puts(out, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_putc(out, ' ');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

static void text_break(struct buf *text, int c)
{
	if (text->len && text->data[text->len - 1] != '\n' && text->data[text->len - 1] != c)
		buf_putc(text, c);
}

/* Whether raw inline HTML is an <a> or </a> tag. */
static bool anchor_tag(const char *html)
{
	if (!html || *html++ != '<')
		return false;
	if (*html == '/')
		html++;
	return (*html == 'a' || *html == 'A') &&
	       (html[1] == '>' || html[1] == '/' || html[1] == ' ' || html[1] == '\t' || html[1] == '\n');
}

/* One pass over the document: headings and code blocks to rewrite later (the iterator
 * must not see nodes replaced under it), links, what a link must not hold, and the plain
 * text. */
static void walk(struct render *r, cmark_node *root)
{
	struct buf *text = &r->doc->text;
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(n);
		if (ev == CMARK_EVENT_EXIT) {
			if (type == CMARK_NODE_LINK)
				r->link_depth--;
			else if (type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_HEADING ||
			    type == CMARK_NODE_ITEM || type == CMARK_NODE_BLOCK_QUOTE ||
			    type == CMARK_NODE_LIST)
				text_break(text, '\n');
			else if (cmark_node_get_type_string(n) &&
			         !strcmp(cmark_node_get_type_string(n), "table_cell"))
				text_break(text, ' ');
			else if (cmark_node_get_type_string(n) &&
			         (!strcmp(cmark_node_get_type_string(n), "table_row") ||
			          !strcmp(cmark_node_get_type_string(n), "table_header"))) {
				if (buf_ends_with(text, " "))
					buf_truncate(text, text->len - 1);
				text_break(text, '\n');
			}
			continue;
		}
		switch (type) {
		case CMARK_NODE_HEADING:
			push_node(&r->headings, &r->nheadings, &r->cap_headings, n);
			break;
		case CMARK_NODE_CODE_BLOCK:
			push_node(&r->codes, &r->ncodes, &r->cap_codes, n);
			text_break(text, '\n');
			buf_puts(text, cmark_node_get_literal(n));
			text_break(text, '\n');
			break;
		case CMARK_NODE_LINK:
			r->link_depth++;
			visit_link(r, n);
			break;
		case CMARK_NODE_IMAGE:
			visit_link(r, n);
			break;
		case CMARK_NODE_FOOTNOTE_REFERENCE:
			if (r->link_depth)
				push_node(&r->nested, &r->nnested, &r->cap_nested, n);
			break;
		case CMARK_NODE_HTML_INLINE:
			visit_raw_html(r, n);
			if (r->link_depth && anchor_tag(cmark_node_get_literal(n)))
				push_node(&r->nested, &r->nnested, &r->cap_nested, n);
			break;
		case CMARK_NODE_HTML_BLOCK:
			visit_raw_html(r, n);
			break;
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			buf_puts(text, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_SOFTBREAK:
			buf_putc(text, ' ');
			break;
		case CMARK_NODE_LINEBREAK:
			buf_putc(text, '\n');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	while (text->len && (text->data[text->len - 1] == '\n' || text->data[text->len - 1] == ' '))
		buf_truncate(text, text->len - 1);
}

/* HTML has no <a> inside <a> (a browser closes the outer link there, and the rest of
 * the text falls out of it): a footnote reference inside a link moves just after the
 * link, as MediaWiki's output has it, and a raw <a> tag inside a link becomes text. */
static void unnest_links(struct render *r)
{
	for (size_t i = r->nnested; i-- > 0;) {
		cmark_node *n = r->nested[i];
		if (cmark_node_get_type(n) == CMARK_NODE_HTML_INLINE) {
			cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
			cmark_node_set_literal(t, cmark_node_get_literal(n));
			cmark_node_replace(n, t);
			cmark_node_free(n);
			continue;
		}
		cmark_node *link = cmark_node_parent(n);
		while (cmark_node_get_type(link) != CMARK_NODE_LINK)
			link = cmark_node_parent(link);
		/* Backwards, each right after its link: several keep their order. */
		cmark_node_insert_after(link, n);
	}
}

/* Gives every heading its id and replaces it with a custom block carrying the id and
 * the permalink anchor; fills doc->headings. */
static void rewrite_headings(struct render *r, struct strmap *ids)
{
	struct md_doc *doc = r->doc;
	struct buf text = BUF_INIT, slug = BUF_INIT, id = BUF_INIT, tag = BUF_INIT;
	if (r->nheadings)
		doc->headings = xcalloc(r->nheadings, sizeof(*doc->headings));
	for (size_t i = 0; i < r->nheadings; i++) {
		cmark_node *h = r->headings[i];
		int level = cmark_node_get_heading_level(h);
		buf_reset(&text);
		buf_reset(&slug);
		plain_text(h, &text);
		slug_heading(text.data, text.len, &slug);
		if (!slug.len)
			buf_puts(&slug, "section");
		unique_id(ids, slug.data, slug.len, &id);

		struct md_heading *mh = &doc->headings[doc->nheadings++];
		mh->level = level;
		mh->line = node_line(r, h);
		mh->id = xstrdup(id.data);
		mh->text = xstrdup(text.data);

		/* The heading alone renders as "<hN>inline HTML</hN>\n": keep the middle. */
		char *inner = cmark_render_html(h, r->options, r->extensions);
		size_t in_len = strlen(inner);
		buf_reset(&tag);
		buf_printf(&tag, "<h%d id=\"", level);
		buf_puts_html(&tag, id.data);
		buf_puts(&tag, "\">");
		if (in_len >= 10 && !strncmp(inner, "<h", 2) && inner[3] == '>')
			buf_add(&tag, inner + 4, in_len - 10);
		free(inner);
		buf_puts(&tag, " <a class=\"anchor\" href=\"#");
		buf_add_urlenc(&tag, id.data, id.len);
		buf_printf(&tag, "\" aria-label=\"Permalink to this section\">#</a></h%d>", level);
		cmark_node *block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
		cmark_node_set_on_enter(block, tag.data);
		cmark_node_replace(h, block);
		cmark_node_free(h);
	}
	buf_release(&text);
	buf_release(&slug);
	buf_release(&id);
	buf_release(&tag);
}

/* lang names the class; hl the highlighting (the same, or "sh" for iptables commands) */
static void code_html(const char *lang, const char *hl, const char *lit, struct buf *html)
{
	buf_puts(html, "<pre><code");
	if (*lang) {
		buf_puts(html, " class=\"language-");
		buf_puts_html(html, lang);
		buf_putc(html, '"');
	}
	buf_putc(html, '>');
	highlight_code(hl, lit, strlen(lit), html);
	buf_puts(html, "</code></pre>");
}

/* True when word is one of the blank-separated words of info. */
static bool has_word(const char *info, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = info; *p;) {
		p += strspn(p, " \t\r\n");
		size_t k = strcspn(p, " \t\r\n");
		if (k == n && !memcmp(p, word, n))
			return true;
		p += k;
	}
	return false;
}

/* What a reader sees under a translation marked translation-invalid, and the mark
 * scripts/check-nft-blocks.sh --translations reads (such a pane must fail nft -c). */
static void invalid_note(bool invalid, struct buf *html)
{
	if (invalid)
		buf_puts(html, "<p class=\"xlate-note\">nft refuses this translation: the text explains why.</p>");
}

/* A block and its nft translation as CSS-only tabs: three radio buttons (both, the
 * original, nft) choose what shows, so no script is needed. The group's name
 * comes from the file and line, unique on the /faq/ page that holds many answers. */
static void translated_html(const struct render *r, cmark_node *code, const char *lang, const char *lit,
                            const struct buf *nft, bool invalid, struct buf *html)
{
	const char *file = r->opts->file ? r->opts->file : "";
	int line = node_line(r, code);
	uint64_t h = hash_bytes(hash_bytes(HASH_SEED, file, strlen(file) + 1), &line, sizeof line);
	char id[32];
	snprintf(id, sizeof id, "xl-%012llx", (unsigned long long)(h & 0xffffffffffffULL));
	const char *src = translate_source_name(lang, lit, strlen(lit));
	static const char *const tabs[][2] = {{"b", "Both"}, {"s", NULL}, {"n", "nft"}};
	buf_printf(html, "<div class=\"xlate\" role=\"group\"%s aria-label=\"", invalid ? " data-nft=\"invalid\"" : "");
	buf_puts_html(html, src);
	buf_puts(html, " and its nftables translation\">");
	for (int i = 0; i < 3; i++) {
		buf_printf(html, "<input type=\"radio\" class=\"xlate-%s\" name=\"%s\" id=\"%s-%s\"%s>", tabs[i][0], id, id,
		           tabs[i][0], i ? "" : " checked");
		buf_printf(html, "<label for=\"%s-%s\">", id, tabs[i][0]);
		buf_puts_html(html, tabs[i][1] ? tabs[i][1] : src);
		buf_puts(html, "</label>");
	}
	buf_puts(html, "<div class=\"xlate-panes\"><div class=\"xlate-pane xlate-pane-s\" data-label=\"");
	buf_puts_html(html, src);
	buf_puts(html, "\">");
	/* iptables, ipset and save output read well enough highlighted as shell */
	code_html(lang, highlight_supported(lang) ? lang : "sh", lit, html);
	buf_puts(html, "</div><div class=\"xlate-pane xlate-pane-n\" data-label=\"nft\" aria-label=\"nftables translation\">");
	code_html("nft", "nft", nft->data, html);
	invalid_note(invalid, html);
	buf_puts(html, "</div></div></div>");
}

/* A block followed by its nft translation in an open <details>: readable without the
 * theme's CSS and without form elements. */
static void translated_open_html(const char *lang, const char *lit, const struct buf *nft, bool invalid,
                                 struct buf *html)
{
	buf_printf(html, "<figure class=\"xlate-open\"%s aria-label=\"", invalid ? " data-nft=\"invalid\"" : "");
	buf_puts_html(html, translate_source_name(lang, lit, strlen(lit)));
	buf_puts(html, " and its nftables translation\">");
	code_html(lang, highlight_supported(lang) ? lang : "sh", lit, html);
	buf_puts(html, "<details open><summary>nftables translation</summary>");
	code_html("nft", "nft", nft->data, html);
	invalid_note(invalid, html);
	buf_puts(html, "</details></figure>");
}

/* Replaces every code block with a custom block holding its highlighted HTML. */
static void rewrite_code(struct render *r)
{
	struct buf html = BUF_INIT, lang = BUF_INIT, nft = BUF_INIT;
	for (size_t i = 0; i < r->ncodes; i++) {
		cmark_node *code = r->codes[i];
		const char *info = cmark_node_get_fence_info(code);
		buf_reset(&html);
		buf_reset(&lang);
		buf_reset(&nft);
		if (info)
			buf_add(&lang, info, strcspn(info, " \t\r\n"));
		if (!strcmp(lang.data, "nft-invalid"))
			buf_truncate(&lang, 3); /* marked for the checker only */
		const char *lit = cmark_node_get_literal(code);
		if (!lit)
			lit = "";
		if (r->opts->translate && translate_wanted(lang.data, lit, strlen(lit)) &&
		    translate_block(r->opts->translate, lang.data, lit, strlen(lit), &nft) == 0) {
			/* A later word of the info string marks a translation nft refuses on purpose. */
			bool invalid = info && has_word(info, "translation-invalid");
			if (r->opts->translate_open)
				translated_open_html(lang.data, lit, &nft, invalid, &html);
			else
				translated_html(r, code, lang.data, lit, &nft, invalid, &html);
		} else
			code_html(lang.data, lang.data, lit, &html);
		cmark_node *block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
		cmark_node_set_on_enter(block, html.data);
		cmark_node_replace(code, block);
		cmark_node_free(code);
	}
	buf_release(&html);
	buf_release(&lang);
	buf_release(&nft);
}

/* Collects every id="…" (and name="…") attribute value in html into the set and
 * doc->anchors: headings, footnotes and raw HTML. Text and code are escaped by then, so
 * a literal `id="` in prose shows up as `id=&quot;` and is not mistaken for an anchor. */
static void collect_ids(struct md_doc *doc, struct strmap *anchors)
{
	const char *html = doc->html.data;
	size_t cap = 0;
	const char *p = html;
	/* Attributes id= and name=: find the '=' (rare in text) and look behind it. */
	while ((p = strchr(p, '='))) {
		size_t k = p - html >= 3 && !strncmp(p - 2, "id", 2) ? 2
		         : p - html >= 5 && !strncmp(p - 4, "name", 4) ? 4 : 0;
		const char *before = p - k - 1;
		p++;
		if (!k || !(*before == ' ' || *before == '\t' || *before == '\n'))
			continue;
		char q = *p;
		if (q != '"' && q != '\'')
			continue;
		const char *v = ++p;
		const char *e = strchr(v, q);
		if (!e)
			break;
		bool added;
		strmap_put(anchors, v, (size_t)(e - v), &added);
		if (added) {
			ALLOC_GROW(doc->anchors, doc->nanchors + 1, cap);
			doc->anchors[doc->nanchors++] = xstrndup(v, (size_t)(e - v));
		}
		p = e + 1;
	}
}

static void build_toc(struct md_doc *doc)
{
	int stack[8];
	int depth = 0;
	struct buf *t = &doc->toc_html;
	size_t h1 = 0;
	for (size_t i = 0; i < doc->nheadings; i++)
		h1 += doc->headings[i].level == 1;
	for (size_t i = 0; i < doc->nheadings; i++) {
		const struct md_heading *h = &doc->headings[i];
		/* every level the page uses (an imported wiki's sections are "= h1 ="), but a
		 * lone h1 is the page's title */
		if (h->level == 1 && h1 == 1)
			continue;
		if (!depth) {
			buf_puts(t, "<ul class=\"toc\">\n<li>");
			stack[depth++] = h->level;
		} else {
			while (depth > 1 && h->level < stack[depth - 1]) {
				buf_puts(t, "</li>\n</ul>\n");
				depth--;
			}
			if (h->level > stack[depth - 1]) {
				buf_puts(t, buf_ends_with(t, "\n") ? "<ul>\n<li>" : "\n<ul>\n<li>");
				stack[depth++] = h->level;
			} else {
				buf_puts(t, "</li>\n<li>");
				stack[depth - 1] = h->level;
			}
		}
		buf_puts(t, "<a href=\"#");
		buf_add_urlenc(t, h->id, strlen(h->id));
		buf_puts(t, "\">");
		buf_puts_html(t, h->text);
		buf_puts(t, "</a>");
	}
	while (depth > 0) {
		buf_puts(t, "</li>\n</ul>\n");
		depth--;
	}
}

static int cmark_options(const struct md_opts *opts)
{
	int o = CMARK_OPT_FOOTNOTES | CMARK_OPT_VALIDATE_UTF8;
	if (!opts->untrusted)
		o |= CMARK_OPT_UNSAFE;
	if (opts->smart)
		o |= CMARK_OPT_SMART;
	return o;
}

/* ---- tables too wide for cmark-gfm ---- */

/* Skips the markers of the block quotes and list items a table row may sit in. */
static void skip_containers(const char **p, size_t *n)
{
	for (;;) {
		size_t d = 0;
		while (d < *n && d < 9 && (*p)[d] >= '0' && (*p)[d] <= '9')
			d++;
		if (*n && **p && strchr(" \t>*+", **p))
			d = 1;
		else if (!d || d == *n || ((*p)[d] != '.' && (*p)[d] != ')'))
			return;
		else
			d++;
		*p += d;
		*n -= d;
	}
}

/* Cells of a table row: its unescaped pipes, less a leading and a trailing one, plus one. */
static size_t row_cells(const char *p, size_t n)
{
	skip_containers(&p, &n);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	size_t pipes = 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] == '|' && (i == 0 || p[i - 1] != '\\'))
			pipes++;
	if (n && p[0] == '|')
		pipes--;
	if (n > 1 && p[n - 1] == '|' && p[n - 2] != '\\')
		pipes--;
	return pipes + 1;
}

/* A table's delimiter row ("| --- | :-: |"). */
static bool delimiter_row(const char *p, size_t n)
{
	skip_containers(&p, &n);
	bool dash = false, pipe = false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '-')
			dash = true;
		else if (p[i] == '|')
			pipe = true;
		else if (p[i] != ':' && p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return false;
	}
	return dash && pipe;
}

/* The line (from 1) of src's first table row with more than MD_MAX_TABLE_COLUMNS cells,
 * *cells its width, or of the row that takes the page's table cells past
 * MD_MAX_TABLE_CELLS, *total their count; 0 when none. A table here is a delimiter row,
 * the line above it and the lines below up to a blank one: a little more than cmark
 * takes for one, never less. */
static int wide_table_row(const char *src, size_t len, size_t *cells, size_t *total)
{
	const char *end = src + len, *prev = NULL;
	size_t prevn = 0;
	bool in_table = false;
	int line = 0;
	*total = 0;
	for (const char *p = src; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		size_t k = 0;
		while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
			k++;
		if (k == n) {
			in_table = false;
		} else if (in_table || delimiter_row(p, n)) {
			if (!in_table && prev && ((*cells = row_cells(prev, prevn)) > MD_MAX_TABLE_COLUMNS ||
			                          (*total += *cells) > MD_MAX_TABLE_CELLS))
				return line;
			in_table = true;
			if ((*cells = row_cells(p, n)) > MD_MAX_TABLE_COLUMNS ||
			    (*total += *cells) > MD_MAX_TABLE_CELLS)
				return line + 1;
		}
		prev = p;
		prevn = n;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int markdown_render(const char *src, size_t len, const struct md_opts *opts, struct md_doc *doc)
{
	static const struct md_opts no_opts;
	struct render r = {0};
	struct strmap ids = STRMAP_INIT, anchors = STRMAP_INIT;
	cmark_parser *parser;
	if (!opts)
		opts = &no_opts;
	r.opts = opts;
	r.doc = doc;
	size_t cells, total;
	int wide = src ? wide_table_row(src, len, &cells, &total) : 0;
	if (wide && cells > MD_MAX_TABLE_COLUMNS)
		return error_at(opts->file, (opts->first_line > 0 ? opts->first_line : 1) + wide - 1,
		                "table row of %zu cells; tables are limited to %d columns", cells, MD_MAX_TABLE_COLUMNS);
	if (wide)
		return error_at(opts->file, (opts->first_line > 0 ? opts->first_line : 1) + wide - 1,
		                "tables reach %zu cells at this row; a page's tables are limited to %d cells",
		                total, MD_MAX_TABLE_CELLS);

	int options = cmark_options(opts);
	cmark_node *root = parse(src, len, options, &parser);
	r.options = options;
	r.extensions = cmark_parser_get_syntax_extensions(parser);
	walk(&r, root);
	unnest_links(&r);
	rewrite_headings(&r, &ids);
	rewrite_code(&r);
	build_toc(doc);

	char *html = cmark_render_html(root, options, r.extensions);
	buf_puts(&doc->html, html);
	free(html);
	cmark_node_free(root);
	cmark_parser_free(parser);

	/* Same-page anchors: every "#x" must name an id on this page. */
	collect_ids(doc, &anchors);
	if (opts->resolve) {
		for (size_t i = 0; i < doc->nlinks; i++) {
			const struct md_link *l = &doc->links[i];
			if (*l->url || !l->fragment)
				continue;
			if (strmap_get(&anchors, l->fragment, strlen(l->fragment)))
				continue;
			if (opts->warn_anchors) {
				warn_at(opts->file, l->line, "broken link '%s'", l->written);
				doc->broken_anchors++;
			} else {
				r.rc = error_at(opts->file, l->line, "broken link '%s'", l->written);
			}
		}
	}
	strmap_release(&ids);
	strmap_release(&anchors);
	free(r.headings);
	free(r.codes);
	free(r.nested);
	return r.rc;
}

void md_doc_release(struct md_doc *doc)
{
	for (size_t i = 0; i < doc->nheadings; i++) {
		free(doc->headings[i].id);
		free(doc->headings[i].text);
	}
	free(doc->headings);
	for (size_t i = 0; i < doc->nlinks; i++) {
		free(doc->links[i].url);
		free(doc->links[i].fragment);
		free(doc->links[i].written);
	}
	free(doc->links);
	for (size_t i = 0; i < doc->nhrefs; i++)
		free(doc->hrefs[i].href);
	free(doc->hrefs);
	doc->hrefs = NULL;
	doc->nhrefs = 0;
	for (size_t i = 0; i < doc->nanchors; i++)
		free(doc->anchors[i]);
	free(doc->anchors);
	buf_release(&doc->html);
	buf_release(&doc->toc_html);
	buf_release(&doc->text);
	doc->headings = NULL;
	doc->links = NULL;
	doc->anchors = NULL;
	doc->nheadings = doc->nlinks = doc->nanchors = 0;
}

void markdown_inline(const char *src, size_t len, struct buf *out)
{
	int options = CMARK_OPT_UNSAFE | CMARK_OPT_VALIDATE_UTF8;
	cmark_parser *parser;
	cmark_node *root = parse(src, len, options, &parser);

	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(n);
		if (ev == CMARK_EVENT_ENTER && (type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE) &&
		    cmark_node_get_url(n) && dangerous_url(cmark_node_get_url(n)))
			cmark_node_set_url(n, "");
	}
	cmark_iter_free(it);

	char *html = cmark_render_html(root, options, cmark_parser_get_syntax_extensions(parser));
	cmark_node *first = cmark_node_first_child(root);
	size_t n = strlen(html);
	const char *p = html;
	if (first && !cmark_node_next(first) && cmark_node_get_type(first) == CMARK_NODE_PARAGRAPH &&
	    n >= 8 && !strncmp(html, "<p>", 3) && !strcmp(html + n - 5, "</p>\n")) {
		p += 3;
		n -= 8;
	} else {
		while (n && html[n - 1] == '\n')
			n--;
	}
	buf_add(out, p, n);
	free(html);
	cmark_node_free(root);
	cmark_parser_free(parser);
}
