/* http: what every libcurl client in nfsite shares (the MediaWiki API and Bugzilla REST
 * readers, the external link checker): one option set, one idea of which failures are
 * worth another attempt, and the sleep between attempts. */
#ifndef NFSITE_HTTP_H
#define NFSITE_HTTP_H

#include <curl/curl.h>
#include <stdbool.h>

/* http and https only (also after redirects), at most 5 redirects, the whole transfer
 * limited to timeout_ms and connecting to at most 30 s of it, no signals (threads),
 * agent as User-Agent. */
void http_setup(CURL *e, const char *agent, long timeout_ms);
/* True for a failure that may pass on another attempt: a dropped or timed-out
 * connection (c), or, when c is CURLE_OK, HTTP 429 or 5xx (status). */
bool http_transient(CURLcode c, long status);
/* Sleeps ms milliseconds (nothing when ms <= 0), through signals. */
void http_sleep_ms(long ms);

#endif
