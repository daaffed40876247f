"""The client feed's query and records; records are written by hand (they are streamed by the million)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from fieldtasks.api.fields import Moment, MomentOrDay
from fieldtasks.api.pages import PageQuerySchema, next_cursor_field
from fieldtasks.models import Availability, VerifiedBy
from fieldtasks.moments import rfc3339
from fieldtasks.services.deploy_spots import dropped_off_late
from fieldtasks.services.nearby import MAX_LIMIT

FORMATS = ("json", "csv", "ndjson")
CSV_COLUMNS = (
    "id", "campaign_id", "store_id", "store_ref", "store_name", "lat", "lon", "osm_type", "osm_id", "gtin",
    "product_name", "availability", "price_cents", "currency", "unit_price_cents", "unit", "promo", "observed_at",
    "verified_at", "verified_by", "price_source", "confidence", "photo_url", "dispute_status",
)  # fmt: skip


class FeedQuerySchema(ma.Schema):
    campaign = ma.fields.UUID()
    store = ma.fields.UUID()
    store_ref = ma.fields.String(validate=validate.Length(1, 100), metadata={"description": "Your own store id"})
    gtin = ma.fields.String(validate=validate.Regexp(r"^\d{8,14}$"))
    since = MomentOrDay(metadata={"description": "Observed at or after this time, or from the start of this day (UTC)"})
    until = MomentOrDay(
        end_of_day=True, metadata={"description": "Observed before this time, or up to the end of this day (UTC)"}
    )
    verified_by = ma.fields.Enum(VerifiedBy, by_value=True)
    availability = ma.fields.Enum(
        Availability, by_value=True, metadata={"description": "Prices only, or absences only"}
    )
    cursor = ma.fields.String(validate=validate.Length(1, 100))
    limit = ma.fields.Integer(load_default=100, validate=validate.Range(1, MAX_LIMIT))
    format = ma.fields.String(
        validate=validate.OneOf(FORMATS),
        metadata={"description": "json (paged, the default), or csv / ndjson: every row, streamed (also by Accept)"},
    )


class GeoQuerySchema(ma.Schema):
    campaign = ma.fields.UUID()


class ShelfQuerySchema(PageQuerySchema):
    campaign = ma.fields.UUID()


class StoreRefSchema(ma.Schema):
    id = ma.fields.UUID()
    store_ref = ma.fields.String(allow_none=True, metadata={"description": "Your own identifier of the store"})
    name = ma.fields.String()
    lat = ma.fields.Float()
    lon = ma.fields.Float()
    osm_type = ma.fields.String(allow_none=True, metadata={"description": "NODE, WAY or RELATION, with osm_id"})
    osm_id = ma.fields.Integer(allow_none=True, metadata={"description": "The store's OpenStreetMap element"})


class ProductRefSchema(ma.Schema):
    gtin = ma.fields.String()
    name = ma.fields.String()


class ShelfStoreSchema(ma.Schema):
    id = ma.fields.UUID()
    store_ref = ma.fields.String(allow_none=True)
    name = ma.fields.String()
    osm_type = ma.fields.String(allow_none=True)
    osm_id = ma.fields.Integer(allow_none=True)


class ShelfCheckSchema(ma.Schema):
    store = ma.fields.Nested(ShelfStoreSchema)
    product = ma.fields.Nested(ProductRefSchema)
    presence = ma.fields.String(metadata={"description": "present or absent on the shelf", "example": "absent"})
    observed_at = Moment(metadata={"description": "When the shelf was photographed"})
    verified_by = ma.fields.String(metadata={"description": "auto, or moderator"})
    campaign_id = ma.fields.UUID()
    photo_url = ma.fields.String(allow_none=True, metadata={"description": "Signed, expiring link to the photo"})


class PriceRecordSchema(ma.Schema):
    id = ma.fields.UUID()
    campaign_id = ma.fields.UUID()
    store = ma.fields.Nested(StoreRefSchema)
    product = ma.fields.Nested(ProductRefSchema)
    availability = ma.fields.String(
        metadata={
            "description": "in_stock: on the shelf at `price_cents`; absent: missing from its shelf, confirmed by a "
            "moderator on the photo of its empty place (`photo_url`), and no price",
            "example": "in_stock",
        }
    )
    price_cents = ma.fields.Integer(allow_none=True, metadata={"description": "None when absent"})
    currency = ma.fields.String()
    unit_price_cents = ma.fields.Integer(allow_none=True)
    unit = ma.fields.String(allow_none=True, metadata={"description": "kg, l or unit"})
    promo = ma.fields.Boolean()
    observed_at = Moment()
    verified_at = Moment()
    verified_by = ma.fields.String(metadata={"description": "auto or moderator"})
    price_source = ma.fields.String(
        metadata={
            "description": "How the price was established: typed_and_read (typed by the worker on site and"
            " confirmed on the photo by the machine), read (read by the machine alone, its two readers agreeing)"
            " or moderator (set by a moderator looking at the photo)"
        }
    )
    confidence = ma.fields.String()
    photo_url = ma.fields.Url(metadata={"description": "The EXIF-free photo; the link expires"})
    dispute_status = ma.fields.String(
        allow_none=True,
        metadata={"description": "Set once you dispute the row: open until a moderator decides, then upheld, "
                  "corrected (the row carries the corrected price) or withdrawn (do not use this price). The row "
                  "comes again in the feed, same id, each time it changes"},
    )  # fmt: skip


class DisputeInSchema(ma.Schema):
    comment = ma.fields.String(
        required=True, validate=validate.Length(1, 2000), metadata={"example": "The shelf label says 3,29 €."}
    )


class DisputeSchema(ma.Schema):
    price_id = ma.fields.UUID()
    case_id = ma.fields.UUID(metadata={"description": "The moderation case that settles it"})
    status = ma.fields.String(metadata={"description": "open, upheld, corrected or withdrawn", "example": "open"})
    comment = ma.fields.String()
    opened_at = Moment()


class PricePageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PriceRecordSchema), required=True)
    next_cursor = next_cursor_field("Continue from here; on the last page, poll with it for new rows")


class ChargeQuerySchema(ma.Schema):
    campaign = ma.fields.UUID()
    cursor = ma.fields.String(validate=validate.Length(1, 100))
    limit = ma.fields.Integer(load_default=100, validate=validate.Range(1, MAX_LIMIT))


class SpotRefSchema(ma.Schema):
    id = ma.fields.UUID()
    name = ma.fields.String()
    lat = ma.fields.Float()
    lon = ma.fields.Float()


class ChargeSchema(ma.Schema):
    task_id = ma.fields.UUID()
    campaign_id = ma.fields.UUID()
    vehicle_code = ma.fields.String(metadata={"example": "SCT-1002"})
    battery_percent = ma.fields.Integer(allow_none=True, metadata={"description": "As the fleet gave it, if it did"})
    picked_up_at = Moment()
    dropped_off_at = Moment()
    due_at = Moment(allow_none=True, metadata={"description": "The end of the spot's first release window"})
    on_time = ma.fields.Boolean(metadata={"description": "Dropped off by due_at (a late one is paid the late rate)"})
    spot = ma.fields.Nested(SpotRefSchema, allow_none=True, metadata={"description": "Where it was put back"})
    verified_by = ma.fields.String(
        metadata={"description": "auto, moderator, or deadline (approved when nobody reviewed it in time)"}
    )
    verified_at = Moment()


class ChargePageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ChargeSchema), required=True)
    next_cursor = next_cursor_field("Continue from here; on the last page, poll with it for new ones")


def charge_record(row: Any) -> dict[str, Any]:
    spot = {"id": row.spot_id, "name": row.spot_name, "lat": row.spot_lat, "lon": row.spot_lon} if row.spot_id else None
    return {
        "task_id": row.task_id, "campaign_id": row.campaign_id, "vehicle_code": row.vehicle_code,
        "battery_percent": row.battery_percent, "picked_up_at": row.picked_up_at,
        "dropped_off_at": row.dropped_off_at, "due_at": row.dropoff_due_at,
        "on_time": not dropped_off_late(row.dropped_off_at, row.dropoff_due_at), "spot": spot,
        "verified_by": row.verdict_by, "verified_at": row.verdict_at,
    }  # fmt: skip


class ProgressSchema(ma.Schema):
    campaign_id = ma.fields.UUID()
    tasks = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    items = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    budget = ma.fields.Dict()
    stores_covered_share = ma.fields.Float()
    hourly_pay = ma.fields.Dict(
        metadata={
            "description": "median_hourly_cents (what settled tasks paid per hour of claim-to-submission time),"
            " floor_hourly_cents (the minimum hourly rate), below_floor, reward_needed_cents (per item, to reach"
            " the floor), tasks (how many settled tasks this is from)"
        }
    )
    questions = ma.fields.Dict(
        metadata={
            "description": "Workers' questions on the brief waiting for your answer: count, oldest_asked_at, and"
            " over_48_hours (those count on your track record as left unanswered)"
        }
    )


GEOJSON_BODY = {
    "type": "object",
    "description": "A GeoJSON FeatureCollection: one Point per store; properties store_id, store_ref, name, "
    "osm_type, osm_id and prices "
    "(the price records of the JSON feed, without their store)",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": {"type": "object", "description": "A GeoJSON Feature"}},
    },
}


class PhotoLinkQuerySchema(ma.Schema):
    expires = ma.fields.Integer(required=True)
    signature = ma.fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    view = ma.fields.String(load_default="clean", validate=validate.OneOf(["clean", "blurred"]))


def price_record(row: Any, photo_url: str) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "campaign_id": str(row.campaign_id),
        "store": store_reference(row),
        "product": {"gtin": row.gtin, "name": row.product_name},
        "availability": row.availability,
        "price_cents": row.price_cents,
        "currency": row.currency,
        "unit_price_cents": row.unit_price_cents,
        "unit": row.unit,
        "promo": row.promo,
        "observed_at": rfc3339(row.observed_at),
        "verified_at": rfc3339(row.verified_at),
        "verified_by": row.verified_by,
        "price_source": row.price_source,
        "confidence": row.confidence,
        "photo_url": photo_url,
        "dispute_status": row.dispute_status,
    }


def store_reference(row: Any) -> dict[str, Any]:
    """A store as the feeds name it: ours, the client's own ref, where it is, and its OpenStreetMap element."""
    return {"id": str(row.store_id), "store_ref": row.store_ref, "name": row.store_name, "lat": row.lat,
            "lon": row.lon, "osm_type": row.osm_type, "osm_id": row.osm_id}  # fmt: skip


def csv_row(record: dict[str, Any]) -> list[Any]:
    store = record["store"]
    flat = {
        **record,
        "store_id": store["id"],
        "store_ref": store["store_ref"],
        "store_name": store["name"],
        "lat": store["lat"],
        "lon": store["lon"],
        "osm_type": store["osm_type"],
        "osm_id": store["osm_id"],
        "gtin": record["product"]["gtin"],
        "product_name": record["product"]["name"],
    }
    return [spreadsheet_safe(flat[column]) for column in CSV_COLUMNS]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, quoted so it is shown as text (OWASP CSV injection);
    numbers, negative ones included, are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def shelf_record(row, url: str | None) -> dict:
    return {
        "store": {
            "id": row.store_id,
            "store_ref": row.store_ref,
            "name": row.store_name,
            "osm_type": row.osm_type,
            "osm_id": row.osm_id,
        },
        "product": {"gtin": row.gtin, "name": row.product_name},
        "presence": row.presence,
        "observed_at": row.observed_at,
        "verified_by": row.verified_by,
        "campaign_id": row.campaign_id,
        "photo_url": url,
    }
