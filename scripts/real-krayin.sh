#!/usr/bin/env bash
# The real Krayin 2.1.2 of ../shared/krayin-real, for the real-krayin test tier.
#
#   bash scripts/real-krayin.sh ensure   # install (first time) or start it; prints its directory on stdout
#   bash scripts/real-krayin.sh dir      # prints the directory it uses (installed or not)
#
# Directory: $KRAYIN_REAL, default ~/.cache/chatwoot-krayin-sync/krayin-real (../shared is read-only).
# Ports: KRAYIN_HTTP_PORT / KRAYIN_DB_PORT (default 8000 / 3307) for a first install; when one of them is
# taken by something else, the next free port above it is used instead. An existing install keeps the
# ports it was installed with (krayin.conf). Any failure exits non-zero with the reason: never a skip.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${KRAYIN_REAL_SOURCE:-$ROOT/../shared/krayin-real}
DIR=${KRAYIN_REAL:-$HOME/.cache/chatwoot-krayin-sync/krayin-real}

die() { printf 'real-krayin: %s\n' "$*" >&2; exit 1; }
busy() { # is the TCP port listened on? (read from /proc: no connection attempt)
  local hex; hex=$(printf ':%04X' "$1")
  awk -v h="$hex" '$4 == "0A" && substr($2, length($2) - 4) == h { f = 1 } END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
# install.sh apt-installs what is missing; another apt run on the machine (e.g. a Chromium install) holds
# dpkg's lock for a while: wait for it instead of failing (at most 10 minutes).
install_krayin() {
  local log try
  log=$(mktemp)
  for try in $(seq 1 60); do
    if "$@" bash "$SHARED/install.sh" >"$log" 2>&1; then cat "$log" >&2; rm -f "$log"; return 0; fi
    grep -q 'Could not get lock' "$log" || { cat "$log" >&2; rm -f "$log"; return 1; }
    echo "real-krayin: dpkg is locked by another apt run; retrying in 10 s ($try/60)" >&2
    sleep 10
  done
  cat "$log" >&2; rm -f "$log"; return 1
}
free_port_from() {
  local p=$1
  while busy "$p"; do p=$((p + 1)); done
  echo "$p"
}

case "${1:-}" in
  dir) echo "$DIR"; exit 0 ;;
  ensure) ;;
  *) echo "usage: $0 ensure|dir" >&2; exit 2 ;;
esac

[ -f "$SHARED/install.sh" ] || die "no $SHARED/install.sh (the shared krayin-real is missing)"
mkdir -p "$DIR"
if [ -s "$DIR/krayin.conf" ] && [ -s "$DIR/token.txt" ]; then
  # Installed: install.sh only refreshes its scripts, (re)starts and checks the token.
  install_krayin env KRAYIN_REAL="$DIR" || die "could not start the real Krayin in $DIR (logs: $DIR/logs)"
else
  http=$(free_port_from "${KRAYIN_HTTP_PORT:-8000}")
  db=$(free_port_from "${KRAYIN_DB_PORT:-3307}")
  [ "$db" != "$http" ] || db=$(free_port_from $((db + 1)))
  echo "real-krayin: installing into $DIR (HTTP port $http, DB port $db)" >&2
  t0=$(date +%s)
  install_krayin env KRAYIN_REAL="$DIR" KRAYIN_HTTP_PORT="$http" KRAYIN_DB_PORT="$db" ||
    die "could not install the real Krayin into $DIR"
  echo "real-krayin: installed in $(($(date +%s) - t0)) s" >&2
fi
[ -s "$DIR/token.txt" ] || die "$DIR/token.txt is missing after install"
echo "$DIR"
