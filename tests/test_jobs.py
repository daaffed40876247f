"""The job boundary: the sweep finds what Redis lost or a dead run left behind; a real worker reads a photo."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from redis import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq.job import Job, JobStatus
from rq.scheduler import RQScheduler
from rq.serializers import JSONSerializer
from sqlalchemy import text

from fieldtasks.api.context import EXTENSION
from fieldtasks.jobs.extraction import extraction_job_id
from fieldtasks.jobs.maintenance import run_sweep, running_timeout
from fieldtasks.jobs.queues import EXTRACTION, queue
from fieldtasks.services.extraction import MAX_ATTEMPTS, claim_extraction
from tests.conftest import make_environ
from tests.database import ROOT
from tests.servers import free_port
from tests.verification import hand_in, item_of, label_photo, read_photo, run_worker_burst


def test_the_sweep_enqueues_again_what_a_flushed_redis_lost(client, redis, clock):
    handed_in = hand_in(client, label_photo())
    job_id = extraction_job_id(uuid.UUID(handed_in.photo_id), 1)
    assert Job.exists(job_id, connection=redis)
    redis.flushdb()
    res = client.application.extensions[EXTENSION]
    assert run_sweep(res).requeued == 0  # too recent: probably still queued
    clock.advance(minutes=2)
    assert run_sweep(res).requeued == 1
    assert Job.exists(job_id, connection=redis)
    assert run_sweep(res).requeued == 0  # enqueued again just now: left alone for a while
    assert read_photo(client, handed_in) == "done"


def test_the_sweep_enqueues_again_a_job_left_queued_in_no_queue(client, redis, clock):
    # What a worker killed between taking the job off the queue and starting it leaves behind.
    handed_in = hand_in(client, label_photo())
    job_id = extraction_job_id(uuid.UUID(handed_in.photo_id), 1)
    extraction = queue(EXTRACTION, redis)
    redis.lrem(extraction.key, 0, job_id)
    assert Job.fetch(job_id, connection=redis, serializer=JSONSerializer).get_status() == JobStatus.QUEUED
    res = client.application.extensions[EXTENSION]
    clock.advance(minutes=2)
    assert run_sweep(res).requeued == 1
    assert extraction.get_job_position(job_id) is not None
    assert read_photo(client, handed_in) == "done"


def test_a_submit_while_redis_is_down_is_accepted_and_the_sweep_enqueues_it(client, redis, clock, monkeypatch):
    res = client.application.extensions[EXTENSION]
    monkeypatch.setattr(res, "redis", Redis(port=free_port(), socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)))
    handed_in = hand_in(client, label_photo())  # submitted: 202, though no job could be enqueued
    again = client.post(f"/tasks/{handed_in.task_id}/submit", headers=handed_in.worker)
    assert again.status_code == 202 and not redis.keys("rq:job:*")
    monkeypatch.setattr(res, "redis", redis)  # Redis is back
    clock.advance(seconds=res.config.sweep_grace_s + 1)
    assert run_sweep(res).requeued == 1
    assert read_photo(client, handed_in) == "done"


def test_a_run_that_died_is_run_again_after_its_timeout(client, clock, redis):
    handed_in = hand_in(client, label_photo())
    res = client.application.extensions[EXTENSION]
    with res.database.unit_of_work() as session:  # a run claims the photo, then is killed
        claimed = claim_extraction(
            session, uuid.UUID(handed_in.photo_id), 1, now=clock(), timeout=running_timeout(res.config)
        )
    assert claimed is not None
    job = Job.fetch(extraction_job_id(uuid.UUID(handed_in.photo_id), 1), connection=redis, serializer=JSONSerializer)
    job.set_status(JobStatus.FAILED)  # as RQ marks the job of a killed work horse
    assert read_photo(client, handed_in) == "skipped"  # it may still be alive
    clock.advance(seconds=running_timeout(res.config).total_seconds() + 1)
    assert run_sweep(res).requeued == 1
    assert read_photo(client, handed_in) == "done"
    assert item_of(client, handed_in)["verdict"] == "verified"


def test_a_photo_missing_from_storage_is_released_for_another_run(client, connection):
    """Transient (the storage may catch up): the request is freed and the error raised, for RQ to retry."""
    handed_in = hand_in(client, label_photo())
    connection.execute(text("UPDATE photos SET original_key = 'photos/not-there-yet.jpg'"))
    with pytest.raises(FileNotFoundError):
        read_photo(client, handed_in)
    assert connection.execute(text("SELECT status, attempts FROM extraction_requests")).one() == ("pending", 1)
    assert item_of(client, handed_in)["verdict"] is None


def test_a_failure_another_run_would_repeat_sends_the_photo_to_a_moderator_at_once(client, connection):
    """Not transient (here a storage key the storage refuses): no retry, the item goes to review, saying so."""
    handed_in = hand_in(client, label_photo())
    connection.execute(text("UPDATE photos SET original_key = '../outside.jpg'"))
    assert read_photo(client, handed_in) == "failed"
    assert connection.execute(text("SELECT status, attempts FROM extraction_requests")).one() == ("failed", 1)
    item = item_of(client, handed_in)
    assert item["verdict"] == "needs_review"
    assert [r["code"] for r in item["reasons"]] == ["unreadable_photo"]
    assert "internal error (ValueError)" in item["reasons"][0]["message"]


def test_a_photo_that_kills_every_run_is_given_up_and_its_item_reviewed(client, clock, connection):
    handed_in = hand_in(client, label_photo())
    connection.execute(
        text("UPDATE extraction_requests SET status = 'running', started_at = now(), attempts = :n"),
        {"n": MAX_ATTEMPTS},
    )
    res = client.application.extensions[EXTENSION]
    clock.advance(seconds=running_timeout(res.config).total_seconds() + 60)
    assert run_sweep(res).given_up == 1
    item = item_of(client, handed_in)
    assert item["verdict"] == "needs_review"
    assert [r["code"] for r in item["reasons"]] == ["unreadable_photo"]
    assert "gave up after 5 attempts" in item["reasons"][0]["message"]


@pytest.mark.slow
def test_a_real_worker_reads_the_photo_and_pays_the_item(committing_app, engine, redis):
    client = committing_app.test_client()
    handed_in = hand_in(client, label_photo(seed=11))
    result = run_worker_burst(committing_app)
    assert result.returncode == 0, result.stderr
    with engine.connect() as connection:
        verdict = connection.execute(text("SELECT verdict FROM task_items WHERE id = :i"), {"i": handed_in.item_id})
        assert verdict.scalar_one() == "verified"
        paid = connection.execute(text("SELECT balance_cents FROM ledger_accounts WHERE kind = 'worker'"))
        assert paid.scalar_one() == 40


@pytest.mark.slow
def test_a_retry_left_scheduled_by_a_killed_worker_is_run_by_the_next_workers_sweeper(committing_app, engine, redis):
    # A transient failure (the photo's file unreadable for a moment) makes RQ schedule a retry; the worker is killed
    # before its scheduler moves it; the dead scheduler's lock keeps the next worker's scheduler away for minutes.
    client = committing_app.test_client()
    handed_in = hand_in(client, label_photo(seed=12))
    storage = committing_app.extensions[EXTENSION].storage
    with engine.connect() as connection:
        key = connection.execute(text("SELECT original_key FROM photos WHERE id = :p"), {"p": handed_in.photo_id})
        original = storage.root / key.scalar_one()
    hidden = original.rename(original.with_name("hidden"))
    job_id = extraction_job_id(uuid.UUID(handed_in.photo_id), 1)
    first = start_worker(committing_app, "--no-sweep")
    try:
        assert wait_for(lambda: job_status(redis, job_id) == JobStatus.SCHEDULED, first), "no retry was scheduled"
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its scheduler, as the OOM killer would
        first.wait()
    hidden.rename(original)
    assert redis.exists(RQScheduler.get_locking_key(EXTRACTION))  # the dead scheduler's lock is still there
    started = time.monotonic()
    second = start_worker(committing_app, SWEEP_INTERVAL_S="1", SWEEP_GRACE_S="1")
    try:
        assert wait_for(lambda: verdict(engine, handed_in.item_id) == "verified", second), "the retry never ran"
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait()
    print(f"verified {time.monotonic() - started:.1f} s after the next worker started")  # RQ alone: ~10 minutes


def start_worker(app, *args: str, **config: str) -> subprocess.Popen:
    """A real worker process (and its scheduler and sweeper) in a process group of its own."""
    storage_url = app.extensions[EXTENSION].config.storage_url
    env = {**os.environ, **make_environ(STORAGE_URL=storage_url, LOG_LEVEL="INFO", **config)}
    command = [sys.executable, "worker.py", "extraction", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stderr=subprocess.DEVNULL)


def wait_for(condition, process: subprocess.Popen, limit_s: float = 120) -> bool:
    """Polls until `condition` holds; False if the process died or the limit passed (a hang, not a measure)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline and process.poll() is None:
        if condition():
            return True
        time.sleep(0.05)
    return False


def job_status(redis, job_id: str) -> JobStatus | None:
    return (
        Job.fetch(job_id, connection=redis, serializer=JSONSerializer).get_status()
        if Job.exists(job_id, redis)
        else None
    )


def verdict(engine, item_id: str) -> str | None:
    with engine.connect() as connection:
        return connection.execute(text("SELECT verdict FROM task_items WHERE id = :i"), {"i": item_id}).scalar_one()
