"""Daily release windows in local time (04:00 to 07:00, or 22:00 to 02:00 past midnight): pure helpers."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def _window_on(day: date, start: time, end: time, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The window opening on `day` (it closes the next day when it runs past midnight)."""
    closes_on = day if end > start else day + timedelta(days=1)
    return datetime.combine(day, start, tzinfo=zone), datetime.combine(closes_on, end, tzinfo=zone)


def _windows_around(at: datetime, start: time, end: time, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """The windows opening the local day before `at`, that day, and the two after."""
    local_day = at.astimezone(zone).date()
    return [_window_on(local_day + timedelta(days=offset), start, end, zone) for offset in (-1, 0, 1, 2)]


def open_window(at: datetime, start: time, end: time, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
    """The window `at` falls in, if any."""
    for opens, closes in _windows_around(at, start, end, zone):
        if opens <= at < closes:
            return opens, closes
    return None


def next_window(after: datetime, start: time, end: time, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The first window opening at or after `after`."""
    return min(window for window in _windows_around(after, start, end, zone) if window[0] >= after)
