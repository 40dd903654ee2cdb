#!/usr/bin/env bash
# `make images`: the two production images, built from Dockerfile.api and Dockerfile.web unchanged (the full
# Rust builds run inside the build containers), with podman:
#   scripts/images.sh [TAG]        images jobbot-api:TAG and jobbot-web:TAG (TAG: local)
# The base images come from Debian's mirror where no registry is reachable (scripts/base-images.sh). Cargo's
# HTTPS (crates.io, through this machine's TLS-intercepting proxy) needs the host's CA bundle: it is mounted at
# build time, never copied into a layer, beside a cargo configuration that names it (/.cargo/config.toml, which
# cargo reads from every working directory below /). Not over /etc/ssl/certs/ca-certificates.crt: the runtime
# stages install Debian's ca-certificates, whose postinst rewrites that file and fails on a read-only mount.
# Prints each build's time and the images' sizes (docs/DEPLOYMENT.md keeps the figures).
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:-local}
scripts/container-engine.sh podman
scripts/base-images.sh podman debian rust
ca=${JOBBOT_BUILD_CA:-/etc/ssl/certs/ca-certificates.crt}
mount=()
if [ -f "$ca" ]; then
  cargo_config=$(mktemp)
  trap 'rm -f "$cargo_config"' EXIT
  printf '[http]\ncainfo = "/run/jobbot-build/ca.crt"\n' >"$cargo_config"
  chmod 644 "$cargo_config"
  mount=(-v "$ca:/run/jobbot-build/ca.crt:ro" -v "$cargo_config:/.cargo/config.toml:ro")
fi
for image in api web; do
  start=$(date +%s)
  echo "==> jobbot-$image:$tag from Dockerfile.$image"
  podman build --format docker "${mount[@]}" -f "Dockerfile.$image" -t "jobbot-$image:$tag" .
  echo "==> jobbot-$image:$tag built in $(($(date +%s) - start)) s"
done
podman image inspect -f '{{.Id}}' "jobbot-api:$tag" >/dev/null
podman images --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | grep -E "jobbot-(api|web):$tag"
# What a container of each answers, without a network: the binary's version and nginx's configuration test.
podman run --rm --network none "jobbot-api:$tag" --version
podman run --rm --network none --entrypoint /bin/sh -e JOBBOT_API_UPSTREAMS=127.0.0.1:8080 \
  -e JOBBOT_ADMIN_UPSTREAMS=127.0.0.1:8001 "jobbot-web:$tag" -c \
  '/usr/share/jobbot/nginx/render.sh /run/jobbot-nginx && nginx -t -p /run/jobbot-nginx -c /run/jobbot-nginx/nginx.conf'
podman image inspect -f '{{json .Config.Healthcheck}}' "jobbot-api:$tag" | grep -q healthcheck ||
  { echo "the API image lost its HEALTHCHECK (podman build without --format docker?)" >&2; exit 1; }
