"""extract(image_bytes, hints) -> Extraction: the one entry point of photo extraction."""

from __future__ import annotations

import dataclasses
import io
import time
from importlib import metadata

from PIL import Image, ImageOps, UnidentifiedImageError

from fieldtasks.ocr.barcodes import decode_barcodes
from fieldtasks.ocr.types import Extraction, Hints


class UnreadablePhotoError(ValueError):
    """The bytes are not an image the extractor can decode (corrupt, truncated, or not an image)."""


def load_photo(image_bytes: bytes) -> Image.Image:
    """Decode and turn upright (EXIF orientation); UnreadablePhotoError on anything broken."""
    try:
        image = Image.open(io.BytesIO(image_bytes))
        image.load()
        return ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise UnreadablePhotoError(f"cannot decode the photo: {error}") from None


def engine_versions() -> dict[str, str]:
    versions = {}
    for package in ("pyzbar", "zxing-cpp", "pillow"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "missing"
    return versions


def extract(image_bytes: bytes, hints: Hints | None = None) -> Extraction:
    """Everything the verifier needs from one photo. Hints mark what was expected; they never
    change what was read."""
    hints = hints or Hints()
    timings: dict[str, float] = {}
    started = time.process_time()
    image = load_photo(image_bytes)
    timings["decode_ms"] = (time.process_time() - started) * 1000
    started = time.process_time()
    barcodes = decode_barcodes(image)
    timings["barcodes_ms"] = (time.process_time() - started) * 1000
    if hints.gtins:
        barcodes = tuple(dataclasses.replace(read, expected=read.gtin in hints.gtins) for read in barcodes)
    return Extraction(barcodes, image.width, image.height, timings, engine_versions())
