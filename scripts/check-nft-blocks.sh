#!/bin/sh
# check-nft-blocks.sh: checks every ```nft code block in Markdown files with `nft -c -f`.
#
# Usage: scripts/check-nft-blocks.sh [-q] [PATH...]
#   PATH   Markdown files or folders searched recursively for *.md (default: the
#          repository's content/ and faq/).
#   -q     print only failures and the summary.
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
if [ "${1:-}" = "-q" ]; then
	quiet=1
	shift
fi
case "${1:-}" in
-h|--help)
	sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
-*)
	echo "usage: $0 [-q] [PATH...]" >&2
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
if [ "$mode" = "parse-only fallback" ]; then
	echo "check-nft-blocks: netlink unavailable ($probe_err); parse-only fallback: syntax errors only" >&2
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
# Writes $tmp/b/N.nft per block and a manifest "N<TAB>fence line<TAB>file".
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
	BEGIN {
		inblk = 0
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
		if (!inblk) {
			if (ind > 3)
				next
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
			capture = (lang == "nft")
			if (lang == "nft-invalid")
				print file > skipfile
			if (capture) {
				count++
				blk = out "/" count ".nft"
				printf "" > blk
				printf "%d\t%d\t%s\n", count, NR, file >> manifest
			}
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
		if (inblk && capture)
			close(blk)
	}' "$f" || exit 2
done <"$tmp/files"
[ -f "$tmp/manifest" ] || : >"$tmp/manifest"
[ -f "$tmp/skipped" ] && skipped=$(wc -l <"$tmp/skipped")

# --- check each block ----------------------------------------------------------
total=0
passed=0
while IFS="$(printf '\t')" read -r n fence f; do
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
	# Environment errors are left out when a real error was found.
	awk -v blk="$blk" -v file="$f" -v fence="$fence" -v env_re="$env_re" '
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
done <"$tmp/manifest"

failed=$((total - passed))
if [ "$quiet" = 0 ] && [ "$skipped" -gt 0 ]; then
	echo "$skipped nft-invalid blocks skipped"
fi
echo "$total blocks checked, $passed passed ($mode)"
[ "$failed" = 0 ]
