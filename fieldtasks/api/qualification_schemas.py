"""Bodies of the qualification endpoints."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from fieldtasks.api.fields import Moment


class QualificationSchema(ma.Schema):
    code = ma.fields.String(metadata={"example": "reads_shelf_labels"})
    name = ma.fields.String()
    description = ma.fields.String()
    practice_minutes = ma.fields.Integer(metadata={"description": "The declared length of one attempt"})
    practice_pay_cents = ma.fields.Integer(metadata={"description": "Paid for every attempt, passed or not"})
    currency = ma.fields.String()
    earned_at = Moment(allow_none=True)


class AttemptSchema(ma.Schema):
    id = ma.fields.UUID()
    qualification = ma.fields.String()
    questions = ma.fields.Integer()
    pass_mark = ma.fields.Integer(metadata={"description": "Right answers needed"})
    practice_minutes = ma.fields.Integer()
    pay_cents = ma.fields.Integer()
    started_at = Moment()
    submitted_at = Moment(allow_none=True)
    correct = ma.fields.Integer(allow_none=True)
    passed = ma.fields.Boolean(allow_none=True)


class AnswersSchema(ma.Schema):
    answers = ma.fields.List(
        ma.fields.Integer(strict=True, validate=validate.Range(0, 10_000_000)),
        required=True,
        validate=validate.Length(1, 50),
        metadata={"description": "The price read on each question's label, in cents, in order"},
    )
