"""Measure extraction on a labelled folder: `python -m fieldtasks_dev.evaluate DIR [--verbose] [--json]`.

DIR/truth.csv has a `file` column and any of `gtin`, `price`, `currency`, `unit_price` (an empty
cell is not scored). Each photo is read once; then:

- prices read blind: `price_auto_rate`, the truth read with high confidence (what verifies and pays by
  itself); `price_found_rate`, the truth read at any confidence; `price_wrong_rate`, a high-confidence
  price that is not the truth.
- prices typed by a worker, checked against the same reading: `confirm_rate`, typing the true price is
  confirmed; `false_confirm_rate`, over every wrong entry of each label (each one-digit substitution of
  the price written in cents, each swap of two adjacent different digits, and the unit price), the
  share confirmed.
- codes: `barcode_read_rate` (the truth read for sure by the bars), `gtin_confirm_rate` (the truth
  confirmed by the bars or by the printed digits), `barcode_wrong_rate` (a sure code that is not the
  truth: it would pay for the wrong product).
- CPU: `ms_median` and `ms_p95` per photo (Tesseract's processes included), each stage's median, and
  `cpu_ratio`: the median against one plain `pytesseract.image_to_string` of the same photos, timed in
  the same run. `neural_start_ms`: loading the neural reader, once per process, apart.

`by_design` has the same figures per design, the part of the file name before the first `_`.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytesseract
from PIL import Image

from fieldtasks.ocr.codes import canonical_gtin
from fieldtasks.ocr.confirm import check_typed_price
from fieldtasks.ocr.extract import UnreadablePhotoError, cpu_ms, extract, one_thread_per_process
from fieldtasks.ocr.scene_text import engine, read_text_lines
from fieldtasks.ocr.types import Extraction, Hints, TypedPrice


@dataclass
class Outcome:
    file: str
    truth_gtin: str | None
    truth_price: int | None = None  # cents
    truth_unit_price: int | None = None
    price: int | None = None  # the shelf price read, in cents
    price_confident: bool = False
    unit_price: int | None = None
    read: bool = False  # the truth GTIN read for sure by the bars
    confirmed_gtin: bool = False  # the truth GTIN read for sure, by the bars or the printed digits
    found: bool = False  # the truth GTIN among the codes read, whatever their confidence
    wrong: bool = False
    confirmed: bool = False  # typing the true price is confirmed
    false_confirms: int = 0
    wrong_entries: int = 0
    codes: str = ""
    ms: float = 0.0
    baseline_ms: float = 0.0  # one plain Tesseract read of the same photo
    stages: dict[str, float] = field(default_factory=dict)
    error: str = ""

    @property
    def design(self) -> str:
        return self.file.split("_", 1)[0]


def truth_gtin(raw: str) -> str | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    return canonical_gtin(
        raw, "upce" if len(raw) == 8 and raw[0] in "01" and canonical_gtin(raw, "ean8") is None else ""
    )


def truth_cents(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return round(float(raw) * 100) if raw else None


def wrong_entries(price_cents: int, unit_price_cents: int | None) -> set[int]:
    """What a worker might type instead of the price: one digit changed, two adjacent digits swapped,
    or the unit price."""
    digits, found = str(price_cents), set()
    for i, digit in enumerate(digits):
        found |= {int(digits[:i] + other + digits[i + 1 :]) for other in "0123456789" if other != digit}
        if i + 1 < len(digits) and digits[i + 1] != digit:
            found.add(int(digits[:i] + digits[i + 1] + digit + digits[i + 2 :]))
    if unit_price_cents is not None:
        found.add(unit_price_cents)
    return found - {price_cents}


def evaluate_file(folder: Path, row: dict[str, str]) -> Outcome:
    outcome = Outcome(row["file"], truth_gtin(row.get("gtin", "")), truth_cents(row.get("price")))
    outcome.truth_unit_price = truth_cents(row.get("unit_price"))
    # Like a task, the evaluation asks for a price only where the truth has one to score.
    hints = Hints(currency=(row.get("currency") or "EUR").strip() or "EUR", prices=outcome.truth_price is not None)
    started = cpu_ms()
    try:
        data = (folder / row["file"]).read_bytes()
        extraction = extract(data, hints)
    except (UnreadablePhotoError, OSError) as error:
        outcome.error = str(error)
        return outcome
    outcome.ms = cpu_ms() - started
    outcome.stages = extraction.timings_ms
    outcome.baseline_ms = plain_tesseract_ms(data)
    score_codes(outcome, extraction)
    if outcome.truth_price is not None:
        score_prices(outcome, extraction)
    return outcome


def plain_tesseract_ms(data: bytes) -> float:
    """CPU of one plain `pytesseract.image_to_string` of the photo: the yardstick of the CPU ratio."""
    started = cpu_ms()
    pytesseract.image_to_string(Image.open(io.BytesIO(data)))
    return cpu_ms() - started


def score_codes(outcome: Outcome, extraction: Extraction) -> None:
    sure = {read.gtin for read in extraction.barcodes if read.confidence == "high"}
    by_bars = {read.gtin for read in extraction.barcodes if read.confidence == "high" and read.symbology != "printed"}
    outcome.codes = " ".join(
        f"{read.gtin}({read.confidence},{'+'.join(read.decoders)})" for read in extraction.barcodes
    )
    if outcome.truth_gtin:
        outcome.found = any(read.gtin == outcome.truth_gtin for read in extraction.barcodes)
        outcome.read = outcome.truth_gtin in by_bars
        outcome.confirmed_gtin = outcome.truth_gtin in sure
        outcome.wrong = bool(sure - {outcome.truth_gtin})


def score_prices(outcome: Outcome, extraction: Extraction) -> None:
    if extraction.unit_price:
        outcome.unit_price = extraction.unit_price.amount_cents
    if extraction.shelf_price:
        outcome.price = extraction.shelf_price.amount_cents
        outcome.price_confident = extraction.shelf_price.confidence == "high"
    candidates, lines = list(extraction.prices), extraction.text_lines
    outcome.confirmed = check_typed_price(candidates, outcome.truth_price, lines).outcome == TypedPrice.CONFIRMED
    entries = wrong_entries(outcome.truth_price, outcome.truth_unit_price)
    outcome.wrong_entries = len(entries)
    outcome.false_confirms = sum(
        check_typed_price(candidates, entry, lines).outcome == TypedPrice.CONFIRMED for entry in entries
    )


def rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def summarise(outcomes: list[Outcome]) -> dict:
    coded = [o for o in outcomes if o.truth_gtin and not o.error]
    priced = [o for o in outcomes if o.truth_price is not None and not o.error]
    unit_priced = [o for o in priced if o.truth_unit_price is not None]
    times = sorted(o.ms for o in outcomes if not o.error)
    baseline = [o.baseline_ms for o in outcomes if not o.error]
    return {
        "n": len(outcomes),
        "errors": sum(bool(o.error) for o in outcomes),
        "price_auto_rate": rate(sum(o.price_confident and o.price == o.truth_price for o in priced), len(priced)),
        "price_found_rate": rate(sum(o.price == o.truth_price for o in priced), len(priced)),
        "price_wrong_rate": rate(sum(o.price_confident and o.price != o.truth_price for o in priced), len(priced)),
        "confirm_rate": rate(sum(o.confirmed for o in priced), len(priced)),
        "false_confirm_rate": rate(sum(o.false_confirms for o in priced), sum(o.wrong_entries for o in priced)),
        "unit_price_exact_rate": rate(sum(o.unit_price == o.truth_unit_price for o in unit_priced), len(unit_priced)),
        "barcode_read_rate": rate(sum(o.read for o in coded), len(coded)),
        "gtin_confirm_rate": rate(sum(o.confirmed_gtin for o in coded), len(coded)),
        "barcode_found_rate": rate(sum(o.found for o in coded), len(coded)),
        "barcode_wrong_rate": rate(sum(o.wrong for o in coded), len(coded)),
        "ms_median": round(statistics.median(times), 1) if times else None,
        "ms_p95": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1) if times else None,
        "cpu_ratio": round(statistics.median(times) / statistics.median(baseline), 2) if times else None,
        **{
            f"ms_{stage.removesuffix('_ms')}_median": round(statistics.median(values), 1)
            for stage, values in stage_times(outcomes).items()
        },
    }


def stage_times(outcomes: list[Outcome]) -> dict[str, list[float]]:
    stages: dict[str, list[float]] = {}
    for outcome in outcomes:
        for stage, ms in outcome.stages.items():
            stages.setdefault(stage, []).append(ms)
    return stages


def by_design(outcomes: list[Outcome]) -> dict[str, dict]:
    designs: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        designs.setdefault(outcome.design, []).append(outcome)
    return {design: summarise(found) for design, found in sorted(designs.items())}


def neural_start_ms() -> float:
    """CPU to load the neural reader and read a first (blank) image: paid once per worker process."""
    started = cpu_ms()
    engine()
    read_text_lines(Image.new("L", (64, 32), 255), 1.0)
    return round(cpu_ms() - started, 1)


def evaluate(folder: Path, rows: list[dict[str, str]], progress: bool) -> Iterator[Outcome]:
    for index, row in enumerate(rows, start=1):
        yield evaluate_file(folder, row)
        if progress and (index % 25 == 0 or index == len(rows)):
            print(f"  {index}/{len(rows)} photos", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    one_thread_per_process()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--verbose", action="store_true", help="one row per file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    truth = args.folder / "truth.csv"
    if not truth.is_file():
        parser.error(f"{truth} does not exist")
    with truth.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    start = neural_start_ms()
    outcomes = list(evaluate(args.folder, rows, progress=not args.json))
    summary = {**summarise(outcomes), "neural_start_ms": start, "by_design": by_design(outcomes)}
    if args.json:
        print(json.dumps(summary))
        return 0
    if args.verbose:
        for outcome in outcomes:
            print(row_text(outcome))
    print(f"{args.folder}: {summary['n']} images ({summary['errors']} unreadable)")
    designs = sorted(summary["by_design"].items(), key=lambda item: _worst(item[1]))
    for name, figures in [*designs, ("all", summary)] if len(designs) > 1 else [("all", summary)]:
        print(f"  {name}: {figures['n']} images")
        print("    " + "\n    ".join(summary_lines(figures)))
    print(
        f"  neural reader: {start:.0f} ms CPU to load and read a first image (once per worker process);"
        f" CPU ratio to one plain Tesseract read of the same photo: {summary['cpu_ratio']}"
    )
    return 0


def _worst(figures: dict) -> float:
    """Designs are listed worst first: by the lower of their blind auto and confirm rates (codes: read rate)."""
    rates = [figures[key] for key in ("price_auto_rate", "confirm_rate", "barcode_read_rate")]
    return min((value for value in rates if value is not None), default=1.0)


def summary_lines(figures: dict) -> list[str]:
    pct = lambda v: "n/a" if v is None else f"{v:.1%}"  # noqa: E731
    lines = []
    if figures["price_auto_rate"] is not None:
        lines += [
            f"prices, blind: auto (high confidence, right) {pct(figures['price_auto_rate'])},"
            f" right at any confidence {pct(figures['price_found_rate'])}, wrong {pct(figures['price_wrong_rate'])}",
            f"prices, typed: true price confirmed {pct(figures['confirm_rate'])},"
            f" wrong entries confirmed {figures['false_confirm_rate']:.2%}",
        ]
    if figures["barcode_read_rate"] is not None:
        lines.append(
            f"codes: read by the bars {pct(figures['barcode_read_rate'])}, confirmed (bars or printed digits)"
            f" {pct(figures['gtin_confirm_rate'])}, found at all {pct(figures['barcode_found_rate'])},"
            f" wrong {pct(figures['barcode_wrong_rate'])}"
        )
    if figures["unit_price_exact_rate"] is not None:
        lines.append(f"unit prices: exact {pct(figures['unit_price_exact_rate'])}")
    stages = ", ".join(
        f"{key[3:-7]} {value} ms"
        for key, value in figures.items()
        if key.startswith("ms_") and key.endswith("_median") and key != "ms_median"
    )
    lines.append(f"CPU per photo: median {figures['ms_median']} ms, p95 {figures['ms_p95']} ms ({stages})")
    return lines


def row_text(o: Outcome) -> str:
    if o.error:
        return f"{o.file:45} ERROR {o.error}"
    verdict = "wrong" if o.wrong else "read" if o.confirmed_gtin else "low" if o.found else "missed"
    price = ""
    if o.truth_price is not None:
        price = f"price {o.truth_price} -> {o.price}{'' if o.price_confident else ' (low)'}"
        price += f", typed {'confirmed' if o.confirmed else 'unconfirmed'}, {o.false_confirms} false confirms"
    return f"{o.file:45} gtin={o.truth_gtin or '-':14} {verdict:7} {o.ms:7.1f} ms  {price}  codes: {o.codes}"


if __name__ == "__main__":
    sys.exit(main())
