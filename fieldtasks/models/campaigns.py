"""Campaigns published by client organizations, with their stores, products and vehicles."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime, time
from decimal import Decimal

from geoalchemy2 import Geography
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Numeric, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldtasks.models.accounts import Organization
from fieldtasks.models.base import SRID, Base, State, created_at, one_of, uuid_pk


class CampaignKind(enum.StrEnum):
    SHELF_PRICE = "shelf_price"
    PRODUCT_PLACEMENT = "product_placement"
    SCOOTER_RECHARGE = "scooter_recharge"


class CampaignStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"


def point_column() -> Mapped[str]:
    # Geography so that distances and radii are in metres; indexed explicitly where searched.
    return mapped_column(Geography(geometry_type="POINT", srid=SRID, spatial_index=False))


class Campaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = (
        one_of("kind", CampaignKind),
        one_of("status", CampaignStatus),
        CheckConstraint("reward_cents > 0", name="reward_positive"),
        CheckConstraint("budget_cents >= 0", name="budget_not_negative"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("claim_minutes BETWEEN 5 AND 1440", name="claim_minutes"),
        CheckConstraint("auto_approve_hours BETWEEN 1 AND 720", name="auto_approve_hours"),
        CheckConstraint("currency ~ '^[A-Z]{3}$'", name="currency"),
        CheckConstraint("late_reward_cents BETWEEN 0 AND reward_cents", name="late_reward"),
        CheckConstraint("charge_reimbursement_cents >= 0", name="charge_reimbursement"),
        CheckConstraint("reading_minutes BETWEEN 0 AND 120", name="reading_minutes"),
        CheckConstraint("estimated_minutes BETWEEN 1 AND 1440", name="estimated_minutes"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    organization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), index=True)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[CampaignKind] = mapped_column(State(CampaignKind, 32))
    purpose: Mapped[str] = mapped_column(Text)
    instructions: Mapped[str] = mapped_column(Text, server_default="")
    reward_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    budget_cents: Mapped[int] = mapped_column(BigInteger)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    claim_minutes: Mapped[int] = mapped_column(server_default="120")
    auto_approve_hours: Mapped[int] = mapped_column(server_default="72")
    status: Mapped[CampaignStatus] = mapped_column(State(CampaignStatus), server_default=CampaignStatus.DRAFT)
    version: Mapped[int] = mapped_column(server_default="1")
    created_at: Mapped[datetime] = created_at()
    published_at: Mapped[datetime | None]
    # Scooter campaigns: release windows are in this zone; a late drop-off is paid `late_reward_cents`
    # (shown before the claim); the electricity of each charge is reimbursed as its own ledger line.
    timezone: Mapped[str] = mapped_column(String(64), server_default="Europe/Paris")
    late_reward_cents: Mapped[int | None]
    charge_reimbursement_cents: Mapped[int] = mapped_column(server_default="0")
    # Fair work: the brief's version (a new one is paid again), the minutes it takes to read (paid at the
    # minimum hourly rate), the client's estimate of a task's minutes, and what completed tasks took.
    instructions_version: Mapped[int] = mapped_column(server_default="1")
    reading_minutes: Mapped[int] = mapped_column(server_default="0")
    estimated_minutes: Mapped[int | None]
    median_task_minutes: Mapped[float | None]  # refreshed by the sweep once enough tasks are done
    # Workers' signed records name the client of this work (it is shown on every task anyway), unless not.
    named_in_work_records: Mapped[bool] = mapped_column(server_default="true")
    # Workers' ratings (1 to 5), averaged when one is given: shown beside the campaign's tasks.
    clarity_rating: Mapped[float | None]
    client_rating: Mapped[float | None]
    rating_count: Mapped[int] = mapped_column(server_default="0")
    required_qualification: Mapped[str | None] = mapped_column(ForeignKey("qualifications.code"))

    organization: Mapped[Organization] = relationship(lazy="joined", innerjoin=True)

    @property
    def item_cost_cents(self) -> int:
        """The most one item can take from the escrow: its reward and, for a scooter, the electricity."""
        return self.reward_cents + self.charge_reimbursement_cents


class Store(Base):
    __tablename__ = "stores"
    __table_args__ = (
        CheckConstraint("geofence_m BETWEEN 50 AND 5000", name="geofence_m"),
        CheckConstraint(
            "(osm_type IS NULL) = (osm_id IS NULL) AND (osm_type IS NULL OR osm_type IN ('NODE', 'WAY', 'RELATION'))",
            name="osm",
        ),
        Index(
            "uq_stores_campaign_name_address",
            "campaign_id",
            text("lower(name)"),
            text("lower(address)"),
            unique=True,
            postgresql_where=text("removed_at IS NULL"),
        ),
        Index(
            "uq_stores_campaign_store_ref",
            "campaign_id",
            "store_ref",
            unique=True,
            postgresql_where=text("store_ref IS NOT NULL AND removed_at IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(500), server_default="")
    location: Mapped[str] = point_column()
    geofence_m: Mapped[int] = mapped_column(server_default="100")
    # The client's own identifier of the store (one per store in a campaign; the same in every campaign of the
    # organization), and the store's OpenStreetMap element, as Open Prices names places.
    store_ref: Mapped[str | None] = mapped_column(String(100))
    osm_type: Mapped[str | None] = mapped_column(String(8))
    osm_id: Mapped[int | None] = mapped_column(BigInteger)
    # A store removed from a running campaign stays, for the task and evidence that point at it; its name, address
    # and store_ref are free again for a corrected row.
    removed_at: Mapped[datetime | None]


class Product(Base):
    __tablename__ = "campaign_products"
    __table_args__ = (Index("uq_campaign_products_campaign_gtin", "campaign_id", "gtin", unique=True),)

    id: Mapped[uuid.UUID] = uuid_pk()
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    gtin: Mapped[str] = mapped_column(String(14))
    name: Mapped[str] = mapped_column(String(200))
    net_quantity: Mapped[str | None] = mapped_column(String(32))
    net_quantity_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 6))
    net_quantity_unit: Mapped[str | None] = mapped_column(String(8))


class Vehicle(Base):
    __tablename__ = "campaign_vehicles"
    __table_args__ = (
        Index("uq_campaign_vehicles_campaign_code", "campaign_id", "vehicle_code", unique=True),
        CheckConstraint("battery_percent BETWEEN 0 AND 100", name="battery_percent"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    vehicle_code: Mapped[str] = mapped_column(String(64))
    location: Mapped[str] = point_column()
    battery_percent: Mapped[int | None] = mapped_column(SmallInteger)


class DeploySpot(Base):
    """Where a charged vehicle is put back, inside a daily release window (local time)."""

    __tablename__ = "deploy_spots"
    __table_args__ = (
        CheckConstraint("geofence_m BETWEEN 10 AND 1000", name="geofence_m"),
        CheckConstraint("release_from <> release_until", name="release_window"),
        Index("uq_deploy_spots_campaign_name", "campaign_id", text("lower(name)"), unique=True),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = point_column()
    geofence_m: Mapped[int] = mapped_column(server_default="50")
    release_from: Mapped[time]  # a window may run past midnight (22:00 to 02:00)
    release_until: Mapped[time]
