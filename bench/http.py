"""HTTP side of the nearby benchmark: gunicorn with 2 workers, wrk for throughput, threads for claims."""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from bench.seed import CITIES
from fieldtasks.security import AccessTokens

ROOT = Path(__file__).resolve().parent.parent
CLAIMERS = 16
WRK_SCRIPT = """
math.randomseed(7)
local cities = {CITIES}
local token = os.getenv("BENCH_TOKEN")
request = function()
  local c = cities[math.random(#cities)]
  local path = string.format("/tasks/nearby?lat=%.5f&lon=%.5f&radius_m=5000&limit=20",
    c[1] + (math.random() - 0.5) * 0.2, c[2] + (math.random() - 0.5) * 0.2)
  return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token})
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, secret: str):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret,
        "STORAGE_DIR": tempfile.mkdtemp(prefix="fieldtasks-bench-"),
        "LOG_LEVEL": "WARNING",
        "RATE_LIMITS_ENABLED": "false",  # many simulated phones, one address
    }
    threads = os.environ.get("BENCH_THREADS", "1")
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "--workers",
        "2",
        "--threads",
        threads,
        "--bind",
        f"127.0.0.1:{port}",
        "wsgi:app",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def worker_tokens(engine, secret: str) -> list[str]:
    """Signed access tokens for the seeded workers (the bench does not time sign-ins)."""
    tokens = AccessTokens(secret, timedelta(hours=2))
    with engine.connect() as connection:
        ids = connection.execute(text("SELECT id FROM users WHERE role = 'worker' ORDER BY email")).scalars().all()
    now = datetime.now(UTC)
    return [tokens.issue(user_id=i, role="worker", organization_id=None, now=now)[0] for i in ids]


def wrk(port: int, path_or_script: str, seconds: int, token: str) -> float:
    """Requests per second measured by wrk (2 threads, 8 connections) on a path, or with a Lua script
    that builds the requests; refuses a run with errors."""
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s"]
    target = f"http://127.0.0.1:{port}"
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        if path_or_script.startswith("/"):
            target += path_or_script
        else:
            script.write(path_or_script)
            script.flush()
            command += ["-s", script.name]
        env = {**os.environ, "BENCH_TOKEN": token}
        output = subprocess.run([*command, target], capture_output=True, text=True, env=env, check=True).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise RuntimeError(f"wrk saw failed requests:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def claim_loop(port: int, token: str, deadline: float, rng: random.Random, log: list) -> None:
    """Find tasks around Paris, claim one at random, release it when won; until the deadline."""
    headers = {"Authorization": f"Bearer {token}"}
    lat, lon = CITIES[0]
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", f"/tasks/nearby?lat={lat}&lon={lon}&radius_m=2000&limit=20", headers=headers)
        tasks = json.loads(connection.getresponse().read())["items"]
        if not tasks:
            continue
        task_id = rng.choice(tasks)["id"]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        position = json.dumps({"lat": lat, "lon": lon})
        connection.request(
            "POST", f"/tasks/{task_id}/claim", position, headers={**headers, "Content-Type": "application/json"}
        )
        response = connection.getresponse()
        body = json.loads(response.read())
        log.append((response.status, body.get("code"), task_id, body.get("claim_generation"), token))
        if response.status == 200:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("DELETE", f"/tasks/{task_id}/claim", headers=headers)
            connection.getresponse().read()


def measure_claims(port: int, tokens: list[str], seconds: int, engine) -> dict:
    log: list = []
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=claim_loop, args=(port, token, deadline, random.Random(i), log))
        for i, token in enumerate(tokens[1 : CLAIMERS + 1])
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    wins = Counter((task, generation) for status, _, task, generation, _ in log if status == 200)
    with engine.connect() as connection:
        doubled_in_history = connection.scalar(
            text(
                "SELECT count(*) FROM (SELECT task_id FROM task_events WHERE event = 'claimed'"
                " GROUP BY task_id, details->>'claim_generation' HAVING count(*) > 1) AS doubled"
            )
        )
    return {
        "claimers": len(threads),
        "claim_seconds": seconds,
        "claim_attempts": len(log),
        "claims": sum(wins.values()),
        "taken": sum(1 for status, code, *_ in log if code == "task_taken"),
        "claims_per_s": sum(wins.values()) / elapsed,
        "double_claims": sum(1 for count in wins.values() if count > 1) + doubled_in_history,
    }


def measure(engine, database_url: str, seconds: int) -> dict:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `apt-get install wrk` (make bench installs it)")
    secret = secrets.token_urlsafe(48)
    tokens = worker_tokens(engine, secret)
    script = WRK_SCRIPT.replace("{CITIES}", "{" + ", ".join(f"{{{lat}, {lon}}}" for lat, lon in CITIES) + "}")
    with gunicorn(database_url, secret) as port:
        print(f"HTTP: /healthz for {seconds} s...", flush=True)
        wrk(port, "/healthz", 2, tokens[0])  # warm-up
        healthz = wrk(port, "/healthz", seconds, tokens[0])
        print(f"HTTP: /tasks/nearby for {seconds} s...", flush=True)
        wrk(port, script, 2, tokens[0])
        nearby = wrk(port, script, seconds, tokens[0])
        print(f"claims: {CLAIMERS} claimers for {seconds} s...", flush=True)
        claims = measure_claims(port, tokens, seconds, engine)
    return {"healthz_rps": healthz, "nearby_rps": nearby, "http_tool": "wrk -t2 -c8", **claims}
