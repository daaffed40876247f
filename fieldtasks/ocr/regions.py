"""Where barcodes may be in a large photo: areas of strong, one-directional contrast (pure)."""

from __future__ import annotations

import numpy as np
from PIL import Image
from scipy import ndimage

ANALYSIS_SIDE = 800  # the search itself runs on a small copy


def bar_angle(pixels: np.ndarray) -> float:
    """Degrees to rotate a crop (counter-clockwise) so that its bars stand upright.

    The structure tensor's dominant direction is the gradient's, across the bars.
    """
    gx, gy = ndimage.sobel(pixels, axis=1), ndimage.sobel(pixels, axis=0)
    gradient = 0.5 * np.degrees(np.arctan2(2 * (gx * gy).sum(), (gx * gx).sum() - (gy * gy).sum()))
    return float(gradient)  # image y points down, so this is the counter-clockwise turn


def barcode_regions(gray: Image.Image, limit: int = 4) -> list[tuple[int, int, int, int]]:
    """Up to `limit` boxes (left, top, right, bottom, in `gray`'s pixels), most barcode-like first.

    Bars make the gradient strong across them and weak along them; the difference of the two,
    smoothed and closed, leaves blobs where barcodes are (either orientation).
    """
    scale = min(1.0, ANALYSIS_SIDE / max(gray.size))
    small = gray if scale == 1.0 else gray.resize((round(gray.width * scale), round(gray.height * scale)))
    pixels = np.asarray(small, dtype=np.float32)
    across, along = np.abs(ndimage.sobel(pixels, axis=1)), np.abs(ndimage.sobel(pixels, axis=0))
    scored = []
    for energy in (across - along, along - across):
        smooth = ndimage.uniform_filter(np.clip(energy, 0, None), size=9)
        mask = ndimage.binary_closing(smooth > smooth.mean() + 2 * smooth.std(), iterations=3)
        labels, _ = ndimage.label(mask)
        for found in ndimage.find_objects(labels):
            rows, cols = found
            height, width = rows.stop - rows.start, cols.stop - cols.start
            if height * width < 0.0005 * pixels.size or min(height, width) < 8:
                continue
            box = (cols.start / scale, rows.start / scale, cols.stop / scale, rows.stop / scale)
            scored.append((float(smooth[found].sum()), tuple(round(v) for v in box)))
    scored.sort(key=lambda item: -item[0])
    return [box for _, box in scored[:limit]]
