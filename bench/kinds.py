"""Extraction cost per kind of task (issue 8): `python -m bench.kinds [--photos 6]`.

12 MP photos of each kind, generated with fixed seeds and read by `extract` in this process:
a shelf label photo read for its barcode only (the baseline: the barcode path of shelf-price tasks),
a placement shelf section (six small labels, read whole-shelf), a vehicle's QR code and its Code 128
at an angle. Prints CPU per photo, its ratio to the baseline, and how many codes were read for sure.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import time

from fieldtasks.ocr import Hints, extract
from fieldtasks.ocr.extract import one_thread_per_process
from fieldtasks_dev.scenes import shelf_photo, vehicle_photo
from fieldtasks_dev.synthetic import careful_photograph, random_label, render_label

TWELVE_MP = (4000, 3000)


def jpeg(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def cpu_s() -> float:
    return time.process_time() + sum(os.times()[2:4])


def photos(kind: str, count: int) -> list[tuple[bytes, Hints, int]]:
    """(photo, hints, codes expected) for `count` photos of one kind."""
    made = []
    for seed in range(count):
        rng = random.Random(seed)
        labels = [random_label(random.Random(1000 * seed + i)) for i in range(6)]
        if kind == "label barcode":
            image = careful_photograph(render_label(labels[0], rng), rng, TWELVE_MP)
            made.append((jpeg(image), Hints(gtins=(labels[0].gtin,), prices=False), 1))
        elif kind == "placement shelf":
            gtins = tuple(label.gtin for label in labels)
            made.append((jpeg(shelf_photo(list(gtins), rng)), Hints(gtins=gtins, prices=False, whole_shelf=True), 6))
        else:
            symbology = "qr" if kind == "vehicle QR" else "code128"
            image = vehicle_photo(f"SCT-{seed:04d}", rng, TWELVE_MP, symbology)
            made.append((jpeg(image), Hints(vehicle_codes=(f"SCT-{seed:04d}",), prices=False), 1))
    return made


def measure(kind: str, count: int) -> tuple[float, int, int]:
    seconds, found, expected = [], 0, 0
    for index, (photo, hints, wanted) in enumerate(photos(kind, count), start=1):
        started = cpu_s()
        extraction = extract(photo, hints)
        seconds.append(cpu_s() - started)
        reads = extraction.codes if hints.vehicle_codes else extraction.barcodes
        found += sum(1 for read in reads if read.confidence == "high" and read.expected)
        expected += wanted
        print(f"  {kind}: {index}/{count}", end="\r", flush=True)
    print()
    return statistics.median(seconds), found, expected


def main(argv: list[str] | None = None) -> int:
    one_thread_per_process()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=6, help="photos of each kind (default 6)")
    args = parser.parse_args(argv)
    results = {kind: measure(kind, args.photos) for kind in ("label barcode", "placement shelf", "vehicle QR",
                                                             "vehicle Code 128")}  # fmt: skip
    baseline = results["label barcode"][0]
    print(f"\n{'kind':<18} {'median CPU':>11} {'x baseline':>11} {'read for sure':>14}")
    for kind, (median_s, found, expected) in results.items():
        print(f"{kind:<18} {median_s * 1000:>8.0f} ms {median_s / baseline:>10.1f}x {found:>7}/{expected:<6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
