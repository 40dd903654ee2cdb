#!/usr/bin/env bash
# The incremental build after one edit: `cargo build --bin jobbot` (dev profile) timed after an edit of each FILE,
# twice, the file restored after each run (docs/BENCHMARKS.md, "Incremental builds"):
#   scripts/bench-incremental.sh crates/api/src/routes/offers.rs crates/services/src/sharing.rs
# The edit changes code, not only a comment: a `let` at the start of the file's first function and a new
# function at its end.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$PATH"
cargo build -q --bin jobbot
saved=$(mktemp)
trap 'rm -f "$saved"' EXIT
for file in "$@"; do
  cp "$file" "$saved"
  for run in 1 2; do
    python3 - "$file" "$run" <<'PY'
import re, sys
path, n = sys.argv[1], sys.argv[2]
s = open(path, encoding="utf-8").read()
m = re.search(r"\n(pub )?(async )?fn [^\n]*\{\n", s)
s = s[:m.end()] + f"    let _incremental_build_benchmark = {n};\n" + s[m.end():]
s += f"\n#[allow(dead_code)]\nfn incremental_build_benchmark() -> u32 {{\n    {n}\n}}\n"
open(path, "w", encoding="utf-8").write(s)
PY
    start=$(date +%s%N)
    if ! cargo build -q --bin jobbot; then cp "$saved" "$file"; exit 1; fi
    end=$(date +%s%N)
    cp "$saved" "$file"
    printf '%s, run %s: %d.%01d s\n' "$file" "$run" $(((end - start) / 1000000000)) $((((end - start) / 100000000) % 10))
    cargo build -q --bin jobbot
  done
done
