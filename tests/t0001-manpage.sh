#!/bin/sh
# The man page, bash completion and `make install`: the man page documents exactly the
# options `nfsite help COMMAND` prints, so the two cannot drift.
. "$(dirname "$0")/lib.sh"
MAN=$ROOT/share/man/nfsite.1

# Option names in text: "--long" or "-x" after a space, "[", "(", "|" or at a line start.
opts() { sed 's/\\-/-/g' | grep -oE '(^|[][ (|,])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[][ (|,]//' | sort -u; }
# The roff text of one command's section: from ".SS NAME" to the next .SS or .SH.
man_section() { awk -v c="$1" '/^\.S[SH] /{on = ($0 == ".SS " c); next} on' "$MAN"; }

test_expect_success 'the man page has a section for every command' '
	nfsite --help | sed -n "s/^  \([a-z]\{1,\}\)  .*/\1/p" >cmds &&
	test -s cmds &&
	while read c; do grep -qx ".SS $c" "$MAN" || { echo "no section for $c"; exit 1; }; done <cmds &&
	grep "^\.SS " "$MAN" | cut -c5- | sort >man-cmds && sort cmds | test_cmp - man-cmds
'
test_expect_success 'each section lists exactly the options of nfsite help COMMAND' '
	test -s cmds &&
	while read c; do
		nfsite help "$c" | opts >help-$c &&
		man_section "$c" | opts >man-$c &&
		{ test -s man-$c || test "$c" = init || test "$c" = help; } &&
		test_cmp help-$c man-$c || exit 1
	done <cmds
'
test_expect_success 'the man page is valid roff (groff reports no warnings)' '
	command -v groff >/dev/null || { echo "groff missing (scripts/install-deps.sh test installs it)"; exit 1; } &&
	groff -man -Tutf8 -ww -z "$MAN" 2>warn && ! test -s warn || { cat warn; exit 1; }
'
test_expect_success 'bash completion completes commands and options' '
	command -v bash >/dev/null &&
	mkdir bin && ln -s "$NFSITE" bin/nfsite &&
	PATH=$PWD/bin:$PATH bash -c ". \"$ROOT/share/bash-completion/nfsite\"
		COMP_WORDS=(nfsite bu); COMP_CWORD=1; _nfsite; echo \"\${COMPREPLY[*]}\" >c1
		COMP_WORDS=(nfsite build --ba); COMP_CWORD=2; _nfsite; echo \"\${COMPREPLY[*]}\" >c2
		COMP_WORDS=(nfsite import bugzilla --api); COMP_CWORD=3; _nfsite; echo \"\${COMPREPLY[*]}\" >c3" &&
	echo build | test_cmp - c1 && echo --base-url | test_cmp - c2 && echo --api-key | test_cmp - c3
'
test_expect_success 'make install puts binary, man page and completion under DESTDIR; uninstall removes them' '
	make -s -C "$ROOT" O="${NFSITE_O:-build}" BIN="$NFSITE" PREFIX=/usr/local DESTDIR="$TRASH/root" install >log 2>&1 || { cat log; exit 1; } &&
	test -x root/usr/local/bin/nfsite &&
	root/usr/local/bin/nfsite --version | grep -q "^nfsite " &&
	test_cmp "$MAN" root/usr/local/share/man/man1/nfsite.1 &&
	test_cmp "$ROOT/share/bash-completion/nfsite" root/usr/local/share/bash-completion/completions/nfsite &&
	make -s -C "$ROOT" PREFIX=/usr/local DESTDIR="$TRASH/root" uninstall &&
	test -z "$(find root -type f)"
'
test_done
