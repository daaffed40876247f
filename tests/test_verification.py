"""From a real photo to money: the extraction job, the verification rules and payment, on real PostGIS and OCR."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import text

from fieldtasks.api.context import EXTENSION
from fieldtasks.jobs.maintenance import run_sweep
from tests.fieldwork import EVIAN, photo_bytes
from tests.verification import (
    earnings,
    hand_in,
    item_of,
    label_photo,
    read_photo,
    stores_campaign,
)


@pytest.mark.both_storages  # the photo read back from a bucket too
def test_a_readable_label_is_verified_paid_once_and_fed_to_the_client(client, connection):
    handed_in = hand_in(client, label_photo(price_cents=349))
    assert earnings(client, handed_in.worker)["pending_cents"] == 40
    assert read_photo(client, handed_in) == "done"
    assert read_photo(client, handed_in) == "skipped"  # a job run twice: nothing more happens
    item = item_of(client, handed_in)
    assert item["verdict"] == "verified" and item["reasons"] == []
    mine = earnings(client, handed_in.worker)
    assert mine["available_cents"] == 40 and mine["pending_cents"] == 0 and mine["earned_cents"] == 40
    rewards = connection.execute(text("SELECT count(*) FROM ledger_transactions WHERE kind = 'item_reward'"))
    assert rewards.scalar() == 1
    observed = connection.execute(
        text("SELECT price_cents, currency, verified_by, unit_price_cents, unit FROM price_observations")
    ).one()
    assert tuple(observed) == (349, "EUR", "auto", 873, "kg")  # the unit price read in the small print


@pytest.mark.both_storages  # the photo read back from a bucket too
def test_a_stale_generation_changes_nothing(client, connection):
    handed_in = hand_in(client, label_photo())
    connection.execute(
        text("INSERT INTO extraction_requests (photo_id, generation, requested_at) VALUES (:p, 2, now())"),
        {"p": handed_in.photo_id},
    )
    assert read_photo(client, handed_in, generation=1) == "skipped"
    states = connection.execute(text("SELECT generation, status FROM extraction_requests ORDER BY generation"))
    assert [tuple(row) for row in states] == [(1, "pending"), (2, "pending")]
    assert item_of(client, handed_in)["verdict"] is None
    assert read_photo(client, handed_in, generation=2) == "done"
    assert item_of(client, handed_in)["verdict"] == "verified"


def test_another_products_label_is_the_wrong_product(client):
    handed_in = hand_in(client, label_photo(gtin=EVIAN))
    read_photo(client, handed_in)
    item = item_of(client, handed_in)
    assert item["verdict"] == "needs_review"
    assert [r["code"] for r in item["reasons"]] == ["wrong_product"]
    assert EVIAN in item["reasons"][0]["message"]
    assert earnings(client, handed_in.worker)["available_cents"] == 0


def test_a_label_whose_unit_price_does_not_fit_the_products_quantity_goes_to_a_moderator(client):
    handed_in = hand_in(client, label_photo(price_cents=349, unit_price_cents=1324))  # 13,24 €/kg x 400 g != 3,49 €
    read_photo(client, handed_in)
    item = item_of(client, handed_in)
    assert item["verdict"] == "needs_review"
    assert [r["code"] for r in item["reasons"]] == ["price_disagrees"]
    assert "13.24 per kg" in item["reasons"][0]["message"]
    assert earnings(client, handed_in.worker)["available_cents"] == 0


def test_a_photo_without_label_has_no_barcode_and_no_price(client):
    handed_in = hand_in(client, photo_bytes(seed=3))
    read_photo(client, handed_in)
    assert {r["code"] for r in item_of(client, handed_in)["reasons"]} == {"no_barcode", "price_unreadable"}


def test_a_photo_taken_elsewhere_is_outside_the_geofence(client):
    handed_in = hand_in(client, label_photo(gps=(48.8738, 2.2950)))  # the Arc de Triomphe, 4.5 km away
    read_photo(client, handed_in)
    reasons = item_of(client, handed_in)["reasons"]
    assert [r["code"] for r in reasons] == ["outside_geofence"]
    assert " m from the place" in reasons[0]["message"]


def test_an_old_photo_is_stale(client):
    last_week = (datetime.now() - timedelta(days=7)).strftime("%Y:%m:%d %H:%M:%S")
    handed_in = hand_in(client, label_photo(exif_time=last_week))
    read_photo(client, handed_in)
    assert [r["code"] for r in item_of(client, handed_in)["reasons"]] == ["stale_photo"]


@pytest.mark.both_storages  # the photo read back from a bucket too
def test_the_same_photo_sent_by_another_worker_is_a_duplicate(client):
    photo = label_photo(seed=5)
    first = hand_in(client, photo)
    read_photo(client, first)
    assert item_of(client, first)["verdict"] == "verified"
    second = hand_in(client, photo)  # another campaign, another worker, the same bytes
    read_photo(client, second)
    assert [r["code"] for r in item_of(client, second)["reasons"]] == ["duplicate_photo"]


def test_a_resized_re_encoded_copy_in_the_same_campaign_is_a_duplicate(client):
    campaign = stores_campaign(client, 2)
    original = label_photo(seed=6)
    read_photo(client, hand_in(client, original, campaign))
    smaller = Image.open(io.BytesIO(original)).resize((1200, 900))
    buffer = io.BytesIO()
    smaller.save(buffer, "JPEG", quality=70)
    copy = hand_in(client, buffer.getvalue(), campaign)
    read_photo(client, copy)
    assert [r["code"] for r in item_of(client, copy)["reasons"]] == ["duplicate_photo"]


def test_a_price_far_from_the_recent_median_is_an_outlier(client):
    campaign = stores_campaign(client, 4)
    for seed in range(3):
        read_photo(client, hand_in(client, label_photo(price_cents=349, seed=seed), campaign))
    outlier = hand_in(client, label_photo(price_cents=1299, seed=9), campaign)
    read_photo(client, outlier)
    reasons = item_of(client, outlier)["reasons"]
    assert [r["code"] for r in reasons] == ["price_outlier"]
    assert "12.99" in reasons[0]["message"] and "3.49" in reasons[0]["message"]


def test_an_item_left_in_review_is_paid_after_the_campaigns_deadline(client, clock, connection):
    handed_in = hand_in(client, label_photo(gtin=EVIAN))
    read_photo(client, handed_in)
    res = client.application.extensions[EXTENSION]
    assert run_sweep(res).approved_by_deadline == 0
    clock.advance(hours=72, minutes=1)  # the campaign's auto_approve_hours
    assert run_sweep(res).approved_by_deadline == 1
    assert run_sweep(res).approved_by_deadline == 0
    verdict = connection.execute(
        text("SELECT verdict, verdict_by FROM task_items WHERE id = :i"), {"i": handed_in.item_id}
    )
    assert tuple(verdict.one()) == ("approved", "deadline")
    paid = connection.execute(text("SELECT balance_cents FROM ledger_accounts WHERE kind = 'worker'"))
    assert paid.scalar_one() == 40


@pytest.mark.both_storages  # the photo read back from a bucket too
def test_a_product_reported_missing_is_a_finding_for_review(client):
    handed_in = hand_in(client, label_photo(seed=31), absent="true")  # its label, no product on the shelf
    read_photo(client, handed_in)
    settled = item_of(client, handed_in)
    assert settled["verdict"] == "needs_review" and [r["code"] for r in settled["reasons"]] == ["not_found"]
    assert earnings(client, handed_in.worker)["pending_cents"] == handed_in.campaign["reward_cents"]
