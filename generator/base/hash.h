/* hash: the one non-cryptographic 64-bit hash of the generator, for change detection
 * (build cache keys) and for in-memory hash tables. Eight bytes per step, so hashing
 * every body and output costs far less than reading them. */
#ifndef NFSITE_HASH_H
#define NFSITE_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HASH_INIT 1469598103934665603ull

/* Mixes len bytes at data into h (start from HASH_INIT); chain calls to hash several
 * pieces. */
uint64_t hash_bytes(uint64_t h, const void *data, size_t len);
/* hash_bytes(h, data, total) for data that arrives in pieces (a file streamed through a
 * buffer): h = hash_begin(h, total), then hash_piece for each piece, every one but the
 * last (last = true) a multiple of 8 bytes long. */
uint64_t hash_begin(uint64_t h, size_t total);
uint64_t hash_piece(uint64_t h, const void *data, size_t len, bool last);

#endif
