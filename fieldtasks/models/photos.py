"""Uploaded photos, the idempotency keys that make uploads safe to retry, and extraction requests."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from fieldtasks.models.base import Base, State, created_at, one_of, uuid_pk
from fieldtasks.models.campaigns import point_column
from fieldtasks.ocr.stored import from_json
from fieldtasks.ocr.types import Extraction


class PhotoStage(enum.StrEnum):
    """What a photo shows besides a label (a label's photo has no stage)."""

    PICKUP = "pickup"  # a scooter as it was picked up
    DROPOFF = "dropoff"  # a scooter put back at a deploy spot
    ABSENCE = "absence"  # the empty place of a product reported missing


class ExtractionStatus(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"  # held by one run until it finishes or its timeout passes
    DONE = "done"
    FAILED = "failed"  # for good: `error` says why


UNFINISHED_EXTRACTIONS = (ExtractionStatus.PENDING, ExtractionStatus.RUNNING)


class Photo(Base):
    __tablename__ = "photos"
    __table_args__ = (
        Index("ix_photos_sha256", "sha256"),
        Index("ix_photos_phash", "phash"),
        CheckConstraint("typed_price_cents > 0", name="typed_price_positive"),
        CheckConstraint("typed_unit_price_cents > 0", name="typed_unit_price_positive"),
        one_of("stage", PhotoStage),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    # None for a shelf photo of a placement task: it is evidence for every item of the task.
    item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("task_items.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    claim_generation: Mapped[int]
    media_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int]
    height: Mapped[int]
    byte_size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    phash: Mapped[int] = mapped_column(BigInteger)
    fine_hash: Mapped[str | None] = mapped_column(String(64))
    # Reported by the worker (people in the picture, say): moderators see it blurred until they reveal it.
    sensitive: Mapped[bool] = mapped_column(server_default="false")
    stage: Mapped[PhotoStage | None] = mapped_column(State(PhotoStage))
    original_key: Mapped[str] = mapped_column(String(200))
    clean_key: Mapped[str] = mapped_column(String(200))
    taken_at: Mapped[datetime | None]
    exif_taken_at: Mapped[datetime | None]
    exif_location: Mapped[str | None] = point_column()
    # What the worker read on the label (shelf prices): checked against the photo, never shown to them pre-filled.
    typed_price_cents: Mapped[int | None] = mapped_column(BigInteger)
    typed_unit_price_cents: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = created_at()


class IdempotencyKey(Base):
    """A request a phone may retry: the same key returns the stored response, never a second effect."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (Index("uq_idempotency_keys_user_key", "user_id", "key", unique=True),)

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int]
    response_body: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class ExtractionRequest(Base):
    """A photo to read, recorded with the submission so that a lost job can be found and enqueued again."""

    __tablename__ = "extraction_requests"
    __table_args__ = (
        one_of("status", ExtractionStatus),
        Index("uq_extraction_requests_photo_generation", "photo_id", "generation", unique=True),
        Index("ix_extraction_requests_status", "status"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    photo_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("photos.id", ondelete="CASCADE"))
    generation: Mapped[int] = mapped_column(server_default="1")
    status: Mapped[ExtractionStatus] = mapped_column(State(ExtractionStatus), server_default=ExtractionStatus.PENDING)
    requested_at: Mapped[datetime]
    enqueued_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]  # by the run that holds it; a run past its timeout is presumed dead
    finished_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(server_default="0")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # the Extraction, as JSON
    error: Mapped[str | None] = mapped_column(String(500))  # why it failed for good

    @property
    def extraction(self) -> Extraction | None:
        """The stored result, typed again (None until the photo is read, or when reading it failed)."""
        return from_json(self.result) if self.result else None
