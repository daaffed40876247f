"""What clients receive: verified prices (each announced by a `price.verified` webhook) and shelf checks."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from fieldtasks.errors import InvalidError
from fieldtasks.i18n import N_
from fieldtasks.models import (
    Availability,
    Campaign,
    CaseOutcome,
    DisputeStatus,
    Photo,
    PriceObservation,
    PriceSource,
    Product,
    ShelfCheck,
    Store,
    Task,
    TaskItem,
    VerifiedBy,
)
from fieldtasks.moments import rfc3339
from fieldtasks.ocr.types import Confidence
from fieldtasks.services import webhooks


def record_observation(
    session: Session,
    task: Task,
    campaign: Campaign,
    item_id: uuid.UUID,
    *,
    product_id: uuid.UUID,
    photo_id: uuid.UUID,
    price_cents: int | None,
    confidence: Confidence,
    observed_at: datetime,
    verified_by: VerifiedBy,
    price_source: PriceSource,
    now: datetime,
    unit_price_cents: int | None = None,
    unit: str | None = None,
    promo: bool = False,
    availability: Availability = Availability.IN_STOCK,
) -> list[uuid.UUID]:
    """A verified price (by the machine or a moderator), or a confirmed absence (no price), joins the feed,
    and subscribed webhooks hear of it: returns their new deliveries, to enqueue after commit."""
    observation = PriceObservation(
        organization_id=campaign.organization_id,
        campaign_id=campaign.id,
        task_id=task.id,
        item_id=item_id,
        store_id=task.store_id,
        product_id=product_id,
        photo_id=photo_id,
        availability=availability,
        price_cents=price_cents,
        currency=campaign.currency,
        unit_price_cents=unit_price_cents,
        unit=unit,
        promo=promo,
        confidence=confidence,
        observed_at=observed_at,
        verified_at=now,
        verified_by=verified_by,
        price_source=price_source,
    )
    session.add(observation)
    session.flush()
    event = observation_event(session, observation)
    key = f"price.verified:{observation.id}"
    return webhooks.record_event(session, campaign.organization_id, "price.verified", key, event, now=now)


def observation_event(session: Session, observation: PriceObservation) -> dict[str, Any]:
    """What a `price.verified` webhook carries (the feed has the same, with a photo link)."""
    store = session.get(Store, observation.store_id)
    product = session.get(Product, observation.product_id)
    return {
        "id": str(observation.id),
        "campaign_id": str(observation.campaign_id),
        "store": {
            "id": str(store.id),
            "store_ref": store.store_ref,
            "name": store.name,
            "osm_type": store.osm_type,
            "osm_id": store.osm_id,
        },
        "product": {"gtin": product.gtin, "name": product.name},
        "availability": observation.availability,
        "price_cents": observation.price_cents,
        "currency": observation.currency,
        "unit_price_cents": observation.unit_price_cents,
        "unit": observation.unit,
        "promo": observation.promo,
        "observed_at": rfc3339(observation.observed_at),
        "verified_at": rfc3339(observation.verified_at),
        "verified_by": observation.verified_by,
        "price_source": observation.price_source,
        "confidence": observation.confidence,
    }


def record_shelf_check(
    session: Session,
    task: Task,
    campaign: Campaign,
    item: TaskItem,
    presence: str,
    photo: Photo | None,
    verified_by: str,
    *,
    now: datetime,
) -> ShelfCheck:
    """Whether the item's product was on the store's shelf, for the client's placement view."""
    check = ShelfCheck(
        organization_id=campaign.organization_id,
        campaign_id=campaign.id,
        task_id=task.id,
        item_id=item.id,
        store_id=task.store_id,
        product_id=item.product_id,
        photo_id=photo.id if photo else None,
        presence=presence,
        observed_at=(photo.taken_at or photo.created_at) if photo else task.submitted_at,
        verified_at=now,
        verified_by=verified_by,
    )
    session.add(check)
    return check


def settle_dispute(
    session: Session, item_id: uuid.UUID, outcome: str, price_cents: int | None, *, now: datetime
) -> str:
    """A moderator's decision on a client's dispute of the item's feed row: `approve` upholds it, or corrects its
    price when one is given; `reject` withdraws the row; `no_fault` upholds it. The row comes again in the feed
    (same id) with its new status. The worker's verdict and pay are not touched: a reading handed in in good faith
    stays paid."""
    observation = session.scalar(select(PriceObservation).where(PriceObservation.item_id == item_id).with_for_update())
    if price_cents and observation.availability != Availability.IN_STOCK:
        message = N_("The product was found missing: there is no price to correct.")
        raise InvalidError(message, code="correction_not_applicable", errors={"price_cents": [message]})
    status = {CaseOutcome.REJECT: DisputeStatus.WITHDRAWN}.get(outcome, DisputeStatus.UPHELD)
    if outcome == CaseOutcome.APPROVE and price_cents and price_cents != observation.price_cents:
        status = DisputeStatus.CORRECTED
        observation.price_cents, observation.unit_price_cents, observation.unit = price_cents, None, None
        observation.price_source, observation.verified_by = PriceSource.MODERATOR, VerifiedBy.MODERATOR
        observation.confidence, observation.verified_at = Confidence.HIGH, now
    observation.dispute_status = status
    back_in_feed(session, observation)
    return status


def back_in_feed(session: Session, observation: PriceObservation) -> None:
    """Move a changed row to the end of the feed, so that a client polling with its cursor reads it again."""
    session.flush()
    session.execute(
        update(PriceObservation)
        .where(PriceObservation.id == observation.id)
        .values(seq=text("DEFAULT"), feed_xid=text("DEFAULT"))
    )
