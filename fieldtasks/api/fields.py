"""Fields every schema shares, for values PostgreSQL would refuse after Python accepted them."""

from __future__ import annotations

from datetime import timedelta

import marshmallow as ma

MAX_UTC_OFFSET = timedelta(hours=15, minutes=59)  # what PostgreSQL accepts; no place on Earth is farther


class Moment(ma.fields.AwareDateTime):
    """A date-time with its UTC offset, within the offsets that exist."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        offset = moment.utcoffset()
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise ma.ValidationError("The UTC offset must be between -15:59 and +15:59.")
        return moment
