"""Extraction results as the verdicts receive them (typed, as parsed back from the database), for rule tests."""

from __future__ import annotations

from fieldtasks.models import PhotoStage
from fieldtasks.ocr.types import (
    BarcodeRead,
    Box,
    CodeRead,
    Confidence,
    Extraction,
    PriceCandidate,
    PriceCheck,
    TypedPrice,
    UnitPriceCheck,
)
from fieldtasks.services.verdicts import ReadPhoto

LABEL_BOX = Box(left=100, top=300, width=400, height=120)


def barcode(gtin: str, confidence: str = "high", left: int | None = None) -> BarcodeRead:
    box = Box(left=left, top=100, width=300, height=80) if left is not None else None
    return BarcodeRead(gtin, "ean13", box, decoders=("zbar",), votes=2, confidence=Confidence(confidence))


def price(cents: int, confidence: str = "high", *, kind: str = "price", unit: str | None = None) -> PriceCandidate:
    return PriceCandidate(
        amount_cents=cents, currency="EUR", kind=kind, box=LABEL_BOX, raw_text=str(cents),
        confidence=Confidence(confidence), score=90.0, unit=unit,
    )  # fmt: skip


def photo(
    barcodes: tuple[BarcodeRead, ...] = (),
    shelf_price: PriceCandidate | None = None,
    *,
    codes: tuple[CodeRead, ...] = (),
    unit_price: PriceCandidate | None = None,
    price_check: UnitPriceCheck | None = None,
    typed_price: PriceCheck | None = None,
    stage: PhotoStage | None = None,
) -> ReadPhoto:
    found = Extraction(
        barcodes=barcodes, prices=(shelf_price,) if shelf_price else (), shelf_price=shelf_price, width=4000,
        height=3000, unit_price=unit_price, codes=codes, price_check=price_check, typed_price=typed_price,
    )  # fmt: skip
    return ReadPhoto(found, stage)


def label(barcodes: list[tuple[str, str]] = (), cents: int | None = None, confidence: str = "high") -> ReadPhoto:
    """A label's photo: its barcodes as (GTIN, confidence), and the shelf price read, if any."""
    reads = tuple(barcode(gtin, sure) for gtin, sure in barcodes)
    return photo(reads, price(cents, confidence) if cents else None)


def typed(outcome: str, gtin: str, typed_cents: int = 349, read_cents: int | None = 349) -> ReadPhoto:
    check = PriceCheck(typed_cents=typed_cents, outcome=TypedPrice(outcome), read_cents=read_cents)
    return photo((barcode(gtin),), typed_price=check)


def vehicle(stage: str, text: str, confidence: str) -> ReadPhoto:
    code = CodeRead(text, "qr", None, decoders=("zxing",), votes=1, confidence=Confidence(confidence))
    return photo(codes=(code,), stage=PhotoStage(stage))
