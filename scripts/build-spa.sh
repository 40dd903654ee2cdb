#!/usr/bin/env bash
# Builds the SPA into frontend/dist with trunk (release, offline: every tool is already installed), then moves
# trunk's inline loader into a file of its own so the strict Content-Security-Policy holds (no inline script).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
(cd frontend && trunk build --release --offline)
python3 scripts/spa-loader.py frontend/dist
