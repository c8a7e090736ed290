#!/bin/sh
# Resource limits on hostile input, reader by reader: nesting depth (front matter,
# Markdown, wikitext), template recursion (site templates and wiki templates), maximum
# sizes (content files, wiki pages), XML entity expansion (billion laughs, external
# entities) in both XML importers. Each limit is a clear error or a bounded result,
# never a crash, a hang, or a file read from outside the input.
. "$(dirname "$0")/lib.sh"

# gen FILE PYTHON-EXPR: writes the string the expression makes.
gen() { python3 -c "import sys; sys.stdout.write($2)" >"$1"; }

# --- front matter -------------------------------------------------------------------
test_expect_success 'front matter nested deeper than 64 levels: file:line error' '
	mkdir -p fm/content &&
	gen fm/content/deep.md "\"---\\ntitle: x\\na: \" + \"[\" * 100 + \"]\" * 100 + \"\\n---\\nbody\\n\"" &&
	expect_exit 1 nfsite build -q --source fm --dest out &&
	grep_q "fm/content/deep.md:3: error: front matter nested deeper than 64 levels" err &&
	! test -e out
'
test_expect_success 'YAML anchors and aliases are refused (no billion laughs)' '
	mkdir -p fm2/content &&
	printf -- "---\ntitle: x\na: &a [1, 2]\nb: [*a, *a, *a]\n---\nbody\n" >fm2/content/lol.md &&
	expect_exit 1 nfsite build -q --source fm2 --dest out &&
	grep_q "fm2/content/lol.md:3: error: YAML anchors are not allowed in front matter" err
'
test_expect_success 'a content file over 64 MiB is refused with a clear error' '
	mkdir -p big/content &&
	{ printf -- "---\ntitle: big\n---\n"; yes "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde" | head -c 68000000; } >big/content/big.md &&
	expect_exit 1 nfsite build -q --source big --dest out &&
	grep_q "big/content/big.md: error: file larger than 64 MiB" err
'

# --- Markdown -----------------------------------------------------------------------
test_expect_success 'deeply nested Markdown builds: 50000 quotes, brackets, emphasis; 2000 list levels' '
	mkdir -p md/content &&
	gen md/content/quotes.md "\"---\\ntitle: q\\n---\\n\" + \">\" * 50000 + \" deep\\n\"" &&
	gen md/content/brackets.md "\"---\\ntitle: b\\n---\\n\" + \"[\" * 50000 + \"x\" + \"](https://example.org/)\" * 50000 + \"\\n\"" &&
	gen md/content/emph.md "\"---\\ntitle: e\\n---\\n\" + \"*_\" * 25000 + \"x\" + \"_*\" * 25000 + \"\\n\"" &&
	gen md/content/list.md "\"---\\ntitle: l\\n---\\n\" + \"\".join(\"  \" * i + \"- item\\n\" for i in range(2000))" &&
	nfsite build -q --source md --dest md-out &&
	grep_q "deep" md-out/quotes/index.html && test -s md-out/brackets/index.html &&
	test -s md-out/emph/index.html && grep_q "item" md-out/list/index.html
'

# --- templates ----------------------------------------------------------------------
test_expect_success 'template recursion: a partial including itself stops at depth 32' '
	mkdir -p tp/content tp/templates/partials &&
	printf -- "---\ntitle: t\n---\nbody\n" >tp/content/_index.md &&
	printf "<html>{* partial(\"me.html\") *}</html>\n" >tp/templates/home.html &&
	printf "x{* partial(\"me.html\") *}\n" >tp/templates/partials/me.html &&
	expect_exit 1 nfsite build -q --source tp --dest tp-out &&
	grep -q "templates nested deeper than 32" err && ! test -e tp-out
'
test_expect_success 'template recursion: mutually recursive partials stop too' '
	printf "a{* partial(\"b.html\") *}\n" >tp/templates/partials/me.html &&
	printf "b{* partial(\"me.html\") *}\n" >tp/templates/partials/b.html &&
	expect_exit 1 nfsite build -q --source tp --dest out &&
	grep -q "templates nested deeper than 32" err
'
test_expect_success 'template recursion: an extends loop is refused' '
	printf "{%% extends \"other.html\" %%}\n" >tp/templates/home.html &&
	printf "{%% extends \"home.html\" %%}\n" >tp/templates/other.html &&
	expect_exit 1 nfsite build -q --source tp --dest out &&
	grep -q "extends chain deeper than 32" err
'

# --- wikitext -----------------------------------------------------------------------
# mkwiki FILE, then TITLE<TAB>TEXT lines (template pages) on stdin.
mkwiki() {
	python3 -c '
import sys
from xml.sax.saxutils import escape
out = ["<mediawiki xmlns=\"http://www.mediawiki.org/xml/export-0.11/\" version=\"0.11\"><siteinfo><sitename>t</sitename>"
       "<namespaces><namespace key=\"0\" case=\"first-letter\" /><namespace key=\"10\" case=\"first-letter\">Template</namespace></namespaces></siteinfo>"]
for i, line in enumerate(l for l in sys.stdin.read().split("\n") if l):
    title, text = line.split("\t", 1)
    out.append("<page><title>%s</title><ns>10</ns><id>%d</id><revision><id>%d</id><timestamp>2020-01-01T00:00:00Z</timestamp>"
               "<contributor><username>U</username></contributor><text>%s</text></revision></page>" % (escape(title), i + 1, i + 1, escape(text)))
out.append("</mediawiki>")
open(sys.argv[1], "w").write("\n".join(out) + "\n")
' "$1"
}

test_expect_success 'wiki templates: self and mutual recursion are detected and reported' '
	printf "Template:Loop\ta{{Loop}}b\nTemplate:A\t{{B}}\nTemplate:B\t{{A}}\n" | mkwiki loops.xml &&
	echo "{{Loop}} and {{A}}" | nfsite wikitext --xml loops.xml >out.md 2>err &&
	grep_q "template loop {{Loop}}" err && grep_q "template loop {{A}}" err &&
	test "$(wc -c <out.md)" -lt 1000
'
test_expect_success 'wiki templates: exponential expansion (10^30 copies) hits the size limit' '
	python3 -c "
print(\"Template:L0\tlol\")
for i in range(1, 31): print(\"Template:L%d\t%s\" % (i, \"{{L%d}}\" % (i - 1) * 10))" | mkwiki lol.xml &&
	echo "{{L30}}" | nfsite wikitext --xml lol.xml >out.md 2>err &&
	grep_q "conversion hit a limit; the output is partial" err &&
	grep_q "limit: expansion size" err &&
	test "$(wc -c <out.md)" -lt 50000000
'
test_expect_success 'wikitext nesting: 5000 nested braces and list levels stop at the depth limit' '
	gen braces.wiki "\"{{\" * 5000 + \"x\" + \"}}\" * 5000 + \"\\n\"" &&
	nfsite wikitext <braces.wiki >out.md 2>err &&
	grep_q "limit: nesting depth" err &&
	gen lists.wiki "\"\".join(\"*\" * i + \" x\\n\" for i in range(1, 3000))" &&
	nfsite wikitext <lists.wiki >out.md 2>err &&
	grep_q "limit: list nesting" err
'
test_expect_success 'wikitext nesting: 5000 nested tables and links convert without a crash' '
	gen tables.wiki "\"{|\\n|\" * 5000 + \"x\" + \"\\n|}\" * 5000 + \"\\n\"" &&
	nfsite wikitext <tables.wiki >out.md 2>err &&
	gen links.wiki "\"[[\" * 5000 + \"x\" + \"]]\" * 5000 + \"\\n\"" &&
	nfsite wikitext <links.wiki >out.md 2>err && test -s out.md
'

# --- XML importers ------------------------------------------------------------------
laughs_dtd='<!ENTITY a0 "lol"><!ENTITY a1 "&a0;&a0;&a0;&a0;&a0;&a0;&a0;&a0;&a0;&a0;"><!ENTITY a2 "&a1;&a1;&a1;&a1;&a1;&a1;&a1;&a1;&a1;&a1;"><!ENTITY a3 "&a2;&a2;&a2;&a2;&a2;&a2;&a2;&a2;&a2;&a2;"><!ENTITY a4 "&a3;&a3;&a3;&a3;&a3;&a3;&a3;&a3;&a3;&a3;"><!ENTITY a5 "&a4;&a4;&a4;&a4;&a4;&a4;&a4;&a4;&a4;&a4;"><!ENTITY a6 "&a5;&a5;&a5;&a5;&a5;&a5;&a5;&a5;&a5;&a5;"><!ENTITY a7 "&a6;&a6;&a6;&a6;&a6;&a6;&a6;&a6;&a6;&a6;"><!ENTITY a8 "&a7;&a7;&a7;&a7;&a7;&a7;&a7;&a7;&a7;&a7;"><!ENTITY a9 "&a8;&a8;&a8;&a8;&a8;&a8;&a8;&a8;&a8;&a8;">'
mw_page() { # mw_page TITLE ID TEXT (TEXT is XML)
	printf '<page><title>%s</title><ns>0</ns><id>%s</id><revision><id>%s</id><timestamp>2020-01-01T00:00:00Z</timestamp><contributor><username>U</username></contributor><text xml:space="preserve">%s</text></revision></page>\n' "$1" "$2" "$2" "$3"
}
mw_head='<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11"><siteinfo><sitename>t</sitename></siteinfo>'

test_expect_success 'MediaWiki XML: a billion laughs is refused with file:line, nothing written' '
	{ printf "<?xml version=\"1.0\"?>\n<!DOCTYPE mediawiki [%s]>\n%s\n" "$laughs_dtd" "$mw_head"
	  mw_page Laughs 1 "before &a9; after"; echo "</mediawiki>"; } >laughs.xml &&
	mkdir mwl && cd mwl &&
	expect_exit 1 "$NFSITE" import mediawiki --xml ../laughs.xml &&
	grep -Eq "^\.\./laughs\.xml:[0-9]+: error: malformed XML export: .*entity" err &&
	! test -e content
'
test_expect_success 'MediaWiki XML: external entities are never read (no file, no network)' '
	{ printf "<?xml version=\"1.0\"?>\n<!DOCTYPE mediawiki [<!ENTITY ext SYSTEM \"file://%s/secret.txt\"><!ENTITY net SYSTEM \"http://127.0.0.1:9/x\"><!ENTITY small \"SMALLENTITY\">]>\n%s\n" "$TRASH" "$mw_head"
	  mw_page Ext 1 "x &ext; &net; &small; y &amp; z"; echo "</mediawiki>"; } >ext.xml &&
	echo "TOPSECRET" >secret.txt &&
	mkdir mwe && cd mwe && nfsite import mediawiki --xml ../ext.xml 2>err &&
	test -f content/wiki/ext.md && grep_q "y & z" content/wiki/ext.md &&
	! grep -r TOPSECRET . && ! grep -r SMALLENTITY .
'
test_expect_success 'MediaWiki XML: a page over 10 MB is refused (libxml2 text node limit), nothing written' '
	{ echo "$mw_head"; mw_page Small 1 hi
	  printf "<page><title>Huge</title><ns>0</ns><id>2</id><revision><id>2</id><timestamp>2020-01-01T00:00:00Z</timestamp><contributor><username>U</username></contributor><text>"
	  yes "word word word word word word word word word word word word word word word" | head -c 11000000
	  printf "</text></revision></page>\n</mediawiki>\n"; } >huge.xml &&
	mkdir mwh && cd mwh &&
	expect_exit 1 "$NFSITE" import mediawiki --xml ../huge.xml &&
	grep -Eq "^\.\./huge\.xml:[0-9]+: error: malformed XML export: .*huge text node" err &&
	! test -e content
'

bz_doc() { # bz_doc DTD TEXT
	printf '<?xml version="1.0"?>\n<!DOCTYPE bugzilla [%s]>\n<bugzilla version="5.0.4"><bug><bug_id>1</bug_id><creation_ts>2010-01-02 03:04:05 +0100</creation_ts><short_desc>%s</short_desc><delta_ts>2010-01-02 03:04:05 +0100</delta_ts><product>p</product><component>c</component><bug_status>NEW</bug_status><reporter name="R">r@example.org</reporter><assigned_to name="R">r@example.org</assigned_to></bug></bugzilla>\n' "$1" "$2"
}
test_expect_success 'Bugzilla XML: a billion laughs is refused with file:line, no archive' '
	bz_doc "$laughs_dtd" "x &a9; y" >laughs-bz.xml &&
	expect_exit 1 nfsite import bugzilla --xml laughs-bz.xml --out bz.sqlite &&
	grep -Eq "^laughs-bz\.xml:[0-9]+: error: malformed XML: " err && ! test -e bz.sqlite
'
test_expect_success 'Bugzilla XML: external entities are refused, never read' '
	echo "TOPSECRET" >secret.txt &&
	bz_doc "<!ENTITY ext SYSTEM \"file://$TRASH/secret.txt\">" "x &ext; y" >ext-bz.xml &&
	expect_exit 1 nfsite import bugzilla --xml ext-bz.xml --out bz.sqlite &&
	grep -Eq "^ext-bz\.xml:[0-9]+: error: malformed XML: " err && ! test -e bz.sqlite &&
	! grep -q TOPSECRET err
'

test_done
