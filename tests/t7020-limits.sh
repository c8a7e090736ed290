#!/bin/sh
# Resource limits on hostile input, reader by reader: nesting depth (front matter,
# Markdown, wikitext), template recursion (site templates and wiki templates), maximum
# sizes (content files checked before reading, assets streamed, wiki pages), special
# files (FIFOs, sockets), the Lua instruction budget, table width, XML entity expansion
# (billion laughs, external entities) in both XML importers. Each limit is a clear error
# or a bounded result, never a crash, a hang, or a file read from outside the input.
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
test_expect_success 'the size is checked before reading: a sparse 3 GiB page under a 2 GB memory limit' '
	mkdir -p sparse/content && truncate -s 3G sparse/content/huge.md &&
	(ulimit -v 2000000 && expect_exit 1 "$NFSITE" build -q --jobs 2 --source sparse --dest out) &&
	grep_q "sparse/content/huge.md: error: file larger than 64 MiB" err
'
# maxrss KB-VAR COMMAND...: runs the command, and sets the variable to its peak memory.
maxrss() {
	maxrss_var=$1
	shift
	maxrss_kb=$(python3 -c "import resource, subprocess, sys
sys.exit(subprocess.call(sys.argv[1:]) or print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))" "$@") &&
	eval "$maxrss_var=\$maxrss_kb"
}
test_expect_success 'a 150 MB asset is copied in under 100 MB of memory (streamed, never loaded whole)' '
	mkdir -p asset/content asset/static && site_page asset/content/_index.md "title: H" "x" &&
	head -c 1000 /dev/urandom >asset/content/blob.bin && truncate -s 150M asset/content/blob.bin &&
	cp asset/content/blob.bin asset/static/big.bin &&
	maxrss kb "$NFSITE" build -q --source asset --dest asset-out && echo "peak $kb KB" && test "$kb" -lt 100000 &&
	cmp asset/content/blob.bin asset-out/blob.bin && cmp asset/static/big.bin asset-out/big.bin &&
	printf x >>asset/content/blob.bin &&
	maxrss kb "$NFSITE" build -q --source asset --dest asset-out && echo "peak $kb KB" && test "$kb" -lt 100000 &&
	cmp asset/content/blob.bin asset-out/blob.bin
'

# --- special files --------------------------------------------------------------------
test_expect_success 'FIFOs and sockets in content/, faq/, static/ and templates/ are skipped with a warning, no hang' '
	mkdir -p sp/content/docs sp/faq sp/static sp/templates &&
	site_page sp/content/_index.md "title: H" "home" &&
	mkfifo sp/content/docs/pipe.md sp/content/pipe.png sp/faq/pipe.md sp/static/pipe.css sp/templates/pipe.html &&
	ln -s pipe.md sp/content/docs/link.md &&
	python3 -c "import socket; socket.socket(socket.AF_UNIX).bind(\"sp/static/sock\")" &&
	timeout 60 "$NFSITE" build -q --source sp --dest sp-out 2>err &&
	for f in content/docs/pipe.md content/pipe.png faq/pipe.md static/pipe.css templates/pipe.html content/docs/link.md; do
		grep_q "sp/$f: warning: a FIFO, not a regular file; skipped" err || exit 1
	done &&
	grep_q "sp/static/sock: warning: a socket, not a regular file; skipped" err &&
	test -f sp-out/index.html && ! test -e sp-out/pipe.css && ! test -e sp-out/docs/pipe/index.html
'
test_expect_success 'a FIFO named as site.lua or as a template is an error, not a hang' '
	rm sp/templates/pipe.html && mkfifo sp/templates/home.html &&
	expect_exit 1 timeout 60 "$NFSITE" build -q --source sp --dest sp-out &&
	grep_q "sp/templates/home.html: error: a FIFO, not a regular file; refusing to read it" err &&
	rm sp/templates/home.html && mkfifo sp/site.lua &&
	expect_exit 1 timeout 60 "$NFSITE" build -q --source sp --dest sp-out &&
	grep_q "sp/site.lua: error: a FIFO, not a regular file; refusing to read it" err
'
test_expect_success 'a FIFO as the bug archive or as an importer'"'"'s database is an error, not a hang' '
	rm sp/site.lua && mkdir -p sp/data && mkfifo sp/data/bugzilla.sqlite &&
	expect_exit 1 timeout 60 "$NFSITE" build -q --source sp --dest sp-out &&
	grep_q "sp/data/bugzilla.sqlite: error: cannot open the bug archive: a FIFO, not a regular file" err &&
	rm sp/data/bugzilla.sqlite && mkfifo bz.fifo &&
	expect_exit 1 timeout 60 "$NFSITE" import bugzilla --db bz.fifo --out bz-out.sqlite &&
	grep_q "bz.fifo: error: cannot open the database: a FIFO, not a regular file" err &&
	mkdir bz.dir && expect_exit 1 timeout 60 "$NFSITE" import bugzilla --db bz.dir --out bz-out.sqlite &&
	grep_q "bz.dir: error: cannot open the database: a folder, not a regular file" err
'

# --- Lua budget -----------------------------------------------------------------------
test_expect_success 'an endless hook stops at the instruction budget: file:line, once, in seconds' '
	mkdir -p lua/content && site_page lua/content/_index.md "title: H" "home" &&
	for i in 1 2 3 4 5 6 7 8; do site_page lua/content/p$i.md "title: P$i" "x"; done &&
	printf "return {\n  hooks = {\n    page = function(p) while true do end end,\n  },\n}\n" >lua/site.lua &&
	expect_exit 1 timeout 60 "$NFSITE" build -q --source lua --dest lua-out &&
	grep -Eq "^lua/site.lua:3: error: instruction budget exceeded .*\(rendering " err &&
	test "$(grep -c "instruction budget" err)" = 1
'
test_expect_success 'an endless loop in site.lua itself or in a template stops too' '
	printf "while true do end\nreturn {}\n" >lua/site.lua &&
	expect_exit 1 timeout 60 "$NFSITE" build -q --source lua --dest lua-out &&
	grep_q "lua/site.lua:1: error: instruction budget exceeded" err &&
	rm lua/site.lua && mkdir -p lua/templates &&
	printf "<p>\n{%% while true do end %%}\n</p>\n" >lua/templates/page.html &&
	expect_exit 1 timeout 60 "$NFSITE" build -q --source lua --dest lua-out &&
	grep_q "lua/templates/page.html:2: error: instruction budget exceeded" err
'

# --- GFM tables -----------------------------------------------------------------------
# table FILE HEAD-CELLS BODY-CELLS ROWS [PREFIX]: a page whose line 6 is a table's header
# row (after PREFIX), with HEAD-CELLS columns and ROWS rows of BODY-CELLS cells.
table() {
	python3 -c "import sys
h, b, rows, pre = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
with open(sys.argv[1], \"w\") as f:
    f.write(\"---\\ntitle: w\\n---\\ntext\\n\\n\" + pre + \"|a\" * h + \"|\\n\" + pre + \"|-\" * h + \"|\\n\")
    f.write((pre + \"|b\" * b + \"|\\n\") * rows)" "$1" "$2" "$3" "$4" "${5:-}"
}
test_expect_success 'a table row wider than 1000 cells is refused before cmark-gfm parses it (20 s before)' '
	mkdir -p tbl/content && site_page tbl/content/_index.md "title: H" "home" &&
	table tbl/content/wide.md 2 20000 20 &&
	expect_exit 1 timeout 10 "$NFSITE" build -q --source tbl --dest tbl-out &&
	grep_q "tbl/content/wide.md:8: error: table row of 20000 cells; tables are limited to 1000 columns" err &&
	table tbl/content/wide.md 1001 1 1 "> 1. " &&
	expect_exit 1 timeout 10 "$NFSITE" build -q --source tbl --dest tbl-out &&
	grep_q "tbl/content/wide.md:6: error: table row of 1001 cells" err
'
test_expect_success 'a table of 1000 columns still builds' '
	table tbl/content/wide.md 1000 1000 5 &&
	nfsite build -q --source tbl --dest tbl-out &&
	test "$(grep -o "<td>b</td>" tbl-out/wide/index.html | wc -l)" = 5000
'
# cmark-gfm's time grows with a page's cells too: 2,000 rows of 200 took 6 s.
test_expect_success 'a page whose tables pass 100,000 cells is refused before cmark-gfm parses it' '
	table tbl/content/wide.md 200 200 2000 &&
	expect_exit 1 timeout 10 "$NFSITE" build -q --source tbl --dest tbl-out &&
	grep_q "tbl/content/wide.md:506: error: tables reach 100200 cells at this row; a page'"'"'s tables are limited to 100000 cells" err &&
	table tbl/content/two.md 10 10 9990 &&
	python3 -c "print(\"\\n\" + \"|x\" * 50 + \"|\\n\" + \"|-\" * 50 + \"|\")" >>tbl/content/two.md &&
	rm tbl/content/wide.md && expect_exit 1 timeout 10 "$NFSITE" build -q --source tbl --dest tbl-out &&
	grep_q "tbl/content/two.md:10000: error: tables reach 100020 cells at this row" err
'
test_expect_success 'a page of tables of 100,000 cells still builds' '
	rm tbl/content/two.md && table tbl/content/wide.md 10 10 9998 &&
	nfsite build -q --source tbl --dest tbl-out &&
	test "$(grep -o "<td>b</td>" tbl-out/wide/index.html | wc -l)" = 99980
'

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
	grep -q "tp/templates/other.html:1: error: extends cycle: home.html → other.html → home.html" err
'
test_expect_success 'template recursion: an extends chain deeper than 32 is refused' '
	for i in $(seq 0 40); do printf "{%% extends \"c$((i + 1)).html\" %%}\n" >tp/templates/c$i.html; done &&
	printf "{%% extends \"c0.html\" %%}\n" >tp/templates/home.html &&
	expect_exit 1 nfsite build -q --source tp --dest out &&
	grep -q "tp/templates/c31.html:1: error: extends chain deeper than 32" err
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
	expect_exit 1 "$NFSITE" import mediawiki --old-url-prefix https://wiki.example.org/w --xml ../laughs.xml &&
	grep -Eq "^\.\./laughs\.xml:[0-9]+: error: malformed XML export: .*entity" err &&
	! test -e content
'
test_expect_success 'MediaWiki XML: external entities are never read (no file, no network)' '
	{ printf "<?xml version=\"1.0\"?>\n<!DOCTYPE mediawiki [<!ENTITY ext SYSTEM \"file://%s/secret.txt\"><!ENTITY net SYSTEM \"http://127.0.0.1:9/x\"><!ENTITY small \"SMALLENTITY\">]>\n%s\n" "$TRASH" "$mw_head"
	  mw_page Ext 1 "x &ext; &net; &small; y &amp; z"; echo "</mediawiki>"; } >ext.xml &&
	echo "TOPSECRET" >secret.txt &&
	mkdir mwe && cd mwe && nfsite import mediawiki --old-url-prefix https://wiki.example.org/w --xml ../ext.xml 2>err &&
	test -f content/wiki/ext.md && grep_q "y & z" content/wiki/ext.md &&
	grep_not -r TOPSECRET . && grep_not -r SMALLENTITY .
'
test_expect_success 'MediaWiki XML: a page over 10 MB is refused (libxml2 text node limit), nothing written' '
	{ echo "$mw_head"; mw_page Small 1 hi
	  printf "<page><title>Huge</title><ns>0</ns><id>2</id><revision><id>2</id><timestamp>2020-01-01T00:00:00Z</timestamp><contributor><username>U</username></contributor><text>"
	  yes "word word word word word word word word word word word word word word word" | head -c 11000000
	  printf "</text></revision></page>\n</mediawiki>\n"; } >huge.xml &&
	mkdir mwh && cd mwh &&
	expect_exit 1 "$NFSITE" import mediawiki --old-url-prefix https://wiki.example.org/w --xml ../huge.xml &&
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
	grep_not -q TOPSECRET err
'

test_done
