#!/usr/bin/env bash
# Installs what building the SPA needs, when missing: the wasm32 target, trunk (pinned), and the
# wasm-bindgen CLI at exactly the version in Cargo.lock. Everything comes from crates.io; nothing is downloaded
# as a prebuilt binary.
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
