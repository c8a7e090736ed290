/* http: what every libcurl client in nfsite shares (the MediaWiki API and Bugzilla REST
 * readers, the external link checker): one option set, one idea of which failures are
 * worth another attempt, the sleep between attempts, and where redirects may lead.
 *
 * Redirects: never from https to http; and a request that carries credentials (an API
 * key in a header, user:password in the URL) never follows one to another origin
 * (scheme, host, port). libcurl 7.88 drops Authorization and Cookie headers on a
 * redirect to another host, but passes any other custom header (X-BUGZILLA-API-KEY)
 * along, so the readers follow redirects themselves (http_get) and check each hop. */
#ifndef NFSITE_HTTP_H
#define NFSITE_HTTP_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

struct buf;

#define HTTP_MAX_REDIRECTS 5

/* http and https only, the whole transfer limited to timeout_ms and connecting to at
 * most 30 s of it, no signals (threads), agent as User-Agent. Follows no redirect. */
void http_setup(CURL *e, const char *agent, long timeout_ms);
/* Sets url on e and lets libcurl follow its redirects (at most HTTP_MAX_REDIRECTS),
 * never from https to http: for requests that carry no credentials (the link checker).
 * A refused downgrade fails with CURLE_UNSUPPORTED_PROTOCOL. */
void http_follow(CURL *e, const char *url);
/* GETs url on e (set up with http_setup; its write function and error buffer are set
 * here) into body, reset first and refused beyond max bytes. Redirects are followed one
 * hop at a time, each checked first (see above); credentials says the request carries
 * a key meant for url's origin only (user:password in url counts too). *status is the
 * last answer's HTTP status. On failure errbuf (CURL_ERROR_SIZE bytes) says why; a
 * refused redirect is CURLE_UNSUPPORTED_PROTOCOL, a body over max
 * CURLE_FILESIZE_EXCEEDED. */
CURLcode http_get(CURL *e, const char *url, bool credentials, struct buf *body, size_t max,
		  long *status, char *errbuf);
/* Whether a request for url (an origin with credentials when credentials is true or url
 * holds user:password) may follow a redirect from the hop `from` to `to`; false with why
 * (CURL_ERROR_SIZE bytes) filled in. http_get asks it before every hop. */
bool http_redirect_ok(const char *url, const char *from, const char *to, bool credentials, char *why);
/* True for a failure that may pass on another attempt: a dropped or timed-out
 * connection (c), or, when c is CURLE_OK, HTTP 429 or 5xx (status). */
bool http_transient(CURLcode c, long status);
/* Sleeps ms milliseconds (nothing when ms <= 0), through signals. */
void http_sleep_ms(long ms);

#endif
