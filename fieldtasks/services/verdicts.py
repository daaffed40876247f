"""The verification rules, as a pure function of the evidence gathered for one item."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fieldtasks.i18n import N_, Sentence
from fieldtasks.ocr.types import TypedPrice

OUTLIER_FACTOR = 3  # a price more than 3 times (or less than a third of) the recent median is flagged

# Every reason an item goes to review for, with a sentence its worker can read.
REASONS = {
    "no_barcode": N_("No product barcode could be read on the photo; keep the label's barcode sharp and in frame."),
    "wrong_product": N_("The barcode on the photo ({found}) is not the product of this task ({expected})."),
    "price_unreadable": N_("The shelf price could not be read on the photo."),
    "low_confidence": N_("The {what} was read, but not clearly enough to be sure; a moderator will check it."),
    "outside_geofence": N_("The photo was taken {distance_m} m from the place, outside its {geofence_m} m geofence."),
    "stale_photo": N_("The photo was taken at {taken_at}, outside the time you held this task."),
    "duplicate_photo": N_("This photo is a copy of one sent for another task or by another worker."),
    "price_disagrees": N_(
        "The price read ({price}) and the unit price read ({unit_price} per {unit}) do not agree "
        "for this product's quantity; a moderator will check them."
    ),
    "price_outlier": N_("The price read ({price}) is far from this product's recent median ({median})."),
    "price_mismatch": N_("You entered {typed}; the label reads {read}. A moderator will check the photo."),
    "price_unconfirmed": N_(
        "The price you entered ({typed}) could not be confirmed on the photo; a moderator will check it."
    ),
    "not_found": N_(
        "You reported the product missing from the shelf, with a photo of its place: a finding, which a "
        "moderator confirms."
    ),
    "absence_unproven": N_(
        "You reported the product missing without a photo of its empty place: with nothing to "
        "check, this finding is not paid. Next time, photograph the label with no product, or the gap."
    ),
    "unreadable_photo": N_("The photo could not be opened: {error}."),
    "shelf_unreadable": N_("Some labels on the shelf could not be read, so the product may be there unseen."),
    "missing_photo": N_("There is no {stage} photo of the vehicle's code."),
    "no_vehicle_code": N_("The vehicle's code could not be read on the {stage} photo; keep it sharp and in frame."),
    "wrong_vehicle": N_("The code on the {stage} photo ({found}) is not this task's vehicle ({expected})."),
}
SCOOTER_STAGES = ("pickup", "dropoff")


def reason(code: str, **values: Any) -> dict[str, Any]:
    """A reason as stored: its code, the sentence in English, and the values that say it again in another language."""
    return {"code": code, "message": REASONS[code].format(**values), "values": values}


def reason_sentence(found: dict[str, Any]) -> str:
    """A stored reason's sentence, to say again in the reader's language (as it was written when it cannot be)."""
    template, values = REASONS.get(found["code"]), found.get("values")
    if template is None or (values is None and "{" in template):
        return found.get("message", "")
    return Sentence(template, **(values or {}))


@dataclass(frozen=True)
class Evidence:
    """What is known of one photographed item once every photo of it was read."""

    kind: str  # the campaign's kind
    expected_gtin: str | None
    extractions: list[dict[str, Any]]  # one per readable photo: the Extraction as stored, and its "stage"
    absence: bool = False  # reported missing: the photos show the product's empty place
    unreadable: list[str] = field(default_factory=list)  # why each unreadable photo failed
    geofence_m: int = 100
    farthest_photo_m: float | None = None  # of the photos whose EXIF has a position
    stale_taken_at: str | None = None  # an EXIF time outside the claim, if any
    duplicate: bool = False
    median_price_cents: int | None = None
    expected_vehicle_code: str | None = None


@dataclass(frozen=True)
class Judgement:
    reasons: list[dict[str, str]]
    price: dict[str, Any] | None  # the confident shelf price, when there is exactly one
    photo_index: int | None  # which extraction it came from
    presence: str | None = None  # placement: "present" or "absent" on the shelf, when sure

    @property
    def verified(self) -> bool:
        return not self.reasons


def judge(evidence: Evidence) -> Judgement:
    """Verified when nothing is wrong; otherwise every reason that applies."""
    reasons = [reason("unreadable_photo", error=error) for error in evidence.unreadable]
    price, index, presence = None, None, None
    if evidence.absence:
        reasons += [reason("not_found"), *_other_product(evidence)]  # the gap is for a moderator to see
    elif evidence.kind == "product_placement":
        presence, presence_reasons = _presence(evidence)
        reasons += presence_reasons
    elif evidence.kind == "scooter_recharge":
        reasons += _vehicle_reasons(evidence)
    else:
        reasons += _barcode_reasons(evidence)
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
    return Judgement(_unique(reasons), price, index, presence if not reasons else None)


def _other_product(evidence: Evidence) -> list[dict[str, str]]:
    """Another product's barcode read for sure, and not this one's: the photo is of another place."""
    reads = [read for extraction in evidence.extractions for read in extraction["barcodes"]]
    expected = evidence.expected_gtin
    if shows_product(reads, expected):
        return []
    others = sorted({r["gtin"] for r in reads if r["confidence"] == "high" and r["gtin"] != expected})
    return [reason("wrong_product", found=", ".join(others), expected=expected)] if others else []


def _barcode_reasons(evidence: Evidence) -> list[dict[str, str]]:
    reads = [read for extraction in evidence.extractions for read in extraction["barcodes"]]
    if shows_product(reads, evidence.expected_gtin):
        return []
    if other := _other_product(evidence):
        return other
    if reads:
        return [reason("low_confidence", what="barcode")]
    return [reason("no_barcode")] if evidence.extractions or not evidence.unreadable else []


def _presence(evidence: Evidence) -> tuple[str | None, list[dict[str, str]]]:
    """On the shelf when its code was read for sure; absent only when every label seen was read."""
    reads = [read for extraction in evidence.extractions for read in extraction["barcodes"]]
    mine = [read for read in reads if read["gtin"] == evidence.expected_gtin]
    if any(read["confidence"] == "high" for read in mine):
        return "present", []
    if mine:
        return None, [reason("low_confidence", what="barcode")]
    if not evidence.extractions:
        return None, []  # every photo unreadable: said already
    confident = [read for read in reads if read["confidence"] == "high"]
    # A doubtful read where no code was read for sure may be this product's label, misread.
    doubtful = [r for r in reads if r["confidence"] != "high" and not any(_overlap(r, c) for c in confident)]
    if not confident or doubtful:
        return None, [reason("shelf_unreadable")]
    return "absent", []


def _overlap(one: dict[str, Any], other: dict[str, Any]) -> bool:
    a, b = one.get("box"), other.get("box")
    if not (a and b):
        return False
    return (
        a["left"] < b["left"] + b["width"]
        and b["left"] < a["left"] + a["width"]
        and a["top"] < b["top"] + b["height"]
        and b["top"] < a["top"] + a["height"]
    )


def shows_product(barcodes: list[dict[str, Any]], gtin: str | None) -> bool:
    """The product's own barcode is among the codes read, read for sure."""
    return any(read["gtin"] == gtin and read["confidence"] == "high" for read in barcodes)


def shows_vehicle(codes: list[dict[str, Any]], expected: str | None) -> bool:
    """The vehicle's own code is among the codes read, read for sure."""
    return any(code["text"] == expected and code["confidence"] == "high" for code in codes)


def _vehicle_reasons(evidence: Evidence) -> list[dict[str, str]]:
    """The vehicle's own code, read for sure on a pickup photo and on a drop-off photo."""
    expected, found = evidence.expected_vehicle_code, []
    for stage in SCOOTER_STAGES:
        photos = [extraction for extraction in evidence.extractions if extraction.get("stage") == stage]
        codes = [code for extraction in photos for code in extraction.get("codes", [])]
        if shows_vehicle(codes, expected):
            continue
        others = sorted({code["text"] for code in codes if code["confidence"] == "high"})
        if others:
            found.append(reason("wrong_vehicle", stage=stage, found=", ".join(others), expected=expected))
        elif codes:
            found.append(reason("low_confidence", what=f"vehicle code on the {stage} photo"))
        elif photos:
            found.append(reason("no_vehicle_code", stage=stage))
        elif not evidence.unreadable:
            found.append(reason("missing_photo", stage=stage))
    return found


def _price(evidence: Evidence) -> tuple[dict[str, Any] | None, int | None, list[dict[str, str]]]:
    """The shelf price: the worker's, when they typed one and the photo confirms it; else read blind. Only
    the photos showing the product count when one does: another label's price is not this product's."""
    proofs = _showing_product(evidence) or list(enumerate(evidence.extractions))
    typed = [(i, e["typed_price"]) for i, e in proofs if e.get("typed_price")]
    if typed:
        return _typed_price(evidence, typed)
    shelf = [(i, e["shelf_price"]) for i, e in proofs if e.get("shelf_price")]
    confident = [(i, p) for i, p in shelf if p["confidence"] == "high"]
    amounts = {p["amount_cents"] for _, p in confident}
    if len(amounts) > 1 or (shelf and not confident):
        return None, None, [_disagreement(evidence) or reason("low_confidence", what="price")]
    if not confident:
        return None, None, [reason("price_unreadable")] if evidence.extractions else []
    index, price = confident[0]
    return _unless_outlier(evidence, {**price, "source": "read"}, index)


def _showing_product(evidence: Evidence) -> list[tuple[int, dict[str, Any]]]:
    return [
        (i, found)
        for i, found in enumerate(evidence.extractions)
        if shows_product(found["barcodes"], evidence.expected_gtin)
    ]


def _typed_price(
    evidence: Evidence, typed: list[tuple[int, dict[str, Any]]]
) -> tuple[dict[str, Any] | None, int | None, list[dict[str, str]]]:
    """Confirmed by a photo, and no photo reads otherwise for sure: the typed price, established twice."""
    for _, check in typed:
        if check["outcome"] == TypedPrice.CONTRADICTED:
            found = reason("price_mismatch", typed=_money(check["typed_cents"]), read=_money(check["read_cents"]))
            return None, None, [found]
    confirmed = [(i, check) for i, check in typed if check["outcome"] == TypedPrice.CONFIRMED]
    if not confirmed or len({check["typed_cents"] for _, check in typed}) > 1:
        return None, None, [reason("price_unconfirmed", typed=_money(typed[0][1]["typed_cents"]))]
    index, check = confirmed[0]
    price = {"amount_cents": check["typed_cents"], "confidence": "high", "source": "typed_and_read"}
    return _unless_outlier(evidence, price, index)


def _unless_outlier(
    evidence: Evidence, price: dict[str, Any], index: int
) -> tuple[dict[str, Any] | None, int | None, list[dict[str, str]]]:
    median = evidence.median_price_cents
    if median and not median / OUTLIER_FACTOR <= price["amount_cents"] <= median * OUTLIER_FACTOR:
        flagged = reason("price_outlier", price=_money(price["amount_cents"]), median=_money(median))
        return price, index, [flagged]
    return price, index, []


def _disagreement(evidence: Evidence) -> dict[str, str] | None:
    """Why a price is unsure when it is because the label's two numbers disagree (see ocr.extract)."""
    for found in evidence.extractions:
        if found.get("price_check") == "disagrees":
            price, unit_price = found["shelf_price"], found["unit_price"]
            return reason(
                "price_disagrees",
                price=_money(price["amount_cents"]),
                unit_price=_money(unit_price["amount_cents"]),
                unit=unit_price["unit"],
            )
    return None


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _unique(reasons: list[dict[str, str]]) -> list[dict[str, str]]:
    seen, kept = set(), []
    for found in reasons:
        if (found["code"], found["message"]) not in seen:
            seen.add((found["code"], found["message"]))
            kept.append(found)
    return kept
