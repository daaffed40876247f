"""Bodies of the work-record endpoints."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from fieldtasks.api.fields import Moment


class RecordQuerySchema(ma.Schema):
    format = ma.fields.String(load_default="json", validate=validate.OneOf(["json", "html"]))


class SignatureSchema(ma.Schema):
    alg = ma.fields.String(required=True, metadata={"example": "Ed25519"})
    key_id = ma.fields.String(required=True, metadata={"description": "Which platform key signed it"})
    value = ma.fields.String(required=True, metadata={"description": "base64url, over the record's canonical JSON"})


class WorkRecordSchema(ma.Schema):
    record = ma.fields.Dict(
        required=True,
        metadata={
            "description": "format, issuer, issued_at, worker, tasks (by kind and month), items (verified, rejected,"
            " no_fault, in_review, approval_rate), hours, earnings (per currency), qualifications, clients"
        },
    )
    signature = ma.fields.Nested(SignatureSchema, required=True)


class VerificationSchema(ma.Schema):
    valid = ma.fields.Boolean()
    reason = ma.fields.String(allow_none=True, metadata={"description": "Why not, when not valid"})
    key_id = ma.fields.String(metadata={"description": "The key this platform checks with"})


class JwkSchema(ma.Schema):
    kty = ma.fields.String(metadata={"example": "OKP"})
    crv = ma.fields.String(metadata={"example": "Ed25519"})
    x = ma.fields.String(metadata={"description": "The public key, base64url"})
    kid = ma.fields.String()
    use = ma.fields.String(metadata={"example": "sig"})


class ReputationEventSchema(ma.Schema):
    at = Moment()
    kind = ma.fields.String(metadata={"description": "item, or release"})
    outcome = ma.fields.String(metadata={"description": "verified, approved, rejected, no_fault, released"})
    item_id = ma.fields.UUID(allow_none=True)
    task_id = ma.fields.UUID()
    campaign_title = ma.fields.String()
    counts = ma.fields.Boolean(metadata={"description": "Whether it counts at all"})
    weight = ma.fields.Float(metadata={"description": "1 when new, halving every half_life_days"})


class ReputationSchema(ma.Schema):
    score = ma.fields.Float(allow_none=True, metadata={"description": "0 to 100; none before any judged item"})
    judged_weight = ma.fields.Float()
    half_life_days = ma.fields.Integer()
    rules = ma.fields.List(ma.fields.String())
    events = ma.fields.List(ma.fields.Nested(ReputationEventSchema), metadata={"description": "Newest first"})
