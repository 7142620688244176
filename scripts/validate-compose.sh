#!/usr/bin/env bash
# Validates docker-compose.yml with `docker compose config` (Compose v2). No Docker engine is needed for
# this; when the compose plugin is missing, it is built once from Go source through the Go module proxy
# into the cache (like the Temporal CLI) and installed as a Docker CLI plugin for this user.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${COMPOSE_VERSION:-2.29.7}"
CACHE_DIR="${CKS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/chatwoot-krayin-sync}/compose/v$VERSION"
PLUGIN_DIR="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"

if ! docker compose version >/dev/null 2>&1; then
  if [ ! -x "$CACHE_DIR/docker-compose" ]; then
    command -v go >/dev/null || { echo "docker compose is missing and Go is not installed to build it" >&2; exit 1; }
    echo "Building Docker Compose v$VERSION from source (once)..." >&2
    mkdir -p "$CACHE_DIR"
    (cd "$CACHE_DIR" && GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOBIN="$CACHE_DIR/bin" \
      go install -trimpath -ldflags "-s -w" "github.com/docker/compose/v2/cmd@v$VERSION") >"$CACHE_DIR/build.log" 2>&1 ||
      { tail -n 20 "$CACHE_DIR/build.log" >&2; exit 1; }
    mv "$CACHE_DIR/bin/cmd" "$CACHE_DIR/docker-compose"
  fi
  mkdir -p "$PLUGIN_DIR"
  ln -sf "$CACHE_DIR/docker-compose" "$PLUGIN_DIR/docker-compose"
fi

# docker-compose.yml reads the settings from .env (env_file, required): validate it as a fresh
# deployment would be, with .env copied from .env.example, in a scratch copy of the project files.
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp docker-compose.yml "$WORK/"
cp .env.example "$WORK/.env"
docker compose --project-directory "$WORK" -f "$WORK/docker-compose.yml" config --quiet
echo "docker-compose.yml is valid with .env.example ($(docker compose version --short 2>/dev/null || echo compose))"
