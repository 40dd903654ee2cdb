#!/usr/bin/env bash
# Builds the SPA into frontend/dist with trunk (release, offline: every tool is already installed).
set -euo pipefail
cd "$(dirname "$0")/../frontend"
export PATH="$HOME/.cargo/bin:$PATH"
trunk build --release --offline
