/* hash: the one non-cryptographic 64-bit hash of the generator, for change detection
 * (build cache keys) and for in-memory hash tables. Eight bytes per step, so hashing
 * every body and output costs far less than reading them. */
#ifndef NFSITE_HASH_H
#define NFSITE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_INIT 1469598103934665603ull

/* Mixes len bytes at data into h (start from HASH_INIT); chain calls to hash several
 * pieces. */
uint64_t hash_bytes(uint64_t h, const void *data, size_t len);

#endif
