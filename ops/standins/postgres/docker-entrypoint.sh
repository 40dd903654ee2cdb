#!/bin/sh
# The official postgres image's contract, for the stand-in: an empty data directory is initialised with
# POSTGRES_USER (default postgres) as superuser, its password from POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE,
# and POSTGRES_DB (default: the user's name); then `postgres` runs as the postgres user, listening on every
# address, password (scram-sha-256) required from other hosts, unless POSTGRES_HOST_AUTH_METHOD says otherwise
# (`trust`: no password needed nor required, as GitLab CI's service in .gitlab-ci.yml uses it).
set -eu
if [ "$(id -u)" = 0 ]; then
  install -d -o postgres -g postgres -m 700 "$PGDATA"
  install -d -o postgres -g postgres -m 2775 /var/run/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
  POSTGRES_PASSWORD=$(cat "$POSTGRES_PASSWORD_FILE")
fi
method=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$method" != trust ]; then
    echo "POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE is required (or POSTGRES_HOST_AUTH_METHOD=trust)" >&2
    exit 1
  fi
  pwfile=$(mktemp)
  printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$pwfile"
  if [ -n "${POSTGRES_PASSWORD:-}" ]; then
    initdb --username="$user" --pwfile="$pwfile" --auth-local=trust --auth-host="$method" \
      --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  else
    initdb --username="$user" --auth-local=trust --auth-host="$method" --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  rm -f "$pwfile"
  echo "host all all all $method" >>"$PGDATA/pg_hba.conf"
  if [ "$db" != postgres ]; then
    pg_ctl -o "-c listen_addresses=''" -w start >/dev/null
    psql -v ON_ERROR_STOP=1 --username "$user" --dbname postgres -q -c "CREATE DATABASE \"$db\""
    pg_ctl -m fast -w stop >/dev/null
  fi
  echo "PostgreSQL initialised: user $user, database $db"
fi
if [ "${1:-}" = postgres ]; then
  shift
  exec postgres -c listen_addresses='*' "$@"
fi
exec "$@"
