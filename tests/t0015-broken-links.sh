#!/bin/sh
# The broken-link policy: site.lua's links = { pages =, anchors = } and --broken-links.
# "error" (the default) fails the build; "warn" reports each broken link once and builds.
. "$(dirname "$0")/lib.sh"

# One broken page link (line 5), one broken same-page anchor (line 7), one broken anchor
# on another page (line 9).
make_site() {
	rm -rf site && mkdir site
	site_page site/content/_index.md 'title: Home' '
[gone](/missing/)

[here](#nowhere)

[there](/other/#gone)'
	site_page site/content/other.md 'title: Other' '## Here'
}

test_expect_success 'by default a broken page link and a broken anchor fail the build' '
	make_site &&
	expect_exit 1 "$NFSITE" build --source site --dest out &&
	grep_q "site/content/_index.md:5: error: broken link '\''/missing/'\''" err &&
	grep_q "site/content/_index.md:7: error: broken link '\''#nowhere'\''" err &&
	test ! -e out &&
	rm site/content/_index.md && site_page site/content/_index.md "title: Home" "[there](/other/#gone)" &&
	expect_exit 1 "$NFSITE" build --source site --dest out &&
	grep_q "_index.md:4: error: broken link '\''/other/#gone'\'': /other/ has no anchor '\''#gone'\''" err
'
test_expect_success '--broken-links=warn builds, with one warning each and the count' '
	make_site &&
	"$NFSITE" build --broken-links=warn --source site --dest out 2>err &&
	test -f out/index.html &&
	grep_q "site/content/_index.md:5: warning: broken link '\''/missing/'\''" err &&
	grep_q "site/content/_index.md:7: warning: broken link '\''#nowhere'\''" err &&
	grep_q "site/content/_index.md:9: warning: broken link '\''/other/#gone'\'': /other/ has no anchor" err &&
	test $(grep -c ": warning: broken link" err) = 3 &&
	grep_q "warning: 1 broken link, 2 broken anchors (warnings)" err &&
	grep_not "error" err
'
test_expect_success 'a warn build warns again when rebuilt, and error fails after it' '
	make_site &&
	"$NFSITE" build --broken-links warn --source site --dest out 2>/dev/null &&
	"$NFSITE" build --broken-links warn --source site --dest out 2>err &&
	test $(grep -c ": warning: broken link" err) = 3 &&
	grep_q "1 broken link, 2 broken anchors (warnings)" err &&
	expect_exit 1 "$NFSITE" build --source site --dest out &&
	grep_q "error: broken link" err &&
	expect_exit 1 "$NFSITE" build --broken-links=error --source site --dest out
'
test_expect_success 'site.lua sets each kind; --broken-links overrides it' '
	make_site &&
	printf "return { links = { pages = \"warn\", anchors = \"warn\" } }\n" >site/site.lua &&
	"$NFSITE" build --source site --dest out 2>err &&
	grep_q "1 broken link, 2 broken anchors (warnings)" err &&
	expect_exit 1 "$NFSITE" build --broken-links=error --source site --dest out &&
	printf "return { links = { pages = \"warn\" } }\n" >site/site.lua &&
	expect_exit 1 "$NFSITE" build --source site --dest out &&
	grep_q "_index.md:5: warning: broken link '\''/missing/'\''" err &&
	grep_q "_index.md:7: error: broken link '\''#nowhere'\''" err &&
	printf "return { links = { anchors = \"warn\" } }\n" >site/site.lua &&
	expect_exit 1 "$NFSITE" build --source site --dest out &&
	grep_q "_index.md:5: error: broken link" err &&
	"$NFSITE" build --broken-links=warn --source site --dest out 2>err &&
	grep_q "1 broken link, 2 broken anchors (warnings)" err
'
test_expect_success 'bad values are clear errors with file:line' '
	make_site &&
	printf "return {\n  title = \"x\",\n  links = { pages = \"warn\", anchors = \"warning\" },\n}\n" >site/site.lua &&
	expect_exit 1 "$NFSITE" build --source site --dest out &&
	grep_q "site/site.lua:3: error: links.anchors must be \"error\" or \"warn\", not '\''warning'\''" err &&
	printf "return {\n  links = { page = \"warn\" },\n}\n" >site/site.lua &&
	expect_exit 1 "$NFSITE" build --source site --dest out &&
	grep_q "site/site.lua:2: error: unknown key '\''page'\'' in links (it takes pages and anchors)" err &&
	printf "return {\n  links = \"warn\",\n}\n" >site/site.lua &&
	expect_exit 1 "$NFSITE" build --source site --dest out &&
	grep_q "site/site.lua:2: error: '\''links'\'' must be a table" err &&
	rm site/site.lua &&
	expect_exit 2 "$NFSITE" build --broken-links=warning --source site --dest out &&
	grep_q "nfsite build: --broken-links wants error or warn, not '\''warning'\''" err
'
test_expect_success 'serve takes --broken-links too: warn serves the site, with the count' '
	make_site &&
	start_serve 300 --source site --broken-links=warn &&
	poll 300 "grep -q \"broken anchors (warnings)\" serve.err" &&
	curl -s -o home.html "$URL/"; kill $SERVE_PID; wait $SERVE_PID;
	grep_q "href=\"#nowhere\"" home.html &&
	grep_q "warning: 1 broken link, 2 broken anchors (warnings)" serve.err &&
	expect_exit 2 "$NFSITE" serve --broken-links=maybe --source site &&
	grep_q "nfsite serve: --broken-links wants error or warn, not '\''maybe'\''" err
'
test_expect_success '10,000 pages with thousands of broken anchors build with --broken-links=warn' '
	mkdir -p big/content && printf -- "---\ntitle: Home\n---\n" >big/content/_index.md &&
	for s in 0 1 2 3 4 5 6 7 8 9; do mkdir big/content/s$s; done &&
	(cd big && awk "BEGIN {
		for (i = 0; i < 10; i++) { f = sprintf(\"content/s%d/_index.md\", i); printf \"---\ntitle: S%d\n---\n\", i >f; close(f) }
		for (i = 0; i < 10000; i++) {
			f = sprintf(\"content/s%d/p%05d.md\", i % 10, i); j = (i + 1) % 10000
			printf \"---\ntitle: Page %d\n---\n\n## Intro\n\n[next](/s%d/p%05d/#intro)\n\", i, j % 10, j >f
			if (i % 4 == 0) printf \"\n[gone](/s%d/p%05d/#missing-%d)\n\", j % 10, j, i >f
			close(f)
		}
	}") &&
	"$NFSITE" build -q --broken-links=warn --source big --dest big/out 2>err &&
	test -f big/out/s9/p09999/index.html &&
	test $(grep -c "^big/content/s[0-9]/p[0-9]*\.md:9: warning: broken link .*has no anchor .#missing-" err) = 2500 &&
	sort err | uniq -d >dups && test_cmp /dev/null dups &&
	grep_q "warning: 0 broken links, 2500 broken anchors (warnings)" err &&
	test $(wc -l <err) = 2501
'
test_done
