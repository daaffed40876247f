"""The proof photo: a price in the feed links the photo that shows the product and that price."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from fieldtasks.api.context import EXTENSION
from fieldtasks.jobs.photo_reading import run_extraction
from tests.fieldwork import EVIAN, HERE, NUTELLA, fresh_fix, upload
from tests.helpers import bearer, register, sign_in
from tests.test_console import csrf_of, signed_in
from tests.verification import label_photo, stores_campaign


def hand_in_photos(client, campaign: dict, photos: list[tuple[bytes, dict]]) -> tuple[dict, str, list[str]]:
    """One worker claims the campaign's task, checks in, uploads `photos` (bytes, form) for its one item,
    submits, and every photo is read: (worker, item id, photo ids)."""
    worker = bearer(sign_in(client, register(client, "worker")["email"]))
    task_id = client.get("/tasks/nearby", query_string={"lat": 48.8606, "lon": 2.3376}, headers=worker).json["items"][
        0
    ]["id"]
    assert client.post(f"/tasks/{task_id}/claim", json=HERE, headers=worker).status_code == 200
    assert client.post(f"/tasks/{task_id}/checkin", json=fresh_fix(client), headers=worker).status_code == 201
    item = client.get(f"/tasks/{task_id}", headers=worker).json["items"][0]
    ids = []
    for data, form in photos:
        uploaded = upload(client, worker, task_id, f"key-{uuid.uuid4()}", data, gtin=item["gtin"], **form)
        assert uploaded.status_code == 201, uploaded.json
        ids.append(uploaded.json["id"])
    assert client.post(f"/tasks/{task_id}/submit", headers=worker).status_code == 202
    res = client.application.extensions[EXTENSION]
    for photo_id in ids:
        run_extraction(res, uuid.UUID(photo_id), 1)
    return worker, item["id"], ids


def fed_proof(connection) -> list[tuple[int, str]]:
    rows = connection.execute(text("SELECT price_cents, photo_id FROM price_observations ORDER BY seq"))
    return [(row.price_cents, str(row.photo_id)) for row in rows]


def case_of(client, mod: dict, item_id: str) -> str:
    cases = client.get("/moderation/cases", headers=mod).json["items"]
    return next(case["id"] for case in cases if case["item_id"] == item_id)


def test_another_labels_price_beside_the_products_label_does_not_stop_or_prove_the_price(client, connection):
    campaign = stores_campaign(client, 1)
    other, own = label_photo(gtin=EVIAN, price_cents=299, seed=3), label_photo(gtin=NUTELLA, price_cents=411, seed=4)
    _, item_id, (_, own_id) = hand_in_photos(client, campaign, [(other, {}), (own, {})])
    verdict = connection.execute(text("SELECT verdict FROM task_items WHERE id = :id"), {"id": item_id}).scalar()
    assert verdict == "verified"
    assert fed_proof(connection) == [(411, own_id)]


def test_a_moderator_approving_a_price_feeds_the_photo_of_the_product(client, staff, connection):
    campaign = stores_campaign(client, 1)
    other, own = label_photo(gtin=EVIAN, price_cents=299, seed=5), label_photo(gtin=NUTELLA, price_cents=411, seed=6)
    # The worker typed 4,00 with the product's label: the machine reads 4,11 there, so a moderator decides.
    _, item_id, (_, own_id) = hand_in_photos(client, campaign, [(other, {}), (own, {"price_cents": "400"})])
    mod = bearer(sign_in(client, staff("moderator")))
    decided = client.post(
        f"/moderation/cases/{case_of(client, mod, item_id)}/decision",
        json={"outcome": "approve", "price_cents": 411},
        headers=mod,
    )
    assert decided.status_code == 200, decided.json
    assert fed_proof(connection) == [(411, own_id)]


def test_when_several_photos_could_be_the_proof_the_moderator_says_which(client, staff, connection):
    campaign = stores_campaign(client, 1)
    first, second = label_photo(gtin=EVIAN, price_cents=299, seed=7), label_photo(gtin=EVIAN, price_cents=411, seed=8)
    _, item_id, (_, second_id) = hand_in_photos(client, campaign, [(first, {}), (second, {})])
    _, _, (elsewhere_id,) = hand_in_photos(client, stores_campaign(client, 1), [(first, {})])
    mod = bearer(sign_in(client, staff("moderator")))
    url = f"/moderation/cases/{case_of(client, mod, item_id)}/decision"
    for photo_id, code in ((None, "proof_photo_required"), (elsewhere_id, "unknown_photo")):
        body = {"outcome": "approve", "price_cents": 411} | ({"photo_id": photo_id} if photo_id else {})
        refused = client.post(url, json=body, headers=mod)
        assert (refused.status_code, refused.json["code"]) == (422, code)
    assert fed_proof(connection) == []
    chosen = client.post(url, json={"outcome": "approve", "price_cents": 411, "photo_id": second_id}, headers=mod)
    assert chosen.status_code == 200, chosen.json
    assert fed_proof(connection) == [(411, second_id)]


def test_the_console_asks_for_the_proof_photo_and_feeds_the_one_chosen(client, staff, connection):
    campaign = stores_campaign(client, 1)
    first, second = label_photo(gtin=EVIAN, price_cents=299, seed=9), label_photo(gtin=EVIAN, price_cents=411, seed=10)
    _, _, (_, second_id) = hand_in_photos(client, campaign, [(first, {}), (second, {})])
    signed_in(client, staff("moderator"))
    opened = client.post("/console/next", data={"csrf": csrf_of(client.get("/console").get_data(as_text=True))})
    page = client.get(opened.headers["Location"]).get_data(as_text=True)
    assert page.count('name="photo_id"') == 2
    decision = {"csrf": csrf_of(page), "outcome": "approve", "price": "4,11"}
    client.post(f"{opened.headers['Location']}/decision", data=decision)
    again = client.get(opened.headers["Location"]).get_data(as_text=True)
    assert "say which one shows the product" in again and fed_proof(connection) == []
    client.post(f"{opened.headers['Location']}/decision", data=decision | {"photo_id": second_id})
    assert fed_proof(connection) == [(411, second_id)]
