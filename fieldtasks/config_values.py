"""How each configuration variable's text is read: a parser per kind of value, raising ValueError with what is
expected (fieldtasks.config names the variable)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from fieldtasks import base64url
from fieldtasks.storage import parse_storage_url


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


def redis_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise ValueError("must be a redis://, rediss:// or unix:// URL (redis://host:6379/0)")
    if parts.scheme != "unix" and not parts.hostname:
        raise ValueError("names no host")
    return raw


def storage_url(raw: str) -> str:
    parse_storage_url(raw)  # raises ValueError naming what is accepted
    return raw


def storage_dir(raw: str) -> str:
    """A folder, as the file:// URL it stands for (STORAGE_URL wins when both are set)."""
    return Path(raw).absolute().as_uri()


def secret_key(raw: str) -> str:
    if len(raw) < 32:
        hint = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
        raise ValueError(f"must be at least 32 characters long; make one with `{hint}`")
    return raw


def positive_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"must be positive, got {value}")
    return value


def wages(raw: str) -> dict[str, int]:
    """EUR:1202,NOK:15000 (cents per hour, per currency)."""
    wages = {}
    for part in raw.split(","):
        currency, _, cents = part.strip().partition(":")
        if not (len(currency) == 3 and currency.isalpha() and currency.isupper()):
            raise ValueError(f"write CUR:cents,... (EUR:1202), got {part.strip()!r}")
        wages[currency] = positive_int(cents)
    return wages


def ed25519_seed(raw: str) -> bytes:
    try:
        seed = base64url.decode(raw)
    except ValueError:
        raise ValueError("must be base64") from None
    if len(seed) != 32:
        raise ValueError(f"must be 32 bytes (an Ed25519 seed), got {len(seed)}")
    return seed


def boolean(raw: str) -> bool:
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"must be true or false, got {raw!r}")


def log_level(raw: str) -> str:
    level = raw.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ValueError(f"must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {raw!r}")
    return level


def non_negative_int(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise ValueError(f"must be 0 or more, got {raw!r}")
    return value


def rate_limit(raw: str) -> str:
    from limits import parse_many

    try:
        parse_many(raw)
    except ValueError:
        raise ValueError(f"must read like '5 per minute; 20 per hour', got {raw!r}") from None
    return raw


def metrics_token(raw: str) -> str:
    if len(raw) < 24:
        raise ValueError("must be at least 24 characters (a random token)")
    return raw


def password_hash_profile(raw: str) -> str:
    if raw not in ("strong", "fast"):
        raise ValueError(f"must be strong (the default) or fast (tests only), got {raw!r}")
    return raw


def tile_url(raw: str) -> str:
    """A web-map tile URL with its {z}, {x} and {y}, over HTTPS (or http for a local server); `off`: none."""
    if raw == "off":
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in ("https", "http") or not parts.hostname or not all(f"{{{k}}}" in raw for k in "zxy"):
        raise ValueError(f"must be an https URL with {{z}}, {{x}} and {{y}}, or off; got {raw!r}")
    return raw
