"""Reading the price a seven-segment LCD shelf label shows (pure).

Tesseract reads printed digits; the digits of an LCD label are seven separate bars, which it reads as
noise. Here the digits are fitted instead. The thin vertical bars are found first (darker than both
sides at one of a few stroke widths); a bar above another, the lower starting where the upper ends,
is one digit's column, and columns of one height make a band. In a band, deslanted, every placement of
1 to 3 digits is tried (digit width, pitch, and the digit box's top and bottom, searched outwards from
the bars, which a digit always contains), each digit's seven segments and two counters sampled where
the digit's drawing puts them; then every placement of two raised smaller digits to the right: the
cents. A placement counts only when each cell reads as exactly one digit's pattern with every zone
clearly on or off, digits stand two strokes apart with clear gaps, and a pitch left of the units is
clear; the best are those whose zones are furthest from the on/off threshold, summed. The best few
are then looked at stroke by stroke (each lit segment a stroke of its own, the ink of each cell its
lit segments'), and the best of those that pass is the reading (the digits' model: `segments`). A
photo larger than a label crop is searched for its tallest digits first, and each place is read as a
crop (`display_regions`).
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import ndimage

from fieldtasks.ocr.segments import Cells, Display, is_drawn, place_cents, place_units
from fieldtasks.ocr.types import Box, Confidence, PriceCandidate

WORKING_HEIGHT = 300  # a label crop is read at this height; a larger photo at twice that as well
_STROKE_OFFSETS = (3, 5, 7, 9)  # a bar is darker than the pixels this far on both sides (working px)
_BAR_THRESHOLD = 0.22  # stroke response (darkness units) that makes a bar pixel
_SHORTEST_BAR = 15  # pixels: half of a digit 30 pixels high
MAX_BANDS = 4  # tallest first
REGIONS = 2  # of a large photo, read one by one
MAX_PLACEMENTS = 4  # units placements given their cents, best first
HIGH_SCORE = 90.0  # a confident LCD reading outranks an unsure Tesseract one (0 to 100)


@dataclass(frozen=True)
class Bar:
    top: int
    bottom: int
    x: float  # centre column at mid-height
    middle: float
    slant: float  # dx/dy


@dataclass(frozen=True)
class Band:
    """Rows where digits of one height stand: top and bottom of their bars, slant, bar columns."""

    top: float
    bottom: float
    slant: float
    columns: tuple[float, ...]


@dataclass(frozen=True)
class Reading:
    units: Cells
    cents: Cells

    @property
    def score(self) -> float:
        return self.units.score + self.cents.score


@dataclass(frozen=True)
class Found:
    reading: Reading
    origin: tuple[int, int]  # where the image read is in the photo
    scale: float  # the image's working pixels per photo pixel
    sure: bool  # no band of taller digits was left unread


def darkness(pixels: np.ndarray) -> np.ndarray:
    """How much darker each pixel is than the background around it, 1 being as dark as the darkest ink."""
    background = ndimage.uniform_filter(ndimage.grey_closing(pixels, size=(31, 31)), 15)
    ink = np.percentile(pixels, 3)
    return np.clip((background - pixels) / np.maximum(background - ink, 20), 0, 1.2)


def bars(dark: np.ndarray) -> list[Bar]:
    """Thin vertical strokes: darker than both sides at one of a few widths, tall for their width,
    from 15 pixels to 0.3 of the height."""
    response = np.zeros_like(dark)
    for offset in _STROKE_OFFSETS:
        sides = np.maximum(np.roll(dark, offset, axis=1), np.roll(dark, -offset, axis=1))
        response = np.maximum(response, dark - sides)
    response = ndimage.uniform_filter1d(response, 9, axis=0)
    labels, _ = ndimage.label(response > _BAR_THRESHOLD)
    height = dark.shape[0]
    found = []
    for index, (rows, cols) in enumerate(ndimage.find_objects(labels), start=1):
        h = rows.stop - rows.start
        if not (_SHORTEST_BAR <= h <= 0.3 * height and cols.stop - cols.start <= 0.6 * h):
            continue
        ys, xs = np.nonzero(labels[rows, cols] == index)
        slant = float(np.polyfit(ys, xs, 1)[0])
        found.append(Bar(rows.start, rows.stop, cols.start + float(xs.mean()), rows.start + float(ys.mean()), slant))
    return found


def bands(found: list[Bar]) -> list[Band]:
    """Bands of digits, tallest first: an upper bar and a lower one that starts where it ends (within
    a digit's width of it) make a column; columns of about one top and bottom make a band."""
    columns = []
    for upper, lower in itertools.permutations(found, 2):
        size = (upper.bottom - upper.top + lower.bottom - lower.top) / 2
        if not (-0.2 * size <= lower.top - upper.bottom <= 0.4 * size):
            continue
        if not (0.6 <= (lower.bottom - lower.top) / (upper.bottom - upper.top) <= 1.6):
            continue
        slant, middle = (upper.slant + lower.slant) / 2, (upper.bottom + lower.top) / 2
        x_upper = upper.x + slant * (middle - upper.middle)
        x_lower = lower.x + slant * (middle - lower.middle)
        if abs(x_lower - x_upper) <= 0.45 * (lower.bottom - upper.top):
            columns.append((upper.top, lower.bottom, slant, (x_upper + x_lower) / 2))
    found_bands: list[Band] = []
    for top, bottom, _, _ in sorted(columns, key=lambda c: c[0] - c[1]):
        height = bottom - top
        near = [c for c in columns if abs(c[0] - top) < 0.1 * height and abs(c[1] - bottom) < 0.1 * height]
        band = Band(
            float(np.median([c[0] for c in near])),
            float(np.median([c[1] for c in near])),
            float(np.median([c[2] for c in near])),
            tuple(c[3] for c in near),
        )
        same = (
            abs(band.top - b.top) < 0.1 * height and abs(band.bottom - b.bottom) < 0.1 * height for b in found_bands
        )
        if not any(same):
            found_bands.append(band)
    return sorted(found_bands, key=lambda b: b.top - b.bottom)


def read_band(dark: np.ndarray, band: Band) -> Reading | None:
    """The best units-and-cents placement in this band that is drawn as placed, if any (in `dark`'s pixels)."""
    height = band.bottom - band.top
    left = int(max(0, min(band.columns) - 2 * height))  # room for three digits left of the band's
    right = int(min(dark.shape[1], max(band.columns) + 3 * height))  # and the cents right of them
    display = Display(dark[:, left:right], band.slant, (band.top + band.bottom) / 2)
    rows = np.array([band.top + 0.15 * height, band.top + 0.58 * height])
    bars_darkness = float(np.percentile(display.row_means(rows, rows + 0.27 * height), 99))
    threshold = 0.45 * bars_darkness
    placements, tried = [], set()
    for units in sorted(place_units(display, band.top, band.bottom, threshold), key=lambda c: -c.score):
        key = (units.top, units.height, units.right // 3, units.digits)
        if key not in tried and len(placements) < MAX_PLACEMENTS:
            tried.add(key)
            placements.append(units)
    if not placements:
        return None
    readings = [
        Reading(dataclasses.replace(u, right=u.right + left), dataclasses.replace(c, right=c.right + left))
        for u, c in zip(placements, place_cents(display, placements, threshold), strict=True)
        if c and is_drawn(display, u, threshold) and is_drawn(display, c, threshold)
    ]
    return max(readings, key=lambda r: r.score, default=None)


def read_lcd_price(gray: Image.Image, photo_scale: float, currency: str) -> PriceCandidate | None:
    """The price an LCD label in `gray` shows, if its digits fit (`photo_scale`: `gray`'s pixels per
    photo pixel). The whole image is read at the working height (a label crop); in a larger photo,
    where the label is smaller than the frame, the places where digits stand are then read one by one,
    each cut out and brought to the working height. Confident unless taller digits stood unread (then
    this is likely the unit price) or its units are only 1s: two bars side by side are also what a
    frame's edge or a barcode looks like."""
    found = read_display(gray)
    if found is None and gray.height >= 2 * WORKING_HEIGHT:
        regions = display_regions(gray)
        for index, (region, height, _) in enumerate(regions):
            found = read_display(gray.crop(region), origin=region[:2])
            if found is not None:
                taller = any(other > 1.5 * height and support > 1 for _, other, support in regions[:index])
                found = dataclasses.replace(found, sure=found.sure and not taller)
                break
    if found is None:
        return None
    units, cents = found.reading.units, found.reading.cents
    (x0, y0), scale = found.origin, found.scale
    edges = (  # in the working pixels of the image read
        max(0.0, units.right - (len(units.digits) - 1) * units.pitch - units.width - 0.1 * units.height),
        max(0.0, min(units.top, cents.top)),
        cents.right + 0.1 * cents.height,
        units.top + units.height,
    )
    left, top, right, bottom = (
        (origin + v / scale) / photo_scale for origin, v in zip((x0, y0) * 2, edges, strict=True)
    )
    box = Box(round(left), round(top), round(right - left), round(bottom - top))
    sure = found.sure and set(units.digits) != {"1"}
    return PriceCandidate(
        amount_cents=int(units.digits) * 100 + int(cents.digits),
        currency=currency,
        kind="price",
        box=box,
        raw_text=f"{units.digits} {cents.digits}",
        confidence=Confidence.HIGH if sure else Confidence.LOW,
        score=HIGH_SCORE if sure else 50.0,
        reader="lcd",
    )


def read_display(image: Image.Image, origin: tuple[int, int] = (0, 0)) -> Found | None:
    """The units and cents read in `image` at the working height: of the readings in the tallest
    bands, the best fitting one."""
    scale = WORKING_HEIGHT / image.height
    working = image.resize((max(1, round(image.width * scale)), WORKING_HEIGHT), Image.LANCZOS)
    dark = darkness(np.asarray(working, np.float32))
    tried, readings = [], []
    for band in bands(bars(dark))[:MAX_BANDS]:  # tallest first: the price is the largest print
        if readings and band.bottom - band.top < 0.7 * max(r.units.height for _, r in readings):
            break
        tried.append(band)
        reading = read_band(dark, band)
        if reading is not None and not (len(reading.units.digits) > 1 and reading.units.digits[0] == "0"):
            readings.append((band, reading))
    if not readings:
        return None
    tallest = max(r.units.height for _, r in readings)
    band, reading = max(((b, r) for b, r in readings if r.units.height >= 0.85 * tallest), key=lambda br: br[1].score)
    height = band.bottom - band.top
    taller = any(len(b.columns) > 1 and b.bottom - b.top > 1.5 * height for b in tried)
    return Found(reading, origin, scale, sure=not taller)


def display_regions(gray: Image.Image) -> list[tuple[tuple[int, int, int, int], float, int]]:
    """Where the tallest digits of a large photo stand (boxes in its pixels, with room for a label's
    units and cents around them), found at twice the working height, each with its digits' height
    and how many digit columns make it."""
    scale = 2 * WORKING_HEIGHT / gray.height
    working = gray.resize((max(1, round(gray.width * scale)), 2 * WORKING_HEIGHT), Image.LANCZOS)
    regions = []
    for band in bands(bars(darkness(np.asarray(working, np.float32))))[:REGIONS]:
        size = band.bottom - band.top
        box = (
            min(band.columns) - 3 * size,
            band.top - 0.9 * size,
            max(band.columns) + 3.5 * size,
            band.bottom + 0.9 * size,
        )
        limits = (*gray.size, *gray.size)
        region = tuple(round(min(max(0.0, v / scale), limit)) for v, limit in zip(box, limits, strict=True))
        regions.append((region, size / scale, len(band.columns)))
    return regions


def digit_place(gray: Image.Image, photo_scale: float) -> Box | None:
    """Where the tallest seven-segment digits of a label crop stand, with room for the raised cents at
    their right (a box in photo pixels), whether or not they could be fitted: for another reader to read."""
    scale = WORKING_HEIGHT / gray.height
    working = gray.resize((max(1, round(gray.width * scale)), WORKING_HEIGHT), Image.LANCZOS)
    found = [band for band in bands(bars(darkness(np.asarray(working, np.float32)))) if len(band.columns) > 1]
    if not found:
        return None
    band = found[0]
    size = band.bottom - band.top
    edges = (min(band.columns) - 0.7 * size, band.top - 0.15 * size, max(band.columns) + 1.6 * size,
             band.bottom + 0.15 * size)  # fmt: skip
    left, top, right, bottom = (max(0.0, value) / scale / photo_scale for value in edges)
    return Box(round(left), round(top), round(right - left), round(bottom - top))
