"""The clients' portal at /portal: pages for the people at a retailer who are not developers (the pricing analyst,
the category manager) over the same services as the API. Signed in like the console (the token stays in the
session cookie). Here: signing in and up, the campaigns, one campaign's progress with its stores on a map (a table
when no tile loads), publish, pause and close. Setting a campaign up is in portal_setup, prices in portal_prices,
integrations and the account in portal_account."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException

from fieldtasks.api.access import public
from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.errors import status_of
from fieldtasks.api.page_sessions import (
    end_session,
    language_switch,
    page_time,
    protect,
    refusals_back_to,
    sign_in_page,
    sign_up_page,
    signed_in_page,
)
from fieldtasks.api.tile_map import fitted_map, tile_origin
from fieldtasks.api.typed import money
from fieldtasks.errors import DomainError
from fieldtasks.i18n import N_, localized
from fieldtasks.models import CampaignKind, CampaignStatus, Role, TaskStatus
from fieldtasks.services import campaigns, progress, publishing, questions, statements, stores, track_records, voice

blp = Blueprint("portal", __name__, url_prefix="/portal", template_folder="../templates")
LANGUAGES = (("fr", "Français"), ("en", "English"))
CAMPAIGNS_SHOWN = 100
STORES_SHOWN = 500  # a campaign's stores on its page; the API pages through more
COMMENTS_SHOWN = 20
QUESTIONS_SHOWN = 50
PORTAL_KINDS = (CampaignKind.SHELF_PRICE, CampaignKind.PRODUCT_PLACEMENT)  # scooter fleets: through the API

client_page = signed_in_page(Role.CLIENT, "portal.sign_in", N_("The portal is for clients."))

KIND_WORDS = {
    CampaignKind.SHELF_PRICE: N_("Shelf prices"),
    CampaignKind.PRODUCT_PLACEMENT: N_("Product placement"),
    CampaignKind.SCOOTER_RECHARGE: N_("Scooter recharge"),
}
STATUS_WORDS = {
    CampaignStatus.DRAFT: N_("Draft"),
    CampaignStatus.ACTIVE: N_("Published"),
    CampaignStatus.PAUSED: N_("Paused"),
    CampaignStatus.CLOSED: N_("Closed"),
}
TASK_WORDS = {
    TaskStatus.OPEN: N_("Open"),
    TaskStatus.CLAIMED: N_("Claimed"),
    TaskStatus.SUBMITTED: N_("Handed in"),
    TaskStatus.CANCELLED: N_("Cancelled"),
    "none": N_("Not published yet"),
}


protect(blp, images=lambda: tile_origin(resources().config.map_tile_url))


@blp.context_processor
def page_helpers() -> dict[str, Any]:
    return {
        "money": money, "when": page_time, "say": localized, "csrf": session.get("csrf"), "languages": LANGUAGES,
        "kind_words": _localized(KIND_WORDS), "status_words": _localized(STATUS_WORDS),
        "task_words": _localized(TASK_WORDS),
    }  # fmt: skip


def _localized(words: dict) -> dict:
    return {key: localized(sentence) for key, sentence in words.items()}


@blp.errorhandler(DomainError)
def domain_error(error: DomainError):
    """A refusal is a page in words, never the API's JSON."""
    return render_template("portal/error.html", message=localized(error.message)), status_of(error)


@blp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    return render_template("portal/error.html", message=error.description or error.name), error.code or 500


@blp.get("/language/<code>")
@public
def language(code: str):
    """The portal's language switch (the browser's language until then), then back to the page it was chosen on."""
    return language_switch(code, LANGUAGES, "/portal", "portal.campaigns_page")


@blp.route("/login", methods=["GET", "POST"])
@public
def sign_in():
    return sign_in_page("portal/login.html", "portal", "portal.campaigns_page")


@blp.route("/signup", methods=["GET", "POST"])
@public
def sign_up():
    """A client's account: a new organization, or one joined with its invitation code; signed in at once."""
    form = request.form
    return sign_up_page(
        "portal/signup.html", Role.CLIENT, "portal.campaigns_page",
        organization_name=form.get("organization_name", "").strip() or None,
        invitation_code=form.get("invitation_code", "").strip() or None,
    )  # fmt: skip


@blp.post("/logout")
@public
def sign_out():
    return end_session("portal.sign_in")


@blp.get("")
@client_page
def campaigns_page(claims):
    """The organization's campaigns, newest first, what its account holds, and its track record as workers read it."""
    res = resources()
    with unit_of_work() as db:
        listed, _ = campaigns.list_campaigns(db, claims.organization_id, cursor=None, limit=CAMPAIGNS_SHOWN)
        account = statements.organization_balances(db, claims.organization_id)
        record = track_records.client_record(db, claims.organization_id, now=res.clock(),
                                             wages=res.config.min_hourly_wage_cents)  # fmt: skip
    return render_template("portal/campaigns.html", campaigns=listed, balances=account["balances"], record=record)


@blp.get("/campaigns/<uuid:campaign_id>")
@client_page
def campaign_page(claims, campaign_id: uuid.UUID):
    """One campaign: what is left to set up (a draft), its progress, its stores by status on a map and in a table,
    the workers' ratings, and what can be done with it now."""
    res = resources()
    with unit_of_work() as db:
        campaign = campaigns.get_campaign(db, claims.organization_id, campaign_id)
        now, wages = res.clock(), res.config.min_hourly_wage_cents
        shown = progress.campaign_progress(db, claims.organization_id, campaign_id, now=now, wages=wages)
        listed, more = stores.list_stores(
            db, claims.organization_id, campaign_id, store_ref=None, now=now, cursor=None, limit=STORES_SHOWN
        )
        ratings = voice.campaign_ratings(db, claims.organization_id, campaign_id, cursor=None, limit=COMMENTS_SHOWN)
        asked, _ = questions.list_questions(
            db, campaign_id, organization_id=claims.organization_id, cursor=None, limit=QUESTIONS_SHOWN
        )
        product_count = len(campaigns.campaign_products(db, claims.organization_id, campaign_id))
    places = [(store["lat"], store["lon"]) for store in listed]
    shown_map = fitted_map(res.config.map_tile_url, places) if places and res.config.map_tile_url else None
    return render_template(
        "portal/campaign.html", campaign=campaign, progress=shown, stores=listed, more_stores=more is not None,
        map=shown_map, ratings=ratings, product_count=product_count, questions=asked,
    )  # fmt: skip


@blp.post("/campaigns/<uuid:campaign_id>/publish")
@client_page
@refusals_back_to("portal.pay", "campaign_id")
def publish(claims, campaign_id: uuid.UUID):
    """Publish (or publish again after adding stores or products, or after a pause): the budget goes to escrow."""
    res = resources()
    with unit_of_work() as db:
        published = publishing.publish_campaign(
            db, claims.organization_id, campaign_id, now=res.clock(), wages=res.config.min_hourly_wage_cents,
            accept_floor_top_up=request.form.get("accept_floor_top_up") == "1",
        )  # fmt: skip
    flash(localized(N_("Published: %(tasks)s tasks, %(items)s items offered to workers.")) % {
        "tasks": published.task_count, "items": published.item_count})  # fmt: skip
    return redirect(url_for("portal.campaign_page", campaign_id=campaign_id))


@blp.post("/campaigns/<uuid:campaign_id>/questions/<uuid:question_id>/answer")
@client_page
@refusals_back_to("portal.campaign_page", "campaign_id")
def answer(claims, campaign_id: uuid.UUID, question_id: uuid.UUID):
    """The answer to a worker's question, shown to every worker under the brief (a new version of it, paid)."""
    text = request.form.get("answer", "").strip()
    if not 1 <= len(text) <= 4000:
        flash(localized(N_("Write the answer in 1 to 4000 characters.")))
    else:
        with unit_of_work() as db:
            questions.answer(db, claims.organization_id, campaign_id, question_id, text, user_id=claims.user_id,
                             now=resources().clock())  # fmt: skip
        flash(localized(N_("Answered: every worker reads it under the instructions.")))
    return redirect(url_for("portal.campaign_page", campaign_id=campaign_id, _anchor="questions"))


@blp.post("/campaigns/<uuid:campaign_id>/pause")
@client_page
@refusals_back_to("portal.campaign_page", "campaign_id")
def pause(claims, campaign_id: uuid.UUID):
    with unit_of_work() as db:
        publishing.pause_campaign(db, claims.organization_id, campaign_id)
    flash(localized(N_("Paused: no new task is offered; work under way goes on.")))
    return redirect(url_for("portal.campaign_page", campaign_id=campaign_id))


@blp.post("/campaigns/<uuid:campaign_id>/close")
@client_page
@refusals_back_to("portal.campaign_page", "campaign_id")
def close(claims, campaign_id: uuid.UUID):
    with unit_of_work() as db:
        publishing.close_campaign(db, claims.organization_id, campaign_id, now=resources().clock())
    flash(localized(N_("Closed: what the escrow does not owe workers goes back to your account.")))
    return redirect(url_for("portal.campaign_page", campaign_id=campaign_id))
