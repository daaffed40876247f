"""Accounts: organizations (the client tenants), users with one role, and refresh tokens."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldtasks.models.base import Base, State, created_at, one_of, uuid_pk


class Role(enum.StrEnum):
    WORKER = "worker"
    CLIENT = "client"
    MODERATOR = "moderator"
    ADMIN = "admin"


class Organization(Base):
    """A retail client: the tenant that owns campaigns and their data."""

    __tablename__ = "organizations"

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(200))
    invitation_code: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at()


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        one_of("role", Role),
        CheckConstraint("(role = 'client') = (organization_id IS NOT NULL)", name="client_has_organization"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[Role] = mapped_column(State(Role))
    organization_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    is_active: Mapped[bool] = mapped_column(server_default="true", default=True)
    closed_at: Mapped[datetime | None]  # the account closed by its owner: pseudonymised, signs in no more
    final_record: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # what closing it returned, for a retry
    created_at: Mapped[datetime] = created_at()

    organization: Mapped[Organization | None] = relationship(lazy="joined")


class RefreshToken(Base):
    """A long-lived token exchanged for new access tokens; only its SHA-256 is stored."""

    __tablename__ = "refresh_tokens"
    __table_args__ = (
        Index("ix_refresh_tokens_user_id_active", "user_id", postgresql_where="revoked_at IS NULL"),
        Index("ix_refresh_tokens_family_id", "family_id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # One sign-in and the tokens rotated from it: a rotated token presented again revokes the whole family.
    family_id: Mapped[uuid.UUID]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = created_at()
