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
import time
from dataclasses import dataclass
from pathlib import Path

from fieldtasks.ocr.codes import canonical_gtin
from fieldtasks.ocr.extract import UnreadablePhotoError, extract


@dataclass
class Outcome:
    file: str
    truth_gtin: str | None
    read: bool = False  # the truth was read with high confidence
    found: bool = False  # the truth was among the codes read, whatever their confidence
    wrong: bool = False
    codes: str = ""
    ms: float = 0.0
    error: str = ""


def truth_gtin(raw: str) -> str | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    return canonical_gtin(
        raw, "upce" if len(raw) == 8 and raw[0] in "01" and canonical_gtin(raw, "ean8") is None else ""
    )


def evaluate_file(folder: Path, row: dict[str, str]) -> Outcome:
    outcome = Outcome(row["file"], truth_gtin(row.get("gtin", "")))
    started = time.process_time()
    try:
        extraction = extract((folder / row["file"]).read_bytes())
    except (UnreadablePhotoError, OSError) as error:
        outcome.error = str(error)
        return outcome
    outcome.ms = (time.process_time() - started) * 1000
    found = {read.gtin: read.confidence for read in extraction.barcodes}
    outcome.codes = " ".join(f"{gtin}({confidence})" for gtin, confidence in found.items())
    if outcome.truth_gtin:
        outcome.found = outcome.truth_gtin in found
        outcome.read = found.get(outcome.truth_gtin) == "high"
        outcome.wrong = any(g != outcome.truth_gtin and c == "high" for g, c in found.items())
    return outcome


def summarise(outcomes: list[Outcome]) -> dict:
    scored = [o for o in outcomes if o.truth_gtin]
    times = sorted(o.ms for o in outcomes if not o.error)
    rate = lambda hits: round(hits / len(scored), 4) if scored else None  # noqa: E731
    return {
        "n": len(outcomes),
        "barcode_read_rate": rate(sum(o.read for o in scored)),
        "barcode_found_rate": rate(sum(o.found for o in scored)),
        "barcode_wrong_rate": rate(sum(o.wrong for o in scored)),
        "price_exact_rate": None,  # the price path is not built yet
        "price_wrong_rate": None,
        "ms_median": round(statistics.median(times), 1) if times else None,
        "ms_p95": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1) if times else None,
    }


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
            print(f"{o.file:45} truth={o.truth_gtin or '-':14} {verdict:7} {o.ms:7.1f} ms  codes: {o.codes}")
    pct = lambda v: "n/a" if v is None else f"{v:.1%}"  # noqa: E731
    print(f"{args.folder}: {summary['n']} images")
    print(
        f"  barcodes: read {pct(summary['barcode_read_rate'])} with high confidence"
        f" ({pct(summary['barcode_found_rate'])} found at all), wrong {pct(summary['barcode_wrong_rate'])}"
    )
    print(f"  prices: exact {pct(summary['price_exact_rate'])}, wrong {pct(summary['price_wrong_rate'])}")
    print(f"  CPU per image: median {summary['ms_median']} ms, p95 {summary['ms_p95']} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
