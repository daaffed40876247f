"""RQ queues, named by purpose, all using RQ's JSON serializer so jobs carry ids, never objects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from redis import Redis
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

EXTRACTION = "extraction"  # read barcodes and prices from uploaded photos
WEBHOOKS = "webhooks"  # deliver signed events to clients
MAINTENANCE = "maintenance"  # sweeps: re-enqueue lost work, pay by default after deadlines

# A worker drains them in this order: people wait on extraction, clients on webhooks.
QUEUE_NAMES = (EXTRACTION, WEBHOOKS, MAINTENANCE)


def queue(name: str, connection: Redis) -> Queue:
    return Queue(name, connection=connection, serializer=JSONSerializer)


# RQ's scheduler moves a due job to its queue within a second. One overdue by more has no scheduler: a killed
# worker's scheduler lock outlives it, and the next worker only tries to take it every 10 minutes.
SCHEDULER_SLACK = timedelta(seconds=5)

# A job in one of these states will run: another one for the same work would only repeat it.
WAITING = (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED)


def enqueue_unless_waiting(
    target: Queue, function: str, *args: Any, job_id: str, alive: tuple[JobStatus, ...] = WAITING, **options: Any
) -> bool:
    """Enqueue under `job_id` unless a job of that id is `alive`; a finished, failed, stale or orphaned one
    is replaced.

    Returns whether a job was enqueued.
    """
    if Job.exists(job_id, connection=target.connection):
        existing = Job.fetch(job_id, connection=target.connection, serializer=target.serializer)
        status = existing.get_status(refresh=False)
        if status in alive and is_held(existing, status, target):
            return False
        existing.delete()
    target.enqueue(function, *args, job_id=job_id, **options)
    return True


def is_held(job: Job, status: JobStatus, target: Queue) -> bool:
    """Is the job where its status says, so that something will run it? A worker killed as it took the
    job off the queue leaves it "queued" in no queue, and the sweep used to leave it there for good (the
    likely story of a chaos run's one photo never started, while the sweep marked it enqueued every time). A retry
    scheduled by RQ is held until it is overdue with no scheduler to move it."""
    if status == JobStatus.QUEUED:
        return target.get_job_position(job.id) is not None
    if status == JobStatus.SCHEDULED:
        return _will_be_moved(job, target)
    if status == JobStatus.DEFERRED:
        return job.id in target.deferred_job_registry
    return True


def _will_be_moved(job: Job, target: Queue) -> bool:
    """A scheduled job (an RQ retry) is held while it is not yet due, or only just due."""
    try:
        due = target.scheduled_job_registry.get_scheduled_time(job.id)
    except NoSuchJobError:
        return False
    return due > datetime.now(UTC) - SCHEDULER_SLACK
