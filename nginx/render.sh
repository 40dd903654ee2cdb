#!/bin/sh
# Writes JobBot's nginx configuration from nginx/ and the environment:
#   nginx/render.sh OUT_DIR      (then: nginx -p OUT_DIR -c OUT_DIR/nginx.conf)
# The web image runs it at start (/docker-entrypoint.d); `make stack` and `make test` run it on this machine.
# POSIX sh and envsubst only (Debian: gettext-base), so it runs the same in the image and here.
#
#   JOBBOT_PUBLIC_PORT      3000            the app, for everyone
#   JOBBOT_ADMIN_PORT       8000            the app and the admin routes, for JOBBOT_ADMIN_ALLOW only
#   JOBBOT_ADMIN_ALLOW      (none)          comma-separated CIDRs allowed on the admin port; none: nobody
#   JOBBOT_API_UPSTREAMS    api:8080        the API instances' main listeners (host:port, comma-separated)
#   JOBBOT_ADMIN_UPSTREAMS  api:8001        the same instances' admin listeners (JOBBOT_ADMIN_BIND)
#   JOBBOT_WEB_ROOT         /usr/share/jobbot/web    the built SPA
#   JOBBOT_TLS_CERT         /etc/jobbot/tls/fullchain.pem   when both files are readable: HTTPS only,
#   JOBBOT_TLS_KEY          /etc/jobbot/tls/privkey.pem     plain HTTP redirected, HSTS
#   JOBBOT_NGINX_AUTH_RATE  5r/s            sign-in/sign-up requests per client address…
#   JOBBOT_NGINX_AUTH_BURST 20              …and the burst allowed above it
#   JOBBOT_ACCESS_LOG       /dev/stdout     JSON lines
#   JOBBOT_ERROR_LOG        /dev/stderr
#   JOBBOT_NGINX_RUNTIME    OUT_DIR/run     pid file and temporary files (writable by nginx's user)
#   JOBBOT_NGINX_MODULES_DIR /usr/lib/nginx/modules   where a brotli module is looked for
#   JOBBOT_NGINX_USER       (none)          the workers' user when nginx starts as root (`make stack` as root)
set -eu

out=${1:?usage: render.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/snippets"
out=$(cd "$out" && pwd)

JOBBOT_NGINX_CONF=$out
JOBBOT_PUBLIC_PORT=${JOBBOT_PUBLIC_PORT:-3000}
JOBBOT_ADMIN_PORT=${JOBBOT_ADMIN_PORT:-8000}
JOBBOT_WEB_ROOT=${JOBBOT_WEB_ROOT:-/usr/share/jobbot/web}
JOBBOT_NGINX_AUTH_RATE=${JOBBOT_NGINX_AUTH_RATE:-5r/s}
JOBBOT_NGINX_AUTH_BURST=${JOBBOT_NGINX_AUTH_BURST:-20}
JOBBOT_ACCESS_LOG=${JOBBOT_ACCESS_LOG:-/dev/stdout}
JOBBOT_ERROR_LOG=${JOBBOT_ERROR_LOG:-/dev/stderr}
JOBBOT_NGINX_RUNTIME=${JOBBOT_NGINX_RUNTIME:-$out/run}
tls_cert=${JOBBOT_TLS_CERT:-/etc/jobbot/tls/fullchain.pem}
tls_key=${JOBBOT_TLS_KEY:-/etc/jobbot/tls/privkey.pem}
modules=${JOBBOT_NGINX_MODULES_DIR:-/usr/lib/nginx/modules}
mkdir -p "$JOBBOT_NGINX_RUNTIME"

fail() { echo "render.sh: $*" >&2; exit 2; }
is_port() { case "$1" in '' | *[!0-9]*) return 1 ;; *) [ "$1" -ge 1 ] && [ "$1" -le 65535 ] ;; esac; }
is_port "$JOBBOT_PUBLIC_PORT" || fail "JOBBOT_PUBLIC_PORT is not a port: $JOBBOT_PUBLIC_PORT"
is_port "$JOBBOT_ADMIN_PORT" || fail "JOBBOT_ADMIN_PORT is not a port: $JOBBOT_ADMIN_PORT"
rate=${JOBBOT_NGINX_AUTH_RATE%r/[sm]}
{ [ "$rate" != "$JOBBOT_NGINX_AUTH_RATE" ] && is_port "$rate"; } || fail "JOBBOT_NGINX_AUTH_RATE: expected e.g. 5r/s"
is_port "$JOBBOT_NGINX_AUTH_BURST" || fail "JOBBOT_NGINX_AUTH_BURST is not a number"

# One `server host:port;` line per instance. Only host names, IPv4 or [IPv6] and a port: nothing else can
# reach the configuration.
servers() {
  list=$(printf '%s' "$2" | tr ',' ' ')
  [ -n "$list" ] || fail "$1 is empty"
  for item in $list; do
    case "$item" in
      *[!A-Za-z0-9.:_\[\]-]* | *:) fail "$1: not host:port: $item" ;;
      *:*) is_port "${item##*:}" || fail "$1: not host:port: $item" ;;
      *) fail "$1: not host:port: $item" ;;
    esac
    printf '        server %s max_fails=2 fail_timeout=5s;\n' "$item"
  done
}
JOBBOT_API_SERVERS=$(servers JOBBOT_API_UPSTREAMS "${JOBBOT_API_UPSTREAMS:-api:8080}")
JOBBOT_ADMIN_SERVERS=$(servers JOBBOT_ADMIN_UPSTREAMS "${JOBBOT_ADMIN_UPSTREAMS:-api:8001}")

# `allow CIDR;` per admin network (IPv4 or IPv6, with or without a prefix length).
JOBBOT_ADMIN_ACCESS=""
for cidr in $(printf '%s' "${JOBBOT_ADMIN_ALLOW:-}" | tr ',' ' '); do
  case "$cidr" in
    *[!0-9A-Fa-f.:/]* | /* | */ ) fail "JOBBOT_ADMIN_ALLOW: not a CIDR: $cidr" ;;
  esac
  JOBBOT_ADMIN_ACCESS="$JOBBOT_ADMIN_ACCESS        allow $cidr;
"
done

# Brotli where nginx has the module (Debian: libnginx-mod-http-brotli-static); gzip always.
JOBBOT_NGINX_MODULES=""
if [ -n "${JOBBOT_NGINX_USER:-}" ]; then
  case "$JOBBOT_NGINX_USER" in *[!A-Za-z0-9_-]*) fail "JOBBOT_NGINX_USER: not a user name" ;; esac
  JOBBOT_NGINX_MODULES="user $JOBBOT_NGINX_USER;"
fi
JOBBOT_BROTLI_STATIC=""
if [ -f "$modules/ngx_http_brotli_static_module.so" ]; then
  JOBBOT_NGINX_MODULES="$JOBBOT_NGINX_MODULES
load_module $modules/ngx_http_brotli_static_module.so;"
  JOBBOT_BROTLI_STATIC="brotli_static on;"
fi

# TLS when a certificate and its key are mounted: HTTPS only on both ports, plain HTTP sent to HTTPS (nginx's
# 497: plain HTTP on an HTTPS port), HSTS (security-headers.conf). Mozilla's "intermediate" profile.
JOBBOT_LISTEN_FLAGS=""
JOBBOT_TLS_HTTP=""
JOBBOT_TLS_SERVER=""
if [ -r "$tls_cert" ] && [ -r "$tls_key" ]; then
  JOBBOT_LISTEN_FLAGS=" ssl http2"
  JOBBOT_TLS_HTTP="    ssl_certificate $tls_cert;
    ssl_certificate_key $tls_key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:jobbot_tls:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets off;"
  JOBBOT_TLS_SERVER="        error_page 497 =301 https://\$host:\$server_port\$request_uri;"
  echo "render.sh: HTTPS with $tls_cert" >&2
elif [ -n "${JOBBOT_TLS_CERT:-}" ] || [ -n "${JOBBOT_TLS_KEY:-}" ]; then
  fail "JOBBOT_TLS_CERT and JOBBOT_TLS_KEY must both name readable files"
fi

export JOBBOT_NGINX_CONF JOBBOT_PUBLIC_PORT JOBBOT_ADMIN_PORT JOBBOT_WEB_ROOT JOBBOT_NGINX_AUTH_RATE \
  JOBBOT_NGINX_AUTH_BURST JOBBOT_ACCESS_LOG JOBBOT_ERROR_LOG JOBBOT_NGINX_RUNTIME JOBBOT_API_SERVERS \
  JOBBOT_ADMIN_SERVERS JOBBOT_ADMIN_ACCESS JOBBOT_NGINX_MODULES JOBBOT_BROTLI_STATIC JOBBOT_LISTEN_FLAGS \
  JOBBOT_TLS_HTTP JOBBOT_TLS_SERVER
# Only these names are replaced: nginx's own $variables stay as they are.
names='${JOBBOT_NGINX_CONF} ${JOBBOT_PUBLIC_PORT} ${JOBBOT_ADMIN_PORT} ${JOBBOT_WEB_ROOT} ${JOBBOT_NGINX_AUTH_RATE}
${JOBBOT_NGINX_AUTH_BURST} ${JOBBOT_ACCESS_LOG} ${JOBBOT_ERROR_LOG} ${JOBBOT_NGINX_RUNTIME} ${JOBBOT_API_SERVERS}
${JOBBOT_ADMIN_SERVERS} ${JOBBOT_ADMIN_ACCESS} ${JOBBOT_NGINX_MODULES} ${JOBBOT_BROTLI_STATIC} ${JOBBOT_LISTEN_FLAGS}
${JOBBOT_TLS_HTTP} ${JOBBOT_TLS_SERVER}'
envsubst "$names" <"$here/nginx.conf.template" >"$out/nginx.conf"
for snippet in "$here"/snippets/*.conf; do
  envsubst "$names" <"$snippet" >"$out/snippets/$(basename "$snippet")"
done
echo "render.sh: wrote $out/nginx.conf (public :$JOBBOT_PUBLIC_PORT, admin :$JOBBOT_ADMIN_PORT)" >&2
