"""Reading product barcodes: two decoders over a few image variants, each read counted as a vote.

A code counts as read with high confidence only when the evidence agrees: both decoders read it,
or one decoder read it in most of the variants (a misread rarely survives rotations and rescaling;
on the zxing test photos, wrong single-decoder reads appeared in at most half of them). A code read
once in a desperate retry, or a place where two different codes were read, stays low confidence:
a moderator looks rather than a wrong product being paid.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import zxingcpp
from PIL import Image, ImageFilter, ImageOps
from pyzbar import pyzbar
from pyzbar.pyzbar import ZBarSymbol

from fieldtasks.ocr.codes import canonical_gtin
from fieldtasks.ocr.regions import bar_angle, barcode_regions
from fieldtasks.ocr.types import BarcodeRead, Box

SINGLE_DECODER_SHARE = 0.7  # of the variants that showed its place, for a code only one decoder reads
FIRST_PASS_MAX_SIDE = 1600  # large photos are read downscaled first: barcodes stay legible, work drops
SMALL_SIDE = 500  # photos smaller than twice this are looked at whole; larger ones around candidates
UPSCALED_MAX_SIDE = 1400  # small photos are enlarged up to this size, not beyond
REGION_SIDE = 800  # candidate regions are read at about this size
ROTATIONS = (-30, -15, 15, 30, 45)
_ZBAR_SYMBOLS = [ZBarSymbol.EAN13, ZBarSymbol.EAN8, ZBarSymbol.UPCA, ZBarSymbol.UPCE]
# Both decoders name the product symbologies alike (zbar's type, zxing-cpp's format name).
_SYMBOLOGIES = {"EAN13": "ean13", "EAN8": "ean8", "UPCA": "upca", "UPCE": "upce"}
_ZXING_FORMATS = (
    zxingcpp.BarcodeFormat.EAN13,
    zxingcpp.BarcodeFormat.EAN8,
    zxingcpp.BarcodeFormat.UPCA,
    zxingcpp.BarcodeFormat.UPCE,
)


@dataclass(frozen=True)
class Variant:
    """A transformed copy of the photo and how to map its coordinates back."""

    name: str
    image: Image.Image
    scale: float  # variant pixels per photo pixel
    angle: float  # degrees the variant was rotated by (counter-clockwise)
    region: Box  # the part of the photo it shows, in photo pixels


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
        symbology = _SYMBOLOGIES.get(found.type)
        gtin = canonical_gtin(found.data.decode("ascii", "replace"), symbology or "")
        if symbology and gtin:
            points = [(p.x, p.y) for p in found.polygon] or [(found.rect.left, found.rect.top)]
            reads.append(Read(gtin, symbology, "zbar", variant.name, photo_box(points, variant)))
    return reads


def decode_zxing(variant: Variant) -> list[Read]:
    reads = []
    for found in zxingcpp.read_barcodes(variant.image, formats=_ZXING_FORMATS):
        symbology = _SYMBOLOGIES.get(found.format.name)
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
    region = variant.region
    xs, ys = [], []
    for x, y in points:
        dx, dy = x - width / 2, y - height / 2
        # PIL rotates counter-clockwise on screen about the centre: undo that, then the scale.
        xs.append(region.left + region.width / 2 + (dx * math.cos(theta) - dy * math.sin(theta)) / variant.scale)
        ys.append(region.top + region.height / 2 + (dx * math.sin(theta) + dy * math.cos(theta)) / variant.scale)
    left, top = max(0, int(min(xs))), max(0, int(min(ys)))
    return Box(left, top, max(1, int(max(xs)) - left), max(1, int(max(ys)) - top))


def first_pass_variants(working: Image.Image, photo_size: tuple[int, int]) -> Iterator[Variant]:
    """The photo at a working scale: cheap, and enough for most photos."""
    yield Variant("plain", working, working.width / photo_size[0], 0.0, Box(0, 0, *photo_size))


def retry_variants(
    working: Image.Image, photo_size: tuple[int, int], load_full: Callable[[], Image.Image]
) -> Iterator[Variant]:
    """More expensive looks, tried only when the first pass was not conclusive.

    A small photo (or a crop) is looked at whole, in many ways; a large one only around the
    places that look like barcodes, cut from the full-resolution photo.
    """
    scale = working.width / photo_size[0]
    if max(working.size) < SMALL_SIDE * 2:
        yield from looks(working, scale, Box(0, 0, *photo_size))
        return
    full = load_full()
    for index, (left, top, right, bottom) in enumerate(barcode_regions(working)):
        margin = 0.15 * max(right - left, bottom - top)
        region = Box(*clip_region(left, top, right, bottom, margin, scale, photo_size))
        crop = full.crop((region.left, region.top, region.left + region.width, region.top + region.height))
        crop_scale = min(3.0, REGION_SIDE / max(crop.size))
        crop = crop.resize((round(crop.width * crop_scale), round(crop.height * crop_scale)), Image.BICUBIC)
        angle = bar_angle(np.asarray(crop, dtype=np.float32))
        upright = crop.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
        for variant in region_looks(upright, crop_scale, angle, region):
            yield dataclasses.replace(variant, name=f"region{index}-{variant.name}")


def clip_region(left, top, right, bottom, margin, scale, photo_size) -> tuple[int, int, int, int]:
    """A working-copy box with a margin, in photo pixels, kept inside the photo."""
    x0, y0 = max(0, (left - margin) / scale), max(0, (top - margin) / scale)
    x1, y1 = min(photo_size[0], (right + margin) / scale), min(photo_size[1], (bottom + margin) / scale)
    return round(x0), round(y0), max(1, round(x1 - x0)), max(1, round(y1 - y0))


def region_looks(image: Image.Image, scale: float, angle: float, region: Box) -> Iterator[Variant]:
    """A candidate region, turned so that its bars stand upright, seen a few ways."""
    yield Variant("upright", image, scale, angle, region)
    yield Variant("contrast", ImageOps.autocontrast(image, cutoff=2), scale, angle, region)
    yield Variant("binarized", binarize(image), scale, angle, region)
    yield Variant("sharpened", image.filter(ImageFilter.UnsharpMask(radius=2, percent=200)), scale, angle, region)


def looks(image: Image.Image, scale: float, region: Box) -> Iterator[Variant]:
    """A small photo seen several ways: larger, stretched in contrast, binarised, sharpened, turned."""
    for factor in (2, 3, 4):
        if max(image.size) * factor > UPSCALED_MAX_SIDE:
            break
        larger = image.resize((image.width * factor, image.height * factor), Image.BICUBIC)
        yield Variant(f"x{factor}", larger, scale * factor, 0.0, region)
    yield Variant("contrast", ImageOps.autocontrast(image, cutoff=2), scale, 0.0, region)
    yield Variant("equalized", ImageOps.equalize(image), scale, 0.0, region)
    yield Variant("binarized", binarize(image), scale, 0.0, region)
    yield Variant("sharpened", image.filter(ImageFilter.UnsharpMask(radius=2, percent=200)), scale, 0.0, region)
    for angle in ROTATIONS:
        rotated = image.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
        yield Variant(f"rot{angle}", rotated, scale, float(angle), region)


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


def read_all(variants: Iterator[Variant]) -> tuple[list[Read], list[Box]]:
    """Every read of both decoders over the variants, and the region each variant showed."""
    reads: list[Read] = []
    shown: list[Box] = []
    for variant in variants:
        reads += decode_zbar(variant)
        reads += decode_zxing(variant)
        shown.append(variant.region)
    return reads, shown


def decode_barcodes(
    working: Image.Image, photo_size: tuple[int, int], load_full: Callable[[], Image.Image]
) -> tuple[BarcodeRead, ...]:
    """Product codes in an upright photo, most voted first.

    `working` is the grey photo at most FIRST_PASS_MAX_SIDE wide or high, `photo_size` its
    full size, and `load_full` decodes it at full size, only when a retry needs it. Boxes are in
    full-size coordinates.
    """
    reads, shown = read_all(first_pass_variants(working, photo_size))
    if not reads or not all(is_conclusive(group, shown) for group in group_by_gtin(reads).values()):
        more, more_shown = read_all(retry_variants(working, photo_size, load_full))
        reads, shown = reads + more, shown + more_shown
    return summarise(reads, shown)


def group_by_gtin(reads: list[Read]) -> dict[str, list[Read]]:
    groups: dict[str, list[Read]] = {}
    for read in reads:
        groups.setdefault(read.gtin, []).append(read)
    return groups


def is_conclusive(group: list[Read], shown: list[Box]) -> bool:
    """Enough agreement to be sure: both decoders, or one decoder in most looks at the photo."""
    if len({read.decoder for read in group}) >= 2:
        return True
    looked = sum(1 for region in shown if region.overlaps(group[0].box))
    return looked > 1 and len({read.variant for read in group}) >= SINGLE_DECODER_SHARE * looked


def summarise(reads: list[Read], shown: list[Box]) -> tuple[BarcodeRead, ...]:
    groups = group_by_gtin(reads)
    results = []
    for gtin, group in groups.items():
        box = group[0].box
        rivals = [
            others for other, others in groups.items() if other != gtin and any(r.box.overlaps(box) for r in others)
        ]
        confident = is_conclusive(group, shown) and all(outweighs(group, rival) for rival in rivals)
        decoders = tuple(sorted({read.decoder for read in group}))
        results.append(BarcodeRead(gtin, group[0].symbology, box, decoders, len(group), "high" if confident else "low"))
    return tuple(sorted(results, key=lambda read: -read.votes))


def outweighs(group: list[Read], rival: list[Read]) -> bool:
    """A different code read at the same place vetoes confidence, unless it is a stray: one decoder,
    and at most a third of the votes."""
    return len({read.decoder for read in rival}) == 1 and 3 * len(rival) <= len(group)
