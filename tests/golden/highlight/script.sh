#!/bin/sh
# Translate a saved iptables ruleset and load it atomically.
set -eu
SAVED=${1:-/etc/iptables/rules.v4}
OUT="$HOME/ruleset.nft"

if ! command -v iptables-restore-translate >/dev/null 2>&1; then
	echo "iptables-restore-translate not found" >&2
	exit 1
fi

iptables-restore-translate -f "$SAVED" > "$OUT"
nft -c -f "$OUT" && nft -f "$OUT"   # check first, then load
for set in $(ipset list -n); do
	ipset save "$set" | ipset-translate restore
done
echo 'done: $OUT is not expanded here' "but ${OUT} is"
