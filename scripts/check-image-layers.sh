#!/usr/bin/env bash
# Dockerfile.api's dependency layer, replayed without a container engine: the files its COPY lines bring before the
# stubs (read from the Dockerfile itself), scripts/stub-crates.sh as its RUN runs it, then cargo loading the
# workspace as the layer's `cargo build` does (`cargo fetch --locked` parses every manifest and checks every target
# it declares has its file; `cargo metadata` does not). The layer stubbed 3 of the API's 8 benchmarks once, and the image build stopped at once ("can't
# find `admin_stats` bench"); this fails the same way. Then the next layer: what the stubs' RUN removes
# afterwards, the build stage's later COPY lines, and cargo reading the workspace again (the first real image
# build stopped there: the layer removed frontend/src, which no later COPY brings back). `make images` builds
# the real images.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The COPY lines of the build stage up to the stubs' RUN: `COPY <sources…> <destination>`.
copies=$(awk '/^FROM .* AS build/ { on = 1 } on && /^RUN .*stub-crates/ { exit } on && /^COPY / { $1 = ""; print }' Dockerfile.api)
[ -n "$copies" ] || { echo "no COPY before the stubs in Dockerfile.api" >&2; exit 1; }
while read -r -a words; do
  destination=${words[-1]}
  unset 'words[-1]'
  mkdir -p "$work/$destination"
  for source in "${words[@]}"; do
    cp -r "$source" "$work/$destination"
  done
done <<<"$copies"
(cd "$work" && sh scripts/stub-crates.sh)
if ! (cd "$work" && cargo fetch --locked >/dev/null 2>"$work/metadata.log"); then
  echo "Dockerfile.api's dependency layer cannot build: cargo cannot read the stubbed workspace" >&2
  cat "$work/metadata.log" >&2
  exit 1
fi

# The build stage's instructions, continuation lines joined.
stage=$(awk '/^FROM .* AS build/ { on = 1; next } on && /^FROM / { exit } on' Dockerfile.api |
  sed -e ':a' -e '/\\$/N; s/\\\n//; ta')
removed=$(grep -m 1 '^RUN .*stub-crates' <<<"$stage" | grep -o 'rm -rf [^&]*' | sed 's/^rm -rf //' || true)
(cd "$work" && for path in $removed; do rm -rf $path; done)
later=$(awk '/^RUN .*stub-crates/ { on = 1; next } on && /^COPY / { $1 = ""; print }' <<<"$stage")
while read -r -a words; do
  [ "${#words[@]}" -ge 2 ] || continue
  destination=${words[-1]}
  unset 'words[-1]'
  mkdir -p "$work/$destination"
  for source in "${words[@]}"; do
    cp -r "$source/." "$work/$destination" 2>/dev/null || cp -r "$source" "$work/$destination"
  done
done <<<"$later"
if ! (cd "$work" && cargo fetch --locked >/dev/null 2>"$work/metadata.log"); then
  echo "Dockerfile.api's build layer cannot build: after the stubs are removed (rm -rf $removed) and the sources" >&2
  echo "copied, cargo cannot read the workspace" >&2
  cat "$work/metadata.log" >&2
  exit 1
fi
echo "Dockerfile.api's dependency layer: $(grep -c . <<<"$copies") COPY lines, every target stubbed, the workspace reads;"
echo "  then with $removed removed and $(grep -c . <<<"$later") COPY lines more, it reads again"
