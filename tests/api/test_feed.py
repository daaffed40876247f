"""The client feed: only the caller's organization, a cursor that survives new rows, CSV and NDJSON
streams, signed photo links, stores as GeoJSON, and a campaign's progress."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, timedelta

import pytest
from PIL import Image

from fieldtasks.api.context import EXTENSION
from fieldtasks.api.feed_schemas import spreadsheet_safe
from tests.fieldwork import PARIS, new_client, new_worker, published_campaign
from tests.helpers import open_link
from tests.verification import ONE_PRODUCT, hand_in, label_photo, read_photo, stores_campaign


def verified(client, campaign: dict, price_cents: int, seed: int) -> None:
    handed_in = hand_in(client, label_photo(price_cents=price_cents, seed=seed), campaign)
    assert read_photo(client, handed_in) == "done"


def test_the_feed_pages_with_a_cursor_that_survives_new_rows_and_shows_one_tenant_only(client):
    mine = stores_campaign(client, 4)
    theirs = stores_campaign(client, 1)
    for seed, price in enumerate((349, 359, 339)):
        verified(client, mine, price, seed)
    verified(client, theirs, 999, 7)
    headers = mine["headers"]
    first = client.get("/feeds/prices", query_string={"limit": 2}, headers=headers)
    assert first.status_code == 200
    assert [p["price_cents"] for p in first.json["items"]] == [349, 359]
    record = first.json["items"][0]
    assert record["store"]["name"] == "Store 0" and record["product"]["gtin"] == "3017620422003"
    assert record["verified_by"] == "auto" and record["currency"] == "EUR"
    second = client.get("/feeds/prices", query_string={"cursor": first.json["next_cursor"]}, headers=headers).json
    assert [p["price_cents"] for p in second["items"]] == [339]
    verified(client, mine, 345, 9)  # arrives later: after the cursor, never before it
    third = client.get("/feeds/prices", query_string={"cursor": second["next_cursor"]}, headers=headers).json
    assert [p["price_cents"] for p in third["items"]] == [345]
    everything = client.get("/feeds/prices", headers=theirs["headers"]).json["items"]
    assert [p["price_cents"] for p in everything] == [999]


def test_feed_filters(client):
    campaign = stores_campaign(client, 2)
    verified(client, campaign, 349, 1)
    headers = campaign["headers"]

    def prices(**query):
        response = client.get("/feeds/prices", query_string=query, headers=headers)
        assert response.status_code == 200, response.json
        return [p["price_cents"] for p in response.json["items"]]

    assert prices(gtin="3017620422003", verified_by="auto", campaign=campaign["id"]) == [349]
    assert prices(verified_by="moderator") == []
    assert prices(gtin="3068320114453") == []
    assert prices(since="2999-01-01T00:00:00+00:00") == []
    today = client.application.extensions[EXTENSION].clock().astimezone(UTC).date()
    day = timedelta(days=1)
    assert prices(since=today.isoformat(), until=today.isoformat()) == [349]  # a day given to until includes it
    assert prices(until=(today - day).isoformat()) == prices(since=(today + day).isoformat()) == []
    assert prices(since="0001-01-01", until="9999-12-31") == [349]
    bad_day = client.get("/feeds/prices", query_string={"since": "2026-02-30"}, headers=headers)
    assert bad_day.status_code == 422 and "YYYY-MM-DD" in bad_day.json["errors"]["query"]["since"][0]
    refused = client.get("/feeds/prices", query_string={"cursor": "bm9wZQ", "status": "x"}, headers=headers)
    assert refused.status_code == 422


@pytest.mark.both_storages  # the feed with photos in a bucket too
def test_the_feed_streams_as_csv_and_ndjson(client):
    campaign = stores_campaign(client, 2)
    verified(client, campaign, 349, 2)
    verified(client, campaign, 359, 3)
    headers = campaign["headers"]
    as_csv = client.get("/feeds/prices", query_string={"format": "csv"}, headers=headers)
    assert as_csv.status_code == 200 and as_csv.mimetype == "text/csv" and as_csv.is_streamed
    rows = list(csv.DictReader(io.StringIO(as_csv.get_data(as_text=True))))
    assert [row["price_cents"] for row in rows] == ["349", "359"]
    assert rows[0]["store_name"] == "Store 0" and rows[0]["gtin"] == "3017620422003"
    for anything in ("*/*", "text/*", "application/json, */*;q=0.5", "text/csv;q=0.5, application/json"):
        page = client.get("/feeds/prices", query_string={"limit": 1}, headers={**headers, "Accept": anything})
        assert page.mimetype == "application/json" and len(page.json["items"]) == 1, anything
    asked = client.get("/feeds/prices", headers={**headers, "Accept": "text/csv"})
    assert asked.mimetype == "text/csv"
    as_ndjson = client.get("/feeds/prices", headers={**headers, "Accept": "application/x-ndjson"})
    assert as_ndjson.mimetype == "application/x-ndjson"
    lines = [json.loads(line) for line in as_ndjson.get_data(as_text=True).splitlines()]
    assert [line["price_cents"] for line in lines] == [349, 359]


def test_a_name_a_spreadsheet_would_run_as_a_formula_is_exported_as_text(client):
    store = {"name": '=HYPERLINK("http://evil.test","Click")', "lat": PARIS[0], "lon": PARIS[1]}
    product = {"gtin": "3017620422003", "name": "@SUM(1+1)", "net_quantity": "400 g"}
    campaign = published_campaign(client, stores=[store], products=[product])
    assert read_photo(client, hand_in(client, label_photo(price_cents=349, seed=5), campaign)) == "done"
    exported = client.get("/feeds/prices", query_string={"format": "csv"}, headers=campaign["headers"])
    [row] = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert row["store_name"] == "'" + store["name"] and row["product_name"] == "'@SUM(1+1)"
    assert [spreadsheet_safe(v) for v in (-1.5, "-1", "\tx", "a=b")] == [-1.5, "'-1", "'\tx", "a=b"]


@pytest.mark.both_storages  # the feed with photos in a bucket too
def test_photo_links_open_the_exif_free_copy_until_they_expire(client, clock, storage_backend):
    campaign = stores_campaign(client, 1)
    verified(client, campaign, 349, 4)
    url = client.get("/feeds/prices", headers=campaign["headers"]).json["items"][0]["photo_url"]
    status, media_type, data = open_link(client, url)  # no sign-in needed
    assert (status, media_type) == (200, "image/jpeg")
    assert not Image.open(io.BytesIO(data)).getexif()
    assert open_link(client, f"{url[:-1]}{'0' if url[-1] != '0' else '1'}")[0] == 403  # tampered
    if storage_backend == "s3":  # presigned by the bucket (SigV4), for as long as the service's own links last
        assert "X-Amz-Signature=" in url and "X-Amz-Expires=3600" in url
    else:
        clock.advance(minutes=61)
        assert open_link(client, url)[0] == 403


@pytest.mark.both_storages  # the feed with photos in a bucket too
def test_stores_come_as_geojson_with_their_latest_prices(client):
    campaign = stores_campaign(client, 2)
    verified(client, campaign, 349, 5)
    response = client.get("/feeds/stores", headers=campaign["headers"])
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    features = response.json["features"]
    assert len(features) == 1 and features[0]["geometry"]["type"] == "Point"
    assert features[0]["properties"]["prices"][0]["price_cents"] == 349


def test_campaign_progress_counts_tasks_items_money_and_coverage(client):
    campaign = stores_campaign(client, 4)
    verified(client, campaign, 349, 6)
    progress = client.get(f"/campaigns/{campaign['id']}/progress", headers=campaign["headers"])
    assert progress.status_code == 200
    body = progress.json
    assert body["tasks"] == {"open": 3, "claimed": 0, "submitted": 1, "cancelled": 0}
    assert body["items"] == {"total": 4, "verified": 1, "in_review": 0, "rejected": 0, "not_found": 0}
    assert body["budget"]["spent_cents"] == 40 and body["budget"]["left_cents"] == 100_000 - 40
    assert body["stores_covered_share"] == 0.25
    other = client.get(f"/campaigns/{campaign['id']}/progress", headers=new_client(client))
    assert other.status_code == 404


def test_only_clients_read_feeds(client):
    assert client.get("/feeds/prices").status_code == 401
    assert client.get("/feeds/prices", headers=new_worker(client)).status_code == 403


def test_the_feeds_carry_the_clients_store_ref_and_filter_on_it(client):
    stores = [
        {"name": "Monoprix Rivoli", "lat": PARIS[0], "lon": PARIS[1], "store_ref": "MPX-0142", "osm_type": "NODE",
         "osm_id": 2891623105},
        {"name": "Franprix Marais", "lat": PARIS[0] + 1e-4, "lon": PARIS[1]},
    ]  # fmt: skip
    campaign = published_campaign(client, stores=stores, products=ONE_PRODUCT)
    verified(client, campaign, 349, 1)
    headers = campaign["headers"]
    [record] = client.get("/feeds/prices", query_string={"store_ref": "MPX-0142"}, headers=headers).json["items"]
    assert record["store"] | {"id": None, "lat": None, "lon": None} == {
        "id": None, "store_ref": "MPX-0142", "name": "Monoprix Rivoli", "lat": None, "lon": None, "osm_type": "NODE",
        "osm_id": 2891623105}  # fmt: skip
    assert client.get("/feeds/prices", query_string={"store_ref": "FPX-1"}, headers=headers).json["items"] == []
    exported = client.get("/feeds/prices", query_string={"format": "csv"}, headers=headers).get_data(as_text=True)
    [row] = csv.DictReader(io.StringIO(exported))
    assert (row["store_ref"], row["osm_type"], row["osm_id"]) == ("MPX-0142", "NODE", "2891623105")
    [feature] = client.get("/feeds/stores", headers=headers).json["features"]
    assert feature["properties"]["store_ref"] == "MPX-0142"
