"""API keys: server-to-server credentials of a client organization, shown once and stored hashed."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fieldtasks.errors import AuthenticationError, NotFoundError
from fieldtasks.models import ApiKey, Role
from fieldtasks.security import AccessClaims
from fieldtasks.services.cursors import keyset_page

KEYS = "a"  # the tag of the key list's page cursors
PREFIX = "ftk_"  # tells an API key from a JWT at a glance (and to secret scanners)


def _hash(key: str) -> str:
    # A key is 256 random bits: a fast hash is enough (no dictionary to attack), and lookups stay cheap.
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(session: Session, organization_id: uuid.UUID, user_id: uuid.UUID, name: str) -> tuple[ApiKey, str]:
    key = PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey(
        organization_id=organization_id, created_by_id=user_id, name=name, prefix=key[:12], key_hash=_hash(key)
    )
    session.add(api_key)
    session.flush()
    return api_key, key


def list_api_keys(
    session: Session, organization_id: uuid.UUID, *, cursor: str | None, limit: int
) -> tuple[list[ApiKey], str | None]:
    """The organization's API keys (revoked ones too, saying so), oldest first, a page at a time."""
    query = select(ApiKey).where(ApiKey.organization_id == organization_id)
    page = keyset_page(session, query, [ApiKey.created_at, ApiKey.id], tag=KEYS, cursor=cursor, limit=limit)
    return [row[0] for row in page.rows], page.next_cursor


def revoke_api_key(session: Session, organization_id: uuid.UUID, key_id: uuid.UUID, *, now: datetime) -> None:
    api_key = session.scalar(select(ApiKey).where(ApiKey.id == key_id, ApiKey.organization_id == organization_id))
    if api_key is None:
        raise NotFoundError("No such API key.")
    api_key.revoked_at = api_key.revoked_at or now


def is_api_key(token: str) -> bool:
    return token.startswith(PREFIX)


def authenticate_api_key(session: Session, key: str, *, now: datetime) -> AccessClaims:
    """The organization a live key speaks for, as a client; AuthenticationError otherwise."""
    found = session.execute(
        update(ApiKey)
        .where(ApiKey.key_hash == _hash(key), ApiKey.revoked_at.is_(None))
        .values(last_used_at=now)
        .returning(ApiKey.id, ApiKey.organization_id, ApiKey.created_by_id)
    ).one_or_none()
    if found is None:
        raise AuthenticationError("This API key is not valid, or was revoked.", code="invalid_api_key")
    return AccessClaims(
        found.created_by_id, Role.CLIENT.value, found.organization_id, now.replace(year=9999), api_key_id=found.id
    )
