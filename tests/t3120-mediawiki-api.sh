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
test_expect_success 'what the API marks userhidden or commenthidden stays out of the history' '
	cp -r answers hidden &&
	python3 - hidden <<-\PY &&
	import json, os, sys
	d = sys.argv[1]
	for e in json.load(open(os.path.join(d, "index.json"), encoding="utf-8")):
	    if e["query"].get("prop") != "revisions":
	        continue
	    path = os.path.join(d, e["file"])
	    answer = json.load(open(path, encoding="utf-8"))
	    page = answer["query"]["pages"][0]
	    if page["title"] != "Conntrack-tools":
	        continue
	    for r in page["revisions"]:
	        if r["user"] == "Queuehacker":
	            del r["user"], r["comment"]
	            r["userhidden"] = r["commenthidden"] = True
	    json.dump(answer, open(path, "w", encoding="utf-8"))
	PY
	python3 "$ROOT/tests/mwapi-server.py" hidden hport hrequests.log & hserver=$!
	i=0; while [ ! -s hport ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	mkdir apihidden && (cd apihidden && nfsite import mediawiki --api "http://127.0.0.1:$(cat ../hport)/wiki/api.php" \
		--batch 10 --delay 0 --backoff 1 --old-url-prefix http://127.0.0.1/wiki 2>err); rc=$?
	kill $hserver; test $rc = 0 &&
	h=apihidden/content/wiki/conntrack-tools/history.md &&
	grep_not -q "Queuehacker" apihidden/content/wiki/conntrack-tools.md &&
	grep_not -q "user: \"Queuehacker\"" $h && grep_not -q "new section" $h &&
	test "$(grep -c "^- date: " $h)" = 7 && test "$(grep -c "^  user: " $h)" = 6 &&
	test "$(grep -c "^  summary: " $h)" = 6
'
kill "$server"
test_done
