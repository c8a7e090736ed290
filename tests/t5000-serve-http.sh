#!/bin/sh
# serve --dir: binding, MIME types, HEAD, ETag/304, trailing-slash redirects, the site's
# 404 page, 405 for other methods, keep-alive, SIGTERM.
. "$(dirname "$0")/lib.sh"

mkdir -p site/docs/deep site/img site/files
printf '<!doctype html><html><body>home page</body></html>\n' >site/index.html
printf '<!doctype html><html><body>docs index</body></html>\n' >site/docs/index.html
printf '<!doctype html><html><body>deep page</body></html>\n' >site/docs/deep/index.html
printf '<!doctype html><html><body>custom not found</body></html>\n' >site/404.html
printf 'body{}\n' >site/style.css
printf 'console.log(1)\n' >site/app.js
printf '{"a":1}\n' >site/data.json
printf '<?xml version="1.0"?><urlset/>\n' >site/sitemap.xml
printf '<svg xmlns="http://www.w3.org/2000/svg"/>\n' >site/img/logo.svg
for e in png jpg gif webp ico pdf woff2 gz bin; do printf 'x' >site/files/f.$e; done
printf 'table inet t {}\n' >site/files/ruleset.nft
printf -- '--- a\n+++ b\n' >site/files/fix.patch
printf -- '--- a\n+++ b\n' >site/files/fix.diff
printf 'plain\n' >site/files/notes.txt

start_serve 300 --dir site || { echo "serve did not start"; exit 1; }
PORT=${URL##*:}

# status CODE URLPATH [curl args]: fails unless the answer has that status
status() {
	want=$1 path=$2
	shift 2
	rm -f body
	got=$(curl -s --path-as-is -o body -w '%{http_code}' "$@" "$URL$path")
	[ "$got" = "$want" ] || { echo "$path: status $got, want $want"; return 1; }
}
ctype() {
	got=$(curl -s -o /dev/null -w '%{content_type}' "$URL$1")
	[ "$got" = "$2" ] || { echo "$1: Content-Type '$got', want '$2'"; return 1; }
}

test_expect_success 'prints the URL and listens on 127.0.0.1 only' '
	grep -q "^Serving .* at http://127.0.0.1:$PORT/" serve.out &&
	ss -ltnH "sport = :$PORT" >listen &&
	cat listen &&
	grep -q "127.0.0.1:$PORT" listen &&
	grep_not -q "0.0.0.0:$PORT\|\*:$PORT\|\[::\]:$PORT" listen
'

test_expect_success 'serves index.html for / and for folders with a slash' '
	status 200 / && grep_q "home page" body &&
	status 200 /docs/ && grep_q "docs index" body &&
	status 200 /docs/deep/ && grep_q "deep page" body &&
	status 200 /index.html && grep_q "home page" body
'

test_expect_success 'MIME types by extension' '
	ctype /index.html "text/html; charset=utf-8" &&
	ctype /style.css "text/css; charset=utf-8" &&
	ctype /app.js "text/javascript; charset=utf-8" &&
	ctype /data.json "application/json" &&
	ctype /sitemap.xml "application/xml" &&
	ctype /img/logo.svg "image/svg+xml" &&
	ctype /files/f.png "image/png" &&
	ctype /files/f.jpg "image/jpeg" &&
	ctype /files/f.gif "image/gif" &&
	ctype /files/f.webp "image/webp" &&
	ctype /files/f.ico "image/x-icon" &&
	ctype /files/f.pdf "application/pdf" &&
	ctype /files/f.woff2 "font/woff2" &&
	ctype /files/f.gz "application/gzip" &&
	ctype /files/f.bin "application/octet-stream" &&
	ctype /files/ruleset.nft "text/plain; charset=utf-8" &&
	ctype /files/fix.patch "text/plain; charset=utf-8" &&
	ctype /files/fix.diff "text/plain; charset=utf-8" &&
	ctype /files/notes.txt "text/plain; charset=utf-8"
'

test_expect_success 'HEAD answers headers with the length and no body' '
	curl -s -I "$URL/style.css" >head &&
	tr -d "\r" <head >head.txt &&
	grep -q "^HTTP/1.1 200" head.txt &&
	grep -qi "^content-length: 7$" head.txt &&
	grep -qi "^content-type: text/css" head.txt &&
	n=$(curl -s -X HEAD --max-time 5 -o /dev/null -w "%{size_download}" "$URL/style.css" || true) &&
	test "$n" = 0
'

test_expect_success 'ETag and If-None-Match give 304, a changed file a new ETag' '
	etag=$(curl -s -I "$URL/app.js" | tr -d "\r" | sed -n "s/^[Ee][Tt]ag: //p") &&
	test -n "$etag" &&
	status 304 /app.js -H "If-None-Match: $etag" &&
	test ! -s body &&
	status 200 /app.js -H "If-None-Match: \"other\"" &&
	grep_q "console.log" body &&
	sleep 0.01 && printf "console.log(2)\n" >site/app.js &&
	status 200 /app.js -H "If-None-Match: $etag" &&
	grep_q "console.log(2)" body
'

test_expect_success 'folder without a trailing slash redirects with 301' '
	curl -s -o /dev/null -w "%{http_code} %{redirect_url}\n" "$URL/docs" >r &&
	grep -q "^301 $URL/docs/$" r &&
	curl -s -o /dev/null -w "%{http_code} %{redirect_url}\n" "$URL/docs/deep" >r &&
	grep -q "^301 $URL/docs/deep/$" r
'

test_expect_success 'missing files get the site 404 page with status 404' '
	status 404 /nope && grep_q "custom not found" body &&
	status 404 /docs/nope/ && grep_q "custom not found" body &&
	status 404 /index.html/ &&
	status 404 /style.css/
'

test_expect_success 'other methods get 405 with Allow' '
	status 405 / -X POST -d x=1 &&
	status 405 /style.css -X PUT -d x &&
	status 405 / -X DELETE &&
	curl -s -D - -o /dev/null -X POST "$URL/" | tr -d "\r" | grep -qi "^allow: GET, HEAD"
'

test_expect_success 'keeps connections alive across requests' '
	curl -sv "$URL/" "$URL/style.css" "$URL/docs/" -o /dev/null -o /dev/null -o /dev/null 2>trace &&
	grep -q "Re-using existing connection" trace &&
	grep_not -qi "^< connection: close" trace
'

# wait only works from this shell, not from inside a test
kill -TERM $SERVE_PID
wait $SERVE_PID
echo $? >serve.status
test_expect_success 'SIGTERM stops it with status 0 and leaves a --dir folder alone' '
	test "$(cat serve.status)" = 0 &&
	test -f site/index.html &&
	! ss -ltnH "sport = :$PORT" | grep -q .
'

test_done
