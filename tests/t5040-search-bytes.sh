#!/bin/sh
# Search on a large site loads only what a query needs: the 10,000-page bench site
# (bench/gen-site.py), served by nginx with gzip on, searched in chromium; the first query
# (search.js, the index's meta.json, shards and chunks, as the server sent them) must stay
# under 150 KB and a second query under 50 KB more, and both must find their pages.
. "$(dirname "$0")/lib.sh"

missing=""
for tool in nginx python3 node; do
	command -v $tool >/dev/null 2>&1 || missing="$missing $tool"
done
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing="$missing chromium"
[ -d "$ROOT/tests/node_modules/playwright-core" ] || missing="$missing playwright-core"
if [ -n "$missing" ]; then
	test_skip 'search bytes on a large site' "missing:$missing (scripts/install-deps.sh test)"
	test_done
	exit
fi

test_expect_success 'the 10,000-page bench site builds with its search index' '
	python3 "$ROOT/bench/gen-site.py" 10000 src >/dev/null &&
	nfsite build --source src --dest site -q &&
	test -f site/search-index/meta.json &&
	python3 -c "import json, os, sys
m = json.load(open(sys.argv[1] + \"/meta.json\"))
assert m[\"n\"] > 10000, m[\"n\"]
assert len(os.listdir(sys.argv[1] + \"/f\")) == -(-m[\"n\"] // m[\"c\"])
assert len(os.listdir(sys.argv[1] + \"/t\")) == m[\"s\"]" site/search-index
'

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
nginx_conf nginx.conf "	gzip on; gzip_types application/json application/javascript text/javascript text/css;
	server { listen 127.0.0.1:$PORT; location / { root $TRASH/site; } }"
trap nginx_stop EXIT

test_expect_success 'nginx serves the site gzipped' '
	nginx_start "$TRASH/nginx.conf" &&
	poll 50 "curl -sf -o /dev/null http://127.0.0.1:$PORT/" &&
	curl -sf -H "Accept-Encoding: gzip" -D headers -o /dev/null http://127.0.0.1:$PORT/search-index/meta.json &&
	grep -qi "^content-encoding: gzip" headers
'

# A page by its title (the first result must be it), then words several titles share.
test_expect_success 'chromium: a first query under 150 KB, a later one under 50 KB more' '
	want=$(grep -l "^title: \"Nat snat 4321\"" src/content/*/page-04321.md | sed "s|^src/content||; s|\.md\$|/|") &&
	test -n "$want" &&
	(cd "$ROOT/tests" && node browser/searchbytes.mjs "http://127.0.0.1:$PORT" "nat snat 4321" "$want" \
		"flush tproxy" 150 50) >bytes.out &&
	cat bytes.out
'

test_done
