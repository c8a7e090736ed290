/* buf: growable byte buffer and aborting allocators (see buf.h). */
#include "base/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char buf_empty[1];

static void oom(void)
{
	fputs("nfsite: out of memory, aborting\n", stderr);
	abort();
}

static void overflow(const char *op, size_t a, size_t b)
{
	fprintf(stderr, "nfsite: size overflow (%zu %s %zu), aborting\n", a, op, b);
	abort();
}

size_t st_add(size_t a, size_t b)
{
	if (a > SIZE_MAX - b)
		overflow("+", a, b);
	return a + b;
}

size_t st_mult(size_t a, size_t b)
{
	if (b && a > SIZE_MAX / b)
		overflow("*", a, b);
	return a * b;
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	return xrealloc(p, st_mult(n, size));
}

void *alloc_grow(void *p, size_t need, size_t *cap, size_t size)
{
	size_t n = *cap < 8 ? 16 : st_mult(*cap, 2);
	if (n < need)
		n = need;
	p = xreallocarray(p, n, size);
	*cap = n;
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(st_add(n, 1));
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b, NULL);
}

void buf_init(struct buf *b)
{
	b->data = buf_empty;
	b->len = b->cap = 0;
}

void buf_grow(struct buf *b, size_t extra)
{
	size_t need = st_add(st_add(b->len, extra), 1);
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	/* Doubling, then half again above 1 GiB; need itself when that would wrap. */
	while (cap < need)
		cap = cap < ((size_t)1 << 30) ? cap * 2 : cap <= SIZE_MAX - cap / 2 ? cap + cap / 2 : need;
	if (b->cap == 0) {
		b->data = xmalloc(cap);
		b->data[0] = 0;
	} else {
		b->data = xrealloc(b->data, cap);
	}
	b->cap = cap;
}

void buf_add(struct buf *b, const char *p, size_t n)
{
	if (!n)
		return;
	buf_grow(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
}

void buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_putc(struct buf *b, int c)
{
	buf_grow(b, 1);
	b->data[b->len++] = (char)c;
	b->data[b->len] = 0;
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n <= 0)
		return;
	buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void buf_truncate(struct buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->data[len] = 0;
	}
}

void buf_reset(struct buf *b)
{
	buf_truncate(b, 0);
}

void buf_release(struct buf *b)
{
	if (b->cap)
		free(b->data);
	buf_init(b);
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p = b->cap ? b->data : xstrdup("");
	if (len)
		*len = b->len;
	buf_init(b);
	return p;
}

void buf_add_html(struct buf *b, const char *p, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (p[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_add(b, p + start, i - start);
		buf_puts(b, rep);
		start = i + 1;
	}
	buf_add(b, p + start, n - start);
}

void buf_puts_html(struct buf *b, const char *s)
{
	buf_add_html(b, s, strlen(s));
}

void buf_add_urlenc(struct buf *b, const char *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
			buf_putc(b, c);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		}
	}
}

bool buf_ends_with(const struct buf *b, const char *s)
{
	size_t n = strlen(s);
	return b->len >= n && memcmp(b->data + b->len - n, s, n) == 0;
}
