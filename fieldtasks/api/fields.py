"""Fields every schema shares, for values PostgreSQL would refuse after Python accepted them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import marshmallow as ma

from fieldtasks.moments import rfc3339

MAX_UTC_OFFSET = timedelta(hours=15, minutes=59)  # what PostgreSQL accepts; no place on Earth is farther


class Moment(ma.fields.AwareDateTime):
    """A date-time with its UTC offset, within the offsets that exist; written as every timestamp is (`rfc3339`)."""

    def __init__(self, *args, metadata: dict | None = None, **kwargs):
        super().__init__(*args, metadata={"example": "2026-12-05T08:15:00.000Z", **(metadata or {})}, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return rfc3339(value)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        offset = moment.utcoffset()
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise ma.ValidationError("The UTC offset must be between -15:59 and +15:59.")
        return moment


class MomentOrDay(ma.fields.Field):
    """A date-time with its UTC offset, or a day (`2026-12-03`, in UTC). A day given to a bound that ends a period
    (`end_of_day`, for `until`) means the start of the next one, so that the day itself is included."""

    def __init__(self, *, end_of_day: bool = False, **kwargs):
        forms = [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]
        metadata = {"anyOf": forms, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)
        self.end_of_day = end_of_day
        self._moment = Moment()

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return self._moment.deserialize(value, attr, data, **kwargs)
        try:
            start = datetime.combine(date.fromisoformat(value), time(), UTC)
        except ValueError:
            raise ma.ValidationError("Not a valid day: write it YYYY-MM-DD.") from None
        if not self.end_of_day:
            return start
        return start + timedelta(days=1) if start.date() < date.max else datetime.max.replace(tzinfo=UTC)
