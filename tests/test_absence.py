"""Out of stock is a finding with evidence: a photo of the empty place, read like any other, confirmed by a
moderator, and fed to the client as `availability: absent`; without such a photo it is not paid."""

from __future__ import annotations

import csv
import io
import uuid

from sqlalchemy import text

from tests.fieldwork import EVIAN, HERE, NUTELLA, fresh_fix, new_client, published_campaign, upload
from tests.helpers import bearer, register, sign_in
from tests.test_proof_photos import case_of, hand_in_photos
from tests.verification import earnings, label_photo, stores_campaign

ABSENT = {"absent": "true"}


def test_a_missing_product_reported_with_its_empty_place_goes_to_a_moderator_then_to_the_feed(
    client, staff, connection
):
    headers = new_client(client)
    campaign = stores_campaign(client, 1, headers)
    empty_place = label_photo(price_cents=349, seed=11)  # the product's label, nothing above it
    worker, item_id, (photo_id,) = hand_in_photos(client, campaign, [(empty_place, ABSENT)])
    item = connection.execute(text("SELECT status, verdict, reasons FROM task_items WHERE id = :i"), {"i": item_id})
    status, verdict, reasons = item.one()
    assert (status, verdict, [r["code"] for r in reasons]) == ("not_found", "needs_review", ["not_found"])
    assert connection.execute(text("SELECT stage FROM photos")).scalar() == "absence"
    mod = bearer(sign_in(client, staff("moderator")))
    case = client.get(f"/moderation/cases/{case_of(client, mod, item_id)}", headers=mod).json
    assert [photo["id"] for photo in case["photos"]] == [photo_id]  # what the worker saw
    decided = client.post(f"/moderation/cases/{case['id']}/decision", json={"outcome": "approve"}, headers=mod)
    assert decided.status_code == 200, decided.json
    feed = client.get("/feeds/prices", headers=headers).json["items"]
    assert [(row["availability"], row["price_cents"]) for row in feed] == [("absent", None)]
    assert f"/photos/{photo_id}/clean" in feed[0]["photo_url"]
    assert client.get("/feeds/prices", query_string={"availability": "in_stock"}, headers=headers).json["items"] == []
    exported = client.get("/feeds/prices", query_string={"format": "csv"}, headers=headers).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert (rows[0]["availability"], rows[0]["price_cents"]) == ("absent", "")
    assert earnings(client, worker)["available_cents"] == campaign["reward_cents"]  # a finding is work


def test_a_product_reported_missing_without_a_photo_is_not_paid_and_can_be_appealed(client, connection):
    published_campaign(client)
    worker = bearer(sign_in(client, register(client, "worker")["email"]))
    task = client.get("/tasks/nearby", query_string={"lat": HERE["lat"], "lon": HERE["lon"]}, headers=worker).json[
        "items"
    ][0]
    assert client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=worker).status_code == 200
    assert client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client), headers=worker).status_code == 201
    for item in client.get(f"/tasks/{task['id']}", headers=worker).json["items"]:
        assert client.post(f"/tasks/{task['id']}/items/{item['id']}/not-found", headers=worker).status_code == 200
    assert client.post(f"/tasks/{task['id']}/submit", headers=worker).status_code == 202
    items = client.get(f"/tasks/{task['id']}", headers=worker).json["items"]
    assert {item["verdict"] for item in items} == {"rejected"}
    assert {item["reasons"][0]["code"] for item in items} == {"absence_unproven"}
    assert "photo of its empty place" in items[0]["reasons"][0]["message"]
    earned = client.get("/me/earnings", headers=worker).json["items"]
    assert all(row["available_cents"] == 0 and row["pending_cents"] == 0 for row in earned)
    appealed = client.post(f"/items/{items[0]['id']}/appeal", json={"comment": "Photos are forbidden here."},
                           headers=worker)  # fmt: skip
    assert appealed.status_code == 201, appealed.json


def test_the_latest_word_decides_between_a_label_and_an_empty_place(client, connection):
    campaign = stores_campaign(client, 1)
    on_shelf, empty_place = label_photo(price_cents=349, seed=12), label_photo(price_cents=349, seed=13)
    _, item_id, (_, absence_id) = hand_in_photos(client, campaign, [(on_shelf, {}), (empty_place, ABSENT)])
    read = connection.execute(text("SELECT photo_id FROM extraction_requests")).scalars().all()
    assert [str(photo) for photo in read] == [absence_id]  # the label photo no longer stands for the item
    verdict = connection.execute(text("SELECT verdict FROM task_items WHERE id = :i"), {"i": item_id}).scalar()
    assert verdict == "needs_review"
    assert connection.execute(text("SELECT count(*) FROM price_observations")).scalar() == 0


def test_an_absence_photo_of_another_products_place_says_so(client, connection):
    campaign = stores_campaign(client, 1)
    _, item_id, _ = hand_in_photos(client, campaign, [(label_photo(gtin=EVIAN, seed=14), ABSENT)])
    reasons = connection.execute(text("SELECT reasons FROM task_items WHERE id = :i"), {"i": item_id}).scalar()
    assert [r["code"] for r in reasons] == ["not_found", "wrong_product"]


def test_an_absence_takes_no_price_and_only_on_shelf_prices(client, staff):
    campaign = stores_campaign(client, 1)
    worker = bearer(sign_in(client, register(client, "worker")["email"]))
    task_id = client.get("/tasks/nearby", query_string={"lat": HERE["lat"], "lon": HERE["lon"]}, headers=worker).json[
        "items"
    ]
    task_id = next(t["id"] for t in task_id if t["campaign_id"] == campaign["id"])
    client.post(f"/tasks/{task_id}/claim", json=HERE, headers=worker)
    client.post(f"/tasks/{task_id}/checkin", json=fresh_fix(client), headers=worker)
    gtin = client.get(f"/tasks/{task_id}", headers=worker).json["items"][0]["gtin"]
    priced = upload(client, worker, task_id, "key-abs-1", label_photo(seed=15), gtin=gtin, price_cents="349", **ABSENT)
    assert (priced.status_code, priced.json["code"]) == (422, "price_not_expected")
    _, item_id, _ = hand_in_photos(client, stores_campaign(client, 1), [(label_photo(seed=16), ABSENT)])
    mod = bearer(sign_in(client, staff("moderator")))
    url = f"/moderation/cases/{case_of(client, mod, item_id)}/decision"
    refused = client.post(url, json={"outcome": "approve", "price_cents": 349}, headers=mod)
    assert (refused.status_code, refused.json["code"]) == (422, "correction_not_applicable")


def test_a_placement_task_reports_absence_with_its_shelf_photo_not_with_absent(client):
    published_campaign(client, kind="product_placement")
    worker = bearer(sign_in(client, register(client, "worker")["email"]))
    task = client.get("/tasks/nearby", query_string={"lat": HERE["lat"], "lon": HERE["lon"]}, headers=worker).json[
        "items"
    ][0]
    client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=worker)
    client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client), headers=worker)
    refused = upload(client, worker, task["id"], f"key-{uuid.uuid4()}", label_photo(seed=17), **ABSENT)
    assert (refused.status_code, refused.json["code"]) == (422, "absence_not_expected")


def test_the_absence_photo_is_read(client, connection):
    campaign = stores_campaign(client, 1)
    _, _, (photo_id,) = hand_in_photos(client, campaign, [(label_photo(price_cents=349, seed=18), ABSENT)])
    result = connection.execute(text("SELECT result FROM extraction_requests WHERE photo_id = :p"), {"p": photo_id})
    read = result.scalar()
    assert read["barcodes"][0]["gtin"] == NUTELLA  # the label of the empty place, legible
