/* buf: the one growable byte buffer used everywhere, plus the aborting allocators.
 *
 * Invariants: `data` is never NULL and is always NUL-terminated; `len` excludes the NUL.
 * A struct buf owns its storage; buf_release() frees it and leaves an empty buffer.
 * Running out of memory aborts (we ship an application, not a library). */
#ifndef NFSITE_BUF_H
#define NFSITE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len, cap;
};

extern char buf_empty[1];
#define BUF_INIT {buf_empty, 0, 0}

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* xasprintf: caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Sizes for allocations (git's st_add/st_mult): a size_t that would wrap aborts with a
 * message instead, so an absurd count never becomes a small allocation. */
size_t st_add(size_t a, size_t b);
size_t st_mult(size_t a, size_t b);
/* xrealloc for n elements of size bytes, the product checked. */
void *xreallocarray(void *p, size_t n, size_t size);
/* The one growth of an array (git's ALLOC_GROW): makes room for at least need elements
 * of *p, doubling cap (a size_t lvalue, 0 for a NULL p) so n appends cost O(n). New
 * elements are not initialised. */
#define ALLOC_GROW(p, need, cap)                                              \
	do {                                                                  \
		if ((need) > (cap))                                           \
			(p) = alloc_grow((p), (need), &(cap), sizeof *(p));  \
	} while (0)
void *alloc_grow(void *p, size_t need, size_t *cap, size_t size);

void buf_init(struct buf *b);
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const char *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, int c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
void buf_truncate(struct buf *b, size_t len);
void buf_reset(struct buf *b);
void buf_release(struct buf *b);
/* buf_detach: returns the storage (caller frees) and leaves b empty. */
char *buf_detach(struct buf *b, size_t *len);
/* HTML-escapes & < > " ' into b. */
void buf_add_html(struct buf *b, const char *p, size_t n);
void buf_puts_html(struct buf *b, const char *s);
/* Percent-encodes bytes outside unreserved and "/" into b (for URLs; decoding is in
 * url.h). */
void buf_add_urlenc(struct buf *b, const char *p, size_t n);
bool buf_ends_with(const struct buf *b, const char *s);

#endif
