"""Fair-work records: briefs read, workers' questions on briefs and the answers, workers' ratings of tasks, what
each worker chose not to see, floor weeks, and each client's track record as last computed."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, SmallInteger, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from fieldtasks.models.base import Base, uuid_pk


class BriefRead(Base):
    """A worker opened this version of a campaign's instructions: paid once they submit a task of it."""

    __tablename__ = "brief_reads"
    __table_args__ = (
        Index("uq_brief_reads_worker_campaign_version", "worker_id", "campaign_id", "version", unique=True),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    worker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    version: Mapped[int]
    opened_at: Mapped[datetime]


class BriefQuestion(Base):
    """A worker's question on a campaign's brief; once the client answers, every worker reads both under the brief
    (the brief's version changes with each answer: reading it again is paid)."""

    __tablename__ = "brief_questions"
    __table_args__ = (
        Index("ix_brief_questions_campaign_asked", "campaign_id", "asked_at"),
        # A phone sending the same question again gets the same one back.
        Index("uq_brief_questions_same_question", "campaign_id", "worker_id", func.md5("question"), unique=True),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    worker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime]
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class ClientRecord(Base):
    """A client's track record as the platform last computed it from its ledger and verdicts (nobody edits it)."""

    __tablename__ = "client_records"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    computed_at: Mapped[datetime]
    record: Mapped[dict[str, Any]] = mapped_column(JSONB)


class TaskRating(Base):
    """A worker's say after a task: how clear the instructions were, and the client (1 to 5)."""

    __tablename__ = "task_ratings"
    __table_args__ = (
        CheckConstraint("clarity BETWEEN 1 AND 5", name="clarity"),
        CheckConstraint("client BETWEEN 1 AND 5", name="client"),
        CheckConstraint("clarity IS NOT NULL OR client IS NOT NULL", name="something_rated"),
        Index("uq_task_ratings_task_worker", "task_id", "worker_id", unique=True),
        Index("ix_task_ratings_campaign_id", "campaign_id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    worker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    clarity: Mapped[int | None] = mapped_column(SmallInteger)
    client: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(String(1000), server_default="")
    rated_at: Mapped[datetime]


class HiddenSource(Base):
    """Tasks a worker does not want to see: a client's, or one campaign's (its purpose). No effect on standing."""

    __tablename__ = "hidden_sources"
    __table_args__ = (
        CheckConstraint("(organization_id IS NULL) <> (campaign_id IS NULL)", name="client_or_campaign"),
        Index("uq_hidden_sources_worker_organization", "worker_id", "organization_id", unique=True),
        Index("uq_hidden_sources_worker_campaign", "worker_id", "campaign_id", unique=True),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    worker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    organization_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    campaign_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    hidden_at: Mapped[datetime]


class FloorWeek(Base):
    """A week whose hourly floor was settled: top-ups paid to every worker below it."""

    __tablename__ = "floor_weeks"

    week_start: Mapped[date] = mapped_column(primary_key=True)  # a Monday (UTC)
    settled_at: Mapped[datetime]
    workers_topped_up: Mapped[int]
    topped_up_cents: Mapped[int] = mapped_column(BigInteger)


class FloorRevisit(Base):
    """An appeal won after its week's floor was settled, whose week was then settled again for its worker
    (the difference topped up): once per case."""

    __tablename__ = "floor_revisits"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("review_cases.id", ondelete="CASCADE"), primary_key=True)
    revisited_at: Mapped[datetime]
    topped_up_cents: Mapped[int] = mapped_column(BigInteger)
