#!/usr/bin/env bash
# The images' dependency layers, replayed without a container engine (`make images` builds the real images): for
# Dockerfile.api's build stage and Dockerfile.web's spa stage, the files its COPY lines bring before the stubs
# (read from the Dockerfile itself), scripts/stub-crates.sh as its RUN runs it, then cargo loading the workspace
# as the layer's `cargo build` does (`cargo fetch --locked` parses every manifest and checks every target it
# declares has its file; `cargo metadata` does not). The API's layer stubbed 3 of its 8 benchmarks once, and the
# image build stopped at once ("can't find `admin_stats` bench"); this fails the same way. Then the next layer:
# what the stubs' RUN removes afterwards, the stage's later COPY lines, and cargo reading the workspace again (the
# first real API image build stopped there: the layer removed frontend/src, which no later COPY brings back).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

copy() { # DIRECTORY: `<sources…> <destination>` lines on stdin, each source's content into the destination
  while read -r -a words; do
    [ "${#words[@]}" -ge 2 ] || continue
    destination=${words[-1]}
    unset 'words[-1]'
    mkdir -p "$1/$destination"
    for source in "${words[@]}"; do
      if [ -d "$source" ]; then cp -r "$source/." "$1/$destination"; else cp "$source" "$1/$destination"; fi
    done
  done
}

replay() { # DOCKERFILE STAGE
  local dockerfile=$1 stage=$2 dir="$work/$2"
  mkdir -p "$dir"
  # The stage's instructions, continuation lines joined.
  local instructions
  instructions=$(awk -v stage="$stage" '$1 == "FROM" && $NF == stage { on = 1; next } on && /^FROM / { exit } on' \
    "$dockerfile" | sed -e ':a' -e '/\\$/N; s/\\\n//; ta')
  local copies
  copies=$(awk '/^RUN .*stub-crates/ { exit } /^COPY / { $1 = ""; print }' <<<"$instructions")
  [ -n "$copies" ] || { echo "no COPY before the stubs in $dockerfile ($stage)" >&2; exit 1; }
  copy "$dir" <<<"$copies"
  (cd "$dir" && sh scripts/stub-crates.sh)
  if ! (cd "$dir" && cargo fetch --locked >/dev/null 2>"$work/metadata.log"); then
    echo "$dockerfile's dependency layer ($stage) cannot build: cargo cannot read the stubbed workspace" >&2
    cat "$work/metadata.log" >&2
    exit 1
  fi
  local removed later
  removed=$(grep -m 1 '^RUN .*stub-crates' <<<"$instructions" | grep -o 'rm -rf [^&]*' | sed 's/^rm -rf //' || true)
  (cd "$dir" && for path in $removed; do rm -rf $path; done)
  later=$(awk '/^RUN .*stub-crates/ { on = 1; next } on && /^COPY / { $1 = ""; print }' <<<"$instructions")
  copy "$dir" <<<"$later"
  if ! (cd "$dir" && cargo fetch --locked >/dev/null 2>"$work/metadata.log"); then
    echo "$dockerfile's next layer ($stage) cannot build: after the stubs are removed (rm -rf ${removed:-nothing})" >&2
    echo "and the sources copied, cargo cannot read the workspace" >&2
    cat "$work/metadata.log" >&2
    exit 1
  fi
  echo "$dockerfile ($stage): $(grep -c . <<<"$copies") COPY lines, every target stubbed, the workspace reads;" \
    "then with ${removed:-nothing} removed and $(grep -c . <<<"$later") COPY lines more, it reads again"
}

replay Dockerfile.api build
replay Dockerfile.web spa
