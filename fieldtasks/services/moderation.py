"""Moderation: a case per item the machine could not verify, taken one at a time, decided once."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from fieldtasks.errors import ConflictError, InvalidError, NotFoundError
from fieldtasks.i18n import N_, Sentence
from fieldtasks.models import (
    WON_BY_WORKER,
    Availability,
    Campaign,
    CampaignKind,
    CaseKind,
    CaseOutcome,
    CaseStatus,
    DisputeStatus,
    ItemStatus,
    Presence,
    PriceSource,
    Product,
    ReviewCase,
    Task,
    TaskItem,
    Verdict,
    VerdictBy,
    VerifiedBy,
)
from fieldtasks.ocr.types import Confidence
from fieldtasks.services import payments
from fieldtasks.services.history import record_event
from fieldtasks.services.item_photos import item_photos, photo_price, proof_photos
from fieldtasks.services.observations import record_observation, record_shelf_check, settle_dispute

HOLD = timedelta(minutes=15)  # a case taken by a moderator is theirs this long
APPEAL_WINDOW = timedelta(days=7)  # a rejection can be appealed this long


def open_case(
    session: Session,
    item_id: uuid.UUID,
    *,
    kind: str,
    reasons: list[dict[str, str]],
    now: datetime,
    due_at: datetime,
    excluded_moderator_id: uuid.UUID | None = None,
    comment: str | None = None,
) -> uuid.UUID | None:
    """A case for the item, unless one is open already (the same item is never in the queue twice)."""
    return session.scalar(
        pg_insert(ReviewCase)
        .values(
            item_id=item_id,
            kind=kind,
            reasons=reasons,
            opened_at=now,
            due_at=due_at,
            excluded_moderator_id=excluded_moderator_id,
            appeal_comment=comment,
        )
        .on_conflict_do_nothing(index_elements=["item_id"], index_where=ReviewCase.status == CaseStatus.OPEN)
        .returning(ReviewCase.id)
    )


def next_case(
    session: Session,
    moderator_id: uuid.UUID,
    *,
    now: datetime,
    daily_cap: int,
    skipping: Collection[uuid.UUID] = (),
) -> uuid.UUID | None:
    """The case this moderator holds, or the oldest open one nobody holds (not their own decision under
    appeal, nor one they skipped)."""
    held = session.scalar(
        select(ReviewCase.id).where(
            ReviewCase.status == CaseStatus.OPEN, ReviewCase.held_by_id == moderator_id, ReviewCase.held_until > now
        )
    )
    if held is not None:
        return held
    if decided_today(session, moderator_id, now=now) >= daily_cap:
        message = Sentence(
            "You have decided {cap} cases today, the daily limit; rest, the queue will keep.", cap=daily_cap
        )
        raise ConflictError(message, code="daily_cap_reached")
    case = session.scalar(
        select(ReviewCase)
        .where(_takeable_by(moderator_id, now), ReviewCase.id.not_in(list(skipping)))
        .order_by(ReviewCase.opened_at, ReviewCase.id)  # the queue's order
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if case is None:
        return None
    case.held_by_id, case.held_until = moderator_id, now + HOLD
    return case.id


def _takeable_by(moderator_id: uuid.UUID, now: datetime):
    """Open, not the moderator's own decision under appeal, and in nobody else's hands (SQL)."""
    free = ReviewCase.held_until.is_(None) | (ReviewCase.held_until <= now) | (ReviewCase.held_by_id == moderator_id)
    return (
        (ReviewCase.status == CaseStatus.OPEN) & ReviewCase.excluded_moderator_id.is_distinct_from(moderator_id) & free
    )


def hold_case(session: Session, case_id: uuid.UUID, moderator_id: uuid.UUID, *, now: datetime) -> bool:
    """A moderator opening a case (by the queue or by its address) holds it for HOLD, unless another
    moderator does; True when it is now theirs. A settled case is held by nobody."""
    held = session.execute(
        update(ReviewCase)
        .where(ReviewCase.id == case_id, _takeable_by(moderator_id, now))
        .values(held_by_id=moderator_id, held_until=now + HOLD)
        .returning(ReviewCase.id)
    ).scalar_one_or_none()
    return held is not None


def release_case(session: Session, case_id: uuid.UUID, moderator_id: uuid.UUID) -> None:
    """Give a case back to the queue (a case is never released from another moderator's hands)."""
    if session.get(ReviewCase, case_id) is None:
        raise NotFoundError("No such case.")
    session.execute(
        update(ReviewCase)
        .where(ReviewCase.id == case_id, ReviewCase.held_by_id == moderator_id, ReviewCase.status == CaseStatus.OPEN)
        .values(held_by_id=None, held_until=None)
    )


def decided_today(session: Session, moderator_id: uuid.UUID, *, now: datetime) -> int:
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return session.scalar(
        select(func.count()).where(ReviewCase.decided_by_id == moderator_id, ReviewCase.decided_at >= midnight)
    )


@dataclass(frozen=True)
class Decision:
    outcome: CaseOutcome
    price_cents: int | None = None  # a correction, with approve
    gtin: str | None = None  # a correction, with approve: one of the campaign's products
    reject_reason: str | None = None
    explanation: str | None = None
    presence: Presence | None = None  # placement, with approve: on the shelf or not, as seen
    photo_id: uuid.UUID | None = None  # shelf price, with approve: the photo that proves the price


@dataclass(frozen=True)
class Decided:
    case: ReviewCase
    deliveries: list[uuid.UUID]  # webhook deliveries it set off, for the caller to enqueue after its commit


def decide(
    session: Session, case_id: uuid.UUID, moderator_id: uuid.UUID, decision: Decision, *, now: datetime
) -> Decided:
    """Settle the case for good: the item's verdict, its pay (once), its price in the feed; audited."""
    case = session.scalar(select(ReviewCase).where(ReviewCase.id == case_id).with_for_update())
    if case is None:
        raise NotFoundError("No such case.")
    _check_may_decide(case, moderator_id, decision, now=now)
    case.status, case.decided_by_id, case.decided_at = CaseStatus.DECIDED, moderator_id, now
    case.outcome, case.reject_reason, case.explanation = decision.outcome, decision.reject_reason, decision.explanation
    if case.kind == CaseKind.DISPUTE:
        return Decided(_settle_dispute(session, case, moderator_id, decision, now=now), [])
    item = session.get(TaskItem, case.item_id, with_for_update=True)
    task = session.get(Task, item.task_id)
    campaign = session.get(Campaign, task.campaign_id)
    verdict = {
        CaseOutcome.APPROVE: Verdict.APPROVED,
        CaseOutcome.REJECT: Verdict.REJECTED,
        CaseOutcome.NO_FAULT: Verdict.NO_FAULT,
    }
    before, reasons_before = item.verdict, item.reasons
    item.verdict, item.verdict_by, item.verdict_at = verdict[decision.outcome], VerdictBy.MODERATOR, now
    # The item's current reasons: a rejection's; none once it is paid (the old ones stay in its history).
    item.reasons = (
        [{"code": decision.reject_reason, "message": decision.explanation or ""}]
        if decision.outcome == CaseOutcome.REJECT
        else []
    )
    corrections = (("price_cents", decision.price_cents), ("gtin", decision.gtin), ("presence", decision.presence))
    case.corrections = {k: v for k, v in corrections if v}
    deliveries = []
    if decision.outcome == CaseOutcome.APPROVE and campaign.kind == CampaignKind.SHELF_PRICE:
        deliveries += _observe_approved(session, task, campaign, item, decision, now=now)
    if decision.outcome == CaseOutcome.APPROVE and campaign.kind == CampaignKind.PRODUCT_PLACEMENT:
        _check_shelf(session, task, campaign, item, decision, now=now)
    if decision.outcome in WON_BY_WORKER:
        deliveries += payments.pay_item(session, item.id, now=now)
    session.flush()
    record_event(
        session, task.id, moderator_id, f"case_{decision.outcome}", now,
        case_id=str(case.id), item_id=str(item.id), verdict_before=before, verdict_after=item.verdict,
        reasons_before=reasons_before,
        corrections=case.corrections, reject_reason=decision.reject_reason,
    )  # fmt: skip
    return Decided(case, deliveries)


def _settle_dispute(
    session: Session, case: ReviewCase, moderator_id: uuid.UUID, decision: Decision, *, now: datetime
) -> ReviewCase:
    """A client's dispute: the feed row is upheld, corrected or withdrawn; the item's verdict and pay stay."""
    if decision.gtin or decision.presence or decision.photo_id:
        message = N_("A disputed price is upheld, corrected (price_cents) or withdrawn; nothing else changes.")
        raise InvalidError(message, code="correction_not_applicable", errors={"price_cents": [message]})
    status = settle_dispute(session, case.item_id, decision.outcome, decision.price_cents, now=now)
    case.corrections = {"price_cents": decision.price_cents} if status == DisputeStatus.CORRECTED else {}
    item = session.get(TaskItem, case.item_id)
    record_event(
        session, item.task_id, moderator_id, f"dispute_{status}", now, case_id=str(case.id), item_id=str(item.id),
        corrections=case.corrections, reject_reason=decision.reject_reason,
    )  # fmt: skip
    return case


def _check_may_decide(case: ReviewCase, moderator_id: uuid.UUID, decision: Decision, *, now: datetime) -> None:
    if case.status != CaseStatus.OPEN:
        raise ConflictError("This case is settled; a decision is final.", code="case_closed")
    if case.excluded_moderator_id == moderator_id:
        raise ConflictError("You made the decision under appeal; another moderator settles it.", code="own_decision")
    if case.held_by_id not in (None, moderator_id) and case.held_until and case.held_until > now:
        raise ConflictError("Another moderator holds this case.", code="held_by_other")
    if decision.outcome == CaseOutcome.REJECT and not (decision.reject_reason and decision.explanation):
        message = N_("A rejection needs a reason and an explanation for the worker.")
        raise InvalidError(message, code="rejection_unexplained", errors={"explanation": [message]})
    if decision.outcome != CaseOutcome.APPROVE and (
        decision.price_cents or decision.gtin or decision.presence or decision.photo_id
    ):
        raise InvalidError("Corrections go with an approval.", code="correction_without_approval")


def _check_shelf(session, task, campaign, item, decision: Decision, *, now: datetime) -> None:
    """A placement approval says what the moderator saw: the product on the shelf, or not."""
    if decision.presence is None:
        message = N_("Say whether the product is present or absent on the shelf.")
        raise InvalidError(message, code="presence_required", errors={"presence": [message]})
    photos = item_photos(session, task, item) or []
    photo = photos[0][0] if photos else None
    record_shelf_check(session, task, campaign, item, decision.presence, photo, VerifiedBy.MODERATOR, now=now)


def _observe_approved(session, task, campaign, item, decision: Decision, *, now: datetime) -> list[uuid.UUID]:
    """The approved price joins the client feed with its proof photo: the correction if any, else the price
    that photo states."""
    product = session.get(Product, item.product_id)
    if item.status == ItemStatus.NOT_FOUND:
        return _observe_absence(session, task, campaign, item, product, decision, now=now)
    if decision.gtin:
        product = session.scalar(
            select(Product).where(Product.campaign_id == campaign.id, Product.gtin == decision.gtin)
        )
        if product is None:
            raise InvalidError("That GTIN is not one of the campaign's products.", code="unknown_gtin")
    proof = _proof_photo(item_photos(session, task, item) or [], product.gtin, decision.photo_id)
    if proof is None:
        return []
    read_cents, confidence = photo_price(*proof)
    price_cents = decision.price_cents or read_cents
    if decision.price_cents:
        confidence = Confidence.HIGH  # a moderator read it on the photo
    if price_cents is None:
        return []
    return record_observation(
        session, task, campaign, item.id, product_id=product.id, photo_id=proof[0].id, price_cents=price_cents,
        confidence=confidence, observed_at=task.submitted_at, verified_by=VerifiedBy.MODERATOR,
        price_source=PriceSource.MODERATOR, now=now,
    )  # fmt: skip


def _observe_absence(session, task, campaign, item, product, decision: Decision, *, now: datetime) -> list[uuid.UUID]:
    """A confirmed absence joins the client feed with the photo of the empty place (there is one: an absence
    without a photo is never in review)."""
    if decision.price_cents or decision.gtin:
        message = N_("The product was reported missing: an approval confirms its absence and takes no price or GTIN.")
        raise InvalidError(message, code="correction_not_applicable", errors={"price_cents": [message]})
    proof = _proof_photo(item_photos(session, task, item) or [], product.gtin, decision.photo_id)
    if proof is None:
        return []
    return record_observation(
        session, task, campaign, item.id, product_id=product.id, photo_id=proof[0].id, price_cents=None,
        confidence=Confidence.HIGH, observed_at=task.submitted_at, verified_by=VerifiedBy.MODERATOR,
        price_source=PriceSource.MODERATOR, now=now, availability=Availability.ABSENT,
    )  # fmt: skip


def _proof_photo(photos, gtin: str, chosen: uuid.UUID | None):
    """The photo the moderator picked (one of the item's), or the only one that could be the proof."""
    if chosen is not None:
        found = next((pair for pair in photos if pair[0].id == chosen), None)
        if found is None:
            message = N_("That photo is not one of this item's.")
            raise InvalidError(message, code="unknown_photo", errors={"photo_id": [message]})
        return found
    candidates = proof_photos(photos, gtin)
    if len(candidates) > 1:
        message = N_("Several photos could prove this price: say which one shows the product and its price.")
        raise InvalidError(message, code="proof_photo_required", errors={"photo_id": [message]})
    return candidates[0] if candidates else None


def appeal(
    session: Session, item_id: uuid.UUID, worker_id: uuid.UUID, comment: str, *, now: datetime, decision_hours: int
) -> uuid.UUID:
    """The worker contests a rejection (within 7 days): a new case, for another moderator."""
    item = session.scalar(
        select(TaskItem)
        .join(Task, Task.id == TaskItem.task_id)
        .where(TaskItem.id == item_id, Task.claimed_by_id == worker_id)
        .with_for_update(of=TaskItem)
    )
    if item is None:
        raise NotFoundError("No such item of yours.")
    if item.verdict != Verdict.REJECTED:
        raise ConflictError("Only a rejected item can be appealed.", code="not_rejected")
    if item.verdict_at + APPEAL_WINDOW < now:
        raise ConflictError("The 7 days to appeal this rejection have passed.", code="appeal_window_closed")
    judge = session.scalar(
        select(ReviewCase.decided_by_id)
        .where(ReviewCase.item_id == item.id, ReviewCase.status == CaseStatus.DECIDED)
        .order_by(ReviewCase.decided_at.desc())
        .limit(1)
    )
    reasons = [{"code": "appeal", "message": comment}]
    case_id = open_case(
        session, item.id, kind=CaseKind.APPEAL, reasons=reasons, now=now, due_at=now + timedelta(hours=decision_hours),
        excluded_moderator_id=judge, comment=comment,
    )  # fmt: skip
    if case_id is None:
        raise ConflictError("This item already has an open case.", code="case_open")
    record_event(session, item.task_id, worker_id, "item_appealed", now, item_id=str(item.id), case_id=str(case_id))
    return case_id


def pay_overdue_cases(session: Session, *, now: datetime, limit: int = 500, ahead: timedelta = timedelta(0)) -> int:
    """Open cases past their deadline: the item is paid by default and the case closed.

    `ahead` (the sweep's interval) pays the cases falling due before the next sweep now, so that
    nobody is paid later than their deadline.
    """
    cases = session.scalars(
        select(ReviewCase)  # a client's dispute waits for a moderator: the item was paid already
        .where(
            ReviewCase.status == CaseStatus.OPEN, ReviewCase.kind != CaseKind.DISPUTE, ReviewCase.due_at <= now + ahead
        )
        .order_by(ReviewCase.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for case in cases:
        item = session.get(TaskItem, case.item_id, with_for_update=True)
        item.verdict, item.verdict_by, item.verdict_at = Verdict.APPROVED, VerdictBy.DEADLINE, now
        case.status, case.closed_at = CaseStatus.CLOSED, now
        payments.pay_item(session, item.id, now=now)  # its deliveries are due now: the same sweep enqueues them
        record_event(session, item.task_id, None, "item_approved_by_deadline", now, item_id=str(item.id),
                     case_id=str(case.id))  # fmt: skip
    return len(cases)
