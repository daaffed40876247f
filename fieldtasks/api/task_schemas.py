"""Request and response bodies of the task endpoints (what a worker's phone sends and reads)."""

from __future__ import annotations

from collections.abc import Mapping

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import validate
from werkzeug.datastructures import FileStorage

from fieldtasks.api.campaign_schemas import latitude, longitude
from fieldtasks.api.fields import Moment
from fieldtasks.api.pages import PageQuerySchema
from fieldtasks.api.voice_schemas import AnsweredQuestionSchema
from fieldtasks.i18n import localized
from fieldtasks.models import CampaignKind
from fieldtasks.moments import rfc3339
from fieldtasks.services.nearby import MAX_LIMIT, MAX_RADIUS_M
from fieldtasks.services.verdicts import REASONS, reason_sentence


class NearbyQuerySchema(PageQuerySchema):
    lat = latitude()
    lon = longitude()
    radius_m = ma.fields.Float(load_default=5000, validate=validate.Range(1, MAX_RADIUS_M), allow_nan=False)
    kind = ma.fields.String(validate=validate.OneOf([str(k) for k in CampaignKind]))
    limit = ma.fields.Integer(load_default=20, validate=validate.Range(1, MAX_LIMIT))


class MyTasksQuerySchema(PageQuerySchema):
    status = ma.fields.String(validate=validate.OneOf(["claimed", "claim_expired", "submitted", "cancelled"]))


class PlaceSchema(ma.Schema):
    name = ma.fields.String(metadata={"example": "Monoprix Rivoli"})
    address = ma.fields.String(metadata={"example": "52 rue de Rivoli 75004 Paris"})
    lat = ma.fields.Float(metadata={"example": 48.8571})
    lon = ma.fields.Float(metadata={"example": 2.3522})
    geofence_m = ma.fields.Integer(metadata={"description": "Check in within this distance"})


class RecordSummarySchema(ma.Schema):
    """A client's track record in short; null figures: not enough data (fewer than 20 tasks in 90 days)."""

    median_hourly_cents = ma.fields.Integer(allow_none=True, metadata={"description": "What its settled tasks paid"
                                            " an hour, the median"})  # fmt: skip
    below_floor = ma.fields.Boolean(allow_none=True, metadata={"description": "That median is below the minimum"})
    rejected_share = ma.fields.Float(allow_none=True, metadata={"description": "Items rejected after appeals"})
    appeals_won_share = ma.fields.Float(allow_none=True, metadata={"description": "Appeals workers won"})
    median_hours_to_money = ma.fields.Float(allow_none=True, metadata={"description": "From a task handed in to "
                                            "the money in the worker's account"})  # fmt: skip
    questions_left_unanswered = ma.fields.Integer(metadata={"description": "Workers' questions waiting over 48 h"})
    tasks = ma.fields.Integer(metadata={"description": "The settled tasks behind the figures"})
    enough_data = ma.fields.Boolean()


class TaskCardSchema(ma.Schema):
    id = ma.fields.UUID()
    kind = ma.fields.String(metadata={"example": "shelf_price"})
    status = ma.fields.String(metadata={"example": "open"})
    distance_m = ma.fields.Float(metadata={"description": "Only in nearby results"})
    place = ma.fields.Nested(PlaceSchema, metadata={"description": "The store, or the vehicle"})
    client_name = ma.fields.String(metadata={"description": "The organization the work is for"})
    campaign_id = ma.fields.UUID()
    campaign_title = ma.fields.String()
    purpose = ma.fields.String(metadata={"description": "What the data is for and who receives it"})
    reward_cents = ma.fields.Integer(metadata={"description": "Per verified item"})
    reward_total_cents = ma.fields.Integer(metadata={"description": "For every item of the task"})
    late_reward_cents = ma.fields.Integer(
        allow_none=True, metadata={"description": "Scooters: paid instead of the reward for a late drop-off"}
    )
    estimated_minutes = ma.fields.Float(
        allow_none=True, metadata={"description": "Claim to submission: the median of completed tasks, or the client's"}
    )
    estimated_hourly_cents = ma.fields.Integer(
        allow_none=True, metadata={"description": "reward_total_cents for estimated_minutes, per hour"}
    )
    estimate_from = ma.fields.String(allow_none=True, metadata={"description": "completed_tasks, or client"})
    below_wage_floor = ma.fields.Boolean(
        allow_none=True,
        metadata={"description": "The estimated hourly pay is below the minimum wage (the floor tops up what a "
                  "task really took at settlement); null without an estimate"},
    )  # fmt: skip
    reading_minutes = ma.fields.Integer(metadata={"description": "The brief's reading time, paid once read"})
    client_id = ma.fields.UUID(metadata={"description": "To hide this client's tasks (POST /me/hidden)"})
    required_qualification = ma.fields.String(
        allow_none=True, metadata={"description": "Earned through a paid practice set (GET /qualifications)"}
    )
    ratings = ma.fields.Dict(
        metadata={"description": "Workers' average ratings of the campaign: clarity, client (1 to 5), count"}
    )
    client_record = ma.fields.Nested(
        RecordSummarySchema,
        metadata={"description": "The client's track record over 90 days, in short, computed by the platform: "
                  "GET /clients/{client_id}/record has every figure"},
    )  # fmt: skip
    charge_reimbursement_cents = ma.fields.Integer(
        metadata={"description": "Scooters: the electricity of the charge, reimbursed on a verified drop-off"}
    )
    currency = ma.fields.String()
    item_count = ma.fields.Integer()
    claim_minutes = ma.fields.Integer()
    claim_expires_at = Moment(allow_none=True)
    ends_at = Moment(metadata={"description": "The campaign ends then"})


def estimates(median: float | None, declared: int | None, reward_total_cents: int, wage: int | None) -> dict:
    """Minutes a task takes (what completed tasks took, else the client's estimate), what that pays an hour, and
    whether that is below the minimum wage."""
    minutes = median or declared
    hourly = round(reward_total_cents * 60 / minutes) if minutes else None
    return {
        "estimated_minutes": round(minutes, 1) if minutes else None,
        "estimated_hourly_cents": hourly,
        "estimate_from": ("completed_tasks" if median else "client") if minutes else None,
        "below_wage_floor": hourly < wage if hourly is not None and wage else None,
    }


def card_json(row, wages: Mapping[str, int]) -> dict:
    """A task card as TaskCardSchema documents it, written by hand: nearby search is the hot path,
    and a schema dump per row cost more than the query (tests check both agree)."""
    card = {
        "id": str(row["id"]),
        "kind": row["kind"],
        "status": row["status"],
        "place": {
            "name": row["place_name"],
            "address": row["place_address"],
            "lat": row["place_lat"],
            "lon": row["place_lon"],
            "geofence_m": row["geofence_m"],
        },
        "client_name": row["client_name"],
        "campaign_id": str(row["campaign_id"]),
        "campaign_title": row["campaign_title"],
        "purpose": row["purpose"],
        "reward_cents": row["reward_cents"],
        "reward_total_cents": row["reward_cents"] * row["item_count"],
        "late_reward_cents": row["late_reward_cents"],
        "charge_reimbursement_cents": row["charge_reimbursement_cents"],
        **estimates(
            row["median_task_minutes"],
            row["estimated_minutes"],
            row["reward_cents"] * row["item_count"],
            wages.get(row["currency"]),
        ),
        "reading_minutes": row["reading_minutes"],
        "client_id": str(row["client_id"]),
        "required_qualification": row["required_qualification"],
        "ratings": {"clarity": row["clarity_rating"], "client": row["client_rating"], "count": row["rating_count"]},
        "currency": row["currency"],
        "item_count": row["item_count"],
        "claim_minutes": row["claim_minutes"],
        "claim_expires_at": rfc3339(row["claim_expires_at"]),
        "ends_at": rfc3339(row["ends_at"]),
    }
    if "distance_m" in row:
        card["distance_m"] = round(row["distance_m"], 1)
    return card


class ReasonSchema(ma.Schema):
    code = ma.fields.String(
        metadata={"example": "no_barcode", "description": "One of " + ", ".join(f"`{code}`" for code in REASONS)}
    )
    message = ma.fields.String(metadata={"description": "A sentence for the worker, in their language"})

    @ma.pre_dump
    def _in_the_readers_language(self, found: dict, **kwargs) -> dict:
        return {**found, "message": localized(reason_sentence(found))}


class ItemSchema(ma.Schema):
    id = ma.fields.UUID()
    status = ma.fields.String(metadata={"example": "pending"})
    verdict = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "verified, needs_review, approved, rejected, no_fault, or under_appeal (a rejection the "
            "worker appealed, until another moderator decides); null until read"
        },
    )
    reasons = ma.fields.List(
        ma.fields.Nested(ReasonSchema), metadata={"description": "Why it needs review, or why it was not paid"}
    )
    review_due_at = Moment(allow_none=True, metadata={"description": "Paid by default after this"})
    gtin = ma.fields.String(allow_none=True)
    product_name = ma.fields.String(allow_none=True)
    net_quantity = ma.fields.String(allow_none=True)
    vehicle_code = ma.fields.String(allow_none=True)
    presence = ma.fields.String(
        allow_none=True, metadata={"description": "Placement: present or absent on the shelf, once verified"}
    )
    typed_price_cents = ma.fields.Integer(
        allow_none=True, metadata={"description": "Shelf prices: the price typed with the item's latest photo"}
    )
    read_price_cents = ma.fields.Integer(
        allow_none=True,
        metadata={
            "description": "Shelf prices: the price the machine read on that photo, once it is read (sure or not)"
        },
    )


class TaskDetailSchema(TaskCardSchema):
    instructions = ma.fields.String()
    items = ma.fields.List(ma.fields.Nested(ItemSchema))
    scooter = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": "Scooters: picked_up_at, dropped_off_at, dropoff_due_at, late, time_zone (the deploy"
            " spots'), and deploy_spots (name, lat, lon, geofence_m, release_window (HH:MM-HH:MM local) and its"
            " time_zone, open_now, due_window: the window to drop off in at the full reward), pickup_code: reading,"
            " matches or no_match (what the pickup photo showed)"
        },
    )


class PickupSchema(ma.Schema):
    task_id = ma.fields.UUID()
    picked_up_at = Moment()
    claim_expires_at = Moment(metadata={"description": "Drop the vehicle off before this"})


class ClaimSchema(ma.Schema):
    task_id = ma.fields.UUID()
    claim_expires_at = Moment()
    claim_generation = ma.fields.Integer(metadata={"description": "Which claim of this task this is"})


class ClaimInSchema(ma.Schema):
    """Where the worker is when claiming: a task farther than CLAIM_MAX_DISTANCE_KM is refused (`too_far`)."""

    lat = latitude()
    lon = longitude()


class CheckinInSchema(ma.Schema):
    lat = latitude()
    lon = longitude()
    accuracy_m = ma.fields.Float(required=True, validate=validate.Range(0, 10_000), allow_nan=False)
    is_mock = ma.fields.Boolean(required=True, metadata={"description": "The OS says the location is simulated"})
    recorded_at = Moment(required=True, metadata={"description": "When the phone took the fix"})


class CheckinSchema(ma.Schema):
    id = ma.fields.UUID()
    task_id = ma.fields.UUID()
    outcome = ma.fields.String(metadata={"example": "accepted"})
    distance_m = ma.fields.Float()
    recorded_at = Moment()


class FileUpload(Upload):
    """A file part of a multipart body; a plain text field of the same name is refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage):
            raise ma.ValidationError("Send the photo as a file part, not a text field.")
        return value


TYPED_PRICE = (
    "Shelf-price tasks: the shelf price in cents as the worker reads it on the label (expected; optional only for "
    "old clients). The photo must confirm it: confirmed, the item is verified; read otherwise for sure, it goes to "
    "review as `price_mismatch`; neither, as `price_unconfirmed`. An app must let the worker type it and never "
    "pre-fill it from anything the server read: agreement between two independent readings is what makes it evidence."
)


class PhotoFormSchema(ma.Schema):
    file = FileUpload(
        required=True,
        metadata={
            "description": "JPEG (at most 40 megapixels), PNG or WebP (at most 16), at most 15 MB; a large image with "
            "hardly any data for its size is refused (`implausible_image`)"
        },
    )
    gtin = ma.fields.String(
        validate=validate.Length(max=14),
        metadata={"description": "The product photographed (none for placement: the photo shows the whole shelf)"},
    )
    vehicle_code = ma.fields.String(validate=validate.Length(max=64), metadata={"description": "Or the vehicle"})
    taken_at = Moment(metadata={"description": "When the phone took the photo"})
    sensitive = ma.fields.Boolean(
        load_default=False, metadata={"description": "The photo shows something moderators should not see by default"}
    )
    absent = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "Shelf-price tasks: the product is not on the shelf, and this photo shows its empty place "
            "(its label with no product, or the gap). The item becomes `not_found` with this evidence, read like any "
            "photo; a finding without such a photo is not paid (`absence_unproven`). No typed price."
        },
    )
    price_cents = ma.fields.Integer(
        validate=validate.Range(min=1, max=100_000_000),
        metadata={"description": TYPED_PRICE, "example": 249},
    )
    unit_price_cents = ma.fields.Integer(
        validate=validate.Range(min=1, max=100_000_000),
        metadata={
            "description": "Shelf-price tasks, optional: the unit price printed on the label (per kg, l or piece)"
        },
    )


class PhotoSchema(ma.Schema):
    id = ma.fields.UUID()
    task_id = ma.fields.UUID()
    item_id = ma.fields.UUID(allow_none=True, metadata={"description": "None for a placement task's shelf photo"})
    stage = ma.fields.String(
        allow_none=True,
        metadata={"description": "A scooter's `pickup` or `dropoff` photo; `absence`: the empty place of a product"},
    )
    media_type = ma.fields.String(metadata={"example": "image/jpeg"})
    width = ma.fields.Integer()
    height = ma.fields.Integer()
    byte_size = ma.fields.Integer()
    sha256 = ma.fields.String()
    taken_at = ma.fields.String(allow_none=True)
    exif_taken_at = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "The camera's clock (EXIF gives no zone) read in the campaign's time zone; not verified"
        },
    )
    has_exif_position = ma.fields.Boolean()
    price_cents = ma.fields.Integer(allow_none=True, metadata={"description": "The shelf price the worker typed"})
    unit_price_cents = ma.fields.Integer(allow_none=True, metadata={"description": "The unit price the worker typed"})
    created_at = ma.fields.String()


class SubmissionSchema(ma.Schema):
    task_id = ma.fields.UUID()
    submitted_at = Moment()
    photo_count = ma.fields.Function(
        lambda submission: len(submission.extractions), metadata={"description": "Photos queued for reading"}
    )


class BriefSchema(ma.Schema):
    campaign_id = ma.fields.UUID()
    title = ma.fields.String()
    client_name = ma.fields.String()
    purpose = ma.fields.String()
    instructions = ma.fields.String()
    version = ma.fields.Integer(metadata={"description": "A new version is paid again"})
    reading_minutes = ma.fields.Integer()
    briefing_pay_cents = ma.fields.Integer(metadata={"description": "Paid with the first task submitted after reading"})
    currency = ma.fields.String()
    paid = ma.fields.Boolean(metadata={"description": "This version's reading is already paid"})
    questions = ma.fields.List(
        ma.fields.Nested(AnsweredQuestionSchema),
        metadata={"description": "Workers' questions on this brief and the client's answers, the latest answer "
                  "first: part of the brief (each answer makes a new version, paid again)"},
    )  # fmt: skip
