"""Measure extraction on a labelled folder: `python -m fieldtasks.ocr.evaluate DIR [--verbose] [--json]`.

DIR/truth.csv has a `file` column and any of `gtin`, `price`, `currency`, `unit_price` (an empty
cell is not scored). A barcode is *read* when the truth was read with high confidence (*found* when
read at all); a *wrong* read is a high-confidence code that is not the truth, the error that would
pay for the wrong product.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

from fieldtasks.ocr.codes import canonical_gtin
from fieldtasks.ocr.extract import UnreadablePhotoError, cpu_ms, extract
from fieldtasks.ocr.types import Hints


@dataclass
class Outcome:
    file: str
    truth_gtin: str | None
    truth_price: int | None = None  # cents
    price: int | None = None  # the shelf price read, in cents
    price_confident: bool = False
    truth_unit_price: int | None = None  # cents
    unit_price: int | None = None
    read: bool = False  # the truth was read with high confidence
    found: bool = False  # the truth was among the codes read, whatever their confidence
    wrong: bool = False
    codes: str = ""
    ms: float = 0.0
    stages: dict[str, float] | None = None
    error: str = ""


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


def evaluate_file(folder: Path, row: dict[str, str]) -> Outcome:
    outcome = Outcome(row["file"], truth_gtin(row.get("gtin", "")), truth_cents(row.get("price")))
    outcome.truth_unit_price = truth_cents(row.get("unit_price"))
    # Like a task, the evaluation asks for a price only where the truth has one to score.
    hints = Hints(currency=(row.get("currency") or "EUR").strip() or "EUR", prices=outcome.truth_price is not None)
    started = cpu_ms()
    try:
        extraction = extract((folder / row["file"]).read_bytes(), hints)
    except (UnreadablePhotoError, OSError) as error:
        outcome.error = str(error)
        return outcome
    outcome.ms = cpu_ms() - started
    outcome.stages = extraction.timings_ms
    found = {read.gtin: read.confidence for read in extraction.barcodes}
    outcome.codes = " ".join(f"{gtin}({confidence})" for gtin, confidence in found.items())
    if extraction.unit_price:
        outcome.unit_price = extraction.unit_price.amount_cents
    if extraction.shelf_price:
        outcome.price = extraction.shelf_price.amount_cents
        outcome.price_confident = extraction.shelf_price.confidence == "high"
    if outcome.truth_gtin:
        outcome.found = outcome.truth_gtin in found
        outcome.read = found.get(outcome.truth_gtin) == "high"
        outcome.wrong = any(g != outcome.truth_gtin and c == "high" for g, c in found.items())
    return outcome


def rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def summarise(outcomes: list[Outcome]) -> dict:
    coded = [o for o in outcomes if o.truth_gtin]
    priced = [o for o in outcomes if o.truth_price is not None]
    unit_priced = [o for o in outcomes if o.truth_unit_price is not None]
    times = sorted(o.ms for o in outcomes if not o.error)
    return {
        "n": len(outcomes),
        "barcode_read_rate": rate(sum(o.read for o in coded), len(coded)),
        "barcode_found_rate": rate(sum(o.found for o in coded), len(coded)),
        "barcode_wrong_rate": rate(sum(o.wrong for o in coded), len(coded)),
        "price_exact_rate": rate(sum(o.price == o.truth_price for o in priced), len(priced)),
        "price_wrong_rate": rate(sum(o.price_confident and o.price != o.truth_price for o in priced), len(priced)),
        "unit_price_exact_rate": rate(sum(o.unit_price == o.truth_unit_price for o in unit_priced), len(unit_priced)),
        "ms_median": round(statistics.median(times), 1) if times else None,
        "ms_p95": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1) if times else None,
        **{
            f"ms_{stage.removesuffix('_ms')}_median": round(statistics.median(values), 1)
            for stage, values in stage_times(outcomes).items()
        },
    }


def stage_times(outcomes: list[Outcome]) -> dict[str, list[float]]:
    stages: dict[str, list[float]] = {}
    for outcome in outcomes:
        for stage, ms in (outcome.stages or {}).items():
            stages.setdefault(stage, []).append(ms)
    return stages


def main(argv: list[str] | None = None) -> int:
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
    outcomes = []
    for index, row in enumerate(rows, start=1):
        outcomes.append(evaluate_file(args.folder, row))
        if not args.json and (index % 25 == 0 or index == len(rows)):
            print(f"  {index}/{len(rows)} photos", file=sys.stderr, flush=True)
    summary = summarise(outcomes)
    if args.json:
        print(json.dumps(summary))
        return 0
    if args.verbose:
        for o in outcomes:
            verdict = "wrong" if o.wrong else "read" if o.read else "low" if o.found else "missed"
            verdict = "ERROR " + o.error if o.error else verdict
            price = f"price {o.truth_price} -> {o.price}{'' if o.price_confident else ' (low)'}"
            print(f"{o.file:45} truth={o.truth_gtin or '-':14} {verdict:7} {o.ms:7.1f} ms  codes: {o.codes}  {price}")
    pct = lambda v: "n/a" if v is None else f"{v:.1%}"  # noqa: E731
    print(f"{args.folder}: {summary['n']} images")
    print(
        f"  barcodes: read {pct(summary['barcode_read_rate'])} with high confidence"
        f" ({pct(summary['barcode_found_rate'])} found at all), wrong {pct(summary['barcode_wrong_rate'])}"
    )
    print(f"  prices: exact {pct(summary['price_exact_rate'])}, wrong {pct(summary['price_wrong_rate'])}")
    if summary["unit_price_exact_rate"] is not None:
        print(f"  unit prices (small print near the price): exact {pct(summary['unit_price_exact_rate'])}")
    print(f"  CPU per image (Tesseract included): median {summary['ms_median']} ms, p95 {summary['ms_p95']} ms")
    stages = ", ".join(
        f"{k[3:-7]} {v} ms"
        for k, v in summary.items()
        if k.startswith("ms_") and k.endswith("_median") and k != "ms_median"
    )
    print(f"  median by stage: {stages}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
