#!/usr/bin/env bash
# `make compose-check` (run by `make test`): docker-compose.yml itself, brought up from images built here, and the
# smoke set run through its nginx:
#   scripts/compose-check.sh BINARY      BINARY: this machine's `jobbot` (release); the SPA built in
#                                        JOBBOT_DIST (frontend/dist: scripts/build-spa.sh)
# 1. Dockerfile.api's dependency layer resolves every manifest (scripts/check-image-layers.sh).
# 2. The runtime stages of Dockerfile.api and Dockerfile.web, as the files write them, built for real with this
#    machine's binary and SPA in place of their build stages (the full builds are `make images`).
# 3. The stack of docker-compose.yml (db, migrate, two api, web, backup) with Docker's engine and docker-compose,
#    on loopback ports, a fake Mistral on the stack's gateway: the browser tests' smoke set (register, a chat
#    message over the WebSocket, an answer streamed unbuffered through nginx, the admin routes), the admin port
#    refused to an address of the stack's network that JOBBOT_ADMIN_ALLOW does not name, and a backup made by
#    the backup service's own cycle, then verified by restoring it.
# 4. Everything torn down (containers, networks, volumes, the built images): checked that nothing is left.
# Base images come from Debian's mirror where no registry is reachable (scripts/base-images.sh). Skipped, loudly,
# only where no container engine can be installed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${1:?usage: compose-check.sh BINARY}
[ -x "$bin" ] || { echo "no binary at $bin" >&2; exit 1; }
dist=${JOBBOT_DIST:-frontend/dist}
[ -f "$dist/index.html" ] || { echo "$dist is missing: run scripts/build-spa.sh" >&2; exit 1; }
started=$(date +%s)
step() { printf -- '--> %s (%ss)\n' "$*" "$(($(date +%s) - started))"; }

step "Dockerfile.api's dependency layer"
scripts/check-image-layers.sh

set +e
scripts/container-engine.sh docker
engine=$?
set -e
if [ "$engine" = 3 ]; then
  printf '\n%s\n%s\n%s\n\n' '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!' \
    '!!! SKIPPED: no container engine can run on this machine; the compose stack was NOT tested !!!' \
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!'
  exit 0
fi
[ "$engine" = 0 ] || exit "$engine"
if command -v docker-compose >/dev/null 2>&1; then compose=(docker-compose); else compose=(docker compose); fi

step "base images (debian:bookworm-slim, postgres:15-bookworm)"
scripts/base-images.sh docker debian postgres

# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
project=jobbot-check
tag=check-$$
image=localhost/jobbot-check
work=$(mktemp -d)
fake_pid=""
dc() { "${compose[@]}" --project-directory "$root" -f "$root/docker-compose.yml" -f "$work/override.yml" \
  --env-file "$work/env" "$@"; }
teardown() {
  [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null
  [ -f "$work/env" ] && dc down --volumes --remove-orphans --timeout 10 >/dev/null 2>&1
  docker rmi "$image/api:$tag" "$image/web:$tag" >/dev/null 2>&1 || true # (already removed after a pass)
  rm -rf "$work"
}
trap teardown EXIT
# What an earlier run killed midway left behind goes first (the project's name is fixed for that).
leftovers() { # KIND (container, network, volume)
  local all=()
  [ "$1" = container ] && all=(--all)
  docker "$1" ls -q "${all[@]}" --filter "label=com.docker.compose.project=$project"
}
for kind in container network volume; do
  ids=$(leftovers "$kind")
  [ -z "$ids" ] && continue
  echo "removing the ${kind}s an earlier check left: $ids"
  if [ "$kind" = container ]; then docker rm -f $ids >/dev/null; else docker "$kind" rm $ids >/dev/null; fi
done

step "the runtime stages, as the Dockerfiles write them, from this machine's binary and SPA"
# The last stage of each file, its build stage's output replaced by what this machine built.
runtime_stage() { # DOCKERFILE FROM_PATH TO_PATH
  awk '/^FROM /{ stage = "" } { stage = stage $0 "\n" } END { printf "%s", stage }' "$1" |
    sed "s#^COPY --from=[a-z]* $2 #COPY $3 #"
}
mkdir -p "$work/api" "$work/web/frontend"
runtime_stage Dockerfile.api /usr/local/bin/jobbot jobbot >"$work/api/Dockerfile"
cp "$bin" "$work/api/jobbot"
runtime_stage Dockerfile.web /src/frontend/dist frontend/dist >"$work/web/Dockerfile"
cp -r nginx "$work/web/nginx"
cp -r "$dist" "$work/web/frontend/dist"
if grep -n -- '--from=' "$work/api/Dockerfile" "$work/web/Dockerfile"; then
  echo "a runtime stage copies from a build stage this check does not replace" >&2
  exit 1
fi
for part in api web; do
  # (The classic builder: Debian's docker.io has no BuildKit. Its deprecation notice is dropped.)
  DOCKER_BUILDKIT=0 docker build -q -t "$image/$part:$tag" "$work/$part" >/dev/null 2>"$work/build-$part.log" ||
    { cat "$work/build-$part.log"; exit 1; }
done
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep ":$tag " | sed 's/^/    /'
docker image inspect -f '{{json .Config.Healthcheck}}' "$image/api:$tag" | grep -q 'healthcheck' ||
  { echo "the API image lost its HEALTHCHECK" >&2; exit 1; }

step "docker-compose.yml up (db, migrate, two api, web, backup)"
public=$(free_port)
admin=$(free_port)
fake=$(free_port)
gateway=172.30.0.1 # the frontend network's, fixed by docker-compose.yml
mkdir -p "$work/secrets" "$work/tls"
scripts/make-secrets.sh "$work/secrets" >/dev/null
chmod 644 "$work/secrets/mistral_api_key"
printf 'e2e-key' >"$work/secrets/mistral_api_key"  # what the fake Mistral accepts
chmod 444 "$work/secrets/mistral_api_key"
cat >"$work/env" <<EOF
COMPOSE_PROJECT_NAME=$project
JOBBOT_IMAGE=$image
JOBBOT_TAG=$tag
JOBBOT_PUBLIC_PORT=$public
JOBBOT_ADMIN_HOST=127.0.0.1
JOBBOT_ADMIN_PORT=$admin
JOBBOT_PUBLIC_URL=http://127.0.0.1:$public
JOBBOT_ALLOWED_ORIGINS=http://127.0.0.1:$public
JOBBOT_SECRETS_DIR=$work/secrets
JOBBOT_TLS_DIR=$work/tls
JOBBOT_LLM_PROVIDER=mistral
JOBBOT_AUTH_RATE_LIMIT=0
JOBBOT_NGINX_AUTH_RATE=20r/s
JOBBOT_NGINX_AUTH_BURST=40
RUST_LOG=warn
EOF
# The one addition to the production file: the API instances ask the fake Mistral on the gateway.
cat >"$work/override.yml" <<EOF
services:
  api:
    environment:
      MISTRAL_BASE_URL: http://$gateway:$fake/v1
      JOBBOT_LLM_MAX_RETRY_WAIT: "0.1"
EOF
if ! dc up -d --no-build >"$work/up.log" 2>&1; then
  cat "$work/up.log"; dc ps; dc logs --no-color --tail 40; exit 1
fi
(cd frontend/e2e && [ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund >/dev/null)
node frontend/e2e/support/fake-mistral.mjs "$fake" "$gateway" >"$work/fake.log" 2>&1 &
fake_pid=$!
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$public/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
dc ps
running=$(dc ps -q api | wc -l)
[ "$running" = 2 ] || { echo "expected two API instances, found $running" >&2; exit 1; }
curl -fsS "http://127.0.0.1:$public/readyz" >/dev/null || { dc logs --no-color --tail 40; exit 1; }
for id in $(dc ps -q api); do
  health=$(docker inspect -f '{{.State.Health.Status}}' "$id")
  [ "$health" = healthy ] || { echo "API container $id is $health" >&2; exit 1; }
done
[ "$(docker inspect -f '{{.State.ExitCode}}' "$(dc ps -q migrate)")" = 0 ] || { echo "migrate failed" >&2; exit 1; }

step "the smoke set through nginx (Chromium)"
if ! (cd frontend/e2e && JOBBOT_E2E_COMPOSE=1 JOBBOT_E2E_URL="http://127.0.0.1:$public" \
  JOBBOT_E2E_ADMIN_URL="http://127.0.0.1:$admin" node --test --test-concurrency=1 specs/compose.test.mjs); then
  dc logs --no-color --tail 30 api web
  exit 1
fi

step "the admin port from an address JOBBOT_ADMIN_ALLOW does not name (an API container's, on the frontend network)"
# bash's /dev/tcp: the images carry no HTTP client.
answer=$(dc exec -T api bash -c 'exec 3<>/dev/tcp/web/8000 &&
  printf "GET /api/v1/admin/users HTTP/1.0\r\nHost: web\r\n\r\n" >&3 && cat <&3' | tr -d '\r')
status=$(printf '%s\n' "$answer" | head -n 1)
case "$status" in
  *" 403 "*) printf '%s\n' "$answer" | grep -q '"code":"admin_network"' ||
    { echo "403 without the admin_network code: $answer" >&2; exit 1; } ;;
  *) echo "the admin port answered another address with: $status" >&2; exit 1 ;;
esac
echo "    refused: $status"

step "a backup by the backup service's own cycle, then verified"
dc exec -T backup jobbot backup daemon --once
dc exec -T backup jobbot backup list
dc exec -T backup jobbot backup verify --latest

step "teardown"
kill "$fake_pid"; wait "$fake_pid" 2>/dev/null || true; fake_pid=""
dc down --volumes --remove-orphans --timeout 10 >/dev/null 2>&1
docker rmi "$image/api:$tag" "$image/web:$tag" >/dev/null
left=""
for kind in container network volume; do left+=$(leftovers "$kind"); done
[ -z "$left" ] || { echo "left behind: $left" >&2; exit 1; }
step "compose check passed"
