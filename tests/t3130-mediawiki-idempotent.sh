#!/bin/sh
# Re-running an import: nothing is rewritten; pages edited by hand since (their
# import_hash no longer matches) are kept unless --force; source changes come through.
. "$(dirname "$0")/lib.sh"

MW=$FIX/mediawiki
cp "$MW/dump-full.xml" dump.xml
run() { nfsite import mediawiki --xml ../dump.xml --report report.json "$@" 2>err; }
field() { sqlite3 :memory: "SELECT json_extract(readfile('report.json'), '\$.$1')"; }
snapshot() { find content data -type f -exec stat -c "%i %y %n" {} + | sort; }

mkdir site
test_expect_success 'first run creates every page' '
	cd site && run && test "$(field created)" = 31 && test "$(field written)" = 31
'
test_expect_success 'second run rewrites nothing: same inodes and times, all unchanged' '
	cd site && snapshot >../before && run && snapshot >../after &&
	test_cmp ../before ../after &&
	test "$(field unchanged)" = 31 && test "$(field created)" = 0 && test "$(field changed)" = 0 &&
	test "$(field written)" = 31 && test "$(field redirected)" = 6 && test "$(field skipped)" = 7
'
test_expect_success 'a page edited by hand is kept and listed' '
	cd site && f=content/wiki/conntrack-tools.md &&
	echo "A note added by hand." >>$f && cp $f ../edited &&
	run && cmp $f ../edited &&
	test "$(field kept_edited)" = 1 &&
	sqlite3 :memory: "SELECT value FROM json_each(readfile(\"report.json\"), \"\$.kept_because_edited\")" >got &&
	echo Conntrack-tools >want && test_cmp want got &&
	grep_q "kept Conntrack-tools: edited by hand" err &&
	test "$(field written)" = 31
'
test_expect_success 'an edit to the front matter alone counts as an edit too' '
	cd site && f=content/wiki/json-api.md &&
	sed -i "s/^tags: \\[\\]/tags: [\"json\"]/; s/^revisions: .*/revisions: 99/" $f && cp $f ../edited2 &&
	run && cmp $f ../edited2 && test "$(field kept_edited)" = 2
'
test_expect_success 'a hand-written file without import_hash is never overwritten' '
	cd site && printf -- "---\ntitle: Mine\n---\nhand written\n" >content/wiki/ulogd2.md &&
	run && grep_q "hand written" content/wiki/ulogd2.md && test "$(field kept_edited)" = 3
'
test_expect_success '--force overwrites edited pages' '
	cd site && run --force &&
	grep_not -q "A note added by hand." content/wiki/conntrack-tools.md &&
	grep_not -q "hand written" content/wiki/ulogd2.md &&
	test "$(field changed)" = 3 && test "$(field kept_edited)" = 0
'
test_expect_success 'after --force, a plain run is unchanged again' '
	cd site && run && test "$(field unchanged)" = 31
'
test_expect_success 'a change in the source rewrites only that page' '
	cd site && snapshot >../before &&
	python3 - ../dump.xml <<-\PY
	import sys
	p = sys.argv[1]
	s = open(p, encoding="utf-8").read()
	marker = "<title>SYN flood mitigation</title>"
	i = s.index(marker)
	j = s.rindex("</text>", i, s.index("</page>", i))
	s = s[:j] + "\nAn added line." + s[j:]
	open(p, "w", encoding="utf-8").write(s)
	PY
	run && test "$(field changed)" = 1 && test "$(field unchanged)" = 30 &&
	grep_q "An added line." content/wiki/syn-flood-mitigation.md &&
	snapshot >../after && diff ../before ../after | grep "^>" >changed &&
	test "$(wc -l <changed)" = 1 && grep_q syn-flood-mitigation.md changed
'
test_done
