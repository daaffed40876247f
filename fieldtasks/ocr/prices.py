"""Reading the shelf price: big digits for the units, raised smaller digits for the cents (pure).

Glyphs are found first (locally adaptive thresholds, dark-on-light and light-on-dark), then every
arrangement that looks like a price (1 to 3 glyphs of one height, then two raised glyphs of about
half that height) is read by Tesseract on its crop only, digits whitelisted, twice: on the
thresholded ink and on the grey crop. A reading counts only when Tesseract returns as many digits
as there are glyphs, and is confident only when both readings agree and Tesseract is sure of every
word. A price printed on one line (`2,49 €`) is a row of glyphs of one height read as `units,cents`,
and only when it is the largest print on the label.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterator

import numpy as np
import pytesseract
from PIL import Image, ImageOps
from scipy import ndimage

from fieldtasks.ocr.lcd import read_lcd_price
from fieldtasks.ocr.types import Box, Confidence, PriceCandidate

WORKING_HEIGHT = 480  # a label crop is read at this height; a whole photo at up to twice that
MIN_GLYPH_SHARE = 0.03  # of the working height: the cents of a label a third of the frame wide
MAX_ARRANGEMENTS = 6  # per mask, largest print first: the shelf price is the largest number on a label
MAX_RETRIES = 2  # arrangements read but not for sure, read again crop by crop (the largest first)
HIGH_CONFIDENCE = 70.0  # Tesseract's word confidence, on every word of both groups
SMALLER_PRINT = 0.6  # print below this share of the height of digits read (unsure) before it: not sure
_LINE = "--psm 7 -c tessedit_char_whitelist=0123456789"
# Line mode returns nothing for some lone glyphs (a bold 4); read as one word, they come out.
_WORD = "--psm 8 -c tessedit_char_whitelist=0123456789"
_BLOCK = "--psm 6 -c tessedit_char_whitelist=0123456789"  # crops stacked as the lines of one sheet
# Prices printed on one line (2,49 €). Tesseract is unsure of every word holding a €, so the row is read
# whole and without its last glyph (the € when there is one), and only a bare "2,49" counts.
_ONE_LINE = "--psm 6 -c tessedit_char_whitelist=0123456789,."
_DECIMAL = re.compile(r"(\d{1,4})[,.](\d{2})")
PRINT = "--psm 7 -c tessedit_char_whitelist=0123456789,.-"  # one printed price, as the neural reader found it
MAX_ONE_LINE = 4  # one-line candidates per mask

Glyph = tuple[int, int, int, int]  # left, top, right, bottom in working pixels


def glyph_masks(gray: Image.Image) -> Iterator[tuple[str, np.ndarray]]:
    """Ink masks: darker than the surroundings (most labels) and lighter (white on colour)."""
    pixels = np.asarray(gray, np.float32)
    local = ndimage.uniform_filter(pixels, size=61)
    spread = np.sqrt(np.maximum(ndimage.uniform_filter(pixels * pixels, size=61) - local**2, 1))
    dark = pixels < local - 0.5 * spread
    yield "dark", dark
    yield "light", pixels > local + 0.5 * spread


def find_glyphs(mask: np.ndarray) -> list[Glyph]:
    """Connected blobs shaped like a digit: tall enough, not too wide, neither hollow nor solid, and
    holding no other such blob (that is a frame: a box printed around the cents)."""
    height = mask.shape[0]
    labels, _ = ndimage.label(mask)
    glyphs = []
    for index, found in enumerate(ndimage.find_objects(labels), start=1):
        top, bottom, left, right = found[0].start, found[0].stop, found[1].start, found[1].stop
        h, w = bottom - top, right - left
        if not (MIN_GLYPH_SHARE * height <= h <= 0.8 * height and 0.12 * h <= w <= 1.6 * h):
            continue
        if 0.12 < (labels[found] == index).mean() < 0.8:
            glyphs.append((left, top, right, bottom))
    return [glyph for glyph in glyphs if not any(_holds(glyph, other) for other in glyphs if other != glyph)]


def _holds(outer: Glyph, inner: Glyph) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def price_arrangements(glyphs: list[Glyph]) -> Iterator[tuple[list[Glyph], list[Glyph]]]:
    """(units, cents) glyph groups: a row of 1-3 same-height glyphs, then two raised smaller ones
    (or the pieces blur made of them)."""
    for units, h in _rows(glyphs, (1, 3)):
        right, top = units[-1][2], min(g[1] for g in units)
        raised = sorted(
            g
            for g in glyphs
            if 0.3 * h <= g[3] - g[1] <= 0.75 * h
            and right - 0.1 * h <= g[0] <= right + 1.2 * h
            and abs(g[1] - top) < 0.35 * h
        )
        cents = _cents(raised, h)
        if cents:
            yield units, cents


def _cents(raised: list[Glyph], h: int) -> list[Glyph]:
    """The raised glyphs that make the cents: two, or pieces of two (blur splits a 9 and joins a 60).

    The pieces are chained left to right while they stay within the width two digits take; Tesseract
    then reads the whole crop and must find exactly two digits in it.
    """
    if not raised:
        return []
    chain, right = [raised[0]], raised[0][2]
    for glyph in raised[1:]:
        if glyph[0] - right >= 0.3 * h or glyph[2] - chain[0][0] > 1.4 * h:
            break
        chain.append(glyph)
        right = max(right, glyph[2])
    width, height = right - chain[0][0], max(g[3] for g in chain) - min(g[1] for g in chain)
    return chain if len(chain) >= 2 or width >= 0.8 * height else []


def one_line_prices(glyphs: list[Glyph], at_least: int = 0) -> Iterator[list[Glyph]]:
    """Rows of 3 to 6 glyphs of one height at least `at_least` high, largest first: a price written on
    one line (`2,49 €`, `2€49`), its separator too small to be a glyph (it widens one gap)."""
    return glyph_rows(glyphs, (3, 6), at_least, gap=1.0)


def glyph_rows(
    glyphs: list[Glyph], count: tuple[int, int], at_least: int = 0, gap: float = 0.6
) -> Iterator[list[Glyph]]:
    """Rows of `count` (least, most) glyphs of one height at least `at_least` high, largest first, each
    glyph within `gap` times that height of the next."""
    return (chain for chain, _ in _rows(glyphs, count, at_least, gap))


def _rows(
    glyphs: list[Glyph], count: tuple[int, int], at_least: int = 0, gap: float = 0.6
) -> Iterator[tuple[list[Glyph], int]]:
    """glyph_rows, each with the height of the glyph it grew from."""
    seen = set()
    for glyph in sorted(glyphs, key=lambda g: g[3] - g[1], reverse=True):
        h = glyph[3] - glyph[1]
        if h < at_least:
            return
        row = sorted(g for g in glyphs if abs((g[3] - g[1]) - h) < 0.2 * h and abs(g[1] - glyph[1]) < 0.25 * h)
        chain = _contiguous(row, glyph, h, gap)
        if count[0] <= len(chain) <= count[1] and tuple(chain) not in seen:
            seen.add(tuple(chain))
            yield chain, h


def _contiguous(row: list[Glyph], seed: Glyph, h: int, gap: float = 0.6) -> list[Glyph]:
    """The glyphs of `row` chained to `seed` by gaps narrower than `gap` times their height."""
    index = row.index(seed)
    chain = [seed]
    for glyph in reversed(row[:index]):
        if chain[0][0] - glyph[2] >= gap * h:
            break
        chain.insert(0, glyph)
    for glyph in row[index + 1 :]:
        if glyph[0] - chain[-1][2] >= gap * h:
            break
        chain.append(glyph)
    return chain


def glyph_crop(image: Image.Image, glyphs: list[Glyph], pad: int) -> Image.Image:
    return _line_height(image.crop(_crop_box(image, glyphs, pad)))


def clean_crops(images: tuple[Image.Image, ...], glyphs: list[Glyph], pad: int) -> list[Image.Image]:
    """glyph_crop of each image (the first is the ink mask), where ink that reaches out of the glyphs'
    own box (a frame around the cents, a line under them, the next word's edge) is painted as paper."""
    box = _crop_box(images[0], glyphs, pad)
    ink = np.asarray(images[0].crop(box)) == 0
    labels, _ = ndimage.label(ink)
    left, top = min(g[0] for g in glyphs) - box[0], min(g[1] for g in glyphs) - box[1]
    right, bottom = max(g[2] for g in glyphs) - box[0], max(g[3] for g in glyphs) - box[1]
    stray = np.zeros_like(ink)
    for index, found in enumerate(ndimage.find_objects(labels), start=1):
        rows, columns = found
        if rows.start < top - 1 or columns.start < left - 1 or rows.stop > bottom + 1 or columns.stop > right + 1:
            stray |= labels == index
    paper = Image.fromarray(ndimage.binary_dilation(stray, iterations=2).astype("uint8") * 255)
    crops = []
    for image in images:
        crop = image.crop(box)
        crop.paste(255, mask=paper)
        crops.append(_line_height(crop))
    return crops


def _crop_box(image: Image.Image, glyphs: list[Glyph], pad: int) -> tuple[int, int, int, int]:
    left, top = max(0, min(g[0] for g in glyphs) - pad), max(0, min(g[1] for g in glyphs) - pad)
    right, bottom = (
        min(image.width, max(g[2] for g in glyphs) + pad),
        min(image.height, max(g[3] for g in glyphs) + pad),
    )
    return left, top, right, bottom


def _line_height(crop: Image.Image) -> Image.Image:
    scale = 70 / crop.height
    return ImageOps.expand(crop.resize((max(1, round(crop.width * scale)), 70), Image.LANCZOS), 25, fill=255)


def read_digits(crop: Image.Image, modes: tuple[str, ...] = (_LINE,)) -> tuple[str, float]:
    """Digits Tesseract reads on one line, and its lowest word confidence: read in each of `modes` until
    one returns something (a lone glyph: line mode, then word mode)."""
    for config in modes:
        data = pytesseract.image_to_data(crop, config=config, output_type=pytesseract.Output.DICT)
        words = [(text, float(conf)) for text, conf in zip(data["text"], data["conf"], strict=True) if text.strip()]
        if words:
            break
    return "".join(text for text, _ in words), min((conf for _, conf in words), default=0.0)


def read_lines(crops: list[Image.Image], config: str = _BLOCK) -> list[tuple[str, float]]:
    """Each crop's digits and Tesseract's lowest word confidence, from one Tesseract run over the crops
    stacked as lines of a sheet: starting Tesseract (loading its model) costs more than reading a line."""
    gap = 30
    sheet = Image.new("L", (max(c.width for c in crops) + 2 * gap, sum(c.height + gap for c in crops) + gap), 255)
    spans, y = [], gap
    for crop in crops:
        sheet.paste(crop, (gap, y))
        spans.append((y, y + crop.height))
        y += crop.height + gap
    data = pytesseract.image_to_data(sheet, config=config, output_type=pytesseract.Output.DICT)
    words: list[list[tuple[str, float]]] = [[] for _ in crops]
    for text, conf, top, height in zip(data["text"], data["conf"], data["top"], data["height"], strict=True):
        middle = top + height / 2
        line = next((i for i, (start, end) in enumerate(spans) if start <= middle < end), None)
        if text.strip() and line is not None:
            words[line].append((text.strip(), float(conf)))
    return [("".join(t for t, _ in found), min((c for _, c in found), default=0.0)) for found in words]


def read_prices(gray: Image.Image, photo_scale: float, currency: str, *, lcd: bool = True) -> list[PriceCandidate]:
    """Every price reading of the photo (`gray` is upright; `photo_scale` is its pixels per photo pixel).

    Arrangements are listed largest first in each ink mask (dark, then light). The first is read alone;
    if it is not read for sure, all the others in one Tesseract run (starting Tesseract costs more than
    reading a few more lines). They are taken in that order, and the first one read for sure ends the
    list: smaller print is not the price (and print much smaller than digits read unsure is not sure).
    Then prices printed on one line, as large as the largest arrangement at least (a unit price line
    is smaller than the price). Last, when nothing was read for sure, the digits of a seven-segment
    LCD are fitted (`lcd`, unless told not to).
    """
    target = min(2 * WORKING_HEIGHT, max(WORKING_HEIGHT, gray.height))
    scale = target / gray.height
    working = gray.resize((max(1, round(gray.width * scale)), target), Image.LANCZOS)
    to_working = scale * photo_scale
    masks, arrangements = [], []
    for name, mask in glyph_masks(working):
        ink = Image.fromarray(np.where(mask, 0, 255).astype("uint8"))
        source = ImageOps.autocontrast(ImageOps.invert(working) if name == "light" else working)
        glyphs = find_glyphs(mask)
        masks.append(((ink, source), glyphs))
        found = itertools.islice(price_arrangements(glyphs), MAX_ARRANGEMENTS)
        arrangements += [((ink, source), units, cents) for units, cents in found]
    candidates, retries, tallest_read = [], MAX_RETRIES, 0
    for batch in (arrangements[:1], arrangements[1:]):
        readings = _read_arrangements(batch, currency, to_working) if batch else []
        for (images, units, cents), both in zip(batch, readings, strict=True):
            found = agreed(both)
            if found and retries and not any(reading.confidence == Confidence.HIGH for reading in found):
                # Read, but not for sure: as a block, lines can come out differently; each crop alone, again.
                retries -= 1
                again = agreed(_read_alone(images, units, cents, currency, to_working))
                found = again if any(reading.confidence == Confidence.HIGH for reading in again) else found
            height = units[0][3] - units[0][1]
            if found and height < SMALLER_PRINT * tallest_read:  # likely the unit price, the price misread
                found = [dataclasses.replace(reading, confidence=Confidence.LOW) for reading in found]
            tallest_read = max(tallest_read, height if found else 0)
            candidates += found
            if any(reading.confidence == Confidence.HIGH for reading in found):
                return candidates
    largest = max((units[0][3] - units[0][1] for _, units, _ in arrangements), default=0)
    rows = [
        (images, chain)
        for images, glyphs in masks
        for chain in itertools.islice(one_line_prices(glyphs, round(0.9 * largest)), MAX_ONE_LINE)
    ]
    for found in _read_one_line(rows, currency, to_working):
        candidates += found
        if any(reading.confidence == Confidence.HIGH for reading in found):
            return candidates
    fitted = read_lcd_price(gray, photo_scale, currency) if lcd else None  # Tesseract reads an LCD as noise
    return [*candidates, fitted] if fitted is not None else candidates


def _read_one_line(rows, currency, to_working) -> list[list[PriceCandidate]]:
    """Each row read as `units,cents` on each of its images, in one Tesseract run."""
    if not rows:
        return []
    crops = []
    for images, chain in rows:
        pad = int(0.12 * (chain[0][3] - chain[0][1]))
        crops += [glyph_crop(image, glyphs, pad) for image in images for glyphs in (chain, chain[:-1])]
    lines = iter(read_lines(crops, _ONE_LINE))
    readings = []
    for images, chain in rows:
        both = []
        for _ in images:
            found = []
            for glyphs in (chain, chain[:-1]):
                text, confidence = next(lines)
                match = _DECIMAL.fullmatch(text)
                if match:
                    found.append(price_candidate(glyphs, match[1], match[2], confidence, currency, to_working))
            agree = len({reading.amount_cents for reading in found}) == 1  # the € dropped, or cut off
            both.append(max(found, key=lambda reading: reading.score) if agree else None)
        readings.append(agreed(both))
    return readings


def agreed(readings: list[PriceCandidate | None]) -> list[PriceCandidate]:
    """Two readings of one arrangement (thresholded ink, grey crop): confident only if they agree."""
    found = [reading for reading in readings if reading is not None]
    if len(found) == 2 and found[0].amount_cents == found[1].amount_cents:
        return found
    return [dataclasses.replace(reading, confidence=Confidence.LOW) for reading in found]


def _read_arrangements(arrangements, currency, to_working) -> list[list[PriceCandidate | None]]:
    """Each arrangement read on each of its images (units and cents of all of them, in one Tesseract run)."""
    crops = []
    for images, units, cents in arrangements:
        crops += _arrangement_crops(images, units, cents)
    lines = iter(read_lines([crop for pair in crops for crop in pair]))
    pairs = iter(crops)
    readings = []
    for images, units, cents in arrangements:
        found = []
        for _ in images:
            units_crop, _ = next(pairs)
            (whole, whole_conf), (fraction, fraction_conf) = next(lines), next(lines)
            if not whole and len(units) == 1 and len(fraction) == 2:  # a lone glyph comes out read as one word
                whole, whole_conf = read_digits(units_crop, modes=(_WORD,))
            if not whole or len(whole) != len(units) or len(fraction) != 2:
                found.append(None)
                continue
            confidence = min(whole_conf, fraction_conf)
            found.append(price_candidate(units + cents, whole, fraction, confidence, currency, to_working))
        readings.append(found)
    return readings


def _arrangement_crops(images, units, cents) -> list[tuple[Image.Image, Image.Image]]:
    """(units crop, cents crop) of each image, cleaned, each padded in proportion to the units' height."""
    h = units[0][3] - units[0][1]
    return list(zip(clean_crops(images, units, int(0.12 * h)), clean_crops(images, cents, int(0.08 * h)), strict=True))


def _read_alone(images, units, cents, currency, to_working) -> list[PriceCandidate | None]:
    """The arrangement read on each image crop by crop, each as a single line (a Tesseract run each)."""
    readings = []
    for units_crop, cents_crop in _arrangement_crops(images, units, cents):
        whole, whole_conf = read_digits(units_crop, (_LINE, _WORD) if len(units) == 1 else (_LINE,))
        fraction, fraction_conf = read_digits(cents_crop) if whole and len(whole) == len(units) else ("", 0.0)
        readings.append(
            price_candidate(units + cents, whole, fraction, min(whole_conf, fraction_conf), currency, to_working)
            if len(fraction) == 2
            else None
        )
    return readings


def price_candidate(glyphs, whole: str, fraction: str, confidence: float, currency: str, to_working) -> PriceCandidate:
    left, top = min(g[0] for g in glyphs) / to_working, min(g[1] for g in glyphs) / to_working
    box = Box(
        round(left),
        round(top),
        round(max(g[2] for g in glyphs) / to_working - left),
        round(max(g[3] for g in glyphs) / to_working - top),
    )
    return PriceCandidate(
        amount_cents=int(whole) * 100 + int(fraction),
        currency=currency,
        kind="price",
        box=box,
        raw_text=f"{whole} {fraction}",
        confidence=Confidence.HIGH if confidence >= HIGH_CONFIDENCE else Confidence.LOW,
        score=confidence,
    )
