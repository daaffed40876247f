"""Photo upload: retried safely with an Idempotency-Key, processed with no transaction open."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from fieldtasks.db import Database
from fieldtasks.errors import (
    ConflictError,
    InvalidError,
    NotFoundError,
    PayloadTooLargeError,
    UnsupportedMediaTypeError,
)
from fieldtasks.geo import point_wkt
from fieldtasks.i18n import N_, Sentence
from fieldtasks.images import ImageError, PreparedPhoto, blur
from fieldtasks.models import (
    CampaignKind,
    IdempotencyKey,
    ItemStatus,
    Photo,
    PhotoStage,
    Product,
    Task,
    TaskItem,
    Vehicle,
)
from fieldtasks.moments import rfc3339
from fieldtasks.photo_processes import PhotoProcesses
from fieldtasks.products import normalize_gtin
from fieldtasks.services import deploy_spots
from fieldtasks.services.history import record_event
from fieldtasks.services.tasks import held_task
from fieldtasks.storage import PhotoStorage, blurred_key, clean_key, original_key

IDEMPOTENCY_TTL = timedelta(days=7)


@dataclass(frozen=True)
class Upload:
    """One photo as the phone sent it."""

    task_id: uuid.UUID
    worker_id: uuid.UUID
    idempotency_key: str
    data: bytes
    gtin: str | None
    vehicle_code: str | None
    taken_at: datetime | None
    sensitive: bool = False
    absent: bool = False  # the product is missing: the photo shows its empty place
    price_cents: int | None = None  # typed by the worker, shelf-price tasks only
    unit_price_cents: int | None = None

    def fingerprint(self) -> str:
        """What makes two requests with one key "the same request"."""
        parts = [str(self.task_id), self.gtin or "", self.vehicle_code or "", str(self.taken_at or "")]
        parts += ["sensitive"] if self.sensitive else []
        parts += ["absent"] if self.absent else []
        parts += (
            [f"price:{self.price_cents}:{self.unit_price_cents}"] if self.price_cents or self.unit_price_cents else []
        )
        digest = hashlib.sha256("\x1f".join(parts).encode())
        digest.update(hashlib.sha256(self.data).digest())
        return digest.hexdigest()


def upload_photo(
    database: Database, storage: PhotoStorage, processes: PhotoProcesses, upload: Upload, *, now: datetime
) -> dict[str, Any]:
    """Check the claim, prepare the photo (in a child process), store its bytes, then record it, once per
    idempotency key.

    Returns the response body; a retry under the same key gets the body stored the first time.
    """
    fingerprint = upload.fingerprint()
    with database.unit_of_work() as session:
        stored = _stored_response(session, upload, fingerprint)
        if stored is not None:
            return stored
        _item_for(session, upload, now)  # refuse early, before the expensive part
    prepared = _prepare(processes, upload.data, blurred=upload.sensitive)
    storage.put(original_key(prepared.sha256, prepared.extension), upload.data)
    storage.put(clean_key(prepared.sha256), prepared.clean_jpeg)
    if prepared.blurred_jpeg is not None:
        storage.put(blurred_key(prepared.sha256), prepared.blurred_jpeg)
    with database.unit_of_work() as session:
        claimed_key = session.execute(
            pg_insert(IdempotencyKey)
            .values(
                user_id=upload.worker_id,
                key=upload.idempotency_key,
                request_hash=fingerprint,
                response_status=201,
                response_body={},
                created_at=now,
                expires_at=now + IDEMPOTENCY_TTL,
            )
            .on_conflict_do_nothing()
            .returning(IdempotencyKey.id)
        ).scalar_one_or_none()
        if claimed_key is None:  # a concurrent retry got there first
            return _stored_response(session, upload, fingerprint) or {}
        body = _record_photo(session, upload, prepared, now)
        session.get(IdempotencyKey, claimed_key).response_body = body
        return body


def _prepare(processes: PhotoProcesses, data: bytes, *, blurred: bool) -> PreparedPhoto:
    try:
        return processes.prepare(data, blurred=blurred)
    except ImageError as error:
        if error.code == "payload_too_large":
            raise PayloadTooLargeError(error.message) from None
        if error.code == "unsupported_image":
            raise UnsupportedMediaTypeError(error.message, code="unsupported_image") from None
        raise InvalidError(error.message, code=error.code, errors={"file": [error.message]}) from None


def _stored_response(session: Session, upload: Upload, fingerprint: str) -> dict[str, Any] | None:
    key = session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.user_id == upload.worker_id, IdempotencyKey.key == upload.idempotency_key
        )
    )
    if key is None:
        return None
    if key.request_hash != fingerprint:
        raise InvalidError(
            "This Idempotency-Key was already used for a different upload; use a new key.",
            code="idempotency_mismatch",
        )
    return key.response_body


@dataclass(frozen=True)
class Target:
    """What a photo is evidence for: one item, or (a shelf photo) every item of a placement task."""

    item: TaskItem | None
    generation: int
    stage: PhotoStage | None = None  # a scooter's pickup or dropoff


def _item_for(session: Session, upload: Upload, now: datetime) -> Target:
    """The item of a task this worker holds that the photo is for, and the claim generation."""
    task = held_task(session, upload.task_id, upload.worker_id, now=now)
    if task.checked_in_at is None:  # a photo is evidence of the visit: taken there, once the visit is checked
        raise ConflictError("Check in at the place before taking its photos.", code="not_checked_in")
    if (upload.price_cents or upload.unit_price_cents) and (task.kind != CampaignKind.SHELF_PRICE or upload.absent):
        message = N_("Only a shelf-price task's photo of a product on its shelf takes a typed price.")
        raise InvalidError(message, code="price_not_expected", errors={"price_cents": [message]})
    if upload.absent and (task.kind != CampaignKind.SHELF_PRICE or not upload.gtin):
        message = N_("Only a shelf-price task's product (give its gtin) can be reported missing with a photo.")
        raise InvalidError(message, code="absence_not_expected", errors={"absent": [message]})
    if task.kind == CampaignKind.PRODUCT_PLACEMENT:
        if upload.gtin or upload.vehicle_code:
            message = N_("A placement photo shows the whole shelf section; send it without gtin.")
            raise InvalidError(message, code="shelf_photo", errors={"gtin": [message]})
        return Target(None, task.claim_generation)
    if not (upload.gtin or upload.vehicle_code):
        raise InvalidError("Say which item the photo is of.", errors={"gtin": ["Give gtin or vehicle_code."]})
    try:
        gtin = normalize_gtin(upload.gtin) if upload.gtin else None
    except ValueError as error:
        raise InvalidError(Sentence("gtin {error}.", error=str(error)), errors={"gtin": [str(error)]}) from None
    query = (
        select(TaskItem)
        .outerjoin(Product, Product.id == TaskItem.product_id)
        .outerjoin(Vehicle, Vehicle.id == TaskItem.vehicle_id)
        .where(TaskItem.task_id == task.id)
        .where(Product.gtin == gtin if gtin else Vehicle.vehicle_code == upload.vehicle_code)
    )
    item = session.scalar(query)
    if item is None:
        raise NotFoundError("This task has no such item.", code="item_not_found")
    stage = PhotoStage.ABSENCE if upload.absent else None
    if task.kind == CampaignKind.SCOOTER_RECHARGE:
        stage = PhotoStage.DROPOFF if task.picked_up_at else PhotoStage.PICKUP
    return Target(item, task.claim_generation, stage)


def _record_photo(session: Session, upload: Upload, prepared: PreparedPhoto, now: datetime) -> dict[str, Any]:
    target = _item_for(session, upload, now)
    has_position = prepared.exif_lat is not None and prepared.exif_lon is not None
    photo = Photo(
        task_id=upload.task_id,
        item_id=target.item.id if target.item else None,
        worker_id=upload.worker_id,
        claim_generation=target.generation,
        stage=target.stage,
        media_type=prepared.media_type,
        width=prepared.width,
        height=prepared.height,
        byte_size=prepared.byte_size,
        sha256=prepared.sha256,
        phash=prepared.phash,
        fine_hash=prepared.fine_hash,
        original_key=original_key(prepared.sha256, prepared.extension),
        clean_key=clean_key(prepared.sha256),
        taken_at=upload.taken_at,
        sensitive=upload.sensitive,
        exif_taken_at=prepared.exif_taken_at,
        exif_location=point_wkt(prepared.exif_lat, prepared.exif_lon) if has_position else None,
        typed_price_cents=upload.price_cents,
        typed_unit_price_cents=upload.unit_price_cents,
    )
    session.add(photo)
    photographed = (TaskItem.id == target.item.id) if target.item else (TaskItem.status == ItemStatus.PENDING)
    status = (
        ItemStatus.NOT_FOUND if target.stage == PhotoStage.ABSENCE else ItemStatus.PHOTOGRAPHED
    )  # the latest photo says
    session.execute(
        update(TaskItem).where(TaskItem.task_id == upload.task_id, photographed).values(status=status, updated_at=now)
    )
    session.flush()
    record_event(session, upload.task_id, upload.worker_id, "photo_uploaded", now, photo_id=str(photo.id))
    if target.stage == PhotoStage.ABSENCE:
        record_event(session, upload.task_id, upload.worker_id, "item_not_found", now, item_id=str(target.item.id))
    return {
        "id": str(photo.id),
        "task_id": str(photo.task_id),
        "item_id": str(target.item.id) if target.item else None,
        "stage": target.stage,
        "media_type": photo.media_type,
        "width": photo.width,
        "height": photo.height,
        "byte_size": photo.byte_size,
        "sha256": photo.sha256,
        "taken_at": rfc3339(photo.taken_at),
        "exif_taken_at": rfc3339(_camera_clock(session, photo)),
        "has_exif_position": has_position,
        "price_cents": photo.typed_price_cents,
        "unit_price_cents": photo.typed_unit_price_cents,
        "created_at": rfc3339(now),
    }


def _camera_clock(session: Session, photo: Photo) -> datetime | None:
    """The camera's clock from EXIF, which has no zone, read in the campaign's time zone (kept naive in the table,
    where the verifier compares it with a day's slack either way)."""
    if photo.exif_taken_at is None:
        return None
    task = session.get(Task, photo.task_id)
    return photo.exif_taken_at.replace(tzinfo=deploy_spots.campaign_zone(session, task.campaign_id))


def clean_copy(session: Session, storage: PhotoStorage, photo_id: uuid.UUID, *, blurred: bool = False) -> bytes:
    """The EXIF-free copy of a photo (for a link the caller has already checked), blurred if asked: the stored
    blurred copy, or one made now for a photo stored before blurred copies were."""
    photo = session.execute(select(Photo.sha256, Photo.clean_key).where(Photo.id == photo_id)).one_or_none()
    if photo is None:
        raise NotFoundError("No such photo.")
    if not blurred:
        return storage.get(photo.clean_key)
    try:
        return storage.get(blurred_key(photo.sha256))
    except FileNotFoundError:
        return blur(storage.get(photo.clean_key))
