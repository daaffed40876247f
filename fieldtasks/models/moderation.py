"""Review cases: what a moderator settles (an item the machine could not verify, or an appeal)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Exists, ForeignKey, Index, String, Text, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from fieldtasks.models.base import Base, State, one_of, uuid_pk

REJECT_REASONS = (
    "not_the_product",  # the photo shows another product
    "not_the_store",  # taken elsewhere
    "unusable_photo",  # blurred, cropped, dark: nothing can be checked
    "copied_photo",  # the same picture as another submission
    "not_a_shelf_label",  # the photo shows something else
)


class CaseKind(enum.StrEnum):
    REVIEW = "review"  # an item the machine could not verify
    APPEAL = "appeal"  # a worker contests a rejection: another moderator judges
    DISPUTE = "dispute"  # a client believes a paid price is wrong


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    DECIDED = "decided"  # by a moderator
    CLOSED = "closed"  # by the deadline: approved by default


class CaseOutcome(enum.StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    NO_FAULT = "no_fault"  # not verifiable, not the worker's fault: paid


WON_BY_WORKER = (CaseOutcome.APPROVE, CaseOutcome.NO_FAULT)  # the outcomes that pay


class ReviewCase(Base):
    __tablename__ = "review_cases"
    __table_args__ = (
        one_of("kind", CaseKind),
        one_of("status", CaseStatus),
        one_of("outcome", CaseOutcome),
        # One open case per item at a time.
        Index("uq_review_cases_open_item", "item_id", unique=True, postgresql_where=text("status = 'open'")),
        Index("ix_review_cases_queue", "opened_at", postgresql_where=text("status = 'open'")),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("task_items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[CaseKind] = mapped_column(State(CaseKind))
    status: Mapped[CaseStatus] = mapped_column(State(CaseStatus), server_default=CaseStatus.OPEN)
    reasons: Mapped[list[dict[str, str]]] = mapped_column(JSONB, server_default="[]")
    opened_at: Mapped[datetime]
    due_at: Mapped[datetime]  # paid by default when nobody decided by then
    held_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    held_until: Mapped[datetime | None]
    excluded_moderator_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))  # an appeal's first judge
    appeal_comment: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    outcome: Mapped[CaseOutcome | None] = mapped_column(State(CaseOutcome))
    reject_reason: Mapped[str | None] = mapped_column(String(32))
    explanation: Mapped[str | None] = mapped_column(Text)  # shown to the worker
    corrections: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    closed_at: Mapped[datetime | None]


def settled_for_the_worker() -> ColumnElement[bool]:
    """A case the worker won (SQL): decided for them, or paid by its deadline with nobody deciding."""
    return ((ReviewCase.status == CaseStatus.DECIDED) & ReviewCase.outcome.in_(WON_BY_WORKER)) | (
        ReviewCase.status == CaseStatus.CLOSED
    )


def open_appeal(item_id: Any) -> Exists:
    """An appeal of the item (a column of the enclosing query) still waiting for its decision (SQL)."""
    return (
        select(ReviewCase.id)
        .where(ReviewCase.item_id == item_id, ReviewCase.kind == CaseKind.APPEAL, ReviewCase.status == CaseStatus.OPEN)
        .correlate_except(ReviewCase)
        .exists()
    )
