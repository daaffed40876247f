"""What French shelf labels print, as text: prices, unit prices and promotions (pure).

Covers `2,49 €`, `2.49`, `2€49`, `€ 2,49`, `13,24 € / kg`, `1,32 €/L`, `le kg : 13,24 €`, `0,50 € la
pièce`, `Prix/kg 13,24 €`, `€/kg 13,24`, `-30%`, `2e à -50%`. Large units with raised cents are not text
but layout: fieldtasks.ocr.prices reads those from the glyphs' sizes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {"kg": "kg", "kilo": "kg", "l": "l", "litre": "l", "lt": "l", "pièce": "unit", "piece": "unit", "u": "unit"}
_UNIT = r"(?P<unit>kg|kilo|litre|lt|l|pi[eè]ce|u)\b"
_AMOUNT = (
    r"(?P<units>\d{1,4})\s*(?:[,.]\s*(?P<cents>\d{2})(?!\d)|€\s*(?P<raised>\d{2})(?!\d))"
    r"|(?P<whole>\d{1,4})\s*€"
)
_PRICE = re.compile(
    rf"(?:(?P<per_before>(?:(?:le|prix\s+au|au)\s+|(?:prix|pr)?\.?\s*€?\s*/\s*){_UNIT.replace('unit', 'unit_before')})"
    r"\s*:?\s*)?"
    rf"(?:€|eur)?\s*(?:{_AMOUNT})\s*(?:€|eur)?"
    rf"(?:\s*(?:/|le|la|par|au)\s*{_UNIT})?",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"(?:(?P<nth>\d)\s*(?:e|ème|eme)\s*à\s*)?-\s*(?P<percent>\d{1,2})\s*%", re.IGNORECASE)


@dataclass(frozen=True)
class TextPrice:
    amount_cents: int
    kind: str  # "price" or "unit_price"
    unit: str | None  # "kg", "l" or "unit" for unit prices
    text: str


@dataclass(frozen=True)
class Promotion:
    percent: int
    on_item: int | None  # 2 for "2e à -50%": the discount applies to the second item
    text: str


def parse_prices(text: str) -> list[TextPrice]:
    """Every price written in `text`, in reading order."""
    found = []
    for match in _PRICE.finditer(text):
        groups = match.groupdict()
        units = groups["units"] or groups["whole"]
        if units is None:
            continue
        cents = groups["cents"] or groups["raised"] or "00"
        if groups["whole"] and not re.search(r"€|eur", match.group(0), re.IGNORECASE):
            continue
        unit = groups["unit"] or groups["unit_before"]
        kind = "unit_price" if unit else "price"
        found.append(
            TextPrice(
                int(units) * 100 + int(cents), kind, _UNITS[unit.lower()] if unit else None, match.group(0).strip()
            )
        )
    return found


def parse_promotions(text: str) -> list[Promotion]:
    return [
        Promotion(int(match["percent"]), int(match["nth"]) if match["nth"] else None, match.group(0))
        for match in _PERCENT.finditer(text)
    ]


def unit_price_agrees(price_cents: int, unit_price_cents: int, quantity: float, tolerance: float = 0.02) -> bool:
    """Does the unit price times the net quantity (in kg, l or units) give the price, within 2%?"""
    expected = unit_price_cents * quantity
    return abs(expected - price_cents) <= max(2, tolerance * price_cents)
