#!/bin/sh
# The images' dependency layers: with only the workspace's manifests copied, an empty source for every target
# they declare (each crate's library, the API's binary and the SPA's three, every [[bench]] of every manifest), so
# `cargo build` compiles the dependencies alone and the layer is reused until a manifest or Cargo.lock changes.
# Dockerfile.api runs it before the server's build, Dockerfile.web before the SPA's; scripts/check-image-layers.sh
# replays both in `make test`.
set -eu
for manifest in crates/*/Cargo.toml frontend/Cargo.toml frontend/*/Cargo.toml; do
  dir=$(dirname "$manifest")
  mkdir -p "$dir/src"
  case "$dir" in
    frontend/*) ;; # the console and workspace builds: a binary alone
    *) [ -e "$dir/src/lib.rs" ] || : >"$dir/src/lib.rs" ;;
  esac
  for bench in $(awk '/^\[\[bench\]\]/ { b = 1; next } /^\[/ { b = 0 } b && /^name *=/ { gsub(/name *= *|"/, ""); print }' "$manifest"); do
    mkdir -p "$dir/benches"
    echo 'fn main() {}' >"$dir/benches/$bench.rs"
  done
done
for bin in crates/jobbot frontend frontend/console frontend/workspace; do
  echo 'fn main() {}' >"$bin/src/main.rs"
done
