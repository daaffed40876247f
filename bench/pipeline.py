"""Photo pipeline throughput (issue 5): `python -m bench.pipeline [--photos 30]`.

1. Extraction alone, in this process: CPU per 12 MP label photo (the baseline).
2. The same photos through the whole pipeline: handed in through the API, then read, verified and
   paid by one `worker.py --burst` process: photos verified per second per worker process.
3. RQ's own cost per job: the same worker draining as many no-op jobs.

Prints the pipeline's rate against the extraction-only rate measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rq import Queue
from rq.serializers import JSONSerializer
from sqlalchemy import create_engine, text

from bench.chaos import ROOT, RedisServer, hand_in_everything
from bench.databases import prepare_database
from fieldtasks import create_app
from fieldtasks.api.context import EXTENSION
from fieldtasks.ocr import Hints, extract
from fieldtasks.ocr.extract import one_thread_per_process

TWELVE_MP = (4000, 3000)


def burst(env: dict[str, str], queue: str) -> float:
    """Wall seconds for one worker process to drain `queue` (process start included, once)."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "worker.py", "--burst", queue], cwd=ROOT, env=env, check=True, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def extraction_only(env: dict[str, str]) -> list[float]:
    """CPU seconds of `extract` on every stored original, in this process."""
    app = create_app(env)
    res = app.extensions[EXTENSION]
    with res.database.unit_of_work() as session:
        keys = session.execute(text("SELECT original_key FROM photos ORDER BY created_at")).scalars().all()
    seconds = []
    for index, key in enumerate(keys, start=1):
        data = res.storage.get(key)
        started = time.process_time() + sum(os.times()[2:4])
        extract(data, Hints(currency="EUR"))
        seconds.append(time.process_time() + sum(os.times()[2:4]) - started)
        print(f"  extraction alone: {index}/{len(keys)}", end="\r", flush=True)
    print()
    return seconds


def main(argv: list[str] | None = None) -> int:
    one_thread_per_process()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=30, help="a multiple of 3 (3 products per store)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="fieldtasks-pipeline-"))
    redis = RedisServer(folder)
    redis.start()
    env = {
        **os.environ,
        "DATABASE_URL": prepare_database("pipeline"),
        "REDIS_URL": redis.url,
        "STORAGE_DIR": str(folder / "storage"),
        "SECRET_KEY": secrets.token_urlsafe(48),
        "RATE_LIMITS_ENABLED": "false",  # many simulated phones, one address
        "PASSWORD_HASH_PROFILE": "fast",
        "LOG_LEVEL": "WARNING",
    }
    try:
        print(f"handing in {args.photos} label photos of 12 MP through the API...", flush=True)
        photos = hand_in_everything(env, args.photos, random.Random(3), size=TWELVE_MP)
        alone = extraction_only(env)
        pipeline_s = burst(env, "extraction")
        engine = create_engine(env["DATABASE_URL"])
        with engine.connect() as connection:
            settled = connection.scalar(text("SELECT count(*) FROM task_items WHERE verdict IS NOT NULL"))
        engine.dispose()
        noop = Queue("maintenance", connection=create_app(env).extensions[EXTENSION].redis, serializer=JSONSerializer)
        for _ in range(photos):
            noop.enqueue("os.getpid", job_timeout=10, result_ttl=60)
        noop_s = burst(env, "maintenance")
    finally:
        redis.kill()
        shutil.rmtree(folder, ignore_errors=True)
    report(photos, settled, alone, pipeline_s, noop_s)
    return 0 if settled == photos else 1


def report(photos: int, settled: int, alone: list[float], pipeline_s: float, noop_s: float) -> None:
    alone_rate = len(alone) / sum(alone)
    pipeline_rate = photos / pipeline_s
    print("\nphoto pipeline, one worker process, 12 MP photos")
    print(f"  extraction alone:  {alone_rate:.2f} photos/s ({1000 * sum(alone) / len(alone):.0f} ms CPU per photo)")
    print(f"  whole pipeline:    {pipeline_rate:.2f} photos/s verified ({settled}/{photos} items settled)")
    print(f"  ratio:             {pipeline_rate / alone_rate:.2f} of extraction alone")
    print(f"  RQ per job:        {1000 * noop_s / photos:.0f} ms for a no-op job (process start included once)")
    beyond = 1000 * (pipeline_s / photos - sum(alone) / len(alone))
    print(f"                     {beyond:.0f} ms per photo job beyond extraction")


if __name__ == "__main__":
    sys.exit(main())
