"""Setting a campaign up in the portal, step by step, each step kept in the draft: what it is (kind, title, the
purpose workers are shown, instructions, dates), its products by GTIN (checked as typed), its stores from a CSV or
GeoJSON file (every refused row shown with its line and reason), then the pay: the reward with the hourly pay it
makes against the minimum, the budget with what the account holds; and publish."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from fieldtasks.api import typed
from fieldtasks.api.campaign_schemas import CampaignCreateSchema, CampaignEditSchema
from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.page_sessions import refusals_back_to
from fieldtasks.api.portal import PORTAL_KINDS, blp, client_page
from fieldtasks.i18n import N_, localized
from fieldtasks.models import CampaignStatus
from fieldtasks.services import briefs, campaigns, statements, stores
from fieldtasks.services.floor import reward_meeting_floor

DEFAULT_WEEKS = 4  # a new campaign runs this long unless its dates are changed
PLACEHOLDER_REWARD_CENTS = 1  # a draft's reward until its pay step is saved (the pay page suggests a fair one)
FILE_TYPES = {".csv": "text/csv", ".geojson": "application/geo+json", ".json": "application/geo+json"}
BASIC_FIELDS = ("title", "purpose", "instructions")


@blp.route("/campaigns/new", methods=["GET", "POST"])
@client_page
def new_campaign(claims):
    """Step 1: what the campaign is. A draft is kept from here on: nothing is offered to workers before publishing."""
    res = resources()
    today = res.clock().astimezone(ZoneInfo("Europe/Paris")).date()
    if request.method == "GET":
        form = {"kind": PORTAL_KINDS[0], "starts": today.isoformat(),
                "ends": (today + timedelta(weeks=DEFAULT_WEEKS)).isoformat()}  # fmt: skip
        return render_template("portal/basics.html", form=form, errors={}, kinds=PORTAL_KINDS, campaign=None)
    form = request.form.to_dict()
    try:
        fields = CampaignCreateSchema().load({
            "kind": form.get("kind", ""), **{name: form.get(name, "") for name in BASIC_FIELDS},
            **_dates(form), "reward_cents": PLACEHOLDER_REWARD_CENTS, "budget_cents": 0,
        })  # fmt: skip
    except ValidationError as refused:
        return _basics_again(form, refused.messages, None)
    if fields["kind"] not in PORTAL_KINDS:
        return _basics_again(form, {"kind": [localized(N_("Scooter fleets are set up through the API."))]}, None)
    lists = {name: fields.pop(name) for name in ("stores", "products", "vehicles", "deploy_spots")}
    with unit_of_work() as db:
        campaign = campaigns.create_campaign(
            db, organization_id=claims.organization_id, user_id=claims.user_id, fields=fields, **lists
        )
        campaign_id = campaign.id
    flash(localized(N_("Draft saved: now the products to photograph.")))
    return redirect(url_for("portal.products", campaign_id=campaign_id))


@blp.route("/campaigns/<uuid:campaign_id>/edit", methods=["GET", "POST"])
@client_page
@refusals_back_to("portal.campaign_page", "campaign_id")
def edit_campaign(claims, campaign_id: uuid.UUID):
    """Step 1 again, for a draft or a paused campaign (the instructions changed: workers read them again, paid)."""
    with unit_of_work() as db:
        campaign = campaigns.get_campaign(db, claims.organization_id, campaign_id)
        if request.method == "GET":
            zone = ZoneInfo(campaign.timezone)
            form = {name: getattr(campaign, name) for name in BASIC_FIELDS} | {
                "kind": campaign.kind, "starts": campaign.starts_at.astimezone(zone).date().isoformat(),
                "ends": (campaign.ends_at.astimezone(zone) - timedelta(days=1)).date().isoformat(),
            }  # fmt: skip
            return render_template("portal/basics.html", form=form, errors={}, kinds=PORTAL_KINDS, campaign=campaign)
        form = request.form.to_dict()
        try:
            changes = CampaignEditSchema().load(
                {**{name: form.get(name, "") for name in BASIC_FIELDS}, **_dates(form, campaign.timezone)}
            )
        except ValidationError as refused:
            return _basics_again(form, refused.messages, campaign)
        campaigns.update_campaign(db, claims.organization_id, campaign_id, campaign.version, changes)
    flash(localized(N_("Saved.")))
    return redirect(url_for("portal.campaign_page", campaign_id=campaign_id))


def _basics_again(form: dict, errors: dict, campaign):
    flash(localized(N_("Some fields need another look.")))
    shown = {field: [localized(message) for message in messages] for field, messages in errors.items()
             if isinstance(messages, list)}  # fmt: skip
    page = render_template("portal/basics.html", form=form, errors=shown, kinds=PORTAL_KINDS, campaign=campaign)
    return page, 422


def _dates(form: dict, zone_name: str = "Europe/Paris") -> dict[str, str]:
    """The first and last days, in the campaign's zone: from the first day's midnight to the night after the last
    (a date that is not one is left for the schema to refuse)."""
    zone, dates = ZoneInfo(zone_name), {}
    for field, name, after in (("starts_at", "starts", 0), ("ends_at", "ends", 1)):
        try:
            day = datetime.fromisoformat(form.get(name, "")).date() + timedelta(days=after)
        except ValueError:
            dates[field] = form.get(name, "")
            continue
        dates[field] = datetime.combine(day, time(0), zone).isoformat()
    return dates


@blp.route("/campaigns/<uuid:campaign_id>/products", methods=["GET", "POST"])
@client_page
@refusals_back_to("portal.products", "campaign_id")
def products(claims, campaign_id: uuid.UUID):
    """Step 2: the products, one GTIN at a time (its check digit checked as it is typed, and again here)."""
    if request.method == "POST":
        product = {name: request.form.get(name, "").strip() for name in ("gtin", "name", "net_quantity")}
        if not product["name"]:
            product["name"] = product["gtin"]
        with unit_of_work() as db:
            report = campaigns.add_campaign_products(db, claims.organization_id, campaign_id,
                                                     [{k: v for k, v in product.items() if v}])  # fmt: skip
        if report.errors:
            flash(localized(N_("Not added: %(reason)s")) % {"reason": localized(report.errors[0].reason)})
        else:
            flash(localized(N_("Added: %(name)s.")) % {"name": product["name"]})
        return redirect(url_for("portal.products", campaign_id=campaign_id))
    with unit_of_work() as db:
        campaign = campaigns.get_campaign(db, claims.organization_id, campaign_id)
        listed = campaigns.campaign_products(db, claims.organization_id, campaign_id)
        return render_template("portal/products.html", campaign=campaign, products=listed)


@blp.route("/campaigns/<uuid:campaign_id>/stores", methods=["GET", "POST"])
@client_page
@refusals_back_to("portal.stores_page", "campaign_id")
def stores_page(claims, campaign_id: uuid.UUID):
    """Step 3: the stores, from a CSV or GeoJSON file; each refused row is shown with its line and reason."""
    report = None
    if request.method == "POST":
        upload = request.files.get("file")
        suffix = "." + (upload.filename or "").rsplit(".", 1)[-1].lower() if upload and upload.filename else ""
        if upload is None or suffix not in FILE_TYPES:
            flash(localized(N_("Choose a .csv or .geojson file.")))
            return redirect(url_for("portal.stores_page", campaign_id=campaign_id))
        with unit_of_work() as db:
            report = campaigns.import_stores(db, claims.organization_id, campaign_id, upload.read(), FILE_TYPES[suffix])
    with unit_of_work() as db:
        campaign = campaigns.get_campaign(db, claims.organization_id, campaign_id)
        listed, more = stores.list_stores(db, claims.organization_id, campaign_id, store_ref=None,
                                          now=resources().clock(), cursor=None, limit=500)  # fmt: skip
        page = render_template("portal/stores.html", campaign=campaign, stores=listed, more=more is not None,
                               report=report)  # fmt: skip
    return page, 200 if report is None or not report.errors else 422


@blp.route("/campaigns/<uuid:campaign_id>/pay", methods=["GET", "POST"])
@client_page
@refusals_back_to("portal.pay", "campaign_id")
def pay(claims, campaign_id: uuid.UUID):
    """Step 4: the reward per item, with the hourly pay it makes against the minimum (live as it is typed), and the
    budget, with what the account holds and what publishing needs. Publishing is this page's second button."""
    res = resources()
    if request.method == "POST":
        form = request.form
        try:
            changes = CampaignEditSchema().load({
                "reward_cents": typed.price_cents(form.get("reward", "")),
                "budget_cents": _cents_or_zero(form.get("budget", "")),
                "estimated_minutes": int(form.get("estimated_minutes") or 0) or None,
                "reading_minutes": int(form.get("reading_minutes") or 0),
            })  # fmt: skip
        except (ValueError, ValidationError):  # not a number, or out of the fields' ranges
            flash(localized(N_("Write amounts as 0,40 or 0.40, and minutes as whole numbers in the ranges shown.")))
            return redirect(url_for("portal.pay", campaign_id=campaign_id))
        with unit_of_work() as db:
            campaign = campaigns.get_campaign(db, claims.organization_id, campaign_id)
            campaigns.update_campaign(db, claims.organization_id, campaign_id, campaign.version, changes)
        flash(localized(N_("Pay and budget saved.")))
        return redirect(url_for("portal.pay", campaign_id=campaign_id))
    with unit_of_work() as db:
        campaign = campaigns.get_campaign(db, claims.organization_id, campaign_id)
        figures = _pay_figures(db, claims.organization_id, campaign, res.config.min_hourly_wage_cents)
        return render_template("portal/pay.html", campaign=campaign, figures=figures,
                               publishable=campaign.status in (CampaignStatus.DRAFT, CampaignStatus.PAUSED,
                                                               CampaignStatus.ACTIVE))  # fmt: skip


def _cents_or_zero(raw: str) -> int | None:
    """An amount typed in a form, where 0 is an answer (a budget not decided yet)."""
    return 0 if raw.strip() in ("0", "0,00", "0.00") else typed.price_cents(raw)


def _pay_figures(db, organization_id: uuid.UUID, campaign, wages) -> dict:
    """What the pay page computes from: items a task holds, stores, the minimum hourly pay and a reward meeting it,
    what a worker's reading of the brief costs, and what the account holds."""
    items = len(campaigns.campaign_products(db, organization_id, campaign.id))
    store_count = stores.count_stores(db, organization_id, campaign.id)
    wage = wages.get(campaign.currency)
    minutes = campaign.estimated_minutes
    fair = reward_meeting_floor(wage, minutes, items) if wage and minutes and items else None
    balances = statements.organization_balances(db, organization_id)["balances"]
    available = next((b["available_cents"] for b in balances if b["currency"] == campaign.currency), 0)
    placeholder = campaign.reward_cents == PLACEHOLDER_REWARD_CENTS
    reward = (fair or campaign.reward_cents) if placeholder else campaign.reward_cents
    return {
        "items": items, "stores": store_count, "wage": wage, "fair_reward": fair, "reward": reward,
        "briefing": briefs.briefing_pay_cents(campaign.reading_minutes, wage), "available": available,
    }  # fmt: skip
