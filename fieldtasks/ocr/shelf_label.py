"""Reading a shelf label with both kinds of reader: the price, the unit price, a promotion, the printed GTIN.

The neural reader (`scene_text`) reads every line once; the glyph readers (`prices`: Tesseract on the
glyphs' arrangement, then the LCD fit) read the price their own way. Where the neural reader found the
largest price but no glyph reader read that amount there, Tesseract reads that place once more, on its
own (it is shown the place, never the neural reading). `confirm` then says which price the label
shows and how sure that is. The unit price and a promotion come from the neural reader's lines.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PIL import Image

from fieldtasks.ocr import confirm
from fieldtasks.ocr.prices import read_price_box, read_prices
from fieldtasks.ocr.readings import neural_prices, neural_promotion, neural_unit_price, printed_gtins
from fieldtasks.ocr.scene_text import read_text_lines
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
    candidates = read_prices(gray, photo_scale, currency) + neural_prices(lines, currency)
    second = _second_look(gray, photo_scale, currency, candidates)
    candidates += [second] if second else []
    timings["prices_ms"] = clock() - started
    return LabelReading(
        tuple(candidates),
        confirm.shelf_price(candidates),
        neural_unit_price(lines, currency),
        neural_promotion(lines),
        lines,
        printed_gtins(lines),
    )


def _second_look(
    gray: Image.Image, photo_scale: float, currency: str, candidates: list[PriceCandidate]
) -> PriceCandidate | None:
    """Tesseract's reading of the place of the neural reader's largest price, when no glyph reader
    read that amount there."""
    neural = [c for c in candidates if confirm.family(c) == confirm.NEURAL and confirm.is_usable(c)]
    if not neural:
        return None
    largest = max(neural, key=lambda c: (c.box.height, c.score))
    for other in candidates:
        same = confirm.same_place(other.box, largest.box) and other.amount_cents == largest.amount_cents
        if confirm.family(other) == confirm.GLYPHS and same:
            return None
    return read_price_box(gray, largest.box, photo_scale, currency)
