#!/bin/sh
# make test-fresh: the README's two set-up commands, `make site` then `make test`, on a
# minimal Debian 12 root that has never seen the project. Needs root (debootstrap, chroot).
#   FRESH_DIR   work folder (default build-fresh); the minbase root is kept there as
#               minbase.tar so a rerun skips the download, never anything of the project.
#   FRESH_KEEP  set to keep the root afterwards (logs are in FRESH_DIR either way)
set -eu
cd "$(dirname "$0")/.."
repo=$PWD
[ "$(id -u)" = 0 ] || { echo "test-fresh: needs root (debootstrap and chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2
dir=$(realpath -m "${FRESH_DIR:-build-fresh}")
root=$dir/root
mkdir -p "$dir"

# The mirror this machine's own apt uses for bookworm (deb822 or one-line sources).
mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
	awk '/^URIs:/{u=$2} /^Suites:/ && / bookworm( |$)/{print u; exit}')
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || { echo "test-fresh: no bookworm mirror in /etc/apt/sources*" >&2; exit 1; }

cleanup() {
	for m in dev/shm dev/pts dev sys proc; do umount -l "$root/$m" 2>/dev/null || true; done
	[ -n "${FRESH_KEEP:-}" ] || rm -rf "$root"
}
trap cleanup EXIT INT TERM
rm -rf "$root"
if [ ! -f "$dir/minbase.tar" ]; then
	echo "debootstrap --variant=minbase bookworm from $mirror" >&2
	debootstrap --variant=minbase bookworm "$root" "$mirror" >"$dir/debootstrap.log" 2>&1 ||
		{ tail -20 "$dir/debootstrap.log" >&2; exit 1; }
	tar -C "$root" -cf "$dir/minbase.tar" .
else
	mkdir -p "$root" && tar -C "$root" -xf "$dir/minbase.tar"
fi
# The root gets this machine's apt sources (mirror, updates, security), DNS and the
# certificate authorities it added itself (a network that intercepts TLS needs them for
# npm), nothing else.
if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
	rm -f "$root/etc/apt/sources.list"
	cp /etc/apt/sources.list.d/*.sources "$root/etc/apt/sources.list.d/"
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
mkdir -p "$root/usr/local/share/ca-certificates"
cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/" 2>/dev/null || true
# A clean clone of the committed tree: nothing uncommitted, nothing from outside the repository.
git clone -q "$repo" "$root/root/nfsite"
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --rbind /dev "$root/dev"
mount -t tmpfs -o mode=1777 shm "$root/dev/shm"

# A user namespace cannot be made from inside a plain chroot (clone(2): EPERM), and the
# tests use them (unshare -rn for nft). So the chroot runs in its own mount namespace
# whose root is the new system (pivot_root), where chroot and unshare behave as on a
# real machine.
cat >"$root/root/fresh.sh" <<'IN'
set -u
export DEBIAN_FRONTEND=noninteractive CI=1 HOME=/root NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# make is the README's one prerequisite: a minbase system has no make to type.
apt-get update -qq >/root/apt-make.log 2>&1 && apt-get install -y -qq make >>/root/apt-make.log 2>&1 ||
	{ tail /root/apt-make.log; exit 1; }
cd /root/nfsite
make site >/root/make-site.log 2>&1; s=$?
echo "make site: exit $s: $(tail -n 1 /root/make-site.log)"
[ $s = 0 ] || { tail -n 30 /root/make-site.log; exit 1; }
make test >/root/make-test.log 2>&1; t=$?
echo "make test: exit $t: $(tail -n 1 /root/make-test.log)"
[ $t = 0 ] || { grep -A40 '^failed:' /root/make-test.log | head -60; exit 1; }
IN
set +e
unshare --mount --propagation private sh -c '
	cd "$1" && mount --rbind . . && cd "$1" && mkdir -p .old &&
	pivot_root . .old && umount -l /.old && rmdir /.old &&
	exec chroot / sh /root/fresh.sh' sh "$root"
rc=$?
set -e
cp "$root"/root/make-*.log "$dir"/ 2>/dev/null || true
echo "test-fresh: exit $rc (logs in $dir)"
exit $rc
