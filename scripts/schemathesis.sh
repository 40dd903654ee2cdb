#!/usr/bin/env bash
# Checks that the OpenAPI document is the exact contract: schemathesis 4 (every check, every phase) against a
# fresh `jobbot` seeded with a user, a write token, a conversation, a chat and a share, so stateful tests reach
# them. Fails on any failure.
#   scripts/schemathesis.sh BINARY [SECONDS [SEED]]   (default 120 s and a random seed; `make test` runs 120 s
#   with a fixed seed so it is reproducible, `make fuzz` 300 s with a new seed each time)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${1:?usage: schemathesis.sh BINARY [SECONDS]}
seconds=${2:-120}
seed=${3:-}

venv=${JOBBOT_SCHEMATHESIS_VENV:-$HOME/.cache/jobbot-schemathesis}
if ! "$venv/bin/st" --version 2>/dev/null | grep -q "version 4\."; then
  echo "==> installing schemathesis 4 (PyPI) into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis>=4.3,<5"
fi

# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
scratch_server "$bin" st

# Seed: two users, a write token, a conversation with an answer, a chat between them and a live share.
python3 - "$base" "$work/seed.env" <<'PY'
import json, sys, urllib.request
base, out = sys.argv[1], sys.argv[2]
def call(method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req) as r:
        text = r.read()
        return json.loads(text) if text else None
password = "Un-mot-de-passe-solide-42"
for email in ("st-owner@example.fr", "st-friend@example.fr"):
    call("POST", "/api/v1/auth/register", {"email": email, "password": password, "display_name": "ST", "accept_terms": True})
access = call("POST", "/api/v1/auth/login", {"email": "st-owner@example.fr", "password": password})["access_token"]
token = call("POST", "/api/v1/me/tokens", {"name": "schemathesis", "scope": "write"}, access)["secret"]
conversation = call("POST", "/api/v1/conversations", {}, token)["id"]
call("POST", f"/api/v1/conversations/{conversation}/messages", {"content": "Comment rédiger mon CV ?"}, token)
chat = call("POST", "/api/v1/chats", {"participant_email": "st-friend@example.fr"}, token)["id"]
share = call("POST", f"/api/v1/chats/{chat}/shares", {"conversation_id": conversation, "mode": "live"}, token)["share"]["id"]
with open(out, "w") as f:
    f.write(f"ST_TOKEN={token}\nST_CONVERSATION={conversation}\nST_CHAT={chat}\nST_SHARE={share}\n")
PY
# shellcheck disable=SC1091
source "$work/seed.env"

export ST_CONVERSATION ST_CHAT ST_SHARE

echo "==> schemathesis: every check, every phase, ${seconds}s against $base"
status=0
# Run from the scratch folder: schemathesis and hypothesis keep their caches in the working directory.
# scripts/schemathesis_hooks.py: real PDFs for the CV upload (schemathesis generates no application/pdf itself).
(cd "$work" && PYTHONPATH="$root/scripts" SCHEMATHESIS_HOOKS=schemathesis_hooks "$venv/bin/st" --no-color --config-file "$root/scripts/schemathesis.toml" run "$base/api/openapi.json" \
  --max-time "$seconds" --request-timeout 15 ${seed:+--seed "$seed"} \
  -H "Authorization: Bearer $ST_TOKEN") >"$work/report.txt" 2>&1 || status=$?
sed -n '/SUMMARY/,$p' "$work/report.txt"
if [ "$status" != 0 ]; then
  cp "$work/report.txt" "$root/target/schemathesis-report.txt" 2>/dev/null || true
  echo "--- failures (full report: target/schemathesis-report.txt) ---"
  grep -E "^_+ |^- ST|Received:|Documented:|Expected:|Invalid component|^\[[0-9]+\]|^    \`" "$work/report.txt" | head -150
  echo "--- server log ---"; tail -n 20 "$work/server.log"
fi
exit "$status"
