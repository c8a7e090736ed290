/* hash: see hash.h. A multiply-xorshift mix over 64-bit words; the length goes in
 * first and the tail's length last, so "ab" + "c" and "a" + "bc" differ when chained. */
#include "base/hash.h"

#include <string.h>

static const uint64_t m = 0x9E3779B97F4A7C15ull;

uint64_t hash_begin(uint64_t h, size_t total)
{
	return h ^ total * m;
}

uint64_t hash_piece(uint64_t h, const void *data, size_t len, bool last)
{
	const unsigned char *p = data;
	while (len >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * m;
		h ^= h >> 29;
		p += 8;
		len -= 8;
	}
	if (!last)
		return h;
	uint64_t w = 0;
	memcpy(&w, p, len);
	h = (h ^ w ^ ((uint64_t)len << 56)) * m;
	h ^= h >> 32;
	return h;
}

uint64_t hash_bytes(uint64_t h, const void *data, size_t len)
{
	return hash_piece(hash_begin(h, len), data, len, true);
}

uint64_t hash_fnv1a(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ull; /* 14695981039346656037, the offset basis */
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}
