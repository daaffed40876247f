"""One place of the photo read again by the other kind of reader (pure).

Each kind of reader also finds places: the glyph readers, the arrangement of the price's glyphs (or
an LCD's digits); the neural detector, its lines. Where one kind read a price the other did not, the
other reads that place alone: shown only where to look, never what was read there, so a reading that
agrees is still an independent one.
"""

from __future__ import annotations

import dataclasses

from PIL import Image, ImageOps

from fieldtasks.ocr.prices import PRINT, glyph_crop, price_candidate, read_digits, read_prices
from fieldtasks.ocr.readings import neural_prices, split_price
from fieldtasks.ocr.scene_text import read_place
from fieldtasks.ocr.types import Box, Confidence, PriceCandidate

MARGIN = 0.5  # of the place's height, around it: the glyph finder needs room to see digits as glyphs


def glyphs_at(gray: Image.Image, box: Box, photo_scale: float, currency: str) -> list[PriceCandidate]:
    """The glyph readers' readings of one place (in photo pixels), cut out with a margin: read as a whole
    label is (Tesseract on the price arrangements, else the LCD fit); else its digits read by Tesseract
    as one line (one look: never sure alone)."""
    left, top, right, bottom = box.around(MARGIN, photo_scale, gray.size)
    if min(right - left, bottom - top) < 8:
        return []
    found = read_prices(gray.crop((left, top, right, bottom)), photo_scale, currency)
    if found:
        dx, dy = left / photo_scale, top / photo_scale
        return [dataclasses.replace(c, box=_shifted(c.box, dx, dy)) for c in found]
    glyphs = [box.around(0.12, photo_scale, gray.size)]
    text, confidence = read_digits(ImageOps.autocontrast(glyph_crop(gray, glyphs, 0)), (PRINT,))
    parts = split_price(text)
    if parts is None:
        return []
    candidate = price_candidate(glyphs, parts[0], parts[1], confidence, currency, photo_scale)
    return [dataclasses.replace(candidate, confidence=Confidence.LOW)]


def neural_at(gray: Image.Image, box: Box, photo_scale: float, currency: str) -> list[PriceCandidate]:
    """The neural recognizer's price reading of one place, cut out and brought to its height."""
    line = read_place(gray, box, photo_scale)
    return neural_prices((line,), currency) if line else []


def _shifted(box: Box, dx: float, dy: float) -> Box:
    return Box(round(box.left + dx), round(box.top + dy), box.width, box.height)
