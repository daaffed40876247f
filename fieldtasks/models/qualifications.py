"""Qualifications: earned through a short, paid practice set; they belong to the worker."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fieldtasks.models.base import Base, uuid_pk


class Qualification(Base):
    __tablename__ = "qualifications"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    practice_minutes: Mapped[int]  # declared length of one attempt: paid at the minimum hourly rate
    questions: Mapped[int]
    pass_mark: Mapped[int]  # right answers needed


class PracticeAttempt(Base):
    """One try at a practice set; paid whether it passes or not."""

    __tablename__ = "practice_attempts"
    __table_args__ = (Index("ix_practice_attempts_worker_id", "worker_id"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    worker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    qualification_code: Mapped[str] = mapped_column(ForeignKey("qualifications.code"))
    seed: Mapped[int] = mapped_column(BigInteger)  # the questions are made from it, again at each request
    started_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    correct: Mapped[int | None]
    passed: Mapped[bool | None]


class WorkerQualification(Base):
    __tablename__ = "worker_qualifications"
    __table_args__ = (Index("uq_worker_qualifications_worker_code", "worker_id", "qualification_code", unique=True),)

    id: Mapped[uuid.UUID] = uuid_pk()
    worker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    qualification_code: Mapped[str] = mapped_column(ForeignKey("qualifications.code"))
    attempt_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practice_attempts.id"))
    earned_at: Mapped[datetime]
