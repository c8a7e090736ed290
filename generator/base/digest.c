/* digest: MD5 and SHA-1 in hex (see digest.h). */
#include "base/digest.h"

#include <openssl/evp.h>
#include <stdio.h>

static void hex_digest(const EVP_MD *md, const void *data, size_t len, char *out)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_Digest(data, len, d, &n, md, NULL);
	for (unsigned int i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	out[2 * n] = 0;
}

void digest_md5_hex(const void *data, size_t len, char out[33])
{
	hex_digest(EVP_md5(), data, len, out);
}

void digest_sha1_hex(const void *data, size_t len, char out[41])
{
	hex_digest(EVP_sha1(), data, len, out);
}
