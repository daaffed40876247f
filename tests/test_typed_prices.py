"""The worker types the shelf price; the photo confirms it, contradicts it, or cannot tell."""

from __future__ import annotations

from sqlalchemy import text

from fieldtasks.models import PriceSource
from fieldtasks.ocr.types import Confidence
from fieldtasks.services.verdicts import Evidence, ReadPhoto, judge
from tests.extractions import typed as typed_photo
from tests.fieldwork import HERE, NUTELLA, PARIS, fresh_fix, published_campaign, upload
from tests.helpers import bearer, register, sign_in
from tests.verification import hand_in, item_of, label_photo, read_photo


def typed(outcome: str, typed_cents: int = 349, read_cents: int | None = 349) -> ReadPhoto:
    return typed_photo(outcome, NUTELLA, typed_cents, read_cents)


def test_a_typed_price_the_photo_confirms_is_verified_as_typed_and_read():
    judgement = judge(Evidence("shelf_price", NUTELLA, [typed("confirmed")]))
    assert judgement.verified and judgement.price is not None
    assert (judgement.price.amount_cents, judgement.price.confidence, judgement.price.source) == (
        349,
        Confidence.HIGH,
        PriceSource.TYPED_AND_READ,
    )


def test_a_typed_price_the_label_contradicts_goes_to_review_saying_both_prices():
    [why] = judge(Evidence("shelf_price", NUTELLA, [typed("contradicted", 394, 349)])).reasons
    assert why == {
        "code": "price_mismatch",
        "message": "You entered 3.94; the label reads 3.49. A moderator will check the photo.",
        "values": {"typed": "3.94", "read": "3.49"},  # to say it again in the reader's language
    }


def test_a_typed_price_nothing_confirms_goes_to_review():
    [why] = judge(Evidence("shelf_price", NUTELLA, [typed("unconfirmed", 349, None)])).reasons
    assert why["code"] == "price_unconfirmed" and "3.49" in why["message"]


def test_the_typed_price_travels_with_the_photo_is_confirmed_and_reaches_the_feed(client, connection):
    handed_in = hand_in(client, label_photo(price_cents=349), price_cents="349")
    assert item_of(client, handed_in)["typed_price_cents"] == 349
    assert item_of(client, handed_in)["read_price_cents"] is None  # not read before submission
    assert read_photo(client, handed_in) == "done"
    item = item_of(client, handed_in)
    assert (item["verdict"], item["reasons"], item["read_price_cents"]) == ("verified", [], 349)
    observed = connection.execute(text("SELECT price_cents, price_source FROM price_observations")).one()
    assert tuple(observed) == (349, "typed_and_read")


def test_a_typo_is_never_paid_as_typed(client, connection):
    handed_in = hand_in(client, label_photo(price_cents=349), price_cents="379")
    assert read_photo(client, handed_in) == "done"
    item = item_of(client, handed_in)
    assert item["verdict"] == "needs_review"
    assert [r["code"] for r in item["reasons"]] in (["price_mismatch"], ["price_unconfirmed"])
    assert connection.execute(text("SELECT count(*) FROM price_observations")).scalar() == 0


def test_without_a_typed_price_the_price_is_read_blind(client, connection):
    handed_in = hand_in(client, label_photo(price_cents=349))
    assert read_photo(client, handed_in) == "done"
    assert item_of(client, handed_in)["verdict"] == "verified"
    assert connection.execute(text("SELECT price_source FROM price_observations")).scalar() == "read"


def test_a_typed_price_on_a_placement_photo_or_not_a_number_is_refused(client):
    worker = bearer(sign_in(client, register(client, "worker")["email"]))
    products = [{"gtin": NUTELLA, "name": "Nutella 400 g"}]
    stores = [{"name": "Monoprix Rivoli", "lat": PARIS[0], "lon": PARIS[1]}]
    campaign = published_campaign(client, stores=stores, products=products, kind="product_placement")
    task_id = next(
        t["id"]
        for t in client.get("/tasks/nearby", query_string={"lat": PARIS[0], "lon": PARIS[1]}, headers=worker).json[
            "items"
        ]
        if t["campaign_id"] == campaign["id"]
    )
    assert client.post(f"/tasks/{task_id}/claim", json=HERE, headers=worker).status_code == 200
    assert client.post(f"/tasks/{task_id}/checkin", json=fresh_fix(client), headers=worker).status_code == 201
    refused = upload(client, worker, task_id, "key-one-1", label_photo(), price_cents="349")
    assert (refused.status_code, refused.json["code"]) == (422, "price_not_expected"), refused.json
    refused = upload(client, worker, task_id, "key-two-2", label_photo(), price_cents="3,49")
    assert (refused.status_code, refused.json["code"]) == (422, "validation_error")
    assert "price_cents" in refused.json["errors"]["multipart"]
