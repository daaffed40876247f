"""A worker leaves, with their data: tasks still held go back (no penalty), everything available is paid out (any
amount: the payout minimum is for withdrawals, not for leaving), the final signed work record is made while the name
is still theirs, then the account is pseudonymised and signs in no more. What the ledger and clients' evidence need
is kept (README, "Data policy"); money still in review stays owed to the closed account and is paid on request with
the record. Closing again returns what the first closing returned."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update

from fieldtasks.errors import ConflictError, NotFoundError
from fieldtasks.models import HiddenSource, RefreshToken, Role, Task, TaskRating, TaskStatus, User
from fieldtasks.moments import rfc3339
from fieldtasks.security import RecordSigner
from fieldtasks.services import earnings, payments, tasks, work_records

FORMER_WORKER = "Former worker"  # the name a closed account's tasks and events show
KEPT = (
    "ledger lines and payouts (accounting law: 10 years)",
    "tasks, check-ins, photos and verdicts delivered as clients' evidence, under the pseudonym",
    "questions asked on briefs (already anonymous to clients)",
)
REMOVED = (
    "email address, name and password",
    "sessions (every refresh token revoked)",
    "the clients and campaigns hidden",
    "rating comments",
)


def close_account(session, worker_id: uuid.UUID, *, signer: RecordSigner, issuer: str, now: datetime) -> dict[str, Any]:
    """Close the worker's own account; returns the final signed record, the payouts made, what stays owed."""
    worker = session.scalar(select(User).where(User.id == worker_id).with_for_update(of=User))
    if worker is None:
        raise NotFoundError("No such worker.")
    if worker.role != Role.WORKER:
        raise ConflictError("Only a worker's account is closed this way.", code="not_a_worker")
    if worker.closed_at is not None:
        return worker.final_record
    held = session.scalars(
        select(Task.id).where(Task.claimed_by_id == worker_id, Task.status == TaskStatus.CLAIMED)
    ).all()
    for task_id in held:
        tasks.release_task(session, task_id, worker_id, now=now)
    paid = []
    balances = earnings.worker_earnings(session, worker_id)  # paying out leaves what is pending as it is
    for balance in balances:
        if balance["available_cents"] > 0:
            currency = balance["currency"]  # one payout per currency, each under its own key
            payout = payments.request_payout(session, worker_id, None, currency, f"closing-{currency}", minimum_cents=1,
                                             now=now)  # fmt: skip
            paid.append({"id": str(payout.id), "amount_cents": payout.amount_cents, "currency": payout.currency,
                         "status": payout.status, "requested_at": rfc3339(payout.requested_at)})  # fmt: skip
    owed = [{"currency": row["currency"], "pending_cents": row["pending_cents"]}
            for row in balances if row["pending_cents"]]  # fmt: skip
    record = signer.sign(work_records.work_record(session, worker_id, issuer=issuer, now=now))
    _pseudonymise(session, worker, now=now)
    final = {
        "closed_at": rfc3339(now),
        "work_record": record,
        "payouts": paid,
        "released_tasks": [str(task_id) for task_id in held],
        "still_owed": owed,
        "kept": list(KEPT),
        "removed": list(REMOVED),
    }
    worker.final_record = final
    return final


def _pseudonymise(session, worker: User, *, now: datetime) -> None:
    worker.email = f"closed-{worker.id}@closed.invalid"
    worker.display_name = FORMER_WORKER
    worker.password_hash = "!"  # matches no password
    worker.is_active, worker.closed_at = False, now
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == worker.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    session.execute(delete(HiddenSource).where(HiddenSource.worker_id == worker.id))
    session.execute(update(TaskRating).where(TaskRating.worker_id == worker.id).values(comment=""))
