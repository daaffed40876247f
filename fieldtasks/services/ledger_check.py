"""`flask ledger check`: the ledger's invariants, verified against the records."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from fieldtasks.models import PAID_VERDICTS, LedgerAccount, LedgerEntry, LedgerTransaction, TaskItem
from fieldtasks.models.ledger import MAY_BE_NEGATIVE
from fieldtasks.services.payments import REWARD


def check_ledger(session: Session) -> list[str]:
    """Every finding that breaks an invariant; an empty list means the ledger is sound."""
    findings = []
    entries = (
        select(LedgerEntry.account_id, func.sum(LedgerEntry.amount_cents).label("total"))
        .group_by(LedgerEntry.account_id)
        .subquery()
    )
    for account, kind, stored, total in session.execute(
        select(LedgerAccount.id, LedgerAccount.kind, LedgerAccount.balance_cents, func.coalesce(entries.c.total, 0))
        .outerjoin(entries, entries.c.account_id == LedgerAccount.id)
        .where(LedgerAccount.balance_cents != func.coalesce(entries.c.total, 0))
    ):
        findings.append(f"account {account} ({kind}): balance {stored} but its entries sum to {total}")
    for account, kind, stored in session.execute(
        select(LedgerAccount.id, LedgerAccount.kind, LedgerAccount.balance_cents).where(
            LedgerAccount.balance_cents < 0, LedgerAccount.kind.not_in([str(k) for k in MAY_BE_NEGATIVE])
        )
    ):
        findings.append(f"account {account} ({kind}) is negative: {stored}")
    for transaction, total in session.execute(
        select(LedgerEntry.transaction_id, func.sum(LedgerEntry.amount_cents))
        .group_by(LedgerEntry.transaction_id)
        .having(func.sum(LedgerEntry.amount_cents) != 0)
    ):
        findings.append(f"transaction {transaction} does not balance: its entries sum to {total}")
    findings += _item_payments(session)
    return findings


def _item_payments(session: Session) -> list[str]:
    findings = []
    rewards = (
        select(LedgerTransaction.details["item_id"].astext.label("item_id"), func.count().label("times"))
        .where(LedgerTransaction.kind == REWARD)
        .group_by(text("1"))
        .subquery()
    )
    for item, verdict, times in session.execute(
        select(TaskItem.id, TaskItem.verdict, func.coalesce(rewards.c.times, 0))
        .outerjoin(rewards, rewards.c.item_id == func.cast(TaskItem.id, rewards.c.item_id.type))
        .where(
            (TaskItem.verdict.in_([str(v) for v in PAID_VERDICTS]) & (func.coalesce(rewards.c.times, 0) != 1))
            | (TaskItem.verdict.not_in([str(v) for v in PAID_VERDICTS]) & (func.coalesce(rewards.c.times, 0) > 0))
            | (TaskItem.verdict.is_(None) & (func.coalesce(rewards.c.times, 0) > 0))
        )
    ):
        findings.append(f"item {item} ({verdict or 'unsettled'}) was paid {times} time(s)")
    return findings
