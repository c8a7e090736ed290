#!/bin/sh
# A site under a sub-path (GitHub/GitLab Pages project sites): the bundled site, and a
# site holding the imported fixture wiki and the bug archive, built for
# https://example.org/sub/ and served from /sub/ by a real nginx on 127.0.0.1. No link
# leaves /sub/, nfsite check finds none broken, every link answers through the server,
# the wiki's old URLs redirect to its pages under /sub/ (through the build's redirect
# files, and through the stubs on a server without them), and a search result clicked in
# chromium lands on its page.
. "$(dirname "$0")/lib.sh"

missing=""
for tool in nginx python3; do
	command -v $tool >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	test_skip 'a site under a sub-path' "missing:$missing (scripts/install-deps.sh test)"
	test_done
	exit
fi
BASE=https://example.org/sub/

test_expect_success 'the bundled site builds under /sub/' '
	nfsite build --source "$ROOT" --dest bundled --base-url "$BASE" -q &&
	test -f bundled/index.html && test -f bundled/search-index/meta.json
'
test_expect_success 'a site with the imported wiki and the bug archive builds under /sub/' '
	cp "$FIX/mediawiki/db/nfwiki.sqlite" "$FIX/bugzilla/bugzilla.sqlite" . &&
	mkdir -p wb && cd wb &&
	nfsite import mediawiki --old-url-prefix https://wiki.example.org/w --article-path "/wiki/\$1" \
		--db ../nfwiki.sqlite 2>../import.err &&
	nfsite import bugzilla -q --db ../bugzilla.sqlite --timezone America/New_York &&
	nfsite build --base-url "$BASE" -q &&
	test -f public/wiki/conntrack-tools/index.html && test -f public/bugs/12/index.html
'
test_expect_success 'raw HTML links go through link resolution: prefixed, query and fragment kept' '
	mkdir -p raw/content/docs &&
	site_page raw/content/_index.md "title: Home" "<p><a href='\''/docs/?v=1#top'\''>docs</a> <img src=\"/docs/\" alt=\"\"> <a href=\"/pub/x.tar.gz\">pub</a> <a href=\"//cdn.example.org/\">cdn</a></p>" &&
	site_page raw/content/docs/_index.md "title: Docs" "# Top" &&
	nfsite build --source raw --dest raw-out --base-url "$BASE" -q &&
	grep_q "<a href='\''/sub/docs/?v=1#top'\''>" raw-out/index.html &&
	grep_q "<img src=\"/sub/docs/\"" raw-out/index.html &&
	grep_q "href=\"/pub/x.tar.gz\"" raw-out/index.html &&
	grep_q "href=\"//cdn.example.org/\"" raw-out/index.html
'

# Every href/src/action/data-index (and, escaped, in feeds) that starts with one '/'.
root_links() {
	grep -r -a -h -o -E "(href|src|action|data-index)=(\"|'|&quot;)/[^\"'&]*" --include='*.html' --include='*.xml' "$1" |
		grep -v -E "=(\"|'|&quot;)//"
}
for d in bundled wb/public; do
	test_expect_success "$d: every root-relative link starts with /sub/" '
		root_links '"$d"' >links &&
		test -s links && grep_not -v -E "=(\"|'\''|&quot;)/sub/" links
	'
	test_expect_success "$d: the search index, sitemap, robots.txt and 404 page carry /sub/" '
		python3 -c "import glob, json, sys
urls = [p[\"u\"] for f in glob.glob(sys.argv[1] + \"/f/*.json\") for p in json.load(open(f))]
bad = [u for u in urls if not u.startswith(\"/sub/\")]
assert urls and not bad, bad[:5]" '"$d"'/search-index &&
		grep "<loc>" '"$d"'/sitemap.xml >locs && test -s locs &&
		grep_not -v "<loc>https://example.org/sub/" locs &&
		grep_q "Sitemap: https://example.org/sub/sitemap.xml" '"$d"'/robots.txt &&
		grep_q "Allow: /sub/" '"$d"'/robots.txt &&
		grep_q "href=\"/sub/style.css\"" '"$d"'/404.html
	'
	test_expect_success "$d: nfsite check finds no broken link" '
		nfsite check --dest '"$d"' >check.out 2>check.err || { cat check.out check.err; false; } &&
		grep_q ": 0 broken" check.out
	'
done

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
P1=$(free_port)
P2=$(free_port)
P3=$(free_port)
nginx_conf nginx.conf "	include $TRASH/wb/public/_nfsite/redirects/aliases.nginx.conf;
	server {
		listen 127.0.0.1:$P1;
		location /sub/ { alias $TRASH/bundled/; error_page 404 /sub/404.html; }
	}
	server {
		listen 127.0.0.1:$P2;
		if (\$nfsite_redirect) { return 301 \$nfsite_redirect; }
		location /sub/ { alias $TRASH/wb/public/; error_page 404 /sub/404.html; }
	}
	server {
		listen 127.0.0.1:$P3;
		location /sub/ { alias $TRASH/wb/public/; error_page 404 /sub/404.html; }
	}"
trap nginx_stop EXIT

test_expect_success 'nginx serves both sites from /sub/' '
	nginx_start "$TRASH/nginx.conf" &&
	poll 50 "python3 -c \"import urllib.request; urllib.request.urlopen(\\\"http://127.0.0.1:$P2/sub/\\\")\" 2>/dev/null"
'

# crawl PORT DIR: every page of DIR fetched from /sub/ on PORT, and every link and asset
# its HTML names on this host fetched too: all must answer 200 (redirects followed).
crawl() {
	python3 - "$@" <<-'EOF'
	import os, sys, urllib.parse, urllib.request
	from html.parser import HTMLParser
	port, root = sys.argv[1], sys.argv[2]
	origin = "http://127.0.0.1:%s" % port
	class Links(HTMLParser):
	    def __init__(self):
	        super().__init__()
	        self.urls = []
	    def handle_starttag(self, tag, attrs):
	        for k, v in attrs:
	            if k in ("href", "src", "action", "data-index") and v:
	                self.urls.append(v)
	seen, bad = set(), []
	def fetch(url):
	    try:
	        with urllib.request.urlopen(url) as r:
	            return r.status, r.read()
	    except urllib.error.HTTPError as e:
	        return e.code, b""
	pages = []
	for d, _, files in os.walk(root):
	    for f in files:
	        if f.endswith(".html") and f != "404.html":
	            rel = os.path.relpath(os.path.join(d, f), root)
	            pages.append("/sub/" + (rel[:-10] if rel.endswith("index.html") else rel))
	for page in pages:
	    status, body = fetch(origin + urllib.parse.quote(page))
	    if status != 200:
	        bad.append("%s: HTTP %d" % (page, status))
	        continue
	    p = Links()
	    p.feed(body.decode("utf-8", "replace"))
	    for u in p.urls:
	        full = urllib.parse.urljoin(origin + page, u)
	        s = urllib.parse.urlsplit(full)
	        if s.scheme != "http" or s.netloc != "127.0.0.1:" + port:
	            continue
	        if not s.path.startswith("/sub/"):
	            bad.append("%s: %s leaves /sub/" % (page, u))
	            continue
	        if s.path in seen:
	            continue
	        seen.add(s.path)
	        status, _ = fetch(origin + urllib.parse.quote(s.path, safe="/%:@!$&'()*+,;=~"))
	        if status != 200:
	            bad.append("%s: %s HTTP %d" % (page, u, status))
	print("%d pages, %d links" % (len(pages), len(seen)))
	for b in bad[:20]:
	    print(b)
	sys.exit(1 if bad or not seen else 0)
	EOF
}
test_expect_success 'nginx: every page and every link of the bundled site answers 200 under /sub/' '
	crawl $P1 bundled
'
test_expect_success 'nginx: every page and every link of the wiki and the bug archive answers 200 under /sub/' '
	crawl $P2 wb/public
'
# The wiki's old URLs under /sub/: one 301 each from the build's aliases.nginx.conf; a
# server without it (P3) sends the stub, whose script goes to the same page.
test_expect_success 'nginx: the wiki'"'"'s old URLs redirect to its pages under /sub/' '
	python3 - $P2 $P3 <<-\EOF
	import http.client, re, sys
	urls = [("/sub/w/index.php?title=Conntrack-tools", "/sub/wiki/conntrack-tools/"),
	        ("/sub/w/index.php?title=Netfilter+queue&action=history", "/sub/wiki/libnetfilter-queue/"),
	        ("/sub/w/index.php?title=Conntrackd", "/sub/wiki/conntrack-tools/#conntrackd"),
	        ("/sub/w/index.php/Conntrack-tools", "/sub/wiki/conntrack-tools/"),
	        ("/sub/w/index.php/Netfilter%20queue", "/sub/wiki/libnetfilter-queue/"),
	        ("/sub/wiki/Conntrack-tools", "/sub/wiki/conntrack-tools/"),
	        ("/sub/wiki/Netfilter_queue", "/sub/wiki/libnetfilter-queue/")]
	def get(port, url):
	    c = http.client.HTTPConnection("127.0.0.1", int(port))
	    c.request("GET", url)
	    r = c.getresponse()
	    return r.status, r.getheader("Location") or "", r.read().decode()
	bad = []
	for url, want in urls:
	    code, loc, _ = get(sys.argv[1], url)
	    if code != 301 or re.sub("^http://[^/]*", "", loc) != want:
	        bad.append("%s: %d %s (want %s)" % (url, code, loc, want))
	# no configuration: the query form comes to the stub, which names the page
	code, loc, _ = get(sys.argv[2], "/sub/w/index.php?title=Conntrack-tools")
	if code != 301 or not loc.endswith("/sub/w/index.php/?title=Conntrack-tools"):
	    bad.append("P3 index.php: %d %s" % (code, loc))
	code, _, body = get(sys.argv[2], "/sub/w/index.php/?title=Conntrack-tools")
	if code != 200 or "\"Conntrack-tools\": \"/sub/wiki/conntrack-tools/\"" not in body:
	    bad.append("P3 stub: %d" % code)
	code, _, body = get(sys.argv[2], "/sub/w/index.php/Conntrack-tools/")
	if code != 200 or "url=/sub/wiki/conntrack-tools/" not in body:
	    bad.append("P3 path stub: %d" % code)
	print("\n".join(bad))
	sys.exit(1 if bad else 0)
	EOF
'

if ! command -v node >/dev/null 2>&1 || [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ] ||
   [ ! -d "$ROOT/tests/node_modules/playwright-core" ]; then
	test_skip 'search under a sub-path in chromium' 'needs node, /usr/bin/chromium and tests/node_modules (scripts/install-deps.sh test)'
else
	browser() { (cd "$ROOT/tests" && node "$ROOT/tests/browser/subpath.mjs" "$@"); }
	test_expect_success 'chromium: a search result of the bundled site lands on its page under /sub/' '
		browser "http://127.0.0.1:$P1/sub" "deadline for moving" /sub/faq/
	'
	test_expect_success 'chromium: a search result for a bug lands on the archived bug under /sub/' '
		browser "http://127.0.0.1:$P2/sub" "ipset rename segfaults" /sub/bugs/12/
	'
	test_expect_success 'chromium: a search result for a wiki page lands on it under /sub/' '
		browser "http://127.0.0.1:$P2/sub" "conntrack-tools" /sub/wiki/conntrack-tools/
	'
fi

nginx_stop
test_done
