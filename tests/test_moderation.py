"""Moderation: the queue, holds, final and audited decisions that pay once, appeals to another moderator."""

from __future__ import annotations

import dataclasses
import io
from datetime import timedelta

import pytest
from PIL import Image, ImageFilter, ImageStat
from sqlalchemy import text

from fieldtasks.api.context import EXTENSION
from fieldtasks.jobs.maintenance import run_sweep
from fieldtasks.services.moderation import pay_overdue_cases
from tests.conftest import METRICS_TOKEN
from tests.fieldwork import EVIAN
from tests.helpers import bearer, open_link, pages, sign_in
from tests.verification import earnings, hand_in, item_of, label_photo, read_photo, stores_campaign


def in_review(client, campaign=None, seed: int = 1):
    """An item the machine sent to review: the label of another product."""
    handed_in = hand_in(client, label_photo(gtin=EVIAN, price_cents=349, seed=seed), campaign)
    read_photo(client, handed_in)
    assert item_of(client, handed_in)["verdict"] == "needs_review"
    return handed_in


def moderator(client, staff) -> dict:
    return bearer(sign_in(client, staff("moderator")))


def take_next(client, headers) -> dict:
    response = client.post("/moderation/cases/next", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_a_case_shows_what_the_moderator_needs(client, staff):
    handed_in = in_review(client)
    mod = moderator(client, staff)
    listed = client.get("/moderation/cases", query_string={"reason": "wrong_product"}, headers=mod).json["items"]
    assert [case["item_id"] for case in listed] == [handed_in.item_id]
    case = take_next(client, mod)
    assert case["expected"]["gtin"] == "3017620422003"
    assert case["photos"][0]["extraction"]["barcodes"][0]["gtin"] == EVIAN
    assert "/photos/" in case["photos"][0]["url"]
    assert case["checkins"][0]["outcome"] == "accepted"
    assert "submitted" in [event["event"] for event in case["history"]]
    assert client.get("/moderation/cases", query_string={"reason": "no_barcode"}, headers=mod).json["items"] == []


def test_two_moderators_never_get_the_same_case_and_a_hold_lapses(client, staff, clock):
    campaign = stores_campaign(client, 2)
    in_review(client, campaign, seed=1)
    in_review(client, campaign, seed=2)
    first, second, third = moderator(client, staff), moderator(client, staff), moderator(client, staff)
    a, b = take_next(client, first), take_next(client, second)
    assert a["id"] != b["id"]
    oldest_first = [case["id"] for page in pages(client, "/moderation/cases", third, limit=1) for case in page]
    assert oldest_first == [a["id"], b["id"]]  # a page at a time, in the order "next" hands them out
    assert take_next(client, first)["id"] == a["id"]  # asking again gives back the case one holds
    assert client.post("/moderation/cases/next", headers=third).status_code == 204
    clock.advance(minutes=16)
    assert take_next(client, third)["id"] == a["id"]


def test_a_released_case_is_anyones_again_and_the_queue_filters_by_client(client, staff):
    handed_in = in_review(client)
    first, second = moderator(client, staff), moderator(client, staff)
    case = take_next(client, first)
    assert client.post(f"/moderation/cases/{case['id']}/release", headers=second).status_code == 204  # not theirs
    assert client.post("/moderation/cases/next", headers=second).status_code == 204
    assert client.post(f"/moderation/cases/{case['id']}/release", headers=first).status_code == 204
    assert take_next(client, second)["id"] == case["id"]
    client_id = client.get("/me", headers=handed_in.campaign["headers"]).json["organization"]["id"]
    [listed] = client.get("/moderation/cases", query_string={"client": client_id}, headers=first).json["items"]
    assert (listed["client_id"], listed["campaign_title"]) == (client_id, handed_in.campaign["title"])
    other = client.get("/me", headers=stores_campaign(client, 1)["headers"]).json["organization"]["id"]
    assert client.get("/moderation/cases", query_string={"client": other}, headers=first).json["items"] == []


def test_approving_with_a_corrected_price_pays_once_and_corrects_the_feed(client, staff, connection):
    campaign = stores_campaign(client, 1)
    handed_in = in_review(client, campaign)
    mod = moderator(client, staff)
    case = take_next(client, mod)
    decision = {"outcome": "approve", "price_cents": 359}
    decided = client.post(f"/moderation/cases/{case['id']}/decision", json=decision, headers=mod)
    assert decided.status_code == 200 and decided.json["corrections"] == {"price_cents": 359}
    again = client.post(f"/moderation/cases/{case['id']}/decision", json=decision, headers=mod)
    assert again.status_code == 409 and again.json["code"] == "case_closed"
    assert item_of(client, handed_in)["verdict"] == "approved"
    assert earnings(client, handed_in.worker)["available_cents"] == 40
    feed = client.get("/feeds/prices", headers=campaign["headers"]).json["items"]
    assert [(p["price_cents"], p["verified_by"]) for p in feed] == [(359, "moderator")]
    audit = connection.execute(text("SELECT actor_id, details FROM task_events WHERE event = 'case_approve'")).one()
    assert audit.actor_id is not None and audit.details["corrections"] == {"price_cents": 359}


def test_a_rejection_needs_a_reason_and_goes_to_another_moderator_on_appeal(client, staff, clock, connection):
    handed_in = in_review(client)
    judge, other = moderator(client, staff), moderator(client, staff)
    case = take_next(client, judge)
    unexplained = client.post(f"/moderation/cases/{case['id']}/decision", json={"outcome": "reject"}, headers=judge)
    assert unexplained.status_code == 422
    rejection = {"outcome": "reject", "reject_reason": "not_the_product", "explanation": "This is water, not Nutella."}
    assert client.post(f"/moderation/cases/{case['id']}/decision", json=rejection, headers=judge).status_code == 200
    item = item_of(client, handed_in)
    assert item["verdict"] == "rejected" and item["reasons"][0]["message"] == "This is water, not Nutella."
    appealed = client.post(
        f"/items/{handed_in.item_id}/appeal", json={"comment": "Both were on the shelf."}, headers=handed_in.worker
    )
    assert appealed.status_code == 201
    assert item_of(client, handed_in)["verdict"] == "under_appeal"
    assert client.post("/moderation/cases/next", headers=judge).status_code == 204  # not theirs to re-judge
    appeal_case = take_next(client, other)
    assert appeal_case["kind"] == "appeal" and appeal_case["appeal_comment"] == "Both were on the shelf."
    own = client.post(f"/moderation/cases/{appealed.json['case_id']}/decision", json=rejection, headers=judge)
    assert own.status_code == 409
    approved = client.post(
        f"/moderation/cases/{appeal_case['id']}/decision", json={"outcome": "no_fault"}, headers=other
    )
    assert approved.status_code == 200
    assert earnings(client, handed_in.worker)["available_cents"] == 40
    item = item_of(client, handed_in)  # the appeal won: the rejection's reason is history, not a current reason
    assert item["verdict"] == "no_fault" and item["reasons"] == []
    history = connection.execute(text("SELECT details FROM task_events WHERE event = 'case_no_fault'")).scalar_one()
    assert history["reasons_before"][0]["message"] == "This is water, not Nutella."


def test_an_appeal_nobody_decides_is_paid_and_a_late_appeal_is_refused(client, staff, clock, connection):
    first, late = in_review(client, seed=1), in_review(client, seed=2)
    mod = moderator(client, staff)
    rejection = {"outcome": "reject", "reject_reason": "unusable_photo", "explanation": "Too blurred."}
    for _ in range(2):
        case = take_next(client, mod)
        client.post(f"/moderation/cases/{case['id']}/decision", json=rejection, headers=mod)
    assert client.post(f"/items/{first.item_id}/appeal", json={"comment": "Please look again."}, headers=first.worker)
    clock.advance(hours=72, minutes=1)
    assert run_sweep(client.application.extensions[EXTENSION]).approved_by_deadline == 1
    verdict = connection.execute(text("SELECT verdict, verdict_by FROM task_items WHERE id = :i"), {"i": first.item_id})
    assert tuple(verdict.one()) == ("approved", "deadline")
    clock.advance(days=5)  # 8 days after the rejection
    worker = bearer(sign_in(client, late.email))
    refused = client.post(f"/items/{late.item_id}/appeal", json={"comment": "Too late?"}, headers=worker)
    assert refused.status_code == 409 and refused.json["code"] == "appeal_window_closed"


def test_a_moderator_stops_at_the_daily_cap(client, staff, monkeypatch):
    campaign = stores_campaign(client, 2)
    in_review(client, campaign, seed=1)
    in_review(client, campaign, seed=2)
    res = client.application.extensions[EXTENSION]
    monkeypatch.setattr(res, "config", dataclasses.replace(res.config, moderator_daily_cap=1))
    mod = moderator(client, staff)
    case = take_next(client, mod)
    client.post(f"/moderation/cases/{case['id']}/decision", json={"outcome": "no_fault"}, headers=mod)
    capped = client.post("/moderation/cases/next", headers=mod)
    assert capped.status_code == 409 and capped.json["code"] == "daily_cap_reached"


@pytest.mark.both_storages  # on S3, the blurred copy is stored beside the clean one and the link goes to it
def test_a_photo_reported_sensitive_is_shown_blurred_until_revealed(client, staff):
    handed_in = hand_in(client, label_photo(gtin=EVIAN, seed=4), sensitive="true")
    read_photo(client, handed_in)
    photo = take_next(client, moderator(client, staff))["photos"][0]
    assert photo["sensitive"] and "blurred" in photo["url"]
    (shown, _, blurred), (revealed, _, clean) = (open_link(client, url) for url in (photo["url"], photo["reveal_url"]))
    assert shown == revealed == 200
    assert _sharpness(blurred) < _sharpness(clean) / 2
    forged = photo["url"].replace("blurred", "clean")  # view=clean here, the clean copy's key on S3
    assert open_link(client, forged)[0] == 403  # which copy is part of what the link signs


def _sharpness(jpeg: bytes) -> float:
    edges = Image.open(io.BytesIO(jpeg)).convert("L").filter(ImageFilter.FIND_EDGES)
    return ImageStat.Stat(edges).mean[0]


def test_metrics_count_cases_decisions_extractions_and_payments(client, staff):
    campaign = stores_campaign(client, 2)
    in_review(client, campaign, seed=1)
    read_photo(client, hand_in(client, label_photo(seed=2), campaign))  # verified and paid
    mod = moderator(client, staff)
    case = take_next(client, mod)
    client.post(f"/moderation/cases/{case['id']}/decision", json={"outcome": "no_fault"}, headers=mod)
    assert client.get("/metrics").json["code"] == "metrics_token_required"  # platform-wide payments: not public
    wrong = client.get("/metrics", headers={"Authorization": "Bearer guess"})
    assert (wrong.status_code, wrong.json["code"]) == (403, "metrics_token_wrong")
    response = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert response.status_code == 200 and response.mimetype == "text/plain"
    body = response.get_data(as_text=True)
    assert 'fieldtasks_review_decisions_total{outcome="no_fault"} 1.0' in body
    assert 'fieldtasks_extraction_requests{status="done"} 2.0' in body
    assert 'fieldtasks_item_payments_total{currency="EUR"} 2.0' in body
    assert 'fieldtasks_item_payments_cents_total{currency="EUR"} 80.0' in body
    assert "fieldtasks_review_case_oldest_age_seconds 0.0" in body


def test_metrics_are_off_without_a_token(app, client, monkeypatch):
    res = app.extensions[EXTENSION]
    monkeypatch.setattr(res, "config", dataclasses.replace(res.config, metrics_token=None))
    off = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert (off.status_code, off.json["code"]) == (404, "metrics_off")


def test_a_gtin_correction_must_name_a_product_of_the_campaign(client, staff):
    campaign = stores_campaign(client, 1)
    in_review(client, campaign)
    mod = moderator(client, staff)
    case = take_next(client, mod)
    unknown = client.post(
        f"/moderation/cases/{case['id']}/decision", json={"outcome": "approve", "gtin": EVIAN}, headers=mod
    )
    assert unknown.status_code == 422 and unknown.json["code"] == "unknown_gtin"
    corrected = client.post(
        f"/moderation/cases/{case['id']}/decision",
        json={"outcome": "approve", "gtin": "3017620422003", "price_cents": 355},
        headers=mod,
    )
    assert corrected.status_code == 200
    feed = client.get("/feeds/prices", headers=campaign["headers"]).json["items"]
    assert [(p["product"]["gtin"], p["price_cents"]) for p in feed] == [("3017620422003", 355)]


def test_the_sweep_pays_a_case_falling_due_before_its_next_run_so_nobody_is_paid_late(client, app, clock):
    handed_in = hand_in(client, label_photo(gtin=EVIAN, seed=51), stores_campaign(client, 1))
    read_photo(client, handed_in)  # the wrong product: a case due in 72 hours
    res = app.extensions[EXTENSION]
    clock.advance(hours=72, seconds=-30)  # due in 30 s; the sweep runs every 60 s
    with res.database.unit_of_work() as session:
        assert pay_overdue_cases(session, now=clock.now) == 0
        assert pay_overdue_cases(session, now=clock.now, ahead=timedelta(seconds=60)) == 1
