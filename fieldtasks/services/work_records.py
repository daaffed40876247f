"""A worker's record of their work, theirs to take elsewhere: facts from the database, signed by the platform."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldtasks.errors import NotFoundError
from fieldtasks.models import (
    AccountKind,
    BriefRead,
    Campaign,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Organization,
    Qualification,
    Task,
    TaskItem,
    TaskStatus,
    User,
    Verdict,
    WorkerQualification,
    seconds_on_task,
)
from fieldtasks.moments import rfc3339
from fieldtasks.services.briefs import BRIEFING
from fieldtasks.services.payments import REWARD

RECORD_FORMAT = "fieldtasks.work-record/2"  # 2: signed over RFC 8785 canonical JSON
EARNING_KINDS = (REWARD, BRIEFING)  # pay for work; reimbursed costs are not earnings


def work_record(session: Session, worker_id: uuid.UUID, *, issuer: str, now: datetime) -> dict[str, Any]:
    """Tasks by kind and month, items and their outcomes, hours, earnings, clients the worker may name."""
    worker = session.get(User, worker_id)
    if worker is None:
        raise NotFoundError("No such worker.")
    mine = (Task.claimed_by_id == worker_id) & (Task.status == TaskStatus.SUBMITTED)
    return {
        "format": RECORD_FORMAT,
        "issuer": issuer,
        "issued_at": rfc3339(now),
        "worker": {"id": str(worker.id), "display_name": worker.display_name, "since": rfc3339(worker.created_at)},
        "tasks": _tasks_by_kind_and_month(session, mine),
        "items": _items(session, mine),
        "hours": _hours(session, worker_id, mine),
        "earnings": _earnings(session, worker_id),
        "qualifications": _qualifications(session, worker_id),
        "clients": _clients(session, mine),
    }


def _tasks_by_kind_and_month(session: Session, mine) -> list[dict[str, Any]]:
    month = func.to_char(Task.submitted_at, "YYYY-MM")
    rows = session.execute(
        select(Task.kind, month, func.count()).where(mine).group_by(Task.kind, month).order_by(month, Task.kind)
    )
    return [{"kind": kind, "month": when, "count": count} for kind, when, count in rows]


def _items(session: Session, mine) -> dict[str, Any]:
    counts = dict(
        session.execute(
            select(TaskItem.verdict, func.count())
            .join(Task, Task.id == TaskItem.task_id)
            .where(mine, TaskItem.verdict.is_not(None))
            .group_by(TaskItem.verdict)
        ).all()
    )
    accepted = counts.get(Verdict.VERIFIED, 0) + counts.get(Verdict.APPROVED, 0)
    judged = accepted + counts.get(Verdict.REJECTED, 0)  # no-fault outcomes count neither way
    return {
        "verified": accepted,
        "rejected": counts.get(Verdict.REJECTED, 0),
        "no_fault": counts.get(Verdict.NO_FAULT, 0),
        "in_review": counts.get(Verdict.NEEDS_REVIEW, 0),
        "approval_rate": round(accepted / judged, 4) if judged else None,
    }


def _hours(session: Session, worker_id: uuid.UUID, mine) -> float:
    """Claim to submission of each task, and the briefs read (their declared minutes)."""
    task_seconds = session.scalar(select(func.sum(seconds_on_task())).where(mine))
    reading_minutes = session.scalar(
        select(func.sum(Campaign.reading_minutes))
        .join(BriefRead, BriefRead.campaign_id == Campaign.id)
        .where(BriefRead.worker_id == worker_id)
    )
    return round(float(task_seconds or 0) / 3600 + float(reading_minutes or 0) / 60, 2)


def _earnings(session: Session, worker_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = session.execute(
        select(LedgerAccount.currency, func.sum(LedgerEntry.amount_cents))
        .join(LedgerEntry, LedgerEntry.account_id == LedgerAccount.id)
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .where(
            LedgerAccount.kind == AccountKind.WORKER,
            LedgerAccount.owner_id == worker_id,
            LedgerTransaction.kind.in_(EARNING_KINDS),
        )
        .group_by(LedgerAccount.currency)
        .order_by(LedgerAccount.currency)
    )
    return [{"currency": currency, "cents": int(cents)} for currency, cents in rows]


def _clients(session: Session, mine) -> list[str]:
    rows = session.scalars(
        select(Organization.name)
        .join(Campaign, Campaign.organization_id == Organization.id)
        .join(Task, Task.campaign_id == Campaign.id)
        .where(mine, Campaign.named_in_work_records)
        .distinct()
        .order_by(Organization.name)
    )
    return list(rows)


def _qualifications(session: Session, worker_id: uuid.UUID) -> list[dict[str, str]]:
    rows = session.execute(
        select(Qualification.code, Qualification.name, WorkerQualification.earned_at)
        .join(WorkerQualification, WorkerQualification.qualification_code == Qualification.code)
        .where(WorkerQualification.worker_id == worker_id)
        .order_by(WorkerQualification.earned_at)
    )
    return [{"code": code, "name": name, "earned_at": rfc3339(earned_at)} for code, name, earned_at in rows]
