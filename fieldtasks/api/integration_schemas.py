"""Bodies of the webhook and API key endpoints."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from fieldtasks.api.fields import Moment
from fieldtasks.models import WEBHOOK_EVENTS


class WebhookInSchema(ma.Schema):
    url = ma.fields.Url(required=True, schemes={"http", "https"}, validate=validate.Length(max=2000))
    events = ma.fields.List(
        ma.fields.String(validate=validate.OneOf(WEBHOOK_EVENTS)), required=True, validate=validate.Length(min=1)
    )


class WebhookSchema(ma.Schema):
    id = ma.fields.UUID()
    url = ma.fields.String()
    events = ma.fields.List(ma.fields.String())
    created_at = Moment()


class NewWebhookSchema(WebhookSchema):
    secret = ma.fields.String(metadata={"description": "Signs every delivery; shown this once"})


class DeliverySchema(ma.Schema):
    id = ma.fields.UUID()
    event = ma.fields.String()
    status = ma.fields.String(metadata={"description": "pending, delivered or failed (after 24 hours of retries)"})
    attempts = ma.fields.Integer()
    last_status_code = ma.fields.Integer(allow_none=True)
    last_error = ma.fields.String(allow_none=True)
    next_attempt_at = Moment()
    created_at = Moment()
    delivered_at = Moment(allow_none=True)


class ApiKeyInSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=validate.Length(1, 100))


class ApiKeySchema(ma.Schema):
    id = ma.fields.UUID()
    name = ma.fields.String()
    prefix = ma.fields.String(metadata={"description": "The key's first characters, to tell keys apart"})
    created_at = Moment()
    revoked_at = Moment(allow_none=True)
    last_used_at = Moment(allow_none=True)


class NewApiKeySchema(ApiKeySchema):
    key = ma.fields.String(metadata={"description": "Send as 'Authorization: Bearer <key>'; shown this once"})
