"""Bodies of the moderation endpoints."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from fieldtasks.api.fields import Moment
from fieldtasks.api.pages import PageQuerySchema
from fieldtasks.api.task_schemas import ReasonSchema
from fieldtasks.models import REJECT_REASONS, CaseOutcome, Presence


class CaseQuerySchema(PageQuerySchema):
    reason = ma.fields.String(validate=validate.Length(1, 40), metadata={"example": "no_barcode"})
    campaign = ma.fields.UUID()
    client = ma.fields.UUID(metadata={"description": "The campaign's organization"})
    older_than_hours = ma.fields.Float(validate=validate.Range(0, 24 * 365))


class CaseSummarySchema(ma.Schema):
    id = ma.fields.UUID()
    item_id = ma.fields.UUID()
    kind = ma.fields.String(metadata={"description": "review, appeal, or dispute (a client's, of a feed price)"})
    reasons = ma.fields.List(ma.fields.Nested(ReasonSchema))
    campaign_id = ma.fields.UUID()
    campaign_title = ma.fields.String()
    client_id = ma.fields.UUID(metadata={"description": "The campaign's organization"})
    client_name = ma.fields.String()
    place = ma.fields.String()
    opened_at = Moment()
    age_hours = ma.fields.Float()
    due_at = Moment(metadata={"description": "Paid by default after this"})
    held = ma.fields.Boolean(metadata={"description": "A moderator has it in hand"})


class CaseDetailSchema(CaseSummarySchema):
    status = ma.fields.String()
    appeal_comment = ma.fields.String(allow_none=True)
    task_kind = ma.fields.String(metadata={"description": "shelf_price, product_placement or scooter_recharge"})
    expected = ma.fields.Dict(metadata={"description": "The product (gtin, name) or vehicle (vehicle_code)"})
    photos = ma.fields.List(
        ma.fields.Dict(),
        metadata={
            "description": "id, url, the prices the worker typed (typed_price_cents, typed_unit_price_cents) and the"
            " extraction read on it (typed_price: whether the photo confirms the typed price)"
        },
    )
    item_status = ma.fields.String(
        metadata={"description": "photographed, or not_found (the photos show its empty place)"}
    )
    copies = ma.fields.List(
        ma.fields.Dict(),
        metadata={
            "description": "The photos these may be copies of (id, url, place, created_at, same_worker), to compare"
        },
    )
    visit = ma.fields.List(
        ma.fields.Dict(),
        metadata={"description": "The other items of the same visit: name, gtin, status, verdict, reasons (codes)"},
    )
    track_record = ma.fields.Dict(
        metadata={"description": "The worker's settled items: accepted, rejected, no_fault; and in_review"}
    )
    checkins = ma.fields.List(ma.fields.Dict())
    history = ma.fields.List(ma.fields.Dict())
    outcome = ma.fields.String(allow_none=True)
    held_until = Moment(allow_none=True, metadata={"description": "A moderator has it in hand until"})
    decided_by = ma.fields.String(allow_none=True, metadata={"description": "The moderator who decided it"})
    decided_at = Moment(allow_none=True)
    reject_reason = ma.fields.String(allow_none=True)
    explanation = ma.fields.String(allow_none=True, metadata={"description": "The rejection's words to the worker"})


class DecisionSchema(ma.Schema):
    outcome = ma.fields.Enum(CaseOutcome, by_value=True, required=True)
    price_cents = ma.fields.Integer(strict=True, validate=validate.Range(1, 10_000_000))
    gtin = ma.fields.String(validate=validate.Regexp(r"^\d{8,14}$"))
    presence = ma.fields.Enum(
        Presence,
        by_value=True,
        metadata={"description": "Placement cases, with approve: what the moderator saw on the shelf"},
    )
    photo_id = ma.fields.UUID(
        metadata={
            "description": "Shelf price, with approve: the photo that shows the product and its price, fed to the "
            "client as the proof. Required when more than one of the item's photos could be it "
            "(`proof_photo_required`); one of the item's photos (`unknown_photo`)."
        }
    )
    reject_reason = ma.fields.String(validate=validate.OneOf(REJECT_REASONS))
    explanation = ma.fields.String(validate=validate.Length(1, 2000), metadata={"description": "Shown to the worker"})


class DecidedSchema(ma.Schema):
    id = ma.fields.UUID()
    item_id = ma.fields.UUID()
    outcome = ma.fields.String()
    decided_at = Moment()
    corrections = ma.fields.Dict()


class AppealSchema(ma.Schema):
    comment = ma.fields.String(required=True, validate=validate.Length(1, 2000))


class AppealedSchema(ma.Schema):
    case_id = ma.fields.UUID()
    due_at = Moment(metadata={"description": "Paid by default if nobody decides by then"})
