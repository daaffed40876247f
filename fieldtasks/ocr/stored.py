"""An Extraction as stored (JSON in PostgreSQL) and back: a job writes it once, the verdicts read it typed."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from fieldtasks.ocr.types import (
    BarcodeRead,
    Box,
    CodeRead,
    Confidence,
    Extraction,
    PriceCandidate,
    PriceCheck,
    PrintedGtin,
    TextLine,
    TypedPrice,
    UnitPriceCheck,
)

T = TypeVar("T")
Stored = Mapping[str, Any]


def to_json(extraction: Extraction) -> dict[str, Any]:
    """The Extraction as plain JSON values (tuples become lists, enums their values)."""
    return dataclasses.asdict(extraction)


def from_json(data: Stored) -> Extraction:
    """The stored Extraction, typed again; fields added since it was stored take their defaults."""
    return Extraction(
        barcodes=tuple(_barcode(read) for read in data.get("barcodes", ())),
        prices=tuple(_price(candidate) for candidate in data.get("prices", ())),
        shelf_price=_maybe(_price, data.get("shelf_price")),
        width=data["width"],
        height=data["height"],
        timings_ms=dict(data.get("timings_ms", {})),
        engines=dict(data.get("engines", {})),
        unit_price=_maybe(_price, data.get("unit_price")),
        promotion_percent=data.get("promotion_percent"),
        codes=tuple(_code(code) for code in data.get("codes", ())),
        price_check=_maybe(UnitPriceCheck, data.get("price_check")),
        text_lines=tuple(
            TextLine(line["text"], _box(line["box"]), line["score"]) for line in data.get("text_lines", ())
        ),
        printed_gtins=tuple(
            PrintedGtin(printed["gtin"], _box(printed["box"]), printed["score"])
            for printed in data.get("printed_gtins", ())
        ),
        typed_price=_maybe(_typed_price, data.get("typed_price")),
    )


def _maybe(parse: Callable[[Any], T], value: Any) -> T | None:
    return None if value is None else parse(value)


def _box(data: Stored) -> Box:
    return Box(left=data["left"], top=data["top"], width=data["width"], height=data["height"])


def _barcode(data: Stored) -> BarcodeRead:
    return BarcodeRead(data["gtin"], **_read_fields(data))


def _code(data: Stored) -> CodeRead:
    return CodeRead(data["text"], **_read_fields(data))


def _read_fields(data: Stored) -> dict[str, Any]:
    """What a product code and a vehicle code share: how they were read, and how sure that is."""
    return {
        "symbology": data["symbology"],
        "box": _maybe(_box, data.get("box")),
        "decoders": tuple(data.get("decoders", ())),
        "votes": data.get("votes", 1),
        "confidence": Confidence(data["confidence"]),
        "expected": data.get("expected"),
    }


def _price(data: Stored) -> PriceCandidate:
    return PriceCandidate(
        amount_cents=data["amount_cents"],
        currency=data["currency"],
        kind=data["kind"],
        box=_box(data["box"]),
        raw_text=data["raw_text"],
        confidence=Confidence(data["confidence"]),
        score=data["score"],
        unit=data.get("unit"),
        reader=data.get("reader", "tesseract"),
    )


def _typed_price(data: Stored) -> PriceCheck:
    return PriceCheck(
        typed_cents=data["typed_cents"], outcome=TypedPrice(data["outcome"]), read_cents=data["read_cents"]
    )
