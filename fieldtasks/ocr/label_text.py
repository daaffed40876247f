"""The small print around the shelf price: the unit price and a promotion, read in French (pure).

Only the neighbourhood of the price already found is read (Tesseract never sees the whole frame), the
price itself painted over: it is scaled so that the small print is about 30 pixels high, read as one
column of lines of any size (block mode read the unit price with the price's digits, or dropped the line
once the price was painted over), and parsed by fieldtasks.ocr.grammar. A promotion printed light on a
dark badge is read apart, inverted.
"""

from __future__ import annotations

import itertools
import os

import numpy as np
import pytesseract
from PIL import Image, ImageDraw, ImageOps

from fieldtasks.ocr.grammar import parse_prices, parse_promotions
from fieldtasks.ocr.prices import find_glyphs, glyph_masks, glyph_rows, read_lines
from fieldtasks.ocr.types import Box, PriceCandidate

_TEXT = "--psm 4 -l fra"
SMALL_PRINT_SHARE = 0.2  # the unit price line is about a fifth of the big digits' height
MAX_CROP_PIXELS = 1_500_000
_BADGE = "--psm 6 -c tessedit_char_whitelist=-0123456789%"
BADGE_SHARE = (0.1, 0.5)  # a badge's text height, in price heights
MAX_BADGE_ROWS = 4
BADGE_SEARCH_PIXELS = 600_000  # the badge search runs on a copy of at most this size


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
    # The price, already read, is painted over: on its lines it would join the small print (`Pr/kg 49.07 5 30`).
    margin = 0.05 * height
    x, y = left - region[0], top - region[1]
    paper = int(np.percentile(np.asarray(crop), 90))
    ImageDraw.Draw(crop).rectangle((x - margin, y - margin, x + width + margin, y + height + margin), fill=paper)
    scale = min(30 / max(1.0, SMALL_PRINT_SHARE * height), (MAX_CROP_PIXELS / (crop.width * crop.height)) ** 0.5)
    if abs(scale - 1) > 0.1:
        crop = crop.resize((max(1, round(crop.width * scale)), max(1, round(crop.height * scale))), Image.LANCZOS)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    text = pytesseract.image_to_string(ImageOps.autocontrast(crop), config=_TEXT)
    text = text.replace("£", "€")  # the French model often reads a € as £; no label here prices in pounds
    unit_prices = [found for found in parse_prices(text) if found.kind == "unit_price"]
    promotions = parse_promotions(text)
    percent = promotions[0].percent if promotions else read_badge(crop, height * scale)
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
    return unit_price, percent


def read_badge(crop: Image.Image, price_height: float) -> int | None:
    """A promotion printed light on a dark badge (`-30%` white on red), which the text reading misses:
    rows of 2-4 light glyphs, inverted and read in one Tesseract run."""
    shrink = min(1.0, (BADGE_SEARCH_PIXELS / (crop.width * crop.height)) ** 0.5)
    small = crop.resize((max(1, round(crop.width * shrink)), max(1, round(crop.height * shrink))), Image.BILINEAR)
    light = dict(glyph_masks(small))["light"]
    glyphs = [tuple(round(value / shrink) for value in glyph) for glyph in find_glyphs(light)]
    low, high = (share * price_height for share in BADGE_SHARE)
    glyphs = [glyph for glyph in glyphs if glyph[3] - glyph[1] <= high]
    crops = []
    for row in itertools.islice(glyph_rows(glyphs, (2, 4), at_least=round(low)), MAX_BADGE_ROWS):
        left, top = min(g[0] for g in row), min(g[1] for g in row)
        right, bottom = max(g[2] for g in row), max(g[3] for g in row)
        pad = round(0.3 * (bottom - top))  # the minus sign is too flat to be a glyph: room for it on the left
        badge = crop.crop((max(0, left - 2 * pad), max(0, top - pad), right + pad, bottom + pad))
        badge = ImageOps.invert(ImageOps.autocontrast(badge))
        badge = badge.resize((max(1, round(badge.width * 60 / badge.height)), 60), Image.LANCZOS)
        crops.append(ImageOps.expand(badge, 20, fill=255))
    for text, _ in read_lines(crops, _BADGE) if crops else []:
        if found := parse_promotions(text):
            return found[0].percent
    return None
