/* log: the one error-reporting path. Every diagnostic reads `file:line: error: msg`
 * (line 0 drops the line). Functions that fail call error_at() once, where the context
 * is known, and return its -1. Thread-safe: lines from workers never interleave. */
#ifndef NFSITE_LOG_H
#define NFSITE_LOG_H

#include <stdbool.h>

struct buf;

/* Reports an error and returns -1. file may be NULL for errors with no file. */
int error_at(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void warn_at(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Progress and summaries on stderr, silenced by log_quiet. */
void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

extern bool log_quiet;
/* Number of errors reported since start or the last log_reset_count(). */
int log_error_count(void);
void log_reset_count(void);
/* Names the page the calling thread renders (NULL: none; borrowed). Meanwhile an error
 * or warning about another file (a template, site.lua) ends with "(rendering PAGE)" and
 * is reported once per build: a broken template fails every page the render workers
 * give it, and one line says so. */
void log_context(const char *page);
/* While set, every error and warning line is also appended to *sink (the preview
 * server shows them in the browser). Pass NULL to stop. Borrowed, not freed. */
void log_capture(struct buf *sink);
/* While on in the calling thread, its errors and warnings are dropped and only counted
 * (log_silenced: the number since it was turned on), for work that is redone to be
 * reported in a fixed order when it failed (the parallel scan). */
void log_silence(bool on);
int log_silenced(void);

#endif
