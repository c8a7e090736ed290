#!/bin/sh
# check-nft-blocks.sh: checks every ```nft code block in Markdown files with `nft -c -f`.
#
# Usage: scripts/check-nft-blocks.sh [-q] [--run] [PATH...]
#        scripts/check-nft-blocks.sh --translations SITE
#   PATH   Markdown files or folders searched recursively for *.md (default: the
#          repository's content/ and faq/).
#   -q     print only failures and the summary.
#   --run  run the recipes instead of checking them, each in a fresh `unshare -rn`
#          (private user and network namespace, no effect on the host):
#          every ```nft block is loaded with `nft -f` and listed; a block fenced
#          ```nft reloadable is loaded twice and both listings must be equal; a
#          shell block with the word workflow (```sh workflow or workflow=NAME) runs
#          end to end under `bash -e` in an empty folder, after the fixture
#          NAME.sh from $NFT_RECIPE_SETUP (default tests/fixtures/recipes) when
#          named; an HTML comment "<!-- nft-check: claim" ... "-->" runs the same
#          way, with $BLOCK naming the file of the nft block above it (write
#          `fails CMD` for a command that must fail, not `! CMD`). The renderer
#          shows only the first word of an info string and does not display HTML comments.
#          Summary: "N blocks loaded, N reload checks, N workflows, N claims, N failed".
#          Exit 2 when `unshare -rn` cannot run nft.
#   --translations SITE
#          check every nft translation pane of a built site (the output of
#          `nfsite build`, site/translate.h) with `nft -c` in `unshare -rn`, after
#          the tables and base chains iptables-nft and ipset-translate assume. A
#          pane whose block is marked `translation-invalid` in its info string
#          (data-nft="invalid" in the HTML, shown to the reader with a note) must
#          be refused; every other one must pass. A failure names the page, the
#          pane's number on it and its block's first line. Summary:
#          "N translations checked, N refused as marked, N failed". Needs python3.
#
# Each block fenced as ```nft (or ~~~nft) is written to a temporary file and checked
# with `nft -c -f FILE`, which validates without applying anything. A block fenced
# as ```nft-invalid is skipped on purpose (it shows wrong syntax). Failures are
# printed as "file:line: <nft error>", the line being the Markdown line the nft
# error points at. The last line is the summary
#   N blocks checked, N passed (MODE)
# Exit status: 0 all passed, 1 a block failed, 2 usage or environment error.
#
# Modes, picked by probing a known-good ruleset once:
#   kernel, private netns   nft -c inside `unshare -n` (or an unprivileged user+net
#                           namespace): the kernel validates the ruleset against an
#                           empty ruleset, so the host's own rules cannot interfere.
#   kernel, host netns      plain `nft -c` (when namespaces are not allowed).
#   parse-only fallback     the kernel refuses netlink (no CAP_NET_ADMIN, no
#                           nf_tables in a container). nft 1.0.x has no option to
#                           parse without netlink, so every block is still run
#                           through `nft -c`; a block passes when the only errors
#                           are environment errors (permission, missing nf_tables),
#                           which nft reports only after parsing succeeded. Syntax
#                           errors are caught; semantic ones (types, unknown sets)
#                           need the kernel and are not.
# NFT (default: nft from PATH or /usr/sbin) selects the binary; NFT_CHECK_MODE=kernel
# or NFT_CHECK_MODE=parse forces a mode.

set -u

quiet=0
run=0
translations=
while :; do
	case "${1:-}" in
	-q) quiet=1 ;;
	--run) run=1 ;;
	--translations)
		[ $# -ge 2 ] || { echo "usage: $0 --translations SITE" >&2; exit 2; }
		translations=$2
		shift
		;;
	*) break ;;
	esac
	shift
done
case "${1:-}" in
-h|--help)
	sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
-*)
	echo "usage: $0 [-q] [--run] [PATH...]" >&2
	exit 2
	;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -eq 0 ]; then
	set -- "$root/content" "$root/faq"
fi

nft=${NFT:-}
if [ -z "$nft" ]; then
	nft=$(command -v nft 2>/dev/null || true)
	[ -n "$nft" ] || { [ -x /usr/sbin/nft ] && nft=/usr/sbin/nft; }
fi
if [ -z "$nft" ] || [ ! -x "$nft" ]; then
	echo "check-nft-blocks: nft not found (install the nftables package)" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nft-blocks.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

# Environment errors: the kernel or the sandbox refused netlink, not the ruleset.
env_re='Operation not permitted|Permission denied|Protocol not supported|Operation not supported|Address family not supported|cache initialization failed|Could not process rule: No such file or directory'

# --- pick the mode -----------------------------------------------------------
printf 'table inet nfsite_probe {\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n\t\ttcp dport 22 accept\n\t}\n}\n' >"$tmp/probe.nft"

run_prefix=""
mode=""
probe_err=""
try_probe() {
	# shellcheck disable=SC2086
	$1 "$nft" -c -f "$tmp/probe.nft" >"$tmp/probe.out" 2>&1
}
if [ "$run" = 1 ] || [ -n "$translations" ]; then
	# The recipes change the ruleset: never outside a private namespace.
	if ! command -v unshare >/dev/null 2>&1 || ! try_probe "unshare -rn"; then
		echo "check-nft-blocks: --run and --translations need \`unshare -rn\` with nf_tables: $(grep -m1 . "$tmp/probe.out" 2>/dev/null)" >&2
		exit 2
	fi
	mode="private user and network namespace"
else
	forced=${NFT_CHECK_MODE:-}
	case "$forced" in
	""|kernel)
		if command -v unshare >/dev/null 2>&1 && try_probe "unshare -n"; then
			run_prefix="unshare -n"
			mode="kernel, private netns"
		elif command -v unshare >/dev/null 2>&1 && try_probe "unshare -Urn"; then
			run_prefix="unshare -Urn"
			mode="kernel, private netns"
		elif try_probe ""; then
			mode="kernel, host netns"
		else
			probe_err=$(grep -m1 'Error' "$tmp/probe.out" || head -n1 "$tmp/probe.out")
			if [ "$forced" = kernel ]; then
				echo "check-nft-blocks: kernel check refused: $probe_err" >&2
				exit 2
			fi
			mode="parse-only fallback"
		fi
		;;
	parse)
		mode="parse-only fallback"
		probe_err="forced by NFT_CHECK_MODE=parse"
		;;
	*)
		echo "check-nft-blocks: NFT_CHECK_MODE must be kernel or parse" >&2
		exit 2
		;;
	esac
fi
if [ "$mode" = "parse-only fallback" ]; then
	echo "check-nft-blocks: netlink unavailable ($probe_err); parse-only fallback: syntax errors only" >&2
fi

# --- check the translation panes of a built site (--translations) ---------------
if [ -n "$translations" ]; then
	[ -d "$translations" ] || { echo "check-nft-blocks: $translations: no such folder" >&2; exit 2; }
	command -v python3 >/dev/null 2>&1 || { echo "check-nft-blocks: --translations needs python3" >&2; exit 2; }
	# Writes $tmp/t/N.nft per pane and a manifest "N<TAB>page<TAB>pane<TAB>mark<TAB>first
	# line of the block" (mark: invalid or -), pages in sorted order, panes in page order.
	mkdir "$tmp/t" || exit 2
	python3 - "$translations" "$tmp/t" <<'EOF' || exit 2
import html.parser, os, sys

class Panes(html.parser.HTMLParser):
    """The text of each translation group's source and nft <code> (site/markdown.c)."""
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self.stack, self.group, self.pane = [], [], None, None
    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        self.stack.append((tag, "xlate" in cls, "xlate-pane" in cls))
        if "xlate" in cls:
            self.group = {"mark": a.get("data-nft") or "", "s": "", "n": ""}
        elif "xlate-pane" in cls and self.group is not None:
            self.pane = "n" if "xlate-pane-n" in cls else "s"
    def handle_endtag(self, tag):
        while self.stack:
            t, group, pane = self.stack.pop()
            if pane:
                self.pane = None
            if group:
                self.found.append(self.group)
                self.group = None
            if t == tag:
                break
    def handle_data(self, data):
        # Only the code: the reader's note under a marked pane is not nft.
        if self.pane and any(t == "code" for t, _, _ in self.stack):
            self.group[self.pane] += data

site, out = sys.argv[1], sys.argv[2]
pages = []
for d, dirs, files in os.walk(site):
    pages += [os.path.join(d, f) for f in files if f.endswith(".html")]
n = 0
with open(os.path.join(out, "manifest"), "w") as m:
    for path in sorted(pages):
        p = Panes()
        with open(path, encoding="utf-8") as f:
            p.feed(f.read())
        for i, g in enumerate(p.found, 1):
            n += 1
            with open(os.path.join(out, "%d.nft" % n), "w") as f:
                f.write(g["n"])
            first = next((l.strip() for l in g["s"].splitlines() if l.strip()), "")
            # a tab is shell whitespace: an empty field would vanish in `read`
            m.write("%d\t%s\t%d\t%s\t%s\n" % (n, os.path.relpath(path, site), i, g["mark"] or "-", first))
EOF
	# The tables and base chains iptables-nft makes, which single-rule translations
	# (`add rule ip nat PREROUTING …`) assume; ipset-translate adds its own table.
	for fam in ip ip6; do
		for t in filter nat mangle raw; do
			echo "add table $fam $t"
		done
		for c in INPUT:input FORWARD:forward OUTPUT:output; do
			echo "add chain $fam filter ${c%:*} { type filter hook ${c#*:} priority 0; }"
		done
		for c in PREROUTING:prerouting:-100 INPUT:input:100 OUTPUT:output:-100 POSTROUTING:postrouting:100; do
			h=${c#*:}
			echo "add chain $fam nat ${c%%:*} { type nat hook ${h%:*} priority ${h#*:}; }"
		done
		for c in PREROUTING:prerouting INPUT:input FORWARD:forward POSTROUTING:postrouting; do
			echo "add chain $fam mangle ${c%:*} { type filter hook ${c#*:} priority -150; }"
		done
		echo "add chain $fam mangle OUTPUT { type route hook output priority -150; }"
		for c in PREROUTING:prerouting OUTPUT:output; do
			echo "add chain $fam raw ${c%:*} { type filter hook ${c#*:} priority -300; }"
		done
	done >"$tmp/prelude.nft"
	{
		echo "add table bridge filter"
		for c in INPUT:input FORWARD:forward OUTPUT:output; do
			echo "add chain bridge filter ${c%:*} { type filter hook ${c#*:} priority -200; }"
		done
		echo "add table bridge nat"
		for c in PREROUTING:prerouting:-300 OUTPUT:output:100 POSTROUTING:postrouting:300; do
			h=${c#*:}
			echo "add chain bridge nat ${c%%:*} { type filter hook ${h%:*} priority ${h#*:}; }"
		done
		echo "add table arp filter"
		for c in INPUT:input OUTPUT:output; do
			echo "add chain arp filter ${c%:*} { type filter hook ${c#*:} priority 0; }"
		done
	} >>"$tmp/prelude.nft"
	plines=$(wc -l <"$tmp/prelude.nft")

	checked=0 refused=0 failed=0
	while IFS="$(printf '\t')" read -r n page pane mark first; do
		checked=$((checked + 1))
		cat "$tmp/prelude.nft" "$tmp/t/$n.nft" >"$tmp/check.nft"
		what="$page: translation $pane ($first)"
		if unshare -rn "$nft" -c -f "$tmp/check.nft" >"$tmp/out" 2>&1 </dev/null; then
			if [ "$mark" = invalid ]; then
				echo "$what: error: marked translation-invalid, but nft accepts it"
				failed=$((failed + 1))
			fi
		elif [ "$mark" = invalid ]; then
			refused=$((refused + 1))
			[ "$quiet" = 1 ] || echo "$what: refused as marked: $(grep -m1 'Error:' "$tmp/out" | sed 's/^.*Error: //')"
		else
			# nft counts the prelude's lines too: name the pane's own line.
			grep 'Error:' "$tmp/out" | sed -n 's/^[^:]*:\([0-9]*\):[0-9-]*: Error: \(.*\)$/\1 \2/p' |
				while read -r l msg; do
					echo "$what: pane line $((l - plines)): error: $msg"
				done
			grep -q '^[^:]*:[0-9]*:[0-9-]*: Error:' "$tmp/out" ||
				echo "$what: error: nft failed: $(grep -m1 . "$tmp/out")"
			failed=$((failed + 1))
		fi
	done <"$tmp/t/manifest"
	echo "$checked translations checked, $refused refused as marked, $failed failed ($mode)"
	[ "$failed" = 0 ]
	exit
fi

# --- collect the Markdown files ------------------------------------------------
: >"$tmp/files"
for p in "$@"; do
	if [ -d "$p" ]; then
		find "$p" -type f -name '*.md' | LC_ALL=C sort >>"$tmp/files"
	elif [ -f "$p" ]; then
		printf '%s\n' "$p" >>"$tmp/files"
	else
		echo "check-nft-blocks: $p: no such file or folder" >&2
		exit 2
	fi
done

# --- extract the blocks --------------------------------------------------------
# Writes $tmp/b/N.nft (or N.sh) per block and a manifest
# "N<TAB>fence line<TAB>file<TAB>kind", kind being nft, reload, workflow:NAME or
# check:M (M: the number of the nft block above the comment, 0 if none).
# Fences follow CommonMark: up to three spaces of indent, three or more backticks
# or tildes; the closing fence uses the same character, at least as many, and
# nothing else. The opening indent is stripped from content lines. Fences of other
# languages are tracked too, so an nft fence shown inside a longer fence is text.
mkdir "$tmp/b"
skipped=0
while IFS= read -r f; do
	awk -v out="$tmp/b" -v file="$f" -v manifest="$tmp/manifest" -v skipfile="$tmp/skipped" '
	function fence_run(s,    c, n) {
		c = substr(s, 1, 1)
		if (c != "`" && c != "~")
			return 0
		n = 0
		while (substr(s, n + 1, 1) == c)
			n++
		return n >= 3 ? n : 0
	}
	function start(k,    ext) {
		count++
		ext = (k == "nft" || k == "reload") ? ".nft" : ".sh"
		blk = out "/" count ext
		printf "" > blk
		printf "%d\t%d\t%s\t%s\n", count, NR, file, k >> manifest
		if (k == "nft" || k == "reload")
			lastnft = count
	}
	BEGIN {
		inblk = 0
		incheck = 0
		lastnft = 0
		while ((getline n < manifest) > 0)
			count++
		close(manifest)
	}
	{
		line = $0
		sub(/\r$/, "", line)
		match(line, /^ */)
		ind = RLENGTH
		rest = substr(line, ind + 1)
		if (incheck) {
			if (index(line, "-->")) {
				incheck = 0
				close(blk)
			} else
				print line >> blk
			next
		}
		if (!inblk) {
			if (ind > 3)
				next
			if (index(rest, "<!-- nft-check:") == 1) {
				if (!index(rest, "-->")) {
					start("check:" lastnft)
					incheck = 1
				}
				next
			}
			n = fence_run(rest)
			if (!n)
				next
			fch = substr(rest, 1, 1)
			info = substr(rest, n + 1)
			if (fch == "`" && index(info, "`"))
				next
			sub(/^[ \t]+/, "", info)
			lang = info
			sub(/[ \t{].*$/, "", lang)
			inblk = 1
			flen = n
			find = ind
			# Words after the language mark recipes: nft reloadable, sh workflow[=NAME].
			kind = (lang == "nft") ? "nft" : ""
			nw = split(info, w, /[ \t]+/)
			for (i = 2; i <= nw; i++) {
				if (lang == "nft" && w[i] == "reloadable")
					kind = "reload"
				else if (w[i] ~ /^workflow(=[A-Za-z0-9_.-]+)?$/)
					kind = "workflow:" substr(w[i], 10)
			}
			capture = (kind != "")
			if (lang == "nft-invalid")
				print file > skipfile
			if (capture)
				start(kind)
			next
		}
		if (ind <= 3 && substr(rest, 1, 1) == fch) {
			n = fence_run(rest)
			tail = substr(rest, n + 1)
			if (n >= flen && tail ~ /^[ \t]*$/) {
				inblk = 0
				if (capture)
					close(blk)
				next
			}
		}
		if (capture) {
			s = line
			k = 0
			while (k < find && substr(s, 1, 1) == " ") {
				s = substr(s, 2)
				k++
			}
			print s >> blk
		}
	}
	END {
		if ((inblk && capture) || incheck)
			close(blk)
	}' "$f" || exit 2
done <"$tmp/files"
[ -f "$tmp/manifest" ] || : >"$tmp/manifest"
[ -f "$tmp/skipped" ] && skipped=$(wc -l <"$tmp/skipped")

# Prints "file:line: msg" for each nft error in $tmp/out about block file $1 of
# Markdown file $2 fenced at line $3. The error lines of nft are relative to the block.
# Environment errors are left out when a real error was found.
report_nft_errors() {
	awk -v blk="$1" -v file="$2" -v fence="$3" -v env_re="$env_re" '
	BEGIN { shown = 0; first = "" }
	{
		if (first == "")
			first = $0
		if ($0 ~ env_re && ++envn)
			envl[envn] = $0
		else if (index($0, blk ":") == 1) {
			rest = substr($0, length(blk) + 2)
			split(rest, a, ":")
			l = a[1] + 0
			msg = rest
			sub(/^[0-9]+:[0-9-]+: */, "", msg)
			printf "%s:%d: %s\n", file, fence + l, msg
			shown++
		} else if ($0 ~ /Error:/) {
			msg = $0
			sub(/^.*Error:/, "Error:", msg)
			printf "%s:%d: %s\n", file, fence + 1, msg
			shown++
		}
	}
	END {
		for (i = 1; !shown && i <= envn; i++) {
			msg = envl[i]
			sub(/^.*Error:/, "Error:", msg)
			printf "%s:%d: %s\n", file, fence + 1, msg
		}
		if (!shown && !envn)
			printf "%s:%d: nft failed: %s\n", file, fence + 1, first
	}' "$tmp/out"
}

# --- run each recipe (--run) ----------------------------------------------------
# Prints "file:line: error: what" for a failed workflow or claim, line being the
# Markdown line of the failing command (from the ERR trap of $tmp/runner.sh), then
# the last lines of its output, indented.
report_script_error() {
	l=$(sed -n 's/^recipe-failed-at: \([0-9]*\)$/\1/p' "$tmp/out" | tail -n 1)
	echo "$1:$(($2 + ${l:-1})): error: $3 failed${l:+ at this line}"
	grep -v '^recipe-failed-at: ' "$tmp/out" | tail -n 5 | sed 's/^/    /'
}

if [ "$run" = 1 ]; then
	setup_dir=${NFT_RECIPE_SETUP:-$root/tests/fixtures/recipes}
	# bash -e stops at the first failing command and the ERR trap names its line.
	# "fails CMD" asserts that CMD fails: bash -e ignores a failing "! CMD".
	# shellcheck disable=SC2016
	printf '%s\n' 'set -e' 'PATH=$PATH:/usr/sbin:/sbin' 'fails() { if "$@"; then return 1; fi; }' \
		'trap '\''echo "recipe-failed-at: $LINENO" >&2'\'' ERR' '. "$1"' >"$tmp/runner.sh"
	loaded=0 reloads=0 workflows=0 claims=0 failed=0
	while IFS="$(printf '\t')" read -r n fence f kind; do
		case $kind in
		nft|reload)
			blk="$tmp/b/$n.nft"
			loaded=$((loaded + 1))
			[ "$kind" = nft ] || reloads=$((reloads + 1))
			rm -f "$tmp/list.1" "$tmp/list.2"
			rc=0
			# shellcheck disable=SC2016
			unshare -rn sh -c '
				"$1" -f "$2" || exit 3
				"$1" list ruleset >"$4.1" || exit 4
				[ "$3" = reload ] || exit 0
				"$1" -f "$2" || exit 5
				"$1" list ruleset >"$4.2" || exit 4' \
				sh "$nft" "$blk" "$kind" "$tmp/list" >"$tmp/out" 2>&1 </dev/null || rc=$?
			case $rc in
			0)
				if [ "$kind" = reload ] && ! cmp -s "$tmp/list.1" "$tmp/list.2"; then
					echo "$f:$((fence + 1)): error: loading the block again changes the ruleset"
					diff "$tmp/list.1" "$tmp/list.2" | sed 's/^/    /'
					failed=$((failed + 1))
				fi
				;;
			3) report_nft_errors "$blk" "$f" "$fence"; failed=$((failed + 1)) ;;
			5)
				echo "$f:$((fence + 1)): error: the block cannot be loaded a second time"
				report_nft_errors "$blk" "$f" "$fence"
				failed=$((failed + 1))
				;;
			*)
				echo "$f:$((fence + 1)): error: nft list ruleset failed after loading the block"
				sed 's/^/    /' "$tmp/out"
				failed=$((failed + 1))
				;;
			esac
			;;
		workflow:*|check:*)
			name=${kind#*:}
			setup="" block=""
			if [ "${kind%%:*}" = workflow ]; then
				workflows=$((workflows + 1))
				what=workflow
				if [ -n "$name" ]; then
					setup="$setup_dir/$name.sh"
					if [ ! -f "$setup" ]; then
						echo "$f:$fence: error: workflow=$name: no setup $setup"
						failed=$((failed + 1))
						continue
					fi
				fi
			else
				claims=$((claims + 1))
				what=claim
				[ "$name" = 0 ] || block="$tmp/b/$name.nft"
			fi
			wd="$tmp/w$n"
			mkdir "$wd" || exit 2
			# shellcheck disable=SC2016
			if ! (cd "$wd" && unshare -rn bash -c '
				if [ -n "$1" ]; then bash -e "$1" || { echo "setup $1 failed"; exit 1; }; fi
				BLOCK=$2 exec bash "$3" "$4"' \
				bash "$setup" "$block" "$tmp/runner.sh" "$tmp/b/$n.sh" >"$tmp/out" 2>&1 </dev/null); then
				report_script_error "$f" "$fence" "$what"
				failed=$((failed + 1))
			fi
			;;
		esac
	done <"$tmp/manifest"
	echo "$loaded blocks loaded, $reloads reload checks, $workflows workflows, $claims claims, $failed failed ($mode)"
	[ "$failed" = 0 ]
	exit
fi

# --- check each block ----------------------------------------------------------
total=0
passed=0
while IFS="$(printf '\t')" read -r n fence f kind; do
	case $kind in
	nft|reload) ;;
	*) continue ;;
	esac
	total=$((total + 1))
	blk="$tmp/b/$n.nft"
	# shellcheck disable=SC2086
	if $run_prefix "$nft" -c -f "$blk" >"$tmp/out" 2>&1 </dev/null; then
		passed=$((passed + 1))
		continue
	fi
	if [ "$mode" = "parse-only fallback" ] && ! grep -q 'syntax error' "$tmp/out" &&
	   grep -q 'Error' "$tmp/out" && ! grep 'Error' "$tmp/out" | grep -Eqv "$env_re"; then
		# Only environment errors: parsing succeeded.
		passed=$((passed + 1))
		continue
	fi
	# Map "TMPFILE:L:C-C: Error: msg" to the Markdown line fence+L.
	report_nft_errors "$blk" "$f" "$fence"
done <"$tmp/manifest"

failed=$((total - passed))
if [ "$quiet" = 0 ] && [ "$skipped" -gt 0 ]; then
	echo "$skipped nft-invalid blocks skipped"
fi
echo "$total blocks checked, $passed passed ($mode)"
[ "$failed" = 0 ]
