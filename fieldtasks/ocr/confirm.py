"""Which price the label shows, and whether a price someone typed is that one (pure).

Two independent kinds of reader read the shelf price: the glyph readers (Tesseract on the glyphs'
arrangement, or the digits fitted to a seven-segment LCD) and the neural reader (`scene_text`). Each
misreads now and then, in its own way; two of them reading the same units and cents at the same place
is what makes a price sure. Only readings at the place of the largest print count: that is where a
label prints its price (the unit price and the former price are smaller).

A typed price is confirmed when a reader reads it there and no sure reading there says otherwise (two
readers reading it overrule one that does; a reading that only drops digits of it says nothing else); it
is contradicted only when the readers agree on another price; otherwise it is unconfirmed and a moderator
looks. This decision costs nothing next to reading: the evaluator reads each photo once and tries every
entry against the same candidates.

Thresholds were tuned on the Coop labels of price-tags-dev and checked on the Rema 1000 ones (and the
other way round); see BENCHMARKS.md.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from fieldtasks.ocr.readings import drops_characters
from fieldtasks.ocr.types import Box, Confidence, PriceCandidate, PriceCheck, TextLine, TypedPrice

GLYPHS, NEURAL = "glyphs", "neural"
NEURAL_SURE = 95.0  # a neural reading this sure (0 to 100) is enough to doubt a different one
NEURAL_USABLE = 60.0  # below this, a neural reading is not counted at all
SAME_PLACE = 0.5  # two boxes share this much of the smaller one's area: one print, read twice
TALLER = 1.25  # digits this many times taller than the price read, elsewhere: the price may be unread


def family(candidate: PriceCandidate) -> str:
    """The kind of reader behind a candidate: the glyph readers, or the neural one."""
    return NEURAL if candidate.reader == NEURAL else GLYPHS


def is_sure(candidate: PriceCandidate) -> bool:
    """Sure on its own: a glyph reading both of whose looks agree, or a very sure neural reading."""
    if family(candidate) == NEURAL:
        return candidate.score >= NEURAL_SURE
    return candidate.confidence == Confidence.HIGH


def is_usable(candidate: PriceCandidate) -> bool:
    return candidate.kind == "price" and (family(candidate) == GLYPHS or candidate.score >= NEURAL_USABLE)


def same_place(one: Box, other: Box) -> bool:
    """Most of the smaller box lies in the larger: one print, read twice."""
    smaller = min(one.width * one.height, other.width * other.height)
    return _shared_area(one, other) >= SAME_PLACE * smaller > 0


def _shared_area(one: Box, other: Box) -> int:
    width = min(one.left + one.width, other.left + other.width) - max(one.left, other.left)
    height = min(one.top + one.height, other.top + other.height) - max(one.top, other.top)
    return width * height if width > 0 and height > 0 else 0


def drops_digits(amount_cents: int, of_cents: int) -> bool:
    """The first amount's digits are the second's with some dropped (`readings.drops_characters`)."""
    return drops_characters(str(amount_cents), str(of_cents))


def says_otherwise(reading: PriceCandidate, amount_cents: int) -> bool:
    """The reading is of another price, not merely the same one with digits dropped."""
    return reading.amount_cents != amount_cents and not drops_digits(reading.amount_cents, amount_cents)


def at_shelf_price(candidates: Iterable[PriceCandidate], lines: Iterable[TextLine] = ()) -> list[PriceCandidate]:
    """The usable price readings at the place of the largest print read; none when the neural reader saw
    much taller digits elsewhere that no reader made a price of (what was read is then likely the unit
    price, the price itself unread)."""
    usable = [candidate for candidate in candidates if is_usable(candidate)]
    if not usable:
        return []
    tallest = max(usable, key=lambda candidate: (candidate.box.height, candidate.score)).box
    for line in lines:
        if is_digits(line.text) and line.box.height > TALLER * tallest.height and not same_place(line.box, tallest):
            return []
    return [candidate for candidate in usable if same_place(candidate.box, tallest)]


def is_digits(text: str) -> bool:
    """Mostly digits, at least two: a number, whatever it is."""
    shown = "".join(text.split())
    count = sum(character.isdigit() for character in shown)
    return count >= 2 and count >= 0.6 * len(shown)


def agreed_amount(readings: list[PriceCandidate]) -> int | None:
    """The amount both kinds of reader read, when it is the only one and no sure reading says otherwise."""
    read_by = {GLYPHS: set(), NEURAL: set()}
    for reading in readings:
        read_by[family(reading)].add(reading.amount_cents)
    common = read_by[GLYPHS] & read_by[NEURAL]
    if len(common) != 1:
        return None
    amount = common.pop()
    if any(is_sure(reading) and says_otherwise(reading, amount) for reading in readings):
        return None
    return amount


def shelf_price(candidates: list[PriceCandidate], lines: Iterable[TextLine] = ()) -> PriceCandidate | None:
    """The price the label shows: high confidence only when both kinds of reader agree on it; else the
    surest reading, low (or None when nothing was read). `lines`: the neural reader's, for taller digits."""
    readings = at_shelf_price(candidates, lines)
    if not readings:
        prices = [candidate for candidate in candidates if candidate.kind == "price"]
        best = max(prices, key=lambda candidate: candidate.score, default=None)
        return dataclasses.replace(best, confidence=Confidence.LOW) if best else None
    amount = agreed_amount(readings)
    if amount is not None:
        agreeing = [reading for reading in readings if reading.amount_cents == amount]
        best = max(agreeing, key=lambda reading: (family(reading) == GLYPHS, reading.score))
        return dataclasses.replace(best, confidence=Confidence.HIGH)
    best = max(readings, key=lambda reading: (is_sure(reading), family(reading) == GLYPHS, reading.score))
    return dataclasses.replace(best, confidence=Confidence.LOW)


def check_typed_price(candidates: list[PriceCandidate], typed_cents: int, lines: Iterable[TextLine] = ()) -> PriceCheck:
    """Is `typed_cents` the price the label shows? Never changes what was read."""
    lines = tuple(lines)
    shelf = shelf_price(candidates, lines)
    read = shelf.amount_cents if shelf else None
    if shelf is not None and shelf.confidence == Confidence.HIGH and read != typed_cents:
        return PriceCheck(typed_cents, TypedPrice.CONTRADICTED, read)
    readings = at_shelf_price(candidates, lines)
    readers = {family(reading) for reading in readings if reading.amount_cents == typed_cents}
    doubted = any(is_sure(reading) and says_otherwise(reading, typed_cents) for reading in readings)
    confirmed = len(readers) == 2 or (readers and not doubted)
    return PriceCheck(typed_cents, TypedPrice.CONFIRMED if confirmed else TypedPrice.UNCONFIRMED, read)
