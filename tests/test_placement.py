"""Product placement, end to end: a shelf photo read across, present / absent / unreadable per product, paid."""

from __future__ import annotations

import io
import random
import uuid

import pytest
from sqlalchemy import text

from fieldtasks.api.context import EXTENSION
from fieldtasks.jobs.photo_reading import run_extraction
from fieldtasks_dev.scenes import shelf_photo
from fieldtasks_dev.synthetic import random_label
from tests.fieldwork import HERE, PARIS, fresh_fix, photo_bytes, published_campaign, upload
from tests.helpers import bearer, pages, register, sign_in
from tests.verification import earnings, run_worker_burst

GTINS = [random_label(random.Random(seed)).gtin for seed in range(3)]
PRODUCTS = [{"gtin": gtin, "name": f"Produit {i}"} for i, gtin in enumerate(GTINS)]
ONE_STORE = [{"name": "Franprix Marais", "address": "3 rue des Archives", "lat": PARIS[0], "lon": PARIS[1]}]


def shelf_jpeg(gtins: list[str], seed: int = 0) -> bytes:
    buffer = io.BytesIO()
    shelf_photo(gtins, random.Random(seed)).save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def placement_campaign(client) -> dict:
    return published_campaign(client, kind="product_placement", stores=ONE_STORE, products=PRODUCTS)


def photograph_shelf(client, campaign: dict, photo: bytes) -> tuple[dict, str, str]:
    """A worker claims the store's task, checks in, uploads one shelf photo and submits."""
    worker = bearer(sign_in(client, register(client, "worker")["email"]))
    [task] = [t for t in client.get("/tasks/nearby", query_string=dict(zip(("lat", "lon"), PARIS, strict=True)),
                                    headers=worker).json["items"] if t["campaign_id"] == campaign["id"]]  # fmt: skip
    client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=worker)
    assert client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client), headers=worker).status_code == 201
    uploaded = upload(client, worker, task["id"], f"key-{uuid.uuid4()}", photo)
    assert uploaded.status_code == 201 and uploaded.json["item_id"] is None, uploaded.json
    assert client.post(f"/tasks/{task['id']}/submit", headers=worker).status_code == 202
    return worker, task["id"], uploaded.json["id"]


def read(client, photo_id: str) -> str:
    return run_extraction(client.application.extensions[EXTENSION], uuid.UUID(photo_id), 1)


def test_a_shelf_with_one_product_missing_pays_every_item_and_tells_the_client_which(client):
    campaign = placement_campaign(client)
    worker, task_id, photo_id = photograph_shelf(client, campaign, shelf_jpeg([*GTINS[:2], "3000000000007"]))
    assert read(client, photo_id) == "done"
    items = {item["gtin"]: item for item in client.get(f"/tasks/{task_id}", headers=worker).json["items"]}
    assert {gtin: item["verdict"] for gtin, item in items.items()} == dict.fromkeys(GTINS, "verified")
    assert earnings(client, worker)["available_cents"] == 3 * 40  # absent is a finding, paid too
    found = pages(client, "/feeds/shelf", campaign["headers"], campaign=campaign["id"], limit=1)
    assert all(len(page) == 1 for page in found[:-1])
    shelf = [row for page in found for row in page]
    assert len(shelf) == 3 and [row["product"]["name"] for row in shelf] == sorted(r["product"]["name"] for r in shelf)
    presence = {row["product"]["gtin"]: row["presence"] for row in shelf}
    assert presence == {GTINS[0]: "present", GTINS[1]: "present", GTINS[2]: "absent"}
    assert all(row["store"]["name"] == "Franprix Marais" and row["photo_url"] for row in shelf)
    assert all(row["verified_by"] == "auto" and row["observed_at"] for row in shelf)


def test_a_placement_photo_is_of_the_whole_shelf_not_of_one_product(client):
    campaign = placement_campaign(client)
    worker = bearer(sign_in(client, register(client, "worker")["email"]))
    task = next(t for t in client.get("/tasks/nearby", query_string={"lat": PARIS[0], "lon": PARIS[1]},
                                      headers=worker).json["items"] if t["campaign_id"] == campaign["id"])  # fmt: skip
    client.post(f"/tasks/{task['id']}/claim", json=HERE, headers=worker)
    client.post(f"/tasks/{task['id']}/checkin", json=fresh_fix(client), headers=worker)
    refused = upload(client, worker, task["id"], "key-shelf-1", photo_bytes(), gtin=GTINS[0])
    assert (refused.status_code, refused.json["code"]) == (422, "shelf_photo"), refused.json


def test_an_unreadable_shelf_goes_to_review_and_the_moderator_says_what_was_there(client, staff):
    campaign = placement_campaign(client)
    worker, task_id, photo_id = photograph_shelf(client, campaign, photo_bytes(seed=3))
    read(client, photo_id)
    items = client.get(f"/tasks/{task_id}", headers=worker).json["items"]
    assert {item["verdict"] for item in items} == {"needs_review"}
    assert {item["reasons"][0]["code"] for item in items} == {"shelf_unreadable"}
    moderator = bearer(sign_in(client, staff("moderator")))
    case_ids = [case["id"] for case in client.get("/moderation/cases", headers=moderator).json["items"]]
    missing = client.post(f"/moderation/cases/{case_ids[0]}/decision", json={"outcome": "approve"}, headers=moderator)
    assert (missing.status_code, missing.json["code"]) == (422, "presence_required")
    decided = client.post(
        f"/moderation/cases/{case_ids[0]}/decision",
        json={"outcome": "approve", "presence": "absent"},
        headers=moderator,
    )
    assert decided.status_code == 200 and decided.json["corrections"] == {"presence": "absent"}
    [row] = client.get("/feeds/shelf", headers=campaign["headers"]).json["items"]
    assert (row["presence"], row["verified_by"]) == ("absent", "moderator")
    assert earnings(client, worker)["available_cents"] == 40


@pytest.mark.slow
def test_a_real_worker_reads_a_shelf_and_pays_each_product(committing_app, engine, redis):
    client = committing_app.test_client()
    campaign = placement_campaign(client)
    photograph_shelf(client, campaign, shelf_jpeg(GTINS[1:], seed=5))
    assert run_worker_burst(committing_app).returncode == 0
    with engine.connect() as connection:
        checks = connection.execute(text("SELECT presence, count(*) FROM shelf_checks GROUP BY presence")).all()
        assert dict(checks) == {"present": 2, "absent": 1}
        paid = connection.execute(text("SELECT balance_cents FROM ledger_accounts WHERE kind = 'worker'"))
        assert paid.scalar_one() == 3 * 40
