#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed (the browser test of the Temporal UI drives it through
# playwright-core). Prints its version. CHROMIUM_PATH overrides /usr/bin/chromium.
set -euo pipefail

bin="${CHROMIUM_PATH:-/usr/bin/chromium}"
works() { "$bin" --headless --no-sandbox --version >/dev/null 2>&1; }

if [ -x "$bin" ] && works; then "$bin" --version; exit 0; fi
if [ -n "${CHROMIUM_PATH:-}" ]; then echo "CHROMIUM_PATH=$CHROMIUM_PATH is not a working chromium" >&2; exit 1; fi

echo "Chromium not found: installing Debian's chromium..."
[ "$(id -u)" = 0 ] || { echo "need root to install chromium (apt-get install chromium)" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q chromium >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }
works || { echo "chromium was installed but does not start" >&2; exit 1; }
"$bin" --version
