"""Reading a shelf label with both kinds of reader: the price, the unit price, a promotion, the printed GTIN.

The neural reader (`scene_text`) reads every line once; the glyph readers (`prices`: Tesseract on the
glyphs' arrangement, then the LCD fit) read the price their own way. Then each kind reads again, alone,
the place where the other found the price (`second_looks`): the neural recognizer the glyph readers'
place, always (its reading there replaces the whole photo's), or the place of LCD digits that could not
be fitted; the glyph readers the neural reader's largest price, when none read that amount there.
`confirm` then says which price the label shows and how sure that is. The unit price and a promotion
come from the neural reader's lines.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PIL import Image

from fieldtasks.ocr import confirm
from fieldtasks.ocr.lcd import digit_place
from fieldtasks.ocr.prices import read_prices
from fieldtasks.ocr.readings import neural_prices, neural_promotion, neural_unit_price, printed_gtins
from fieldtasks.ocr.scene_text import read_text_lines
from fieldtasks.ocr.second_looks import glyphs_at, neural_at
from fieldtasks.ocr.types import PriceCandidate, PrintedGtin, TextLine


@dataclasses.dataclass(frozen=True)
class LabelReading:
    prices: tuple[PriceCandidate, ...]  # every reader's candidates
    shelf_price: PriceCandidate | None
    unit_price: PriceCandidate | None
    promotion_percent: int | None
    text_lines: tuple[TextLine, ...]
    printed_gtins: tuple[PrintedGtin, ...]


def read_label(
    gray: Image.Image, photo_scale: float, currency: str, timings: dict[str, float], clock: Callable[[], float]
) -> LabelReading:
    """Both readers on `gray` (its pixels are `photo_scale` photo pixels); each stage's `clock` time
    (CPU milliseconds) is added to `timings`."""
    started = clock()
    lines = read_text_lines(gray, photo_scale)
    timings["text_ms"] = clock() - started
    started = clock()
    glyphs = read_prices(gray, photo_scale, currency)
    neural = _with_neural_look(gray, photo_scale, currency, glyphs, neural_prices(lines, currency))
    candidates = glyphs + neural + _glyph_look(gray, photo_scale, currency, glyphs + neural)
    timings["prices_ms"] = clock() - started
    return LabelReading(
        tuple(candidates),
        confirm.shelf_price(candidates, lines),
        neural_unit_price(lines, currency),
        neural_promotion(lines),
        lines,
        printed_gtins(lines),
    )


def _with_neural_look(
    gray: Image.Image, photo_scale: float, currency: str, glyphs: list[PriceCandidate], neural: list[PriceCandidate]
) -> list[PriceCandidate]:
    """The neural readings, where the recognizer's own reading of the glyph readers' price place (the
    surest, then the largest; when they read nothing, where seven-segment digits stand unfitted)
    replaces what it read there in the whole photo: seen alone and at its size, a place reads better
    (a seven-segment display, above all)."""
    usable = [candidate for candidate in glyphs if confirm.is_usable(candidate)]
    if usable:
        place = max(usable, key=lambda c: (confirm.is_sure(c), c.box.height, c.score)).box
    else:
        place = digit_place(gray, photo_scale)
    if place is None:
        return neural
    looked = neural_at(gray, place, photo_scale, currency)
    if not looked:
        return neural
    # A whole-photo reading with more digits around the place's own is kept: the place may cut the price short.
    kept = [
        c
        for c in neural
        if not confirm.same_place(c.box, place)
        or any(confirm.drops_digits(o.amount_cents, c.amount_cents) for o in looked)
    ]
    return [*looked, *kept]


def _glyph_look(
    gray: Image.Image, photo_scale: float, currency: str, candidates: list[PriceCandidate]
) -> list[PriceCandidate]:
    """The glyph readers' readings of the place of the neural reader's largest price, when none of them
    read that amount there."""
    neural = [c for c in candidates if confirm.family(c) == confirm.NEURAL and confirm.is_usable(c)]
    if not neural:
        return []
    largest = max(neural, key=lambda c: (c.box.height, c.score))
    if any(
        confirm.family(other) == confirm.GLYPHS
        and other.amount_cents == largest.amount_cents
        and confirm.same_place(other.box, largest.box)
        for other in candidates
    ):
        return []
    return glyphs_at(gray, largest.box, photo_scale, currency)
