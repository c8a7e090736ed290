#!/bin/sh
# Load: 10,000 requests from wrk on loopback while the site is being rebuilt over and
# over; not one may fail (socket errors or statuses other than 2xx/3xx). The run is
# bounded by wrk's -d, the assertion is on errors only, never on speed.
. "$(dirname "$0")/lib.sh"

if ! command -v wrk >/dev/null 2>&1; then
	test_skip 'wrk load test' 'wrk is not installed (scripts/install-deps.sh test)'
	test_done
	exit
fi

PAGES=2000
mkdir -p site/content/p
site_page site/content/_index.md 'title: Home' 'Home page.'
site_page site/content/p/_index.md 'title: Pages' 'All pages.'
i=1
while [ $i -le $PAGES ]; do
	printf -- '---\ntitle: Page %d\n---\n# Heading %d\n\nText of page %d, see [the next one](/p/p%d/).\n\n## More\n\nParagraph.\n' \
		$i $i $i $((i % PAGES + 1)) >site/content/p/p$i.md
	i=$((i + 1))
done

start_serve 1200 --source site || { echo "serve did not start"; exit 1; }

# Requests rotate over pages (some of them being rewritten), the home, a stylesheet
# and the sitemap; each of wrk's 2 threads stops after 5,000 answers and says so with a
# file, then SIGINT makes wrk print its summary (its -d only bounds the run).
cat >load.lua <<'LUA'
local paths = {"/", "/p/", "/style.css", "/sitemap.xml", "/p/p1/", "/p/p2/", "/p/p3/",
               "/p/p1000/", "/p/p1999/", "/p/p2000/", "/p/p2/index.html"}
local n = 0
local answered = 0
local limit = 5000
local threads = 0
setup = function(thread)
	threads = threads + 1
	thread:set("id", threads)
end
request = function()
	n = n + 1
	return wrk.format("GET", paths[(n % #paths) + 1])
end
response = function(status, headers, body)
	answered = answered + 1
	if answered == limit then
		local f = io.open("wrk.stopped." .. id, "w")
		f:close()
		wrk.thread:stop()
	end
end
done = function(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("RESULT requests=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
		summary.requests, e.connect, e.read, e.write, e.status, e.timeout))
	io.write(string.format("LATENCY mean_us=%.0f p99_us=%.0f max_us=%.0f\n",
		latency.mean, latency:percentile(99), latency.max))
end
LUA

# An open live-reload client, as a browser tab would have.
curl -sN "$URL/__nfsite/events" >events &
EVENTS_PID=$!

# Keep saving pages while wrk runs, so rebuilds overlap the requests.
(
	k=0
	while [ ! -f wrk.done ] && [ $k -lt 600 ]; do
		k=$((k + 1))
		printf -- '---\ntitle: Page 2\n---\n# Heading 2\n\nEdit number %d.\n' $k >site/content/p/p2.md
		printf -- '---\ntitle: Page 1000\n---\nEdit number %d.\n' $k >site/content/p/p1000.md
		sleep 0.3
	done
) &
EDIT_PID=$!
# Start the load the moment a rebuild begins.
i=0
until grep -q '^rebuilding' serve.err || [ $i -gt 300 ]; do i=$((i + 1)); sleep 0.05; done
built_at_start=$(grep -c '^built ' serve.err)
wrk -t2 -c16 -d300s --timeout 10s -s load.lua "$URL/" >wrk.out 2>&1 &
WRK_PID=$!
until [ -f wrk.stopped.1 ] && [ -f wrk.stopped.2 ] || ! kill -0 $WRK_PID 2>/dev/null; do sleep 0.05; done
kill -INT $WRK_PID 2>/dev/null
wait $WRK_PID
started_at_end=$(grep -c '^rebuilding' serve.err)
touch wrk.done
wait $EDIT_PID
# let the last rebuild finish
i=0
until [ $i -gt 100 ] || curl -s "$URL/p/p2/" | grep -q "Edit number"; do i=$((i + 1)); sleep 0.1; done

test_expect_success 'wrk ran at least 10,000 requests' '
	cat wrk.out &&
	n=$(sed -n "s/^RESULT requests=\([0-9]*\) .*/\1/p" wrk.out) &&
	test "$n" -ge 10000
'

# A rebuild overlapped the load when one that had not finished when wrk started
# (1 initial build + the rebuilds finished by then) had started before wrk ended.
test_expect_success 'a rebuild ran during the load' '
	echo "finished builds at the start: $built_at_start, rebuilds started by the end: $started_at_end" &&
	test "$started_at_end" -ge "$built_at_start" &&
	grep -q "^event: reload$" events
'

test_expect_success 'zero errors: no socket errors, no status outside 2xx/3xx, no timeouts' '
	grep -q "^RESULT requests=[0-9]* connect=0 read=0 write=0 status=0 timeout=0$" wrk.out
'

test_expect_success 'the server still answers and shows the last edit' '
	curl -s "$URL/p/p2/" | grep -q "Edit number" &&
	grep_not -q "error:" serve.err
'

kill $EVENTS_PID 2>/dev/null
kill -TERM $SERVE_PID
wait $SERVE_PID
echo $? >serve.status
test_expect_success 'stops cleanly after the load' '
	test "$(cat serve.status)" = 0
'

test_done
