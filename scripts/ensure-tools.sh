#!/usr/bin/env bash
# Installs what building the SPA needs (scripts/spa-build.py), when missing: the wasm32 target, the wasm-bindgen
# CLI at exactly the version in Cargo.lock (compiled: about 3 minutes on 2 cores), and wasm-opt (binaryen 116:
# Debian's binaryen 108 writes a wrong table index into wasm-bindgen's reference-types output, and the page does not
# start). Everything comes from crates.io and the
# npm registry; nothing is downloaded as a prebuilt binary from elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$PATH"

if command -v rustup >/dev/null 2>&1; then
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    echo "==> adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
fi

wbg_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$wbg_version" ]; then
  echo "cannot find wasm-bindgen in Cargo.lock" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wbg_version" ]; then
  echo "==> installing wasm-bindgen-cli $wbg_version (matches Cargo.lock)"
  cargo install wasm-bindgen-cli --version "$wbg_version"
fi

# wasm-opt: binaryen 116 exactly (scripts/spa-build.py checks `wasm-opt --version`). A native one already on PATH is used. Otherwise
# binaryen's own npm package, 116.0.0 (wasm-opt compiled to WebAssembly, run by node: installed in seconds instead
# of ~10 minutes of C++, about 2.5x slower to run, and the same output byte for byte) into ~/.cache/jobbot-binaryen;
# scripts/build-spa.sh puts it on PATH. Without npm, the `wasm-opt` crate is compiled (binaryen's C++).
WASM_OPT_VERSION=0.116.1
BINARYEN_NPM_VERSION=116.0.0
binaryen_dir=${JOBBOT_BINARYEN_DIR:-$HOME/.cache/jobbot-binaryen}
wanted="wasm-opt version 116 (version_116)"
if [ "$(wasm-opt --version 2>/dev/null || true)" != "$wanted" ] &&
  [ "$("$binaryen_dir/node_modules/.bin/wasm-opt" --version 2>/dev/null || true)" != "$wanted" ]; then
  if command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1; then
    echo "==> installing wasm-opt (binaryen $BINARYEN_NPM_VERSION, npm) into $binaryen_dir"
    mkdir -p "$binaryen_dir"
    (cd "$binaryen_dir" && npm install --no-save --no-audit --no-fund --silent "binaryen@$BINARYEN_NPM_VERSION")
  else
    echo "==> installing wasm-opt $WASM_OPT_VERSION (binaryen 116; no npm here, so compiled from crates.io: about 10 minutes on 2 cores)"
    cargo install --locked wasm-opt --version "$WASM_OPT_VERSION"
  fi
fi
