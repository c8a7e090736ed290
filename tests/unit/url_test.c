/* url_test: percent-decoding (strict and lenient), dot-segment removal as RFC 3986
 * section 5.2.4 gives it, with and without merged slashes, joining, and MediaWiki's
 * encoding of titles. */
#include "base/buf.h"
#include "base/url.h"
#include "unit.h"

static struct buf b = BUF_INIT;

static const char *decode(const char *s, bool strict)
{
	buf_reset(&b);
	return url_decode(s, strlen(s), &b, strict) ? b.data : "(false)";
}

static const char *norm(const char *s, bool merge)
{
	buf_reset(&b);
	buf_puts(&b, s);
	return url_normalise(&b, merge) ? b.data : "(false)";
}

static const char *join(const char *base, const char *ref)
{
	url_join(&b, base, ref, strlen(ref));
	return b.data;
}

int main(void)
{
	CHECK(url_hex_byte("41") == 'A' && url_hex_byte("e9") == 0xe9 && url_hex_byte("E9") == 0xe9);
	CHECK(url_hex_byte("4") == -1 && url_hex_byte("g1") == -1 && url_hex_byte("") == -1);

	CHECK_STR(decode("caf%C3%A9", true), "café");
	CHECK_STR(decode("a%2Fb+c", true), "a/b+c");
	CHECK_STR(decode("100%", true), "(false)");
	CHECK_STR(decode("%4", true), "(false)");
	CHECK_STR(decode("%zz", true), "(false)");
	CHECK_STR(decode("a%00b", true), "(false)");
	CHECK_STR(decode("100%", false), "100%");
	CHECK_STR(decode("%zz%41", false), "%zzA");
	CHECK_STR(decode("a%00b", false), "a%00b");
	/* appends */
	buf_reset(&b);
	buf_puts(&b, "x");
	url_decode("%41", 3, &b, true);
	CHECK_STR(b.data, "xA");

	/* RFC 3986 5.2.4's examples and the edges */
	CHECK_STR(norm("/a/b/c/./../../g", false), "/a/g");
	CHECK_STR(norm("mid/content=5/../6", false), "mid/6");
	CHECK_STR(norm("/a/b/..", false), "/a/");
	CHECK_STR(norm("/a/b/.", false), "/a/b/");
	CHECK_STR(norm("/a/./b/", false), "/a/b/");
	CHECK_STR(norm("/", false), "/");
	CHECK_STR(norm("/..", false), "(false)");
	CHECK_STR(norm("/a/../..", false), "(false)");
	CHECK_STR(norm("a/../../b", true), "(false)");
	CHECK_STR(norm("./a", true), "a");
	CHECK_STR(norm("a/..", true), "");
	CHECK_STR(norm("", true), "");
	CHECK_STR(norm("/a//b/", false), "/a//b/");
	CHECK_STR(norm("/a//b/", true), "/a/b/");
	CHECK_STR(norm("//a/./b", true), "/a/b");
	CHECK_STR(norm("/a//..", false), "/a/");
	CHECK_STR(norm("content/docs/../img/x.png", true), "content/img/x.png");

	CHECK_STR(join("/docs/page/", "../x"), "/docs/page/../x");
	CHECK_STR(join("/docs/a.html", "b.html"), "/docs/b.html");
	CHECK_STR(join("/docs/a.html", "/abs"), "/abs");
	CHECK_STR(join("/docs/a.html", ""), "/docs/a.html");
	CHECK_STR(join("content/a.md", "b.md"), "content/b.md");
	CHECK_STR(join("index.html", "b"), "b");

	/* MediaWiki's wfUrlencode: its readable characters kept, spaces by the flag. */
	const char t[] = "Foo bar/\xc3\x9c:-_.~;@$!*(),?&=#%+\"'<>[]";
	buf_reset(&b);
	url_encode_title(&b, t, strlen(t), true);
	CHECK_STR(b.data, "Foo_bar/%C3%9C:-_.~;@$!*(),%3F%26%3D%23%25%2B%22%27%3C%3E%5B%5D");
	buf_reset(&b);
	url_encode_title(&b, t, 8, false);
	CHECK_STR(b.data, "Foo%20bar/");
	buf_reset(&b);
	url_encode_title(&b, "a\0b", 3, false);
	CHECK_STR(b.data, "a%00b");
	buf_release(&b);
	return unit_done();
}
