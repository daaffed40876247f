"""Tasks (one per store or vehicle), their items, check-ins and the append-only task history."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import BigInteger, CheckConstraint, Computed, ForeignKey, Identity, Index, String, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from fieldtasks.geo import MERCATOR_MAX_LAT, MERCATOR_SRID
from fieldtasks.models.base import Base, State, created_at, one_of, uuid_pk
from fieldtasks.models.campaigns import CampaignKind, point_column


class TaskStatus(enum.StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"  # until claim_expires_at; after it, free again for the next claimer
    SUBMITTED = "submitted"
    CANCELLED = "cancelled"


class ItemStatus(enum.StrEnum):
    PENDING = "pending"
    PHOTOGRAPHED = "photographed"
    NOT_FOUND = "not_found"


AVAILABLE_STATUSES = ("open", "claimed")  # claimed counts once its claim expired


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        one_of("status", TaskStatus),
        CheckConstraint("(store_id IS NULL) <> (vehicle_id IS NULL)", name="store_or_vehicle"),
        CheckConstraint(
            "status <> 'claimed' OR (claimed_by_id IS NOT NULL AND claim_expires_at IS NOT NULL)", name="claim"
        ),
        Index("uq_tasks_campaign_store", "campaign_id", "store_id", unique=True),
        Index("uq_tasks_campaign_vehicle", "campaign_id", "vehicle_id", unique=True),
        # Nearby search only ever looks at tasks a worker could take.
        Index(
            "ix_tasks_mercator_available",
            "location_mercator",
            postgresql_using="gist",
            postgresql_where=text("status IN ('open', 'claimed')"),
        ),
        Index("ix_tasks_claimed_by_id_status", "claimed_by_id", "status"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    kind: Mapped[CampaignKind] = mapped_column(State(CampaignKind, 32))
    store_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    vehicle_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("campaign_vehicles.id", ondelete="CASCADE"))
    # Copied from the store or vehicle at publication, so that nearby search reads one table.
    location: Mapped[str] = point_column()
    # The same point in Web Mercator metres, for the nearest-first index: planar distances there are
    # exact up to a scale that is the same in every direction around a point, and ten times cheaper
    # to search than the sphere. Latitude is clamped to Mercator's range (the geography stays exact).
    location_mercator: Mapped[str] = mapped_column(
        Geometry(geometry_type="POINT", srid=MERCATOR_SRID, spatial_index=False),
        Computed(
            "ST_Transform(ST_SetSRID(ST_MakePoint(ST_X(location::geometry),"
            f" LEAST(GREATEST(ST_Y(location::geometry), -{MERCATOR_MAX_LAT}), {MERCATOR_MAX_LAT})), 4326), 3857)",
            persisted=True,
        ),
    )
    place_name: Mapped[str] = mapped_column(String(200))
    place_address: Mapped[str] = mapped_column(String(500), server_default="")
    geofence_m: Mapped[int]
    item_count: Mapped[int]
    status: Mapped[TaskStatus] = mapped_column(State(TaskStatus), server_default=TaskStatus.OPEN)
    claimed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None]
    claim_expires_at: Mapped[datetime | None]
    # Incremented by every successful claim: check-ins and photos belong to one claim.
    claim_generation: Mapped[int] = mapped_column(server_default="0")
    checked_in_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = created_at()
    # Scooter tasks: the vehicle picked up, then put back at a deploy spot (late: after its due window).
    picked_up_at: Mapped[datetime | None]
    dropoff_spot_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("deploy_spots.id", ondelete="SET NULL"))
    dropped_off_at: Mapped[datetime | None]
    dropoff_due_at: Mapped[datetime | None]

    @hybrid_method
    def claim_lapsed(self, now: datetime) -> bool:
        """Claimed, and the claim's time is up: free for the next claimer (the expiry lives in the row: no cron)."""
        return is_claim_lapsed(self.status, self.claim_expires_at, now)

    @claim_lapsed.inplace.expression  # type: ignore[attr-defined]  # mypy sees the hybrid as a plain callable here
    @classmethod
    def _claim_lapsed_expression(cls, now: Any) -> ColumnElement[bool]:
        return (cls.status == TaskStatus.CLAIMED) & (cls.claim_expires_at <= now)


def is_claim_lapsed(status: str, claim_expires_at: datetime | None, now: datetime) -> bool:
    """The rule of Task.claim_lapsed, for a task read as columns (a card) rather than as a Task."""
    return status == TaskStatus.CLAIMED and claim_expires_at is not None and claim_expires_at <= now


def seconds_on_task():
    """Claim to submission, in seconds (SQL): the time a worker is counted as working on a task."""
    return func.extract("epoch", Task.submitted_at - Task.claimed_at)


class Verdict(enum.StrEnum):
    VERIFIED = "verified"  # by the machine
    NEEDS_REVIEW = "needs_review"
    APPROVED = "approved"  # by a moderator, or by default once the review deadline passed
    REJECTED = "rejected"
    NO_FAULT = "no_fault"  # not verifiable, not the worker's fault: paid


PAID_VERDICTS = (Verdict.VERIFIED, Verdict.APPROVED, Verdict.NO_FAULT)


class VerdictBy(enum.StrEnum):
    AUTO = "auto"  # the machine
    DEADLINE = "deadline"  # nobody decided by the review deadline: approved by default
    MODERATOR = "moderator"


class CheckinOutcome(enum.StrEnum):
    ACCEPTED = "accepted"
    OUTSIDE_GEOFENCE = "outside_geofence"
    MOCK_LOCATION = "mock_location"
    IMPLAUSIBLE_SPEED = "implausible_speed"
    OUTSIDE_RELEASE_WINDOW = "outside_release_window"
    INACCURATE_FIX = "inaccurate_fix"
    STALE_FIX = "stale_fix"
    FIX_BEFORE_CLAIM = "fix_before_claim"


class TaskItem(Base):
    """What a worker photographs: a product in a store, or the vehicle itself."""

    __tablename__ = "task_items"
    __table_args__ = (
        one_of("status", ItemStatus),
        one_of("verdict", Verdict),
        one_of("verdict_by", VerdictBy),
        # The auto-approval sweep reads only what is still waiting.
        Index("ix_task_items_review_due_at", "review_due_at", postgresql_where=text("verdict = 'needs_review'")),
        Index("uq_task_items_task_product", "task_id", "product_id", unique=True),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("campaign_products.id", ondelete="CASCADE"))
    vehicle_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("campaign_vehicles.id", ondelete="CASCADE"))
    status: Mapped[ItemStatus] = mapped_column(State(ItemStatus), server_default=ItemStatus.PENDING)
    updated_at: Mapped[datetime] = created_at()
    verdict: Mapped[Verdict | None] = mapped_column(State(Verdict))  # NULL until submitted and read
    verdict_by: Mapped[VerdictBy | None] = mapped_column(State(VerdictBy))
    verdict_at: Mapped[datetime | None]
    reasons: Mapped[list[dict[str, str]]] = mapped_column(JSONB, server_default="[]")
    review_due_at: Mapped[datetime | None]  # paid by default when nobody decided by then


class Checkin(Base):
    """Every check-in attempt, accepted or not: the evidence behind a verification."""

    __tablename__ = "checkins"
    __table_args__ = (
        one_of("outcome", CheckinOutcome),
        Index("ix_checkins_worker_id_recorded_at", "worker_id", "recorded_at"),  # the floor's travel
        Index("ix_checkins_worker_id_received_at", "worker_id", "received_at"),  # the last fix, for speed
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    claim_generation: Mapped[int]
    location: Mapped[str] = point_column()
    accuracy_m: Mapped[float]
    is_mock: Mapped[bool]
    recorded_at: Mapped[datetime]
    received_at: Mapped[datetime]
    distance_m: Mapped[float]
    outcome: Mapped[CheckinOutcome] = mapped_column(State(CheckinOutcome, 32))
    # A scooter's drop-off: checked against the nearest deploy spot, not the task's place.
    deploy_spot_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("deploy_spots.id", ondelete="SET NULL"))


class TaskEvent(Base):
    """Append-only history: who did what to a task, and when."""

    __tablename__ = "task_events"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    event: Mapped[str] = mapped_column(String(32))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    at: Mapped[datetime]
