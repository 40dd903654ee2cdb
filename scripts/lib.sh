# Shell helpers shared by the scripts that start servers (sourced, never run).

# A TCP port free on loopback right now, chosen by the kernel.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Starts BINARY (offline coach, no login rate limit) on a free port with a scratch SQLite database under a new
# `$work` folder, removed with the server when the script exits; sets `work`, `base` and `server_pid` and
# waits until it is ready. The server's output goes to "$work/server.log".
#   scratch_server BINARY DB_NAME
scratch_server() {
  work=$(mktemp -d)
  server_pid=""
  trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
  local port
  port=$(free_port)
  base="http://127.0.0.1:$port"
  DATABASE_URL="sqlite://$work/$2.sqlite3" JOBBOT_BIND="127.0.0.1:$port" JOBBOT_DATA_DIR="$work/data" \
    JOBBOT_AUTH_RATE_LIMIT=0 JOBBOT_LLM_PROVIDER=offline RUST_LOG=warn \
    "$1" serve >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -fsS "$base/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
}
