#!/usr/bin/env python3
"""The read-path comparison of issue 10, in one run: JobBot's
`GET /api/v1/conversations/{id}/messages?limit=50` on PostgreSQL against the seed stack's twin of it
(Django + DRF + SimpleJWT under gunicorn -w 4, ../shared/anchors/drf-twin), same data, same load tool.

    scripts/bench-readpath.py [target/release/jobbot]

JobBot is seeded through its own API (25 questions of about 300 characters to the offline coach: 50 messages);
the twin gets exactly the 50 messages JobBot returns. Both are loaded with wrk (Debian's package), one after the
other: BENCH_CONNECTIONS (64) connections, 2 threads, BENCH_SECONDS (10) seconds, after a 2-second warm-up.
Prints throughput, p50/p99 and the ratio. The twin runs when its virtualenv exists (DRF_TWIN_VENV, by default
~/.cache/drf-twin-venv); otherwise the script says how to make it and measures JobBot alone.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TWIN = os.path.normpath(os.path.join(ROOT, "..", "shared", "anchors", "drf-twin"))
VENV = os.path.expanduser(os.environ.get("DRF_TWIN_VENV", "~/.cache/drf-twin-venv"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
TWIN_PACKAGES = ('django==5.2.19 djangorestframework==3.18.3 djangorestframework-simplejwt==5.5.1 '
                 'gunicorn==27.0.1 "psycopg[binary]==3.3.9"')


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(method, url, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read() or b"null")


def wait_http(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing answers at {url}")


def psql(url, sql):
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql], check=True, stdout=subprocess.DEVNULL,
                   env=dict(os.environ, PGOPTIONS="-c client_min_messages=warning"))


def wrk(url, token):
    """Warm up, then measure; returns (requests per second, p50 ms, p99 ms, errors)."""
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", "--latency", "-H", f"Authorization: Bearer {token}", url]
    subprocess.run(args[:3] + ["-d2s"] + args[3:], check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run(args[:3] + [f"-d{SECONDS}s"] + args[3:], check=True, capture_output=True,
                         text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def latency(pct):
        value, unit = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        errors += int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        errors += sum(int(x) for x in m.groups())
    return rps, latency(50), latency(99), errors


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "jobbot")
    if not shutil.which("wrk"):
        if os.geteuid() == 0 and shutil.which("apt-get"):
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
        else:
            raise SystemExit("this benchmark needs wrk (Debian package `wrk`)")
    server_url = subprocess.run([os.path.join(ROOT, "scripts", "postgres-url.sh")], check=True,
                                capture_output=True, text=True).stdout.strip()
    base = server_url.rsplit("/", 1)[0]
    psql(server_url, "DROP DATABASE IF EXISTS jobbot_bench_read")
    psql(server_url, "CREATE DATABASE jobbot_bench_read")
    work = tempfile.mkdtemp(prefix="jobbot-bench-read-")
    procs = []
    try:
        port = free_port()
        env = dict(os.environ, DATABASE_URL=f"{base}/jobbot_bench_read", JOBBOT_BIND=f"127.0.0.1:{port}",
                   JOBBOT_JWT_SECRET="bench-secret-bench-secret-bench-secret-0123", JOBBOT_AUTH_RATE_LIMIT="0",
                   JOBBOT_DATA_DIR=work, RUST_LOG="warn", JOBBOT_LLM_PROVIDER="offline")
        env.pop("MISTRAL_API_KEY", None)
        env.pop("OPENROUTER_API_KEY", None)
        log = open(os.path.join(work, "jobbot.log"), "w")
        procs.append(subprocess.Popen([binary, "serve"], env=env, stdout=log, stderr=log, start_new_session=True))
        api = f"http://127.0.0.1:{port}/api/v1"
        wait_http(f"http://127.0.0.1:{port}/healthz")
        account = {"email": "bench@example.org", "password": "Correct-Horse-42!"}
        call("POST", f"{api}/auth/register", dict(account, display_name="Bench", accept_terms=True))
        token = call("POST", f"{api}/auth/login", account)["access_token"]
        conversation = call("POST", f"{api}/conversations", {"title": "Bench"}, token)["id"]
        topics = ["mon CV", "une lettre de motivation", "un entretien d'embauche", "une reconversion",
                  "une négociation de salaire"]
        for i in range(25):
            question = (f"Question {i + 1} : pouvez-vous m'aider à préparer {topics[i % len(topics)]} pour un poste "
                        "de développeur à Lyon ? J'ai cinq ans d'expérience en Rust et en PostgreSQL, je cherche "
                        "un poste en CDI avec du télétravail partiel et une équipe bienveillante. Quels sont les "
                        "points à mettre en avant et les erreurs à éviter ?")
            call("POST", f"{api}/conversations/{conversation}/messages", {"content": question}, token)
        url = f"{api}/conversations/{conversation}/messages?limit=50"
        page = call("GET", url, token=token)
        messages = [{"role": m["role"], "content": m["content"]} for m in page["items"]]
        body = len(urllib.request.urlopen(urllib.request.Request(
            url, headers={"Authorization": f"Bearer {token}"})).read())
        chars = sum(len(m["content"]) for m in messages) // max(1, len(messages))
        print(f"data: {len(messages)} messages, {chars} characters on average, {body:,} bytes of JSON")
        assert len(messages) == 50, "expected 50 messages"
        jobbot = wrk(url, token)

        twin = None
        python = os.path.join(VENV, "bin", "python")
        if not os.path.isdir(TWIN):
            print(f"the twin is not at {TWIN}: JobBot alone")
        elif not os.path.exists(os.path.join(VENV, "bin", "gunicorn")):
            print(f"the twin's virtualenv is missing; make it with:\n  python3 -m venv {VENV}\n"
                  f"  {VENV}/bin/pip install {TWIN_PACKAGES}")
        else:
            psql(server_url, "DROP DATABASE IF EXISTS drf_twin_bench")
            psql(server_url, "CREATE DATABASE drf_twin_bench")
            host, pg_port = re.search(r"@([^:/]+):(\d+)/", server_url).groups()
            twin_env = dict(os.environ, DRF_DB="drf_twin_bench", DRF_HOST=host, DRF_PORT=pg_port,
                            PYTHONDONTWRITEBYTECODE="1")
            subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=TWIN, env=twin_env, check=True)
            seeded = subprocess.run([python, "seed.py"], cwd=TWIN, env=twin_env, check=True, input=json.dumps(messages),
                                    capture_output=True, text=True).stdout.split()
            twin_id, twin_token = seeded[0], seeded[1]
            twin_port = free_port()
            twin_log = open(os.path.join(work, "twin.log"), "w")
            procs.append(subprocess.Popen(
                [os.path.join(VENV, "bin", "gunicorn"), "-w", "4", "-b", f"127.0.0.1:{twin_port}", "--chdir", TWIN,
                 "wsgi_app:application"], env=twin_env, stdout=twin_log, stderr=twin_log, start_new_session=True))
            twin_url = f"http://127.0.0.1:{twin_port}/api/v1/conversations/{twin_id}/messages?limit=50"
            wait_http(twin_url)
            twin_body = len(urllib.request.urlopen(urllib.request.Request(
                twin_url, headers={"Authorization": f"Bearer {twin_token}"})).read())
            print(f"twin: {twin_body:,} bytes of JSON for the same page")
            twin = wrk(twin_url, twin_token)

        print(f"\nGET /conversations/{{id}}/messages?limit=50, PostgreSQL, wrk -t2 -c{CONNECTIONS} -d{SECONDS}s")
        print(f"{'':10} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for name, figures in (("JobBot", jobbot), ("DRF twin", twin)):
            if figures:
                print(f"{name:10} {figures[0]:10.0f} {figures[1]:8.2f} {figures[2]:8.2f} {figures[3]:7d}")
        print(f"goal: p99 <= 10 ms -> {'met' if jobbot[2] <= 10 else 'NOT met'} ({jobbot[2]:.2f} ms)")
        if twin:
            ratio = jobbot[0] / twin[0]
            print(f"JobBot / twin throughput: {ratio:.1f}x (goal >= 20x) -> {'met' if ratio >= 20 else 'NOT met'}")
    finally:
        for proc in procs:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
