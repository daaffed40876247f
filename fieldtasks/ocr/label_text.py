"""The small print around the shelf price: the unit price and a promotion, read in French (pure).

Only the neighbourhood of the price already found is read (Tesseract never sees the whole frame): it
is scaled so that the small print is about 30 pixels high, read as a block of text, and parsed by
fieldtasks.ocr.grammar.
"""

from __future__ import annotations

import os

import pytesseract
from PIL import Image, ImageOps

from fieldtasks.ocr.grammar import parse_prices, parse_promotions
from fieldtasks.ocr.types import Box, PriceCandidate

_TEXT = "--psm 6 -l fra"
SMALL_PRINT_SHARE = 0.2  # the unit price line is about a fifth of the big digits' height
MAX_CROP_PIXELS = 1_500_000


def read_small_print(
    gray: Image.Image, price_box: Box, photo_scale: float, currency: str
) -> tuple[PriceCandidate | None, int | None]:
    """(unit price, promotion percent) printed near the price box (in photo pixels); None when unread."""
    box = [value * photo_scale for value in (price_box.left, price_box.top, price_box.width, price_box.height)]
    left, top, width, height = box
    region = (
        max(0, round(left - 2.5 * width)),
        max(0, round(top - 1.2 * height)),
        min(gray.width, round(left + 2.0 * width)),
        min(gray.height, round(top + 2.5 * height)),
    )
    if region[2] - region[0] < 10 or region[3] - region[1] < 10:
        return None, None
    crop = gray.crop(region)
    scale = min(30 / max(1.0, SMALL_PRINT_SHARE * height), (MAX_CROP_PIXELS / (crop.width * crop.height)) ** 0.5)
    if abs(scale - 1) > 0.1:
        crop = crop.resize((max(1, round(crop.width * scale)), max(1, round(crop.height * scale))), Image.LANCZOS)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    text = pytesseract.image_to_string(ImageOps.autocontrast(crop), config=_TEXT)
    unit_prices = [found for found in parse_prices(text) if found.kind == "unit_price"]
    promotions = parse_promotions(text)
    unit_price = None
    if unit_prices:
        found = unit_prices[0]
        region_box = Box(
            round(region[0] / photo_scale),
            round(region[1] / photo_scale),
            round((region[2] - region[0]) / photo_scale),
            round((region[3] - region[1]) / photo_scale),
        )
        unit_price = PriceCandidate(
            found.amount_cents, currency, "unit_price", region_box, found.text, "low", 0.0, unit=found.unit
        )
    return unit_price, promotions[0].percent if promotions else None
