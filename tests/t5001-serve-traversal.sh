#!/bin/sh
# serve never answers with a file from outside the site: "..", encoded dots and slashes,
# absolute-looking paths, backslashes, NUL bytes, symbolic links pointing out; nor to a
# request naming another host (DNS rebinding).
. "$(dirname "$0")/lib.sh"

mkdir -p site/sub outside
printf '<!doctype html><html><body>home</body></html>\n' >site/index.html
printf 'inside file\n' >site/sub/inside.txt
printf 'not found page\n' >site/404.html
printf 'TOP-SECRET-%s\n' "$$" >secret.txt
printf 'TOP-SECRET-%s\n' "$$" >outside/secret.txt
ln -s ../secret.txt site/link-out
ln -s "$TRASH/outside" site/dir-out
ln -s /etc/passwd site/passwd
ln -s sub/inside.txt site/link-in

start_serve 300 --dir site || { echo "serve did not start"; exit 1; }
PORT=${URL##*:}

# refused PATH: the answer is 400, 403 or 404 and shows no secret
refused() {
	rm -f body
	code=$(curl -s --path-as-is -o body -w '%{http_code}' "$URL$1")
	case "$code" in
	400 | 403 | 404) ;;
	*) echo "$1: status $code"; return 1 ;;
	esac
	if [ -f body ] && grep -q "TOP-SECRET\|root:" body; then
		echo "$1: leaked a file"
		return 1
	fi
	echo "$1 -> $code"
}

test_expect_success 'dot-dot segments' '
	refused "/../secret.txt" &&
	refused "/../../../../etc/passwd" &&
	refused "/sub/../../secret.txt" &&
	refused "/sub/.." &&
	refused "/./sub/inside.txt"
'

test_expect_success 'percent-encoded dots and slashes' '
	refused "/%2e%2e/secret.txt" &&
	refused "/%2e%2e/%2e%2e/etc/passwd" &&
	refused "/%2E%2E/%2E%2E/etc/passwd" &&
	refused "/%2e%2e%2fsecret.txt" &&
	refused "/%2e%2e%2fetc%2fpasswd" &&
	refused "/..%2fsecret.txt" &&
	refused "/sub%2f..%2f..%2fsecret.txt" &&
	refused "/.%2e/secret.txt" &&
	refused "/%252e%252e/secret.txt"
'

test_expect_success 'absolute paths, backslashes, NUL bytes, bad escapes' '
	refused "//etc/passwd" &&
	refused "//$TRASH/secret.txt" &&
	refused "/a%00b" &&
	refused "/sub/inside.txt%00.html" &&
	refused "/..%5csecret.txt" &&
	refused "/%5c..%5csecret.txt" &&
	refused "/sub\\..\\..\\secret.txt" &&
	refused "/%zz" &&
	refused "/%"
'

test_expect_success 'symbolic links pointing outside the site are 404' '
	refused "/link-out" &&
	refused "/passwd" &&
	refused "/dir-out/secret.txt" &&
	refused "/dir-out/"
'

test_expect_success 'a symbolic link inside the site still works' '
	curl -s "$URL/link-in" >body &&
	grep -q "inside file" body
'

# A raw NUL inside the request line ends the path for libmicrohttpd, which then asks
# for the part before it ("/"): that may be answered, but nothing else may leak.
cat >raw.py <<'PY'
import socket, sys
port = int(sys.argv[1])
cases = [(b"GET ../secret.txt HTTP/1.1", True), (b"GET secret.txt HTTP/1.1", True),
         (b"GET /..\\secret.txt HTTP/1.1", True), (b"GET /%2e%2e/secret.txt HTTP/1.0", True),
         (b"GET http://127.0.0.1/../secret.txt HTTP/1.1", True), (b"GET * HTTP/1.1", True),
         (b"GET /sub/\x00/../../secret.txt HTTP/1.1", False)]
for line, must_refuse in cases:
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(line + b"\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    s.close()
    status = data.split(b"\r\n", 1)[0].decode("latin-1")
    print(repr(line), "->", status)
    assert b"TOP-SECRET" not in data and b"root:" not in data, line
    if must_refuse:
        assert status == "" or status.split()[1] in ("400", "403", "404"), status
PY
test_expect_success 'malformed request lines get no file' '
	python3 raw.py "$PORT" >raw.txt &&
	cat raw.txt
'

# status HOST: the status of GET / with that Host header
host_status() { curl -s -o /dev/null -w '%{http_code}' -H "Host: $1" "$URL/"; }
test_expect_success 'DNS rebinding: a request naming another host is refused (421)' '
	for h in evil.example "evil.example:$PORT" "127.0.0.1.evil.example:$PORT" "localhost.evil.example" \
	         "127.0.0.1:$((PORT + 1))" "127.0.0.1:" "[::1]x" "10.0.0.1:$PORT" ""; do
		test "$(host_status "$h")" = 421 || { echo "Host: $h was answered"; exit 1; }
	done &&
	curl -s -H "Host: evil.example:$PORT" "$URL/sub/inside.txt" >body && grep -q "421 misdirected" body &&
	grep_not -q "inside file" body
'
test_expect_success 'the address the server is bound to and localhost are answered, with or without the port' '
	for h in "127.0.0.1:$PORT" 127.0.0.1 "localhost:$PORT" localhost LocalHost "[::1]:$PORT"; do
		test "$(host_status "$h")" = 200 || { echo "Host: $h was refused"; exit 1; }
	done
'
test_expect_success 'the server is still up and well after all that' '
	curl -s "$URL/sub/inside.txt" | grep -q "inside file"
'

kill -TERM $SERVE_PID
wait $SERVE_PID
test_done
