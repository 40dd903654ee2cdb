#!/usr/bin/env bash
# Prints the path of Debian's nginx, installing it (with the brotli module) when missing and running as root.
# Used by scripts/stack.sh and scripts/check-deploy.sh.
set -euo pipefail
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "Debian's nginx is missing: apt-get install nginx libnginx-mod-http-brotli-static" >&2
    exit 1
  fi
  echo "==> installing Debian's nginx" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq nginx libnginx-mod-http-brotli-static >/dev/null 2>&1 ||
    { apt-get update -qq >&2 && apt-get install -y -qq nginx libnginx-mod-http-brotli-static >/dev/null; }
fi
# An nginx installed without the brotli module (a bare `apt-get install nginx`) gets it too: the SPA is served
# precompressed as brotli where the module is.
if [ ! -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] && [ "$(id -u)" = 0 ] &&
  command -v apt-get >/dev/null 2>&1; then
  echo "==> installing Debian's brotli module for nginx" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq libnginx-mod-http-brotli-static >/dev/null 2>&1 ||
    { apt-get update -qq >&2 && apt-get install -y -qq libnginx-mod-http-brotli-static >/dev/null 2>&1; } || true
fi
command -v nginx || echo /usr/sbin/nginx
