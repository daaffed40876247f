"""Operational figures, read from PostgreSQL (and the queue lengths from Redis) when Prometheus asks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldtasks.models import (
    CaseStatus,
    ExtractionRequest,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    ReviewCase,
    WebhookDelivery,
)
from fieldtasks.models.ledger import AccountKind
from fieldtasks.services.payments import REWARD


def operational_figures(session: Session, *, now: datetime) -> dict[str, Any]:
    """Counts by state, so that several API processes report the same thing (no per-process counters)."""
    oldest = session.scalar(select(func.min(ReviewCase.opened_at)).where(ReviewCase.status == CaseStatus.OPEN))
    paid = session.execute(
        select(LedgerAccount.currency, func.count(), func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .join(LedgerAccount, LedgerAccount.id == LedgerEntry.account_id)
        .where(LedgerTransaction.kind == REWARD, LedgerAccount.kind == AccountKind.WORKER)
        .group_by(LedgerAccount.currency)
    ).all()
    return {
        "open_cases": _by(session, ReviewCase.kind, ReviewCase.status == CaseStatus.OPEN),
        "oldest_case_age_s": (now - oldest).total_seconds() if oldest else 0.0,
        "decisions": _by(session, ReviewCase.outcome, ReviewCase.status == CaseStatus.DECIDED),
        "closed_by_deadline": session.scalar(select(func.count()).where(ReviewCase.status == CaseStatus.CLOSED)),
        "extractions": _by(session, ExtractionRequest.status),
        "payments": {currency: (count, cents) for currency, count, cents in paid},
        "webhook_deliveries": _by(session, WebhookDelivery.status),
    }


def _by(session: Session, column, *where) -> dict[str, int]:
    query = select(column, func.count()).where(*where).group_by(column)
    return {str(key): count for key, count in session.execute(query)}
