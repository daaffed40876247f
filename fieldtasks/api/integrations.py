"""A client organization's systems: webhooks (signed deliveries) and API keys."""

from __future__ import annotations

from flask.views import MethodView

from fieldtasks.api.access import current_caller, organization_id, roles
from fieldtasks.api.blueprint import Blueprint
from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.integration_schemas import (
    ApiKeyInSchema,
    ApiKeySchema,
    DeliverySchema,
    NewApiKeySchema,
    NewWebhookSchema,
    WebhookInSchema,
    WebhookSchema,
)
from fieldtasks.api.pages import PageQuerySchema, as_page, page_args, page_of
from fieldtasks.jobs.webhooks import enqueue_deliveries
from fieldtasks.models import Role
from fieldtasks.services import api_keys, webhooks

blp = Blueprint("integrations", __name__, description="Webhooks and API keys of the caller's organization.")


@blp.route("/webhooks")
class Webhooks(MethodView):
    @roles(Role.CLIENT, api_keys=True)
    @blp.arguments(WebhookInSchema)
    @blp.response(201, NewWebhookSchema)
    def post(self, data):
        """Subscribe a URL to events; the signing secret is in this answer only"""
        allow_private = resources().config.webhook_allow_private
        with unit_of_work() as session:
            webhook, secret = webhooks.create_webhook(
                session, organization_id(), data["url"], data["events"], allow_private=allow_private
            )
            return {
                "id": webhook.id,
                "url": webhook.url,
                "events": webhook.events,
                "created_at": webhook.created_at,
                "secret": secret,
            }

    @roles(Role.CLIENT, api_keys=True)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, page_of(WebhookSchema))
    def get(self, query):
        """My organization's webhooks, oldest first, a page at a time"""
        with unit_of_work() as session:
            found, cursor = webhooks.list_webhooks(session, organization_id(), **page_args(query))
            return as_page(found, cursor)


@blp.route("/webhooks/<uuid:webhook_id>")
class WebhookById(MethodView):
    @roles(Role.CLIENT, api_keys=True)
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, webhook_id):
        """Stop sending events to this webhook"""
        with unit_of_work() as session:
            webhooks.disable_webhook(session, organization_id(), webhook_id, now=resources().clock())


@blp.route("/webhooks/<uuid:webhook_id>/deliveries")
class Deliveries(MethodView):
    @roles(Role.CLIENT, api_keys=True)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, page_of(DeliverySchema))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, query, webhook_id):
        """The webhook's deliveries, newest first, a page at a time: status, attempts, last response code"""
        with unit_of_work() as session:
            sent, cursor = webhooks.list_deliveries(session, organization_id(), webhook_id, **page_args(query))
            return as_page(sent, cursor)


@blp.route("/webhooks/<uuid:webhook_id>/deliveries/<uuid:delivery_id>/redeliver")
class Redeliver(MethodView):
    @roles(Role.CLIENT, api_keys=True)
    @blp.response(202, DeliverySchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, webhook_id, delivery_id):
        """Send a delivery again now"""
        res = resources()
        with unit_of_work() as session:
            delivery = webhooks.redeliver(session, organization_id(), webhook_id, delivery_id, now=res.clock())
        enqueue_deliveries(res.redis, [delivery.id])
        return delivery


@blp.route("/api-keys")
class ApiKeys(MethodView):
    @roles(Role.CLIENT)
    @blp.arguments(ApiKeyInSchema)
    @blp.response(201, NewApiKeySchema)
    def post(self, data):
        """Create an API key for my organization's servers; the key is in this answer only"""
        caller = current_caller()
        with unit_of_work() as session:
            api_key, key = api_keys.create_api_key(session, caller.organization_id, caller.user_id, data["name"])
            return {
                "id": api_key.id,
                "name": api_key.name,
                "prefix": api_key.prefix,
                "created_at": api_key.created_at,
                "key": key,
            }

    @roles(Role.CLIENT)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, page_of(ApiKeySchema))
    def get(self, query):
        """My organization's API keys (never the keys themselves), oldest first, a page at a time"""
        with unit_of_work() as session:
            found, cursor = api_keys.list_api_keys(session, organization_id(), **page_args(query))
            return as_page(found, cursor)


@blp.route("/api-keys/<uuid:key_id>")
class ApiKeyById(MethodView):
    @roles(Role.CLIENT)
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, key_id):
        """Revoke an API key: it stops working at once"""
        with unit_of_work() as session:
            api_keys.revoke_api_key(session, organization_id(), key_id, now=resources().clock())
