/* http: see http.h. */
#include "base/http.h"
#include "base/buf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

void http_setup(CURL *e, const char *agent, long timeout_ms)
{
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 30000 ? timeout_ms : 30000L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, agent);
}

static bool is_https(const char *url)
{
	return !strncasecmp(url, "https:", 6);
}

void http_follow(CURL *e, const char *url)
{
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)HTTP_MAX_REDIRECTS);
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, is_https(url) ? "https" : "http,https");
}

/* The origin of url, "scheme://host:port" (lower case, the default port filled in),
 * into out; *userinfo tells whether url names a user. False when url does not parse. */
static bool origin(const char *url, struct buf *out, bool *userinfo)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL;
	bool ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK;
	if (ok) {
		buf_printf(out, "%s://%s:%s", scheme, host, port);
		for (size_t i = 0; i < out->len; i++)
			out->data[i] = (char)tolower((unsigned char)out->data[i]);
		*userinfo = curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK;
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(user);
	curl_url_cleanup(u);
	return ok;
}

bool http_redirect_ok(const char *url, const char *from, const char *to, bool credentials, char *why)
{
	struct buf home = BUF_INIT, there = BUF_INIT;
	bool userinfo = false, to_userinfo, ok = false;
	if (!origin(url, &home, &userinfo) || !origin(to, &there, &to_userinfo))
		snprintf(why, CURL_ERROR_SIZE, "redirect to a URL libcurl cannot parse (%.200s)", to);
	else if (is_https(from) && !is_https(to))
		snprintf(why, CURL_ERROR_SIZE, "redirect from https to http (%.200s) refused", to);
	else if ((credentials || userinfo) && strcmp(home.data, there.data))
		snprintf(why, CURL_ERROR_SIZE, "redirect to another origin (%.80s) refused: the"
			 " credentials are for %.80s only", there.data, home.data);
	else
		ok = true;
	buf_release(&home);
	buf_release(&there);
	return ok;
}

struct sink {
	struct buf *body;
	size_t max;
	bool too_big;
};

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	if (s->body->len + size * n > s->max) {
		s->too_big = true;
		return 0;
	}
	buf_add(s->body, p, size * n);
	return size * n;
}

CURLcode http_get(CURL *e, const char *url, bool credentials, struct buf *body, size_t max,
		  long *status, char *errbuf)
{
	struct sink s = {body, max, false};
	char *hop = xstrdup(url);
	CURLcode c;
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	for (int n = 0;; n++) {
		char *next = NULL;
		buf_reset(body);
		errbuf[0] = 0;
		*status = 0;
		curl_easy_setopt(e, CURLOPT_URL, hop);
		c = curl_easy_perform(e);
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, status);
		if (c != CURLE_OK) {
			if (s.too_big) {
				c = CURLE_FILESIZE_EXCEEDED;
				snprintf(errbuf, CURL_ERROR_SIZE, "the answer is larger than %zu MB", max >> 20);
			}
			break;
		}
		/* libcurl works out where the redirect leads (CURLINFO_REDIRECT_URL) without going */
		if (*status < 300 || *status > 399 || curl_easy_getinfo(e, CURLINFO_REDIRECT_URL, &next) ||
		    !next)
			break;
		if (n == HTTP_MAX_REDIRECTS) {
			c = CURLE_TOO_MANY_REDIRECTS;
			snprintf(errbuf, CURL_ERROR_SIZE, "more than %d redirects", HTTP_MAX_REDIRECTS);
			break;
		}
		if (!http_redirect_ok(url, hop, next, credentials, errbuf)) {
			c = CURLE_UNSUPPORTED_PROTOCOL;
			break;
		}
		free(hop);
		hop = xstrdup(next);
	}
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, NULL); /* errbuf is the caller's, for this call */
	free(hop);
	return c;
}

bool http_transient(CURLcode c, long status)
{
	if (c == CURLE_OK)
		return status == 429 || status >= 500;
	return c == CURLE_OPERATION_TIMEDOUT || c == CURLE_COULDNT_CONNECT || c == CURLE_COULDNT_RESOLVE_HOST ||
	       c == CURLE_RECV_ERROR || c == CURLE_SEND_ERROR || c == CURLE_GOT_NOTHING || c == CURLE_PARTIAL_FILE ||
	       c == CURLE_HTTP2 || c == CURLE_HTTP2_STREAM;
}

void http_sleep_ms(long ms)
{
	if (ms <= 0)
		return;
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
