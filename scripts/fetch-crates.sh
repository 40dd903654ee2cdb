#!/usr/bin/env bash
# The project's one fetch step: every crate of Cargo.lock, for every target (wasm32's included), into the cargo
# home in use, so the offline builds after it (the three SPA builds of scripts/spa-build.py) find all they need whatever ran before.
# scripts/check-offline-builds.sh proves it from an empty cargo home.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fetch --locked
