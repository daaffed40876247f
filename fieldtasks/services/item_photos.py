"""An item's photos with their latest extraction, and the price read on them."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldtasks.models import ExtractionRequest, Photo, Task, TaskItem

TERMINAL = ("done", "failed")


def item_photos(session: Session, task: Task, item: TaskItem) -> list[tuple[Photo, ExtractionRequest]] | None:
    """The item's photos of this claim (a placement's shelf photos for each of its items) with their latest
    extraction; None while one is not finished."""
    latest = (
        select(ExtractionRequest.photo_id, func.max(ExtractionRequest.generation).label("generation"))
        .group_by(ExtractionRequest.photo_id)
        .subquery()
    )
    rows = session.execute(
        select(Photo, ExtractionRequest)
        .join(latest, latest.c.photo_id == Photo.id)
        .join(
            ExtractionRequest,
            (ExtractionRequest.photo_id == Photo.id) & (ExtractionRequest.generation == latest.c.generation),
        )
        .where(Photo.task_id == task.id, Photo.claim_generation == task.claim_generation)
        .where((Photo.item_id == item.id) | Photo.item_id.is_(None))  # a shelf photo shows every item
        .order_by(Photo.created_at)
    ).all()
    if any(request.status not in TERMINAL for _, request in rows):
        return None
    return [(photo, request) for photo, request in rows]


def read_price(session: Session, task: Task, item: TaskItem) -> tuple[int | None, uuid.UUID | None, str]:
    """The shelf price of the item's photos, its photo and its confidence: the price the worker typed, which
    a moderator approving the case accepts; else the one read (the most confident)."""
    photos = item_photos(session, task, item) or []
    typed = [photo for photo, _ in photos if photo.typed_price_cents]
    if typed:
        return typed[-1].typed_price_cents, typed[-1].id, "low"
    found = [
        (request.result["shelf_price"], photo.id)
        for photo, request in photos
        if request.result and request.result.get("shelf_price")
    ]
    if not found:
        return None, photos[0][0].id if photos else None, "low"
    price, photo_id = max(found, key=lambda pair: pair[0]["confidence"] == "high")
    return price["amount_cents"], photo_id, price["confidence"]
