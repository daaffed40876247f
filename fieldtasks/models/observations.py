"""Verified shelf prices: what a client's feed is made of."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Identity, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from fieldtasks.models.base import Base, State, one_of, uuid_pk
from fieldtasks.ocr.types import Confidence


class Availability(enum.StrEnum):
    IN_STOCK = "in_stock"
    ABSENT = "absent"  # missing from its shelf: no price, the photo of its empty place


class Presence(enum.StrEnum):
    PRESENT = "present"
    ABSENT = "absent"


class VerifiedBy(enum.StrEnum):
    AUTO = "auto"  # the machine (or the review deadline)
    MODERATOR = "moderator"


class PriceSource(enum.StrEnum):
    TYPED_AND_READ = "typed_and_read"  # typed by the worker and confirmed on the photo
    READ = "read"  # read by the machine alone, both of its readers agreeing
    MODERATOR = "moderator"


class DisputeStatus(enum.StrEnum):
    OPEN = "open"  # a client believes the price wrong: a moderator checks it on the photo
    UPHELD = "upheld"
    CORRECTED = "corrected"
    WITHDRAWN = "withdrawn"


class PriceObservation(Base):
    __tablename__ = "price_observations"
    __table_args__ = (
        CheckConstraint("price_cents > 0", name="price_positive"),
        one_of("availability", Availability),
        CheckConstraint("(availability = 'in_stock') = (price_cents IS NOT NULL)", name="price_when_in_stock"),
        one_of("verified_by", VerifiedBy),
        one_of("price_source", PriceSource),
        one_of("dispute_status", DisputeStatus),
        Index("uq_price_observations_item_id", "item_id", unique=True),
        Index("ix_price_observations_product_observed", "product_id", "observed_at"),
        Index("ix_price_observations_organization_id_verified_at", "organization_id", "verified_at"),
        Index("ix_price_observations_feed", "organization_id", "feed_xid", "seq"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    organization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("task_items.id", ondelete="CASCADE"))
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaign_products.id", ondelete="CASCADE"))
    photo_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("photos.id", ondelete="CASCADE"))
    # A shelf price, or the product's absence from its shelf (no price) with the photo of its empty place.
    availability: Mapped[Availability] = mapped_column(State(Availability, 8), server_default=Availability.IN_STOCK)
    price_cents: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    unit_price_cents: Mapped[int | None] = mapped_column(BigInteger)
    unit: Mapped[str | None] = mapped_column(String(8))
    promo: Mapped[bool] = mapped_column(server_default="false")
    confidence: Mapped[Confidence] = mapped_column(State(Confidence, 8))
    observed_at: Mapped[datetime]
    verified_at: Mapped[datetime]
    verified_by: Mapped[VerifiedBy] = mapped_column(State(VerifiedBy))
    # How the price was established: typed by the worker and confirmed on the photo, read by the machine
    # alone (both of its readers agreeing), or set by a moderator.
    price_source: Mapped[PriceSource] = mapped_column(State(PriceSource), server_default=PriceSource.READ)
    # A client's dispute of this row: open until a moderator upholds it, corrects the price, or withdraws the row.
    dispute_status: Mapped[DisputeStatus | None] = mapped_column(State(DisputeStatus, 12))
    # The feed's order (see migration 0004): the writing transaction's id, then the row's number.
    seq: Mapped[int] = mapped_column(BigInteger, Identity())
    feed_xid: Mapped[int] = mapped_column(BigInteger, server_default=text("(pg_current_xact_id()::text)::bigint"))


class ShelfCheck(Base):
    """Whether a product was on a store's shelf, as a placement task found it: what the client sees."""

    __tablename__ = "shelf_checks"
    __table_args__ = (
        one_of("presence", Presence),
        one_of("verified_by", VerifiedBy),
        Index("uq_shelf_checks_item_id", "item_id", unique=True),
        Index("ix_shelf_checks_campaign_store_product", "campaign_id", "store_id", "product_id", "observed_at"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    organization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("task_items.id", ondelete="CASCADE"))
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaign_products.id", ondelete="CASCADE"))
    photo_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("photos.id", ondelete="SET NULL"))
    presence: Mapped[Presence] = mapped_column(State(Presence))
    observed_at: Mapped[datetime]
    verified_at: Mapped[datetime]
    verified_by: Mapped[VerifiedBy] = mapped_column(State(VerifiedBy))
