/* log: formats and serialises diagnostics (see log.h). */
#include "base/log.h"
#include "base/buf.h"
#include "base/strmap.h"

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
/* The lines reported with a context, so each is reported once; reset with the count. */
static struct strmap seen = STRMAP_INIT;

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
	bool about_other = context && (!file || strcmp(file, context)), first = true;
	size_t n = b.len;
	if (about_other)
		buf_printf(&b, " (rendering %s)", context);
	buf_putc(&b, '\n');
	pthread_mutex_lock(&lock);
	if (about_other)
		strmap_put(&seen, b.data, n, &first);
	if (first) {
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
	strmap_release(&seen);
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
