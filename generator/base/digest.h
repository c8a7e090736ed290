/* digest: the cryptographic digests other systems name files by, through OpenSSL's
 * libcrypto: MD5 (MediaWiki's hashed upload folders) and SHA-1 (its file checksums).
 * Not for change detection inside nfsite: that is hash.h. Output is lower-case hex. */
#ifndef NFSITE_DIGEST_H
#define NFSITE_DIGEST_H

#include <stddef.h>

void digest_md5_hex(const void *data, size_t len, char out[33]);
void digest_sha1_hex(const void *data, size_t len, char out[41]);

#endif
