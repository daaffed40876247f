"""Verified shelf prices: what a client's feed is made of."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Identity, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from fieldtasks.models.base import Base, uuid_pk


class PriceObservation(Base):
    __tablename__ = "price_observations"
    __table_args__ = (
        CheckConstraint("price_cents > 0", name="price_positive"),
        CheckConstraint("availability IN ('in_stock', 'absent')", name="availability"),
        CheckConstraint("(availability = 'in_stock') = (price_cents IS NOT NULL)", name="price_when_in_stock"),
        CheckConstraint("verified_by IN ('auto', 'moderator')", name="verified_by"),
        CheckConstraint("price_source IN ('typed_and_read', 'read', 'moderator')", name="price_source"),
        CheckConstraint("dispute_status IN ('open', 'upheld', 'corrected', 'withdrawn')", name="dispute_status"),
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
    availability: Mapped[str] = mapped_column(String(8), server_default="in_stock")
    price_cents: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    unit_price_cents: Mapped[int | None] = mapped_column(BigInteger)
    unit: Mapped[str | None] = mapped_column(String(8))
    promo: Mapped[bool] = mapped_column(server_default="false")
    confidence: Mapped[str] = mapped_column(String(8))
    observed_at: Mapped[datetime]
    verified_at: Mapped[datetime]
    verified_by: Mapped[str] = mapped_column(String(16))
    # How the price was established: typed by the worker and confirmed on the photo, read by the machine
    # alone (both of its readers agreeing), or set by a moderator.
    price_source: Mapped[str] = mapped_column(String(16), server_default="read")
    # A client's dispute of this row: open until a moderator upholds it, corrects the price, or withdraws the row.
    dispute_status: Mapped[str | None] = mapped_column(String(12))
    # The feed's order (see migration 0004): the writing transaction's id, then the row's number.
    seq: Mapped[int] = mapped_column(BigInteger, Identity())
    feed_xid: Mapped[int] = mapped_column(BigInteger, server_default=text("(pg_current_xact_id()::text)::bigint"))


class ShelfCheck(Base):
    """Whether a product was on a store's shelf, as a placement task found it: what the client sees."""

    __tablename__ = "shelf_checks"
    __table_args__ = (
        CheckConstraint("presence IN ('present', 'absent')", name="presence"),
        CheckConstraint("verified_by IN ('auto', 'moderator')", name="verified_by"),
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
    presence: Mapped[str] = mapped_column(String(16))
    observed_at: Mapped[datetime]
    verified_at: Mapped[datetime]
    verified_by: Mapped[str] = mapped_column(String(16))
