"""Readiness: can this process reach everything a request may need?"""

from __future__ import annotations

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from fieldtasks.db import Database
from fieldtasks.errors import UnavailableError
from fieldtasks.i18n import Sentence
from fieldtasks.storage import PhotoStorage


def check_readiness(database: Database, redis: Redis, storage: PhotoStorage) -> dict[str, str]:
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
    checks["storage"] = storage.problem() or "ok"
    failing = {name: state for name, state in checks.items() if state != "ok"}
    if failing:
        message = Sentence("Not ready: {failing}.", failing=", ".join(failing))
        raise UnavailableError(message, code="not_ready", errors=failing)
    return checks
