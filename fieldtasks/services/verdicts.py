"""The verification rules, as a pure function of the evidence gathered for one item."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fieldtasks.i18n import N_, Sentence
from fieldtasks.models import CampaignKind, PhotoStage, Presence, PriceSource
from fieldtasks.ocr.types import BarcodeRead, CodeRead, Confidence, Extraction, PriceCheck, TypedPrice, UnitPriceCheck

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
SCOOTER_STAGES = (PhotoStage.PICKUP, PhotoStage.DROPOFF)


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
class ReadPhoto:
    """One readable photo of the item: what extraction found on it, and what it shows (a scooter's stage)."""

    extraction: Extraction
    stage: PhotoStage | None = None
    photo_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ShelfPrice:
    """The price the verdict establishes, and the photo that proves it."""

    amount_cents: int
    source: PriceSource  # typed and confirmed on the photo, or read by the machine alone
    proof: ReadPhoto
    confidence: Confidence = Confidence.HIGH  # nothing less pays by itself


@dataclass(frozen=True)
class Evidence:
    """What is known of one photographed item once every photo of it was read."""

    kind: CampaignKind
    expected_gtin: str | None
    photos: list[ReadPhoto]  # one per readable photo
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
    price: ShelfPrice | None  # the confident shelf price, when there is exactly one
    presence: Presence | None = None  # placement: on the shelf or not, when sure

    @property
    def verified(self) -> bool:
        return not self.reasons


def judge(evidence: Evidence) -> Judgement:
    """Verified when nothing is wrong; otherwise every reason that applies."""
    reasons = [reason("unreadable_photo", error=error) for error in evidence.unreadable]
    price, presence = None, None
    if evidence.absence:
        reasons += [reason("not_found"), *_other_product(evidence)]  # the gap is for a moderator to see
    elif evidence.kind == CampaignKind.PRODUCT_PLACEMENT:
        presence, presence_reasons = _presence(evidence)
        reasons += presence_reasons
    elif evidence.kind == CampaignKind.SCOOTER_RECHARGE:
        reasons += _vehicle_reasons(evidence)
    else:
        reasons += _barcode_reasons(evidence)
        price, price_reasons = _price(evidence)
        reasons += price_reasons
    if evidence.farthest_photo_m is not None and evidence.farthest_photo_m > evidence.geofence_m:
        reasons.append(
            reason("outside_geofence", distance_m=round(evidence.farthest_photo_m), geofence_m=evidence.geofence_m)
        )
    if evidence.stale_taken_at:
        reasons.append(reason("stale_photo", taken_at=evidence.stale_taken_at))
    if evidence.duplicate:
        reasons.append(reason("duplicate_photo"))
    return Judgement(_unique(reasons), price, presence if not reasons else None)


def _reads(evidence: Evidence) -> list[BarcodeRead]:
    return [read for photo in evidence.photos for read in photo.extraction.barcodes]


def _other_product(evidence: Evidence) -> list[dict[str, str]]:
    """Another product's barcode read for sure, and not this one's: the photo is of another place."""
    reads, expected = _reads(evidence), evidence.expected_gtin
    if shows_product(reads, expected):
        return []
    others = sorted({r.gtin for r in reads if r.confidence == Confidence.HIGH and r.gtin != expected})
    return [reason("wrong_product", found=", ".join(others), expected=expected)] if others else []


def _barcode_reasons(evidence: Evidence) -> list[dict[str, str]]:
    reads = _reads(evidence)
    if shows_product(reads, evidence.expected_gtin):
        return []
    if other := _other_product(evidence):
        return other
    if reads:
        return [reason("low_confidence", what="barcode")]
    return [reason("no_barcode")] if evidence.photos or not evidence.unreadable else []


def _presence(evidence: Evidence) -> tuple[Presence | None, list[dict[str, str]]]:
    """On the shelf when its code was read for sure; absent only when every label seen was read."""
    reads = _reads(evidence)
    mine = [read for read in reads if read.gtin == evidence.expected_gtin]
    if any(read.confidence == Confidence.HIGH for read in mine):
        return Presence.PRESENT, []
    if mine:
        return None, [reason("low_confidence", what="barcode")]
    if not evidence.photos:
        return None, []  # every photo unreadable: said already
    confident = [read for read in reads if read.confidence == Confidence.HIGH]
    # A doubtful read where no code was read for sure may be this product's label, misread.
    doubtful = [r for r in reads if r.confidence != Confidence.HIGH and not any(_overlap(r, c) for c in confident)]
    if not confident or doubtful:
        return None, [reason("shelf_unreadable")]
    return Presence.ABSENT, []


def _overlap(one: BarcodeRead, other: BarcodeRead) -> bool:
    return one.box is not None and other.box is not None and one.box.overlaps(other.box)


def shows_product(barcodes: Iterable[BarcodeRead], gtin: str | None) -> bool:
    """The product's own barcode is among the codes read, read for sure."""
    return any(read.gtin == gtin and read.confidence == Confidence.HIGH for read in barcodes)


def shows_vehicle(codes: Iterable[CodeRead], expected: str | None) -> bool:
    """The vehicle's own code is among the codes read, read for sure."""
    return any(code.text == expected and code.confidence == Confidence.HIGH for code in codes)


def _vehicle_reasons(evidence: Evidence) -> list[dict[str, str]]:
    """The vehicle's own code, read for sure on a pickup photo and on a drop-off photo."""
    expected, found = evidence.expected_vehicle_code, []
    for stage in SCOOTER_STAGES:
        photos = [photo for photo in evidence.photos if photo.stage == stage]
        codes = [code for photo in photos for code in photo.extraction.codes]
        if shows_vehicle(codes, expected):
            continue
        others = sorted({code.text for code in codes if code.confidence == Confidence.HIGH})
        if others:
            found.append(reason("wrong_vehicle", stage=stage, found=", ".join(others), expected=expected))
        elif codes:
            found.append(reason("low_confidence", what=f"vehicle code on the {stage} photo"))
        elif photos:
            found.append(reason("no_vehicle_code", stage=stage))
        elif not evidence.unreadable:
            found.append(reason("missing_photo", stage=stage))
    return found


def _price(evidence: Evidence) -> tuple[ShelfPrice | None, list[dict[str, str]]]:
    """The shelf price: the worker's, when they typed one and the photo confirms it; else read blind. Only
    the photos showing the product count when one does: another label's price is not this product's."""
    proofs = [photo for photo in evidence.photos if shows_product(photo.extraction.barcodes, evidence.expected_gtin)]
    proofs = proofs or evidence.photos
    typed = [(photo, check) for photo in proofs if (check := photo.extraction.typed_price) is not None]
    if typed:
        return _typed_price(evidence, typed)
    shelf = [(photo, read) for photo in proofs if (read := photo.extraction.shelf_price) is not None]
    confident = [(photo, read) for photo, read in shelf if read.confidence == Confidence.HIGH]
    amounts = {read.amount_cents for _, read in confident}
    if len(amounts) > 1 or (shelf and not confident):
        return None, [_disagreement(evidence) or reason("low_confidence", what="price")]
    if not confident:
        return None, [reason("price_unreadable")] if evidence.photos else []
    proof, read = confident[0]
    return _unless_outlier(evidence, ShelfPrice(read.amount_cents, PriceSource.READ, proof))


def _typed_price(
    evidence: Evidence, checks: list[tuple[ReadPhoto, PriceCheck]]
) -> tuple[ShelfPrice | None, list[dict[str, str]]]:
    """Confirmed by a photo, and no photo reads otherwise for sure: the typed price, established twice."""
    for _, check in checks:
        if check.outcome == TypedPrice.CONTRADICTED:
            return None, [reason("price_mismatch", typed=_money(check.typed_cents), read=_money(check.read_cents))]
    confirmed = [(photo, check) for photo, check in checks if check.outcome == TypedPrice.CONFIRMED]
    if not confirmed or len({check.typed_cents for _, check in checks}) > 1:
        return None, [reason("price_unconfirmed", typed=_money(checks[0][1].typed_cents))]
    proof, check = confirmed[0]
    return _unless_outlier(evidence, ShelfPrice(check.typed_cents, PriceSource.TYPED_AND_READ, proof))


def _unless_outlier(evidence: Evidence, price: ShelfPrice) -> tuple[ShelfPrice, list[dict[str, str]]]:
    median = evidence.median_price_cents
    if median and not median / OUTLIER_FACTOR <= price.amount_cents <= median * OUTLIER_FACTOR:
        return price, [reason("price_outlier", price=_money(price.amount_cents), median=_money(median))]
    return price, []


def _disagreement(evidence: Evidence) -> dict[str, str] | None:
    """Why a price is unsure when it is because the label's two numbers disagree (see ocr.extract)."""
    for photo in evidence.photos:
        found = photo.extraction
        if found.price_check == UnitPriceCheck.DISAGREES and found.shelf_price and found.unit_price:
            return reason(
                "price_disagrees",
                price=_money(found.shelf_price.amount_cents),
                unit_price=_money(found.unit_price.amount_cents),
                unit=found.unit_price.unit,
            )
    return None


def _money(cents: int | None) -> str:
    if cents is None:
        return "?"
    return f"{cents // 100}.{cents % 100:02d}"


def _unique(reasons: list[dict[str, str]]) -> list[dict[str, str]]:
    seen, kept = set(), []
    for found in reasons:
        if (found["code"], found["message"]) not in seen:
            seen.add((found["code"], found["message"]))
            kept.append(found)
    return kept
