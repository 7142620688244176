#!/usr/bin/env bash
# Finds or builds the Temporal CLI (which embeds the dev server and Web UI).
#
#   scripts/temporal-cli.sh ensure   # print the path of a usable `temporal` binary, building it if needed
#   scripts/temporal-cli.sh path     # print the path if one is found, exit 1 otherwise (never builds)
#
# Lookup order: $TEMPORAL_CLI_PATH, `temporal` on PATH, the cache
# ($CKS_CACHE_DIR, default ~/.cache/chatwoot-krayin-sync)/temporal-cli/v$VERSION/temporal.
# The build uses only the Go module proxy (no GitHub downloads) and never writes into the repository.
# See docs/temporal-cli.md for the measured build time and size.
set -euo pipefail

VERSION="${TEMPORAL_CLI_VERSION:-1.5.1}"
CACHE_DIR="${CKS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/chatwoot-krayin-sync}"
TARGET_DIR="$CACHE_DIR/temporal-cli/v$VERSION"

usable() { [ -n "${1:-}" ] && [ -x "$1" ] && "$1" --version >/dev/null 2>&1; }

find_binary() {
  if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
    if usable "$TEMPORAL_CLI_PATH"; then echo "$TEMPORAL_CLI_PATH"; return 0; fi
    echo "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable temporal binary" >&2
    return 2
  fi
  local on_path
  on_path="$(command -v temporal 2>/dev/null || true)"
  if usable "$on_path"; then echo "$on_path"; return 0; fi
  if usable "$TARGET_DIR/temporal"; then echo "$TARGET_DIR/temporal"; return 0; fi
  return 1
}

build() {
  command -v go >/dev/null 2>&1 || {
    echo "No temporal binary found and Go is not installed: install Go >= 1.23, or put the Temporal CLI on PATH, or set TEMPORAL_CLI_PATH." >&2
    exit 1
  }
  mkdir -p "$TARGET_DIR"
  local log="$TARGET_DIR/build.log" start end
  echo "Building Temporal CLI v$VERSION from source through the Go module proxy (a few minutes, once)..." >&2
  echo "  into $TARGET_DIR (log: $log)" >&2
  start=$(date +%s)
  # v1.5.1 is the newest release whose go.mod has no replace directive, so `go install pkg@version` works.
  if ! (cd "$TARGET_DIR" && GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOBIN="$TARGET_DIR" \
      go install -trimpath -ldflags "-s -w -X github.com/temporalio/cli/temporalcli.Version=$VERSION" \
      "github.com/temporalio/cli/cmd/temporal@v$VERSION") >"$log" 2>&1; then
    echo "Temporal CLI build FAILED; last lines of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  end=$(date +%s)
  echo "Built $("$TARGET_DIR/temporal" --version) in $((end - start))s, $(du -h "$TARGET_DIR/temporal" | cut -f1)." >&2
}

case "${1:-ensure}" in
  path)
    find_binary
    ;;
  ensure)
    set +e
    bin="$(find_binary)"
    rc=$?
    set -e
    if [ "$rc" = 0 ]; then echo "$bin"; exit 0; fi
    [ "$rc" = 2 ] && exit 1
    build
    find_binary
    ;;
  *)
    echo "usage: $0 [ensure|path]" >&2
    exit 2
    ;;
esac
