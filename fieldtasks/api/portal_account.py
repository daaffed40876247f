"""The portal's integrations and account: API keys and webhooks (each secret shown once, on the page that created
it), a webhook's deliveries with their status and a redeliver button, and the organization's account statement."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, request, url_for

from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.page_sessions import refusals_back_to
from fieldtasks.api.portal import blp, client_page
from fieldtasks.i18n import N_, localized
from fieldtasks.jobs.webhooks import enqueue_deliveries
from fieldtasks.models import WEBHOOK_EVENTS, DeliveryStatus
from fieldtasks.services import api_keys, briefs, escrow, floor, payments, statements, webhooks

LISTED = 100
STATEMENT_LINES = 50
DELIVERY_WORDS = {
    DeliveryStatus.PENDING: N_("waiting to be sent"),
    DeliveryStatus.DELIVERED: N_("delivered"),
    DeliveryStatus.FAILED: N_("failed"),
}
NO_STORE = {"Cache-Control": "no-store"}  # a page showing a secret is kept by no cache
STATEMENT_WORDS = {  # the ledger kinds that move an organization's money
    payments.DEPOSIT: N_("Money added to the account"),
    payments.FUNDING: N_("Budget put in a campaign's escrow"),
    payments.REWARD: N_("Item paid to a worker"),
    payments.ELECTRICITY: N_("Electricity repaid to a worker"),
    briefs.BRIEFING: N_("Brief read by a worker, paid"),
    floor.TOPUP: N_("Top-up to the minimum hourly rate"),
    escrow.RELEASE: N_("Escrow not needed, back to the account"),
}


@blp.get("/integrations")
@client_page
def integrations(claims):
    return _integrations_page(claims.organization_id, secret=None)


def _integrations_page(organization_id: uuid.UUID, secret: dict | None):
    """The keys and webhooks; with the secret just created, shown this once."""
    with unit_of_work() as db:
        keys, _ = api_keys.list_api_keys(db, organization_id, cursor=None, limit=LISTED)
        hooks, _ = webhooks.list_webhooks(db, organization_id, cursor=None, limit=LISTED)
        page = render_template("portal/integrations.html", keys=keys, hooks=hooks, events=WEBHOOK_EVENTS, secret=secret)
    return page, 200, NO_STORE


@blp.post("/api-keys")
@client_page
@refusals_back_to("portal.integrations")
def new_api_key(claims):
    name = request.form.get("name", "").strip()[:100] or localized(N_("API key"))
    with unit_of_work() as db:
        api_key, key = api_keys.create_api_key(db, claims.organization_id, claims.user_id, name)
        shown = {"what": localized(N_("The API key %(name)s")) % {"name": api_key.name}, "value": key}
    return _integrations_page(claims.organization_id, shown)


@blp.post("/api-keys/<uuid:key_id>/revoke")
@client_page
@refusals_back_to("portal.integrations")
def revoke_api_key(claims, key_id: uuid.UUID):
    with unit_of_work() as db:
        api_keys.revoke_api_key(db, claims.organization_id, key_id, now=resources().clock())
    flash(localized(N_("Revoked: that key opens nothing any more.")))
    return redirect(url_for("portal.integrations"))


@blp.post("/webhooks")
@client_page
@refusals_back_to("portal.integrations")
def new_webhook(claims):
    events = [event for event in request.form.getlist("events") if event in WEBHOOK_EVENTS]
    if not events:
        flash(localized(N_("Choose at least one event.")))
        return redirect(url_for("portal.integrations"))
    res = resources()
    with unit_of_work() as db:
        hook, secret = webhooks.create_webhook(db, claims.organization_id, request.form.get("url", "").strip(), events,
                                               allow_private=res.config.webhook_allow_private)  # fmt: skip
        shown = {"what": localized(N_("The signing secret of %(url)s")) % {"url": hook.url}, "value": secret}
    return _integrations_page(claims.organization_id, shown)


@blp.post("/webhooks/<uuid:webhook_id>/disable")
@client_page
@refusals_back_to("portal.integrations")
def disable_webhook(claims, webhook_id: uuid.UUID):
    with unit_of_work() as db:
        webhooks.disable_webhook(db, claims.organization_id, webhook_id, now=resources().clock())
    flash(localized(N_("Stopped: no more events go to that address.")))
    return redirect(url_for("portal.integrations"))


@blp.get("/webhooks/<uuid:webhook_id>")
@client_page
def deliveries(claims, webhook_id: uuid.UUID):
    with unit_of_work() as db:
        hook = webhooks.organization_webhook(db, claims.organization_id, webhook_id)
        sent, _ = webhooks.list_deliveries(db, claims.organization_id, webhook_id, cursor=None, limit=LISTED)
        words = {status: localized(sentence) for status, sentence in DELIVERY_WORDS.items()}
        return render_template("portal/deliveries.html", hook=hook, deliveries=sent, words=words)


@blp.post("/webhooks/<uuid:webhook_id>/deliveries/<uuid:delivery_id>/redeliver")
@client_page
@refusals_back_to("portal.deliveries", "webhook_id")
def redeliver(claims, webhook_id: uuid.UUID, delivery_id: uuid.UUID):
    res = resources()
    with unit_of_work() as db:
        delivery = webhooks.redeliver(db, claims.organization_id, webhook_id, delivery_id, now=res.clock())
        delivery_id = delivery.id
    enqueue_deliveries(res.redis, [delivery_id])
    flash(localized(N_("Sent again.")))
    return redirect(url_for("portal.deliveries", webhook_id=webhook_id))


@blp.get("/account")
@client_page
def account(claims):
    """What the organization's account holds, what each campaign's escrow holds, and the latest lines."""
    with unit_of_work() as db:
        shown = statements.organization_account(db, claims.organization_id, cursor=None, limit=STATEMENT_LINES)
    words = {kind: localized(sentence) for kind, sentence in STATEMENT_WORDS.items()}
    return render_template("portal/account.html", account=shown, words=words)
