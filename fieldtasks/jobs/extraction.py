"""Enqueueing photo extraction. The job itself (`extract_photo`) arrives with verification and pay."""

from __future__ import annotations

import uuid

from redis import Redis
from rq.job import Job

from fieldtasks.jobs.queues import EXTRACTION, queue

# Named by path so the API never imports the OCR stack; RQ's worker imports it when it runs.
EXTRACT_PHOTO = "fieldtasks.jobs.extraction.extract_photo"
EXTRACTION_TIMEOUT_S = 120


def extraction_job_id(photo_id: uuid.UUID, generation: int) -> str:
    """One job id per photo and generation, so re-enqueueing replaces rather than duplicates."""
    return f"extract-{photo_id}-{generation}"


def enqueue_extractions(redis: Redis, extractions: list[tuple[uuid.UUID, int]]) -> None:
    """Called after the submission committed: the requests are already safe in PostgreSQL.

    A job already in Redis (a repeated submission) is left alone; one Redis lost is found again
    by the sweeper from the requests in PostgreSQL.
    """
    extraction_queue = queue(EXTRACTION, redis)
    for photo_id, generation in extractions:
        if Job.exists(extraction_job_id(photo_id, generation), connection=redis):
            continue
        extraction_queue.enqueue(
            EXTRACT_PHOTO,
            str(photo_id),
            generation,
            job_id=extraction_job_id(photo_id, generation),
            job_timeout=EXTRACTION_TIMEOUT_S,
            result_ttl=3600,
            failure_ttl=7 * 86400,
        )
