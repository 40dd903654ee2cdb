#!/usr/bin/env bash
# `make test`: everything, in the order that fails fastest.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

started=$(date +%s)
step() { printf '\n==> %s (%s s)\n' "$*" "$(($(date +%s) - started))"; }

# A build that needs no result of the step beside it runs at nice 19 while that step (which leaves a core idle)
# goes on; its log is printed only when it fails. Whatever still runs at exit is stopped.
beside_pids=()
start_beside() { # LOG CMD...
  local log=$1; shift
  nice -n 19 "$@" >"$log" 2>&1 &
  beside_pids+=($!)
}
wait_beside() { # LOG WHAT
  if ! wait "${beside_pids[-1]}"; then
    echo "$2 failed:"; cat "$1"; return 1
  fi
  unset 'beside_pids[-1]'
  echo "$2: done beside ($(wc -l <"$1") lines of log in $1)"
}
stop_beside() { for pid in "${beside_pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
# The builds beside have their own target directory: cargo locks a target directory for a whole build, so one
# shared with the tests would make them wait for each other. The SPA and the release binary share it (their
# host tools: proc macros, build scripts).
beside_target=target/beside

step "tools (wasm32 target, wasm-bindgen-cli, wasm-opt)"
scripts/ensure-tools.sh

step "make run from an empty cargo home: the fetch step brings every crate the offline SPA builds need"
scripts/check-offline-builds.sh

step "format"
cargo fmt --all -- --check

step "no lines joined by an edit (code after a comment or a closing tag)"
scripts/check-joined-lines.py

step "the layers: no import cycle inside a crate, no route module using another, no actix below the server"
scripts/check-layers.sh

step "deployment files: hadolint, compose and GitLab CI schemas, nginx -t and HTTPS with Debian's nginx"
scripts/check-deploy.sh

step "the Azure Terraform: its promises (python-hcl2) and checkov"
scripts/check-terraform.sh

step "alert rules: promtool check rules and their unit tests"
scripts/check-alerts.sh

step "clippy (native)"
cargo clippy --all-targets --locked -- -D warnings

step "clippy (wasm32: SPA and shared crates)"
cargo clippy --locked --target wasm32-unknown-unknown -p jobbot-frontend -p jobbot-frontend-console \
  -p jobbot-frontend-workspace -p jobbot-domain -p jobbot-api-types -- -D warnings

step "the SPA builds beside the tests from here to the contract checks (nice 19, log in target/spa-build.log)"
start_beside target/spa-build.log env CARGO_TARGET_DIR="$beside_target" scripts/build-spa.sh

step "PostgreSQL for the tests"
TEST_DATABASE_URL=$(scripts/postgres-url.sh)
export TEST_DATABASE_URL
trap 'stop_beside; scripts/postgres-url.sh stop; scripts/object-stores.sh stop' EXIT
echo "using ${TEST_DATABASE_URL%%\?*}"

step "object stores for the backup tests: moto's S3 server and Azurite (installed into ~/.cache when missing)"
eval "$(scripts/object-stores.sh start)"
echo "S3 at $JOBBOT_TEST_S3_ENDPOINT, Azure Blob at $JOBBOT_TEST_AZURITE_URL"

step "unit and API integration tests (SQLite and PostgreSQL)"
cargo test --locked
cargo test --locked -p jobbot-domain --features markdown

step "the OpenAPI contract: schemathesis, every check and phase, 120 s (make fuzz runs 300 s)"
scripts/schemathesis.sh target/debug/jobbot 120 20261122

step "a client generated from the served OpenAPI document (openapi-python-client) used against a real server"
scripts/generated-client.sh target/debug/jobbot

step "the SPA build (beside the API tests and the contract checks)"
wait_beside target/spa-build.log "the SPA build"

step "the release binary (the runtime image of the compose check) builds beside the browser tests (nice 19)"
start_beside target/release-build.log env CARGO_TARGET_DIR="$beside_target" cargo build --release --locked --bin jobbot

step "browser tests (Chromium, real API serving the real SPA: SQLite, PostgreSQL, a fake Mistral upstream; then through nginx as make stack runs it)"
scripts/e2e.sh target/debug/jobbot sqlite postgres mistral stack

step "the release binary (built beside the browser tests)"
wait_beside target/release-build.log "the release build"

step "docker-compose.yml, for real: the runtime images from this build, the stack up, the smoke set through its nginx, torn down"
scripts/compose-check.sh "$beside_target/release/jobbot"
step "make test passed"
