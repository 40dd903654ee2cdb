#!/usr/bin/env bash
# The layers, held by the build and checked here: no import cycle inside any crate (scripts/module-cycles.py),
# and no HTTP server below the server crate — jobbot-services, jobbot-assistant and jobbot-storage have no
# actix (nor awc) anywhere in their dependency trees, and storage knows nothing of the services.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$PATH"
scripts/module-cycles.py
failed=0
for crate in jobbot-storage jobbot-services jobbot-assistant; do
  tree=$(cargo tree --locked -q -p "$crate" -e normal,build --prefix none)
  server=$(grep -E '^(actix|awc)[a-z-]* ' <<<"$tree" | sort -u || true)
  if [ -n "$server" ]; then
    echo "$crate depends on the HTTP server's crates:" >&2
    echo "$server" | sed 's/^/  /' >&2
    failed=1
  else
    echo "$crate: no actix in its $(sort -u <<<"$tree" | wc -l) dependencies"
  fi
done
storage=$(cargo tree --locked -q -p jobbot-storage -e normal --prefix none)
if grep -qE '^jobbot-(services|assistant|api) ' <<<"$storage"; then
  echo "jobbot-storage depends on a crate above it" >&2
  failed=1
fi
exit "$failed"
