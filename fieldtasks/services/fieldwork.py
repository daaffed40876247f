"""On site: check in, mark an item not found, submit. Every attempt leaves a record."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from fieldtasks.errors import ConflictError, InvalidError, NotFoundError
from fieldtasks.geo import MAX_PLAUSIBLE_SPEED_KMH, allowed_checkin_distance_m, implied_speed_kmh, point_wkt
from fieldtasks.i18n import N_, Sentence
from fieldtasks.models import (
    Campaign,
    CampaignKind,
    Checkin,
    CheckinOutcome,
    ExtractionRequest,
    ItemStatus,
    Photo,
    PhotoStage,
    Task,
    TaskItem,
    TaskStatus,
)
from fieldtasks.services import briefs, deploy_spots
from fieldtasks.services.extraction import unfinished_extractions
from fieldtasks.services.history import record_event
from fieldtasks.services.item_photos import evidence_of
from fieldtasks.services.tasks import held_task
from fieldtasks.services.verification import settle_task

CLOCK_SKEW = timedelta(minutes=5)  # how far ahead of the server a phone's clock may run
CLAIM_CLOCK_TOLERANCE = timedelta(seconds=30)  # how far behind the server's a phone's clock may be at a claim
# Fixes that come from a real receiver: compared with the next one for speed.
_REAL_FIX_OUTCOMES = (CheckinOutcome.ACCEPTED, CheckinOutcome.OUTSIDE_GEOFENCE)


@dataclass(frozen=True)
class Fix:
    """A position reported by the phone."""

    lat: float
    lon: float
    accuracy_m: float
    is_mock: bool
    recorded_at: datetime


def check_in(
    session: Session,
    task_id: uuid.UUID,
    worker_id: uuid.UUID,
    fix: Fix,
    *,
    now: datetime,
    max_fix_age: timedelta,
) -> Checkin:
    """Accept the fix if it is genuine, fresh, plausible and inside the store's (or vehicle's) geofence.

    `recorded_at` is the phone's word: a fix counts only if it arrives within `max_fix_age` of it and
    is not older than the claim. A refused attempt is recorded too: the error keeps the changes of
    this unit of work.
    """
    if fix.recorded_at > now + CLOCK_SKEW:
        message = N_("recorded_at is in the future; check the phone's clock.")
        raise InvalidError(message, code="future_fix", errors={"recorded_at": [message]})
    task = held_task(session, task_id, worker_id, now=now)
    distance, allowed, spot = _distance_to_place(session, task, fix, now=now)
    # What a phone can act on, as numbers (the message says it in words). A fix so vague that nothing is allowed
    # (allowed below zero) is refused as inaccurate whatever its distance.
    details: dict[str, float] = {"distance_m": round(distance, 1), "allowed_m": round(max(allowed, 0.0), 1),
                                 "accuracy_m": round(fix.accuracy_m, 1)}  # fmt: skip
    outcome, refusal = CheckinOutcome.ACCEPTED, None
    if fix.is_mock:
        outcome, refusal = "mock_location", N_("Your phone reports a simulated location; turn off mock locations.")
    elif now - fix.recorded_at > max_fix_age:
        outcome = CheckinOutcome.STALE_FIX
        refusal = Sentence(
            "This position was taken {age} ago; check in with a fresh one (at most {max_age} old), connected.",
            age=_minutes(now - fix.recorded_at), max_age=_minutes(max_fix_age),
        )  # fmt: skip
        details |= {
            "fix_age_s": round((now - fix.recorded_at).total_seconds()),
            "max_fix_age_s": int(max_fix_age.total_seconds()),
        }
    elif fix.recorded_at < task.claimed_at - CLAIM_CLOCK_TOLERANCE:
        outcome, refusal = (
            CheckinOutcome.FIX_BEFORE_CLAIM,
            N_("This position was taken before you claimed the task; take a new one."),
        )
    elif (speed := _speed_from_previous_fix(session, worker_id, fix)) > MAX_PLAUSIBLE_SPEED_KMH:
        outcome = CheckinOutcome.IMPLAUSIBLE_SPEED
        refusal = Sentence(
            "Coming here from your previous position would mean {speed:.0f} km/h, faster than the {max_speed:.0f} "
            "km/h the service believes; wait for a fresh GPS fix.", speed=speed, max_speed=MAX_PLAUSIBLE_SPEED_KMH,
        )  # fmt: skip
        details |= {"speed_kmh": round(speed, 1), "max_speed_kmh": MAX_PLAUSIBLE_SPEED_KMH}
    elif distance > allowed + fix.accuracy_m:
        outcome = CheckinOutcome.OUTSIDE_GEOFENCE
        refusal = Sentence(
            "You are {distance} from the place; come within {allowed}.",
            distance=_distance(distance), allowed=_distance(max(allowed, 0.0)),
        )  # fmt: skip
    elif distance > allowed:
        outcome = CheckinOutcome.INACCURATE_FIX
        refusal = Sentence(
            "Your position is known to ±{accuracy:.0f} m only; wait for a sharper GPS fix, outdoors.",
            accuracy=fix.accuracy_m,
        )
    elif spot is not None and spot.outcome:
        outcome, refusal = spot.outcome, spot.message
    checkin = Checkin(
        task_id=task.id,
        worker_id=worker_id,
        claim_generation=task.claim_generation,
        location=point_wkt(fix.lat, fix.lon),
        accuracy_m=fix.accuracy_m,
        is_mock=fix.is_mock,
        recorded_at=fix.recorded_at,
        received_at=now,
        distance_m=distance,
        outcome=outcome,
        deploy_spot_id=spot.spot.id if spot else None,
    )
    session.add(checkin)
    record_event(session, task.id, worker_id, "checkin_" + outcome, now, distance_m=round(distance, 1))
    if refusal:
        raise InvalidError(refusal, code=outcome, errors=details, keeps_changes=True)
    task.checked_in_at = now
    if spot is not None:
        deploy_spots.record_dropoff(session, task, spot.spot, now=now)
    return checkin


def _distance_to_place(
    session: Session, task: Task, fix: Fix, *, now: datetime
) -> tuple[float, float, deploy_spots.SpotCheck | None]:
    """Metres from the place, metres allowed, and for a scooter's drop-off the deploy spot it is checked against."""
    point = func.ST_GeogFromText(point_wkt(fix.lat, fix.lon))
    if task.picked_up_at:  # a scooter's drop-off: at a deploy spot, not where the vehicle was
        spot = deploy_spots.nearest_spot(session, task, point, now=now)
        return spot.distance_m, allowed_checkin_distance_m(spot.spot.geofence_m, fix.accuracy_m), spot
    distance = session.scalar(select(func.ST_Distance(Task.location, point)).where(Task.id == task.id))
    return distance, allowed_checkin_distance_m(task.geofence_m, fix.accuracy_m), None


def _distance(metres: float) -> str:
    """As a person reads it: metres up to a kilometre, then kilometres."""
    return f"{metres:.0f} m" if metres < 1000 else f"{metres / 1000:.1f} km"


def _minutes(delta: timedelta) -> str:
    minutes = delta.total_seconds() / 60
    return f"{minutes:.0f} min" if minutes < 120 else f"{minutes / 60:.0f} h"


def _speed_from_previous_fix(session: Session, worker_id: uuid.UUID, fix: Fix) -> float:
    """The speed from the last fix that reached the server, as of the later of its time and its receipt:
    a phone cannot place its previous position earlier than the server learnt of it."""
    point = func.ST_GeogFromText(point_wkt(fix.lat, fix.lon))
    previous = session.execute(
        select(
            func.ST_Distance(Checkin.location, point),
            func.greatest(Checkin.recorded_at, Checkin.received_at),
            Checkin.accuracy_m,
        )
        .where(Checkin.worker_id == worker_id, Checkin.outcome.in_(_REAL_FIX_OUTCOMES))
        .order_by(Checkin.received_at.desc())
        .limit(1)
    ).one_or_none()
    if previous is None:
        return 0.0
    distance, there_at, accuracy = previous
    seconds = max((fix.recorded_at - there_at).total_seconds(), 0.0)
    return implied_speed_kmh(distance, seconds, accuracy + fix.accuracy_m)


def mark_not_found(
    session: Session, task_id: uuid.UUID, item_id: uuid.UUID, worker_id: uuid.UUID, *, now: datetime
) -> TaskItem:
    """The product is not on the shelf: a finding to report, not a failure."""
    task = held_task(session, task_id, worker_id, now=now)
    item = session.scalar(select(TaskItem).where(TaskItem.id == item_id, TaskItem.task_id == task.id))
    if item is None:
        raise NotFoundError("No such item in this task.")
    if item.status != ItemStatus.NOT_FOUND:
        item.status = ItemStatus.NOT_FOUND
        item.updated_at = now
        record_event(session, task.id, worker_id, "item_not_found", now, item_id=str(item.id))
    return item


@dataclass(frozen=True)
class Submission:
    task_id: uuid.UUID
    submitted_at: datetime
    extractions: list[tuple[uuid.UUID, int]]  # (photo id, generation) to read
    deliveries: list[uuid.UUID] = field(default_factory=list)  # webhook deliveries (items settled at once)


def submit_task(
    session: Session,
    task_id: uuid.UUID,
    worker_id: uuid.UUID,
    *,
    now: datetime,
    wages: Mapping[str, int] | None = None,
) -> Submission:
    """Hand the task in: needs a check-in and, for every item, a photo or `not_found`.

    Extraction requests are recorded in this same transaction; the caller enqueues them after
    commit. The brief the worker opened is paid now (at the `wages` per currency). Submitting again
    what this worker already submitted returns the same submission.
    """
    task = session.scalar(select(Task).where(Task.id == task_id).with_for_update())
    if task is not None and task.status == TaskStatus.SUBMITTED and task.claimed_by_id == worker_id:
        return Submission(task.id, task.submitted_at, unfinished_extractions(session, task))
    task = held_task(session, task_id, worker_id, now=now)
    if task.checked_in_at is None:
        raise ConflictError("Check in at the place before submitting.", code="not_checked_in")
    if task.kind == CampaignKind.SCOOTER_RECHARGE:
        _check_dropoff(session, task)
    pending = session.scalars(
        select(TaskItem.id).where(TaskItem.task_id == task.id, TaskItem.status == ItemStatus.PENDING)
    ).all()
    if pending:
        message = Sentence("{count} item(s) still need a photo or to be marked not found.", count=len(pending))
        raise ConflictError(message, code="items_incomplete", errors={"items": [str(i) for i in pending]})
    photos = (
        select(Photo.id, literal(now))
        .outerjoin(TaskItem, TaskItem.id == Photo.item_id)
        .where(Photo.task_id == task.id, Photo.claim_generation == task.claim_generation)
        .where(
            Photo.item_id.is_(None)  # a shelf photo
            | ((TaskItem.status == ItemStatus.PHOTOGRAPHED) & evidence_of(ItemStatus.PHOTOGRAPHED))
            | ((TaskItem.status == ItemStatus.NOT_FOUND) & evidence_of(ItemStatus.NOT_FOUND))
        )
    )
    session.execute(
        pg_insert(ExtractionRequest).from_select(["photo_id", "requested_at"], photos).on_conflict_do_nothing()
    )
    task.status = TaskStatus.SUBMITTED
    task.submitted_at = now
    record_event(session, task.id, worker_id, "submitted", now, claim_generation=task.claim_generation)
    if wages:
        briefs.pay_briefing(session, session.get(Campaign, task.campaign_id), worker_id, wages=wages, now=now)
    session.flush()
    settled = settle_task(session, task.id, now=now)  # items marked not found need no photo read
    return Submission(task.id, now, unfinished_extractions(session, task), settled.deliveries)


def _check_dropoff(session: Session, task: Task) -> None:
    if task.picked_up_at is None:
        raise ConflictError("Pick the vehicle up before handing the task in.", code="not_picked_up")
    dropoff_photo = select(Photo.id).where(
        Photo.task_id == task.id, Photo.claim_generation == task.claim_generation, Photo.stage == PhotoStage.DROPOFF
    )
    if session.scalar(dropoff_photo.limit(1)) is None:
        raise ConflictError("Photograph the vehicle's code at the deploy spot.", code="missing_photo")
