"""Several nodes, no shared disk (issue 21): `python -m bench.nodes [--keep]`.

Starts a real S3-compatible server (`rclone serve s3`), a Redis server and a database `<name>_nodes`, then two API
nodes (gunicorn), two workers and a sweeper, each in a working folder of its own, sharing only PostgreSQL, Redis and
the bucket. Each runs the command of its systemd unit in `deploy/` with the variables of `deploy/fieldtasks.env.example`
(servers, ports and secrets replaced by this run's).
The demo phone plays the three kinds of task (shelf prices, placement, scooter) with every request sent to the other
API node than the one before; one worker is SIGKILLed (with its work horse and scheduler) as soon as it is reading a
photo. Passes when every item has a verdict, `flask ledger check` and `flask storage check` (run on the other node)
find nothing, every photo link from the feed and the moderation cases opens through both API nodes, and no node's
folder holds a photo. Exits non-zero otherwise.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from redis import Redis
from rq import Worker

from bench.chaos import RedisServer, free_port
from bench.databases import prepare_database
from fieldtasks.demo import DEMO_PASSWORD, WORKER_EMAIL
from fieldtasks_dev.demo_phone import Phone, http_transport, play_all
from tests.storage_server import s3_server

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
RECOVERY = {"EXTRACTION_TIMEOUT_S": "20", "SWEEP_GRACE_S": "5", "SWEEP_INTERVAL_S": "2"}


@dataclass
class Node:
    name: str
    folder: Path
    process: subprocess.Popen | None = None
    port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@dataclass
class Cluster:
    env: dict[str, str]
    apis: list[Node] = field(default_factory=list)
    workers: list[Node] = field(default_factory=list)

    sweeper: Node | None = None

    def start(self, base: Path) -> None:
        for index in (1, 2):
            api = Node(f"api-{index}", base / f"api-{index}", port=free_port())
            api.process = self._spawn("fieldtasks-api.service", api.folder, API_BIND=f"127.0.0.1:{api.port}")
            self.apis.append(api)
            worker = Node(f"worker-{index}", base / f"worker-{index}")
            worker.process = self._spawn("fieldtasks-worker@.service", worker.folder)
            self.workers.append(worker)
        self.sweeper = Node("sweeper", base / "sweeper")
        self.sweeper.process = self._spawn("fieldtasks-sweeper.service", self.sweeper.folder)
        for api in self.apis:
            wait_until_serving(f"{api.url}/healthz")

    def _spawn(self, unit: str, folder: Path, **variables: str) -> subprocess.Popen:
        folder.mkdir()
        env = {**self.env, **variables}
        log = (folder / "process.log").open("w")
        command = unit_command(unit, env)
        return subprocess.Popen(command, cwd=folder, env=env, stdout=log, stderr=log, start_new_session=True)

    def flask(self, node: Node, *args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "flask", "--app", "fieldtasks", *args]
        return subprocess.run(command, cwd=node.folder, env=self.env, capture_output=True, text=True, timeout=300)

    def stop(self) -> None:
        for node in [*self.apis, *self.workers, *([self.sweeper] if self.sweeper else [])]:
            node.stop()


def unit_command(unit: str, env: dict[str, str]) -> list[str]:
    """The ExecStart of a unit in deploy/, for this checkout: /opt/fieldtasks is here, ${VAR} comes from `env`."""
    lines = (DEPLOY / unit).read_text().splitlines()
    line = next(line for line in lines if line.startswith("ExecStart="))
    words = shlex.split(line.removeprefix("ExecStart=").replace("/opt/fieldtasks", str(ROOT)))
    return [re.sub(r"\$\{(\w+)\}", lambda match: env[match.group(1)], word) for word in words]


def example_environment() -> dict[str, str]:
    """The variables of deploy/fieldtasks.env.example (KEY=VALUE lines, # comments)."""
    lines = (DEPLOY / "fieldtasks.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def wait_until_serving(url: str) -> None:
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered at {url}")


def alternating(urls: list[str]):
    """A phone transport that sends each request to the next API node in turn."""
    transports = itertools.cycle([http_transport(url) for url in urls])
    return lambda *request: next(transports)(*request)


def kill_a_busy_worker(cluster: Cluster, redis: Redis, stop: threading.Event, killed: list[str]) -> None:
    """SIGKILL the first worker seen reading a photo: its job is left started in Redis, its request running."""
    by_pid = {node.process.pid: node for node in cluster.workers}
    while not stop.is_set():
        for worker in Worker.all(connection=redis):
            node = by_pid.get(worker.pid)
            if node is not None and worker.get_current_job_id():
                node.stop(signal.SIGKILL)
                killed.append(f"{node.name} (pid {worker.pid}) while it ran {worker.get_current_job_id()}")
                return
        time.sleep(0.1)


def open_links(cluster: Cluster, phone_for) -> tuple[int, list[str]]:
    """Opens every photo link of the client feed and of the moderation cases, as given by each API node."""
    opened, failures = 0, []
    for api in cluster.apis:
        links = []
        client = phone_for(api, "client@demo.fieldtasks.test")
        links += [row["photo_url"] for row in client.call("GET", "/feeds/prices?limit=100")["items"]]
        moderator = phone_for(api, "moderator@demo.fieldtasks.test")
        for case in moderator.call("GET", "/moderation/cases?limit=100")["items"]:
            detail = moderator.call("GET", f"/moderation/cases/{case['id']}")
            links += [photo["url"] for photo in detail["photos"]]
        for link in links:
            try:
                with urllib.request.urlopen(link, timeout=10) as response:
                    assert response.read(3) == b"\xff\xd8\xff"  # a JPEG
                opened += 1
            except (OSError, AssertionError) as error:
                failures.append(f"{api.name}: {link[:80]}... {error}")
    return opened, failures


def photos_on_disk(base: Path) -> list[str]:
    return [str(path) for path in base.rglob("*") if path.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp")]


def run(keep: bool) -> int:
    base = Path(tempfile.mkdtemp(prefix="fieldtasks-nodes-"))
    nodes = base / "nodes"
    nodes.mkdir()
    redis_server = RedisServer(base)
    redis_server.start()
    print(f"working folders under {nodes}; database, Redis and an S3 server shared", flush=True)
    with s3_server(base / "s3") as s3:
        bucket = s3.new_bucket()
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("STORAGE_DIR", "STORAGE_URL")},
            **example_environment(),
            **s3.environ(),
            **RECOVERY,
            "DATABASE_URL": prepare_database("nodes"),
            "REDIS_URL": redis_server.url,
            "STORAGE_URL": f"s3://{bucket}/fieldtasks",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "RATE_LIMITS_ENABLED": "false",
            "CONSOLE_COOKIE_SECURE": "false",
            "LOG_LEVEL": "WARNING",
            "PROXY_HOPS": "0",
            "PYTHONPATH": str(ROOT),  # the units' WorkingDirectory is the code; here each node has a folder of its own
        }
        subprocess.run([sys.executable, "-m", "fieldtasks.demo"], cwd=nodes, env=env, check=True, capture_output=True)
        cluster = Cluster(env)
        redis = Redis.from_url(redis_server.url)
        stop, killed = threading.Event(), []
        try:
            cluster.start(nodes)
            urls = ", ".join(api.url for api in cluster.apis)
            print(f"2 API nodes ({urls}), 2 workers and a sweeper started", flush=True)
            killer = threading.Thread(target=kill_a_busy_worker, args=(cluster, redis, stop, killed), daemon=True)
            killer.start()
            phone = Phone(alternating([api.url for api in cluster.apis]), say=lambda line: print("  " + line))
            started = time.monotonic()
            tasks = play_all(phone, WORKER_EMAIL, DEMO_PASSWORD, wait_s=180)
            played_s = time.monotonic() - started
            stop.set()
            return report(cluster, base, tasks, killed, played_s)
        finally:
            stop.set()
            cluster.stop()
            redis.close()
            redis_server.kill()
            if not keep:
                shutil.rmtree(base, ignore_errors=True)


def report(cluster: Cluster, base: Path, tasks: list[dict], killed: list[str], played_s: float) -> int:
    items = [item for task in tasks for item in task["items"]]
    unsettled = [item["id"] for item in items if not item["verdict"]]
    other = cluster.apis[1]
    ledger = cluster.flask(other, "ledger", "check")
    storage = cluster.flask(other, "storage", "check")

    def phone_for(api: Node, email: str) -> Phone:
        phone = Phone(http_transport(api.url), say=lambda line: None)
        tokens = phone.call("POST", "/auth/token", {"email": email, "password": DEMO_PASSWORD})
        phone.headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        return phone

    opened, failures = open_links(cluster, phone_for)
    on_disk = photos_on_disk(base / "nodes")
    print("\nseveral nodes, summary")
    print(f"  played 3 kinds of task across 2 API nodes in {played_s:.0f} s: {len(items)} items, "
          f"{len(unsettled)} without a verdict; verdicts {sorted(item['verdict'] for item in items)}")  # fmt: skip
    print(f"  worker killed: {killed[0] if killed else 'none (no worker was seen reading a photo)'}")
    print(f"  ledger check on {other.name}: {ledger.stdout.strip() or ledger.stderr.strip()}")
    print(f"  storage check on {other.name}: {storage.stdout.strip().splitlines()[-1:] or storage.stderr.strip()}")
    print(f"  photo links opened through both API nodes: {opened}, failed: {len(failures)}")
    for failure in failures[:10]:
        print(f"    {failure}")
    print(f"  photo files on the nodes' disks: {len(on_disk)}")
    for path in on_disk[:10]:
        print(f"    {path}")
    ok = (
        not unsettled
        and bool(killed)
        and ledger.returncode == 0
        and storage.returncode == 0
        and opened > 0
        and not failures
        and not on_disk
    )
    print("  result: PASS" if ok else "  result: FAIL")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", action="store_true", help="keep the working folders and logs (printed at start)")
    args = parser.parse_args(argv)
    return run(args.keep)


if __name__ == "__main__":
    sys.exit(main())
