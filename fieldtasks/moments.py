"""The one form of every timestamp the service writes: RFC 3339, in UTC, with milliseconds and `Z`."""

from __future__ import annotations

from datetime import UTC, datetime


def rfc3339(moment: datetime | None) -> str | None:
    """`2026-12-03T09:15:02.120Z` for an aware date-time; None for None. A naive one is a bug: its zone is unknown."""
    if moment is None:
        return None
    if moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no UTC offset")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").removesuffix("+00:00") + "Z"
