"""Settling submitted items: gather the evidence, judge, record the verdict, pay what is verified."""

from __future__ import annotations

import statistics
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, cast, func, select
from sqlalchemy.dialects.postgresql import BIT
from sqlalchemy.orm import Session, aliased

from fieldtasks.models import (
    Campaign,
    CaseKind,
    DeploySpot,
    ExtractionRequest,
    ExtractionStatus,
    ItemStatus,
    Photo,
    PhotoStage,
    PriceObservation,
    Product,
    Task,
    TaskItem,
    TaskStatus,
    Vehicle,
    Verdict,
    VerdictBy,
    VerifiedBy,
)
from fieldtasks.services import payments, webhooks
from fieldtasks.services.history import record_event
from fieldtasks.services.item_photos import item_photos
from fieldtasks.services.moderation import open_case
from fieldtasks.services.observations import record_observation, record_shelf_check
from fieldtasks.services.verdicts import Evidence, Judgement, ReadPhoto, ShelfPrice, judge, reason

# A copy (resized, re-encoded) stays within a few bits of both perceptual hashes; two photos of
# look-alike labels on plain backgrounds can share the coarse one, never the fine one.
CANDIDATE_BITS = 6  # of 64
COPY_BITS = 16  # of 256
# EXIF times carry no zone: a photo is stale only when no time zone on Earth puts it inside the claim.
EXIF_ZONE_SLACK = timedelta(hours=14, minutes=5)
MEDIAN_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class Settlement:
    items: list[uuid.UUID]  # settled now
    deliveries: list[uuid.UUID]  # webhook deliveries it set off, for the caller to enqueue after its commit


def settle_task(session: Session, task_id: uuid.UUID, *, now: datetime) -> Settlement:
    """Give a verdict to every submitted item of the task whose photos are all read; pay the verified.

    The task row is locked first, so two photo jobs finishing together settle each item once.
    """
    task = session.scalar(select(Task).where(Task.id == task_id).with_for_update())
    if task is None or task.status != TaskStatus.SUBMITTED:
        return Settlement([], [])
    campaign = session.get(Campaign, task.campaign_id)
    items = session.scalars(
        select(TaskItem).where(TaskItem.task_id == task.id, TaskItem.verdict.is_(None)).order_by(TaskItem.id)
    ).all()
    settled, deliveries = [], []
    for item in items:
        if item.status not in (ItemStatus.NOT_FOUND, ItemStatus.PHOTOGRAPHED):
            continue
        photos = item_photos(session, task, item)
        if photos is None:
            continue  # a photo is still being read
        if item.status == ItemStatus.NOT_FOUND and not photos:
            _unproven_absence(session, task, item, now=now)
        else:
            evidence = gather_evidence(session, task, campaign, item, photos)
            deliveries += _record(session, task, campaign, item, judge(evidence), photos, now=now)
        settled.append(item.id)
    if settled and len(settled) == len(items):
        deliveries += _task_completed(session, task, campaign, now=now)
    return Settlement(settled, deliveries)


def _task_completed(session: Session, task: Task, campaign: Campaign, *, now: datetime) -> list[uuid.UUID]:
    verdicts = session.execute(
        select(TaskItem.verdict, func.count()).where(TaskItem.task_id == task.id).group_by(TaskItem.verdict)
    ).all()
    data = {
        "task_id": str(task.id),
        "campaign_id": str(campaign.id),
        "store_id": str(task.store_id) if task.store_id else None,
        "place": task.place_name,
        "items": {verdict: count for verdict, count in verdicts},
    }
    key = f"task.completed:{task.id}:{task.claim_generation}"
    return webhooks.record_event(session, campaign.organization_id, "task.completed", key, data, now=now)


def gather_evidence(
    session: Session, task: Task, campaign: Campaign, item: TaskItem, photos: list[tuple[Photo, ExtractionRequest]]
) -> Evidence:
    product = session.get(Product, item.product_id) if item.product_id else None
    vehicle = session.get(Vehicle, item.vehicle_id) if item.vehicle_id else None
    price_history = _recent_prices(session, campaign.id, product.id, task.submitted_at) if product else []
    farthest_m, geofence_m = _farthest_photo(session, task, [photo.id for photo, _ in photos])
    return Evidence(
        kind=campaign.kind,
        absence=item.status == ItemStatus.NOT_FOUND,
        expected_gtin=product.gtin if product else None,
        expected_vehicle_code=vehicle.vehicle_code if vehicle else None,
        photos=[
            ReadPhoto(request.extraction, photo.stage, photo.id)
            for photo, request in photos
            if request.status == ExtractionStatus.DONE and request.result
        ],
        unreadable=[
            request.error or "unreadable" for _, request in photos if request.status == ExtractionStatus.FAILED
        ],
        geofence_m=geofence_m,
        farthest_photo_m=farthest_m,
        stale_taken_at=_stale_time(task, [photo for photo, _ in photos]),
        duplicate=bool(copies_of(session, task, [photo for photo, _ in photos], limit=1)),
        median_price_cents=round(statistics.median(price_history)) if len(price_history) >= 3 else None,
    )


def _farthest_photo(session: Session, task: Task, photo_ids: list[uuid.UUID]) -> tuple[float | None, int]:
    """The photo position farthest outside its place (a drop-off photo's place is the deploy spot),
    as (distance in metres, that place's geofence)."""
    at_spot = (Photo.stage == PhotoStage.DROPOFF) & DeploySpot.id.is_not(None)
    place = case((at_spot, DeploySpot.location), else_=Task.location)
    geofence = case((at_spot, DeploySpot.geofence_m), else_=Task.geofence_m)
    distance = func.ST_Distance(Photo.exif_location, place)
    worst = session.execute(
        select(distance, geofence)
        .join(Task, Task.id == Photo.task_id)
        .outerjoin(DeploySpot, DeploySpot.id == Task.dropoff_spot_id)
        .where(Photo.id.in_(photo_ids), Photo.exif_location.is_not(None), Task.id == task.id)
        .order_by((distance - geofence).desc())
        .limit(1)
    ).one_or_none()
    return (worst[0], worst[1]) if worst else (None, task.geofence_m)


def _stale_time(task: Task, photos: list[Photo]) -> str | None:
    start = task.claimed_at.replace(tzinfo=None) - EXIF_ZONE_SLACK
    end = task.submitted_at.replace(tzinfo=None) + EXIF_ZONE_SLACK
    for photo in photos:
        taken = photo.exif_taken_at.replace(tzinfo=None) if photo.exif_taken_at else None
        if taken is not None and not start <= taken <= end:
            return taken.isoformat(sep=" ", timespec="minutes")
    return None


def copies_of(session: Session, task: Task, photos: list[Photo], *, limit: int = 3) -> list[Photo]:
    """Photos from another task or worker that these are copies of: the same bytes anywhere, or a
    near-identical picture in this campaign; the oldest first."""
    other = aliased(Photo)
    elsewhere = (other.task_id != task.id) | (other.worker_id != task.claimed_by_id)
    hashes = [photo.sha256 for photo in photos]
    same_bytes = select(other).where(other.sha256.in_(hashes), elsewhere).order_by(other.created_at).limit(limit)
    found = list(session.scalars(same_bytes))
    same_campaign = select(Task.id).where(Task.campaign_id == task.campaign_id)
    for photo in photos:
        if len(found) >= limit:
            break
        distance = func.bit_count(cast(other.phash.op("#")(photo.phash), BIT(64)))
        candidates = session.scalars(
            select(other)
            .where(other.task_id.in_(same_campaign), elsewhere, distance <= CANDIDATE_BITS)
            .order_by(other.created_at)
        )
        found += [c for c in candidates if c not in found and _is_copy(photo.fine_hash, c.fine_hash)]
    return found[:limit]


def _is_copy(mine: str | None, theirs: str | None) -> bool:
    if not (mine and theirs):
        return True  # photos from before fine hashes: the coarse hash alone decides
    return (int(mine, 16) ^ int(theirs, 16)).bit_count() <= COPY_BITS


def _recent_prices(session: Session, campaign_id: uuid.UUID, product_id: uuid.UUID, until: datetime) -> list[int]:
    return list(
        session.scalars(
            select(PriceObservation.price_cents).where(
                PriceObservation.price_cents.is_not(None),
                PriceObservation.campaign_id == campaign_id,
                PriceObservation.product_id == product_id,
                PriceObservation.observed_at > until - MEDIAN_WINDOW,
            )
        )
    )


def _unproven_absence(session: Session, task: Task, item: TaskItem, *, now: datetime) -> None:
    """Reported missing with no photo of the empty place: nothing to verify, so not paid (appealable)."""
    item.verdict, item.verdict_by, item.verdict_at = Verdict.REJECTED, VerdictBy.AUTO, now
    item.reasons = [reason("absence_unproven")]
    session.flush()
    record_event(session, task.id, None, "item_rejected", now, item_id=str(item.id), reasons=["absence_unproven"])


def _record(
    session: Session,
    task: Task,
    campaign: Campaign,
    item: TaskItem,
    judgement: Judgement,
    photos: list[tuple[Photo, ExtractionRequest]],
    *,
    now: datetime,
) -> list[uuid.UUID]:
    """The machine's verdict on one item: paid and in the feed, or in review. Returns the deliveries it set off."""
    item.verdict = Verdict.VERIFIED if judgement.verified else Verdict.NEEDS_REVIEW
    item.verdict_by = VerdictBy.AUTO
    item.verdict_at = now
    item.reasons = judgement.reasons
    details: dict[str, Any] = {"item_id": str(item.id), "reasons": [r["code"] for r in judgement.reasons]}
    deliveries = []
    if judgement.verified:
        if judgement.price is not None:
            deliveries += _observe(session, task, campaign, item, judgement.price, photos, now=now)
        if judgement.presence is not None:
            details["presence"] = judgement.presence
            first_photo = photos[0][0] if photos else None
            record_shelf_check(session, task, campaign, item, judgement.presence, first_photo, VerifiedBy.AUTO, now=now)
        deliveries += payments.pay_item(session, item.id, now=now)
    else:
        item.review_due_at = now + timedelta(hours=campaign.auto_approve_hours)
        open_case(session, item.id, kind=CaseKind.REVIEW, reasons=judgement.reasons, now=now, due_at=item.review_due_at)
    session.flush()
    record_event(session, task.id, None, f"item_{item.verdict}", now, **details)
    return deliveries


def _observe(session, task, campaign, item, price: ShelfPrice, photos, *, now) -> list[uuid.UUID]:
    photo = next(photo for photo, _ in photos if photo.id == price.proof.photo_id)
    found = price.proof.extraction
    return record_observation(
        session,
        task,
        campaign,
        item.id,
        product_id=item.product_id,
        photo_id=photo.id,
        price_cents=price.amount_cents,
        confidence=price.confidence,
        observed_at=photo.taken_at or photo.created_at,  # EXIF times carry no zone
        verified_by=VerifiedBy.AUTO,
        price_source=price.source,
        now=now,
        unit_price_cents=found.unit_price.amount_cents if found.unit_price else None,
        unit=found.unit_price.unit if found.unit_price else None,
        promo=found.promotion_percent is not None,
    )
