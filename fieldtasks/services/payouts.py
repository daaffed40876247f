"""What becomes of a payout after the worker asked for it: the operator sends it (and says with which payment
reference), or it fails and the money goes back to the worker's available balance, through the ledger, once."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldtasks.errors import ConflictError, NotFoundError
from fieldtasks.i18n import Sentence
from fieldtasks.models import AccountKind, Payout, PayoutStatus
from fieldtasks.services import ledger
from fieldtasks.services.cursors import keyset_page

RETURNED = "payout_returned"  # the ledger kind of a failed payout's money coming back
PAYOUTS = "o"  # the tag of payout list cursors


def list_payouts(
    session: Session,
    *,
    worker_id: uuid.UUID | None = None,
    status: str | None = None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Payout], str | None]:
    """Payouts, newest request first, a page at a time: one worker's, or all of them for the operator."""
    query = select(Payout)
    if worker_id is not None:
        query = query.where(Payout.worker_id == worker_id)
    if status is not None:
        query = query.where(Payout.status == status)
    order = [Payout.requested_at, Payout.id]
    page = keyset_page(session, query, order, tag=PAYOUTS, cursor=cursor, limit=limit, descending=True)
    return [row[0] for row in page.rows], page.next_cursor


def mark_sent(session: Session, payout_id: uuid.UUID, reference: str, *, now: datetime) -> Payout:
    """The operator sent the money; saying so again with the same reference changes nothing."""
    payout = _locked(session, payout_id)
    if payout.status == PayoutStatus.SENT and payout.reference == reference:
        return payout
    if payout.status != PayoutStatus.REQUESTED:
        raise ConflictError(Sentence("This payout is {status} already.", status=payout.status), code="payout_settled")
    payout.status, payout.reference, payout.settled_at = PayoutStatus.SENT, reference, now
    return payout


def mark_failed(session: Session, payout_id: uuid.UUID, reason: str, *, now: datetime) -> Payout:
    """The payment failed or came back (even after it was sent): the amount returns to the worker's available
    balance, once."""
    payout = _locked(session, payout_id)
    if payout.status == PayoutStatus.FAILED:
        return payout
    worker = ledger.account_id(session, AccountKind.WORKER, payout.worker_id, payout.currency)
    outside = ledger.account_id(session, AccountKind.PAYOUTS, None, payout.currency)
    ledger.transfer(session, f"payout:{payout.id}:returned", RETURNED, outside, worker, payout.amount_cents,
                    payout.currency, now=now, details={"payout_id": str(payout.id), "reason": reason})  # fmt: skip
    payout.status, payout.failure_reason, payout.settled_at = PayoutStatus.FAILED, reason, now
    return payout


def _locked(session: Session, payout_id: uuid.UUID) -> Payout:
    payout = session.scalar(select(Payout).where(Payout.id == payout_id).with_for_update())
    if payout is None:
        raise NotFoundError("No such payout.")
    return payout
