"""RQ queues, named by purpose, all using RQ's JSON serializer so jobs carry ids, never objects."""

from __future__ import annotations

from typing import Any

from redis import Redis
from rq import Queue
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

EXTRACTION = "extraction"  # read barcodes and prices from uploaded photos
WEBHOOKS = "webhooks"  # deliver signed events to clients
MAINTENANCE = "maintenance"  # sweeps: re-enqueue lost work, pay by default after deadlines

# A worker drains them in this order: people wait on extraction, clients on webhooks.
QUEUE_NAMES = (EXTRACTION, WEBHOOKS, MAINTENANCE)


def queue(name: str, connection: Redis) -> Queue:
    return Queue(name, connection=connection, serializer=JSONSerializer)


# A job in one of these states will run: another one for the same work would only repeat it.
WAITING = (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED)


def enqueue_unless_waiting(
    target: Queue, function: str, *args: Any, job_id: str, alive: tuple[JobStatus, ...] = WAITING, **options: Any
) -> bool:
    """Enqueue under `job_id` unless a job of that id is `alive`; a finished, failed or stale one is replaced.

    Returns whether a job was enqueued.
    """
    if Job.exists(job_id, connection=target.connection):
        existing = Job.fetch(job_id, connection=target.connection, serializer=target.serializer)
        if existing.get_status(refresh=False) in alive:
            return False
        existing.delete()
    target.enqueue(function, *args, job_id=job_id, **options)
    return True
