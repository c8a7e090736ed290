#!/bin/sh
# nfsite check with no --dest: builds the site into a temporary folder (removed after)
# and checks the output as served, templates included.
. "$(dirname "$0")/lib.sh"

mkdir -p site/content/docs site/templates tmp
site_page site/content/_index.md 'title: Home' 'Welcome. See [the docs](/docs/guide/).'
site_page site/content/docs/_index.md 'title: Docs' 'All docs.'
site_page site/content/docs/guide.md 'title: Guide' '## Install

Read [about installing](#install).'

# The bundled theme's 404 page carries <link rel="canonical" href="/404/">, a URL no
# file answers (the page is 404.html): a real finding, reported to the theme's owner;
# skipped here so this script tests check itself.
SKIP='--skip /404/'

test_expect_success 'a clean site passes' '
	TMPDIR=$TRASH/tmp nfsite check --source site $SKIP >out 2>err &&
	cat out err &&
	grep -q "^checked [0-9]* pages, [0-9]* links: 0 broken$" out &&
	test -z "$(ls tmp)"
'

test_expect_success 'a broken link of a Markdown page is reported at its source line' '
	site_page site/content/docs/raw.md "title: Raw" "Text.

<p><a href=\"/nowhere-raw/\">raw HTML</a> the build leaves to check</p>" &&
	TMPDIR=$TRASH/tmp expect_exit 1 nfsite check --source site $SKIP &&
	cat err &&
	grep_q "site/content/docs/raw.md:6: error: broken link '"'"'/nowhere-raw/'"'"' (no such file)" err &&
	test "$(wc -l <err)" = 1 &&
	rm site/content/docs/raw.md
'

test_expect_success 'a FAQ answer'"'"'s broken link is reported once, at its source line, not at /faq/' '
	mkdir -p site/faq &&
	site_page site/faq/_index.md "title: FAQ
categories:
  - General" "Questions." &&
	site_page site/faq/why.md "question: Why?
category: General" "Because.

<p><a href=\"/nowhere-faq/\">raw HTML</a> shown on /faq/ and on the answer'"'"'s page</p>" &&
	TMPDIR=$TRASH/tmp expect_exit 1 nfsite check --source site $SKIP &&
	cat .stdout err &&
	grep_q "site/faq/why.md:7: error: broken link '"'"'/nowhere-faq/'"'"' (no such file)" err &&
	test "$(wc -l <err)" = 1 &&
	grep -q ": 1 broken$" .stdout &&
	rm -r site/faq
'

test_expect_success 'a broken link coming from a template is found (exit 1)' '
	sed "s|{% endblock %}|<a href=\"/nowhere/\">lost</a><a href=\"#no-such-anchor\">x</a>{% endblock %}|" \
		"$ROOT/theme/templates/page.html" >site/templates/page.html &&
	grep -q nowhere site/templates/page.html &&
	TMPDIR=$TRASH/tmp expect_exit 1 nfsite check --source site $SKIP &&
	cat err &&
	grep -q "^docs/guide/index.html:[0-9]*: error: broken link '"'"'/nowhere/'"'"' (no such file)$" err &&
	grep -q "^docs/guide/index.html:[0-9]*: error: broken link '"'"'#no-such-anchor'"'"' (no anchor" err &&
	grep_not -q "#install" err &&
	test -z "$(ls tmp)"
'

test_expect_success 'a failing build is reported and nothing is checked (exit 1)' '
	printf "{%% if %%}broken{%% end %%}\n" >site/templates/page.html &&
	TMPDIR=$TRASH/tmp expect_exit 1 nfsite check --source site $SKIP &&
	grep -q "templates/page.html:1: error" err &&
	grep -q "the build failed" err &&
	test -z "$(ls tmp)"
'

test_done
