"""A client disputes a price in its feed: a moderation case opens, the row says it is disputed until a moderator
upholds it, corrects it or withdraws it (observations.settle_dispute). The worker's pay is never taken back."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldtasks.errors import ConflictError, NotFoundError
from fieldtasks.i18n import Sentence
from fieldtasks.models import CaseKind, DisputeStatus, PriceObservation, ReviewCase
from fieldtasks.services.history import record_event
from fieldtasks.services.moderation import open_case
from fieldtasks.services.observations import back_in_feed


def dispute_price(
    session: Session,
    organization_id: uuid.UUID,
    price_id: uuid.UUID,
    comment: str,
    *,
    actor_id: uuid.UUID | None,
    now: datetime,
    decision_hours: int,
) -> tuple[dict[str, Any], bool]:
    """Open a dispute of one of the organization's feed rows; asking again while it is open gives the same one.
    Returns the dispute, and whether it was opened now."""
    observation = session.scalar(
        select(PriceObservation)
        .where(PriceObservation.id == price_id, PriceObservation.organization_id == organization_id)
        .with_for_update()
    )
    if observation is None:
        raise NotFoundError("No such price in your feed.")
    if observation.dispute_status == DisputeStatus.OPEN:
        return _dispute(session, observation), False
    if observation.dispute_status is not None:
        message = Sentence(
            "This price was disputed and a moderator decided: {status}.", status=observation.dispute_status
        )
        raise ConflictError(message, code="dispute_decided")
    shown = (
        "absent" if observation.price_cents is None else f"{observation.price_cents / 100:.2f} {observation.currency}"
    )
    reasons = [{"code": "client_dispute", "message": f"The client says the feed's {shown} is wrong: {comment}"}]
    due = now + timedelta(hours=decision_hours)
    case_id = open_case(
        session, observation.item_id, kind=CaseKind.DISPUTE, reasons=reasons, now=now, due_at=due, comment=comment
    )
    if case_id is None:
        raise ConflictError("This item has an open case; dispute it once that is settled.", code="case_open")
    observation.dispute_status = DisputeStatus.OPEN
    back_in_feed(session, observation)
    record_event(session, observation.task_id, actor_id, "price_disputed", now, item_id=str(observation.item_id),
                 case_id=str(case_id))  # fmt: skip
    return _dispute(session, observation), True


def _dispute(session: Session, observation: PriceObservation) -> dict[str, Any]:
    case = session.scalar(
        select(ReviewCase)
        .where(ReviewCase.item_id == observation.item_id, ReviewCase.kind == CaseKind.DISPUTE)
        .order_by(ReviewCase.opened_at.desc())
        .limit(1)
    )
    return {
        "price_id": observation.id,
        "case_id": case.id,
        "status": observation.dispute_status,
        "comment": case.appeal_comment,
        "opened_at": case.opened_at,
    }
