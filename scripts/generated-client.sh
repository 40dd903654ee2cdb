#!/usr/bin/env bash
# A third-party developer's door: generates a Python client from the served OpenAPI document with a standard
# generator (openapi-python-client, PyPI), fails if it skips or warns about any operation, then uses the
# generated client against a real server: register, log in, search offers with filters, list conversations,
# read a page of messages.
#   scripts/generated-client.sh BINARY
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${1:?usage: generated-client.sh BINARY}

venv=${JOBBOT_OPENAPI_CLIENT_VENV:-$HOME/.cache/jobbot-openapi-client}
if ! "$venv/bin/openapi-python-client" --version 2>/dev/null | grep -q "0\.29\."; then
  echo "==> installing openapi-python-client 0.29 (PyPI) into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "openapi-python-client>=0.29,<0.30" "python-dateutil>=2.8"
fi
"$venv/bin/python" -c 'import dateutil' 2>/dev/null || "$venv/bin/pip" install -q "python-dateutil>=2.8"

# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
scratch_server "$bin" client
DATABASE_URL="sqlite://$work/client.sqlite3" JOBBOT_DATA_DIR="$work/data" RUST_LOG=warn \
  "$bin" offers import samples/offres-france-travail.json >/dev/null

curl -fsS "$base/api/openapi.json" -o "$work/openapi.json"
echo "==> generating a Python client from $base/api/openapi.json"
(cd "$work" && "$venv/bin/openapi-python-client" generate --path openapi.json --meta none \
  --config "$root/scripts/generated-client.yaml" --output-path jobbot_client --overwrite) >"$work/generate.log" 2>&1 || { cat "$work/generate.log"; exit 1; }
if grep -Eiq "warning|unable to|skipp|error" "$work/generate.log"; then
  echo "the generator did not take the whole document:"
  cat "$work/generate.log"
  exit 1
fi

PYTHONPATH="$work" "$venv/bin/python" "$root/scripts/generated_client_check.py" "$base" "$work/openapi.json"
