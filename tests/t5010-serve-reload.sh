#!/bin/sh
# serve with a build: private output folder, live-reload script, rebuild on save, SSE
# events (reload, css), the error page with file:line while a template is broken, its
# recovery, new folders watched, SIGTERM removing the private folder.
. "$(dirname "$0")/lib.sh"

mkdir -p site/content site/static site/templates
site_page site/content/_index.md 'title: Home' 'Welcome home.'
site_page site/content/about.md 'title: About' 'First version of the about page.'
printf 'body { color: black; }\n' >site/static/extra.css

start_serve 600 --source site || { echo "serve did not start"; exit 1; }
OUTDIR=$(sed -n 's/^building .* into \(.*\)$/\1/p' serve.err)

page() { curl -s -o page.html -w '%{http_code}' "$URL$1"; }

# One live-reload client for the whole script.
curl -sN "$URL/__nfsite/events" >events &
EVENTS_PID=$!
poll 100 'grep -q "event: hello" events' >/dev/null

test_expect_success 'builds into a private folder, not into the site' '
	test -n "$OUTDIR" &&
	test -f "$OUTDIR/about/index.html" &&
	case "$OUTDIR" in "$TRASH/site"*) false ;; esac &&
	test ! -e site/public
'

test_expect_success 'pages carry the live-reload script; the script is served' '
	test "$(page /about/)" = 200 &&
	grep_q "First version of the about page." page.html &&
	grep_q "<script src=\"/__nfsite/live.js\"></script>" page.html &&
	curl -s -D headers "$URL/__nfsite/live.js" >live.js &&
	grep -qi "content-type: text/javascript" headers &&
	grep_q "EventSource(" live.js &&
	grep_q "location.reload()" live.js
'

test_expect_success 'the events endpoint is an SSE stream saying hello' '
	grep -q "^event: hello$" events &&
	grep -q "^data: [0-9a-f]*-[0-9]*$" events &&
	curl -s -m 1 -D - -o /dev/null "$URL/__nfsite/events" | tr -d "\r" >h || true &&
	grep -qi "^content-type: text/event-stream" h
'

test_expect_success 'editing Markdown rebuilds: the new text is served and clients told to reload' '
	site_page site/content/about.md "title: About" "Second version, edited live." &&
	poll 100 "page /about/ >/dev/null && grep -q \"Second version, edited live.\" page.html" &&
	poll 50 "grep -q \"^event: reload$\" events"
'

# The preview server re-makes only the search files an edit touches (search.c's memo):
# each state must equal what a one-off build makes of the same sources.
same_index() {
	rm -rf oneoff && "$NFSITE" build -q --source site --dest oneoff && diff -r "$OUTDIR/search-index" oneoff/search-index
}
test_expect_success 'an edit updates the search index as a one-off build makes it: word added, removed, page added' '
	site_page site/content/about.md "title: About" "Second version, edited live. Xylophonic zebras." &&
	poll 100 "page /about/ >/dev/null && grep -q Xylophonic page.html" &&
	test "$(grep -l "\"xylophonic\":" "$OUTDIR"/search-index/t/*.json | wc -l)" = 1 &&
	grep_q "Xylophonic zebras" "$OUTDIR/search-index/f/0.json" &&
	same_index &&
	site_page site/content/about.md "title: About" "Second version, edited live." &&
	poll 100 "page /about/ >/dev/null && ! grep -q Xylophonic page.html" &&
	! grep -q xylophonic "$OUTDIR"/search-index/t/*.json &&
	same_index &&
	site_page site/content/aardvark.md "title: Aardvark" "A page that sorts first moves every id." &&
	poll 100 "test \"\$(page /aardvark/)\" = 200" &&
	same_index &&
	rm site/content/aardvark.md &&
	poll 100 "test \"\$(page /aardvark/)\" = 404" &&
	same_index
'

test_expect_success 'retagging a page rebuilds the tag pages: the old one goes, the new one lists it' '
	site_page site/content/about.md "title: About
tags: [first]" "Tagged." &&
	poll 100 "test \"\$(page /tags/first/)\" = 200 && grep -q \"href=\\\"/about/\\\">About\" page.html" &&
	site_page site/content/about.md "title: About
tags: [second]" "Second version, edited live." &&
	poll 100 "test \"\$(page /tags/second/)\" = 200 && grep -q \"href=\\\"/about/\\\">About\" page.html" &&
	test "$(page /tags/first/)" = 404 && page /about/ >/dev/null && grep_q "href=\"/tags/second/\">second</a>" page.html
'

test_expect_success 'a stylesheet-only change sends a css event, not a reload' '
	n=$(grep -c "^event: reload$" events) &&
	printf "body { color: navy; }\n" >site/static/extra.css &&
	poll 100 "curl -s \"$URL/extra.css\" | grep -q navy" &&
	poll 50 "grep -q \"^event: css$\" events" &&
	test "$(grep -c "^event: reload$" events)" = "$n"
'

test_expect_success 'a broken template gives the error page with file:line on every page' '
	printf "<html><body>{%% if %%}broken{%% end %%}</body></html>\n" >site/templates/page.html &&
	poll 100 "test \"\$(page /about/)\" = 500" &&
	cat page.html &&
	grep -q "templates/page.html:1: error" page.html &&
	grep_q "<script src=\"/__nfsite/live.js\"></script>" page.html &&
	test "$(page /)" = 500 &&
	test "$(page /no/such/page/)" = 500 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "$URL/extra.css")" = 200
'

test_expect_success 'the error text is escaped' '
	printf "<html>{{ <script>alert(1)</script> }}</html>\n" >site/templates/page.html &&
	poll 100 "page /about/ >/dev/null && grep -q \"near &#39;&lt;&#39;\" page.html" &&
	grep_not -q "near .<." page.html
'

test_expect_success 'fixing the template recovers without a restart' '
	rm site/templates/page.html &&
	poll 100 "test \"\$(page /about/)\" = 200" &&
	grep_q "Second version, edited live." page.html &&
	grep_not -q "Build failed" page.html
'

test_expect_success 'after failed builds an edit still updates the search index as a one-off build does' '
	site_page site/content/about.md "title: About" "Second version, edited live. Yttrium." &&
	poll 100 "page /about/ >/dev/null && grep -q Yttrium page.html" &&
	grep -q "\"yttrium\":" "$OUTDIR"/search-index/t/*.json &&
	same_index &&
	site_page site/content/about.md "title: About" "Second version, edited live." &&
	poll 100 "page /about/ >/dev/null && ! grep -q Yttrium page.html" &&
	same_index
'

test_expect_success 'new folders are watched too' '
	mkdir -p site/content/fresh/deeper &&
	sleep 0.2 &&
	site_page site/content/fresh/deeper/page.md "title: Deep" "Deep new page." &&
	poll 100 "test \"\$(page /fresh/deeper/page/)\" = 200" &&
	grep_q "Deep new page." page.html &&
	site_page site/content/fresh/deeper/page.md "title: Deep" "Deep page, edited." &&
	poll 100 "page /fresh/deeper/page/ >/dev/null && grep -q \"Deep page, edited.\" page.html"
'

test_expect_success 'deleting a page removes it' '
	rm site/content/fresh/deeper/page.md &&
	poll 100 "test \"\$(page /fresh/deeper/page/)\" = 404"
'

kill $EVENTS_PID 2>/dev/null
kill -TERM $SERVE_PID
wait $SERVE_PID
echo $? >serve.status
test_expect_success 'SIGTERM exits 0 and removes the private folder' '
	test "$(cat serve.status)" = 0 &&
	test ! -e "$OUTDIR" &&
	test ! -e "$(dirname "$OUTDIR")"
'

test_done
