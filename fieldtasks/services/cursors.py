"""Opaque page cursors: a tag and a few integers, base64-encoded; anything else is refused with 422."""

from __future__ import annotations

import base64

from fieldtasks.errors import InvalidError


def encode_cursor(tag: str, *numbers: int) -> str:
    raw = tag + ".".join(str(number) for number in numbers)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(tag: str, cursor: str, count: int) -> tuple[int, ...]:
    """The `count` integers of a cursor made by encode_cursor(tag, ...); InvalidError `invalid_cursor` else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith(tag):
            raise ValueError(raw)
        numbers = tuple(int(part) for part in raw[len(tag) :].split("."))
        if len(numbers) != count:
            raise ValueError(raw)
        return numbers
    except ValueError:  # UnicodeDecodeError and binascii.Error are ValueErrors too
        message = "This cursor is not one this list gave."
        raise InvalidError(message, code="invalid_cursor", errors={"cursor": [message]}) from None
