"""The verification rules as a pure function: each reason, from realistic extraction results."""

from __future__ import annotations

from fieldtasks.models import PriceSource
from fieldtasks.ocr.types import UnitPriceCheck
from fieldtasks.services.verdicts import Evidence, judge
from tests.extractions import barcode, label, photo, price, vehicle

NUTELLA = "3017620422003"


def codes(**evidence) -> list[str]:
    fields = {"kind": "shelf_price", "expected_gtin": NUTELLA, **evidence}
    return [reason["code"] for reason in judge(Evidence(**fields)).reasons]


def test_a_clear_label_of_the_expected_product_is_verified():
    judgement = judge(Evidence("shelf_price", NUTELLA, [label([(NUTELLA, "high")], 349)]))
    assert judgement.verified and judgement.price.amount_cents == 349 and judgement.price.source == PriceSource.READ


def test_a_barcode_read_without_confidence_is_low_confidence():
    assert codes(photos=[label([(NUTELLA, "low")], 349)]) == ["low_confidence"]


def test_a_price_read_without_confidence_is_low_confidence():
    assert codes(photos=[label([(NUTELLA, "high")], 349, "low")]) == ["low_confidence"]


def test_a_price_at_odds_with_the_unit_price_says_so_with_both_numbers():
    unit_price = price(1324, "low", kind="unit_price", unit="kg")
    found = photo((barcode(NUTELLA),), price(349, "low"), unit_price=unit_price, price_check=UnitPriceCheck.DISAGREES)
    [why] = judge(Evidence("shelf_price", NUTELLA, [found])).reasons
    assert why["code"] == "price_disagrees"
    assert "3.49" in why["message"] and "13.24 per kg" in why["message"]


def test_two_photos_with_two_confident_prices_are_low_confidence():
    photos = [label([(NUTELLA, "high")], 349), label([(NUTELLA, "high")], 399)]
    assert codes(photos=photos) == ["low_confidence"]


def test_a_label_without_price_is_price_unreadable():
    assert codes(photos=[label([(NUTELLA, "high")])]) == ["price_unreadable"]


def test_another_code_read_with_confidence_is_the_wrong_product_even_beside_a_low_read_of_the_right_one():
    photos = [label([("3068320114453", "high"), (NUTELLA, "low")], 349)]
    assert codes(photos=photos) == ["wrong_product"]


def test_an_undecodable_photo_says_why_and_nothing_else():
    assert codes(photos=[], unreadable=["cannot decode the photo: truncated"]) == ["unreadable_photo"]


def test_geofence_staleness_duplicates_and_outliers_add_up():
    found = codes(
        photos=[label([(NUTELLA, "high")], 1299)],
        geofence_m=100,
        farthest_photo_m=450.0,
        stale_taken_at="2026-11-01 10:00",
        duplicate=True,
        median_price_cents=349,
    )
    assert found == ["price_outlier", "outside_geofence", "stale_photo", "duplicate_photo"]


def test_a_price_within_three_times_the_median_is_not_an_outlier():
    assert codes(photos=[label([(NUTELLA, "high")], 999)], median_price_cents=349) == []


def test_placement_photos_need_the_product_but_no_price():
    evidence = Evidence("product_placement", NUTELLA, [label([(NUTELLA, "high")])])
    assert judge(evidence).verified


def placement(reads: list) -> tuple[str | None, list[str]]:
    judgement = judge(Evidence("product_placement", NUTELLA, [photo(tuple(reads))]))
    return judgement.presence, [reason["code"] for reason in judgement.reasons]


def test_placement_present_when_the_product_is_read_for_sure_anywhere_on_the_shelf():
    assert placement([barcode("3068320114453", "high", 0), barcode(NUTELLA, "high", 900)]) == ("present", [])


def test_placement_absent_only_when_every_label_seen_was_read():
    assert placement([barcode("3068320114453", "high", 0)]) == ("absent", [])
    # a stray misread on a label read for sure elsewhere does not hide anything
    stray = barcode("3068320114460", "low", 20)
    assert placement([barcode("3068320114453", "high", 0), stray]) == ("absent", [])


def test_placement_unreadable_when_a_label_could_be_the_product_or_nothing_was_read():
    doubtful = barcode("3068320114460", "low", 900)  # a place where no code was read for sure
    assert placement([barcode("3068320114453", "high", 0), doubtful]) == (None, ["shelf_unreadable"])
    assert placement([]) == (None, ["shelf_unreadable"])
    assert placement([barcode(NUTELLA, "low", 0)]) == (None, ["low_confidence"])


def scooter(*photos: tuple[str, str, str]) -> list[str]:
    evidence = Evidence("scooter_recharge", None, [vehicle(*found) for found in photos], expected_vehicle_code="SCT-1")
    return [reason["code"] for reason in judge(evidence).reasons]


def test_a_scooter_needs_its_own_code_read_for_sure_at_pickup_and_at_drop_off():
    assert scooter(("pickup", "SCT-1", "high"), ("dropoff", "SCT-1", "high")) == []
    assert scooter(("pickup", "SCT-1", "high")) == ["missing_photo"]
    assert scooter(("pickup", "SCT-1", "high"), ("dropoff", "SCT-2", "high")) == ["wrong_vehicle"]
    assert scooter(("pickup", "SCT-1", "low"), ("dropoff", "SCT-1", "high")) == ["low_confidence"]
