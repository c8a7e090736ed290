#!/bin/sh
# The layer rules of generator/ (scripts/check-layers.sh, `make check-layers`): the real
# tree keeps them, and each kind of forbidden include or exit in a copy is caught.
. "$(dirname "$0")/lib.sh"

check() { "$ROOT/scripts/check-layers.sh" "$@"; }

test_expect_success 'the tree keeps its layers' '
	check "$ROOT/generator" >out 2>&1 || { cat out; false; }
'
# forbid FILE 'line to add' 'expected message': a copy of the tree with the line added
# fails, naming FILE and the line.
forbid() {
	rm -rf g && cp -r "$ROOT/generator" g &&
	printf "%s\n" "$2" >>"g/$1" && n=$(wc -l <"g/$1") &&
	{ ! check g >out 2>&1; } && cat out &&
	grep -q "^g/$1:$n: error: $3" out
}
test_expect_success 'base including site is refused' '
	forbid base/buf.c "#include \"site/content.h\"" "base may not include site/content.h"
'
test_expect_success 'site including an importer is refused' '
	forbid site/site.c "#include \"import/mediawiki/wiki.h\"" "site may not include import/mediawiki/wiki.h"
'
test_expect_success 'archive including site, wikitext including site, check including site are refused' '
	forbid archive/archive.c "#include \"site/markdown.h\"" "archive may not include" &&
	forbid wikitext/wikitext.c "#include \"site/markdown.h\"" "wikitext may not include" &&
	forbid check/links.c "#include \"site/site.h\"" "check may not include"
'
test_expect_success 'a reader including its command driver, or anyone but cmd the driver, is refused' '
	forbid import/mediawiki/xml.c "#include \"import/mediawiki/import.h\"" "import/mediawiki may not include import/mediawiki/import.h" &&
	forbid site/site.c "#include \"import/bugzilla/import.h\"" "site may not include"
'
test_expect_success 'a folder'"'"'s internal.h is private to it, even to a layer that may use the folder' '
	forbid import/mediawiki/pages.c "#include \"wikitext/internal.h\"" "wikitext/internal.h is private to its folder"
'
test_expect_success 'two modules that include each other (around a loop) are refused' '
	rm -rf g && cp -r "$ROOT/generator" g && printf "#include \"site/site.h\"\n" >>g/site/output.c &&
	{ ! check g >out 2>&1; } && cat out && grep -q "^g: error: modules include each other in a loop: .*site/output" out
'
test_expect_success 'ways around the rules are refused: <>, .., a reader including another layer, _Exit and errx' '
	forbid site/output.c "#include <import/mediawiki/wiki.h>" "include \"import/mediawiki/wiki.h\" with quotes" &&
	forbid base/fs.c "#include \"base/../site/site.h\"" "include \"base/../site/site.h\" must not use . or .." &&
	forbid import/mediawiki/xml.c "#include \"wikitext/wikitext.h\"" "import/mediawiki may not include wikitext/wikitext.h" &&
	rm -rf g && cp -r "$ROOT/generator" g && printf "void f(void) { _Exit(3); }\nvoid g(void) { errx(1, \"x\"); }\n" >>g/base/log.c &&
	{ ! check g >out 2>&1; } && test "$(grep -c "only cmd/ and main.c may end the process" out)" = 2
'
test_expect_success 'an include without its folder is refused' '
	forbid site/feeds.c "#include \"buf.h\"" "include \"buf.h\" must name its folder"
'
test_expect_success 'exit() outside cmd/ and main.c is refused; cmd may include anything' '
	rm -rf g && cp -r "$ROOT/generator" g && printf "void f(void) { exit(3); }\n" >>g/site/feeds.c &&
	{ ! check g >out 2>&1; } && grep -q "^g/site/feeds.c:[0-9]*: .*only cmd/ and main.c may end the process" out &&
	rm -rf g && cp -r "$ROOT/generator" g && printf "#include \"import/bugzilla/import.h\"\n" >>g/cmd/build.c &&
	check g
'
test_done
