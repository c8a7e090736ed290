/* mime: the Content-Type for a file name, decided by its extension alone. */
#ifndef NFSITE_MIME_H
#define NFSITE_MIME_H

/* Returns a static string (never NULL); application/octet-stream when unknown.
 * Text types carry "; charset=utf-8". The match ignores case. */
const char *mime_type(const char *path);

#endif
