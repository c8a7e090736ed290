/* unit: the one harness for C unit tests. CHECK records a failure with file:line and goes
 * on, so one run reports every broken case; main returns unit_done(). Header-only: each
 * test is one file linked with every module but main. */
#ifndef NFSITE_UNIT_H
#define NFSITE_UNIT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int unit_failures, unit_checks;

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		unit_checks++;                                                                   \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);  \
			unit_failures++;                                                         \
		}                                                                                \
	} while (0)

/* Compares two C strings, showing both when they differ. */
#define CHECK_STR(got, want)                                                                     \
	do {                                                                                     \
		const char *g_ = (got), *w_ = (want);                                            \
		unit_checks++;                                                                   \
		if (!g_ || strcmp(g_, w_) != 0) {                                                \
			fprintf(stderr, "%s:%d: %s: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, \
				#got, g_ ? g_ : "(null)", w_);                                   \
			unit_failures++;                                                         \
		}                                                                                \
	} while (0)

/* Records a check made at file:line (a helper passes its caller's line); on failure
 * prints "file:line: " and the message in printf's form. Returns ok. */
__attribute__((format(printf, 4, 5))) static inline bool unit_check_at(bool ok, const char *file, int line,
                                                                      const char *fmt, ...)
{
	unit_checks++;
	if (!ok) {
		va_list ap;
		va_start(ap, fmt);
		fprintf(stderr, "%s:%d: ", file, line);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		va_end(ap);
		unit_failures++;
	}
	return ok;
}

/* CHECK with a message in printf's form that shows the inputs. */
#define CHECKF(cond, ...) unit_check_at((cond), __FILE__, __LINE__, __VA_ARGS__)

/* Fails when no check ran (a test that checked nothing passed nothing). */
static inline int unit_done(void)
{
	if (unit_checks == 0) {
		fprintf(stderr, "no checks ran\n");
		return 1;
	}
	printf("%d checks, %d failed\n", unit_checks, unit_failures);
	return unit_failures ? 1 : 0;
}

#endif
