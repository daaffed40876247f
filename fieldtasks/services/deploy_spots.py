"""Deploy spots: where a scooter is put back, inside its release window; late or not, and what the worker sees."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldtasks.i18n import Sentence
from fieldtasks.models import (
    UNFINISHED_EXTRACTIONS,
    Campaign,
    CheckinOutcome,
    DeploySpot,
    ExtractionRequest,
    ExtractionStatus,
    Photo,
    PhotoStage,
    Task,
    Vehicle,
)
from fieldtasks.moments import rfc3339
from fieldtasks.ocr.stored import from_json
from fieldtasks.services.verdicts import shows_vehicle
from fieldtasks.windows import next_window, open_window


@dataclass(frozen=True)
class SpotCheck:
    """Where a drop-off check-in stands: the nearest deploy spot, and what is wrong, if anything."""

    spot: DeploySpot
    distance_m: float
    outcome: CheckinOutcome | None  # None, or OUTSIDE_RELEASE_WINDOW
    message: str | None


def nearest_spot(session: Session, task: Task, point, *, now: datetime) -> SpotCheck:
    """The campaign's deploy spot nearest to the fix, and whether its release window is open now."""
    spot, distance = session.execute(
        select(DeploySpot, func.ST_Distance(DeploySpot.location, point))
        .where(DeploySpot.campaign_id == task.campaign_id)
        .order_by(func.ST_Distance(DeploySpot.location, point))
        .limit(1)
    ).one()
    zone = campaign_zone(session, task.campaign_id)
    if open_window(now, spot.release_from, spot.release_until, zone) is None:
        opens = next_window(now, spot.release_from, spot.release_until, zone)[0]
        message = Sentence(
            "The release window at {spot} opens at {opens} ({zone}); put the vehicle back then.",
            spot=spot.name,
            opens=opens.strftime("%H:%M"),
            zone=zone.key,
        )
        return SpotCheck(spot, distance, CheckinOutcome.OUTSIDE_RELEASE_WINDOW, message)
    return SpotCheck(spot, distance, None, None)


def record_dropoff(session: Session, task: Task, spot: DeploySpot, *, now: datetime) -> None:
    """An accepted drop-off check-in: late when after the end of the spot's first window after pickup."""
    zone = campaign_zone(session, task.campaign_id)
    task.dropoff_spot_id = spot.id
    task.dropped_off_at = now
    task.dropoff_due_at = next_window(task.picked_up_at, spot.release_from, spot.release_until, zone)[1]


def latest_due(session: Session, task: Task) -> datetime | None:
    """At pickup: when the vehicle is due back at the latest, the end of the first release window after
    pickup at the spot whose window ends last (the drop-off then dates it by the spot it reaches)."""
    zone = campaign_zone(session, task.campaign_id)
    spots = session.scalars(select(DeploySpot).where(DeploySpot.campaign_id == task.campaign_id))
    ends = [next_window(task.picked_up_at, s.release_from, s.release_until, zone)[1] for s in spots]
    return max(ends, default=None)


def is_late(task: Task) -> bool:
    return dropped_off_late(task.dropped_off_at, task.dropoff_due_at)


def dropped_off_late(dropped_off_at: datetime | None, due_at: datetime | None) -> bool:
    """After the end of the release window it was due in (a drop-off not due, or not made, is not late)."""
    return bool(dropped_off_at and due_at and dropped_off_at > due_at)


def campaign_zone(session: Session, campaign_id: uuid.UUID) -> ZoneInfo:
    """The time zone a campaign's local times are in (release windows; a camera's clock, which EXIF gives none)."""
    return ZoneInfo(session.scalar(select(Campaign.timezone).where(Campaign.id == campaign_id)))


def scooter_view(session: Session, task: Task, *, now: datetime) -> dict[str, Any]:
    """What the worker needs between pickup and drop-off: where the vehicle can go, and by when."""
    zone = campaign_zone(session, task.campaign_id)
    after = task.picked_up_at or now
    spots = []
    location = func.geometry(DeploySpot.location)
    rows = session.execute(
        select(DeploySpot, func.ST_Y(location), func.ST_X(location))
        .where(DeploySpot.campaign_id == task.campaign_id)
        .order_by(DeploySpot.name)
    )
    for spot, lat, lon in rows:
        opens, closes = next_window(after, spot.release_from, spot.release_until, zone)
        spots.append({
            "id": str(spot.id),
            "name": spot.name,
            "lat": lat,
            "lon": lon,
            "geofence_m": spot.geofence_m,
            "release_window": f"{spot.release_from:%H:%M}-{spot.release_until:%H:%M}",
            "time_zone": zone.key,  # the release window's
            "due_window": {"opens_at": rfc3339(opens), "closes_at": rfc3339(closes)},
            "open_now": open_window(now, spot.release_from, spot.release_until, zone) is not None,
        })  # fmt: skip
    return {
        "pickup_code": _pickup_code(session, task),
        "picked_up_at": rfc3339(task.picked_up_at),
        "dropped_off_at": rfc3339(task.dropped_off_at),
        "dropoff_due_at": rfc3339(task.dropoff_due_at),
        "late": is_late(task),
        "time_zone": zone.key,  # the deploy spots' and their windows'
        "deploy_spots": spots,
    }


def _pickup_code(session: Session, task: Task) -> str | None:
    """What the pickup photos show, as soon as they are read: the worker learns early of a wrong vehicle.

    None before pickup; "reading", "matches", or "no_match" (then the drop-off will go to review).
    """
    if task.picked_up_at is None:
        return None
    expected = session.scalar(select(Vehicle.vehicle_code).where(Vehicle.id == task.vehicle_id))
    results = session.execute(
        select(ExtractionRequest.status, ExtractionRequest.result)
        .join(Photo, Photo.id == ExtractionRequest.photo_id)
        .where(
            Photo.task_id == task.id, Photo.claim_generation == task.claim_generation, Photo.stage == PhotoStage.PICKUP
        )
    ).all()
    codes = [
        code
        for status, result in results
        if status == ExtractionStatus.DONE and result
        for code in from_json(result).codes
    ]
    if shows_vehicle(codes, expected):  # the rule the drop-off's verification applies
        return "matches"
    if any(status in UNFINISHED_EXTRACTIONS for status, _ in results):
        return "reading"
    return "no_match"
