/* json: JSON string quoting through SQLite's json_quote(), so no hand-written escaper.
 * Callers write the punctuation ({ } [ ] : ,) themselves. A writer is not thread-safe:
 * one per thread. */
#ifndef NFSITE_JSON_H
#define NFSITE_JSON_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct json;

/* Aborts on failure (an in-memory SQLite database cannot fail to open but for OOM).
 * A script_safe writer's strings may sit inside an HTML <script> element: it writes
 * < > & as \u003c \u003e \u0026, so neither "</script>" nor "<!--" in a string can end
 * the element early or change how the HTML parser reads the rest of the page; and
 * U+2028, U+2029 as \u2028, \u2029, which ended a line in JavaScript before ES2019.
 * In both modes control characters are \n, \t... or \u00XX. */
struct json *json_new(bool script_safe);
void json_free(struct json *j);
/* Appends s as a quoted JSON string (invalid UTF-8 is repaired first). */
void json_string(struct json *j, struct buf *out, const char *s, size_t len);
/* A NULL s is "". */
void json_cstring(struct json *j, struct buf *out, const char *s);

#endif
