#!/bin/sh
# Bad input: each case reports one clear file:line error, exits 1 and leaves the previous
# output exactly as it was.
. "$(dirname "$0")/lib.sh"

good_site() {
	rm -rf site out snap && mkdir -p site/content/docs site/templates
	site_page site/content/_index.md 'title: Home' 'Hello.'
	site_page site/content/docs/a.md 'title: A' '## Part one

Text.'
	nfsite build -q --source site --dest out && cp -r out snap
}

# bad_case 'description' 'commands that break the site' 'expected stderr (grep -E)'
bad_case() {
	BAD_SETUP=$2 BAD_PATTERN=$3
	test_expect_success "$1" '
		good_site && eval "$BAD_SETUP" &&
		expect_exit 1 "$NFSITE" build -q --source site --dest out &&
		{ grep -Eq -- "$BAD_PATTERN" err || { echo "stderr was:"; cat err; exit 1; }; } &&
		diff -r snap out
	'
}

bad_case 'unclosed front matter' \
	'printf -- "---\ntitle: x\nno end\n" >site/content/b.md' \
	'site/content/b.md:1: error: unclosed front matter'
bad_case 'invalid YAML' \
	'printf -- "---\ntitle: [oops\n---\nx\n" >site/content/b.md' \
	'site/content/b.md:[23]: error: invalid YAML'
bad_case 'a front matter value of the wrong type' \
	'printf -- "---\ntitle: T\nweight: heavy\n---\nx\n" >site/content/b.md' \
	"site/content/b.md:3: error: front matter 'weight' must be an integer, not a string"
bad_case 'a date that is not a date' \
	'printf -- "---\ntitle: T\ndate: yesterday\n---\nx\n" >site/content/b.md' \
	"site/content/b.md:3: error: front matter 'date' must be a date"
bad_case 'a date with garbage where its time goes (it reached atom.xml)' \
	'printf -- "---\ntitle: T\ndate: 2024-05-01\nupdated: 2024-05-01Tgarbage\n---\nx\n" >site/content/news.md' \
	"site/content/news.md:4: error: front matter 'updated' must be a date .*not '2024-05-01Tgarbage': the time must be written HH:MM or HH:MM:SS"
bad_case 'February 29th of a year that is not a leap year' \
	'printf -- "---\ntitle: T\ndate: 2023-02-29\n---\nx\n" >site/content/b.md' \
	"site/content/b.md:3: error: front matter 'date' must be a date .*not '2023-02-29': there is no such day"
bad_case 'an hour past 23' \
	'printf -- "---\ntitle: T\ndate: 2024-05-01T24:00:00Z\n---\nx\n" >site/content/b.md' \
	"site/content/b.md:3: error: front matter 'date' must be a date .*: there is no such time of day"
bad_case 'an offset without its colon' \
	'printf -- "---\ntitle: T\ndate: 2024-05-01T10:00:00+0200\n---\nx\n" >site/content/b.md' \
	"site/content/b.md:3: error: front matter 'date' must be a date .*: the offset must be Z or \\+HH:MM or -HH:MM"
bad_case 'non-UTF-8 bytes' \
	'printf -- "---\ntitle: T\n---\nline\nbad \\377 byte\n" >site/content/b.md' \
	'site/content/b.md:5: error: invalid UTF-8'
bad_case 'an unknown template name' \
	'printf -- "---\ntitle: T\ntemplate: nosuch.html\n---\nx\n" >site/content/b.md' \
	"site/content/b.md:3: error: unknown template 'nosuch.html'"
bad_case 'a Lua syntax error in a template' \
	'printf "<p>\n{%% if then %%}\n</p>\n" >site/templates/page.html' \
	'site/templates/page.html:2: error: .*unexpected symbol'
bad_case 'a Lua runtime error in a template' \
	'printf "<p>\n\n{{ page.nothing.here }}\n</p>\n" >site/templates/page.html' \
	"site/templates/page.html:3: error: attempt to index a nil value"
bad_case 'an unbalanced block in a template' \
	'printf "{%% block main %%}\n<p>x</p>\n" >site/templates/page.html' \
	'site/templates/page.html:3: error: block without endblock'
bad_case 'a Lua syntax error in site.lua' \
	'printf "return {\n  title = \"x\"\n  base_url = 1,\n}\n" >site/site.lua' \
	'site/site.lua:3: error: .*expected'
bad_case 'a Lua runtime error in site.lua' \
	'printf "local t = nil\n\nreturn { title = t.x }\n" >site/site.lua' \
	'site/site.lua:3: error: attempt to index a nil value'
bad_case 'a wrongly typed value in site.lua' \
	'printf "return {\n  title = \"x\",\n  base_url = 42,\n}\n" >site/site.lua' \
	"site/site.lua:3: error: 'base_url' must be a string"
bad_case 'a base_url that is a path, not an absolute URL' \
	'printf "return {\n  title = \"x\",\n  base_url = \"/sub\",\n}\n" >site/site.lua' \
	"site/site.lua:3: error: base_url '/sub' must be an absolute http\(s\) URL with a host"
bad_case 'a base_url without a scheme' \
	'printf "return {\n  title = \"x\",\n\n  base_url = \"example.org/sub/\",\n}\n" >site/site.lua' \
	"site/site.lua:4: error: base_url 'example.org/sub/' must be an absolute http\(s\) URL with a host"
test_expect_success '--base-url must be an absolute http(s) URL with a host (a usage error)' '
	good_site &&
	for u in example.org/sub/ /sub ftp://example.org/ https:///sub/ "https://example.org/a b/"; do
		expect_exit 2 "$NFSITE" build -q --base-url "$u" --source site --dest out &&
		grep -q "^nfsite build: --base-url wants an absolute http(s) URL with a host, like https://example.org/, not .$u.$" err ||
			{ cat err; exit 1; }
	done &&
	expect_exit 2 "$NFSITE" check --dest out --base-url /sub &&
	grep -q "^nfsite check: --base-url wants an absolute http(s) URL" err &&
	diff -r snap out
'
bad_case 'a runtime error in a site.lua hook' \
	'printf "return {\n  hooks = { page = function(p)\n    error(\"hook broke\")\n  end },\n}\n" >site/site.lua' \
	'site/site.lua:3: error: hook broke'
bad_case 'error() with a table in site.lua' \
	'printf "local t = {}\nerror({})\nreturn t\n" >site/site.lua' \
	'^site/site.lua:2: error: error\(\) was given a table value, not a message string$'
bad_case 'error() with a table in a hook' \
	'printf "return {\n  hooks = { page = function(p)\n    error({ code = 1 })\n  end },\n}\n" >site/site.lua' \
	'^site/site.lua:3: error: error\(\) was given a table value, not a message string \(rendering [^ ]+\)$'
bad_case 'a hook that is not a function' \
	'printf "return {\n  title = \"x\",\n  hooks = {\n    page = 5,\n  },\n}\n" >site/site.lua' \
	'^site/site.lua:4: error: hooks.page must be a function, not a number$'
bad_case 'a misspelt hook' \
	'printf "return {\n  hooks = {\n    pgae = function(p) end,\n  },\n}\n" >site/site.lua' \
	"^site/site.lua:2: error: unknown hook 'pgae'"
bad_case 'a missing partial names the template line' \
	'printf "<p>\n{* partial(\"nope.html\") *}\n</p>\n" >site/templates/page.html' \
	"^site/templates/page.html:2: error: unknown partial 'nope.html' .*\(rendering site/content/docs/a.md\)$"
bad_case 'a missing extends target names the template line' \
	'printf "\n{%% extends \"nope.html\" %%}\n" >site/templates/page.html' \
	"^site/templates/page.html:2: error: extends unknown template 'nope.html'"
bad_case 'an extends cycle names the template line that closes it' \
	'printf "{%% extends \"b.html\" %%}\n" >site/templates/page.html && printf "\n\n{%% extends \"page.html\" %%}\n" >site/templates/b.html' \
	'^site/templates/b.html:3: error: extends cycle: page.html → b.html → page.html'
test_expect_success 'a failing hook or template is reported once, naming a page, not once per page' '
	good_site && for i in $(seq 1 40); do site_page site/content/docs/p$i.md "title: P$i" "x"; done &&
	nfsite build -q --source site --dest out && rm -rf snap && cp -r out snap &&
	printf "return {\n  hooks = { page = function(p)\n    error(\"hook broke\")\n  end },\n}\n" >site/site.lua &&
	expect_exit 1 "$NFSITE" build -q --jobs 4 --source site --dest out &&
	cat err && test "$(grep -c "hook broke" err)" = 1 &&
	grep -Eq "^site/site.lua:3: error: hook broke \(rendering (site/content/.*\.md|/.*)\)$" err &&
	rm site/site.lua && printf "<p>\n{{ page.x.y }}\n</p>\n" >site/templates/page.html &&
	expect_exit 1 "$NFSITE" build -q --jobs 4 --source site --dest out &&
	cat err && test "$(grep -c "error:" err)" = 1 &&
	grep -Eq "^site/templates/page.html:2: error: attempt to index a nil value .*\(rendering site/content/docs/.*\.md\)$" err &&
	diff -r snap out
'
bad_case 'two pages mapping to one URL' \
	'mkdir -p site/content/docs/a && printf -- "---\ntitle: B\n---\nx\n" >site/content/docs/a/index.md' \
	'site/content/docs/a(/index)?.md: error: URL /docs/a/ is already taken by site/content/docs/a(/index)?.md'
bad_case 'an alias escaping the output folder' \
	'printf -- "---\ntitle: T\naliases: [/../../etc/evil/]\n---\nx\n" >site/content/b.md' \
	"site/content/b.md:3: error: alias '/../../etc/evil/' must be a URL path inside the site"
test_expect_success 'aliases a server configuration or a URL would misread: one error each, at its line' '
	good_site &&
	cat >site/content/b.md <<-\EOF &&
	---
	title: T
	aliases:
	  - /fine/old/
	  - "/a b/"
	  - "/x;y/"
	  - "/q?x=1"
	  - "/h#f"
	  - "/quo\"te/"
	  - "/back\\slash/"
	  - rel/path/
	  - /a/./b/
	  - "/ctl\x01x/"
	  - "/new\nline/"
	---
	x
	EOF
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	cat err && test "$(grep -c "error: alias" err)" = 10 &&
	for l in 5 6 7 8 9 10 11 12 13 14; do
		grep -q "^site/content/b.md:$l: error: alias .* must be a URL path inside the site" err ||
			{ echo "no error at line $l"; exit 1; }
	done &&
	grep -q "^site/content/b.md:13: error: alias .\/ctl?x\/. .*: no control characters$" err &&
	diff -r snap out
'
bad_case 'a slug escaping the output folder' \
	'printf -- "---\ntitle: T\nslug: ../../evil\n---\nx\n" >site/content/b.md' \
	"site/content/b.md:3: error: slug '../../evil' is not a single safe path component"
bad_case 'a broken internal link' \
	'printf -- "---\ntitle: T\n---\n\nsee [x](nope.md)\n" >site/content/b.md' \
	"site/content/b.md:5: error: broken link 'nope.md'"
bad_case 'a broken anchor in another page' \
	'printf -- "---\ntitle: T\n---\n\n\nsee [x](docs/a.md#part-two)\n" >site/content/b.md' \
	"site/content/b.md:6: error: broken link 'docs/a.md#part-two'"
bad_case 'a symlink pointing out of the site' \
	'ln -s /etc/passwd site/content/passwd.md' \
	'site/content/passwd.md: error: symbolic link points outside the site folder'
if [ "$(id -u)" != 0 ]; then
	bad_case 'an unreadable file' \
		'printf -- "---\ntitle: T\n---\nx\n" >site/content/b.md && chmod 000 site/content/b.md' \
		'site/content/b.md: error: cannot read'
else
	bad_case 'an unreadable file (root reads everything: a dangling link stands in)' \
		'ln -s no-such-file.md site/content/b.md' \
		'site/content/b.md: error: symbolic link points outside the site folder \(or nowhere\)'
fi
test_expect_success 'an empty content folder' '
	rm -rf site out && mkdir -p site/content &&
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	grep -q "site/content: error: no pages" err && test ! -e out
'
test_expect_success 'a missing source folder' '
	rm -rf out && expect_exit 1 "$NFSITE" build -q --source no-such-site --dest out &&
	grep -q "no-such-site: error: site folder does not exist" err && test ! -e out
'
bad_case 'two sources writing the same output file' \
	'mkdir -p site/static/docs/a && echo "<p>x</p>" >site/static/docs/a/index.html' \
	"error: output 'docs/a/index.html' is also written by"
bad_case 'two pages whose names differ only in case' \
	'printf -- "---\ntitle: A2\n---\nx\n" >site/content/docs/A.md' \
	"site/content/docs/a.md: error: output 'docs/a/index.html' differs from 'docs/A/index.html' \(written by site/content/docs/A.md\) only in case"
bad_case 'a page and a static file whose names differ only in case' \
	'mkdir -p site/static/Docs/a && echo "<p>x</p>" >site/static/Docs/a/index.html' \
	"error: output 'docs/a/index.html' differs from 'Docs/a/index.html' \(written by site/static/Docs/a/index.html\)"
bad_case 'two pages named in NFC and NFD forms of one name' \
	'printf -- "---\ntitle: C1\n---\nx\n" >"site/content/caf$(printf "\303\251").md" &&
	 printf -- "---\ntitle: C2\n---\nx\n" >"site/content/cafe$(printf "\314\201").md"' \
	"site/content/caf.*\.md: error: output 'caf.*/index.html' differs from 'caf.*/index.html' \(written by site/content/caf.*\.md\) only in case or Unicode normalisation"
bad_case 'a content file name that is not valid UTF-8' \
	'printf -- "---\ntitle: B\n---\nx\n" >"site/content/bad$(printf "\377")name.md"' \
	"site/content/bad.*name.md: error: file name is not valid UTF-8"
test_expect_success 'the same clash into an empty folder: nothing is left behind' '
	good_site && mkdir -p site/static/docs/a && echo "<p>x</p>" >site/static/docs/a/index.html &&
	rm -rf fresh && expect_exit 1 "$NFSITE" build -q --source site --dest fresh &&
	grep -q "is also written by" err && test ! -e fresh
'
test_expect_success 'every error is one line naming the file' '
	good_site && printf -- "---\ntitle: [oops\n---\nx\n" >site/content/b.md &&
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	test "$(grep -c "error:" err)" = 1
'
test_expect_success 'many bad files among 300 (read on several threads): one error each, in file order' '
	good_site && i=0 &&
	while [ $i -lt 300 ]; do
		n=$(printf %03d $i) &&
		case $i in
		7|150|299) printf -- "---\ntitle: [oops\n---\nx\n" >site/content/docs/p$n.md ;;
		*) site_page site/content/docs/p$n.md "title: P$n" "Page $n." ;;
		esac &&
		i=$((i + 1)) || return 1
	done &&
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	grep "error:" err | cut -d: -f1 >got &&
	printf "%s\n" site/content/docs/p007.md site/content/docs/p150.md site/content/docs/p299.md >want &&
	test_cmp want got && diff -r snap out
'
test_expect_success 'a near miss of a front matter key warns with a suggestion; other keys pass' '
	rm -rf typo && mkdir -p typo/content &&
	printf -- "---\ntitle: T\nwieght: 2\nauthor: me\n---\nx\n" >typo/content/a.md &&
	nfsite build --source typo --dest typo/out 2>err &&
	grep_q "typo/content/a.md:3: warning: unknown key '"'"'wieght'"'"' (did you mean '"'"'weight'"'"'?)" err &&
	! grep -q author err
'
test_expect_success 'a near miss of a site.lua key warns with a suggestion' '
	printf "return {\n  titel = \"x\",\n  basurl = \"https://example.org/\",\n  my_own = 1,\n}\n" >typo/site.lua &&
	nfsite build --source typo --dest typo/out 2>err &&
	grep_q "typo/site.lua:2: warning: unknown key '"'"'titel'"'"' (did you mean '"'"'title'"'"'?)" err &&
	grep_q "typo/site.lua:3: warning: unknown key '"'"'basurl'"'"' (did you mean '"'"'base_url'"'"'?)" err &&
	! grep -q my_own err
'
test_expect_success 'every front matter error of a build is reported in one run' '
	rm -rf many && mkdir -p many/content &&
	printf -- "---\ntitle: [a\n---\nx\n" >many/content/a.md &&
	printf -- "---\nweight: abc\n---\nx\n" >many/content/b.md &&
	printf -- "---\ndate: someday\n---\nx\n" >many/content/c.md &&
	printf -- "---\ndraft: maybe\n---\nx\n" >many/content/d.md &&
	expect_exit 1 "$NFSITE" build --source many --dest many/out &&
	for f in a b c d; do grep -q "^many/content/$f.md:[0-9]*: error:" err || { echo "no error for $f"; exit 1; }; done
'
test_done
