#!/bin/sh
# check-layers: the dependency rules of generator/ (docs/ARCHITECTURE.md), read from the
# #include lines. Prints file:line: error for each forbidden include and exits 1.
#   base     includes only base
#   archive  base                      wikitext  base
#   site     base, archive             check     base
#   serve    base, site                import/X  base, its own folder (+ wikitext for mediawiki)
#   cmd      anything                  main.c    cmd, base
# Inside import/X the readers (db, xml, api, rest) include only their folder's staging
# model and base, and import/X/import.h (the command's driver) is included only by cmd/.
# A folder's internal.h is private to that folder. No two modules include each other,
# directly or around a loop. Only cmd/ and main.c end the process
# (exit) or print usage.
root=${1:-generator}
[ -d "$root" ] || { echo "check-layers: no folder $root" >&2; exit 2; }
cd "$root" || exit 2
find . -name '*.[ch]' | sed 's|^\./||' | sort | while read -r f; do
	grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' "$f" | sed "s|^|$f:|"
done | awk -F: -v root="$root" -v folders=" $(find . -mindepth 1 -maxdepth 1 -type d | sed 's|^\./||' | tr '\n' ' ')" '
function layer(p,   n, a) {
	n = split(p, a, "/")
	if (n == 1) return p == "main.c" ? "main" : "top"
	if (a[1] == "import") return "import/" a[2]
	return a[1]
}
function allowed(from, to, file, inc,   base) {
	if (from ~ /^import\// && file ~ /\/(db|xml|api|rest)\.c$/) {
		base = inc; sub(/.*\//, "", base)
		return to == "base" || (from == to && (base == "wiki.h" || base == "stage.h" || inc == file_header(file)))
	}
	if (from == "cmd") return 1
	if (to == "base") return 1
	if (from == "main") return to == "cmd"
	if (from == to) return 1
	if (to ~ /^import\// && inc ~ /\/import\.h$/) return 0
	if (from == "site") return to == "archive"
	if (from == "serve") return to == "site"
	if (from == "import/mediawiki") return to == "wikitext"
	if (from == "import/bugzilla") return to == "archive"
	return 0
}
function file_header(file) { sub(/\.c$/, ".h", file); return file }
{
	file = $1; line = $2; rest = $0; sub(/^[^:]*:[^:]*:/, "", rest)
	inc = rest; sub(/^[^"<]*["<]/, "", inc); sub(/[">].*$/, "", inc)
	angled = rest ~ /^[^"<]*</
	first = inc; sub(/\/.*/, "", first)
	if (angled && index(folders, " " first " ") == 0) next   # a system header
	if (angled) { printf "%s/%s:%s: error: include \"%s\" with quotes, not <>\n", root, file, line, inc; bad = 1; next }
	if (inc ~ /(^|\/)\.\.?(\/|$)/) { printf "%s/%s:%s: error: include \"%s\" must not use . or ..\n", root, file, line, inc; bad = 1; next }
	if (inc !~ /\//) { printf "%s/%s:%s: error: include \"%s\" must name its folder\n", root, file, line, inc; bad = 1; next }
	if (inc ~ /\/internal\.h$/ && substr(file, 1, length(inc) - length("internal.h")) != substr(inc, 1, length(inc) - length("internal.h"))) {
		printf "%s/%s:%s: error: %s is private to its folder\n", root, file, line, inc; bad = 1; next
	}
	if (!allowed(layer(file), layer(inc), file, inc)) {
		printf "%s/%s:%s: error: %s may not include %s (a %s header)\n", root, file, line, layer(file), inc, layer(inc); bad = 1
	}
}
END { exit bad }
'
rc=$?
# No cycle between modules (a module is NAME.c with NAME.h; a folder's internal.h is the
# folder's private header, not a module): tsort names the files of any loop.
loop=$(find . -name '*.[ch]' ! -name internal.h | sed 's|^\./||' | sort | while read -r f; do
	grep -o '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*"' "$f" | sed 's/.*"\(.*\)"/\1/' |
		grep -v 'internal\.h$' | sed "s|\.h\$||; s|^|${f%.*} |"
done | awk '$1 != $2' | tsort 2>&1 >/dev/null | sed -n 's/^tsort: //p' | grep -v 'input contains a loop')
if [ -n "$loop" ]; then
	echo "$root: error: modules include each other in a loop:" $loop
	rc=1
fi
# Ending the process or printing usage is the commands' business.
if grep -rn --include='*.[ch]' -E '(^|[^_a-zA-Z])(exit|_exit|_Exit|quick_exit|err|errx|verr|verrx)[[:space:]]*\(' . | grep -v '^\./cmd/\|^\./main\.c:' |
	awk -F: -v root="$root" '{ f = $1; sub(/^\.\//, "", f); printf "%s/%s:%s: error: only cmd/ and main.c may end the process\n", root, f, $2 }' | grep .; then
	rc=1
fi
exit $rc
