"""Builds the long-lived resources (database, Redis, hashers, clock) from one Config."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from redis import Redis

from fieldtasks.config import Config
from fieldtasks.db import Database, make_engine
from fieldtasks.limits import AuthLimits, build_auth_limits
from fieldtasks.photo_processes import PhotoProcesses
from fieldtasks.security import AccessTokens, Passwords, PhotoLinks, RecordSigner
from fieldtasks.services.accounts import Credentials
from fieldtasks.storage import PhotoStorage, storage_from_url


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Resources:
    """What the API process and the worker process share; built once per process."""

    config: Config
    database: Database
    redis: Redis
    passwords: Passwords
    access_tokens: AccessTokens
    storage: PhotoStorage
    photo_links: PhotoLinks
    record_signer: RecordSigner
    auth_limits: AuthLimits
    photo_processes: PhotoProcesses
    clock: Callable[[], datetime] = utc_now

    def credentials(self) -> Credentials:
        """The collaborators a sign-in or a refresh needs, at the current time."""
        return Credentials(self.access_tokens, timedelta(days=self.config.refresh_token_days), self.clock())


def make_redis(config: Config) -> Redis:
    """A client that gives up quickly, so a dead Redis fails a request instead of hanging it."""
    return Redis.from_url(config.redis_url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=30)


def build_resources(config: Config) -> Resources:
    """Create clients; none of them connects until first used."""
    return Resources(
        config=config,
        database=Database(make_engine(config)),
        redis=make_redis(config),
        passwords=Passwords(cheap=config.password_hash_profile == "fast"),
        access_tokens=AccessTokens(config.secret_key, timedelta(minutes=config.access_token_minutes)),
        storage=storage_from_url(config.storage_url),
        photo_links=PhotoLinks(config.secret_key, timedelta(minutes=config.photo_link_minutes)),
        record_signer=(
            RecordSigner(config.work_record_signing_key)
            if config.work_record_signing_key
            else RecordSigner.from_secret(config.secret_key)
        ),
        auth_limits=build_auth_limits(config),
        photo_processes=PhotoProcesses(config.photo_processes),
    )
