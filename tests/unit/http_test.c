/* http_test: where redirects may lead (http_redirect_ok): never from https to http, and
 * a request with credentials never to another scheme, host or port. */
#include "base/http.h"
#include "unit.h"

static void expect(bool want, const char *url, const char *from, const char *to, bool cred,
		   const char *why_has, int line)
{
	char why[CURL_ERROR_SIZE] = "";
	bool got = http_redirect_ok(url, from, to, cred, why);
	unit_check_at(got == want && (got || strstr(why, why_has)), __FILE__, line,
		      "%s -> %s (credentials %d): got %s '%s'", from, to, cred, got ? "followed" : "refused", why);
}
#define FOLLOWED(url, from, to, cred) expect(true, url, from, to, cred, "", __LINE__)
#define REFUSED(url, from, to, cred, why) expect(false, url, from, to, cred, why, __LINE__)

int main(void)
{
	const char *bz = "https://bugzilla.example.org/rest/bug?id=1";
	/* no downgrade, with or without credentials; upgrades are fine */
	REFUSED(bz, bz, "http://bugzilla.example.org/rest/bug?id=1", true, "from https to http");
	REFUSED(bz, bz, "http://bugzilla.example.org/rest/bug?id=1", false, "from https to http");
	REFUSED("http://a.example/", "https://a.example/x", "HTTP://a.example/y", false, "from https to http");
	FOLLOWED("http://a.example/", "http://a.example/", "https://a.example/", false);
	/* credentials stay on their origin: scheme, host and port */
	FOLLOWED(bz, bz, "https://BugZilla.Example.org:443/rest/bug/1", true);
	REFUSED(bz, bz, "https://evil.example/rest/bug?id=1", true, "another origin (https://evil.example:443)");
	REFUSED(bz, bz, "https://bugzilla.example.org:8443/rest", true, "credentials are for https://bugzilla.example.org:443 only");
	REFUSED("http://127.0.0.1:8080/rest", "http://127.0.0.1:8080/rest", "http://127.0.0.1:8081/rest", true,
		"another origin");
	REFUSED("http://a.example/", "http://a.example/", "https://a.example/", true, "another origin");
	FOLLOWED(bz, bz, "https://evil.example/rest/bug?id=1", false);
	/* user:password in the URL is a credential too */
	REFUSED("http://u:p@wiki.example/api.php", "http://u:p@wiki.example/api.php", "http://other.example/api.php",
		false, "another origin");
	FOLLOWED("http://u:p@wiki.example/api.php", "http://u:p@wiki.example/api.php", "http://wiki.example/w/api.php",
		 false);
	REFUSED(bz, bz, "not a url at all", false, "cannot parse");
	return unit_done();
}
