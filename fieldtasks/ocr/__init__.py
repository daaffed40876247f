"""Photo extraction: pure code, image bytes in, frozen dataclasses out (no Flask, no database, no RQ)."""

from fieldtasks.ocr.extract import UnreadablePhotoError, extract
from fieldtasks.ocr.types import BarcodeRead, Box, Extraction, Hints, PriceCandidate

__all__ = ["BarcodeRead", "Box", "Extraction", "Hints", "PriceCandidate", "UnreadablePhotoError", "extract"]
