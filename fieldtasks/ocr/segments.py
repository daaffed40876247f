"""Seven-segment digits fitted to an LCD display, and checked stroke by stroke (pure).

`Display` holds a band of the darkness map, deslanted; any zone's mean darkness (a segment, or one of a
digit's two counters) costs a few array operations, for many digit sizes at once and every column.
`place_units` and `place_cents` try every placement of a price's digits; `is_drawn` looks at a placement
again, stroke by stroke. How these make a price: `fieldtasks/ocr/lcd.py`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

_ZONES = "abcdefg"  # then the two counters, which every digit leaves empty
_PATTERNS = {
    "0": "abcdef",
    "1": "bc",
    "2": "abdeg",
    "3": "abcdg",
    "4": "bcfg",
    "5": "acdfg",
    "6": "acdefg",
    "7": "abc",
    "8": "abcdefg",
    "9": "abcdfg",
    " ": "",
}
_VARIANTS = (("6", "cdefg"), ("7", "abcf"), ("9", "abcfg"))  # the other common ways to draw them
_NAMES = [*_PATTERNS, *(name for name, _ in _VARIANTS)]
_LIT = [*_PATTERNS.values(), *(lit for _, lit in _VARIANTS)]
_ON = np.array([[zone in lit for zone in _ZONES] + [False, False] for lit in _LIT])
_SIGN = np.where(_ON, 1.0, -1.0)
_BLANK = _NAMES.index(" ")
MIN_MARGIN = 0.15  # every zone at least this share of the threshold away from it
WIDTHS = np.arange(0.2, 0.6, 0.04)  # digit width (between its columns) over its height
GAPS = np.arange(0.13, 0.44, 0.05)  # pitch minus width, over the height: two strokes at least
CENTS_HEIGHTS = np.arange(0.45, 0.81, 0.05)  # of the units' height
CENTS_SHIFTS = (-0.05, 0.0, 0.05)  # their top against the units' (shares of the height)
TOP_SHIFTS = (-0.18, -0.12, -0.06, 0.0)  # the bars end inside the digit: its top and bottom are
BOTTOM_SHIFTS = (0.0, 0.06, 0.12, 0.18)  # searched around theirs (shares of the band's height)
STROKE = 0.07  # a segment's thickness, over the digit's height (2 pixels at least)


@dataclass(frozen=True)
class Cells:
    """Digits placed in a band: right column of the last one, pitch, and what each reads."""

    top: float
    height: float
    width: float
    right: int
    pitch: int
    digits: str
    score: float


class Display:
    """The darkness map deslanted for one band, with what makes any zone's mean a few array operations.

    Every size of digit tried is a row of arrays (its top, height, width and stroke), and every
    method answers for all of them at once, for every column x.
    """

    def __init__(self, dark: np.ndarray, slant: float, middle: float):
        width = dark.shape[1]
        xs = np.arange(width, dtype=np.float32)
        upright = np.empty_like(dark)
        for y in range(dark.shape[0]):
            upright[y] = np.interp(xs + slant * (y - middle), xs, dark[y], left=0, right=0)
        self.pixels = upright
        self.sums = _prefix(upright.T).T
        self.width = width

    def row_means(self, y0: np.ndarray, y1: np.ndarray) -> np.ndarray:
        """out[i, x]: the mean of column x over rows y0[i] to y1[i]."""
        last = self.sums.shape[0] - 1
        a = np.clip(np.round(y0), 0, last).astype(int)
        b = np.clip(np.round(y1), 0, last).astype(int)
        means = (self.sums[b] - self.sums[a]) / np.maximum(b - a, 1)[:, None]
        return np.where((b > a)[:, None], means, 0.0)

    def zones(self, top: np.ndarray, height: np.ndarray, width: np.ndarray, stroke: np.ndarray) -> np.ndarray:
        """out[i, k, x]: mean darkness of zone k (segments a to g, then the two counters) of digit i
        placed with its right column at x."""
        middle, bottom = top + height / 2, top + height
        w, s = width.astype(int), np.maximum(1, np.round(stroke)).astype(int)

        def horizontal(y: np.ndarray) -> np.ndarray:  # the darkest of three rows around y, mid-width
            rows = (self.row_means(y + o - stroke / 2, y + o + stroke / 2) for o in (-stroke / 2, 0, stroke / 2))
            return np.max([_window_means(r, -(3 * w) // 4, -w // 4 + 1) for r in rows], axis=0)

        def vertical(y0: np.ndarray, y1: np.ndarray) -> np.ndarray:  # the darkest stroke-wide column near x
            columns = _window_means(self.row_means(y0, y1), -(s // 2), s // 2 + 1)
            darkest, x = columns.copy(), _x(self.width)
            for offset in range(1, int(s.max()) // 2 + 1):
                near = (offset <= s // 2)[:, None]
                for moved in (_take(columns, x - offset, 0.0), _take(columns, x + offset, 0.0)):
                    darkest = np.where(near, np.maximum(darkest, moved), darkest)
            return darkest

        def counter(y0: np.ndarray, y1: np.ndarray) -> np.ndarray:
            half = np.maximum(1, (w - 2 * s) // 2)
            return _window_means(self.row_means(y0, y1), -w // 2 - half, -w // 2 + half + 1)

        upper = vertical(top + 0.15 * height, middle - 0.08 * height)
        lower = vertical(middle + 0.08 * height, bottom - 0.15 * height)
        left = _x(self.width) - w[:, None]
        return np.stack(
            [
                horizontal(top + stroke / 2),
                upper,
                lower,
                horizontal(bottom - stroke / 2),
                _take(lower, left, 0.0),
                _take(upper, left, 0.0),
                horizontal(middle),
                counter(top + 1.5 * stroke, middle - stroke),
                counter(middle + stroke, bottom - 1.5 * stroke),
            ],
            axis=1,
        )

    def gaps(self, top: np.ndarray, height: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
        """Prefix sums, over each digit's rows, of the column means and of the columns darker than
        half the threshold: any gap's mean darkness and its count of inked columns in two lookups."""
        columns = self.row_means(top, top + height)
        return _prefix(columns), _prefix(columns > 0.5 * threshold)


def _x(width: int) -> np.ndarray:
    return np.arange(width)[None, :]


def _prefix(values: np.ndarray) -> np.ndarray:
    """Each row's running sums, after a 0: the sum of values[i, a:b] is out[i, b] - out[i, a]."""
    return np.hstack([np.zeros((len(values), 1)), np.cumsum(values, axis=1)])


def _stroke(height: np.ndarray | float) -> np.ndarray | float:
    return np.maximum(2.0, STROKE * height)


def _window_means(values: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """out[i, x] = mean of values[i, x + start[i] : x + stop[i]] (clipped at the ends; 0 where empty)."""
    size = values.shape[1]
    sums = _prefix(values)
    lo = np.clip(_x(size) + np.reshape(start, (-1, 1)), 0, size)
    hi = np.clip(_x(size) + np.reshape(stop, (-1, 1)), 0, size)
    rows = np.arange(len(values))[:, None] * (size + 1)
    flat = sums.ravel()
    return np.where(hi > lo, (flat.take(rows + hi) - flat.take(rows + lo)) / np.maximum(hi - lo, 1), 0.0)


def _flat(values: np.ndarray, index: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
    """Where values[row, index] is in values padded with one column each side (outside: a pad); rows
    broadcast against index, every row of values in turn when None."""
    size = values.shape[-1]
    if rows is None:
        rows = np.arange(values.shape[0]).reshape((-1,) + (1,) * (index.ndim - 1))
    return rows * (size + 2) + np.clip(index, -1, size).astype(np.int64) + 1


def _padded(values: np.ndarray, fill) -> np.ndarray:
    column = np.full((values.shape[0], 1), fill, dtype=values.dtype)
    return np.hstack([column, values, column]).ravel()


def _take(values: np.ndarray, index: np.ndarray, fill, rows: np.ndarray | None = None) -> np.ndarray:
    """values[row, index] along the last axis, `fill` where the index falls outside."""
    return _padded(values, fill).take(_flat(values, index, rows))


def _gap(
    gaps: tuple[np.ndarray, np.ndarray], start: np.ndarray, stop: np.ndarray, rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Mean darkness of the columns from start to stop, and whether none of them holds ink."""
    sums, inked = gaps  # prefix sums: index 0 before the first column
    a = np.clip(np.round(start), 0, sums.shape[1] - 1)
    b = np.clip(np.maximum(np.round(stop), a), 0, sums.shape[1] - 1)
    at_a, at_b = _flat(sums, a, rows), _flat(sums, b, rows)
    flat_sums, flat_inked = _padded(sums, 0.0), _padded(inked, 0)
    mean = (flat_sums.take(at_b) - flat_sums.take(at_a)) / np.maximum(b - a, 1)
    return mean, flat_inked.take(at_b) - flat_inked.take(at_a) <= 0


def classify(zones: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every digit size and x: the pattern that fits best, its score (the zones' signed distances
    to the threshold), and whether it fits exactly with every zone clear of the threshold."""
    scores = np.einsum("pk,ikx->ipx", _SIGN, zones - threshold)
    best = np.argmax(scores, axis=1)
    margin = np.min(np.abs(zones - threshold), axis=1)
    exact = ((zones > threshold) == np.moveaxis(_ON[best], -1, 1)).all(axis=1)
    score = np.take_along_axis(scores, best[:, None, :], axis=1)[:, 0, :]
    return best, score, exact & (margin >= MIN_MARGIN * threshold)


def place_units(display: Display, bars_top: float, bars_bottom: float, threshold: float) -> list[Cells]:
    """The best placements of 1 to 3 digits whose vertical bars span these rows, one per digit size
    (top, bottom, width) and count: every cell reads a digit, the gaps between them are clear, and so
    is a pitch's width left of the first."""
    size = bars_bottom - bars_top
    shapes = [
        (bars_top + up * size, bars_bottom + down * size - bars_top - up * size, share)
        for up, down, share in itertools.product(TOP_SHIFTS, BOTTOM_SHIFTS, WIDTHS)
    ]
    top, height, share = (np.array(v) for v in zip(*shapes, strict=True))
    stroke = _stroke(height)
    width = np.round(share * height)
    keep = width >= 3 * stroke
    top, height, width, stroke = top[keep], height[keep], width[keep], stroke[keep]
    best, score, clear = classify(display.zones(top, height, width, stroke), threshold)
    digit = clear & (best != _BLANK)
    gaps = display.gaps(top, height, threshold)
    shape, last = np.nonzero(digit)  # any cell that reads a digit may be the units' last
    r, x = shape[:, None], last[:, None]
    w, s = width[r], stroke[r]
    pitch = np.round(width[r] + GAPS[None, :] * height[r]).astype(int)
    ok = np.ones(pitch.shape, bool)
    total = np.broadcast_to(score[r, x], pitch.shape)
    placed = []
    for count in (1, 2, 3):
        first = x - (count - 1) * pitch
        _, empty = _gap(gaps, first - w - pitch, first - w - 1.5 * s, r)
        candidates = np.where(ok & empty & (first - w - pitch >= 0), total, -np.inf).ravel()
        order = np.argsort(-candidates, kind="stable")
        order = order[np.isfinite(candidates[order])]
        _, firsts = np.unique(np.repeat(shape, len(GAPS))[order], return_index=True)
        for k in order[firsts]:  # the best placement of each digit size
            j, g = divmod(int(k), len(GAPS))
            i, right, p = int(shape[j]), int(last[j]), int(pitch[j, g])
            digits = "".join(_NAMES[best[i, right - m * p]] for m in range(count - 1, -1, -1))
            placed.append(
                Cells(float(top[i]), float(height[i]), float(width[i]), right, p, digits, float(candidates[k]))
            )
        lead = x - count * pitch  # one more digit, left of these
        gap, clean = _gap(gaps, lead + 1.5 * s, lead + pitch - w - 1.5 * s, r)
        ok = ok & _take(digit, lead, False, r) & clean
        total = total + _take(score, lead, 0.0, r) + 2 * (threshold - gap)
    return placed


def place_cents(display: Display, placements: list[Cells], threshold: float) -> list[Cells | None]:
    """For each units placement, the best two raised smaller digits right of it, clear of the units
    and of each other."""
    shapes = [
        (units.top + shift * units.height, share * units.height, round(share * units.width), units.right, units.height)
        for units, share, shift in itertools.product(placements, CENTS_HEIGHTS, CENTS_SHIFTS)
    ]
    top, height, width, units_right, units_height = (np.array(v, float) for v in zip(*shapes, strict=True))
    stroke = _stroke(height)
    best, score, clear = classify(display.zones(top, height, width, stroke), threshold)
    digit = clear & (best != _BLANK)
    gaps = display.gaps(top, height, threshold)
    n, first = len(top), _x(display.width)[:, None, :]
    w, s, right = width[:, None, None], stroke[:, None, None], units_right[:, None, None]
    pitch = np.round(width[:, None] + GAPS[None, :] * height[:, None]).astype(int)[:, :, None]
    reach = units_height[:, None, None]
    near = (first >= right + 0.1 * reach + w) & (first < right + 0.9 * reach + w)
    before, clean_before = _gap(gaps, right + 1.5 * s, first - w - 1.5 * s)
    between, clean_between = _gap(gaps, first + 1.5 * s, first + pitch - w - 1.5 * s)
    fits = near & _take(digit, first, False) & _take(digit, first + pitch, False) & clean_before & clean_between
    total = _take(score, first, 0.0) + _take(score, first + pitch, 0.0) + 2 * (threshold - before)
    total = np.where(fits, total + 2 * (threshold - between), -np.inf).reshape(n, -1)
    found: list[Cells | None] = []
    per_units = len(CENTS_HEIGHTS) * len(CENTS_SHIFTS)
    for start in range(0, n, per_units):
        block = total[start : start + per_units]
        i, flat = np.unravel_index(int(np.argmax(block)), block.shape)
        if not np.isfinite(block[i, flat]):
            found.append(None)
            continue
        i += start
        row, x = divmod(int(flat), display.width)
        p = int(pitch[i, row, 0])
        found.append(
            Cells(
                float(top[i]),
                float(height[i]),
                float(width[i]),
                x + p,
                p,
                _NAMES[best[i, x]] + _NAMES[best[i, x + p]],
                float(total[i, flat]),
            )
        )
    return found


def is_drawn(display: Display, cells: Cells, threshold: float) -> bool:
    """Whether the digits placed are what the display shows, looked at stroke by stroke: each lit
    segment is a stroke where the digit puts it, no stroke serves two digits, and the ink in each cell
    is its lit segments' (a bar missed leaves ink unexplained)."""
    previous = None  # the stroke of the right column of the digit before
    for index, digit in enumerate(cells.digits):
        right = cells.right - (len(cells.digits) - 1 - index) * cells.pitch
        shapes = [lit for name, lit in zip(_NAMES, _LIT, strict=True) if name == digit]
        drawn = [s for lit in shapes if (s := _strokes(display.pixels, lit, cells, right, threshold)) is not None]
        if not drawn:
            return False
        left_stroke, right_stroke = drawn[0]
        if previous and left_stroke and left_stroke[0] < previous[1]:
            return False  # this digit's left column is the last one's right column
        previous = right_stroke or previous
    return True


def _strokes(
    pixels: np.ndarray, lit: str, cells: Cells, right: float, threshold: float
) -> tuple[tuple[int, int] | None, tuple[int, int] | None] | None:
    """The columns' strokes (start, stop) of a digit drawn with these segments lit, or None if one of
    them is not there or ink in the cell is left unexplained."""
    stroke = float(_stroke(cells.height))
    top, height, width = cells.top, cells.height, cells.width
    middle, bottom, left = top + height / 2, top + height, right - width
    rows = slice(int(max(0, top - stroke)), int(min(pixels.shape[0], bottom + stroke)))
    columns = slice(int(max(0, left - stroke)), int(min(pixels.shape[1], right + stroke + 1)))
    explained = np.zeros(pixels.shape, bool)
    found: dict[str, tuple[int, int]] = {}
    for zone in lit:
        if zone in "bcef":
            y0, y1 = (top + 0.15 * height, middle - 0.08 * height)
            if zone in "ce":
                y0, y1 = (middle + 0.08 * height, bottom - 0.15 * height)
            profile = pixels[int(y0) : int(y1) + 1].mean(axis=0)
            run = _run(profile, round(right if zone in "bc" else left), threshold, reach=int(stroke / 2))
            if run is None:
                return None
            explained[int(top) : int(bottom) + 1, run[0] : run[1]] = True
        else:
            y = {"a": top + stroke / 2, "g": middle, "d": bottom - stroke / 2}[zone]
            profile = pixels[:, int(left + 0.25 * width) : int(right - 0.25 * width) + 1].mean(axis=1)
            run = _run(profile, round(y), threshold, reach=int(stroke))
            if run is None:
                return None
            explained[run[0] : run[1], int(left) : int(right) + 1] = True
        found[zone] = run
    explained = ndimage.binary_dilation(explained[rows, columns], iterations=max(1, int(stroke / 2)))
    ink = pixels[rows, columns] > threshold
    if (ink & ~explained).sum() > 0.15 * max(1, ink.sum()):
        return None
    return found.get("f", found.get("e")), found.get("b", found.get("c"))


def _run(profile: np.ndarray, at: int, threshold: float, reach: int = 0) -> tuple[int, int] | None:
    """The run of values above the threshold through `at` (or the nearest within `reach` of it)."""
    inside = [x for x in range(at - reach, at + reach + 1) if 0 <= x < len(profile) and profile[x] > threshold]
    if not inside:
        return None
    start = stop = min(inside, key=lambda x: abs(x - at))
    while start > 0 and profile[start - 1] > threshold:
        start -= 1
    while stop < len(profile) and profile[stop] > threshold:
        stop += 1
    return start, stop
