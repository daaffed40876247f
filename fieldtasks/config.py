"""Configuration: one loader that reads environment variables into a frozen Config."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from fieldtasks import base64url
from fieldtasks.storage import parse_storage_url


class ConfigError(Exception):
    """The environment is missing a variable or holds a malformed one."""

    def __init__(self, problems: Mapping[str, str]):
        self.problems = dict(problems)
        lines = "\n".join(f"  {name}: {reason}" for name, reason in self.problems.items())
        super().__init__(f"fieldtasks cannot start, fix its configuration:\n{lines}")


@dataclass(frozen=True)
class Config:
    """Everything the API, the worker and the CLI need to build their resources."""

    database_url: str
    redis_url: str
    storage_url: str  # file:///a/folder or s3://bucket/prefix (STORAGE_URL, or STORAGE_DIR as a folder)
    secret_key: str
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    max_content_length: int = 20 * 1024 * 1024
    log_level: str = "INFO"
    # Connections per process: at most db_pool_size + db_max_overflow; a request waits db_pool_timeout_s for one.
    db_pool_size: int = 5
    db_max_overflow: int = 5
    db_pool_timeout_s: int = 10
    password_hash_profile: str = "strong"
    claim_limit: int = 3
    claim_max_distance_km: int = 50  # a worker claims tasks within this distance of where they are
    proxy_hops: int = 0  # reverse proxies in front that set X-Forwarded-For: the client's address is behind them
    rate_limits_enabled: bool = True
    auth_limit_per_address: str = "20 per minute; 200 per hour"  # sign-in, sign-up and refresh, per IP address
    auth_limit_per_account: str = "5 per minute; 20 per hour"  # refused sign-ins, per account
    rate_limit_prefix: str = "fieldtasks-limits"
    console_cookie_secure: bool = True  # the console's session cookie goes over HTTPS only (make run: plain HTTP)
    metrics_token: str | None = None  # what a Prometheus scraper sends as its bearer token; unset: /metrics is off
    checkin_max_fix_age_s: int = 180  # a check-in's fix must reach the server this soon after it was taken
    payout_minimum_cents: int = 1000  # below this, a withdrawal costs more than it moves
    sweep_interval_s: int = 60  # how often the worker looks for lost jobs and overdue reviews
    sweep_grace_s: int = 60  # a photo waiting longer than this for its job may have lost it
    extraction_timeout_s: int = 120  # a photo job running longer is killed (and its photo read again)
    photo_link_minutes: int = 60  # how long a photo link in the client feed opens the photo
    photo_processes: int = 2  # child processes per API process that decode uploads (0: in the request's thread)
    webhook_allow_private: bool = False  # webhooks to private or loopback addresses (tests, local demos)
    moderator_daily_cap: int = 200  # cases one moderator may decide in a day
    appeal_decision_hours: int = 72  # an appeal nobody decided by then is paid
    # Per currency, in cents: pays reading briefs and practice tasks. France's SMIC, gross, on 2026-01-01.
    min_hourly_wage_cents: dict[str, int] = field(default_factory=lambda: {"EUR": 1202})
    # 32 bytes, base64: the Ed25519 key that signs work records. Default: derived from SECRET_KEY (set this to
    # keep records verifiable across a change of SECRET_KEY).
    work_record_signing_key: bytes | None = None

    def hourly_wage_cents(self, currency: str) -> int | None:
        """The minimum hourly rate in this currency, if one is configured."""
        return self.min_hourly_wage_cents.get(currency)


def parse_database_url(raw: str) -> str:
    """A PostgreSQL URL for SQLAlchemy with the psycopg2 driver; ValueError says what is wrong."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ValueError("is not a database URL (postgresql://user:password@host:5432/name)") from None
    if url.get_backend_name() != "postgresql":
        raise ValueError(f"must be a PostgreSQL URL, got the {url.get_backend_name()!r} scheme")
    if not url.database:
        raise ValueError("names no database")
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg2")
    return url.render_as_string(hide_password=False)


def _redis_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise ValueError("must be a redis://, rediss:// or unix:// URL (redis://host:6379/0)")
    if parts.scheme != "unix" and not parts.hostname:
        raise ValueError("names no host")
    return raw


def _storage_url(raw: str) -> str:
    parse_storage_url(raw)  # raises ValueError naming what is accepted
    return raw


def _storage_dir(raw: str) -> str:
    """A folder, as the file:// URL it stands for (STORAGE_URL wins when both are set)."""
    return Path(raw).absolute().as_uri()


def _secret_key(raw: str) -> str:
    if len(raw) < 32:
        hint = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
        raise ValueError(f"must be at least 32 characters long; make one with `{hint}`")
    return raw


def _positive_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"must be positive, got {value}")
    return value


def _wages(raw: str) -> dict[str, int]:
    """EUR:1202,NOK:15000 (cents per hour, per currency)."""
    wages = {}
    for part in raw.split(","):
        currency, _, cents = part.strip().partition(":")
        if not (len(currency) == 3 and currency.isalpha() and currency.isupper()):
            raise ValueError(f"write CUR:cents,... (EUR:1202), got {part.strip()!r}")
        wages[currency] = _positive_int(cents)
    return wages


def _ed25519_seed(raw: str) -> bytes:
    try:
        seed = base64url.decode(raw)
    except ValueError:
        raise ValueError("must be base64") from None
    if len(seed) != 32:
        raise ValueError(f"must be 32 bytes (an Ed25519 seed), got {len(seed)}")
    return seed


def _boolean(raw: str) -> bool:
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"must be true or false, got {raw!r}")


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ValueError(f"must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {raw!r}")
    return level


def _non_negative_int(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise ValueError(f"must be 0 or more, got {raw!r}")
    return value


def _rate_limit(raw: str) -> str:
    from limits import parse_many

    try:
        parse_many(raw)
    except ValueError:
        raise ValueError(f"must read like '5 per minute; 20 per hour', got {raw!r}") from None
    return raw


def _metrics_token(raw: str) -> str:
    if len(raw) < 24:
        raise ValueError("must be at least 24 characters (a random token)")
    return raw


def _password_hash_profile(raw: str) -> str:
    if raw not in ("strong", "fast"):
        raise ValueError(f"must be strong (the default) or fast (tests only), got {raw!r}")
    return raw


# Environment variable -> (Config field, parser, required)
_VARIABLES: dict[str, tuple[str, Callable[[str], Any], bool]] = {
    "DATABASE_URL": ("database_url", parse_database_url, True),
    "REDIS_URL": ("redis_url", _redis_url, True),
    "STORAGE_URL": ("storage_url", _storage_url, False),
    "STORAGE_DIR": ("storage_dir", _storage_dir, False),
    "SECRET_KEY": ("secret_key", _secret_key, True),
    "ACCESS_TOKEN_MINUTES": ("access_token_minutes", _positive_int, False),
    "REFRESH_TOKEN_DAYS": ("refresh_token_days", _positive_int, False),
    "MAX_CONTENT_LENGTH": ("max_content_length", _positive_int, False),
    "LOG_LEVEL": ("log_level", _log_level, False),
    "DB_POOL_SIZE": ("db_pool_size", _positive_int, False),
    "DB_MAX_OVERFLOW": ("db_max_overflow", _non_negative_int, False),
    "DB_POOL_TIMEOUT_S": ("db_pool_timeout_s", _positive_int, False),
    "CLAIM_LIMIT": ("claim_limit", _positive_int, False),
    "CLAIM_MAX_DISTANCE_KM": ("claim_max_distance_km", _positive_int, False),
    "CHECKIN_MAX_FIX_AGE_S": ("checkin_max_fix_age_s", _positive_int, False),
    "METRICS_TOKEN": ("metrics_token", _metrics_token, False),
    "CONSOLE_COOKIE_SECURE": ("console_cookie_secure", _boolean, False),
    "RATE_LIMITS_ENABLED": ("rate_limits_enabled", _boolean, False),
    "PROXY_HOPS": ("proxy_hops", _non_negative_int, False),
    "AUTH_LIMIT_PER_ADDRESS": ("auth_limit_per_address", _rate_limit, False),
    "AUTH_LIMIT_PER_ACCOUNT": ("auth_limit_per_account", _rate_limit, False),
    "RATE_LIMIT_PREFIX": ("rate_limit_prefix", str, False),
    "PAYOUT_MINIMUM_CENTS": ("payout_minimum_cents", _positive_int, False),
    "SWEEP_INTERVAL_S": ("sweep_interval_s", _positive_int, False),
    "SWEEP_GRACE_S": ("sweep_grace_s", _positive_int, False),
    "EXTRACTION_TIMEOUT_S": ("extraction_timeout_s", _positive_int, False),
    "PHOTO_LINK_MINUTES": ("photo_link_minutes", _positive_int, False),
    "PHOTO_PROCESSES": ("photo_processes", _non_negative_int, False),
    "WEBHOOK_ALLOW_PRIVATE": ("webhook_allow_private", _boolean, False),
    "MODERATOR_DAILY_CAP": ("moderator_daily_cap", _positive_int, False),
    "APPEAL_DECISION_HOURS": ("appeal_decision_hours", _positive_int, False),
    "PASSWORD_HASH_PROFILE": ("password_hash_profile", _password_hash_profile, False),
    "MIN_HOURLY_WAGE_CENTS": ("min_hourly_wage_cents", _wages, False),
    "WORK_RECORD_SIGNING_KEY": ("work_record_signing_key", _ed25519_seed, False),
}


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    """Read and check every variable; raise one ConfigError that names all the bad ones."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, (attribute, parse, required) in _VARIABLES.items():
        raw = environ.get(name, "").strip()
        if not raw:
            if required:
                problems[name] = "is missing"
            continue
        try:
            values[attribute] = parse(raw)
        except ValueError as error:
            problems[name] = str(error)
    folder = values.pop("storage_dir", None)
    values.setdefault("storage_url", folder)
    if values["storage_url"] is None and "STORAGE_URL" not in problems:
        problems["STORAGE_URL"] = "is missing (or set STORAGE_DIR to a folder)"
    if problems:
        raise ConfigError(problems)
    return Config(**values)
