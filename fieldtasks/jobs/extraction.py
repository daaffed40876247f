"""Enqueueing photo extraction, after commit (the job itself is in photo_reading: the API never loads OCR)."""

from __future__ import annotations

import logging
import uuid

from redis import Redis
from redis.exceptions import RedisError
from rq import Retry
from rq.job import JobStatus

from fieldtasks.jobs.queues import EXTRACTION, WAITING, enqueue_unless_waiting, queue

log = logging.getLogger("fieldtasks.jobs")

# Named by path so the API never imports the OCR stack; RQ's worker imports it when it runs.
EXTRACT_PHOTO = "fieldtasks.jobs.photo_reading.extract_photo"


def extraction_job_id(photo_id: uuid.UUID, generation: int) -> str:
    """One job id per photo and generation, so re-enqueueing replaces rather than duplicates."""
    return f"extract-{photo_id}-{generation}"


def enqueue_extractions(
    redis: Redis, extractions: list[tuple[uuid.UUID, int]], *, timeout_s: int, found_stuck: bool = False
) -> int:
    """Called after commit: the requests are already safe in PostgreSQL, so a lost Redis loses nothing
    (the sweeper finds them again). Returns how many jobs were enqueued.

    With `found_stuck` (the sweeper's requests, past their deadline), a job Redis still shows as
    started belongs to a killed worker and is replaced too.
    """
    alive = WAITING if found_stuck else (*WAITING, JobStatus.STARTED)
    extraction_queue = queue(EXTRACTION, redis)
    enqueued = 0
    for photo_id, generation in extractions:
        enqueued += enqueue_unless_waiting(
            extraction_queue,
            EXTRACT_PHOTO,
            str(photo_id),
            generation,
            job_id=extraction_job_id(photo_id, generation),
            alive=alive,
            job_timeout=timeout_s,
            result_ttl=3600,
            failure_ttl=7 * 86400,
            retry=Retry(max=3, interval=[5, 30, 60]),
        )
    return enqueued


def enqueue_after_commit(redis: Redis, extractions: list[tuple[uuid.UUID, int]], *, timeout_s: int) -> None:
    """From a request whose work is committed: with Redis down, the answer is still "accepted" (it is recorded);
    the sweeper enqueues the requests once they are older than SWEEP_GRACE_S."""
    try:
        enqueue_extractions(redis, extractions, timeout_s=timeout_s)
    except RedisError as error:
        log.warning("extraction left to the sweeper", extra={"photos": len(extractions), "error": repr(error)})
