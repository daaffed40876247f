"""Chaos run (issue 5): `python -m bench.chaos [--items 300] [--workers 2] [--seed 5]`.

Hands in `--items` shelf-label photos through the real API, then lets real worker processes read and
pay them while it SIGKILLs worker processes and their work horses at random moments, flushes Redis
twice and restarts it once. At the end every item must have a verdict, every photo a terminal state,
no item may be paid twice or missed, and `flask ledger check` must find nothing. Exits non-zero otherwise.

Runs on its own database (`<DATABASE_URL's name>_chaos`) and its own Redis server on a free port,
so it never touches development data.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.databases import prepare_database
from fieldtasks import create_app
from fieldtasks.api.context import EXTENSION
from fieldtasks.products import gtin_check_digit
from fieldtasks.services import payments
from fieldtasks.services.ledger_check import check_ledger
from fieldtasks_dev.synthetic import Label, careful_photograph, render_label

ROOT = Path(__file__).resolve().parent.parent
PLACE = (48.8566, 2.3522)
PRODUCTS = 3
WRONG_PRODUCT_SHARE = 0.1  # photos of another product's label: they must end in review, unpaid
RECOVERY = {"EXTRACTION_TIMEOUT_S": "20", "SWEEP_GRACE_S": "10", "SWEEP_INTERVAL_S": "3"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def random_gtin(rng: random.Random) -> str:
    body = "3" + "".join(str(rng.randint(0, 9)) for _ in range(11))
    return body + str(gtin_check_digit(body))


class RedisServer:
    """A throw-away redis-server without persistence: restarting it loses every key."""

    def __init__(self, folder: Path):
        self.port, self.folder, self.process = free_port(), folder, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            [*command, "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


@dataclass
class Workers:
    """Real `worker.py` processes (each with its sweeper), restarted whenever one dies."""

    env: dict[str, str]
    count: int
    processes: list[subprocess.Popen] = field(default_factory=list)
    restarts: int = 0

    def start_one(self) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "worker.py", "extraction", "maintenance"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def keep_alive(self) -> None:
        for index, process in enumerate(self.processes):
            if process.poll() is not None:
                self.processes[index] = self.start_one()
                self.restarts += 1
        while len(self.processes) < self.count:
            self.processes.append(self.start_one())

    def horses(self) -> list[int]:
        """Work horses: children forked by a worker (the same command line), not its spawned sweeper."""
        found = []
        for process in self.processes:
            try:
                children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
                parent = Path(f"/proc/{process.pid}/cmdline").read_bytes()
                found += [int(c) for c in children if Path(f"/proc/{c}/cmdline").read_bytes() == parent]
            except OSError:
                continue
        return found

    def stop(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def hand_in_everything(
    env: dict[str, str], items: int, rng: random.Random, size: tuple[int, int] = (1600, 1200)
) -> int:
    """Through the API, as phones would: a campaign of items/3 stores x 3 products, one worker per task."""
    app = create_app(env)
    client = app.test_client()
    password = "chaos run password"
    stores = items // PRODUCTS
    owner = client.post(
        "/auth/register",
        json={
            "email": "client@chaos.test",
            "password": password,
            "display_name": "Chaos client",
            "role": "client",
            "organization_name": "Chaos Retail",
        },
    ).json
    res = app.extensions[EXTENSION]
    with res.database.unit_of_work() as session:
        payments.credit_organization(
            session, uuid.UUID(owner["organization"]["id"]), 10**8, "EUR", "chaos", now=res.clock()
        )
    headers = _bearer(client, "client@chaos.test", password)
    gtins = [random_gtin(rng) for _ in range(PRODUCTS)]
    prices = {gtin: rng.randint(99, 1999) for gtin in gtins}  # each store within 10% of it
    now = datetime.now(UTC)
    campaign = client.post(
        "/campaigns",
        headers=headers,
        json={
            "title": "Chaos",
            "kind": "shelf_price",
            "purpose": "A chaos test.",
            "reward_cents": 35,
            "budget_cents": 35 * items,
            "starts_at": (now - timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(days=1)).isoformat(),
            "stores": [{"name": f"Store {i}", "lat": PLACE[0], "lon": PLACE[1]} for i in range(stores)],
            "products": [{"gtin": g, "name": f"Product {g}"} for g in gtins],
        },
    ).json
    assert client.post(f"/campaigns/{campaign['id']}/publish", headers=headers).status_code == 200
    handed = 0
    for index in range(stores):
        handed += _one_task(client, index, password, prices, rng, size)
        if (index + 1) % 10 == 0 or index + 1 == stores:
            print(f"  handed in {index + 1}/{stores} tasks ({handed} photos)", flush=True)
    return handed


def _bearer(client, email: str, password: str) -> dict[str, str]:
    tokens = client.post("/auth/token", json={"email": email, "password": password}).json
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def _one_task(
    client, index: int, password: str, prices: dict[str, int], rng: random.Random, size: tuple[int, int]
) -> int:
    email = f"worker{index}@chaos.test"
    client.post(
        "/auth/register", json={"email": email, "password": password, "display_name": f"W{index}", "role": "worker"}
    )
    worker = _bearer(client, email, password)
    task = client.get("/tasks/nearby", query_string={"lat": PLACE[0], "lon": PLACE[1], "limit": 1}, headers=worker)
    task_id = task.json["items"][0]["id"]
    assert (
        client.post(f"/tasks/{task_id}/claim", json={"lat": PLACE[0], "lon": PLACE[1]}, headers=worker).status_code
        == 200
    )
    fix = {
        "lat": PLACE[0],
        "lon": PLACE[1],
        "accuracy_m": 10,
        "is_mock": False,
        "recorded_at": datetime.now(UTC).isoformat(),
    }
    assert client.post(f"/tasks/{task_id}/checkin", json=fix, headers=worker).status_code == 201
    for item in client.get(f"/tasks/{task_id}", headers=worker).json["items"]:
        shown = item["gtin"] if rng.random() > WRONG_PRODUCT_SHARE else random_gtin(rng)
        price = round(prices[item["gtin"]] * rng.uniform(0.9, 1.1))
        label = Label("Chaos product", price, 1000, "kg", shown, rng.choice(["paper", "electronic"]), None)
        buffer = io.BytesIO()
        careful_photograph(render_label(label, rng), rng, size).save(buffer, "JPEG", quality=88)
        response = client.post(
            f"/tasks/{task_id}/photos",
            data={"file": (io.BytesIO(buffer.getvalue()), "label.jpg", "image/jpeg"), "gtin": item["gtin"]},
            headers={**worker, "Idempotency-Key": str(uuid.uuid4())},
            content_type="multipart/form-data",
        )
        assert response.status_code == 201, response.json
    assert client.post(f"/tasks/{task_id}/submit", headers=worker).status_code == 202
    return PRODUCTS


@dataclass
class Chaos:
    """What was done to the system, at random moments."""

    worker_kills: int = 0
    horse_kills: int = 0
    flushes: int = 0
    redis_restarts: int = 0


def progress(engine) -> tuple[int, int, int]:
    with engine.connect() as connection:
        settled, photographed = connection.execute(
            text("SELECT count(*) FILTER (WHERE verdict IS NOT NULL), count(*) FROM task_items")
        ).one()
        unfinished = connection.scalar(
            text("SELECT count(*) FROM extraction_requests WHERE status NOT IN ('done', 'failed')")
        )
    return settled, photographed, unfinished


def run(items: int, worker_count: int, seed: int, deadline_s: float) -> int:
    rng = random.Random(seed)
    database_url = prepare_database("chaos")
    folder = Path(tempfile.mkdtemp(prefix="fieldtasks-chaos-"))
    redis = RedisServer(folder)
    redis.start()
    env = {
        **os.environ,
        **RECOVERY,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis.url,
        "STORAGE_DIR": str(folder / "storage"),
        "SECRET_KEY": secrets.token_urlsafe(48),
        "RATE_LIMITS_ENABLED": "false",  # many simulated phones, one address
        "PASSWORD_HASH_PROFILE": "fast",
        "LOG_LEVEL": "WARNING",
    }
    engine = create_engine(env["DATABASE_URL"])
    workers = Workers(env, worker_count)
    try:
        print(f"handing in {items} items through the API...", flush=True)
        photos = hand_in_everything(env, items, rng)
        started = time.monotonic()
        chaos = unleash(engine, redis, workers, rng, started, deadline_s)
        elapsed = time.monotonic() - started
        return report(engine, env, photos, chaos, workers, elapsed)
    finally:
        workers.stop()
        redis.kill()
        engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)


def unleash(engine, redis, workers, rng, started, deadline_s) -> Chaos:
    """Run the workers until every item is settled, killing things for the first part of the run."""
    chaos = Chaos()
    # At least 10 kills, 2 flushes and 1 restart, spread over the first 60 s of processing.
    plan = sorted(
        [(rng.uniform(2, 60), "kill") for _ in range(12)]
        + [(rng.uniform(5, 50), "flush") for _ in range(2)]
        + [(rng.uniform(10, 45), "restart")]
    )
    workers.keep_alive()
    last_report = 0.0
    while time.monotonic() - started < deadline_s:
        now = time.monotonic() - started
        while plan and plan[0][0] <= now:
            _, action = plan.pop(0)
            strike(action, redis, workers, rng, chaos)
        workers.keep_alive()
        settled, photographed, unfinished = progress(engine)
        if now - last_report >= 5:
            print(
                f"  {now:5.0f} s: {settled}/{photographed} items settled, {unfinished} photos unfinished, "
                f"{chaos.worker_kills + chaos.horse_kills} kills so far",
                flush=True,
            )
            last_report = now
        if not plan and settled == photographed and unfinished == 0:
            break
        time.sleep(0.5)
    return chaos


def strike(action: str, redis: RedisServer, workers: Workers, rng: random.Random, chaos: Chaos) -> None:
    if action == "flush":
        try:
            subprocess.run(["redis-cli", "-p", str(redis.port), "FLUSHALL"], check=True, capture_output=True)
            chaos.flushes += 1
        except subprocess.CalledProcessError:
            pass
    elif action == "restart":
        redis.kill()
        time.sleep(1)
        redis.start()
        chaos.redis_restarts += 1
    else:
        horses = workers.horses()
        if horses and rng.random() < 0.5:
            os.kill(rng.choice(horses), signal.SIGKILL)
            chaos.horse_kills += 1
        else:
            os.kill(rng.choice(workers.processes).pid, signal.SIGKILL)
            chaos.worker_kills += 1


def report(engine, env, photos: int, chaos: Chaos, workers: Workers, elapsed: float) -> int:
    with engine.connect() as connection:
        verdicts = dict(
            connection.execute(text("SELECT coalesce(verdict, 'none'), count(*) FROM task_items GROUP BY 1")).all()
        )
        states = dict(connection.execute(text("SELECT status, count(*) FROM extraction_requests GROUP BY 1")).all())
        doubles = connection.scalar(
            text(
                "SELECT count(*) FROM (SELECT details->>'item_id' FROM ledger_transactions"
                " WHERE kind = 'item_reward' GROUP BY 1 HAVING count(*) > 1) d"
            )
        )
        missing = connection.scalar(
            text(
                "SELECT count(*) FROM task_items i WHERE i.verdict IN ('verified', 'approved', 'no_fault')"
                " AND NOT EXISTS (SELECT 1 FROM ledger_transactions t"
                " WHERE t.key = concat('item:', i.id, chr(58), 'reward'))"
            )
        )
    app = create_app(env)
    with app.extensions[EXTENSION].database.unit_of_work() as session:
        findings = check_ledger(session)
    total = sum(verdicts.values())
    print("\nchaos run summary")
    print(f"  items: {total} ({photos} photos), settled in {elapsed:.0f} s: {verdicts}")
    print(f"  photos: {states}")
    print(
        f"  chaos: {chaos.worker_kills} worker kills, {chaos.horse_kills} work-horse kills (SIGKILL), "
        f"{chaos.flushes} Redis flushes, {chaos.redis_restarts} Redis restart; {workers.restarts} worker restarts"
    )
    print(f"  double payments: {doubles}, missing payments: {missing}, ledger check findings: {len(findings)}")
    for finding in findings[:20]:
        print(f"    {finding}")
    ok = (
        verdicts.get("none", 0) == 0
        and set(states) <= {"done", "failed"}
        and doubles == 0
        and missing == 0
        and not findings
        and chaos.worker_kills + chaos.horse_kills >= 10
    )
    print("  result: PASS" if ok else "  result: FAIL")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--deadline", type=float, default=420, help="seconds to wait for every item to settle")
    args = parser.parse_args(argv)
    return run(args.items, args.workers, args.seed, args.deadline)


if __name__ == "__main__":
    sys.exit(main())
