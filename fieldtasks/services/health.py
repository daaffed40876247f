"""Readiness: can this process reach everything a request may need?"""

from __future__ import annotations

import os
from pathlib import Path

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from fieldtasks.db import Database
from fieldtasks.errors import UnavailableError
from fieldtasks.i18n import Sentence


def check_readiness(database: Database, redis: Redis, storage_dir: Path) -> dict[str, str]:
    """One entry per dependency, all "ok"; otherwise UnavailableError naming each failing one."""
    checks: dict[str, str] = {}
    try:
        database.ping()
        checks["database"] = "ok"
    except SQLAlchemyError as error:
        checks["database"] = f"unreachable: {type(error.orig or error).__name__}"
    try:
        redis.ping()
        checks["redis"] = "ok"
    except RedisError as error:
        checks["redis"] = f"unreachable: {type(error).__name__}"
    writable = storage_dir.is_dir() and os.access(storage_dir, os.W_OK | os.X_OK)
    checks["storage"] = "ok" if writable else f"not a writable folder: {storage_dir}"
    failing = {name: state for name, state in checks.items() if state != "ok"}
    if failing:
        message = Sentence("Not ready: {failing}.", failing=", ".join(failing))
        raise UnavailableError(message, code="not_ready", errors=failing)
    return checks
