"""What the neural reader's lines say: shelf prices, the unit price, a promotion, a printed GTIN (pure).

A shelf price is a line that holds nothing but a price: `2,49`, `2.49 €`, `29,-`, `kr 29,90`, or a run
of 3 to 6 digits, which is how the reader returns large units with raised cents (`2990`): the last two
are the cents. Units and their raised cents found as two lines are joined. Unit prices and promotions
are the grammar's (`fieldtasks.ocr.grammar`); a GTIN is 12 or 13 digits whose check digit holds.
"""

from __future__ import annotations

import dataclasses
import re

from fieldtasks.ocr.codes import canonical_gtin
from fieldtasks.ocr.grammar import parse_prices, parse_promotions
from fieldtasks.ocr.types import BarcodeRead, Box, Confidence, PriceCandidate, PrintedGtin, TextLine

_CURRENCY = re.compile(r"€|eur|kr\.?|nok|sek|dkk|£", re.IGNORECASE)  # the French model reads some € as £
_SEPARATED = re.compile(r"(\d{1,4})[,.:€](\d{2})")
_WHOLE = re.compile(r"(\d{1,4})[,.]?[-\u2013\u2014]+")  # 29,- : no cents (a hyphen, an en or an em dash)
_RUN = re.compile(r"\d{3,6}")  # large units with raised cents, read as one number
_DIGIT_GROUPS = re.compile(r"\d+(?: \d+)*")
PRINTED_SURE = 0.9  # the recognizer's score above which printed digits count as a reading of the code


def drops_characters(shorter: str, longer: str) -> bool:
    """`shorter` is `longer` with some characters dropped, a recognizer's commonest slip (a repeated digit
    collapsed into one, a thin 1 unseen, a place cut short)."""
    remaining = iter(longer)
    return len(shorter) < len(longer) and all(character in remaining for character in shorter)


def split_price(text: str) -> tuple[str, str] | None:
    """(units, cents) when `text` is a price and nothing else."""
    bare = re.sub(r"\s+", "", _CURRENCY.sub("", text)).strip("*")
    if match := _SEPARATED.fullmatch(bare):
        units, cents = match[1], match[2]
    elif match := _WHOLE.fullmatch(bare):
        units, cents = match[1], "00"
    elif _RUN.fullmatch(bare):
        units, cents = bare[:-2], bare[-2:]
    else:
        return None
    return None if len(units) > 1 and units[0] == "0" else (units, cents)


def neural_prices(lines: tuple[TextLine, ...], currency: str) -> list[PriceCandidate]:
    """Every line (or units line and raised cents line) that is a price, tallest first."""
    found = []
    for line in [*lines, *_joined(lines)]:
        parts = split_price(line.text)
        if parts is None:
            continue
        units, cents = parts
        found.append(
            PriceCandidate(
                amount_cents=int(units) * 100 + int(cents),
                currency=currency,
                kind="price",
                box=line.box,
                raw_text=f"{units} {cents}",
                confidence=Confidence.LOW,  # one reader alone is never sure (fieldtasks.ocr.confirm)
                score=round(100 * line.score, 1),
                reader="neural",
            )
        )
    return sorted(found, key=lambda candidate: -candidate.box.height)


def _joined(lines: tuple[TextLine, ...]) -> list[TextLine]:
    """Units read as one line and their raised cents as another, just right of them, joined."""
    joined = []
    for units in lines:
        if not (units.text.isdigit() and len(units.text) <= 3):
            continue
        height, right = units.box.height, units.box.left + units.box.width
        for cents in lines:
            box = cents.box
            if (
                cents.text.isdigit()
                and len(cents.text) == 2
                and 0.3 * height <= box.height < height
                and -0.5 * height <= box.left - right <= 0.6 * height  # detected boxes are loose
                and abs(box.top - units.box.top) <= 0.35 * height
            ):
                left, top = units.box.left, min(units.box.top, box.top)
                bottom = max(units.box.top + height, box.top + box.height)
                whole = Box(left, top, box.left + box.width - left, bottom - top)
                joined.append(TextLine(units.text + cents.text, whole, min(units.score, cents.score)))
    return joined


def neural_unit_price(lines: tuple[TextLine, ...], currency: str) -> PriceCandidate | None:
    """The first unit price (`Prix/kg 13,24 €`, `8,73 € / kg`) in the lines, largest print first."""
    for line in lines:
        for found in parse_prices(line.text):
            if found.kind == "unit_price":
                score = round(100 * line.score, 1)
                return PriceCandidate(
                    amount_cents=found.amount_cents, currency=currency, kind="unit_price", box=line.box,
                    raw_text=found.text, confidence=Confidence.LOW, score=score, unit=found.unit, reader="neural",
                )  # fmt: skip
    return None


def neural_promotion(lines: tuple[TextLine, ...]) -> int | None:
    """A promotion's percent (`-30%`), when a line prints one."""
    for line in lines:
        if found := parse_promotions(line.text):
            return found[0].percent
    return None


def printed_gtins(lines: tuple[TextLine, ...]) -> tuple[PrintedGtin, ...]:
    """GTINs printed as digits (under a barcode: `7 038010 016516`), their check digit valid."""
    found: dict[str, PrintedGtin] = {}
    for line in lines:
        for run in _DIGIT_GROUPS.findall(line.text):
            groups = run.split(" ")
            for start in range(len(groups)):
                for end in range(start + 1, len(groups) + 1):
                    digits = "".join(groups[start:end])
                    gtin = canonical_gtin(digits, "") if len(digits) in (12, 13) else None
                    if gtin and gtin not in found:
                        found[gtin] = PrintedGtin(gtin, line.box, line.score)
    return tuple(found.values())


def with_printed_digits(barcodes: tuple[BarcodeRead, ...], printed: tuple[PrintedGtin, ...]) -> tuple[BarcodeRead, ...]:
    """The bars' reads, held against the digits printed under them (a single-digit misread never keeps
    a check digit valid). The digits read the same code: one more decoder (`digits`). They read another
    code under the bars: neither is sure. Digits under no read code: a read of their own (`printed`),
    sure when the recognizer was."""
    reads = []
    matched = set()
    for read in barcodes:
        near = [code for code in printed if read.box is None or _under(code.box, read.box)]
        same = [code for code in near if code.gtin == read.gtin]
        if same:
            matched.add(read.gtin)
            read = dataclasses.replace(read, decoders=(*read.decoders, "digits"), confidence=Confidence.HIGH)
        elif any(code.score >= PRINTED_SURE for code in near):
            read = dataclasses.replace(read, confidence=Confidence.LOW)
        reads.append(read)
    for code in printed:
        if code.gtin in matched or any(read.gtin == code.gtin for read in reads):
            continue
        contradicted = any(read.box is not None and _under(code.box, read.box) for read in barcodes)
        sure = code.score >= PRINTED_SURE and not contradicted
        confidence = Confidence.HIGH if sure else Confidence.LOW
        reads.append(BarcodeRead(code.gtin, "printed", code.box, ("digits",), votes=1, confidence=confidence))
    return tuple(reads)


def _under(digits: Box, bars: Box) -> bool:
    """Digits printed with these bars: across the same columns, within a bar height above or below."""
    across = min(digits.left + digits.width, bars.left + bars.width) - max(digits.left, bars.left)
    gap = max(digits.top - (bars.top + bars.height), bars.top - (digits.top + digits.height), 0)
    return across >= 0.5 * min(digits.width, bars.width) and gap <= bars.height
