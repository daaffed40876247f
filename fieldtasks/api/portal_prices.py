"""The portal's prices: the latest price of each product in each store, filtered (campaign, store, product, dates,
verified by the machine or a moderator, availability), the proof photo of each, a chart of one product's price over
time across stores, the API's exports (CSV, NDJSON, GeoJSON) as downloads, and a price flagged as wrong."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for

from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.feeds import photo_url, price_stream, stores_geojson
from fieldtasks.api.page_sessions import refusals_back_to
from fieldtasks.api.portal import blp, client_page
from fieldtasks.api.price_chart import Point, legend, price_chart
from fieldtasks.i18n import N_, localized
from fieldtasks.models import Availability, VerifiedBy
from fieldtasks.services import campaigns, disputes, feed

ROWS_SHOWN = 500  # latest prices in the table; the downloads hold every row
CHART_POINTS = 2000
CHOICES = 1000
EXPORTS = {"csv": "text/csv", "ndjson": "application/x-ndjson", "geojson": "application/geo+json"}
FILTERS = ("campaign", "store", "gtin", "since", "until", "verified_by", "availability")
VERIFIED_WORDS = {VerifiedBy.AUTO: N_("by the machine"), VerifiedBy.MODERATOR: N_("by a moderator")}
AVAILABILITY_WORDS = {Availability.IN_STOCK: N_("on the shelf"), Availability.ABSENT: N_("missing")}


def _chosen() -> dict[str, str]:
    return {name: request.args.get(name, "").strip() for name in FILTERS}


def _filter(chosen: dict[str, str]) -> feed.FeedFilter:
    """The page's filters as the feed's; a value no form offers is a 400."""
    try:
        return feed.FeedFilter(
            campaign_id=uuid.UUID(chosen["campaign"]) if chosen["campaign"] else None,
            store_id=uuid.UUID(chosen["store"]) if chosen["store"] else None,
            gtin=chosen["gtin"] or None,
            since=_day(chosen["since"]),
            until=_day(chosen["until"], after=True),
            verified_by=VerifiedBy(chosen["verified_by"]) if chosen["verified_by"] else None,
            availability=Availability(chosen["availability"]) if chosen["availability"] else None,
        )
    except ValueError:
        abort(400, description=localized(N_("One of the filters is not one the page offers.")))


def _day(raw: str, after: bool = False) -> datetime | None:
    """A date from the form as the start of that day in UTC, or of the next one for an end date (included)."""
    if not raw:
        return None
    day = datetime.fromisoformat(raw).date() + timedelta(days=1 if after else 0)
    return datetime.combine(day, time(0), UTC)


@blp.get("/prices")
@client_page
def prices(claims):
    chosen = _chosen()
    where = _filter(chosen)
    with unit_of_work() as db:
        rows = feed.latest_prices_by_store(db, claims.organization_id, where, limit=ROWS_SHOWN + 1)
        choices = feed.price_choices(db, claims.organization_id, CHOICES)
        listed, _ = campaigns.list_campaigns(db, claims.organization_id, cursor=None, limit=CHOICES)
        history = feed.price_history(db, claims.organization_id, where, CHART_POINTS) if where.gtin else []
    series: dict[str, list[Point]] = defaultdict(list)
    for row in history:
        series[row.store_name].append(Point(row.observed_at, row.price_cents))
    product = next((name for gtin, name in choices["products"] if gtin == where.gtin), where.gtin)
    title = localized(N_("%(product)s: price over time, by store")) % {"product": product}
    chart = price_chart(series, currency=history[0].currency if history else "", title=title)
    return render_template(
        "portal/prices.html", rows=rows[:ROWS_SHOWN], more=len(rows) > ROWS_SHOWN, chosen=chosen, choices=choices,
        campaigns=[(str(c.id), c.title) for c in listed], chart=chart, legend=legend(series), history=history,
        verified_words={k: localized(v) for k, v in VERIFIED_WORDS.items()},
        availability_words={k: localized(v) for k, v in AVAILABILITY_WORDS.items()},
        query={name: value for name, value in chosen.items() if value},
    )  # fmt: skip


@blp.get("/prices/export.<fmt>")
@client_page
def export(claims, fmt: str):
    """The page's filters, every row, as a file: CSV or NDJSON (the feed's rows), GeoJSON (the stores, each with
    the latest price of each product)."""
    if fmt not in EXPORTS:
        abort(404)
    where = _filter(_chosen())
    if fmt == "geojson":
        response = Response(stores_geojson(claims.organization_id, where), mimetype=EXPORTS[fmt])
    else:
        response = price_stream(fmt, claims.organization_id, where)
    response.headers["Content-Disposition"] = f'attachment; filename="fieldtasks-prices.{fmt}"'
    return response


@blp.get("/prices/<uuid:price_id>/photo")
@client_page
def proof_photo(claims, price_id: uuid.UUID):
    """The photo behind a price: a fresh signed link each time it is opened (links expire)."""
    with unit_of_work() as db:
        row = feed.one_price(db, claims.organization_id, price_id)
    if row is None or row.photo_id is None:
        abort(404, description=localized(N_("No photo for this price.")))
    return redirect(photo_url(row.photo_id, row.photo_sha256))


@blp.post("/prices/<uuid:price_id>/dispute")
@client_page
@refusals_back_to("portal.prices")
def dispute(claims, price_id: uuid.UUID):
    """Flag a price as wrong, saying why: a moderator checks it on the photo; the worker keeps what they earned."""
    comment = request.form.get("comment", "").strip()
    if not comment:
        flash(localized(N_("Say what is wrong with this price.")))
        return redirect(_back())
    res = resources()
    with unit_of_work() as db:
        disputes.dispute_price(
            db, claims.organization_id, price_id, comment[:2000], actor_id=claims.user_id, now=res.clock(),
            decision_hours=res.config.appeal_decision_hours,
        )  # fmt: skip
    flash(localized(N_("Flagged: a moderator checks this price on its photo.")))
    return redirect(_back())


def _back() -> str:
    """Back to the prices page with the filters it was sent from."""
    query: dict[str, Any] = {name: request.form.get(name) for name in FILTERS if request.form.get(name)}
    return url_for("portal.prices", **query)
