/* buf_test: the buffer's invariants, the checked size arithmetic and ALLOC_GROW, and that
 * an overflowing size aborts with a message instead of wrapping to a small allocation. */
#include "base/buf.h"
#include "unit.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs f in a child; true when it died of SIGABRT after writing want to stderr. */
static bool aborts(void (*f)(void), const char *want)
{
	int fd[2];
	if (pipe(fd) < 0)
		return false;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[1], 2);
		f();
		_exit(0);
	}
	close(fd[1]);
	char msg[256] = "";
	ssize_t n = 0, r;
	while (n < (ssize_t)sizeof msg - 1 && (r = read(fd[0], msg + n, sizeof msg - 1 - (size_t)n)) > 0)
		n += r;
	close(fd[0]);
	int status;
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT && strstr(msg, want);
}

static void add_overflow(void) { st_add(SIZE_MAX, 1); }
static void mult_overflow(void) { st_mult(SIZE_MAX / 2 + 1, 2); }
static void grow_overflow(void)
{
	long *p = NULL;
	size_t cap = 0;
	ALLOC_GROW(p, SIZE_MAX / 4, cap); /* the size in bytes wraps */
}
static void buf_overflow(void)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "x");
	buf_grow(&b, SIZE_MAX); /* len + extra + 1 wraps */
}

int main(void)
{
	struct buf b = BUF_INIT;
	CHECK(b.data && b.data[0] == 0 && b.len == 0);
	buf_puts(&b, "ab");
	buf_putc(&b, 'c');
	buf_printf(&b, "%d", 42);
	CHECK_STR(b.data, "abc42");
	CHECK(b.len == 5 && b.cap > 5);
	CHECK(buf_ends_with(&b, "42") && !buf_ends_with(&b, "x42"));
	buf_truncate(&b, 1);
	CHECK_STR(b.data, "a");
	for (int i = 0; i < 1000; i++)
		buf_putc(&b, 'z');
	CHECK(b.len == 1001 && b.data[1001] == 0);
	buf_reset(&b);
	buf_add_html(&b, "<a href=\"x\">&'", 14);
	CHECK_STR(b.data, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
	buf_reset(&b);
	buf_add_urlenc(&b, "a b/é~", 7);
	CHECK_STR(b.data, "a%20b/%C3%A9~");
	size_t n;
	char *s = buf_detach(&b, &n);
	CHECK_STR(s, "a%20b/%C3%A9~");
	CHECK(n == 13 && b.len == 0 && b.data[0] == 0);
	free(s);
	s = buf_detach(&b, &n); /* an empty buffer still gives storage the caller frees */
	CHECK(s && !*s && n == 0);
	free(s);
	buf_release(&b);

	CHECK(st_add(2, 3) == 5);
	CHECK(st_mult(SIZE_MAX / 2, 2) == SIZE_MAX - 1);
	CHECK(st_mult(0, SIZE_MAX) == 0);

	int *a = NULL;
	size_t na = 0, cap = 0;
	for (int i = 0; i < 100; i++) {
		ALLOC_GROW(a, na + 1, cap);
		a[na++] = i;
	}
	CHECK(na == 100 && cap >= 100 && a[99] == 99 && a[0] == 0);
	ALLOC_GROW(a, 1000, cap); /* a jump past double takes what is asked for */
	CHECK(cap >= 1000);
	free(a);

	CHECK(aborts(add_overflow, "size overflow"));
	CHECK(aborts(mult_overflow, "size overflow"));
	CHECK(aborts(grow_overflow, "size overflow"));
	CHECK(aborts(buf_overflow, "size overflow"));
	return unit_done();
}
