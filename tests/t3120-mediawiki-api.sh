#!/bin/sh
# nfsite import mediawiki --api: against tests/mwapi-server.py on 127.0.0.1 serving the
# answers MediaWiki gives for the fixture wiki (tests/fixtures/mediawiki/api/, made by
# record-api.py): allpages continuation, a transient 503, the same pages as the DB.
. "$(dirname "$0")/lib.sh"

MW=$FIX/mediawiki
cp -r "$FIX/mediawiki/api" answers
cp "$MW/db/nfwiki.sqlite" .
python3 "$ROOT/tests/mwapi-server.py" answers port requests.log "$MW/images" &
server=$!
i=0; while [ ! -s port ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
API=http://127.0.0.1:$(cat port)/wiki/api.php

test_expect_success 'the test server is up' 'test -s port'
test_expect_success 'imports the wiki through api.php' '
	mkdir api && cd api &&
	nfsite import mediawiki --api "$API" --batch 10 --delay 0 --backoff 1 \
		--old-url-prefix http://127.0.0.1/wiki --report report.json 2>err &&
	test -f content/wiki/conntrack-tools.md
'
test_expect_success 'counts: 44 pages, 105 revisions (histories), 8 redirects; the sums hold' '
	sqlite3 :memory: "SELECT json_extract(j, \"\$.read.pages\"), json_extract(j, \"\$.read.revisions\"),
		json_extract(j, \"\$.read.redirects\"), json_extract(j, \"\$.written\"),
		json_extract(j, \"\$.redirected\"), json_extract(j, \"\$.skipped\")
		FROM (SELECT readfile(\"api/report.json\") AS j)" >got &&
	echo "44|105|8|31|6|7" >want && test_cmp want got
'
test_expect_success 'the transient 503 was retried, then answered' '
	test "$(grep -c "^503" requests.log)" = 1 &&
	grep_q "HTTP 503, retrying" api/err &&
	grep_not -q "^404" requests.log
'
test_expect_success 'allpages continuation was followed' '
	grep_q "[\"apcontinue\", \"Libnetfilter_queue\"]" requests.log &&
	grep_q "[\"apcontinue\", \"Tproxy\"]" requests.log
'
test_expect_success 'every request names nfsite in its User-Agent' '
	cut -f3 requests.log | sort -u >ua &&
	echo "nfsite/$("$NFSITE" --version | cut -d" " -f2) (+https://netfilter.org)" >want &&
	test_cmp want ua
'
test_expect_success 'the API gives exactly the database reader'"'"'s pages and redirects' '
	mkdir db && (cd db && nfsite import mediawiki --db ../nfwiki.sqlite --site-name "netfilter wiki" --images "$MW/images" \
		--old-url-prefix http://127.0.0.1/wiki 2>/dev/null) &&
	test_cmp db/content api/content &&
	test_cmp db/data/redirects/wiki.txt api/data/redirects/wiki.txt
'
test_expect_success 'an API error answer is a clear error (exit 1), nothing written' '
	mkdir bad && cd bad &&
	expect_exit 1 "$NFSITE" import mediawiki --api "http://127.0.0.1:$(cat ../port)/nowhere/api.php" \
		--delay 0 --retries 0 &&
	grep_q "HTTP 404" err && ! test -e content
'
test_expect_success 'a server that is not there: retried, then a clear error' '
	mkdir gone && cd gone &&
	expect_exit 1 "$NFSITE" import mediawiki --api "http://127.0.0.1:1/api.php" \
		--delay 0 --retries 2 --backoff 1 &&
	test "$(grep -c "retrying" err)" = 2 && grep_q "gave up after retries" err && ! test -e content
'
test_expect_success '--api wants an http(s) URL' '
	expect_exit 1 "$NFSITE" import mediawiki --api "file:///etc/passwd" &&
	grep_q "http:// or https://" err
'
test_expect_success 'without --old-url-prefix the old address is the folder of api.php' '
	mkdir apiprefix && cd apiprefix &&
	nfsite import mediawiki --api "$API" --batch 10 --delay 0 --backoff 1 2>err &&
	grep_q "original_url: \"http://127.0.0.1:$(cat ../port)/wiki/index.php/Conntrack-tools\"" content/wiki/conntrack-tools.md
'
kill "$server"
test_done
