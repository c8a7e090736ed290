/* hash: the one non-cryptographic 64-bit hash of the generator, for change detection
 * (build cache keys) and for in-memory hash tables. Eight bytes per step, so hashing
 * every body and output costs far less than reading them. */
#ifndef NFSITE_HASH_H
#define NFSITE_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The starting value of a chain. Any odd constant would do: the mix is not FNV, and
 * this number (FNV-1a's offset basis short of its last digit, kept so cache keys and
 * output manifests stay valid) means nothing beyond being fixed. */
#define HASH_SEED 1469598103934665603ull

/* Mixes len bytes at data into h (start from HASH_SEED); chain calls to hash several
 * pieces. */
uint64_t hash_bytes(uint64_t h, const void *data, size_t len);
/* hash_bytes(h, data, total) for data that arrives in pieces (a file streamed through a
 * buffer): h = hash_begin(h, total), then hash_piece for each piece, every one but the
 * last (last = true) a multiple of 8 bytes long. */
uint64_t hash_begin(uint64_t h, size_t total);
uint64_t hash_piece(uint64_t h, const void *data, size_t len, bool last);

/* 64-bit FNV-1a, byte at a time: for hashes written out that must never change with
 * the generator (a long wiki title's slug suffix, an imported file's import_hash),
 * where hash_bytes is free to change. */
uint64_t hash_fnv1a(const void *data, size_t len);

#endif
