#!/bin/sh
# Installs what a target needs on Debian/Ubuntu: apt-get when root, otherwise
# prints the exact command and stops. Usage: install-deps.sh build|test|bench
set -e
cd "$(dirname "$0")/.."
build_pkgs="build-essential pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev libyaml-dev liblua5.4-dev libsqlite3-dev libxml2-dev libcurl4-openssl-dev libmicrohttpd-dev zlib1g-dev libmimalloc-dev libutf8proc-dev libssl-dev"
test_pkgs="git groff-base netbase tzdata nginx-light apache2 nftables iptables ipset chromium python3 python3-yaml sqlite3 libxml2-utils iproute2 clang libclang-rt-dev valgrind wrk curl pandoc"
bench_pkgs="hugo pandoc time cmark-gfm python3 curl"
case "${1:-build}" in
  build) pkgs=$build_pkgs ;;
  test)  pkgs="$build_pkgs $test_pkgs" ;;
  bench) pkgs="$build_pkgs $bench_pkgs" ;;
  *) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# Node.js may come from elsewhere than Debian (its npm then conflicts with Debian's):
# only a missing command asks for the package.
if [ "${1:-}" = test ]; then
  command -v node >/dev/null 2>&1 || missing="$missing nodejs"
  command -v npm >/dev/null 2>&1 || missing="$missing npm"
fi
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing:$missing" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
  else
    echo "missing packages; run: sudo apt-get install -y$missing" >&2
    exit 1
  fi
fi
# Browser tests drive Debian's chromium through playwright-core, pinned in tests/package.json.
# Installed again when tests/package.json pins another version than the one installed.
pw_version() { sed -n 's/.*"playwright-core": *"\([^"]*\)".*/\1/p;s/^  "version": *"\([^"]*\)".*/\1/p' "$1" 2>/dev/null | head -n 1; }
if [ "${1:-}" = test ] &&
   [ "$(pw_version tests/package.json)" != "$(pw_version tests/node_modules/playwright-core/package.json)" ]; then
  (cd tests && npm ci --no-audit --no-fund >&2) || { echo "install-deps: npm ci in tests/ failed (see above)" >&2; exit 1; }
fi
exit 0
