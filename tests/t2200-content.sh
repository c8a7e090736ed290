#!/bin/sh
# The bundled site's own content (content/, except the importer's content/wiki/ and the
# ipset migration guide owned elsewhere): every page has a title and a description, news
# entries carry a date that matches their file name, every SVG is well-formed, accessible
# and script-free, the pipapo section has its pages and diagrams, relative links and images
# point to files that exist, and the built site contains the pipapo pages with their SVGs.
. "$(dirname "$0")/lib.sh"

C=$ROOT/content

# Our Markdown files, one per line (paths relative to content/).
own_pages() {
	(cd "$C" && find . -name '*.md' ! -path './wiki/*' ! -path './docs/ipset-to-nftables/*' | sed 's|^\./||' | sort)
}

# Prints the front matter of a Markdown file (between the first two --- lines).
front_matter() {
	awk 'NR == 1 { if ($0 != "---") exit 1; next } /^---[ \t]*$/ { exit 0 } { print }' "$1"
}

# Prints the value of a top-level scalar key, quotes stripped.
fm_value() {
	front_matter "$1" | sed -n "s/^$2:[ \t]*//p" | sed 's/^"\(.*\)"$/\1/; s/^'"'"'\(.*\)'"'"'$/\1/' | head -n 1
}

test_expect_success 'content has the expected sections' '
	for f in _index.md about.md docs/_index.md docs/getting-started.md docs/pipapo/_index.md \
		projects/_index.md projects/nftables.md projects/iptables.md projects/ipset.md \
		projects/conntrack-tools.md projects/libnftnl.md projects/libmnl.md projects/ulogd.md \
		projects/libnetfilter_queue.md projects/libnetfilter_conntrack.md \
		projects/libnetfilter_log.md projects/libnetfilter_acct.md news/_index.md; do
		[ -f "$C/$f" ] || { echo "missing content/$f"; exit 1; }
	done
'

test_expect_success 'every page has front matter with a title and a description' '
	own_pages >pages
	[ "$(wc -l <pages)" -ge 30 ] || { echo "only $(wc -l <pages) pages"; exit 1; }
	bad=0
	while read -r p; do
		front_matter "$C/$p" >/dev/null || { echo "$p: no front matter"; bad=1; continue; }
		t=$(fm_value "$C/$p" title); d=$(fm_value "$C/$p" description)
		[ -n "$t" ] || { echo "$p: empty title"; bad=1; }
		[ ${#d} -ge 40 ] || { echo "$p: description missing or shorter than 40 characters"; bad=1; }
	done <pages
	[ $bad = 0 ]
'

test_expect_success 'news entries have a valid date that matches the file name' '
	n=0
	for f in "$C"/news/*.md; do
		case "$f" in */_index.md) continue ;; esac
		n=$((n + 1))
		name=$(basename "$f")
		d=$(fm_value "$f" date)
		echo "$d" | grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" || { echo "$name: bad date \"$d\""; exit 1; }
		date -d "$d" +%F >/dev/null 2>&1 || { echo "$name: impossible date $d"; exit 1; }
		case "$name" in "$d"-*) ;; *) echo "$name: file name does not start with $d"; exit 1 ;; esac
	done
	[ $n -ge 5 ] || { echo "only $n news entries"; exit 1; }
'

test_expect_success 'pipapo has an overview, at least 6 pages and 3 diagrams' '
	[ -f "$C/docs/pipapo/_index.md" ]
	pages=$(cd "$C/docs/pipapo" && find . -name "*.md" ! -name _index.md | wc -l)
	svgs=$(cd "$C/docs/pipapo" && find . -name "*.svg" | wc -l)
	echo "pages=$pages svgs=$svgs"
	[ "$pages" -ge 6 ] && [ "$svgs" -ge 3 ]
'

test_expect_success 'every SVG is well-formed, titled, scaled by viewBox and script-free' '
	find "$C" -name "*.svg" ! -path "*/wiki/*" >svgs
	[ -s svgs ]
	while read -r s; do
		xmllint --noout "$s" || { echo "$s: not well-formed"; exit 1; }
		grep -q "viewBox=" "$s" || { echo "$s: no viewBox"; exit 1; }
		grep -q "<title" "$s" || { echo "$s: no <title>"; exit 1; }
		grep -q "<desc" "$s" || { echo "$s: no <desc>"; exit 1; }
		if grep -Eiq "<script|<foreignObject|[[:space:]]on[a-z]+=|javascript:" "$s"; then
			echo "$s: active content"; exit 1
		fi
	done <svgs
'

# The theme shows a diagram at most 46rem (736 px) wide; a label drawn at font-size F in a
# viewBox W wide is then F * 736 / W px tall, and must be at least 12 px to be readable.
test_expect_success 'every diagram label is at least 12 px at the rendered width' '
	find "$C/docs" -name "*.svg" >svgs
	[ -s svgs ] || exit 1
	while read -r s; do
		w=$(sed -n "s/.*viewBox=\"[0-9.]* [0-9.]* \([0-9.]*\) .*/\1/p" "$s" | head -n 1)
		[ -n "$w" ] || { echo "$s: no viewBox width"; exit 1; }
		grep -o "font-size=\"[0-9.]*\"" "$s" | tr -dc "0-9.\n" >sizes || exit 1
		awk -v w="$w" -v s="$s" "\$1 * 736 / w < 12 { printf \"%s: font-size %s renders at %.1f px\\n\", s, \$1, \$1 * 736 / w; bad = 1 } END { exit bad }" sizes || exit 1
	done <svgs
'

test_expect_success 'each pipapo diagram is used by the page beside it' '
	for s in $(cd "$C/docs/pipapo" && find . -name "*.svg"); do
		dir=$(dirname "$s"); base=$(basename "$s")
		grep -q "($base)" "$C/docs/pipapo/$dir/index.md" || { echo "$s not referenced from $dir/index.md"; exit 1; }
	done
'

test_expect_success 'relative links and images in our pages point to existing files' '
	own_pages >pages
	bad=0
	while read -r p; do
		dir=$(dirname "$C/$p")
		# Markdown link and image destinations that are relative (no scheme, not /, not #).
		grep -o "\](\([^)#]*\)\(#[^)]*\)\?)" "$C/$p" | sed "s/^](//; s/)$//; s/#.*//" |
		grep -v -e "^[a-z][a-z0-9+.-]*:" -e "^/" -e "^$" | sort -u >targets || true
		while read -r t; do
			[ -e "$dir/$t" ] || { echo "$p: broken link $t"; bad=1; }
		done <targets
	done <pages
	[ $bad = 0 ]
'

test_expect_success 'the iptables pages are tagged for the deprecation banner' '
	for p in projects/iptables.md news/2018-07-05-iptables-1-8-0.md news/2024-11-06-iptables-1-8-11.md; do
		front_matter "$C/$p" | grep -Eq "^tags:.*\biptables\b" || { echo "$p: no iptables tag"; exit 1; }
	done
'

test_expect_success 'our pages hold at least 8 nft blocks' '
	own_pages >pages
	n=0
	while read -r p; do
		c=$(grep -c "^\`\`\`nft[[:space:]]*$" "$C/$p" || true)
		n=$((n + c))
	done <pages
	echo "$n nft blocks"
	[ "$n" -ge 8 ]
'

test_expect_success 'the built site has the pipapo pages with their diagrams' '
	nfsite build --source "$ROOT" --dest out -q
	for f in docs/pipapo/index.html docs/pipapo/lookup/index.html docs/pipapo/lookup/address-field.svg \
		docs/pipapo/insertion/expansion.svg docs/pipapo/cookbook/index.html \
		projects/iptables/index.html news/index.html about/index.html; do
		[ -f "out/$f" ] || { echo "missing out/$f"; exit 1; }
	done
	grep -q "address-field.svg" out/docs/pipapo/lookup/index.html
	cmp "$C/docs/pipapo/lookup/address-field.svg" out/docs/pipapo/lookup/address-field.svg
'

test_done
