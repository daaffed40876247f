"""What a worker sees of their money: earnings by currency and their ledger lines."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldtasks.models import (
    AccountKind,
    Campaign,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payout,
    PayoutStatus,
    Task,
    TaskItem,
    TaskStatus,
    Verdict,
    seconds_on_task,
)
from fieldtasks.services import ledger
from fieldtasks.services.briefs import BRIEFING
from fieldtasks.services.cursors import encode_cursor
from fieldtasks.services.floor import TOPUP
from fieldtasks.services.payments import ELECTRICITY, REWARD
from fieldtasks.services.qualifications import PRACTICE

# What the balance is made of: each kind of money a worker receives, in its own field.
RECEIVED_AS = {REWARD: "earned_cents", BRIEFING: "briefs_cents", PRACTICE: "practice_cents",
               TOPUP: "floor_top_ups_cents", ELECTRICITY: "reimbursements_cents"}  # fmt: skip

LEDGER = "e"  # the tag of ledger cursors


def worker_earnings(session: Session, worker_id: uuid.UUID) -> list[dict[str, Any]]:
    """Per currency: pending (handed in, not settled), available, paid out, and the effective hourly
    rate: rewards received divided by the claim-to-submit time of the tasks they paid."""
    by_currency: dict[str, dict[str, Any]] = {}

    def row(currency: str) -> dict[str, Any]:
        return by_currency.setdefault(
            currency,
            {
                "currency": currency,
                "pending_cents": 0,
                "available_cents": 0,
                "paid_out_cents": 0,
                **dict.fromkeys(RECEIVED_AS.values(), 0),
                "minutes_worked": 0,
                "hours_worked": 0.0,
                "hourly_rate_cents": None,
            },
        )

    for currency, pending in session.execute(
        select(Campaign.currency, func.sum(Campaign.reward_cents))
        .join(Task, Task.campaign_id == Campaign.id)
        .join(TaskItem, TaskItem.task_id == Task.id)
        .where(Task.claimed_by_id == worker_id, Task.status == TaskStatus.SUBMITTED)
        .where((TaskItem.verdict.is_(None)) | (TaskItem.verdict == Verdict.NEEDS_REVIEW))
        .group_by(Campaign.currency)
    ):
        row(currency)["pending_cents"] = int(pending)
    for currency, balance in session.execute(
        select(LedgerAccount.currency, LedgerAccount.balance_cents).where(
            LedgerAccount.kind == AccountKind.WORKER, LedgerAccount.owner_id == worker_id
        )
    ):
        row(currency)["available_cents"] = int(balance)
    for currency, paid in session.execute(
        select(Payout.currency, func.sum(Payout.amount_cents))
        .where(Payout.worker_id == worker_id, Payout.status != PayoutStatus.FAILED)  # a failed one's money came back
        .group_by(Payout.currency)
    ):
        row(currency)["paid_out_cents"] = int(paid)
    for currency, kind, received in session.execute(
        select(LedgerAccount.currency, LedgerTransaction.kind, func.sum(LedgerEntry.amount_cents))
        .join(LedgerEntry, LedgerEntry.account_id == LedgerAccount.id)
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .where(LedgerAccount.kind == AccountKind.WORKER, LedgerAccount.owner_id == worker_id)
        .where(LedgerTransaction.kind.in_(RECEIVED_AS))
        .group_by(LedgerAccount.currency, LedgerTransaction.kind)
    ):
        row(currency)[RECEIVED_AS[kind]] = int(received)
    for currency, earned, seconds in _rewards_and_time(session, worker_id):
        entry = row(currency)
        entry["minutes_worked"], entry["hours_worked"] = round(seconds / 60), round(seconds / 3600, 2)
        if seconds > 0:
            entry["hourly_rate_cents"] = round(earned * 3600 / seconds)
    return sorted(by_currency.values(), key=lambda entry: entry["currency"])


def _rewards_and_time(session: Session, worker_id: uuid.UUID):
    rewarded = (
        select(
            Campaign.currency,
            Task.id.label("task_id"),
            func.sum(LedgerEntry.amount_cents).label("earned"),
            seconds_on_task().label("seconds"),
        )
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .join(Task, Task.id == LedgerTransaction.details["task_id"].astext.cast(Task.id.type))
        .join(Campaign, Campaign.id == Task.campaign_id)
        .join(LedgerAccount, LedgerAccount.id == LedgerEntry.account_id)
        .where(LedgerTransaction.kind == REWARD, LedgerAccount.owner_id == worker_id)
        .group_by(Campaign.currency, Task.id)
        .subquery()
    )
    return session.execute(
        select(
            rewarded.c.currency, func.sum(rewarded.c.earned), func.sum(func.greatest(rewarded.c.seconds, 0))
        ).group_by(rewarded.c.currency)
    ).all()


def worker_ledger(session: Session, worker_id: uuid.UUID, cursor: str | None, limit: int) -> dict[str, Any]:
    """The worker's ledger lines, newest first; `next_cursor` continues where this page ends."""
    mine = (LedgerAccount.kind == AccountKind.WORKER) & (LedgerAccount.owner_id == worker_id)
    rows, next_cursor = ledger.entries_page(session, mine, LEDGER, cursor, limit)
    lines = [
        {
            "id": encode_cursor(LEDGER, r.id),
            "amount_cents": r.amount_cents,
            "currency": r.currency,
            "kind": r.kind,
            "at": r.created_at,
            "item_id": r.details.get("item_id"),
            "task_id": r.details.get("task_id"),
        }
        for r in rows
    ]
    return {"items": lines, "next_cursor": next_cursor}
