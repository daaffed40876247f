"""What a view reaches for: the process's resources and a unit of work around one use case."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from sqlalchemy.orm import Session

from fieldtasks.resources import Resources

EXTENSION = "fieldtasks"


def resources() -> Resources:
    return current_app.extensions[EXTENSION]


@contextmanager
def unit_of_work() -> Iterator[Session]:
    with resources().database.unit_of_work() as session:
        yield session
