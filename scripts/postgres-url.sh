#!/usr/bin/env bash
# Prints a PostgreSQL URL for the test suite, trying in order:
#   1. TEST_DATABASE_URL, if set;
#   2. a server answering on 127.0.0.1:5432 (user postgres, trust auth);
#   3. a throwaway cluster started from the system's PostgreSQL binaries in $PG_TMP (installing Debian's
#      `postgresql` package first when missing and running as root). Stop it with `postgres-url.sh stop`.
set -euo pipefail
PG_TMP=${PG_TMP:-/tmp/jobbot-test-pg}
PORT=${JOBBOT_TEST_PG_PORT:-55432}

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = stop ]; then
  bin=$(pg_bin || true)
  if [ -n "$bin" ] && [ -f "$PG_TMP/data/postmaster.pid" ]; then
    as_pg "$bin/pg_ctl" -D "$PG_TMP/data" -m fast stop >/dev/null 2>&1 || true
  fi
  exit 0
fi

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  echo "$TEST_DATABASE_URL"
  exit 0
fi

answers() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h 127.0.0.1 -p "$1" -t 3
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

if answers 5432; then
  echo "postgres://postgres@127.0.0.1:5432/postgres"
  exit 0
fi

bin=$(pg_bin || true)
if [ -z "$bin" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "no PostgreSQL found: set TEST_DATABASE_URL or install Debian's postgresql package" >&2
    exit 1
  fi
  echo "==> installing PostgreSQL (Debian package)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  bin=$(pg_bin)
fi
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
  useradd --system --home-dir "$PG_TMP" postgres
fi

if ! answers "$PORT"; then
  echo "==> starting a throwaway PostgreSQL cluster on port $PORT ($PG_TMP)" >&2
  rm -rf "$PG_TMP"
  mkdir -p "$PG_TMP"
  [ "$(id -u)" = 0 ] && chown postgres "$PG_TMP"
  as_pg "$bin/initdb" -D "$PG_TMP/data" -U postgres --auth=trust -E UTF8 >/dev/null
  as_pg "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/log" -w \
    -o "-p $PORT -k $PG_TMP -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
fi
echo "postgres://postgres@127.0.0.1:$PORT/postgres"
