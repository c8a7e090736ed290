/* utf8_test: decoding, encoding, validation (both NUL rules), repair, folding and case mapping. */
#include "base/buf.h"
#include "base/utf8.h"
#include "unit.h"

static size_t dec(const char *s, int32_t *cp)
{
	*cp = -1;
	return utf8_decode(s, strlen(s), cp);
}

static const char *enc(struct buf *b, int32_t cp)
{
	buf_reset(b);
	utf8_encode(cp, b);
	return b->data;
}

/* utf8_words callback: the words joined by '|'. */
static int join_word(const char *w, size_t len, void *arg)
{
	struct buf *b = arg;
	if (b->len)
		buf_putc(b, '|');
	buf_add(b, w, len);
	return 0;
}

static int stop_at_second(const char *w, size_t len, void *arg)
{
	(void)w;
	(void)len;
	return ++*(int *)arg == 2 ? 7 : 0;
}

int main(void)
{
	int32_t cp;
	CHECK(dec("a", &cp) == 1 && cp == 'a');
	CHECK(dec("\xC3\xA9", &cp) == 2 && cp == 0xE9);
	CHECK(dec("\xE2\x82\xAC", &cp) == 3 && cp == 0x20AC);
	CHECK(dec("\xF0\x9F\x98\x80", &cp) == 4 && cp == 0x1F600);
	CHECK(utf8_decode("\0", 1, &cp) == 1 && cp == 0);
	CHECK(utf8_decode("a", 0, &cp) == 0);
	CHECK(dec("\xC0\xAF", &cp) == 0);         /* overlong '/' */
	CHECK(dec("\xE0\x80\xAF", &cp) == 0);     /* overlong, three bytes */
	CHECK(dec("\xED\xA0\x80", &cp) == 0);     /* surrogate U+D800 */
	CHECK(dec("\xF4\x90\x80\x80", &cp) == 0); /* U+110000 */
	CHECK(dec("\xF5\x80\x80\x80", &cp) == 0);
	CHECK(dec("\x80", &cp) == 0);             /* lone continuation byte */
	CHECK(utf8_decode("\xE2\x82\xAC", 2, &cp) == 0); /* cut short */
	CHECK(dec("\xC3(", &cp) == 0);
	CHECK(utf8_seq_len((const unsigned char *)"\xE2\x82\xAC", 3) == 3);

	struct buf b = BUF_INIT;
	CHECK_STR(enc(&b, 'z'), "z");
	CHECK_STR(enc(&b, 0xE9), "\xC3\xA9");
	CHECK_STR(enc(&b, 0x10A0), "\xE1\x82\xA0");
	CHECK_STR(enc(&b, 0x1F600), "\xF0\x9F\x98\x80");
	CHECK_STR(enc(&b, 0xD800), "\xEF\xBF\xBD");
	CHECK_STR(enc(&b, 0x110000), "\xEF\xBF\xBD");
	CHECK_STR(enc(&b, -1), "\xEF\xBF\xBD");

	int line = 0;
	CHECK(utf8_valid("", 0, false, NULL));
	CHECK(utf8_valid("plain ascii, long enough for a word", 35, false, NULL));
	CHECK(utf8_valid("\xC4\xB0stanbul \xC7\x84 \xE1\x82\xA0", 16, false, NULL));
	CHECK(!utf8_valid("one\ntwo\nthr\xFF" "e", 13, false, &line) && line == 3);
	CHECK(!utf8_valid("a\nbcdefghijk\0", 13, false, &line) && line == 2);
	CHECK(utf8_valid("a\nbcdefghijk\0", 13, true, NULL));
	CHECK(!utf8_valid("\xED\xA0\x80", 3, true, NULL));

	buf_reset(&b);
	utf8_sanitize("a\xFF" "b\0c\xE2\x82", 7, &b);
	CHECK_STR(b.data, "a\xEF\xBF\xBD" "bc\xEF\xBF\xBD\xEF\xBF\xBD");

	buf_reset(&b);
	utf8_fold("\xC4\xB0stanbul", 9, &b); /* İ folds fully: i and a combining dot */
	CHECK_STR(b.data, "i\xCC\x87stanbul");
	buf_reset(&b);
	utf8_fold("Cafe\xCC\x81", 6, &b); /* decomposed é composes */
	CHECK_STR(b.data, "caf\xC3\xA9");
	buf_reset(&b);
	utf8_fold("\xC7\x84 \xE1\x82\xA0 README", 13, &b);
	CHECK_STR(b.data, "\xC7\x86 \xE2\xB4\x80 readme");

	/* full case mapping as PHP's mb_strtoupper/mb_strtolower */
	buf_reset(&b);
	utf8_case("Stra\xC3\x9F" "e \xC3\xA9t\xC3\xA9 \xEF\xAC\x81 \xC7\x85 \xD0\xB6", 23, true, &b);
	CHECK_STR(b.data, "STRASSE \xC3\x89T\xC3\x89 FI \xC7\x84 \xD0\x96");
	buf_reset(&b);
	utf8_case("\xE1\xBE\x80", 3, true, &b); /* ᾀ: ἈΙ */
	CHECK_STR(b.data, "\xE1\xBC\x88\xCE\x99");
	buf_reset(&b);
	utf8_case("\xC4\xB0I \xC3\x89\xE1\xBA\x9E \xFF", 11, false, &b); /* İ, ẞ; a bad byte stays */
	CHECK_STR(b.data, "i\xCC\x87i \xC3\xA9\xC3\x9F \xFF");
	buf_reset(&b);
	utf8_case("\xC4\xB0\xE1\xBA\x9E", 5, true, &b); /* already upper: unchanged */
	CHECK_STR(b.data, "\xC4\xB0\xE1\xBA\x9E");
	/* utf8_words: search.js's fold (lower case, NFD without U+0300..U+036F) and split */
	buf_reset(&b);
	CHECK(utf8_words("Pipap\xC3\xB3 NFT-Tables, 2x \xC4\xB0stanbul \xC3\x9F\xE2\x82\xAC\xC3\x86", 40,
	                 join_word, &b) == 0);
	CHECK_STR(b.data, "pipapo|nft|tables|2x|istanbul|\xC3\x9F|\xC3\xA6");
	buf_reset(&b);
	CHECK(utf8_words("a\xFF" "b  ", 5, join_word, &b) == 0); /* a bad byte splits */
	CHECK_STR(b.data, "a|b");
	buf_reset(&b); /* ΟΔΟΣ and οδος: one word, as search.js folds both */
	CHECK(utf8_words("\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3 \xCE\xBF\xCE\xB4\xCE\xBF\xCF\x82", 17, join_word, &b) == 0);
	CHECK_STR(b.data, "\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x83|\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x83");
	int seen = 0;
	CHECK(utf8_words("one two three", 13, stop_at_second, &seen) == 7 && seen == 2);
	buf_release(&b);
	return unit_done();
}
