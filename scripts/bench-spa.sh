#!/usr/bin/env bash
# The SPA's first-load figures (issue 10), as `make run` serves it: the release `jobbot` on a throwaway SQLite
# database serving frontend/dist (precompressed twins included), then frontend/bench/first-load.mjs prints the
# bytes on the wire of a first visit through Debian's Chromium and Lighthouse's four scores (mobile preset).
#   scripts/bench-spa.sh [BINARY]        (needs frontend/dist: scripts/build-spa.sh; BENCH_SPA_DIR for another)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/jobbot}
dist=${BENCH_SPA_DIR:-frontend/dist}
[ -f "$dist/index.html" ] || { echo "$dist is missing: run scripts/build-spa.sh" >&2; exit 1; }
if [ ! -x /usr/bin/chromium ]; then
  [ "$(id -u)" = 0 ] || { echo "Debian's chromium is missing: apt-get install chromium" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
fi
if [ ! -d frontend/bench/node_modules/lighthouse ]; then
  (cd frontend/bench && npm ci --no-audit --no-fund)
fi
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DATABASE_URL="sqlite://$work/bench.sqlite3" JOBBOT_DATA_DIR="$work" JOBBOT_BIND="127.0.0.1:$port" \
  JOBBOT_STATIC_DIR="$dist" JOBBOT_LLM_PROVIDER=offline RUST_LOG=warn "$bin" serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
CHROME_PATH=/usr/bin/chromium node frontend/bench/first-load.mjs "http://127.0.0.1:$port/"
