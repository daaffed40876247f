"""Webhooks: subscriptions, events recorded as deliveries in PostgreSQL, attempts and their retries."""

from __future__ import annotations

import ipaddress
import secrets
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from fieldtasks.errors import InvalidError, NotFoundError
from fieldtasks.models import DeliveryStatus, Webhook, WebhookDelivery
from fieldtasks.moments import rfc3339
from fieldtasks.services.cursors import keyset_page

RETRY_FOR = timedelta(hours=24)  # then a delivery is marked failed
FIRST_RETRY = timedelta(seconds=30)  # doubled at each attempt, up to MAX_RETRY
MAX_RETRY = timedelta(hours=2)
ATTEMPT_LEASE = timedelta(seconds=60)  # an attempt in flight is not taken again before this
DELIVERIES, WEBHOOKS = "d", "w"  # the tags of their page cursors


def check_url(url: str, *, allow_private: bool) -> str:
    """An http(s) URL whose host is on the public internet (unless private hosts are allowed); returns the
    address checked, the one to connect to (resolving again would let DNS answer otherwise)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refused("Give an http:// or https:// URL with a host.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise _refused("The URL's port is not a number from 1 to 65535.") from None
    try:
        addresses = [info[4][0] for info in socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)]
    except (socket.gaierror, UnicodeError):
        raise _refused(f"The host {parts.hostname!r} does not resolve.") from None
    if not allow_private and any(not ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses):
        raise _refused("Webhooks go to public addresses only, not to private, loopback or link-local ones.")
    return addresses[0]


def _refused(message: str) -> InvalidError:
    return InvalidError(message, code="webhook_url_not_allowed", errors={"url": [message]})


def create_webhook(
    session: Session, organization_id: uuid.UUID, url: str, events: list[str], *, allow_private: bool
) -> tuple[Webhook, str]:
    """Subscribe `url` to `events`; the signing secret is returned here, and never again."""
    check_url(url, allow_private=allow_private)
    secret = "whsec_" + secrets.token_urlsafe(32)
    webhook = Webhook(organization_id=organization_id, url=url, events=sorted(set(events)), secret=secret)
    session.add(webhook)
    session.flush()
    return webhook, secret


def list_webhooks(
    session: Session, organization_id: uuid.UUID, *, cursor: str | None, limit: int
) -> tuple[list[Webhook], str | None]:
    """The organization's webhooks still in use, oldest first, a page at a time."""
    query = select(Webhook).where(Webhook.organization_id == organization_id, Webhook.disabled_at.is_(None))
    page = keyset_page(session, query, [Webhook.created_at, Webhook.id], tag=WEBHOOKS, cursor=cursor, limit=limit)
    return [row[0] for row in page.rows], page.next_cursor


def organization_webhook(session: Session, organization_id: uuid.UUID, webhook_id: uuid.UUID) -> Webhook:
    webhook = session.scalar(
        select(Webhook).where(Webhook.id == webhook_id, Webhook.organization_id == organization_id)
    )
    if webhook is None:
        raise NotFoundError("No such webhook.")
    return webhook


def disable_webhook(session: Session, organization_id: uuid.UUID, webhook_id: uuid.UUID, *, now: datetime) -> None:
    webhook = organization_webhook(session, organization_id, webhook_id)
    webhook.disabled_at = webhook.disabled_at or now


def list_deliveries(
    session: Session, organization_id: uuid.UUID, webhook_id: uuid.UUID, *, cursor: str | None, limit: int
) -> tuple[list[WebhookDelivery], str | None]:
    """The webhook's deliveries, newest first (a redelivered one comes first again), a page at a time."""
    webhook = organization_webhook(session, organization_id, webhook_id)
    query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook.id)
    order = [WebhookDelivery.created_at, WebhookDelivery.id]
    page = keyset_page(session, query, order, tag=DELIVERIES, cursor=cursor, limit=limit, descending=True)
    return [row[0] for row in page.rows], page.next_cursor


def redeliver(
    session: Session, organization_id: uuid.UUID, webhook_id: uuid.UUID, delivery_id: uuid.UUID, *, now: datetime
) -> WebhookDelivery:
    """Send a delivery again now (a failed one gets another 24 hours of retries)."""
    webhook = organization_webhook(session, organization_id, webhook_id)
    delivery = session.scalar(
        select(WebhookDelivery).where(WebhookDelivery.id == delivery_id, WebhookDelivery.webhook_id == webhook.id)
    )
    if delivery is None:
        raise NotFoundError("No such delivery.")
    delivery.status, delivery.next_attempt_at, delivery.created_at = DeliveryStatus.PENDING, now, now
    return delivery


def record_event(
    session: Session, organization_id: uuid.UUID, event: str, event_key: str, data: dict[str, Any], *, now: datetime
) -> list[uuid.UUID]:
    """One delivery per subscribed webhook of the organization, in the caller's transaction; once per key.
    Returns the new deliveries' ids: the entrypoint enqueues them after its commit (the sweep would find them)."""
    payload = {"event": event, "created_at": rfc3339(now), "data": data}
    rows = session.execute(
        pg_insert(WebhookDelivery)
        .from_select(
            ["webhook_id", "event", "event_key", "payload", "next_attempt_at", "created_at"],
            select(
                Webhook.id,
                literal(event),
                literal(event_key),
                literal(payload, WebhookDelivery.payload.type),
                literal(now, WebhookDelivery.created_at.type),
                literal(now, WebhookDelivery.created_at.type),
            ).where(
                Webhook.organization_id == organization_id,
                Webhook.disabled_at.is_(None),
                Webhook.events.contains([event]),
            ),
        )
        .on_conflict_do_nothing()
        .returning(WebhookDelivery.id)
    ).scalars()
    return list(rows)


def due_deliveries(session: Session, *, now: datetime, limit: int = 500) -> list[uuid.UUID]:
    """Pending deliveries whose time has come (the first run of a job takes each; others skip it)."""
    return list(
        session.scalars(
            select(WebhookDelivery.id)
            .where(WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class Attempt:
    delivery_id: uuid.UUID
    url: str
    secret: str
    event: str
    payload: dict[str, Any]


def start_attempt(session: Session, delivery_id: uuid.UUID, *, now: datetime) -> Attempt | None:
    """Take a pending delivery for one attempt (None when it was delivered or failed meanwhile)."""
    row = session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
        )
        .values(attempts=WebhookDelivery.attempts + 1, next_attempt_at=now + ATTEMPT_LEASE)
        .returning(WebhookDelivery.webhook_id, WebhookDelivery.event, WebhookDelivery.payload)
    ).one_or_none()
    if row is None:
        return None
    webhook = session.get(Webhook, row.webhook_id)
    return Attempt(delivery_id, webhook.url, webhook.secret, row.event, row.payload)


def finish_attempt(
    session: Session, delivery_id: uuid.UUID, status_code: int | None, error: str | None, *, now: datetime
) -> str:
    """Delivered on a 2xx; otherwise retried with exponential backoff for 24 hours, then failed."""
    delivery = session.get(WebhookDelivery, delivery_id, with_for_update=True)
    delivery.last_status_code, delivery.last_error = status_code, (error or "")[:500] or None
    if status_code is not None and 200 <= status_code < 300:
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, now
        return delivery.status
    wait = min(FIRST_RETRY * 2 ** (delivery.attempts - 1), MAX_RETRY)
    if now + wait > delivery.created_at + RETRY_FOR:
        delivery.status = DeliveryStatus.FAILED
    else:
        delivery.next_attempt_at = now + wait
    return delivery.status
