/* url: the URL pieces links and requests share: percent-decoding, normalising a path's
 * "." and ".." segments, and resolving a relative reference. Percent-encoding is
 * buf_add_urlenc (buf.h); MediaWiki's form of it for titles is url_encode_title. Paths
 * only: a whole URL with scheme and host goes through libcurl's parser (check/links.c). */
#ifndef NFSITE_URL_H
#define NFSITE_URL_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* The byte that the two hex digits at p (after a '%') name, or -1 when they are not
 * two hex digits. */
int url_hex_byte(const char *p);

/* Appends p[0..n) to out with each %XX decoded. strict: false at a '%' without two hex
 * digits or at "%00" (out then holds part of it). Otherwise such a '%' and "%00" are
 * kept as written, so out stays a C string. */
bool url_decode(const char *p, size_t n, struct buf *out, bool strict);

/* Appends s[0..n) to out percent-encoded as MediaWiki's wfUrlencode does a title: ASCII
 * letters, digits and -_.~;@$!*(),/: kept, every other byte %XX (upper case).
 * spaces_as_underscores: ' ' is written '_' (a DB key, as in article URLs), else %20. */
void url_encode_title(struct buf *out, const char *s, size_t n, bool spaces_as_underscores);

/* RFC 3986's remove_dot_segments on a path, absolute or relative, in place: "a/./b/../c"
 * is "a/c"; a path ending in "." or ".." ends in '/'. merge_slashes drops empty
 * segments ("a//b" is "a/b", as a file system reads it). False when ".." climbs above
 * the start; path is then unspecified. */
bool url_normalise(struct buf *path, bool merge_slashes);

/* Sets out to the reference ref[0..n) resolved against the path base (RFC 3986's merge):
 * a ref starting with '/' as it is, an empty one as base, any other after base's last
 * '/'. Dot segments stay for url_normalise. */
void url_join(struct buf *out, const char *base, const char *ref, size_t n);

#endif
