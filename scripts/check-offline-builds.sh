#!/usr/bin/env bash
# A check that `make run` works from an empty cargo home: in a fresh CARGO_HOME (the machine's cargo settings
# copied, nothing else), the project's fetch step (scripts/fetch-crates.sh) and nothing more, then every build that
# runs --offline resolved --offline with `cargo tree`, which needs each crate's source exactly as the build does:
# the SPA builds, one per frontend/**/index.html: the package of its data-bin (each build is a crate of its own).
# Without the fetch step, `make run` failed on a bare machine at the console build ("failed to download
# `plotters v0.3.7` … --offline was specified") while `make test`, whose clippy had fetched everything, stayed green.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$PATH"
user_home=${CARGO_HOME:-$HOME/.cargo}
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
for settings in config.toml config; do
  [ -f "$user_home/$settings" ] && cp "$user_home/$settings" "$home/"
done
CARGO_HOME=$home scripts/fetch-crates.sh 2>"$home/fetch.log" || { cat "$home/fetch.log"; exit 1; }
checked=0
for page in frontend/index.html frontend/*/index.html; do
  package=$(grep -o 'data-bin="[^"]*"' "$page" | head -n 1 | cut -d'"' -f2)
  if ! CARGO_HOME=$home cargo tree --offline --locked --target wasm32-unknown-unknown -p "$package" \
    -e normal,build >/dev/null 2>"$home/tree.log"; then
    echo "the SPA build of $page ($package) needs crates the fetch step did not bring:" >&2
    cat "$home/tree.log" >&2
    exit 1
  fi
  checked=$((checked + 1))
done
echo "fetch step then $checked offline SPA builds resolved from an empty cargo home ($(find "$home/registry/cache" -name '*.crate' | wc -l) crates)"
