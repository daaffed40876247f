"""Fair-work records: who read which version of a campaign's brief."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index
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
