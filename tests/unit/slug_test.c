/* slug_test: each slug variant's rule, and the Unicode cases the old hand tables got
 * wrong. Every variant is a contract (published URLs and ids): a failing case here is
 * a URL that would move. */
#include "base/buf.h"
#include "base/slug.h"
#include "unit.h"

typedef void slugger(const char *, size_t, struct buf *);

static const char *slug(struct buf *b, slugger *f, const char *s)
{
	buf_reset(b);
	buf_puts(b, "<"); /* each variant appends */
	f(s, strlen(s), b);
	return b->data + 1;
}

int main(void)
{
	struct buf b = BUF_INIT;

	/* heading ids */
	CHECK_STR(slug(&b, slug_heading, "Hello, World!"), "hello-world");
	CHECK_STR(slug(&b, slug_heading, "snake_case and-dash  2"), "snake_case-and-dash--2");
	CHECK_STR(slug(&b, slug_heading, "\xC4\xB0stanbul"), "istanbul"); /* İ, not ı */
	CHECK_STR(slug(&b, slug_heading, "\xC7\x84ungla"), "\xC7\x86ungla"); /* Ǆ */
	CHECK_STR(slug(&b, slug_heading, "\xC7\x85"), "\xC7\x86");            /* ǅ title case */
	CHECK_STR(slug(&b, slug_heading, "\xE1\x82\xA0"), "\xE2\xB4\x80");    /* Ⴀ, Georgian */
	CHECK_STR(slug(&b, slug_heading, "Caf\xC3\x89 \xCE\xA3\xCE\xBF\xCF\x86\xCE\xAF\xCE\xB1"),
	          "caf\xC3\xA9-\xCF\x83\xCE\xBF\xCF\x86\xCE\xAF\xCE\xB1");
	CHECK_STR(slug(&b, slug_heading, "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82"),
	          "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82"); /* Привет */
	CHECK_STR(slug(&b, slug_heading, "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"), "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E");
	CHECK_STR(slug(&b, slug_heading, "\xE2\x9D\xA4\xEF\xB8\x8F Love \xF0\x9F\x98\x80"), "-love-"); /* ❤️, 😀 */
	CHECK_STR(slug(&b, slug_heading, "a\xE2\x80\x94" "b\xC2\xA0" "c\xE2\x84\xA2"), "abc"); /* — nbsp ™ */
	CHECK_STR(slug(&b, slug_heading, "x\xC2\xB2 \xE2\x91\xA0"), "x\xC2\xB2-\xE2\x91\xA0");  /* ² ① are numbers */
	CHECK_STR(slug(&b, slug_heading, "e\xCC\x81" "t\xC3\xA9"), "e\xCC\x81t\xC3\xA9"); /* marks stay */
	CHECK_STR(slug(&b, slug_heading, "bad\xFF" "byte"), "badbyte");
	CHECK_STR(slug(&b, slug_heading, "!!!"), "");

	/* content path components: case kept, non-ASCII bytes kept */
	CHECK_STR(slug(&b, slug_path, "My Post (draft)"), "My-Post-draft");
	CHECK_STR(slug(&b, slug_path, "  v1.2_beta--x "), "v1.2_beta--x");
	CHECK_STR(slug(&b, slug_path, "Caf\xC3\xA9 & Bar"), "Caf\xC3\xA9-Bar");
	CHECK_STR(slug(&b, slug_path, "???"), "");

	/* bug archive names: lower-case ASCII only, never empty, "." or ".." */
	CHECK_STR(slug(&b, slug_ascii, "ipset Tools"), "ipset-tools");
	CHECK_STR(slug(&b, slug_ascii, "  nf_tables / iptables-nft  "), "nf_tables-iptables-nft");
	CHECK_STR(slug(&b, slug_ascii, "Caf\xC3\xA9"), "caf");
	CHECK_STR(slug(&b, slug_ascii, "\xC3\xA9t\xC3\xA9"), "t");
	CHECK_STR(slug(&b, slug_ascii, ".."), "..x");
	CHECK_STR(slug(&b, slug_ascii, "."), ".x");
	CHECK_STR(slug(&b, slug_ascii, "***"), "x");

	/* wiki titles */
	CHECK_STR(slug(&b, slug_wiki_title, "Main Page"), "main-page");
	CHECK_STR(slug(&b, slug_wiki_title, "Help:Contents"), "help-contents");
	CHECK_STR(slug(&b, slug_wiki_title, "Version 1.2..3 (old)"), "version-1.2-3-old");
	CHECK_STR(slug(&b, slug_wiki_title, ".hidden."), "hidden");
	CHECK_STR(slug(&b, slug_wiki_title, "\xC4\xB0stanbul \xC3\x9C" "ber"), "istanbul-\xC3\xBC" "ber");
	CHECK_STR(slug(&b, slug_wiki_title, "\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\xA8\xE0\xA5\x8D\xE0\xA4\xA6\xE0\xA5\x80"),
	          "\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\xA8-\xE0\xA4\xA6\xE0\xA5\x80"); /* हिन्दी: glibc's virama */
	CHECK_STR(slug(&b, slug_wiki_title, "Index"), "index-page");
	CHECK_STR(slug(&b, slug_wiki_title, "?!"), "page");
	CHECK_STR(slug(&b, slug_wiki_title, "a\xFF" "b"), "a-b");
	char longt[160];
	memset(longt, 'a', sizeof longt - 1);
	longt[sizeof longt - 1] = 0;
	const char *l = slug(&b, slug_wiki_title, longt);
	CHECK(strlen(l) == SLUG_WIKI_MAX + 9 && !strncmp(l, longt, SLUG_WIKI_MAX));
	CHECK_STR(l + SLUG_WIKI_MAX, "-56618d06"); /* FNV-1a of the title: a published name */

	/* tags: lower-cased letters and digits of every script, one '-' between runs */
	CHECK_STR(slug(&b, slug_tag, "Userspace tools"), "userspace-tools");
	CHECK_STR(slug(&b, slug_tag, "  C++ / nf_tables.v2 "), "c-nf-tables-v2");
	CHECK_STR(slug(&b, slug_tag, "\xC3\x9C" "bersetzungen"), "\xC3\xBC" "bersetzungen"); /* Übersetzungen */
	CHECK_STR(slug(&b, slug_tag, "\xD0\x9F\xD1\x80\xD0\xB8 \xE6\x97\xA5"), "\xD0\xBF\xD1\x80\xD0\xB8-\xE6\x97\xA5");
	CHECK_STR(slug(&b, slug_tag, "a\xFF" "b"), "a-b");
	CHECK_STR(slug(&b, slug_tag, "++"), "tag-b4a92e53"); /* FNV-1a of the tag */
	const char *t = slug(&b, slug_tag, longt);
	CHECK(strlen(t) == SLUG_TAG_MAX + 9 && !strncmp(t, longt, SLUG_TAG_MAX));
	buf_release(&b);
	return unit_done();
}
