#!/usr/bin/env bash
# `make stack`: the production shape on this machine, without Docker. PostgreSQL (the machine's on 5432, else a
# throwaway cluster), `jobbot migrate`, two `jobbot serve` instances behind Debian's nginx with the project's own
# configuration (nginx/render.sh): the app on 3000, the app + admin routes on 8000 for JOBBOT_ADMIN_ALLOW.
# In the foreground; Ctrl-C or SIGTERM stops everything.
#
#   scripts/stack.sh [BINARY]            default target/release/jobbot; needs frontend/dist (scripts/build-spa.sh)
#
#   JOBBOT_STACK_PUBLIC_PORT   3000      nginx's public port
#   JOBBOT_STACK_ADMIN_PORT    8000      nginx's admin port
#   JOBBOT_STACK_INSTANCES     2         API instances behind nginx
#   JOBBOT_STACK_DIR           data/stack   logs, nginx's rendered configuration, the JWT secret
#   JOBBOT_STACK_DATABASE_URL  (database jobbot_stack on the PostgreSQL found, created when missing)
#   JOBBOT_ADMIN_ALLOW         127.0.0.1/32,::1/128   who may use the admin port (nginx and the API both check)
# Any other JOBBOT_* / MISTRAL_* / OPENROUTER_* variable set in the environment reaches the instances.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${1:-target/release/jobbot}
[ -x "$bin" ] || { echo "stack: $bin is missing (make api, or cargo build)" >&2; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
[ -f frontend/dist/index.html ] || { echo "stack: frontend/dist is missing (scripts/build-spa.sh)" >&2; exit 1; }

public_port=${JOBBOT_STACK_PUBLIC_PORT:-3000}
admin_port=${JOBBOT_STACK_ADMIN_PORT:-8000}
instances=${JOBBOT_STACK_INSTANCES:-2}
dir=${JOBBOT_STACK_DIR:-data/stack}
export JOBBOT_ADMIN_ALLOW=${JOBBOT_ADMIN_ALLOW:-127.0.0.1/32,::1/128}
mkdir -p "$dir"
rm -f "$dir/ready"
dir=$(cd "$dir" && pwd)

nginx_bin=$(scripts/nginx-path.sh)

pids=()
stopping=""
stop() {
  [ -n "$stopping" ] && return
  stopping=1
  echo "==> stopping"
  # nginx first (QUIT: finish the requests under way), then the instances (TERM: actix drains, then exits).
  [ -f "$dir/nginx/run/nginx.pid" ] && kill -QUIT "$(cat "$dir/nginx/run/nginx.pid")" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "${started_pg:-}" ] && PG_TMP=$pg_dir scripts/postgres-url.sh stop
  echo "==> stopped"
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$public_port" "$admin_port"; do
  free "$port" || { echo "stack: port $port is taken (JOBBOT_STACK_PUBLIC_PORT / JOBBOT_STACK_ADMIN_PORT)" >&2; exit 1; }
done
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

echo "==> PostgreSQL"
if [ -n "${JOBBOT_STACK_DATABASE_URL:-}" ]; then
  database_url=$JOBBOT_STACK_DATABASE_URL
else
  pg_dir=/tmp/jobbot-stack-pg
  if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then started_pg=1; fi
  admin_url=$(PG_TMP=$pg_dir JOBBOT_TEST_PG_PORT=55433 scripts/postgres-url.sh)
  if [ "$(psql -tAq "$admin_url" -c "SELECT 1 FROM pg_database WHERE datname = 'jobbot_stack'")" != 1 ]; then
    psql -q "$admin_url" -c "CREATE DATABASE jobbot_stack" >/dev/null
  fi
  database_url="${admin_url%/*}/jobbot_stack"
fi
export DATABASE_URL=$database_url
echo "    ${DATABASE_URL%%\?*}" | sed -E 's#//([^:@/]+):[^@]*@#//\1:***@#'

# One JWT secret for every instance (a token from one is valid on the other).
if [ -z "${JOBBOT_JWT_SECRET:-}" ] && [ -z "${JOBBOT_JWT_SECRET_FILE:-}" ]; then
  [ -s "$dir/jwt-secret" ] || (umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$dir/jwt-secret")
  export JOBBOT_JWT_SECRET_FILE=$dir/jwt-secret
fi
export JOBBOT_TRUST_PROXY=true
export JOBBOT_DATA_DIR=$dir
export JOBBOT_ALLOWED_ORIGINS=${JOBBOT_ALLOWED_ORIGINS:-http://localhost:$public_port,http://127.0.0.1:$public_port,http://localhost:$admin_port,http://127.0.0.1:$admin_port}
export JOBBOT_PUBLIC_URL=${JOBBOT_PUBLIC_URL:-http://localhost:$public_port}
unset JOBBOT_STATIC_DIR JOBBOT_BIND JOBBOT_ADMIN_BIND

echo "==> jobbot migrate"
"$bin" migrate

api_upstreams=()
admin_upstreams=()
for i in $(seq 1 "$instances"); do
  port=$(free_port)
  aport=$(free_port)
  echo "==> jobbot serve #$i on 127.0.0.1:$port (admin listener 127.0.0.1:$aport), log $dir/api-$i.log"
  JOBBOT_BIND=127.0.0.1:$port JOBBOT_ADMIN_BIND=127.0.0.1:$aport "$bin" serve >"$dir/api-$i.log" 2>&1 &
  pids+=($!)
  api_upstreams+=("127.0.0.1:$port")
  admin_upstreams+=("127.0.0.1:$aport")
done
for upstream in "${api_upstreams[@]}"; do
  for _ in $(seq 1 300); do
    curl -fsS "http://$upstream/readyz" >/dev/null 2>&1 && break
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo "stack: an instance stopped:" >&2; tail -n 20 "$dir"/api-*.log >&2; exit 1; }
    done
    sleep 0.1
  done
  curl -fsS "http://$upstream/readyz" >/dev/null || { echo "stack: $upstream is not ready" >&2; exit 1; }
done

echo "==> nginx on :$public_port (public) and :$admin_port (admin: $JOBBOT_ADMIN_ALLOW)"
rm -rf "$dir/nginx"
nginx_user=()
[ "$(id -u)" = 0 ] && nginx_user=(JOBBOT_NGINX_USER=root)
env "${nginx_user[@]}" \
  JOBBOT_PUBLIC_PORT="$public_port" JOBBOT_ADMIN_PORT="$admin_port" \
  JOBBOT_API_UPSTREAMS="$(IFS=,; echo "${api_upstreams[*]}")" \
  JOBBOT_ADMIN_UPSTREAMS="$(IFS=,; echo "${admin_upstreams[*]}")" \
  JOBBOT_WEB_ROOT="$root/frontend/dist" \
  JOBBOT_ACCESS_LOG="$dir/access.log" JOBBOT_ERROR_LOG="$dir/nginx-error.log" \
  nginx/render.sh "$dir/nginx"
"$nginx_bin" -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$public_port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$public_port/readyz" >/dev/null || {
  echo "stack: nginx does not answer" >&2; cat "$dir/nginx-error.log" >&2; exit 1; }

cat <<EOF

JobBot is running through nginx:
  app     http://localhost:$public_port
  admin   http://localhost:$admin_port   (from $JOBBOT_ADMIN_ALLOW)
  logs    $dir/access.log (nginx, JSON lines), $dir/api-*.log
Ctrl-C stops it.
EOF
touch "$dir/ready"
# Until Ctrl-C / SIGTERM, or until a process stops on its own (then everything stops, with a non-zero status).
set +e
wait -n "${pids[@]}"
status=$?
[ -n "$stopping" ] && exit 0
echo "stack: a process stopped on its own (status $status)" >&2
tail -n 20 "$dir"/api-*.log "$dir/nginx-error.log" >&2 2>/dev/null
exit 1
