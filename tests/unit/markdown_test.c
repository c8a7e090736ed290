/* markdown_test: unit tests of the markdown module, and a driver for golden files.
 *
 *   markdown_test                       runs the unit tests (unit.h); exit 1 on any failure
 *   markdown_test render FILE [LINE]    renders FILE (body starting at line LINE) with the
 *                                       test resolver and prints HTML, TOC, headings,
 *                                       links and text; exit 1 when render fails
 *
 * The test resolver: "missing*" does not exist (-1); a destination with a scheme, "//"
 * or "mailto:" is external (1); "x.md", "dir/x.md", "dir/_index.md" map to "/x/",
 * "/dir/x/", "/dir/"; anything else (images, files) is left alone (1). */
#include "base/buf.h"
#include "base/highlight.h"
#include "base/log.h"
#include "base/slug.h"
#include "site/markdown.h"
#include "unit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STR_EQ(got, want) str_eq((got), (want), __FILE__, __LINE__)
#define HAS(hay, needle) has((hay), (needle), true, __FILE__, __LINE__)
#define HAS_NOT(hay, needle) has((hay), (needle), false, __FILE__, __LINE__)

static void str_eq(const char *got, const char *want, const char *file, int line)
{
	unit_check_at(!strcmp(got, want), file, line, "got\n«%s»\nwant\n«%s»", got, want);
}

static void has(const char *hay, const char *needle, bool want, const char *file, int line)
{
	unit_check_at((strstr(hay, needle) != NULL) == want, file, line, "%s '%s' in\n«%s»",
	              want ? "missing" : "unexpected", needle, hay);
}

static int test_resolve(void *arg, const char *dest, struct buf *url)
{
	(void)arg;
	if (!strncmp(dest, "missing", 7))
		return -1;
	if (strstr(dest, "://") || !strncmp(dest, "//", 2) || !strncmp(dest, "mailto:", 7))
		return 1;
	size_t n = strlen(dest);
	if (n < 3 || strcmp(dest + n - 3, ".md"))
		return 1;
	n -= 3;
	buf_putc(url, '/');
	if (n >= 6 && !strncmp(dest + n - 6, "_index", 6)) {
		buf_add(url, dest, n - 6);
	} else {
		buf_add(url, dest, n);
		buf_putc(url, '/');
	}
	return 0;
}

/* Renders src with the test resolver; errors land in *errs. Returns render's result. */
static int render(const char *src, int first_line, struct md_doc *doc, struct buf *errs)
{
	struct md_opts opts = {.file = "page.md", .first_line = first_line, .resolve = test_resolve};
	log_capture(errs);
	int rc = markdown_render(src, strlen(src), &opts, doc);
	log_capture(NULL);
	return rc;
}

static void slug_is(const char *text, const char *want, int line)
{
	struct buf b = BUF_INIT;
	slug_heading(text, strlen(text), &b);
	str_eq(b.data, want, __FILE__, line);
	buf_release(&b);
}

static void test_slugs(void)
{
	slug_is("Hello World", "hello-world", __LINE__);
	slug_is("What's new in nftables 1.0?", "whats-new-in-nftables-10", __LINE__);
	slug_is("snake_case and kebab-case", "snake_case-and-kebab-case", __LINE__);
	slug_is("a - b", "a---b", __LINE__);
	slug_is("Ünïcode Straße", "ünïcode-straße", __LINE__);
	slug_is("ÀÉÎÕÜ Łódź", "àéîõü-łódź", __LINE__);
	slug_is("Привет Мир", "привет-мир", __LINE__);
	slug_is("ΑΒΓ δ", "αβγ-δ", __LINE__);
	slug_is("日本語 テキスト", "日本語-テキスト", __LINE__);
	slug_is("Emoji 🎉 party", "emoji--party", __LINE__);
	slug_is("“Quoted” — dash…", "quoted--dash", __LINE__);
	slug_is("bad\xff\xfe bytes\xc3", "bad-bytes", __LINE__);
	slug_is("", "", __LINE__);
	slug_is("<b>&amp;</b>", "bampb", __LINE__);
	/* The hand-made case table got these wrong (ıstanbul; Ǆ and Ⴀ kept). */
	slug_is("İstanbul", "istanbul", __LINE__);
	slug_is("ǄEMAL Ǆ", "ǆemal-ǆ", __LINE__);
	slug_is("Ⴀ Ⴕ", "ⴀ-ⴕ", __LINE__);
	slug_is("ΆΈ Ω", "άέ-ω", __LINE__);
}

static void test_headings(void)
{
	struct md_doc doc = MD_DOC_INIT;
	struct buf errs = BUF_INIT;
	const char *src = "# Intro\n\n## Intro\n\n## Intro\n\n## Intro-1\n\n## !!!\n\n"
	                  "Setext *title* `code`\n---\n";
	CHECK(render(src, 3, &doc, &errs) == 0);
	CHECK(doc.nheadings == 6);
	if (doc.nheadings == 6) {
		STR_EQ(doc.headings[0].id, "intro");
		STR_EQ(doc.headings[1].id, "intro-1");
		STR_EQ(doc.headings[2].id, "intro-2");
		STR_EQ(doc.headings[3].id, "intro-1-1");
		STR_EQ(doc.headings[4].id, "section");
		STR_EQ(doc.headings[5].id, "setext-title-code");
		STR_EQ(doc.headings[5].text, "Setext title code");
		CHECK(doc.headings[0].level == 1 && doc.headings[5].level == 2);
		CHECK(doc.headings[0].line == 3);
		CHECK(doc.headings[1].line == 5);
		CHECK(doc.headings[5].line == 13);
	}
	HAS(doc.html.data, "<h1 id=\"intro\">Intro <a class=\"anchor\" href=\"#intro\" "
	                   "aria-label=\"Permalink to this section\">#</a></h1>");
	HAS(doc.html.data, "<h2 id=\"setext-title-code\">Setext <em>title</em> <code>code</code> <a");
	HAS_NOT(doc.html.data, "sourcepos");
	STR_EQ(errs.data, "");
	md_doc_release(&doc);
	buf_release(&errs);
}

/* Heading ids lower-case every script through utf8proc (the old table gave ıstanbul). */
static void test_unicode_ids(void)
{
	struct md_doc doc = MD_DOC_INIT;
	struct buf errs = BUF_INIT;
	CHECK(render("## İstanbul\n\n## Ǆ Ⴀ\n", 1, &doc, &errs) == 0);
	HAS(doc.html.data, "<h2 id=\"istanbul\">");
	HAS(doc.html.data, "<h2 id=\"ǆ-ⴀ\">");
	STR_EQ(errs.data, "");
	md_doc_release(&doc);
	buf_release(&errs);
}

static void test_toc(void)
{
	struct md_doc doc = MD_DOC_INIT;
	struct buf errs = BUF_INIT;
	const char *src = "# Title\n\n## A\n\n### A.1\n\n#### A.1.a\n\n##### deep\n\n## B & C\n\n"
	                  "#### B.x\n\n### B.1\n";
	CHECK(render(src, 1, &doc, &errs) == 0);
	STR_EQ(doc.toc_html.data, "<ul class=\"toc\">\n"
	                          "<li><a href=\"#a\">A</a>\n"
	                          "<ul>\n"
	                          "<li><a href=\"#a1\">A.1</a>\n"
	                          "<ul>\n"
	                          "<li><a href=\"#a1a\">A.1.a</a>\n"
	                          "<ul>\n"
	                          "<li><a href=\"#deep\">deep</a></li>\n"
	                          "</ul>\n"
	                          "</li>\n"
	                          "</ul>\n"
	                          "</li>\n"
	                          "</ul>\n"
	                          "</li>\n"
	                          "<li><a href=\"#b--c\">B &amp; C</a>\n"
	                          "<ul>\n"
	                          "<li><a href=\"#bx\">B.x</a></li>\n"
	                          "</ul>\n"
	                          "<ul>\n"
	                          "<li><a href=\"#b1\">B.1</a></li>\n"
	                          "</ul>\n"
	                          "</li>\n"
	                          "</ul>\n");
	CHECK(doc.nheadings == 8);
	md_doc_release(&doc);

	struct md_doc none = MD_DOC_INIT;
	CHECK(render("# Only a title\n\ntext\n", 1, &none, &errs) == 0);
	STR_EQ(none.toc_html.data, "");
	md_doc_release(&none);

	/* a wiki page's "= sections =" are h1s: all of them are listed */
	struct md_doc wiki = MD_DOC_INIT;
	CHECK(render("# One\n\n## One.a\n\n# Two\n", 1, &wiki, &errs) == 0);
	STR_EQ(wiki.toc_html.data, "<ul class=\"toc\">\n<li><a href=\"#one\">One</a>\n<ul>\n"
	                           "<li><a href=\"#onea\">One.a</a></li>\n</ul>\n</li>\n"
	                           "<li><a href=\"#two\">Two</a></li>\n</ul>\n");
	md_doc_release(&wiki);
	buf_release(&errs);
}

static void test_links(void)
{
	struct md_doc doc = MD_DOC_INIT;
	struct buf errs = BUF_INIT;
	const char *src = "See [sets](docs/sets.md), [adding](docs/sets.md#add-elements),\n"
	                  "[section](docs/_index.md), [ext](https://example.org/a.md#x),\n"
	                  "[mail](mailto:a@example.org), ![img](diagram.svg) and [top](#see).\n"
	                  "\n# See\n\n[ref]\n\n[ref]: other.md#caf%C3%A9\n";
	CHECK(render(src, 10, &doc, &errs) == 0);
	STR_EQ(errs.data, "");
	HAS(doc.html.data, "<a href=\"/docs/sets/\">sets</a>");
	HAS(doc.html.data, "<a href=\"/docs/sets/#add-elements\">adding</a>");
	HAS(doc.html.data, "<a href=\"/docs/\">section</a>");
	HAS(doc.html.data, "<a href=\"https://example.org/a.md#x\">ext</a>");
	HAS(doc.html.data, "<a href=\"mailto:a@example.org\">mail</a>");
	HAS(doc.html.data, "<img src=\"diagram.svg\" alt=\"img\" />");
	HAS(doc.html.data, "<a href=\"#see\">top</a>");
	HAS(doc.html.data, "<a href=\"/other/#caf%C3%A9\">ref</a>");
	CHECK(doc.nlinks == 5);
	if (doc.nlinks == 5) {
		STR_EQ(doc.links[0].url, "/docs/sets/");
		CHECK(doc.links[0].fragment == NULL);
		STR_EQ(doc.links[0].written, "docs/sets.md");
		CHECK(doc.links[0].line == 10);
		STR_EQ(doc.links[1].url, "/docs/sets/");
		STR_EQ(doc.links[1].fragment, "add-elements");
		STR_EQ(doc.links[1].written, "docs/sets.md#add-elements");
		STR_EQ(doc.links[2].url, "/docs/");
		CHECK(doc.links[2].line == 11);
		STR_EQ(doc.links[3].url, "");
		STR_EQ(doc.links[3].fragment, "see");
		CHECK(doc.links[3].line == 12);
		STR_EQ(doc.links[4].url, "/other/");
		STR_EQ(doc.links[4].fragment, "café");
		CHECK(doc.links[4].line == 16);
	}
	md_doc_release(&doc);
	buf_release(&errs);
}

static void test_broken_links(void)
{
	struct md_doc doc = MD_DOC_INIT;
	struct buf errs = BUF_INIT;
	const char *src = "# Top\n"
	                  "\n"
	                  "Text [gone](missing.md) and\n"
	                  "more [also gone](missing/page.md#x).\n"
	                  "\n"
	                  "| a | b |\n"
	                  "|---|---|\n"
	                  "| [cell](missing-too.md) | [ok](#top) |\n"
	                  "\n"
	                  "[anchor](#nowhere) [raw](#raw-id) [foot](#fn-1) [x][^1]\n"
	                  "\n"
	                  "<div id=\"raw-id\">raw</div>\n"
	                  "\n"
	                  "[^1]: A note with [a bad link](missing-in-note.md).\n";
	CHECK(render(src, 5, &doc, &errs) == -1);
	STR_EQ(errs.data, "page.md:7: error: broken link 'missing.md'\n"
	                  "page.md:8: error: broken link 'missing/page.md#x'\n"
	                  "page.md:12: error: broken link 'missing-too.md'\n"
	                  "page.md:18: error: broken link 'missing-in-note.md'\n"
	                  "page.md:14: error: broken link '#nowhere'\n");
	/* Every id of the page is listed once, for links from other pages. */
	CHECK(doc.nanchors == 4);
	if (doc.nanchors == 4) {
		STR_EQ(doc.anchors[0], "top");
		STR_EQ(doc.anchors[1], "fnref-1");
		STR_EQ(doc.anchors[2], "raw-id");
		STR_EQ(doc.anchors[3], "fn-1");
	}
	/* The page still renders in full. */
	HAS(doc.html.data, "<table>");
	HAS(doc.html.data, "class=\"footnotes\"");
	md_doc_release(&doc);

	/* Without a resolver nothing is checked or rewritten. */
	struct md_doc plain = MD_DOC_INIT;
	buf_reset(&errs);
	log_capture(&errs);
	struct md_opts opts = {.file = "x.md", .first_line = 1};
	CHECK(markdown_render(src, strlen(src), &opts, &plain) == 0);
	log_capture(NULL);
	STR_EQ(errs.data, "");
	HAS(plain.html.data, "href=\"missing.md\"");
	md_doc_release(&plain);
	buf_release(&errs);
}

static void test_code(void)
{
	struct md_doc doc = MD_DOC_INIT;
	struct buf errs = BUF_INIT;
	const char *src = "```nft\ntable inet filter {\n}\n```\n\n"
	                  "```nft-invalid\ntable bogus\n```\n\n"
	                  "```\nplain <b>\n```\n\n"
	                  "```python title=\"x\"\nprint('<x>')\n```\n\n"
	                  "    indented <code>\n\n"
	                  "```\" onmouseover=\"x\n<y>\n```\n";
	CHECK(render(src, 1, &doc, &errs) == 0);
	HAS(doc.html.data, "<pre><code class=\"language-nft\"><span class=\"hl-k\">table</span> "
	                   "<span class=\"hl-f\">inet</span> <span class=\"hl-t\">filter</span> {\n}\n"
	                   "</code></pre>\n");
	HAS(doc.html.data, "<pre><code class=\"language-nft\"><span class=\"hl-k\">table</span> bogus\n");
	HAS_NOT(doc.html.data, "nft-invalid");
	HAS(doc.html.data, "<pre><code>plain &lt;b&gt;\n</code></pre>");
	HAS(doc.html.data, "<pre><code class=\"language-python\"><span class=\"hl-t\">print</span>("
	                   "<span class=\"hl-s\">&#39;&lt;x&gt;&#39;</span>)\n</code></pre>");
	HAS(doc.html.data, "<pre><code>indented &lt;code&gt;\n</code></pre>");
	HAS(doc.html.data, "<pre><code class=\"language-&quot;\">&lt;y&gt;\n</code></pre>");
	HAS_NOT(doc.html.data, "onmouseover=\"");
	HAS(doc.text.data, "table inet filter {\n}");
	md_doc_release(&doc);
	buf_release(&errs);
}

static void test_extensions(void)
{
	struct md_doc doc = MD_DOC_INIT;
	struct buf errs = BUF_INIT;
	const char *src = "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n"
	                  "- [ ] todo\n- [x] done\n\n"
	                  "~~gone~~ and www.netfilter.org and https://git.netfilter.org/\n\n"
	                  "<script>alert(1)</script> <iframe src=x></iframe> <b>bold</b>\n\n"
	                  "Note[^n].\n\n[^n]: The footnote.\n\n"
	                  "[js](javascript:alert(1)) [js2](JAVASCRIPT:alert(1)) <javascript:alert(2)> ![d](data:text/html,x)\n\n"
	                  "\"quotes\" -- dash\n";
	CHECK(render(src, 1, &doc, &errs) == 0);
	HAS(doc.html.data, "<table>");
	HAS(doc.html.data, "<th align=\"left\">a</th>");
	HAS(doc.html.data, "<td align=\"right\">2</td>");
	HAS(doc.html.data, "<input type=\"checkbox\" disabled=\"\" /> todo");
	HAS(doc.html.data, "<input type=\"checkbox\" checked=\"\" disabled=\"\" /> done");
	HAS(doc.html.data, "<del>gone</del>");
	HAS(doc.html.data, "<a href=\"http://www.netfilter.org\">www.netfilter.org</a>");
	HAS(doc.html.data, "<a href=\"https://git.netfilter.org/\">https://git.netfilter.org/</a>");
	HAS(doc.html.data, "&lt;script>alert(1)&lt;/script>");
	HAS(doc.html.data, "&lt;iframe src=x>");
	HAS(doc.html.data, "<b>bold</b>");
	HAS_NOT(doc.html.data, "<script");
	HAS(doc.html.data, "<sup class=\"footnote-ref\"><a href=\"#fn-n\"");
	HAS(doc.html.data, "<li id=\"fn-n\">");
	HAS(doc.html.data, "<a href=\"\">js</a>");
	HAS(doc.html.data, "<a href=\"\">js2</a>");
	HAS(doc.html.data, "<img src=\"\" alt=\"d\" />");
	HAS_NOT(doc.html.data, "href=\"javascript");
	HAS_NOT(doc.html.data, "href=\"JAVASCRIPT");
	HAS(doc.html.data, "&quot;quotes&quot; -- dash");
	md_doc_release(&doc);

	/* Smart punctuation only when asked. */
	struct md_doc smart = MD_DOC_INIT;
	struct md_opts opts = {.file = "s.md", .smart = true};
	CHECK(markdown_render("\"quotes\" -- dash...\n", 20, &opts, &smart) == 0);
	HAS(smart.html.data, "“quotes” – dash…");
	md_doc_release(&smart);

	/* Untrusted text: raw HTML omitted, everything else intact. */
	struct md_doc unt = MD_DOC_INIT;
	struct md_opts uopts = {.file = "u.md", .untrusted = true};
	const char *usrc = "<img src=x onerror=alert(1)>\n\nHi <span onclick=\"x\">there</span>\n\n"
	                   "```nft\ntable ip t\n```\n\n## Head\n";
	CHECK(markdown_render(usrc, strlen(usrc), &uopts, &unt) == 0);
	HAS_NOT(unt.html.data, "onerror");
	HAS_NOT(unt.html.data, "onclick");
	HAS(unt.html.data, "<span class=\"hl-k\">table</span>");
	HAS(unt.html.data, "<h2 id=\"head\">");
	md_doc_release(&unt);
	buf_release(&errs);
}

static void test_text(void)
{
	struct md_doc doc = MD_DOC_INIT;
	struct buf errs = BUF_INIT;
	const char *src = "# Title\n\nHello *world*, with `code` and\na [link](x.md).\n\n"
	                  "- one\n- two\n\n| h1 | h2 |\n|----|----|\n| c1 | c2 |\n\n<div>raw</div>\n";
	CHECK(render(src, 1, &doc, &errs) == 0);
	STR_EQ(doc.text.data, "Title\nHello world, with code and a link.\none\ntwo\nh1 h2\nc1 c2");
	md_doc_release(&doc);

	struct md_doc empty = MD_DOC_INIT;
	CHECK(render("", 1, &empty, &errs) == 0);
	STR_EQ(empty.html.data, "");
	STR_EQ(empty.text.data, "");
	CHECK(empty.nheadings == 0 && empty.nlinks == 0);
	md_doc_release(&empty);
	buf_release(&errs);
}

static void test_inline(void)
{
	struct buf b = BUF_INIT;
	markdown_inline("Hello *world* [x](https://x.org/)", 33, &b);
	STR_EQ(b.data, "Hello <em>world</em> <a href=\"https://x.org/\">x</a>");
	buf_reset(&b);
	markdown_inline("one\n\ntwo", 8, &b);
	STR_EQ(b.data, "<p>one</p>\n<p>two</p>");
	buf_reset(&b);
	markdown_inline("a <script>x</script> ~~old~~ [j](javascript:x)", 46, &b);
	STR_EQ(b.data, "a &lt;script>x&lt;/script> <del>old</del> <a href=\"\">j</a>");
	buf_reset(&b);
	markdown_inline("", 0, &b);
	STR_EQ(b.data, "");
	buf_release(&b);
}

/* Parallel renders must match a serial one (cmark-gfm's global special-character
 * table would make strikethrough and autolinks flaky without the parse lock). */
static const char *thread_src = "# T\n\n~~a~~ www.example.org ~~b~~ x:y\n\n| a | b |\n|---|---|\n"
                                "| ~~c~~ | www.x.org |\n\n```nft\nip saddr 10.0.0.1 accept\n```\n";
static char *thread_want;

static void *thread_main(void *arg)
{
	(void)arg;
	long bad = 0;
	for (int i = 0; i < 300; i++) {
		struct md_doc doc = MD_DOC_INIT;
		struct md_opts opts = {.file = "t.md"};
		markdown_render(thread_src, strlen(thread_src), &opts, &doc);
		if (strcmp(doc.html.data, thread_want))
			bad++;
		md_doc_release(&doc);
	}
	return (void *)bad;
}

static void test_threads(void)
{
	struct md_doc doc = MD_DOC_INIT;
	struct md_opts opts = {.file = "t.md"};
	markdown_render(thread_src, strlen(thread_src), &opts, &doc);
	thread_want = doc.html.data;
	HAS(thread_want, "<del>c</del>");
	pthread_t th[8];
	for (int i = 0; i < 8; i++)
		pthread_create(&th[i], NULL, thread_main, NULL);
	long bad = 0;
	for (int i = 0; i < 8; i++) {
		void *r;
		pthread_join(th[i], &r);
		bad += (long)r;
	}
	CHECK(bad == 0);
	md_doc_release(&doc);
}

/* True when html has a <script tag outside attribute values (a rough tokenizer: raw HTML
 * may put "<script>" inside a quoted attribute, where it is only text). */
static bool live_script(const char *p)
{
	bool in_tag = false;
	char quote = 0;
	for (; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (in_tag) {
			if (*p == '"' || *p == '\'')
				quote = *p;
			else if (*p == '>')
				in_tag = false;
		} else if (*p == '<') {
			if (!strncasecmp(p, "<script", 7))
				return true;
			in_tag = (p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z') || p[1] == '/' || p[1] == '!';
		}
	}
	return false;
}

/* Random documents made of Markdown fragments (and stray bytes): render must not crash,
 * must return 0 or -1, and must keep scripts out. Errors go to a sink, not stderr. */
static void test_fuzz(void)
{
	static const char *const parts[] = {
		"# ", "## ", "Intro", " ", "\n", "\n\n", "[a](", "x.md", "missing.md", "#", "frag",
		")", "](", "[", "]", "```", "nft", "\n```\n", "    code\n", "<div id=\"", "\">",
		"</div>", "|", "---", "[^1]", "[^1]: ", "~~", "www.netfilter.org", "*", "_", "`",
		"<script>", "javascript:", "\xff", "\xc3\xa9", "&amp;", "- [ ] ", "> ", "1. ",
		"<", "!", "\\", "\t", "é", "🎉", "%C3%A9", "[ref]", "[ref]: y.md#z\n",
	};
	unsigned seed = 4242;
	struct buf src = BUF_INIT, errs = BUF_INIT;
	int bad = 0;
	for (int iter = 0; iter < 3000; iter++) {
		buf_reset(&src);
		seed = seed * 1103515245u + 12345u;
		int n = (int)((seed >> 16) % 40);
		for (int i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			buf_puts(&src, parts[(seed >> 16) % (sizeof(parts) / sizeof(*parts))]);
		}
		if ((seed >> 8) % 7 == 0)
			buf_putc(&src, 0);
		struct md_doc doc = MD_DOC_INIT;
		buf_reset(&errs);
		int rc = render(src.data, (int)(seed % 3), &doc, &errs);
		if ((rc != 0 && rc != -1) || (rc == 0) != (errs.len == 0) || live_script(doc.html.data) ||
		    strstr(doc.html.data, "href=\"javascript")) {
			if (bad++ < 3)
				fprintf(stderr, "fuzz: rc %d for «%s»\n%s", rc, src.data, errs.data);
		}
		md_doc_release(&doc);
	}
	CHECK(bad == 0);
	buf_release(&src);
	buf_release(&errs);
}

static int render_file(const char *path, int first_line)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 2;
	}
	struct buf src = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&src, chunk, n);
	fclose(f);
	struct md_doc doc = MD_DOC_INIT;
	struct md_opts opts = {.file = path, .first_line = first_line, .resolve = test_resolve};
	int rc = markdown_render(src.data, src.len, &opts, &doc);
	fputs(doc.html.data, stdout);
	printf("--- toc\n%s", doc.toc_html.data);
	printf("--- headings\n");
	for (size_t i = 0; i < doc.nheadings; i++)
		printf("h%d line %d #%s %s\n", doc.headings[i].level, doc.headings[i].line,
		       doc.headings[i].id, doc.headings[i].text);
	printf("--- links\n");
	for (size_t i = 0; i < doc.nlinks; i++)
		printf("line %d %s%s%s (%s)\n", doc.links[i].line, doc.links[i].url,
		       doc.links[i].fragment ? "#" : "",
		       doc.links[i].fragment ? doc.links[i].fragment : "", doc.links[i].written);
	printf("--- anchors\n");
	for (size_t i = 0; i < doc.nanchors; i++)
		printf("%s\n", doc.anchors[i]);
	printf("--- text\n%s\n", doc.text.data);
	md_doc_release(&doc);
	buf_release(&src);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "render"))
		return render_file(argv[2], argc >= 4 ? atoi(argv[3]) : 1);
	test_slugs();
	test_headings();
	test_unicode_ids();
	test_toc();
	test_links();
	test_broken_links();
	test_code();
	test_extensions();
	test_text();
	test_inline();
	test_threads();
	test_fuzz();
	return unit_done();
}
