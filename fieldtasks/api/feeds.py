"""What a retail client receives: the price feed (paged, CSV, NDJSON), stores as GeoJSON, photo links."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from flask import Response, jsonify, request, stream_with_context, url_for
from flask.views import MethodView

from fieldtasks.api.access import current_caller, public, roles
from fieldtasks.api.blueprint import BINARY_BODY, TEXT_BODY, Blueprint
from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.api.feed_schemas import (
    CSV_COLUMNS,
    GEOJSON_BODY,
    ChargePageSchema,
    ChargeQuerySchema,
    DisputeInSchema,
    DisputeSchema,
    FeedQuerySchema,
    GeoQuerySchema,
    PhotoLinkQuerySchema,
    PricePageSchema,
    ShelfCheckSchema,
    ShelfQuerySchema,
    charge_record,
    csv_row,
    price_record,
    shelf_record,
)
from fieldtasks.api.pages import as_page, page_args, page_of
from fieldtasks.errors import PermissionDeniedError
from fieldtasks.models import Role
from fieldtasks.services import disputes, feed, photos
from fieldtasks.storage import blurred_key, clean_key

blp = Blueprint("feeds", __name__, description="Verified prices for the client organization, with photo evidence.")

STREAMED = {"text/csv": "csv", "application/x-ndjson": "ndjson"}


def photo_url(photo_id, sha256: str, view: str = "clean") -> str:
    """A link that opens the photo's clean (or blurred) copy for PHOTO_LINK_MINUTES without signing in: presigned
    by the bucket on S3 (the bytes never pass through the API), signed by the service on a local folder."""
    res = resources()
    key = blurred_key(sha256) if view == "blurred" else clean_key(sha256)
    direct = res.storage.link(key, int(res.photo_links.ttl.total_seconds()))
    if direct is not None:
        return direct
    expires, signature = res.photo_links.sign(photo_id, now=res.clock(), view=view)
    extra = {"view": view} if view != "clean" else {}
    return url_for("feeds.PhotoFile", photo_id=photo_id, expires=expires, signature=signature, _external=True, **extra)


def _asked_for_stream() -> str | None:
    """csv or ndjson only when the Accept header names one outright, and prefers it to JSON: `*/*` (curl,
    requests, browsers) gets the JSON page, which honours `limit` and `cursor`."""
    accept = request.accept_mimetypes
    named = [(accept[mimetype], mimetype) for mimetype in STREAMED if any(m == mimetype for m, _ in accept)]
    if not named:
        return None
    quality, mimetype = max(named)
    json_quality = max((q for m, q in accept if m == "application/json"), default=0)
    return STREAMED[mimetype] if quality > json_quality else None


def _filter(query: dict) -> feed.FeedFilter:
    return feed.FeedFilter(
        campaign_id=query.get("campaign"),
        store_id=query.get("store"),
        store_ref=query.get("store_ref"),
        gtin=query.get("gtin"),
        since=query.get("since"),
        until=query.get("until"),
        verified_by=query.get("verified_by"),
        availability=query.get("availability"),
    )


FEED_200 = "A page of prices (JSON); every row as CSV (format=csv or Accept: text/csv) or NDJSON (format=ndjson)"


@blp.route("/feeds/prices")
class PriceFeed(MethodView):
    @roles(Role.CLIENT, api_keys=True)
    @blp.arguments(FeedQuerySchema, location="query")
    @blp.response(200, PricePageSchema, content_type="application/json", description=FEED_200)
    @blp.alt_response(200, schema=TEXT_BODY, content_type="text/csv", success=True, description=FEED_200)
    @blp.alt_response(200, schema=TEXT_BODY, content_type="application/x-ndjson", success=True, description=FEED_200)
    def get(self, query):
        """My organization's verified prices, oldest first: a page (with a cursor), or every row as CSV/NDJSON"""
        organization_id, where = current_caller().organization_id, _filter(query)
        chosen = query.get("format") or _asked_for_stream()
        if chosen in ("csv", "ndjson"):
            return price_stream(chosen, organization_id, where)
        with unit_of_work() as session:
            rows, cursor = feed.price_page(session, organization_id, where, query.get("cursor"), query["limit"])
        # Records are written by hand (price_record): the streams share them, and a schema dump costs more.
        return jsonify(as_page([price_record(row, photo_url(row.photo_id, row.photo_sha256)) for row in rows], cursor))


def price_stream(chosen: str, organization_id, where: feed.FeedFilter) -> Response:
    """Every row `where` keeps, as CSV or NDJSON, streamed (the API's feed and the portal's downloads)."""
    lines = _csv_lines if chosen == "csv" else _ndjson_lines
    mimetype = "text/csv" if chosen == "csv" else "application/x-ndjson"
    return Response(stream_with_context(lines(organization_id, where)), mimetype=mimetype)


def _records(organization_id, where) -> Iterator[dict]:
    with unit_of_work() as session:
        for row in feed.stream_prices(session, organization_id, where):
            yield price_record(row, photo_url(row.photo_id, row.photo_sha256))


def _csv_lines(organization_id, where) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for count, record in enumerate(_records(organization_id, where), start=1):
        writer.writerow(csv_row(record))
        if count % feed.STREAM_BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _ndjson_lines(organization_id, where) -> Iterator[str]:
    for record in _records(organization_id, where):
        yield json.dumps(record, ensure_ascii=False) + "\n"


@blp.route("/feeds/prices/<uuid:price_id>/dispute")
class PriceDispute(MethodView):
    @roles(Role.CLIENT, api_keys=True)
    @blp.arguments(DisputeInSchema)
    @blp.response(201, DisputeSchema, description="The dispute, opened now")
    @blp.alt_response(200, schema=DisputeSchema, success=True, description="The dispute already open for this row")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(
        409, response="CONFLICT", description="`dispute_decided` (a moderator settled this row's dispute) or "
        "`case_open` (the item is in review or under appeal)",
    )  # fmt: skip
    def post(self, data, price_id):
        """Flag a price in my feed as wrong: a moderator checks it on the photo and upholds, corrects or withdraws
        it; the row says `dispute_status` meanwhile. The worker keeps the pay earned in good faith"""
        res, caller = resources(), current_caller()
        with unit_of_work() as session:
            dispute, opened = disputes.dispute_price(
                session, caller.organization_id, price_id, data["comment"], actor_id=caller.user_id,
                now=res.clock(), decision_hours=res.config.appeal_decision_hours,
            )  # fmt: skip
        return dispute, 201 if opened else 200


@blp.route("/feeds/stores")
class StoresGeoJson(MethodView):
    @roles(Role.CLIENT, api_keys=True)
    @blp.arguments(GeoQuerySchema, location="query")
    @blp.response(
        200, GEOJSON_BODY, content_type="application/geo+json", description="A FeatureCollection of store Points"
    )
    def get(self, query):
        """My stores with the latest verified price of each product, as GeoJSON"""
        body = stores_geojson(current_caller().organization_id, feed.FeedFilter(campaign_id=query.get("campaign")))
        return Response(body, mimetype="application/geo+json")


def stores_geojson(organization_id, where: feed.FeedFilter) -> str:
    """A FeatureCollection of the stores, each with the latest price of each product `where` keeps (the API's
    /feeds/stores and the portal's download)."""
    with unit_of_work() as session:
        rows = feed.latest_prices_by_store(session, organization_id, where)
    features: dict[str, dict] = {}
    for row in rows:
        feature = features.setdefault(
            str(row.store_id),
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
                "properties": {
                    "store_id": str(row.store_id),
                    "store_ref": row.store_ref,
                    "name": row.store_name,
                    "osm_type": row.osm_type,
                    "osm_id": row.osm_id,
                    "prices": [],
                },
            },
        )
        record = price_record(row, photo_url(row.photo_id, row.photo_sha256))
        feature["properties"]["prices"].append({k: v for k, v in record.items() if k not in ("store",)})
    return json.dumps({"type": "FeatureCollection", "features": list(features.values())}, ensure_ascii=False)


@blp.route("/feeds/charges")
class ChargeFeed(MethodView):
    @roles(Role.CLIENT, api_keys=True)
    @blp.arguments(ChargeQuerySchema, location="query")
    @blp.response(200, ChargePageSchema)
    def get(self, query):
        """Scooter campaigns: each charge that checked out, in the order it did (vehicle, pickup, drop-off spot
        and time, on time or late, battery when the fleet gave it); a page with a cursor"""
        with unit_of_work() as session:
            rows, cursor = feed.charges_page(
                session, current_caller().organization_id, query.get("campaign"), query.get("cursor"), query["limit"]
            )
            return as_page([charge_record(row) for row in rows], cursor)


@blp.route("/feeds/shelf")
class ShelfFeed(MethodView):
    @roles(Role.CLIENT, api_keys=True)
    @blp.arguments(ShelfQuerySchema, location="query")
    @blp.response(200, page_of(ShelfCheckSchema))
    def get(self, query):
        """Placement campaigns: per store and product, whether it was on the shelf at the latest check, and when; by
        store, a page at a time"""
        with unit_of_work() as session:
            rows, cursor = feed.shelf_page(
                session, current_caller().organization_id, query.get("campaign"), **page_args(query)
            )
            checks = [shelf_record(row, row.photo_id and photo_url(row.photo_id, row.photo_sha256)) for row in rows]
            return as_page(checks, cursor)


@blp.route("/photos/<uuid:photo_id>/clean")
class PhotoFile(MethodView):
    @public
    @blp.arguments(PhotoLinkQuerySchema, location="query")
    @blp.response(200, BINARY_BODY, content_type="image/jpeg", description="The photo without its EXIF metadata")
    @blp.alt_response(403, response="FORBIDDEN", description="`invalid_link` or `link_expired`")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, link, photo_id):
        """A photo behind a link from the feed (no sign-in: the link is signed and expires)"""
        res = resources()
        view = link["view"]
        if not res.photo_links.is_valid(photo_id, link["expires"], link["signature"], now=res.clock(), view=view):
            raise PermissionDeniedError(
                "This photo link is invalid or has expired; fetch the feed again.", code="invalid_link"
            )
        with unit_of_work() as session:
            data = photos.clean_copy(session, res.storage, photo_id, blurred=view == "blurred")
        return Response(data, mimetype="image/jpeg", headers={"Cache-Control": "private, max-age=600"})
