"""Webhook deliveries: enqueued after commit (or by the sweep), each attempt a signed POST."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import socket
import uuid
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from redis import Redis
from redis.exceptions import RedisError
from rq.job import JobStatus

from fieldtasks.errors import InvalidError
from fieldtasks.jobs.context import job_resources
from fieldtasks.jobs.queues import WAITING, WEBHOOKS, enqueue_unless_waiting, queue
from fieldtasks.resources import Resources
from fieldtasks.services import webhooks

DELIVER = "fieldtasks.jobs.webhooks.deliver_webhook"
TIMEOUT_S = 10  # a receiver that takes longer is counted as failing this attempt
SIGNATURE_HEADER = "Fieldtasks-Signature"

log = logging.getLogger("fieldtasks.jobs")


def enqueue_deliveries(redis: Redis, delivery_ids: list[uuid.UUID]) -> int:
    """One job per delivery, unless one is already waiting for it."""
    webhook_queue = queue(WEBHOOKS, redis)
    return sum(
        enqueue_unless_waiting(
            webhook_queue,
            DELIVER,
            str(delivery_id),
            job_id=f"webhook-{delivery_id}",
            alive=(*WAITING, JobStatus.STARTED),
            job_timeout=TIMEOUT_S * 3,
            result_ttl=3600,
        )
        for delivery_id in delivery_ids
    )


def deliver_after_commit(redis: Redis, delivery_ids: list[uuid.UUID]) -> None:
    """From work that is committed: with Redis down, the deliveries wait in PostgreSQL for the sweeper."""
    try:
        enqueue_deliveries(redis, delivery_ids)
    except RedisError as error:
        log.warning(
            "webhook deliveries left to the sweeper", extra={"deliveries": len(delivery_ids), "error": repr(error)}
        )


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>." + body>`: what a receiver recomputes to trust a delivery."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def deliver_webhook(delivery_id: str) -> str:
    """RQ job: one attempt at one delivery; safe to run twice (the second finds it taken or done)."""
    return run_delivery(job_resources(), uuid.UUID(delivery_id))


def run_delivery(res: Resources, delivery_id: uuid.UUID) -> str:
    with res.database.unit_of_work() as session:
        attempt = webhooks.start_attempt(session, delivery_id, now=res.clock())
    if attempt is None:
        return "skipped"
    status_code, error = post(attempt, res.clock(), allow_private=res.config.webhook_allow_private)
    with res.database.unit_of_work() as session:
        return webhooks.finish_attempt(session, delivery_id, status_code, error, now=res.clock())


def post(attempt: webhooks.Attempt, now: datetime, *, allow_private: bool) -> tuple[int | None, str | None]:
    """POST the signed payload to the address just checked; (status code, None), or (None, why it could not be
    sent). A redirect is not followed: it would take a signed request wherever the receiver says."""
    try:
        address = webhooks.check_url(attempt.url, allow_private=allow_private)  # again: DNS may have changed
    except InvalidError as refused:
        return None, refused.message
    body = json.dumps({"id": str(attempt.delivery_id), **attempt.payload}, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "fieldtasks-webhooks/1",
        "Fieldtasks-Event": attempt.event,
        "Fieldtasks-Delivery": str(attempt.delivery_id),
        SIGNATURE_HEADER: signature(attempt.secret, int(now.timestamp()), body),
    }
    parts = urlsplit(attempt.url)
    connection = _connection(parts, address)
    try:
        connection.request("POST", urlunsplit(("", "", parts.path or "/", parts.query, "")), body, headers)
        status = connection.getresponse().status
    except (OSError, http.client.HTTPException, ValueError) as failure:
        return None, str(failure) or type(failure).__name__
    finally:
        connection.close()
    return status, ("A redirect is not followed: give the final URL." if 300 <= status < 400 else None)


def _connection(parts, address: str) -> http.client.HTTPConnection:
    """A connection to `address`, speaking to the URL's host (its Host header, and its certificate for https)."""
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=TIMEOUT_S)
    connection.address = address
    return connection


class _PinnedHTTPConnection(http.client.HTTPConnection):
    address: str

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    address: str

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
