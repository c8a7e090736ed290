/* log: formats and serialises diagnostics (see log.h). */
#include "base/log.h"
#include "base/buf.h"
#include "base/hash.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool log_quiet;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int nerrors;
static struct buf *capture;
static _Thread_local int silenced = -1; /* -1: not silenced */
static _Thread_local const char *context; /* see log_context */
/* Hashes of the lines reported with a context, so each is reported once: an open-
 * addressing set (0 marks a free slot), reset with the count. */
static uint64_t *seen;
static size_t nseen, capseen;

/* Adds h to the set; false when it was there already. Called under lock. */
static bool first_time(uint64_t h)
{
	h |= 1;
	if (2 * (nseen + 1) > capseen) {
		uint64_t *old = seen;
		size_t oldcap = capseen;
		capseen = capseen ? capseen * 2 : 64;
		seen = xcalloc(capseen, sizeof *seen);
		nseen = 0;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i])
				first_time(old[i]);
		free(old);
	}
	for (size_t i = h & (capseen - 1);; i = (i + 1) & (capseen - 1)) {
		if (seen[i] == h)
			return false;
		if (!seen[i]) {
			seen[i] = h;
			nseen++;
			return true;
		}
	}
}

/* False (and counted) when this thread is silenced. */
static bool audible(void)
{
	if (silenced < 0)
		return true;
	silenced++;
	return false;
}

static void emit(const char *kind, const char *file, int line, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;
	if (file && line > 0)
		buf_printf(&b, "%s:%d: ", file, line);
	else if (file)
		buf_printf(&b, "%s: ", file);
	buf_printf(&b, "%s: ", kind);
	buf_vprintf(&b, fmt, ap);
	bool about_other = context && (!file || strcmp(file, context));
	uint64_t h = about_other ? hash_bytes(HASH_SEED, b.data, b.len) : 0;
	if (about_other)
		buf_printf(&b, " (rendering %s)", context);
	buf_putc(&b, '\n');
	pthread_mutex_lock(&lock);
	if (!about_other || first_time(h)) {
		fputs(b.data, stderr);
		if (capture)
			buf_add(capture, b.data, b.len);
	}
	pthread_mutex_unlock(&lock);
	buf_release(&b);
}

int error_at(const char *file, int line, const char *fmt, ...)
{
	if (!audible())
		return -1;
	va_list ap;
	va_start(ap, fmt);
	emit("error", file, line, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&lock);
	nerrors++;
	pthread_mutex_unlock(&lock);
	return -1;
}

void warn_at(const char *file, int line, const char *fmt, ...)
{
	if (!audible())
		return;
	va_list ap;
	va_start(ap, fmt);
	emit("warning", file, line, fmt, ap);
	va_end(ap);
}

void info(const char *fmt, ...)
{
	if (log_quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	pthread_mutex_lock(&lock);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	pthread_mutex_unlock(&lock);
	va_end(ap);
}

int log_error_count(void)
{
	pthread_mutex_lock(&lock);
	int n = nerrors;
	pthread_mutex_unlock(&lock);
	return n;
}

void log_reset_count(void)
{
	pthread_mutex_lock(&lock);
	nerrors = 0;
	free(seen);
	seen = NULL;
	nseen = capseen = 0;
	pthread_mutex_unlock(&lock);
}

void log_context(const char *page)
{
	context = page;
}

void log_capture(struct buf *sink)
{
	pthread_mutex_lock(&lock);
	capture = sink;
	pthread_mutex_unlock(&lock);
}

void log_silence(bool on)
{
	silenced = on ? 0 : -1;
}

int log_silenced(void)
{
	return silenced < 0 ? 0 : silenced;
}
