"""The sweep: enqueue extraction jobs Redis lost, give up on poisoned photos, pay overdue reviews, refresh
task time estimates, settle the hourly floor of the week that ended 7 days ago."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from datetime import timedelta

from fieldtasks.config import Config
from fieldtasks.jobs.extraction import enqueue_extractions
from fieldtasks.jobs.webhooks import enqueue_deliveries
from fieldtasks.resources import Resources
from fieldtasks.services import escrow, estimates, extraction, floor, moderation, verification, webhooks

RQ_MARGIN = timedelta(seconds=15)  # for RQ to kill a job past its timeout and let go of it


def running_timeout(config: Config) -> timedelta:
    """A request running longer than this lost its run (killed, or its worker died)."""
    return timedelta(seconds=config.extraction_timeout_s) + RQ_MARGIN


log = logging.getLogger("fieldtasks.sweep")


@dataclass(frozen=True)
class SweepReport:
    requeued: int
    given_up: int
    approved_by_deadline: int
    deliveries: int = 0  # webhook deliveries enqueued (due retries, or ones Redis lost)
    released_cents: int = 0  # escrow of closed campaigns given back to their clients


def run_sweep(res: Resources) -> SweepReport:
    """One pass; safe to run from several processes at once (rows are taken with SKIP LOCKED)."""
    now = res.clock()
    with res.database.unit_of_work() as session:
        lost = extraction.find_lost_extractions(
            session, now=now, timeout=running_timeout(res.config), grace=timedelta(seconds=res.config.sweep_grace_s)
        )
        for task_id in set(lost.given_up):
            verification.settle_task(session, task_id, now=now)
    timeout_s = res.config.extraction_timeout_s
    requeued = enqueue_extractions(res.redis, lost.enqueue, timeout_s=timeout_s, found_stuck=True)
    with res.database.unit_of_work() as session:
        ahead = timedelta(seconds=res.config.sweep_interval_s)
        approved = moderation.pay_overdue_cases(session, now=res.clock(), ahead=ahead)
    with res.database.unit_of_work() as session:
        released = escrow.release_closed_campaigns(session, now=res.clock())
    with res.database.unit_of_work() as session:
        estimates.refresh_task_minutes(session, now=res.clock())
    with res.database.unit_of_work() as session:
        floor.settle_due_week(session, wages=res.config.min_hourly_wage_cents, now=res.clock())
    with res.database.unit_of_work() as session:
        floor.revisit_won_appeals(session, wages=res.config.min_hourly_wage_cents, now=res.clock())
    with res.database.unit_of_work() as session:
        due = webhooks.due_deliveries(session, now=res.clock())
    deliveries = enqueue_deliveries(res.redis, due)
    report = SweepReport(requeued, len(lost.given_up), approved, deliveries, released)
    if requeued or lost.given_up or approved or deliveries or released:
        log.info("sweep", extra=report.__dict__)
    return report


def sweep_forever(res: Resources, interval_s: float, parent_pid: int | None = None) -> None:
    """Sweep every `interval_s` seconds; stop when the parent process (the worker) is gone."""
    while parent_pid is None or os.getppid() == parent_pid:
        try:
            run_sweep(res)
        except Exception:  # a lost database or Redis: try again next round
            log.exception("sweep failed")
        time.sleep(interval_s)


def sweeper_main(interval_s: float, parent_pid: int) -> None:
    """Entry point of the sweeper process `worker.py` starts beside its RQ worker."""
    from fieldtasks.config import load_config
    from fieldtasks.logs import configure_logging
    from fieldtasks.resources import build_resources

    config = load_config()
    configure_logging(config.log_level)
    sweep_forever(build_resources(config), interval_s, parent_pid)
