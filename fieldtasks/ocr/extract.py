"""extract(image_bytes, hints) -> Extraction: the one entry point of photo extraction."""

from __future__ import annotations

import dataclasses
import functools
import io
import os
import time
from importlib import metadata

import pytesseract
from PIL import Image, ImageOps, UnidentifiedImageError

from fieldtasks.ocr.barcodes import FIRST_PASS_MAX_SIDE, decode_barcodes, decode_vehicle_codes
from fieldtasks.ocr.confirm import check_typed_price
from fieldtasks.ocr.grammar import unit_price_agrees
from fieldtasks.ocr.readings import with_printed_digits
from fieldtasks.ocr.shelf_label import read_label
from fieldtasks.ocr.types import BarcodeRead, Confidence, Extraction, Hints, PriceCandidate, UnitPriceCheck


class UnreadablePhotoError(ValueError):
    """The bytes are not an image the extractor can decode (corrupt, truncated, or not an image)."""


_TRANSPOSED_ORIENTATIONS = (5, 6, 7, 8)  # EXIF orientations that swap width and height


def load_photo(image_bytes: bytes, max_side: int | None = None) -> tuple[Image.Image, tuple[int, int]]:
    """The photo in grey levels, turned upright (EXIF orientation), and its full upright size.

    With `max_side`, a JPEG is decoded straight at a reduced scale (its DCT allows 1/2, 1/4, 1/8),
    then resized to fit: a 12 MP photo costs a fraction of a full decode. UnreadablePhotoError on
    anything broken.
    """
    try:
        image = Image.open(io.BytesIO(image_bytes))
        width, height = image.size
        if image.getexif().get(0x0112, 1) in _TRANSPOSED_ORIENTATIONS:
            width, height = height, width
        scale = min(1.0, max_side / max(width, height)) if max_side else 1.0
        if scale < 1.0 and image.format == "JPEG":
            image.draft("L", (round(image.width * scale), round(image.height * scale)))
        image.load()
        upright = ImageOps.exif_transpose(image).convert("L")  # every reader works on grey levels
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise UnreadablePhotoError(f"cannot decode the photo: {error}") from None
    if scale < 1.0:
        upright = upright.resize((max(1, round(width * scale)), max(1, round(height * scale))), Image.BILINEAR)
    return upright, (width, height)


def one_thread_per_process() -> None:
    """Tesseract reads with one thread: workers read photos in parallel, and OpenMP threads would only fight
    over the same cores. Called once by each process that reads photos (worker.py, the evaluation, the benches)."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def cpu_ms() -> float:
    """CPU time of this process and of the Tesseract processes it waited for, in milliseconds."""
    children = os.times()
    return (time.process_time() + children.children_user + children.children_system) * 1000


@functools.cache
def engine_versions() -> dict[str, str]:
    versions = {}
    for package in ("pyzbar", "zxing-cpp", "pillow", "pytesseract", "rapidocr", "onnxruntime"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "missing"
    try:
        versions["tesseract"] = str(pytesseract.get_tesseract_version())
    except pytesseract.TesseractNotFoundError:
        versions["tesseract"] = "missing"
    return versions


def extract(image_bytes: bytes, hints: Hints | None = None) -> Extraction:
    """Everything the verifier needs from one photo. Hints mark what was expected; they never
    change what was read, only how sure it is (the net quantity checks the price against the unit price)."""
    hints = hints or Hints()
    timings: dict[str, float] = {}
    started = cpu_ms()
    working, (width, height) = load_photo(image_bytes, max_side=FIRST_PASS_MAX_SIDE)
    timings["decode_ms"] = cpu_ms() - started
    load_full = functools.cache(lambda: load_photo(image_bytes)[0])
    started = cpu_ms()
    barcodes = ()
    if hints.gtins or not hints.vehicle_codes:  # a vehicle's photo is not searched for product codes
        barcodes = decode_barcodes(working, (width, height), load_full, whole_shelf=hints.whole_shelf)
    timings["barcodes_ms"] = cpu_ms() - started
    codes = ()
    if hints.vehicle_codes:  # QR and Code 128 are looked for only when a vehicle is expected
        started = cpu_ms()
        found = decode_vehicle_codes(working, (width, height), load_full)
        codes = tuple(dataclasses.replace(read, expected=read.text in hints.vehicle_codes) for read in found)
        timings["vehicle_codes_ms"] = cpu_ms() - started
    label = None
    if hints.prices:
        label = read_label(working, working.width / width, hints.currency, timings, cpu_ms)
        barcodes = with_printed_digits(barcodes, label.printed_gtins)
    if hints.gtins:
        barcodes = tuple(dataclasses.replace(read, expected=read.gtin in hints.gtins) for read in barcodes)
    shelf = label.shelf_price if label else None
    unit_price = label.unit_price if label else None
    check = cross_check(shelf, unit_price, hints, barcodes)
    if check == UnitPriceCheck.DISAGREES:  # one of the two numbers is misread, and nothing says which
        shelf = dataclasses.replace(shelf, confidence=Confidence.LOW)
    elif check == UnitPriceCheck.AGREES:  # two readings of the label confirm each other
        unit_price = dataclasses.replace(unit_price, confidence=Confidence.HIGH)
    typed = None
    if label and hints.typed_price_cents is not None:
        typed = check_typed_price(list(label.prices), hints.typed_price_cents, label.text_lines)
    engines = dict(engine_versions())
    return Extraction(
        barcodes=barcodes,
        prices=label.prices if label else (),
        shelf_price=shelf,
        width=width,
        height=height,
        timings_ms=timings,
        engines=engines,
        unit_price=unit_price,
        promotion_percent=label.promotion_percent if label else None,
        codes=codes,
        price_check=check,
        text_lines=label.text_lines if label else (),
        printed_gtins=label.printed_gtins if label else (),
        typed_price=typed,
    )


def cross_check(
    shelf: PriceCandidate | None, unit_price: PriceCandidate | None, hints: Hints, barcodes: tuple[BarcodeRead, ...]
) -> str | None:
    """Does the unit price times the product's net quantity give the shelf price? None when not checkable:
    a number missing, the quantity unknown, the unit price per another unit than the quantity's, or the
    label surely another product's (its quantity is not the one hinted)."""
    if shelf is None or unit_price is None or not hints.net_quantity:
        return None
    if hints.gtins and any(read.confidence == Confidence.HIGH and not read.expected for read in barcodes):
        return None
    if hints.net_unit and unit_price.unit != hints.net_unit:
        return None
    agrees = unit_price_agrees(shelf.amount_cents, unit_price.amount_cents, hints.net_quantity)
    return UnitPriceCheck.AGREES if agrees else UnitPriceCheck.DISAGREES
