"""Bodies of the ratings, questions on briefs, hidden-sources and track-record endpoints."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from fieldtasks.api.fields import Moment
from fieldtasks.api.pages import next_cursor_field


def score() -> ma.fields.Integer:
    return ma.fields.Integer(strict=True, allow_none=True, load_default=None, validate=validate.Range(1, 5))


class RatingInSchema(ma.Schema):
    clarity = score()
    client = score()
    comment = ma.fields.String(load_default="", validate=validate.Length(max=1000))


class RatingSchema(ma.Schema):
    task_id = ma.fields.UUID()
    clarity = ma.fields.Integer(allow_none=True)
    client = ma.fields.Integer(allow_none=True)
    comment = ma.fields.String()
    rated_at = Moment()


class CommentSchema(ma.Schema):
    clarity = ma.fields.Integer(allow_none=True)
    client = ma.fields.Integer(allow_none=True)
    comment = ma.fields.String()
    rated_at = Moment()


class CampaignRatingsSchema(ma.Schema):
    campaign_id = ma.fields.UUID()
    clarity = ma.fields.Float(allow_none=True, metadata={"description": "Average, 1 to 5"})
    client = ma.fields.Float(allow_none=True, metadata={"description": "Average, 1 to 5"})
    count = ma.fields.Integer()
    items = ma.fields.List(
        ma.fields.Nested(CommentSchema), required=True, metadata={"description": "Comments, newest first, anonymous"}
    )
    next_cursor = next_cursor_field("Pass it as `cursor` for more comments; null: no more")


class HideSchema(ma.Schema):
    client_id = ma.fields.UUID(load_default=None, metadata={"description": "A task card's client_id"})
    campaign_id = ma.fields.UUID(load_default=None, metadata={"description": "Or one campaign (its purpose)"})


class HiddenSchema(ma.Schema):
    id = ma.fields.UUID()
    client_id = ma.fields.UUID(allow_none=True)
    client_name = ma.fields.String(allow_none=True)
    campaign_id = ma.fields.UUID(allow_none=True)
    campaign_title = ma.fields.String(allow_none=True)
    purpose = ma.fields.String(allow_none=True)
    hidden_at = Moment()


class QuestionInSchema(ma.Schema):
    question = ma.fields.String(required=True, validate=validate.Length(3, 1000),
                                metadata={"example": "Do promotions count as the shelf price?"})  # fmt: skip


class AnswerInSchema(ma.Schema):
    answer = ma.fields.String(
        required=True,
        validate=validate.Length(1, 4000),
        metadata={"example": "Yes: photograph the label as it is, promotion included."},
    )


class QuestionSchema(ma.Schema):
    id = ma.fields.UUID()
    campaign_id = ma.fields.UUID()
    question = ma.fields.String()
    asked_at = Moment()
    answer = ma.fields.String(allow_none=True)
    answered_at = Moment(allow_none=True)
    mine = ma.fields.Boolean(metadata={"description": "Asked by me (a worker's view; always false for the client)"})


class AnsweredQuestionSchema(ma.Schema):
    question = ma.fields.String()
    answer = ma.fields.String()
    asked_at = Moment()
    answered_at = Moment()


def _section(description: str) -> ma.fields.Dict:
    return ma.fields.Dict(metadata={"description": description + "; tasks and workers: how many are behind it; "
                                    "enough_data false (fewer than 20 tasks): the figures are null"})  # fmt: skip


class ClientRecordSchema(ma.Schema):
    organization_id = ma.fields.UUID()
    client_name = ma.fields.String(allow_none=True)
    computed_at = Moment(metadata={"description": "Computed by the platform then (kept up to 15 minutes)"})
    window_days = ma.fields.Integer(metadata={"example": 90})
    enough_tasks = ma.fields.Integer(metadata={"description": "Figures behind fewer tasks are withheld"})
    hourly_pay = _section(
        "median_cents: what its settled tasks paid per hour of claim-to-submission time, in "
        "currency; floor_cents: the minimum; below_floor"
    )
    rejections = _section("share: of the items settled for good (no appeal pending), those rejected; items")
    appeals = _section("won_share: of the appeals settled, those workers won; appeals")
    time_to_money = _section(
        "median_hours and worst_hours: from a task handed in to each item's reward in the worker's account; items"
    )
    floor_top_ups = ma.fields.Dict(
        metadata={
            "description": "What the hourly floor made it pay: top_ups (how many), "
            "cents (by currency), workers (how many were topped up)"
        }
    )
    ratings = _section("clarity and client: workers' average ratings, 1 to 5; ratings (how many)")
    questions = ma.fields.Dict(
        metadata={"description": "Workers' questions on its briefs: asked, left_unanswered (waiting over 48 hours now)"}
    )
