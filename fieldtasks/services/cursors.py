"""Opaque page cursors, base64-encoded with a tag: a few integers, or a keyset page's sort keys. Anything else is
refused with 422 `invalid_cursor`."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, Float, Integer, Row, Select, Uuid, literal, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeEngine

from fieldtasks import base64url
from fieldtasks.errors import InvalidError
from fieldtasks.i18n import N_


def encode_cursor(tag: str, *numbers: int) -> str:
    raw = tag + ".".join(str(number) for number in numbers)
    return base64url.encode(raw.encode())


def decode_cursor(tag: str, cursor: str, count: int) -> tuple[int, ...]:
    """The `count` integers of a cursor made by encode_cursor(tag, ...); InvalidError `invalid_cursor` else."""
    try:
        raw = base64url.decode(cursor).decode()
        if not raw.startswith(tag):
            raise ValueError(raw)
        numbers = tuple(int(part) for part in raw[len(tag) :].split("."))
        if len(numbers) != count:
            raise ValueError(raw)
        return numbers
    except ValueError:  # UnicodeDecodeError and binascii.Error are ValueErrors too
        message = N_("This cursor is not one this list gave.")
        raise InvalidError(message, code="invalid_cursor", errors={"cursor": [message]}) from None


# Keyset pages: a list read `limit` rows at a time in a fixed order, on from where the last page ended. The cursor
# holds the last row's sort keys (typed by their columns), so rows added or removed meanwhile never shift a page.

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Page:
    rows: list[Row]  # each with the query's columns, then the sort keys
    next_cursor: str | None  # None on the last page


def keyset_page(
    session: Session,
    query: Select,
    order: Sequence[ColumnElement],
    *,
    tag: str,
    cursor: str | None,
    limit: int,
    descending: bool = False,
    poll: bool = False,
) -> Page:
    """One page of `query` in the order of `order`, whose values together must be unique (end it with an id).
    With `poll`, the last page's cursor is the one to ask again with later (a feed): None only on an empty list."""
    if cursor:
        after = [
            literal(value, column.type) for value, column in zip(decode_keys(tag, cursor, order), order, strict=True)
        ]
        position, after = tuple_(*order), tuple_(*after)
        query = query.where(position < after if descending else position > after)
    keys = [column.label(f"page_key_{index}") for index, column in enumerate(order)]
    sort = [column.desc() if descending else column.asc() for column in order]
    rows = session.execute(query.add_columns(*keys).order_by(*sort).limit(limit + 1)).all()
    if len(rows) <= limit and not (poll and rows):
        return Page(rows, cursor if poll else None)
    last = rows[:limit][-1]._mapping
    return Page(rows[:limit], encode_keys(tag, [last[key.name] for key in keys]))


def encode_keys(tag: str, values: Sequence[Any]) -> str:
    """A cursor holding sort keys: times as microseconds, ids as hex, numbers and text as they are."""
    plain = [_plain(value) for value in values]
    raw = tag + json.dumps(plain, separators=(",", ":"), ensure_ascii=False)
    return base64url.encode(raw.encode())


def decode_keys(tag: str, cursor: str, columns: Sequence[ColumnElement]) -> list[Any]:
    """The sort keys of a cursor made by encode_keys(tag, ...) for these columns; InvalidError `invalid_cursor` else."""
    try:
        raw = base64url.decode(cursor).decode()
        if not raw.startswith(tag):
            raise ValueError(raw)
        plain = json.loads(raw[len(tag) :])
        if not isinstance(plain, list) or len(plain) != len(columns):
            raise ValueError(raw)
        return [_typed(value, column.type) for value, column in zip(plain, columns, strict=True)]
    except (ValueError, TypeError, OverflowError, AttributeError):  # JSON, base64 and UTF-8 errors are ValueErrors
        message = N_("This cursor is not one this list gave.")
        raise InvalidError(message, code="invalid_cursor", errors={"cursor": [message]}) from None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value - EPOCH) // timedelta(microseconds=1)
    if isinstance(value, uuid.UUID):
        return value.hex
    return value


def _typed(value: Any, kind: TypeEngine) -> Any:
    if value is None:
        return None
    if isinstance(kind, DateTime):
        return EPOCH + timedelta(microseconds=_exactly(value, int))
    if isinstance(kind, Uuid):
        return uuid.UUID(hex=_exactly(value, str))
    if isinstance(kind, Float):
        return float(_exactly(value, (int, float)))
    if isinstance(kind, Integer):
        return _exactly(value, int)
    return _exactly(value, str)


def _exactly(value: Any, kinds) -> Any:
    if isinstance(value, bool) or not isinstance(value, kinds):
        raise TypeError(value)
    return value
