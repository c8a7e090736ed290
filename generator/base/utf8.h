/* utf8: the one home of UTF-8 decoding, encoding, validation and repair, and of Unicode
 * folding. Decoding, encoding and every Unicode table come from libutf8proc, so the
 * result depends neither on the locale nor on the C library's Unicode version. */
#ifndef NFSITE_UTF8_H
#define NFSITE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

/* Decodes the sequence at p (len bytes left): returns its length (1..4) and stores the
 * code point in *cp, or returns 0 when the bytes there are not valid UTF-8 (overlong,
 * a surrogate, above U+10FFFF, cut short) or len is 0. NUL decodes as U+0000. */
size_t utf8_decode(const char *p, size_t len, int32_t *cp);
/* utf8_decode without the code point, for callers that only step over text. */
size_t utf8_seq_len(const unsigned char *p, size_t avail);
/* Appends cp as UTF-8; a value that is no Unicode scalar (a surrogate, negative, above
 * U+10FFFF) as U+FFFD. */
void utf8_encode(int32_t cp, struct buf *out);
/* Returns true when p[0..len) is valid UTF-8. A NUL byte counts as invalid unless
 * nul_ok: text files and names must not hold one, a wiki's stored text may. When false
 * and bad_line is not NULL, *bad_line is the 1-based line of the first bad byte. */
bool utf8_valid(const char *p, size_t len, bool nul_ok, int *bad_line);
/* Appends p to out, replacing each invalid byte with U+FFFD and dropping NUL bytes. */
void utf8_sanitize(const char *p, size_t len, struct buf *out);
/* Appends the folded form of valid UTF-8 p to out: case-folded and in NFC (Unicode
 * normalisation form C), so two names a case- or normalisation-insensitive file system
 * takes for one (macOS, Windows) fold to the same bytes. Invalid UTF-8 is appended as
 * it is. */
void utf8_fold(const char *p, size_t len, struct buf *out);
/* Appends p[0..len) upper-cased (upper) or lower-cased with Unicode's full case mapping,
 * as PHP's mb_strtoupper and mb_strtolower (MediaWiki's {{uc:}}, {{lc:}}, ucfirst): "ß"
 * becomes "SS", "ﬁ" "FI", "İ" "i̇". Invalid bytes are copied as they are. */
void utf8_case(const char *p, size_t len, bool upper, struct buf *out);
/* Calls fn(word, len, arg) for each word of p[0..len) as a search box sees words:
 * lower-cased (utf8_case), decomposed (NFD) without the combining diacritics
 * U+0300..U+036F, and split at every character that is neither a letter nor a digit
 * (JavaScript's toLowerCase().normalize('NFD') and \p{L}\p{N}). word is borrowed for the
 * call. A non-zero return of fn stops the walk and is returned; invalid bytes split. */
int utf8_words(const char *p, size_t len, int (*fn)(const char *word, size_t len, void *arg), void *arg);

#endif
