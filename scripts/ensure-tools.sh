#!/usr/bin/env bash
# Installs what building the SPA needs, when missing: the wasm32 target, trunk (pinned), the wasm-bindgen CLI at
# exactly the version in Cargo.lock, and wasm-opt (binaryen 116, built from crates.io's `wasm-opt` crate: Debian's
# binaryen 108 writes a wrong table index into wasm-bindgen's reference-types output, and the page does not
# start). Everything comes from crates.io; nothing is downloaded as a prebuilt binary.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
export PATH="$HOME/.cargo/bin:$PATH"

if command -v rustup >/dev/null 2>&1; then
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    echo "==> adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
fi

if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
  echo "==> installing trunk $TRUNK_VERSION (compiles from source: about 15 minutes on 2 cores)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
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

WASM_OPT_VERSION=0.116.1
if [ "$("$HOME/.cargo/bin/wasm-opt" --version 2>/dev/null || true)" != "wasm-opt version 116 (version_116)" ]; then
  echo "==> installing wasm-opt $WASM_OPT_VERSION (binaryen 116; compiles C++: about 15 minutes on 2 cores)"
  cargo install --locked wasm-opt --version "$WASM_OPT_VERSION"
fi
