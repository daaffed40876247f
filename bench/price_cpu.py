"""CPU of reading a shelf label (issue 17): `python -m bench.price_cpu [FOLDER] [--photos N]`.

Each photo of a labelled folder (default: price-tags-dev) is read by `extract` as a shelf-price task with
the true price typed, and by one plain `pytesseract.image_to_string`, the baseline, one after the other in
this process: the goal is judged on the ratio of the two medians (at most 8), measured in the same run.
Loading the neural reader, paid once per worker process, is reported apart.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
from pathlib import Path

from fieldtasks.ocr import Hints, extract
from fieldtasks.ocr.extract import cpu_ms, one_thread_per_process
from fieldtasks_dev.evaluate import neural_start_ms, plain_tesseract_ms, truth_cents

GOAL = 8.0
DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "price-tags-dev"


def main(argv: list[str] | None = None) -> int:
    one_thread_per_process()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, nargs="?", default=DEFAULT)
    parser.add_argument("--photos", type=int, default=40, help="photos to read, spread over the folder")
    args = parser.parse_args(argv)
    with (args.folder / "truth.csv").open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row.get("price")]
    rows = rows[:: max(1, len(rows) // args.photos)][: args.photos]
    start = neural_start_ms()
    extraction, baseline = [], []
    for index, row in enumerate(rows, start=1):
        data = (args.folder / row["file"]).read_bytes()
        hints = Hints(currency=row.get("currency") or "EUR", typed_price_cents=truth_cents(row["price"]))
        started = cpu_ms()
        extract(data, hints)
        extraction.append(cpu_ms() - started)
        baseline.append(plain_tesseract_ms(data))
        if index % 10 == 0 or index == len(rows):
            print(f"  {index}/{len(rows)} photos", file=sys.stderr, flush=True)
    ratio = statistics.median(extraction) / statistics.median(baseline)
    print(f"{args.folder.name}: {len(rows)} label photos, CPU (this process and its Tesseract processes)")
    print(f"  extraction, typed price checked: median {statistics.median(extraction):.0f} ms")
    print(f"  one plain image_to_string:       median {statistics.median(baseline):.0f} ms (baseline)")
    print(f"  ratio {ratio:.2f} (goal at most {GOAL:.0f}): {'PASS' if ratio <= GOAL else 'FAIL'}")
    print(f"  neural reader loaded and first read: {start:.0f} ms, once per worker process")
    return 0


if __name__ == "__main__":
    sys.exit(main())
