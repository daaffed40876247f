"""A client disputes a price in its feed: a moderator upholds, corrects or withdraws it on the photo, the row says
so and comes again to a client polling the feed, and the worker keeps the pay earned in good faith."""

from __future__ import annotations

from sqlalchemy import text

from fieldtasks.api.context import EXTENSION
from fieldtasks.services.ledger_check import check_ledger
from fieldtasks.services.moderation import pay_overdue_cases
from tests.fieldwork import new_client
from tests.helpers import bearer, sign_in
from tests.verification import earnings, hand_in, item_of, label_photo, read_photo, stores_campaign


def verified_price(client):
    """A price the machine verified and paid, as the client's feed shows it, and the feed's cursor after it."""
    handed_in = hand_in(client, label_photo(price_cents=349), stores_campaign(client, 1))
    assert read_photo(client, handed_in) == "done" and item_of(client, handed_in)["verdict"] == "verified"
    page = client.get("/feeds/prices", headers=handed_in.campaign["headers"]).json
    [price] = page["items"]
    return handed_in, price, page["next_cursor"]


def dispute(client, handed_in, price_id: str, comment: str = "The shelf label says 3,29 €."):
    body = {"comment": comment}
    return client.post(f"/feeds/prices/{price_id}/dispute", json=body, headers=handed_in.campaign["headers"])


def decide(client, staff, case_id: str, **decision):
    moderator = bearer(sign_in(client, staff("moderator")))
    decided = client.post(f"/moderation/cases/{case_id}/decision", json=decision, headers=moderator)
    assert decided.status_code == 200, decided.json
    return moderator


def ledger_is_clean(client) -> bool:
    with client.application.extensions[EXTENSION].database.unit_of_work() as session:
        return check_ledger(session) == []


def test_a_disputed_price_is_corrected_by_a_moderator_and_comes_again_in_the_feed(client, staff):
    handed_in, price, cursor = verified_price(client)
    opened = dispute(client, handed_in, price["id"])
    assert opened.status_code == 201, opened.json
    assert (opened.json["status"], opened.json["comment"]) == ("open", "The shelf label says 3,29 €.")
    again = dispute(client, handed_in, price["id"], "Once more")
    assert (again.status_code, again.json["case_id"]) == (200, opened.json["case_id"])  # a retry opens nothing
    headers = handed_in.campaign["headers"]
    [flagged] = client.get("/feeds/prices", query_string={"cursor": cursor}, headers=headers).json["items"]
    assert (flagged["id"], flagged["dispute_status"], flagged["price_cents"]) == (price["id"], "open", 349)
    moderator = decide(client, staff, opened.json["case_id"], outcome="approve", price_cents=329)
    [corrected] = client.get("/feeds/prices", query_string={"cursor": cursor}, headers=headers).json["items"]
    assert (corrected["id"], corrected["price_cents"], corrected["dispute_status"]) == (price["id"], 329, "corrected")
    assert (corrected["price_source"], corrected["verified_by"]) == ("moderator", "moderator")
    assert item_of(client, handed_in)["verdict"] == "verified"  # the worker's verdict stands
    assert earnings(client, handed_in.worker)["available_cents"] == 40 and ledger_is_clean(client)
    queue = client.get("/moderation/cases", headers=moderator).json["items"]
    assert queue == []


def test_a_withdrawn_price_leaves_the_workers_pay_and_a_dispute_is_decided_once(client, staff):
    handed_in, price, _ = verified_price(client)
    case_id = dispute(client, handed_in, price["id"]).json["case_id"]
    moderator = bearer(sign_in(client, staff("moderator")))
    case = client.get(f"/moderation/cases/{case_id}", headers=moderator).json
    assert case["kind"] == "dispute" and "3.49 EUR" in case["reasons"][0]["message"]
    decide(client, staff, case_id, outcome="reject", reject_reason="not_the_product",
           explanation="The photo shows another product's label.")  # fmt: skip
    [withdrawn] = client.get("/feeds/prices", headers=handed_in.campaign["headers"]).json["items"]
    assert withdrawn["dispute_status"] == "withdrawn"
    assert item_of(client, handed_in)["verdict"] == "verified"
    assert earnings(client, handed_in.worker)["available_cents"] == 40 and ledger_is_clean(client)
    decided = dispute(client, handed_in, price["id"])
    assert (decided.status_code, decided.json["code"]) == (409, "dispute_decided")
    assert dispute(client, handed_in, price["id"]).json["code"] == "dispute_decided"
    other = {**handed_in.campaign, "headers": new_client(client)}
    stranger = client.post(f"/feeds/prices/{price['id']}/dispute", json={"comment": "x"}, headers=other["headers"])
    assert stranger.status_code == 404


def test_a_dispute_waits_for_a_moderator_past_any_deadline(client, clock, connection):
    handed_in, price, _ = verified_price(client)
    dispute(client, handed_in, price["id"])
    clock.advance(hours=24 * 30)
    res = client.application.extensions[EXTENSION]
    with res.database.unit_of_work() as session:
        assert pay_overdue_cases(session, now=res.clock()) == 0
    status = connection.execute(text("SELECT dispute_status FROM price_observations WHERE id = :id"), price)
    assert status.scalar() == "open"  # not settled by the sweep: the item was paid already, nothing to default to
