/* wikitext_test: the converter through its C API, with in-memory templates and pages,
 * on cases a shell golden file cannot express: callbacks, results, hostile sizes.
 *
 *   wikitext_test      runs every check (unit.h); exit status 0 when all pass */
#include "base/buf.h"
#include "wikitext/wikitext.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a tiny wiki: templates and existing pages ---- */

static const char *const templates[][2] = {
	{"Hello", "Hello, {{{1|world}}}!"},
	{"Self", "again {{Self}}"},
	{"Ping", "ping {{Pong}}"},
	{"Pong", "pong {{Ping}}"},
	{"Deep", "{{Deep}}"},
	{"Named", "[{{{who}}}|{{{what|default}}}]"},
	{"Only", "a<noinclude>doc</noinclude><includeonly>b</includeonly>"},
	{"Oi", "x<onlyinclude>kept</onlyinclude>y"},
	{"Bang", "{{{1}}}{{!}}{{{2}}}"},
	{"Evil", "<script>alert(1)</script>{{{1}}}"},
};

static int template_source(void *arg, const char *name, struct buf *out)
{
	(void)arg;
	for (size_t i = 0; i < sizeof templates / sizeof *templates; i++)
		if (!strcmp(templates[i][0], name)) {
			buf_puts(out, templates[i][1]);
			return 1;
		}
	return 0;
}

static int link_target(void *arg, const char *title, struct buf *url)
{
	(void)arg;
	static const char *const pages[] = {"Main Page", "Conntrack-tools", "Category:Logging", NULL};
	for (size_t i = 0; pages[i]; i++)
		if (!strcmp(pages[i], title)) {
			buf_puts(url, "/wiki/");
			for (const char *p = title; *p; p++)
				buf_putc(url, *p == ' ' || *p == ':' ? '-' : (*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
			buf_putc(url, '/');
			return 1;
		}
	return 0;
}

static int template_map(void *arg, const char *name, const char *const *keys,
                        const char *const *values, size_t nargs, struct buf *out)
{
	(void)arg;
	if (strcmp(name, "Mapped"))
		return 0;
	buf_puts(out, "**mapped**");
	for (size_t i = 0; i < nargs; i++)
		buf_printf(out, " %s=%s", keys[i], values[i]);
	return 1;
}

/* One file the site has: Sync.png, 400x160. */
static int file_info(void *arg, const char *name, struct wikitext_file *f)
{
	(void)arg;
	if (strcmp(name, "Sync.png"))
		return 0;
	buf_puts(&f->url, "/files/sync.png");
	f->width = 400;
	f->height = 160;
	return 1;
}

static struct wikitext_opts opts = {
	.title = "Netfilter wiki:Test page",
	.link_target = link_target,
	.template_source = template_source,
	.template_map = template_map,
	.sitename = "Netfilter wiki",
};

static int convert(const char *src, size_t len, struct wikitext_result *r)
{
	*r = (struct wikitext_result)WIKITEXT_RESULT_INIT;
	return wikitext_convert(src, len, &opts, r);
}

static bool has(const struct wikitext_result *r, const char *s)
{
	return strstr(r->markdown.data, s) != NULL;
}

static bool listed(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(v[i], s))
			return true;
	return false;
}

/* Converts and checks the Markdown contains want (want NULL: just no crash). */
static void expect_at(const char *src, const char *want, int line)
{
	struct wikitext_result r;
	convert(src, strlen(src), &r);
	unit_check_at(!want || has(&r, want), __FILE__, line, "convert(%s)\n  = %s  want it to contain %s", src,
	              r.markdown.data, want);
	wikitext_result_release(&r);
}
#define expect(src, want) expect_at((src), (want), __LINE__)

/* True when needle occurs not escaped by a backslash (Markdown's "\<" is text). */
static bool raw_has(const char *s, const char *needle)
{
	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		if (p == s || p[-1] != '\\')
			return true;
	return false;
}

static void no_html_escape(const struct wikitext_result *r)
{
	CHECK(!raw_has(r->markdown.data, "<script"));
	CHECK(!raw_has(r->markdown.data, "<img"));
	CHECK(!raw_has(r->markdown.data, "](javascript:"));
}

int main(void)
{
	struct wikitext_result r;

	/* templates, arguments, inclusion tags */
	expect("{{Hello}}", "Hello, world!");
	expect("{{Hello|you}}", "Hello, you!");
	expect("{{Named|who=me}}", "\\[me\\|default\\]");
	expect("{{Only}}", "ab");
	expect("{{Oi}}", "kept");
	expect("{{Bang|a|b}}", "a\\|b");
	expect("{{Mapped|x|k=v}}", "**mapped** 1=x k=v");
	expect("{{#if: x | yes | no }}/{{#if: | yes | no }}", "yes/no");
	expect("{{#ifexpr: 5.10 >= 5 | big | small }}", "big");
	expect("{{#expr: (2 + 4) * 7 }}", "42");
	expect("{{#switch: c | a = A | b | c = BC | #default = D }}", "BC");
	expect("{{#switch: z | a = A | D }}", "D");
	expect("{{#ifeq: 01 | 1 | same | different }}", "same");
	expect("{{PAGENAME}} in {{NAMESPACE}}", "Test page in Netfilter wiki");
	expect("{{ucfirst:abc}} {{lc:ABC}}", "Abc abc");

	/* unknown template: kept visibly, reported */
	convert("{{Nope|a}}", 10, &r);
	CHECK(has(&r, "{{Nope\\|a}}"));
	CHECK(listed(r.unconverted, r.nunconverted, "template {{Nope}}"));
	wikitext_result_release(&r);

	/* a template that includes itself, and a pair that include each other */
	convert("{{Self}} {{Ping}}", 17, &r);
	CHECK(has(&r, "Template loop detected"));
	CHECK(listed(r.unconverted, r.nunconverted, "template loop {{Self}}"));
	CHECK(listed(r.unconverted, r.nunconverted, "template loop {{Ping}}"));
	wikitext_result_release(&r);

	/* script inside a template argument stays text */
	convert("{{Evil|<img src=x onerror=alert(1)>}}", 38, &r);
	no_html_escape(&r);
	wikitext_result_release(&r);

	/* links: existing, red, category, redirect */
	convert("[[Main Page|home]] [[Nowhere]] [[Category:Logging]] [[:Category:Logging]]", 73, &r);
	CHECK(has(&r, "[home](/wiki/main-page/)"));
	CHECK(has(&r, "Nowhere") && !has(&r, "[Nowhere]"));
	CHECK(listed(r.missing_links, r.nmissing, "Nowhere"));
	CHECK(r.ncategories == 1 && !strcmp(r.categories[0], "Logging"));
	CHECK(has(&r, "[Category:Logging](/wiki/category-logging/)"));
	wikitext_result_release(&r);

	convert("#REDIRECT [[conntrack-tools#Usage]]\n[[Category:Old]]", 52, &r);
	CHECK(r.redirect && !strcmp(r.redirect, "Conntrack-tools#Usage"));
	CHECK(r.ncategories == 1);
	wikitext_result_release(&r);

	convert("{{DISPLAYTITLE:''ulogd2''}}{{DEFAULTSORT:Sort}}__NOTOC__ text", 59, &r);
	CHECK(r.displaytitle && !strcmp(r.displaytitle, "ulogd2"));
	CHECK(r.defaultsort && !strcmp(r.defaultsort, "Sort"));
	CHECK(r.notoc);
	CHECK(!has(&r, "NOTOC"));
	wikitext_result_release(&r);

	/* invalid UTF-8 and NUL bytes become U+FFFD */
	{
		static const char bad[] = "a\xff" "b\0c\xc3(d";
		convert(bad, sizeof bad - 1, &r);
		CHECK(!memchr(r.markdown.data, 0, r.markdown.len));
		CHECK(strstr(r.markdown.data, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd(d") != NULL);
		wikitext_result_release(&r);
	}

	/* nesting 10,000 deep: templates, lists, tables, links, quotes, tags */
	{
		const size_t deep = 10000;
		const char *open[] = {"{{Hello|", "{{{", "[[a|", "<div>", "{|\n|", "{{#if:x|"};
		const char *close[] = {"}}", "}}}", "]]", "</div>", "\n|}", "}}"};
		for (size_t k = 0; k < sizeof open / sizeof *open; k++) {
			struct buf s = BUF_INIT;
			for (size_t i = 0; i < deep; i++)
				buf_puts(&s, open[k]);
			buf_puts(&s, "x");
			for (size_t i = 0; i < deep; i++)
				buf_puts(&s, close[k]);
			convert(s.data, s.len, &r);
			CHECK(r.markdown.len > 0);
			wikitext_result_release(&r);
			/* unbalanced: only the openers */
			buf_truncate(&s, deep * strlen(open[k]) + 1);
			convert(s.data, s.len, &r);
			wikitext_result_release(&r);
			buf_release(&s);
		}
		struct buf s = BUF_INIT;
		for (size_t i = 0; i < deep; i++)
			buf_putc(&s, "*#:;"[i % 4]);
		buf_puts(&s, " item\n");
		for (size_t i = 0; i < deep; i++)
			buf_puts(&s, "'''''");
		buf_putc(&s, '\n');
		convert(s.data, s.len, &r);
		CHECK(r.markdown.len > 0);
		CHECK(listed(r.unconverted, r.nunconverted, "list nesting"));
		wikitext_result_release(&r);
		buf_release(&s);

		/* a template nesting itself under a new name each time stops at the depth limit */
		convert("{{Deep}}", 8, &r);
		CHECK(listed(r.unconverted, r.nunconverted, "template loop"));
		wikitext_result_release(&r);
	}

	/* a 5 MB page of mixed markup */
	{
		static const char *const bits[] = {
			"== Head ==\n", "* item [[Main Page]]\n", "''it'' '''bold''' ", "{{Hello|x}} ",
			"<ref>note</ref> ", "{|\n| a || b\n|}\n", "<pre>x</pre>\n", "[http://x.org y] ",
			"&amp; &bogus; ", "<span style=\"color:red\">r</span> ", "\n", "<nowiki>[[x]]</nowiki> ",
			"<script>alert(1)</script> ", "[[File:X.png|thumb|cap]]\n",
		};
		struct buf s = BUF_INIT;
		unsigned seed = 1;
		while (s.len < 5u << 20) {
			seed = seed * 1103515245 + 12345;
			buf_puts(&s, bits[(seed >> 16) % (sizeof bits / sizeof *bits)]);
		}
		convert(s.data, s.len, &r);
		CHECK(r.markdown.len > s.len / 4);
		no_html_escape(&r);
		wikitext_result_release(&r);
		/* one 5 MB line of quotes and brackets */
		buf_reset(&s);
		while (s.len < 5u << 20)
			buf_puts(&s, "''a'''b[[c|d''e");
		convert(s.data, s.len, &r);
		CHECK(r.markdown.len > 0);
		wikitext_result_release(&r);
		buf_release(&s);
	}

	/* [[File:]] of a file the site has: sizes as MediaWiki scales them, figures, links */
	{
		struct wikitext_opts saved = opts;
		opts.file_info = file_info;
		expect("[[File:Sync.png]]", "<img src=\"/files/sync.png\" alt=\"Sync.png\" width=\"400\" height=\"160\"");
		expect("[[File:Sync.png|200px]]", "width=\"200\" height=\"80\"");
		expect("[[File:Sync.png|x40px]]", "width=\"100\" height=\"40\"");
		expect("[[File:Sync.png|200x40px]]", "width=\"100\" height=\"40\"");
		expect("[[File:Sync.png|1000px]]", "width=\"1000\" height=\"400\""); /* plain: drawn as asked */
		expect("[[File:Sync.png|thumb|1000px|c]]", "width=\"400\" height=\"160\""); /* never grows */
		expect("[[File:Sync.png|thumb|c]]", "width=\"300\" height=\"120\"");
		expect("[[File:Sync.png|thumb|upright|c]]", "width=\"230\" height=\"92\"");
		expect("[[File:Sync.png|thumb|upright=0.5|c]]", "width=\"150\" height=\"60\"");
		expect("[[File:Sync.png|frame|100px|Framed]]", "width=\"400\" height=\"160\" loading=\"lazy\"></a><figcaption>Framed</figcaption></figure>");
		expect("[[File:Sync.png|thumb|Cap with [[Main Page|a link]]]]",
		       "<figure class=\"wiki-figure wiki-thumb wiki-right\"><a href=\"/files/sync.png\"><img src=\"/files/sync.png\" alt=\"\"");
		expect("[[File:Sync.png|thumb|Cap with [[Main Page|a link]]]]", "<figcaption>Cap with <a href=\"/wiki/main-page/\">a link</a></figcaption>");
		expect("[[File:Sync.png|link=|alt=a\"b]]", "<img src=\"/files/sync.png\" alt=\"a&quot;b\"");
		expect("[[File:Sync.png|link=Main Page|x]]", "<a href=\"/wiki/main-page/\" class=\"wiki-image\"><img src=\"/files/sync.png\" alt=\"x\" title=\"x\"");
		expect("[[File:Sync.png|link=https://example.org/|x]]", "<a href=\"https://example.org/\" class=\"wiki-image\">");
		{
			struct wikitext_result r;
			const char *src = "[[File:Sync.png|link=javascript:alert(1)|alt=\"><script>x</script>]]";
			convert(src, strlen(src), &r);
			CHECK(!strstr(r.markdown.data, "href=\"javascript") && !strstr(r.markdown.data, "<script"));
			wikitext_result_release(&r);
		}
		expect("[[File:Sync.png|left|Cap]]", "<figure class=\"wiki-figure wiki-image wiki-left\">");
		expect("[[File:Sync.png|Thumb]]", "title=\"Thumb\""); /* options are case-sensitive */
		expect("[[Media:Sync.png|the file]]", "[the file](/files/sync.png)");
		expect("[[File:Other.png|thumb|Cap]]", "(file not migrated)");
		expect("<gallery>\nSync.png|One\n</gallery>", "<ul class=\"wiki-gallery\"><li class=\"wiki-gallerybox\"><div class=\"wiki-gallery-image\">");
		expect("<gallery>\nSync.png|One\n</gallery>", "width=\"120\" height=\"48\"");
		opts = saved;
	}

	/* NULL options work */
	{
		struct wikitext_result r2 = WIKITEXT_RESULT_INIT;
		wikitext_convert("[[A]] {{B}}", 11, NULL, &r2);
		CHECK(strstr(r2.markdown.data, "[A](/wiki/index.php/A)") != NULL);
		wikitext_result_release(&r2);
	}

	return unit_done();
}
