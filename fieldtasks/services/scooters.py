"""Scooter recharge: pick the vehicle up, charge it, put it back at a deploy spot inside its release window."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from fieldtasks.errors import ConflictError
from fieldtasks.models import CampaignKind, ExtractionRequest, Photo, PhotoStage
from fieldtasks.moments import rfc3339
from fieldtasks.services import deploy_spots
from fieldtasks.services.extraction import unfinished_extractions
from fieldtasks.services.history import record_event
from fieldtasks.services.tasks import held_task

DROPOFF_LIMIT = timedelta(hours=48)  # once picked up, the claim lasts this long: charged, then put back


@dataclass(frozen=True)
class Pickup:
    task_id: uuid.UUID
    picked_up_at: datetime
    claim_expires_at: datetime
    extractions: list[tuple[uuid.UUID, int]]  # pickup photos to read now, enqueued after commit


def pick_up(session: Session, task_id: uuid.UUID, worker_id: uuid.UUID, *, now: datetime) -> Pickup:
    """The worker has the vehicle: checked in at it and photographed its code (read in the background).

    The claim then runs DROPOFF_LIMIT, and the next check-in is the drop-off's. Picking up again
    returns the same pickup.
    """
    task = held_task(session, task_id, worker_id, now=now)
    if task.kind != CampaignKind.SCOOTER_RECHARGE:
        raise ConflictError("Only scooter tasks are picked up.", code="wrong_kind")
    if task.picked_up_at is None:
        if task.checked_in_at is None:
            raise ConflictError("Check in at the vehicle before picking it up.", code="not_checked_in")
        photos = select(Photo.id, literal(now)).where(
            Photo.task_id == task.id, Photo.claim_generation == task.claim_generation, Photo.stage == PhotoStage.PICKUP
        )
        if not session.execute(photos.limit(1)).first():
            raise ConflictError("Photograph the vehicle's code before picking it up.", code="missing_photo")
        session.execute(
            pg_insert(ExtractionRequest).from_select(["photo_id", "requested_at"], photos).on_conflict_do_nothing()
        )
        task.picked_up_at, task.checked_in_at = now, None
        task.claim_expires_at = now + DROPOFF_LIMIT
        task.dropoff_due_at = deploy_spots.latest_due(session, task)
        record_event(session, task.id, worker_id, "picked_up", now, claim_expires_at=rfc3339(task.claim_expires_at))
    pending = unfinished_extractions(session, task, stage=PhotoStage.PICKUP)
    return Pickup(task.id, task.picked_up_at, task.claim_expires_at, pending)
