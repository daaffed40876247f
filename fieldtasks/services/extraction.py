"""Extraction requests: claimed by one run at a time, recorded once, found again when lost."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from fieldtasks.models import (
    UNFINISHED_EXTRACTIONS,
    Campaign,
    CampaignKind,
    ExtractionRequest,
    ExtractionStatus,
    Photo,
    Product,
    Task,
    TaskItem,
    Vehicle,
)

MAX_ATTEMPTS = 5  # a photo that kills every run it gets (out of memory, say) is given up on after this


@dataclass(frozen=True)
class ClaimedExtraction:
    """What a run needs to read one photo, with no transaction open."""

    request_id: uuid.UUID
    task_id: uuid.UUID
    storage_key: str
    gtins: tuple[str, ...]
    vehicle_codes: tuple[str, ...]
    currency: str
    read_prices: bool
    whole_shelf: bool
    net_quantity: float | None = None  # the product's, for the check against its unit price
    net_unit: str | None = None
    typed_price_cents: int | None = None  # what the worker read on the label, for the photo to confirm


def _is_latest(request):
    newer = aliased(ExtractionRequest)
    return ~exists().where(newer.photo_id == request.photo_id, newer.generation > request.generation)


def claim_extraction(
    session: Session, photo_id: uuid.UUID, generation: int, *, now: datetime, timeout: timedelta
) -> ClaimedExtraction | None:
    """Mark the request running (pending, or running past its timeout: that run is presumed dead).

    None when there is nothing to do: already finished, held by a live run, or a newer
    generation supersedes it.
    """
    request_id = session.scalar(
        update(ExtractionRequest)
        .where(
            ExtractionRequest.photo_id == photo_id,
            ExtractionRequest.generation == generation,
            or_(
                ExtractionRequest.status == ExtractionStatus.PENDING,
                and_(
                    ExtractionRequest.status == ExtractionStatus.RUNNING, ExtractionRequest.started_at <= now - timeout
                ),
            ),
            _is_latest(ExtractionRequest),
        )
        .values(status=ExtractionStatus.RUNNING, started_at=now, attempts=ExtractionRequest.attempts + 1)
        .returning(ExtractionRequest.id)
    )
    if request_id is None:
        return None
    photo, campaign, item, product = session.execute(
        select(Photo, Campaign, TaskItem, Product)
        .join(Task, Task.id == Photo.task_id)
        .join(Campaign, Campaign.id == Task.campaign_id)
        .outerjoin(TaskItem, TaskItem.id == Photo.item_id)  # none for a shelf photo
        .outerjoin(Product, Product.id == TaskItem.product_id)  # none for a vehicle
        .where(Photo.id == photo_id)
    ).one()
    return ClaimedExtraction(
        request_id=request_id,
        task_id=photo.task_id,
        storage_key=photo.original_key,
        gtins=_expected_gtins(session, campaign, product),
        vehicle_codes=_expected_vehicle(session, item),
        currency=campaign.currency,
        read_prices=campaign.kind == CampaignKind.SHELF_PRICE,
        whole_shelf=campaign.kind == CampaignKind.PRODUCT_PLACEMENT,
        typed_price_cents=photo.typed_price_cents,
        **_net_quantity(product),
    )


def _expected_gtins(session: Session, campaign: Campaign, product: Product | None) -> tuple[str, ...]:
    if campaign.kind == CampaignKind.PRODUCT_PLACEMENT:  # the whole shelf is of interest
        return tuple(session.scalars(select(Product.gtin).where(Product.campaign_id == campaign.id)))
    return (product.gtin,) if product is not None else ()


def _net_quantity(product: Product | None) -> dict[str, Any]:
    if product is None or not product.net_quantity_amount:
        return {}
    return {"net_quantity": float(product.net_quantity_amount), "net_unit": product.net_quantity_unit}


def _expected_vehicle(session: Session, item: TaskItem | None) -> tuple[str, ...]:
    if item is None or item.vehicle_id is None:
        return ()
    return (session.scalar(select(Vehicle.vehicle_code).where(Vehicle.id == item.vehicle_id)),)


def record_extraction(
    session: Session,
    claimed: ClaimedExtraction,
    *,
    result: dict[str, Any] | None,
    error: str | None,
    now: datetime,
) -> bool:
    """Store the outcome if this request is still running; False when another run already did.

    The task row is locked first: the caller settles the task's items in this same transaction.
    """
    session.scalar(select(Task.id).where(Task.id == claimed.task_id).with_for_update())
    recorded = session.scalar(
        update(ExtractionRequest)
        .where(ExtractionRequest.id == claimed.request_id, ExtractionRequest.status == ExtractionStatus.RUNNING)
        .values(
            status=ExtractionStatus.FAILED if error else ExtractionStatus.DONE,
            result=result,
            error=error,
            finished_at=now,
        )
        .returning(ExtractionRequest.id)
    )
    return recorded is not None


def release_extraction(session: Session, request_id: uuid.UUID) -> None:
    """A transient failure: back to pending, so that a retry may claim it at once."""
    session.execute(
        update(ExtractionRequest)
        .where(ExtractionRequest.id == request_id, ExtractionRequest.status == ExtractionStatus.RUNNING)
        .values(status=ExtractionStatus.PENDING, started_at=None)
    )


@dataclass(frozen=True)
class Sweep:
    enqueue: list[tuple[uuid.UUID, int]]  # (photo id, generation) to enqueue again
    given_up: list[uuid.UUID]  # task ids whose items may now be settled


def find_lost_extractions(
    session: Session, *, now: datetime, timeout: timedelta, grace: timedelta, limit: int = 1000
) -> Sweep:
    """Requests whose job may be gone: pending for longer than `grace`, or running past `timeout`.

    A request that exhausted its attempts fails for good (its item goes to review). Every request
    found is marked as enqueued now, so the next sweep leaves it alone for another `grace`.
    """
    stale = or_(
        and_(
            ExtractionRequest.status == ExtractionStatus.PENDING,
            ExtractionRequest.requested_at <= now - grace,
            or_(ExtractionRequest.enqueued_at.is_(None), ExtractionRequest.enqueued_at <= now - grace),
        ),
        and_(ExtractionRequest.status == ExtractionStatus.RUNNING, ExtractionRequest.started_at <= now - timeout),
    )
    rows = session.execute(
        select(ExtractionRequest, Photo.task_id)
        .join(Photo, Photo.id == ExtractionRequest.photo_id)
        .where(stale, _is_latest(ExtractionRequest))
        .order_by(ExtractionRequest.requested_at)
        .limit(limit)
        .with_for_update(of=ExtractionRequest, skip_locked=True)
    ).all()
    enqueue, given_up = [], []
    for request, task_id in rows:
        if request.attempts >= MAX_ATTEMPTS:
            request.status, request.finished_at = ExtractionStatus.FAILED, now
            request.error = f"gave up after {request.attempts} attempts"
            given_up.append(task_id)
        else:
            request.enqueued_at = now
            enqueue.append((request.photo_id, request.generation))
    return Sweep(enqueue, given_up)


def unfinished_extractions(session: Session, task: Task, stage: str | None = None) -> list[tuple[uuid.UUID, int]]:
    """(photo id, generation) of the task's photos of this claim still to read (of one `stage`, if given)."""
    query = (
        select(ExtractionRequest.photo_id, ExtractionRequest.generation)
        .join(Photo, Photo.id == ExtractionRequest.photo_id)
        .where(
            Photo.task_id == task.id,
            Photo.claim_generation == task.claim_generation,
            ExtractionRequest.status.in_(UNFINISHED_EXTRACTIONS),
        )
    )
    if stage is not None:
        query = query.where(Photo.stage == stage)
    return [(photo_id, generation) for photo_id, generation in session.execute(query)]
