#!/usr/bin/env bash
# Runs the browser tests against the real `jobbot` binary serving the built SPA, once per backend.
#   scripts/e2e.sh BINARY [sqlite|postgres|mistral|stack ...]
# `sqlite` and `postgres` run with the offline assistant; `mistral` runs on SQLite against a fake Mistral
# upstream (frontend/e2e/support/fake-mistral.mjs); `stack` runs `make stack`'s shape (scripts/stack.sh:
# PostgreSQL, two instances behind Debian's nginx) with the fake Mistral, then stops it with SIGTERM and checks
# that it stopped cleanly. Needs frontend/dist (scripts/build-spa.sh). Installs Debian's chromium and the npm
# packages when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${1:?usage: e2e.sh BINARY [backends...]}
shift
backends=("${@:-sqlite}")

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "Debian's chromium is missing: apt-get install chromium" >&2
    exit 1
  fi
  echo "==> installing Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
if [ ! -d frontend/e2e/node_modules/playwright-core ]; then
  (cd frontend/e2e && npm ci --no-audit --no-fund)
fi
[ -f frontend/dist/index.html ] || { echo "frontend/dist is missing: run scripts/build-spa.sh" >&2; exit 1; }

# An admin account per run (the console's browser test): `jobbot user create --role admin`, password on stdin.
admin_email="admin-e2e-$$@example.fr"
admin_password="Admin-e2e-$RANDOM-$RANDOM-solide"
export JOBBOT_E2E_ADMIN_EMAIL="$admin_email" JOBBOT_E2E_ADMIN_PASSWORD="$admin_password"
# A recruiter (the recruiter's browser test posts, closes and reopens an offer).
export JOBBOT_E2E_RECRUITER_EMAIL="recruteuse-e2e-$$@example.fr" JOBBOT_E2E_RECRUITER_PASSWORD="$admin_password"
create_admin() { # DATABASE_URL (and the recruiter)
  printf '%s\n' "$admin_password" | DATABASE_URL="$1" RUST_LOG=warn "$bin" user create --email "$admin_email" --role admin >/dev/null &&
    printf '%s\n' "$admin_password" | DATABASE_URL="$1" RUST_LOG=warn "$bin" user create \
      --email "$JOBBOT_E2E_RECRUITER_EMAIL" --role recruiter >/dev/null
}

# The sample of France Travail offers (the workspace's browser test searches them).
load_offers() { # DATABASE_URL
  DATABASE_URL="$1" RUST_LOG=warn "$bin" offers import samples/offres-france-travail.json >/dev/null
}

# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

work=$(mktemp -d)
server_pid=""
fake_pid=""
stack_pid=""
cleanup() {
  [ -n "$stack_pid" ] && kill "$stack_pid" 2>/dev/null && wait "$stack_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

status=0
start_fake_mistral() {
  fake_port=$(free_port)
  node frontend/e2e/support/fake-mistral.mjs "$fake_port" >"$work/fake.log" 2>&1 &
  fake_pid=$!
  # Two models to pick from, and a fallback (the model picker's browser test).
  llm=(JOBBOT_LLM_PROVIDER=mistral MISTRAL_API_KEY=e2e-key "MISTRAL_BASE_URL=http://127.0.0.1:$fake_port/v1"
    "JOBBOT_LLM_MODELS=mistral-small-latest=Mistral Small;mistral-large-latest=Mistral Large|2:6"
    JOBBOT_LLM_FALLBACK_MODEL=open-mistral-nemo JOBBOT_LLM_MAX_RETRY_WAIT=0.1)
}

# The stack: nginx on two free ports, two instances on a fresh PostgreSQL database, the fake Mistral.
run_stack() {
  local admin name public admin_port status=0
  admin=$(scripts/postgres-url.sh)
  name="jobbot_e2e_stack_$$_$RANDOM"
  psql -q "$admin" -c "CREATE DATABASE $name" >/dev/null
  start_fake_mistral
  public=$(free_port)
  admin_port=$(free_port)
  echo "==> browser tests through nginx (make stack's shape): http://127.0.0.1:$public, admin :$admin_port"
  env "${llm[@]}" JOBBOT_STACK_DATABASE_URL="${admin%/*}/$name" JOBBOT_STACK_DIR="$work/stack" \
    JOBBOT_STACK_PUBLIC_PORT="$public" JOBBOT_STACK_ADMIN_PORT="$admin_port" JOBBOT_AUTH_RATE_LIMIT=0 \
    JOBBOT_ALERTS_EVERY_SECONDS=2 \
    JOBBOT_NGINX_AUTH_RATE=20r/s JOBBOT_NGINX_AUTH_BURST=40 JOBBOT_ADMIN_ALLOW=127.0.0.1/32 RUST_LOG=warn \
    scripts/stack.sh "$bin" >"$work/stack.log" 2>&1 &
  stack_pid=$!
  for _ in $(seq 1 300); do
    [ -f "$work/stack/ready" ] && break
    kill -0 "$stack_pid" 2>/dev/null || break
    sleep 0.2
  done
  if [ ! -f "$work/stack/ready" ]; then
    echo "the stack did not start:"; cat "$work/stack.log"; status=1
  elif ! create_admin "${admin%/*}/$name" || ! load_offers "${admin%/*}/$name"; then
    echo "cannot create the admin account or load the sample offers"; status=1
  elif ! (cd frontend/e2e && JOBBOT_E2E_URL="http://127.0.0.1:$public" \
    JOBBOT_E2E_ADMIN_URL="http://127.0.0.1:$admin_port" JOBBOT_E2E_ACCESS_LOG="$work/stack/access.log" \
    npm test --silent); then
    status=1
    echo "--- stack logs ---"; tail -n 30 "$work/stack.log" "$work/stack"/api-*.log "$work/stack/nginx-error.log"
  fi
  # Ctrl-C / SIGTERM stops everything, with status 0, and frees the ports.
  kill -TERM "$stack_pid"
  if ! wait "$stack_pid"; then echo "the stack did not stop cleanly:"; tail -n 20 "$work/stack.log"; status=1; fi
  stack_pid=""
  for port in "$public" "$admin_port" $(grep -o 'on 127.0.0.1:[0-9]*\|listener 127.0.0.1:[0-9]*' "$work/stack.log" | cut -d: -f2); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "port $port still answers after the stop"; status=1; fi
  done
  if pgrep -f "$work/stack" >/dev/null; then echo "processes of the stack remain:"; pgrep -af "$work/stack"; status=1; fi
  kill "$fake_pid"; wait "$fake_pid" 2>/dev/null || true; fake_pid=""
  psql -q "$admin" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null || true
  return $status
}

for backend in "${backends[@]}"; do
  if [ "$backend" = stack ]; then
    run_stack || status=1
    continue
  fi
  llm=(JOBBOT_LLM_PROVIDER=offline)
  case "$backend" in
    sqlite) db_url="sqlite://$work/e2e.sqlite3" ;;
    mistral)
      db_url="sqlite://$work/e2e-mistral.sqlite3"
      start_fake_mistral
      ;;
    postgres)
      admin=$(scripts/postgres-url.sh)
      name="jobbot_e2e_$$_$RANDOM"
      psql -q "$admin" -c "CREATE DATABASE $name" >/dev/null
      db_url="${admin%/*}/$name"
      ;;
    *) echo "unknown backend $backend" >&2; exit 2 ;;
  esac
  port=$(free_port)
  echo "==> browser tests on $backend (http://127.0.0.1:$port)"
  env "${llm[@]}" DATABASE_URL="$db_url" JOBBOT_BIND="127.0.0.1:$port" JOBBOT_STATIC_DIR="$root/frontend/dist" \
    JOBBOT_DATA_DIR="$work/data" JOBBOT_ALLOWED_ORIGINS="http://127.0.0.1:$port" JOBBOT_AUTH_RATE_LIMIT=0 \
    JOBBOT_ALERTS_EVERY_SECONDS=2 \
    RUST_LOG=warn "$bin" serve >"$work/server-$backend.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  create_admin "$db_url"
  load_offers "$db_url"
  if ! (cd frontend/e2e && JOBBOT_E2E_URL="http://127.0.0.1:$port" npm test --silent); then
    status=1
    echo "--- server log ($backend) ---"; tail -n 50 "$work/server-$backend.log"
  fi
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  if [ -n "$fake_pid" ]; then kill "$fake_pid"; wait "$fake_pid" 2>/dev/null || true; fake_pid=""; fi
  if [ "$backend" = postgres ]; then
    psql -q "$admin" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null || true
  fi
done
exit $status
