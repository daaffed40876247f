"""The verification rules, as a pure function of the evidence gathered for one item."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OUTLIER_FACTOR = 3  # a price more than 3 times (or less than a third of) the recent median is flagged

# Every reason an item goes to review for, with a sentence its worker can read.
REASONS = {
    "no_barcode": "No product barcode could be read on the photo; keep the label's barcode sharp and in frame.",
    "wrong_product": "The barcode on the photo ({found}) is not the product of this task ({expected}).",
    "price_unreadable": "The shelf price could not be read on the photo.",
    "low_confidence": "The {what} was read, but not clearly enough to be sure; a moderator will check it.",
    "outside_geofence": "The photo was taken {distance_m} m from the place, outside its {geofence_m} m geofence.",
    "stale_photo": "The photo was taken at {taken_at}, outside the time you held this task.",
    "duplicate_photo": "This photo is a copy of one sent for another task or by another worker.",
    "price_outlier": "The price read ({price}) is far from this product's recent median ({median}).",
    "not_found": "You reported the product missing from the shelf: a finding, which a moderator confirms.",
    "unreadable_photo": "The photo could not be opened: {error}.",
}


def reason(code: str, **values: Any) -> dict[str, str]:
    return {"code": code, "message": REASONS[code].format(**values)}


@dataclass(frozen=True)
class Evidence:
    """What is known of one photographed item once every photo of it was read."""

    kind: str  # the campaign's kind
    expected_gtin: str | None
    extractions: list[dict[str, Any]]  # one per readable photo: the Extraction as stored
    unreadable: list[str] = field(default_factory=list)  # why each unreadable photo failed
    geofence_m: int = 100
    farthest_photo_m: float | None = None  # of the photos whose EXIF has a position
    stale_taken_at: str | None = None  # an EXIF time outside the claim, if any
    duplicate: bool = False
    median_price_cents: int | None = None


@dataclass(frozen=True)
class Judgement:
    reasons: list[dict[str, str]]
    price: dict[str, Any] | None  # the confident shelf price, when there is exactly one
    photo_index: int | None  # which extraction it came from

    @property
    def verified(self) -> bool:
        return not self.reasons


def judge(evidence: Evidence) -> Judgement:
    """Verified when nothing is wrong; otherwise every reason that applies."""
    reasons = [reason("unreadable_photo", error=error) for error in evidence.unreadable]
    reasons += _barcode_reasons(evidence)
    price, index = None, None
    if evidence.kind == "shelf_price":
        price, index, price_reasons = _price(evidence)
        reasons += price_reasons
    if evidence.farthest_photo_m is not None and evidence.farthest_photo_m > evidence.geofence_m:
        reasons.append(
            reason("outside_geofence", distance_m=round(evidence.farthest_photo_m), geofence_m=evidence.geofence_m)
        )
    if evidence.stale_taken_at:
        reasons.append(reason("stale_photo", taken_at=evidence.stale_taken_at))
    if evidence.duplicate:
        reasons.append(reason("duplicate_photo"))
    return Judgement(_unique(reasons), price, index)


def _barcode_reasons(evidence: Evidence) -> list[dict[str, str]]:
    reads = [read for extraction in evidence.extractions for read in extraction["barcodes"]]
    expected = evidence.expected_gtin
    if any(r["gtin"] == expected and r["confidence"] == "high" for r in reads):
        return []
    others = sorted({r["gtin"] for r in reads if r["confidence"] == "high" and r["gtin"] != expected})
    if others:
        return [reason("wrong_product", found=", ".join(others), expected=expected)]
    if reads:
        return [reason("low_confidence", what="barcode")]
    return [reason("no_barcode")] if evidence.extractions or not evidence.unreadable else []


def _price(evidence: Evidence) -> tuple[dict[str, Any] | None, int | None, list[dict[str, str]]]:
    shelf = [(i, e["shelf_price"]) for i, e in enumerate(evidence.extractions) if e.get("shelf_price")]
    confident = [(i, p) for i, p in shelf if p["confidence"] == "high"]
    amounts = {p["amount_cents"] for _, p in confident}
    if len(amounts) > 1 or (shelf and not confident):
        return None, None, [reason("low_confidence", what="price")]
    if not confident:
        return None, None, [reason("price_unreadable")] if evidence.extractions else []
    index, price = confident[0]
    median = evidence.median_price_cents
    if median and not median / OUTLIER_FACTOR <= price["amount_cents"] <= median * OUTLIER_FACTOR:
        flagged = reason("price_outlier", price=_money(price["amount_cents"]), median=_money(median))
        return price, index, [flagged]
    return price, index, []


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _unique(reasons: list[dict[str, str]]) -> list[dict[str, str]]:
    seen, kept = set(), []
    for found in reasons:
        if (found["code"], found["message"]) not in seen:
            seen.add((found["code"], found["message"]))
            kept.append(found)
    return kept
