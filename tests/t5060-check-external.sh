#!/bin/sh
# nfsite check --external against tests/httpd-fixture.py on 127.0.0.1: 200, redirects,
# 404/500, a slow answer past --timeout, a reset connection, HEAD refused, 429, the
# per-host connection limit, and the SQLite cache on a second run. A URL is reported once,
# at its first use in page order (docs/index.html comes before index.html).
. "$(dirname "$0")/lib.sh"

python3 "$ROOT/tests/httpd-fixture.py" port &
FIXTURE_PID=$!
i=0
until [ -s port ] || [ $i -gt 100 ]; do i=$((i + 1)); sleep 0.1; done
P=$(cat port 2>/dev/null)
[ -n "$P" ] || { echo "fixture server did not start"; kill $FIXTURE_PID; exit 1; }
H=http://127.0.0.1:$P
stats() { curl -s "$H/__stats"; }

mkdir -p hold
{
	echo '<html><body>'
	for n in 1 2 3 4 5 6 7 8; do echo "<a href=\"$H/hold?n=$n\">hold $n</a>"; done
	echo '</body></html>'
} >hold/index.html

mkdir -p site/docs
cat >site/index.html <<HTML
<html><body>
<a href="$H/ok">ok</a>
<a href="$H/redirect">moved</a>
<a href="$H/missing">missing</a>
<a href="$H/error">error</a>
<a href="$H/slow">slow</a>
<a href="$H/reset">reset</a>
<a href="$H/nohead">no HEAD</a>
<a href="$H/ratelimit">rate limited</a>
<a href="$H/ok#section">ok with a fragment</a>
</body></html>
HTML
cat >site/docs/index.html <<HTML
<html><body>
<a href="$H/missing">missing again</a>
<a href="$H/ok">ok again</a>
</body></html>
HTML

test_expect_success 'fixture server is up' '
	test -n "$P" && stats | grep -q max-inflight
'

test_expect_success 'at most 2 requests per host at a time' '
	nfsite check --dest hold --external --cache hold.sqlite --jobs 8 >out 2>err &&
	cat out err &&
	stats >s1 && cat s1 &&
	grep -q "^HEAD /hold 8$" s1 &&
	grep -q "^max-inflight [12]$" s1
'

test_expect_success 'first run: broken, redirected, slow, reset and limited links' '
	expect_exit 1 nfsite check --dest site --external --cache cache.sqlite --timeout 1 &&
	cat .stdout err &&
	grep_q "docs/index.html:2: error: broken link '"'"'$H/missing'"'"' (HTTP 404; also on 1 more page)" err &&
	grep_q "index.html:5: error: broken link '"'"'$H/error'"'"' (HTTP 500)" err &&
	grep_q "index.html:6: error: broken link '"'"'$H/slow'"'"' (timed out after 1 s)" err &&
	grep -q "index.html:7: error: broken link '"'"'$H/reset'"'"' (.*reset.*)" err &&
	grep_q "index.html:3: warning: link '"'"'$H/redirect'"'"' redirects (HTTP 301) to '"'"'$H/ok'"'"' (HTTP 200)" err &&
	grep_q "index.html:9: warning: link '"'"'$H/ratelimit'"'"' rate limited (HTTP 429), retry later" err &&
	grep_not -q "link '"'"'$H/ok'"'"'\|nohead" err &&
	test "$(grep -c error: err)" = 4 &&
	grep -q "(8 external URLs, 0 from the cache): 4 broken, 1 redirected, 1 rate limited" .stdout
'

test_expect_success 'HEAD refused with 405 falls back to GET; HEAD is enough elsewhere' '
	stats >s2 && cat s2 &&
	grep -q "^HEAD /nohead 1$" s2 &&
	grep -q "^GET /nohead 1$" s2 &&
	grep -q "^HEAD /ok 2$" s2 &&
	grep_not -q "^GET /ok " s2 &&
	grep -q "^HEAD /missing 1$" s2
'

test_expect_success 'the cache holds definite answers with their time' '
	sqlite3 cache.sqlite "SELECT url, status, first_status FROM links ORDER BY url" >rows &&
	cat rows &&
	grep -q "/error|500|500$" rows &&
	grep -q "/missing|404|404$" rows &&
	grep -q "/nohead|200|200$" rows &&
	grep -q "/ok|200|200$" rows &&
	grep -q "/redirect|200|301$" rows &&
	grep_not -q "/slow\|/reset\|/ratelimit" rows &&
	test "$(sqlite3 cache.sqlite "SELECT count(*) FROM links WHERE checked_at > strftime(\"%s\",\"now\") - 600")" = 5
'

test_expect_success 'second run answers cached links without asking the server again' '
	stats | grep -v "slow\|reset\|ratelimit\|max-inflight" >before &&
	expect_exit 1 nfsite check --dest site --external --cache cache.sqlite --timeout 1 &&
	cat .stdout &&
	stats | grep -v "slow\|reset\|ratelimit\|max-inflight" >after &&
	test_cmp before after &&
	grep -q "(8 external URLs, 5 from the cache): 4 broken, 1 redirected, 1 rate limited" .stdout &&
	grep -q "/missing'"'"' (HTTP 404" err &&
	grep -q "/redirect'"'"' redirects (HTTP 301)" err
'

test_expect_success '--max-age 0 asks again' '
	expect_exit 1 nfsite check --dest site --external --cache cache.sqlite --timeout 1 --max-age 0 &&
	grep -q "(8 external URLs, 0 from the cache)" .stdout &&
	stats | grep -q "^HEAD /ok 4$"
'

test_expect_success 'default cache lives in SOURCE/.nfsite-cache/links.sqlite' '
	mkdir -p src &&
	expect_exit 1 nfsite check --source src --dest site --external --timeout 1 &&
	test -f src/.nfsite-cache/links.sqlite
'

# A page built from Markdown: its links are reported at their source file and line (the
# build cache keeps them), not at the line of the HTML they ended up on.
site_page md/content/_index.md 'title: Home' 'Home.'
site_page md/content/links/index.md 'title: Links' "Intro.

[gone]($H/missing) is on line 6.

<p>Raw HTML: <a href=\"$H/error\">line 8</a></p>"
test_expect_success 'a broken link is reported at its Markdown source line' '
	expect_exit 1 nfsite check --source md --external --cache md.sqlite --timeout 5 &&
	cat err &&
	grep_q "md/content/links/index.md:6: error: broken link '"'"'$H/missing'"'"' (HTTP 404)" err &&
	grep_q "md/content/links/index.md:8: error: broken link '"'"'$H/error'"'"' (HTTP 500)" err &&
	grep_not -q "index.html:" err
'
test_expect_success 'so is one of a folder nfsite build made (--dest)' '
	nfsite build -q --source md --dest md-out &&
	expect_exit 1 nfsite check --source md --dest md-out --external --cache md.sqlite --timeout 5 &&
	grep_q "md/content/links/index.md:6: error: broken link '"'"'$H/missing'"'"' (HTTP 404)" err &&
	grep_not -q "index.html:" err
'

# A FAQ answer is shown on /faq/ too: its link is still reported at its source, once.
site_page faqsite/content/_index.md 'title: Home' 'Home.'
site_page faqsite/faq/_index.md 'title: FAQ
categories:
  - General' 'Questions.'
site_page faqsite/faq/gone.md 'question: Where did it go?
category: General' "Away.

It was [here]($H/missing)."
test_expect_success 'a FAQ answer'"'"'s broken link is reported once, at its source line' '
	expect_exit 1 nfsite check --source faqsite --external --cache faq.sqlite --timeout 5 &&
	cat err &&
	grep_q "faqsite/faq/gone.md:7: error: broken link '"'"'$H/missing'"'"' (HTTP 404)" err &&
	test "$(grep -c "broken link" err)" = 1
'

# No network: simulated by hosts that cannot answer (a name under .invalid, which never
# resolves, and a local port with nothing listening), so nothing leaves 127.0.0.1.
CLOSED=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p offline
cat >offline/index.html <<HTML
<html><body>
<a href="http://nfsite-test.invalid/a">a</a>
<a href="http://127.0.0.1:$CLOSED/b">b</a>
<a href="http://127.0.0.1:$CLOSED/c">c</a>
</body></html>
HTML
test_expect_success 'no host reachable at all is "no network", not each link broken' '
	expect_exit 1 "$NFSITE" check --dest offline --external --cache offline.sqlite --timeout 5 &&
	grep_q "error: no network: no external host could be reached" err &&
	grep_q "3 external links not checked" err &&
	! grep -q "broken link" err
'
test_expect_success 'one dead host among live ones is a broken link' '
	sed "s|</body>|<a href=\"$H/ok\">live</a></body>|" offline/index.html >offline/index.tmp &&
	mv offline/index.tmp offline/index.html &&
	expect_exit 1 "$NFSITE" check --dest offline --external --cache offline.sqlite --timeout 5 &&
	! grep -q "no network" err && grep_q "broken link '"'"'http://127.0.0.1:$CLOSED/b'"'"'" err
'
kill $FIXTURE_PID
test_done
