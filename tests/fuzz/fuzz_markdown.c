/* fuzz_markdown: markdown_render with a link resolver, in each option combination
 * (the first byte picks smart/untrusted), plus markdown_inline and every slug variant.
 * Oracle: untrusted text must never put a <script> element into the HTML. */
#include "base/buf.h"
#include "base/slug.h"
#include "site/markdown.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

/* Internal for "/x" and plain words, external for schemes, broken for "missing". */
static int resolve(void *arg, const char *dest, struct buf *url)
{
	(void)arg;
	if (strstr(dest, "missing"))
		return -1;
	if (strchr(dest, ':') || !strncmp(dest, "//", 2))
		return 1;
	buf_putc(url, '/');
	for (const char *p = dest; *p; p++)
		if (*p != '/' && *p != '.')
			buf_putc(url, *p);
	buf_putc(url, '/');
	return 0;
}

static void check_no_script(const struct buf *html)
{
	for (size_t i = 0; i + 7 <= html->len; i++)
		if (html->data[i] == '<' && !strncasecmp(html->data + i + 1, "script", 6))
			__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned flags = data[0];
	const char *src = (const char *)data + 1;
	size_t len = size - 1;
	struct md_opts opts = {.file = "fuzz.md", .first_line = 1 + (int)(flags >> 4)};
	opts.smart = flags & 1;
	opts.untrusted = flags & 2;
	opts.resolve = flags & 4 ? resolve : NULL;
	struct md_doc doc = MD_DOC_INIT;
	(void)markdown_render(src, len, &opts, &doc);
	if (opts.untrusted)
		check_no_script(&doc.html);
	md_doc_release(&doc);

	struct buf b = BUF_INIT;
	if (len < 4096) {
		markdown_inline(src, len, &b);
		buf_reset(&b);
		slug_heading(src, len, &b);
		slug_path(src, len, &b);
		slug_ascii(src, len, &b);
		slug_wiki_title(src, len, &b);
	}
	buf_release(&b);
	return 0;
}
