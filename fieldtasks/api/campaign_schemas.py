"""Request and response bodies of the campaign endpoints."""

from __future__ import annotations

import zoneinfo

import marshmallow as ma
from marshmallow import validate

from fieldtasks.api.fields import Moment
from fieldtasks.i18n import Sentence
from fieldtasks.imports import (
    DEFAULT_GEOFENCE_M,
    MAX_GEOFENCE_M,
    MAX_STORE_REF,
    MAX_STORES,
    MIN_GEOFENCE_M,
    OSM_TYPES,
    StoreRow,
)
from fieldtasks.models import CampaignKind
from fieldtasks.products import normalize_gtin, parse_net_quantity


def _checked_by(parse):
    def check(value: str) -> None:
        try:
            parse(value)
        except ValueError as error:
            raise ma.ValidationError(str(error)) from None

    return check


def latitude() -> ma.fields.Float:
    return ma.fields.Float(
        required=True, allow_nan=False, validate=validate.Range(-90, 90), metadata={"example": 48.8566}
    )


def longitude() -> ma.fields.Float:
    return ma.fields.Float(
        required=True, allow_nan=False, validate=validate.Range(-180, 180), metadata={"example": 2.3522}
    )


class StoreInSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=validate.Length(1, 200), metadata={"example": "Monoprix Rivoli"})
    address = ma.fields.String(
        load_default="", validate=validate.Length(max=500), metadata={"example": "1 rue de Rivoli, Paris"}
    )
    lat = latitude()
    lon = longitude()
    geofence_m = ma.fields.Integer(
        load_default=DEFAULT_GEOFENCE_M, validate=validate.Range(MIN_GEOFENCE_M, MAX_GEOFENCE_M), strict=True
    )
    store_ref = ma.fields.String(
        validate=validate.Length(1, MAX_STORE_REF),
        metadata={"description": "Your own identifier of the store: one store per ref in a campaign, and the feeds "
                  "carry it (?store_ref= filters)", "example": "MPX-0142"},
    )  # fmt: skip
    osm_type = ma.fields.String(
        validate=validate.OneOf(OSM_TYPES),
        metadata={"description": "With osm_id: the store's OpenStreetMap element, as Open Prices names places"},
    )
    osm_id = ma.fields.Integer(strict=True, validate=validate.Range(1, 2**63 - 1), metadata={"example": 1234567890})

    @ma.validates_schema
    def _osm_reference_whole(self, data, **kwargs):
        if ("osm_type" in data) != ("osm_id" in data):
            raise ma.ValidationError("Give both osm_type and osm_id, or neither.", "osm_id")


class ProductInSchema(ma.Schema):
    gtin = ma.fields.String(
        required=True,
        validate=_checked_by(normalize_gtin),
        metadata={"description": "EAN-13, EAN-8 or UPC-A, check digit verified", "example": "3017620422003"},
    )
    name = ma.fields.String(required=True, validate=validate.Length(1, 200), metadata={"example": "Nutella 400 g"})
    net_quantity = ma.fields.String(
        validate=[validate.Length(max=32), _checked_by(parse_net_quantity)], metadata={"example": "400 g"}
    )


class VehicleInSchema(ma.Schema):
    vehicle_code = ma.fields.String(
        required=True,
        validate=validate.Length(1, 64),
        metadata={"description": "As printed on the vehicle (QR or Code 128)", "example": "SCT-40213"},
    )
    lat = latitude()
    lon = longitude()
    battery_percent = ma.fields.Integer(strict=True, validate=validate.Range(0, 100), metadata={"example": 12})


class DeploySpotInSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=validate.Length(1, 200), metadata={"example": "Place du Marché"})
    lat = latitude()
    lon = longitude()
    geofence_m = ma.fields.Integer(load_default=50, strict=True, validate=validate.Range(10, 1000))
    release_from = ma.fields.Time(
        required=True, metadata={"description": "Local time (campaign timezone)", "example": "04:00"}
    )
    release_until = ma.fields.Time(required=True, metadata={"description": "May be past midnight", "example": "07:00"})

    @ma.validates_schema
    def window_not_empty(self, data: dict, **kwargs) -> None:
        if data.get("release_from") == data.get("release_until"):
            raise ma.ValidationError("The release window must not be empty.", "release_until")


def _is_time_zone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ma.ValidationError("Not a known IANA time zone.") from None


class CampaignEditSchema(ma.Schema):
    """Fields a client may change while the campaign is a draft or paused."""

    title = ma.fields.String(validate=validate.Length(1, 200), metadata={"example": "Prix du petit-déjeuner, Paris"})
    purpose = ma.fields.String(
        validate=validate.Length(10, 2000),
        metadata={
            "description": "What the data is for and who receives it; shown to every worker",
            "example": "Supermarchés Dupont compare breakfast prices across Paris to set their own.",
        },
    )
    instructions = ma.fields.String(validate=validate.Length(max=10000))
    reward_cents = ma.fields.Integer(strict=True, validate=validate.Range(1, 100_000), metadata={"example": 40})
    currency = ma.fields.String(validate=validate.Regexp(r"^[A-Z]{3}$"), metadata={"example": "EUR"})
    budget_cents = ma.fields.Integer(strict=True, validate=validate.Range(0, 10**12), metadata={"example": 50000})
    starts_at = Moment()
    ends_at = Moment()
    claim_minutes = ma.fields.Integer(strict=True, validate=validate.Range(5, 1440))
    auto_approve_hours = ma.fields.Integer(strict=True, validate=validate.Range(1, 720))
    late_reward_cents = ma.fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(0, 100_000),
        metadata={"description": "Scooters: paid instead of the reward for a late drop-off", "example": 250},
    )
    charge_reimbursement_cents = ma.fields.Integer(
        strict=True,
        validate=validate.Range(0, 10_000),
        metadata={"description": "Scooters: electricity reimbursed per charge, its own ledger line", "example": 30},
    )
    timezone = ma.fields.String(validate=_is_time_zone, metadata={"example": "Europe/Paris"})
    reading_minutes = ma.fields.Integer(
        strict=True,
        validate=validate.Range(0, 120),
        metadata={"description": "Minutes to read the instructions: paid to each worker at the minimum hourly rate"},
    )
    estimated_minutes = ma.fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(1, 1440),
        metadata={"description": "Minutes a task takes, shown to workers until completed tasks tell"},
    )
    named_in_work_records = ma.fields.Boolean(
        metadata={"description": "Workers' signed work records may name the organization (default true)"}
    )
    required_qualification = ma.fields.String(
        allow_none=True,
        validate=validate.Length(1, 40),
        metadata={"description": "Only workers with it may claim (GET /qualifications lists them)"},
    )

    @ma.validates_schema
    def late_reward_not_above_reward(self, data: dict, **kwargs) -> None:
        late, reward = data.get("late_reward_cents"), data.get("reward_cents")
        if late is not None and reward is not None and late > reward:
            raise ma.ValidationError("Must not exceed reward_cents.", "late_reward_cents")


LIST_LIMITS = {"stores": MAX_STORES, "products": 500, "vehicles": 5000, "deploy_spots": 1000}


class CampaignCreateSchema(CampaignEditSchema):
    title = ma.fields.String(required=True, validate=validate.Length(1, 200))
    kind = ma.fields.String(required=True, validate=validate.OneOf([str(k) for k in CampaignKind]))
    purpose = ma.fields.String(required=True, validate=validate.Length(10, 2000))
    instructions = ma.fields.String(load_default="", validate=validate.Length(max=10000))
    reward_cents = ma.fields.Integer(required=True, strict=True, validate=validate.Range(1, 100_000))
    currency = ma.fields.String(load_default="EUR", validate=validate.Regexp(r"^[A-Z]{3}$"))
    budget_cents = ma.fields.Integer(required=True, strict=True, validate=validate.Range(0, 10**12))
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)
    claim_minutes = ma.fields.Integer(load_default=120, strict=True, validate=validate.Range(5, 1440))
    auto_approve_hours = ma.fields.Integer(load_default=72, strict=True, validate=validate.Range(1, 720))
    stores = ma.fields.List(
        ma.fields.Nested(StoreInSchema), load_default=list, validate=validate.Length(max=MAX_STORES)
    )
    products = ma.fields.List(ma.fields.Nested(ProductInSchema), load_default=list, validate=validate.Length(max=500))
    vehicles = ma.fields.List(ma.fields.Nested(VehicleInSchema), load_default=list, validate=validate.Length(max=5000))
    deploy_spots = ma.fields.List(
        ma.fields.Nested(DeploySpotInSchema), load_default=list, validate=validate.Length(max=1000)
    )
    charge_reimbursement_cents = ma.fields.Integer(load_default=0, strict=True, validate=validate.Range(0, 10_000))

    @ma.pre_load
    def refuse_long_lists_first(self, data, **kwargs):
        """A list too long is refused before any of its entries is read (100,000 stores took seconds)."""
        if isinstance(data, dict):
            for name, most in LIST_LIMITS.items():
                if isinstance(data.get(name), list) and len(data[name]) > most:
                    raise ma.ValidationError(Sentence("At most {most} in one request.", most=most), name)
        return data

    timezone = ma.fields.String(load_default="Europe/Paris", validate=_is_time_zone)
    reading_minutes = ma.fields.Integer(load_default=0, strict=True, validate=validate.Range(0, 120))

    @ma.post_load
    def store_rows(self, data: dict, **kwargs) -> dict:
        data["stores"] = [StoreRow(line=i, **store) for i, store in enumerate(data["stores"], start=1)]
        return data


class OrganizationRefSchema(ma.Schema):
    id = ma.fields.UUID()
    name = ma.fields.String()


class CampaignSchema(ma.Schema):
    id = ma.fields.UUID()
    title = ma.fields.String()
    kind = ma.fields.String()
    purpose = ma.fields.String()
    instructions = ma.fields.String()
    reward_cents = ma.fields.Integer()
    currency = ma.fields.String()
    budget_cents = ma.fields.Integer()
    starts_at = Moment()
    ends_at = Moment()
    claim_minutes = ma.fields.Integer()
    auto_approve_hours = ma.fields.Integer()
    late_reward_cents = ma.fields.Integer(allow_none=True)
    charge_reimbursement_cents = ma.fields.Integer()
    timezone = ma.fields.String()
    reading_minutes = ma.fields.Integer()
    estimated_minutes = ma.fields.Integer(allow_none=True)
    instructions_version = ma.fields.Integer(metadata={"description": "Each change of the instructions adds one"})
    named_in_work_records = ma.fields.Boolean()
    required_qualification = ma.fields.String(allow_none=True)
    status = ma.fields.String(metadata={"example": "draft"})
    version = ma.fields.Integer(metadata={"description": "Also the ETag; send it back in If-Match to edit"})
    organization = ma.fields.Nested(OrganizationRefSchema)
    created_at = Moment()
    published_at = Moment(allow_none=True)


class RowErrorSchema(ma.Schema):
    line = ma.fields.Integer(metadata={"description": "File line (CSV) or feature/list position (1-based)"})
    field = ma.fields.String(metadata={"example": "lat"})
    reason = ma.fields.String(metadata={"example": "is out of range (lat -90..90, lon -180..180)"})


class ImportReportSchema(ma.Schema):
    created = ma.fields.Integer(metadata={"example": 42})
    errors = ma.fields.List(ma.fields.Nested(RowErrorSchema))


class ProductListSchema(ma.Schema):
    products = ma.fields.List(ma.fields.Nested(ProductInSchema), required=True, validate=validate.Length(1, 500))


class VehicleListSchema(ma.Schema):
    vehicles = ma.fields.List(ma.fields.Nested(VehicleInSchema), required=True, validate=validate.Length(1, 5000))


class PublishResultSchema(ma.Schema):
    campaign = ma.fields.Nested(CampaignSchema)
    tasks_created = ma.fields.Integer(metadata={"description": "Tasks added by this call"})
    task_count = ma.fields.Integer()
    item_count = ma.fields.Integer()
