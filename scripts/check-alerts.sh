#!/usr/bin/env bash
# The monitoring profile's Prometheus configuration and JobBot's alert rules (ops/prometheus):
# `promtool check config` and `check rules`, then the rules' unit tests (ops/prometheus/alerts.test.yml). promtool comes with Debian's `prometheus` package, installed when missing
# and running as root.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v promtool >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing Debian's prometheus (for promtool)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq prometheus >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq prometheus >/dev/null; }
    # The package starts a Prometheus server of its own: not wanted here.
    (command -v systemctl >/dev/null 2>&1 && systemctl stop prometheus >/dev/null 2>&1) || true
    pkill -x prometheus >/dev/null 2>&1 || true
  else
    echo "promtool is missing: apt-get install prometheus" >&2
    exit 1
  fi
fi
promtool check config ops/prometheus/prometheus.yml
promtool check rules ops/prometheus/alerts.yml
(cd ops/prometheus && promtool test rules alerts.test.yml alerts-backup.test.yml)
