#!/bin/sh
# serve's shortcut for an edit that changes only what no other page shows (site.c,
# content_patch): the body below the summary. It must give exactly the site a one-off
# build gives, and step aside for everything else: a new summary, front matter (even a
# comment that moves the body), an FAQ answer, a heading another page links to, another
# site key (a translator appearing on PATH).
. "$(dirname "$0")/lib.sh"

# A first paragraph longer than a summary (240 characters), so text after it is not in one.
LONG="This first paragraph is long enough to be the whole summary of its page, so that \
anything written below it changes the page itself and nothing that another page shows \
of it: the section lists, the feeds and the sitemap all stay exactly as they were before."

mkdir -p site/content site/static bin
printf 'body { color: black; }\n' >site/static/extra.css
site_page site/content/_index.md 'title: Home' 'Welcome home.'
site_page site/content/docs/_index.md 'title: Docs' 'The documentation.'
site_page site/content/docs/alpha.md 'title: Alpha
tags: [sets]
aliases: [/old/alpha/]' "$LONG

## Setup

How to set it up."
site_page site/content/docs/beta.md 'title: Beta' "$LONG

See [the setup of alpha](alpha.md#setup)."
site_page site/content/news/_index.md 'title: News' 'What is new.'
site_page site/content/news/hello.md 'title: Hello
date: 2026-01-05' "$LONG"
site_page site/faq/_index.md 'title: FAQ' 'Questions.'
site_page site/faq/why.md 'question: Why nftables?
category: General' 'Because it replaces the old tools.'

PATH=$TRASH/bin:$PATH start_serve 600 --source site || { echo "serve did not start"; exit 1; }
OUTDIR=$(sed -n 's/^building .* into \(.*\)$/\1/p' serve.err)

page() { curl -s -o page.html -w '%{http_code}' "$URL$1"; }
builds() { grep -c '^built \|^build failed' serve.err || true; }
last_build() { grep '^built \|^build failed' serve.err | tail -1; }
# edit FILE 'front matter' 'body': saves the page and waits for the build it starts.
edit() {
	edit_n=$(builds)
	site_page "$@"
	poll 100 "test \$(builds) -gt $edit_n" && sleep 0.3 && last_build
}
# edit_alpha 'front matter before its tags' HEADING TEXT: an edit of alpha in its one shape.
edit_alpha() {
	edit site/content/docs/alpha.md "$1
tags: [sets]
aliases: [/old/alpha/]" "$LONG

## $2

$3"
}
shortcut() { last_build | grep -q 'only the edited text' || { echo "no shortcut: $(last_build)"; return 1; }; }
no_shortcut() { last_build | grep_not -q 'only the edited text'; }

# Every file of a one-off build of the same sources, byte for byte, and no other file
# (the live-reload tag aside).
same_site() {
	rm -rf oneoff &&
	PATH=$TRASH/bin:$PATH "$NFSITE" build -q --source site --dest oneoff --base-url "$URL/" &&
	(cd oneoff && find . -type f ! -name '.nfsite-*' | sort) >want.list &&
	(cd "$OUTDIR" && find . -type f ! -name '.nfsite-*' | sort) >got.list &&
	diff want.list got.list &&
	test "$(wc -l <want.list)" -gt 20 &&
	while read -r f; do
		sed 's|<script src="/__nfsite/live.js"></script>||' "$OUTDIR/$f" >got.file &&
		cmp -s got.file "oneoff/$f" || { echo "differs: $f"; diff got.file "oneoff/$f" | head; return 1; }
	done <want.list
}

test_expect_success 'an edit below the summary takes the shortcut and gives the one-off build' '
	edit_alpha "title: Alpha" Setup "How to set it up. Quokkas help." &&
	shortcut &&
	page /docs/alpha/ >/dev/null && grep_q "Quokkas help." page.html &&
	grep -q "\"quokkas\":" "$OUTDIR"/search-index/t/*.json &&
	same_site
'

test_expect_success 'the next edit takes it again, and a second page too' '
	edit site/content/docs/beta.md "title: Beta" "$LONG

See [the setup of alpha](alpha.md#setup). Wombats too." &&
	shortcut &&
	page /docs/beta/ >/dev/null && grep_q "Wombats too." page.html &&
	same_site
'

test_expect_success 'after a full build that kept the search index (a static file), the next edit takes it' '
	n=$(builds) &&
	printf "body { color: navy; }\n" >site/static/extra.css &&
	poll 100 "test \$(builds) -gt $n" && no_shortcut &&
	edit site/content/docs/beta.md "title: Beta" "$LONG

See [the setup of alpha](alpha.md#setup). Wombats and numbats." &&
	shortcut &&
	page /docs/beta/ >/dev/null && grep_q "Wombats and numbats." page.html &&
	same_site
'

test_expect_success 'a front matter error in an edited page is reported once' '
	edit site/content/docs/alpha.md "title: Alpha
tags: [sets
aliases: [/old/alpha/]" "$LONG" &&
	test "$(page /docs/alpha/)" = 500 &&
	grep "alpha.md:[0-9]*: error" page.html >errors &&
	test "$(wc -l <errors)" = 1 &&
	edit_alpha "title: Alpha" Setup "How to set it up. Quokkas help." &&
	test "$(page /docs/alpha/)" = 200
'

test_expect_success 'renaming a heading another page links to fails the build at that link' '
	edit_alpha "title: Alpha" Installation "How to set it up. Quokkas help." &&
	test "$(page /docs/alpha/)" = 500 &&
	grep_q "beta.md:6: error: broken link &#39;alpha.md#setup&#39;: /docs/alpha/ has no anchor &#39;#setup&#39;" page.html
'

test_expect_success 'an edit that breaks its own link fails; fixing it recovers' '
	edit_alpha "title: Alpha" Setup "How to set it up, see [this](missing.md)." &&
	test "$(page /docs/alpha/)" = 500 &&
	grep -q "alpha.md:10: error: broken link" page.html &&
	edit_alpha "title: Alpha" Setup "How to set it up." &&
	test "$(page /docs/alpha/)" = 200 &&
	same_site &&
	edit_alpha "title: Alpha" Setup "How to set it up. Back to normal." &&
	shortcut && same_site
'

test_expect_success 'a new first paragraph is a new summary: the section lists it' '
	edit site/content/docs/beta.md "title: Beta" "Short and new.

See [the setup of alpha](alpha.md#setup)." &&
	no_shortcut &&
	page /docs/ >/dev/null && grep_q "Short and new." page.html &&
	same_site
'

test_expect_success 'a new title goes the full way' '
	edit_alpha "title: Alpha renamed" Setup "How to set it up. Back to normal." &&
	no_shortcut &&
	page /tags/sets/ >/dev/null && grep_q "Alpha renamed" page.html &&
	same_site
'

test_expect_success 'a comment added to the front matter moves the body: no shortcut' '
	edit_alpha "title: Alpha renamed
# a note for editors" Setup "How to set it up. Back to normal." &&
	no_shortcut &&
	same_site
'

test_expect_success 'an FAQ answer edit goes the full way: /faq/ shows it' '
	edit site/faq/why.md "question: Why nftables?
category: General" "Because it replaces iptables, ip6tables, arptables and ebtables." &&
	no_shortcut &&
	page /faq/ >/dev/null && grep_q "arptables and ebtables" page.html &&
	same_site
'

test_expect_success 'a translator that appears on PATH changes the site key: no shortcut' '
	edit site/content/news/hello.md "title: Hello
date: 2026-01-05" "$LONG

Before the translator." &&
	shortcut && same_site &&
	printf "#!/bin/sh\necho nft add element\n" >bin/ipset-translate &&
	chmod +x bin/ipset-translate &&
	edit site/content/news/hello.md "title: Hello
date: 2026-01-05" "$LONG

After the translator." &&
	no_shortcut &&
	page /news/hello/ >/dev/null && grep_q "After the translator." page.html &&
	same_site
'

kill -TERM $SERVE_PID
wait $SERVE_PID
test_done
