#!/usr/bin/env bash
# Builds the SPA into frontend/dist (and its console and workspace builds into frontend/dist/console and
# frontend/dist/workspace) with scripts/spa-build.py (cargo, wasm-bindgen, wasm-opt and content-hashed files, as
# trunk did, without compiling trunk; release, offline once the fetch step has every crate of the lock), moves
# the inline loader into a file of its own so the strict Content-Security-Policy holds (no inline script),
# then writes the .gz and .br copies nginx serves (brotli from Debian's `brotli`, installed when missing and
# running as root).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$PATH"
if ! command -v brotli >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> installing Debian's brotli (precompressed SPA files for nginx)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq brotli >/dev/null 2>&1 ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq brotli >/dev/null; }
fi
# wasm-opt 116: a native one on PATH, else binaryen's npm package installed by scripts/ensure-tools.sh.
binaryen_bin=${JOBBOT_BINARYEN_DIR:-$HOME/.cache/jobbot-binaryen}/node_modules/.bin
if [ "$(wasm-opt --version 2>/dev/null || true)" != "wasm-opt version 116 (version_116)" ] && [ -x "$binaryen_bin/wasm-opt" ]; then
  export PATH="$binaryen_bin:$PATH"
fi
# The builds run offline: the project's fetch step first (every crate of the lock, all targets), so a fresh cargo
# home that only `make run` has used (not `make test`) has them (scripts/check-offline-builds.sh checks it).
scripts/fetch-crates.sh
python3 scripts/spa-build.py frontend
# The console build (admin console, two-step sign-in settings) into dist/console, after the main build, which
# empties dist first.
python3 scripts/spa-build.py frontend/console
# The workspace build (the job seeker's offers) into dist/workspace.
python3 scripts/spa-build.py frontend/workspace
python3 scripts/spa-loader.py frontend/dist
python3 scripts/spa-loader.py frontend/dist/console /console/
python3 scripts/spa-loader.py frontend/dist/workspace /workspace/
python3 scripts/precompress.py frontend/dist
