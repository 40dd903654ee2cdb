#!/usr/bin/env bash
# The object stores the backup tests copy to, run for real on this machine: moto's S3 server (PyPI) and
# Azurite's Blob service (Microsoft's Azure Storage emulator, npm), installed into ~/.cache when missing and
# started on free ports.
#   eval "$(scripts/object-stores.sh start)"   # exports JOBBOT_TEST_S3_ENDPOINT and JOBBOT_TEST_AZURITE_URL
#   scripts/object-stores.sh stop
set -euo pipefail
cache=${XDG_CACHE_HOME:-$HOME/.cache}
state=${JOBBOT_OBJECT_STORES_DIR:-/tmp/jobbot-object-stores}

if [ "${1:-start}" = stop ]; then
  if [ -f "$state/pids" ]; then
    # shellcheck disable=SC2046
    kill $(cat "$state/pids") 2>/dev/null || true
  fi
  rm -rf "$state"
  exit 0
fi

moto=$cache/jobbot-moto/venv
if [ ! -x "$moto/bin/moto_server" ]; then
  echo "==> installing moto's S3 server (PyPI) into $moto" >&2
  python3 -m venv "$moto" >&2
  "$moto/bin/pip" install -q 'moto[server]>=5,<6' >&2
fi
azurite=$cache/jobbot-azurite
if [ ! -x "$azurite/node_modules/.bin/azurite-blob" ]; then
  echo "==> installing Azurite (npm) into $azurite" >&2
  mkdir -p "$azurite"
  (cd "$azurite" && npm install --no-audit --no-fund --silent 'azurite@3' >&2)
fi

# shellcheck source=scripts/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
rm -rf "$state" && mkdir -p "$state/azurite"
s3=$(free_port)
blob=$(free_port)
"$moto/bin/moto_server" -H 127.0.0.1 -p "$s3" >"$state/moto.log" 2>&1 &
echo $! >>"$state/pids"
"$azurite/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$blob" --location "$state/azurite" \
  --skipApiVersionCheck --silent >"$state/azurite.log" 2>&1 &
echo $! >>"$state/pids"
for port in "$s3" "$blob"; do
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "an object store did not start (port $port):" >&2; cat "$state"/*.log >&2; exit 1; }
done
echo "export JOBBOT_TEST_S3_ENDPOINT=http://127.0.0.1:$s3 JOBBOT_TEST_AZURITE_URL=http://127.0.0.1:$blob"
