"""Bodies of the store endpoints: a campaign's stores as its client reads and corrects them."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from fieldtasks.api.campaign_schemas import MAX_STORE_REF, StoreInSchema
from fieldtasks.api.pages import PageQuerySchema


class StoreQuerySchema(PageQuerySchema):
    store_ref = ma.fields.String(validate=validate.Length(1, MAX_STORE_REF), metadata={"example": "MPX-0142"})


class StoreEditSchema(StoreInSchema):
    """The fields to correct, and only those (a store's coordinates or geofence stay once worked at)."""


class StoreTaskSchema(ma.Schema):
    id = ma.fields.UUID()
    status = ma.fields.String(metadata={"description": "open, claimed, claim_expired, submitted or cancelled"})


class StoreSchema(ma.Schema):
    id = ma.fields.UUID()
    name = ma.fields.String(metadata={"example": "Monoprix Rivoli"})
    address = ma.fields.String()
    lat = ma.fields.Float()
    lon = ma.fields.Float()
    geofence_m = ma.fields.Integer()
    store_ref = ma.fields.String(allow_none=True)
    osm_type = ma.fields.String(allow_none=True)
    osm_id = ma.fields.Integer(allow_none=True)
    task = ma.fields.Nested(
        StoreTaskSchema, allow_none=True, metadata={"description": "The store's task, once the campaign is published"}
    )
