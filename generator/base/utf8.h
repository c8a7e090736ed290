/* utf8: text checks shared by readers of untrusted text. */
#ifndef NFSITE_UTF8_H
#define NFSITE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* Returns true when p[0..len) is valid UTF-8 without NUL bytes; otherwise false and,
 * when bad_line is not NULL, the 1-based line of the first bad byte. */
bool utf8_valid(const char *p, size_t len, int *bad_line);
/* Appends p to out, replacing invalid sequences with U+FFFD and dropping NUL bytes. */
void utf8_sanitize(const char *p, size_t len, struct buf *out);
/* Appends the folded form of valid UTF-8 p to out: case-folded and in NFC (Unicode
 * normalisation form C), so two names a case- or normalisation-insensitive file system
 * takes for one (macOS, Windows) fold to the same bytes. Invalid UTF-8 is appended as
 * it is. */
void utf8_fold(const char *p, size_t len, struct buf *out);
/* Length of the valid UTF-8 sequence at p (1..4), or 0 when invalid. */
size_t utf8_seq_len(const unsigned char *p, size_t avail);

#endif
