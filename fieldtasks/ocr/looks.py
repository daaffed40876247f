"""Ways of looking at a photo for codes: scaled, turned, sharpened, cut into regions or tiles (pure)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from fieldtasks.ocr.regions import bar_angle, barcode_regions
from fieldtasks.ocr.types import Box

SMALL_SIDE = 500  # photos smaller than twice this are looked at whole; larger ones around candidates
UPSCALED_MAX_SIDE = 1400  # small photos are enlarged up to this size, not beyond
REGION_SIDE = 800  # candidate regions are read at about this size
TILE_SIDE = 1200  # a shelf photo is also read in full-resolution tiles of about this size
ROTATIONS = (-30, -15, 15, 30, 45)


@dataclass(frozen=True)
class Variant:
    """A transformed copy of the photo and how to map its coordinates back."""

    name: str
    image: Image.Image
    scale: float  # variant pixels per photo pixel
    angle: float  # degrees the variant was rotated by (counter-clockwise)
    region: Box  # the part of the photo it shows, in photo pixels


def photo_points(points: list[tuple[float, float]], variant: Variant) -> list[tuple[float, float]]:
    """Points found in a scaled and rotated variant, in photo coordinates."""
    width, height = variant.image.size
    theta = math.radians(variant.angle)
    region = variant.region
    mapped = []
    for x, y in points:
        dx, dy = x - width / 2, y - height / 2
        # PIL rotates counter-clockwise on screen about the centre: undo that, then the scale.
        mapped.append(
            (
                region.left + region.width / 2 + (dx * math.cos(theta) - dy * math.sin(theta)) / variant.scale,
                region.top + region.height / 2 + (dx * math.sin(theta) + dy * math.cos(theta)) / variant.scale,
            )
        )
    return mapped


def photo_box(points: list[tuple[float, float]], variant: Variant) -> Box:
    """The box, in photo coordinates, around points found in a scaled and rotated variant."""
    mapped = photo_points(points, variant)
    xs, ys = [x for x, _ in mapped], [y for _, y in mapped]
    left, top = max(0, int(min(xs))), max(0, int(min(ys)))
    return Box(left, top, max(1, int(max(xs)) - left), max(1, int(max(ys)) - top))


def first_pass_variants(working: Image.Image, photo_size: tuple[int, int]) -> Iterator[Variant]:
    """The photo at a working scale: cheap, and enough for most photos."""
    yield Variant("plain", working, working.width / photo_size[0], 0.0, Box(0, 0, *photo_size))


def retry_variants(
    working: Image.Image, photo_size: tuple[int, int], load_full: Callable[[], Image.Image], regions: int = 4
) -> Iterator[Variant]:
    """More expensive looks, tried only when the first pass was not conclusive.

    A small photo (or a crop) is looked at whole, in many ways; a large one only around the
    `regions` places that look most like barcodes, cut from the full-resolution photo.
    """
    scale = working.width / photo_size[0]
    if max(working.size) < SMALL_SIDE * 2:
        yield from looks(working, scale, Box(0, 0, *photo_size))
        return
    full = load_full()
    for index, (left, top, right, bottom) in enumerate(barcode_regions(working, limit=regions)):
        margin = 0.15 * max(right - left, bottom - top)
        region = Box(*clip_region(left, top, right, bottom, margin, scale, photo_size))
        crop = full.crop((region.left, region.top, region.left + region.width, region.top + region.height))
        crop_scale = min(3.0, REGION_SIDE / max(crop.size))
        crop = crop.resize((round(crop.width * crop_scale), round(crop.height * crop_scale)), Image.BICUBIC)
        angle = bar_angle(np.asarray(crop, dtype=np.float32))
        upright = crop.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
        for variant in region_looks(upright, crop_scale, angle, region):
            yield dataclasses.replace(variant, name=f"region{index}-{variant.name}")


def tiles(full: Image.Image) -> Iterator[Variant]:
    """The full-resolution photo cut into overlapping tiles: small labels across a shelf keep every pixel."""
    width, height = full.size
    across, down = max(1, math.ceil(width / TILE_SIDE)), max(1, math.ceil(height / TILE_SIDE))
    if across == down == 1:
        return
    tile_w, tile_h = math.ceil(width / across), math.ceil(height / down)
    overlap_w, overlap_h = tile_w // 4, tile_h // 4  # a label cut by one tile's edge is whole in its neighbour
    for row in range(down):
        for column in range(across):
            left, top = max(0, column * tile_w - overlap_w), max(0, row * tile_h - overlap_h)
            right, bottom = min(width, (column + 1) * tile_w + overlap_w), min(height, (row + 1) * tile_h + overlap_h)
            region = Box(left, top, right - left, bottom - top)
            yield Variant(f"tile{row}-{column}", full.crop((left, top, right, bottom)), 1.0, 0.0, region)


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
    """A small photo seen several ways: larger (and sharpened), stretched in contrast, binarised, sharpened, turned."""
    for factor in (2, 3, 4):
        if max(image.size) * factor > UPSCALED_MAX_SIDE:
            break
        larger = image.resize((image.width * factor, image.height * factor), Image.BICUBIC)
        yield Variant(f"x{factor}", larger, scale * factor, 0.0, region)
        # blur grows with the enlargement: sharpened at its scale, thin spaces between bars reappear
        sharper = larger.filter(ImageFilter.UnsharpMask(radius=2 * factor, percent=200))
        yield Variant(f"x{factor}-sharpened", sharper, scale * factor, 0.0, region)
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
