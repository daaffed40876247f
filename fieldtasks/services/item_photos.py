"""An item's photos with their latest extraction, and the price read on them."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldtasks.models import UNFINISHED_EXTRACTIONS, ExtractionRequest, ItemStatus, Photo, PhotoStage, Task, TaskItem
from fieldtasks.ocr.types import Confidence
from fieldtasks.services.verdicts import shows_product


def item_photos(session: Session, task: Task, item: TaskItem) -> list[tuple[Photo, ExtractionRequest]] | None:
    """The item's photos of this claim (a placement's shelf photos for each of its items) with their latest
    extraction; None while one is not finished. An item reported missing has the photos of its empty place;
    one on its shelf, the others (the worker's latest word decides)."""
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
        .where(evidence_of(item.status))
        .order_by(Photo.created_at)
    ).all()
    if any(request.status in UNFINISHED_EXTRACTIONS for _, request in rows):
        return None
    return [(photo, request) for photo, request in rows]


def evidence_of(status: str):
    """Which photos are evidence for an item in this status."""
    if status == ItemStatus.NOT_FOUND:
        return Photo.stage == PhotoStage.ABSENCE
    return Photo.stage.is_distinct_from(PhotoStage.ABSENCE)


def proof_photos(
    photos: list[tuple[Photo, ExtractionRequest]], gtin: str | None
) -> list[tuple[Photo, ExtractionRequest]]:
    """The photos that could prove the item's price: those on which the product's barcode was read for sure;
    when none shows it, every photo (a moderator then says which one shows the product)."""
    showing = [
        (photo, request)
        for photo, request in photos
        if request.extraction and shows_product(request.extraction.barcodes, gtin)
    ]
    return showing or photos


def photo_price(photo: Photo, request: ExtractionRequest) -> tuple[int | None, Confidence]:
    """The shelf price one photo states and how sure it is: the price the worker typed with it (a moderator
    approving the case accepts it), else the one read on it."""
    if photo.typed_price_cents:
        return photo.typed_price_cents, Confidence.LOW
    read = request.extraction.shelf_price if request.extraction else None
    return (read.amount_cents, read.confidence) if read else (None, Confidence.LOW)
