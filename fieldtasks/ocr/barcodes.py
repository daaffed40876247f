"""Reading product barcodes: two decoders over a few image variants, each read counted as a vote.

A code counts as read with high confidence only when the evidence agrees: both decoders read it,
or one decoder read it in most of the variants (a misread rarely survives rotations and rescaling;
on the zxing test photos, wrong single-decoder reads appeared in at most half of them). A code read
once in a desperate retry, or a place where two different codes were read, stays low confidence:
a moderator looks rather than a wrong product being paid.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import zxingcpp
from PIL import Image, ImageFilter, ImageOps
from pyzbar import pyzbar
from pyzbar.pyzbar import ZBarSymbol

from fieldtasks.ocr.codes import canonical_gtin
from fieldtasks.ocr.types import BarcodeRead, Box

SINGLE_DECODER_SHARE = 0.7  # of the variants tried, for a code only one decoder reads
FIRST_PASS_MAX_SIDE = 1600  # large photos are read downscaled first: barcodes stay legible, work drops
SMALL_SIDE = 500  # photos (or crops) smaller than this are also read upscaled
ROTATIONS = (-30, -15, 15, 30, 45)
_ZBAR_SYMBOLS = [ZBarSymbol.EAN13, ZBarSymbol.EAN8, ZBarSymbol.UPCA, ZBarSymbol.UPCE]
_ZBAR_NAMES = {"EAN13": "ean13", "EAN8": "ean8", "UPCA": "upca", "UPCE": "upce"}
_ZXING_FORMATS = (
    zxingcpp.BarcodeFormat.EAN13,
    zxingcpp.BarcodeFormat.EAN8,
    zxingcpp.BarcodeFormat.UPCA,
    zxingcpp.BarcodeFormat.UPCE,
)
_ZXING_NAMES = {"EAN13": "ean13", "EAN8": "ean8", "UPCA": "upca", "UPCE": "upce"}


@dataclass(frozen=True)
class Variant:
    """A transformed copy of the photo and how to map its coordinates back."""

    name: str
    image: Image.Image
    scale: float  # variant pixels per photo pixel
    angle: float  # degrees the variant was rotated by (counter-clockwise)
    photo_size: tuple[int, int]


@dataclass(frozen=True)
class Read:
    gtin: str
    symbology: str
    decoder: str
    variant: str
    box: Box


def decode_zbar(variant: Variant) -> list[Read]:
    reads = []
    for found in pyzbar.decode(variant.image, symbols=_ZBAR_SYMBOLS):
        symbology = _ZBAR_NAMES.get(found.type)
        gtin = canonical_gtin(found.data.decode("ascii", "replace"), symbology or "")
        if symbology and gtin:
            points = [(p.x, p.y) for p in found.polygon] or [(found.rect.left, found.rect.top)]
            reads.append(Read(gtin, symbology, "zbar", variant.name, photo_box(points, variant)))
    return reads


def decode_zxing(variant: Variant) -> list[Read]:
    reads = []
    for found in zxingcpp.read_barcodes(variant.image, formats=_ZXING_FORMATS):
        symbology = _ZXING_NAMES.get(found.format.name)
        gtin = canonical_gtin(found.text, symbology or "")
        if symbology and gtin and found.valid:
            p = found.position
            corners = [(p.top_left.x, p.top_left.y), (p.top_right.x, p.top_right.y)]
            corners += [(p.bottom_left.x, p.bottom_left.y), (p.bottom_right.x, p.bottom_right.y)]
            reads.append(Read(gtin, symbology, "zxing", variant.name, photo_box(corners, variant)))
    return reads


def photo_box(points: list[tuple[float, float]], variant: Variant) -> Box:
    """The box, in photo coordinates, around points found in a scaled and rotated variant."""
    width, height = variant.image.size
    theta = math.radians(variant.angle)
    photo_w, photo_h = variant.photo_size
    mapped = []
    for x, y in points:
        dx, dy = x - width / 2, y - height / 2
        # PIL rotates counter-clockwise on screen; undo it, then undo the scale.
        ox = dx * math.cos(theta) - dy * math.sin(theta)
        oy = dx * math.sin(theta) + dy * math.cos(theta)
        mapped.append(
            (
                (ox + width / 2 - (width - photo_w * variant.scale) / 2) / variant.scale,
                (oy + height / 2 - (height - photo_h * variant.scale) / 2) / variant.scale,
            )
        )
    xs, ys = [p[0] for p in mapped], [p[1] for p in mapped]
    left, top = max(0, int(min(xs))), max(0, int(min(ys)))
    return Box(left, top, max(1, int(max(xs)) - left), max(1, int(max(ys)) - top))


def first_pass_variants(gray: Image.Image) -> Iterator[Variant]:
    """The photo at a working scale: cheap, and enough for most photos."""
    size = gray.size
    longest = max(size)
    scale = min(1.0, FIRST_PASS_MAX_SIDE / longest)
    working = gray if scale == 1.0 else gray.resize((round(size[0] * scale), round(size[1] * scale)), Image.LANCZOS)
    yield Variant("plain", working, scale, 0.0, size)


def retry_variants(gray: Image.Image) -> Iterator[Variant]:
    """More expensive looks, tried only when the first pass was not conclusive."""
    size = gray.size
    base_scale = min(1.0, FIRST_PASS_MAX_SIDE / max(size))
    base = next(first_pass_variants(gray)).image
    if base_scale < 1.0:
        yield Variant("full", gray, 1.0, 0.0, size)
    if max(base.size) < SMALL_SIDE * 2:
        for factor in (2, 3, 4):
            upscaled = base.resize((base.width * factor, base.height * factor), Image.BICUBIC)
            yield Variant(f"x{factor}", upscaled, base_scale * factor, 0.0, size)
    yield Variant("contrast", ImageOps.autocontrast(base, cutoff=2), base_scale, 0.0, size)
    yield Variant("equalized", ImageOps.equalize(base), base_scale, 0.0, size)
    yield Variant("binarized", binarize(base), base_scale, 0.0, size)
    yield Variant("sharpened", base.filter(ImageFilter.UnsharpMask(radius=2, percent=200)), base_scale, 0.0, size)
    for angle in ROTATIONS:
        rotated = base.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
        yield Variant(f"rot{angle}", rotated, base_scale, float(angle), size)


def otsu_threshold(gray: Image.Image) -> int:
    """The grey level that best separates dark bars from light background (Otsu's method)."""
    histogram = gray.histogram()
    total = sum(histogram)
    weighted_total = sum(level * count for level, count in enumerate(histogram))
    best, best_level, background, weighted_background = 0.0, 128, 0, 0.0
    for level, count in enumerate(histogram):
        background += count
        weighted_background += level * count
        foreground = total - background
        if background == 0 or foreground == 0:
            continue
        mean_gap = weighted_background / background - (weighted_total - weighted_background) / foreground
        spread = background * foreground * mean_gap * mean_gap
        if spread > best:
            best, best_level = spread, level
    return best_level


def binarize(gray: Image.Image) -> Image.Image:
    threshold = otsu_threshold(gray)
    return gray.point(lambda level: 255 if level > threshold else 0)


def read_all(variants: Iterator[Variant]) -> tuple[list[Read], int]:
    """Every read of both decoders over the variants, and how many variants were tried."""
    reads: list[Read] = []
    tried = 0
    for variant in variants:
        reads += decode_zbar(variant)
        reads += decode_zxing(variant)
        tried += 1
    return reads, tried


def decode_barcodes(image: Image.Image) -> tuple[BarcodeRead, ...]:
    """Product codes in the photo (already upright), most voted first."""
    gray = image.convert("L")
    reads, tried = read_all(first_pass_variants(gray))
    if not reads or not all(is_conclusive(group, tried) for group in group_by_gtin(reads).values()):
        more, more_tried = read_all(retry_variants(gray))
        reads, tried = reads + more, tried + more_tried
    return summarise(reads, tried)


def group_by_gtin(reads: list[Read]) -> dict[str, list[Read]]:
    groups: dict[str, list[Read]] = {}
    for read in reads:
        groups.setdefault(read.gtin, []).append(read)
    return groups


def is_conclusive(group: list[Read], variants_tried: int) -> bool:
    """Enough agreement to be sure: both decoders, or one decoder in most looks at the photo."""
    if len({read.decoder for read in group}) >= 2:
        return True
    return variants_tried > 1 and len({read.variant for read in group}) >= SINGLE_DECODER_SHARE * variants_tried


def summarise(reads: list[Read], variants_tried: int) -> tuple[BarcodeRead, ...]:
    groups = group_by_gtin(reads)
    results = []
    for gtin, group in groups.items():
        box = group[0].box
        rivals = [
            others for other, others in groups.items() if other != gtin and any(r.box.overlaps(box) for r in others)
        ]
        confident = is_conclusive(group, variants_tried) and all(outweighs(group, rival) for rival in rivals)
        decoders = tuple(sorted({read.decoder for read in group}))
        results.append(BarcodeRead(gtin, group[0].symbology, box, decoders, len(group), "high" if confident else "low"))
    return tuple(sorted(results, key=lambda read: -read.votes))


def outweighs(group: list[Read], rival: list[Read]) -> bool:
    """A different code read at the same place vetoes confidence, unless it is a stray: one decoder,
    and at most a third of the votes."""
    return len({read.decoder for read in rival}) == 1 and 3 * len(rival) <= len(group)
