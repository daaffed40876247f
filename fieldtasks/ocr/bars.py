"""A third opinion on an EAN-13, UPC-A or UPC-E code: its bars, drawn and blurred like the photo, fitted to it (pure).

zbar and zxing threshold the photo into bars and spaces; on a small, blurred code thin spaces vanish and
they read nothing, or a phantom whose check digit happens to hold. Here a code that a decoder proposed is
drawn as an ideal signal (bars of whole modules, blurred by a Gaussian) and its position, module width and
blur are fitted to scanlines across the photo. At that fit every digit is then read on its own, as the
pattern that matches the photo best (each allowed to slide a little), and the best code whose check digit
holds is found. The code is confirmed only when that best code is the proposed one on most scanlines: the
photo decides, so a phantom is not confirmed by having been proposed (on the zxing test photos, none was:
the fit at a phantom's place reads the true code).
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import ndimage, optimize, special

from fieldtasks.ocr.codes import expand_upce
from fieldtasks.ocr.regions import bar_angle
from fieldtasks.ocr.types import Box

L_CODES = ("0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111", "0001011")
R_CODES = tuple(code.translate(str.maketrans("01", "10")) for code in L_CODES)
G_CODES = tuple(code[::-1] for code in R_CODES)
PARITIES = ("LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL")
# Each digit's pattern with the module on either side, which the layouts fix: a digit coded L or G follows a
# bar and is followed by a space, one coded R the opposite. Rows: 1 = bar; LEFT_PATTERNS' rows are L then G.
LEFT_PATTERNS = np.array([[1, *map(int, code), 0] for code in L_CODES + G_CODES])
RIGHT_PATTERNS = np.array([[0, *map(int, code), 1] for code in R_CODES])
SHIFTS = (-0.3, -0.15, 0.0, 0.15, 0.3)  # modules a digit may slide from the fit: curved or tilted labels
SCANLINES = (0.3, 0.5, 0.7)  # across the code's height
PIXELS_PER_MODULE = 2.5  # large codes are shrunk to about this: enough to fit, and cheap
QUIET_ZONE = 4  # modules either side, past the blur, that must be light (the standard asks for 7 or more)
UNFIT = 1e9  # the error of impossible geometry (finite: the simplex compares errors by subtraction)
REMAINDERS, DIGITS = np.arange(10), np.arange(10)


@dataclass(frozen=True)
class Layout:
    """How a symbology lays digits out in modules, draws a code, and picks the best code from digit errors."""

    modules: int
    left_starts: tuple[int, ...]  # first module of each digit coded L or G
    right_starts: tuple[int, ...]  # first module of each digit coded R
    draw: Callable[[str], np.ndarray]  # canonical GTIN -> modules, 1 for a bar
    best: Callable[[np.ndarray, np.ndarray], str]  # digit errors (left, right) -> canonical GTIN


@dataclass(frozen=True)
class Span:
    """Where a decoder saw a code, in photo pixels: the middle of its start and of its end, and its height."""

    start: tuple[float, float]
    end: tuple[float, float]
    height: float

    @classmethod
    def of_box(cls, box: Box) -> Span:
        """A code read left to right across a box (what an upright code's box gives)."""
        middle = box.top + box.height / 2
        return cls((box.left, middle), (box.left + box.width, middle), box.height)

    @classmethod
    def of_corners(cls, corners: list[tuple[float, float]]) -> Span:
        """From a decoder's corners in reading order: top left, top right, bottom right, bottom left."""
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = corners
        height = (math.hypot(x3 - x0, y3 - y0) + math.hypot(x2 - x1, y2 - y1)) / 2
        return cls(((x0 + x3) / 2, (y0 + y3) / 2), ((x1 + x2) / 2, (y1 + y2) / 2), height)

    @property
    def length(self) -> float:
        return math.hypot(self.end[0] - self.start[0], self.end[1] - self.start[1])


def cheapest_checked(columns: list[np.ndarray], weights: list[int], remainder: int) -> tuple[float, list[int]]:
    """The cheapest digits, one per column of ten costs, whose weighted sum plus `remainder` is 0 modulo 10.

    Dynamic programming over the running sum modulo 10.
    """
    totals = np.full(10, np.inf)
    totals[remainder % 10] = 0.0
    steps = []
    for costs, weight in zip(columns, weights, strict=True):
        previous = (REMAINDERS[:, None] - weight * DIGITS[None, :]) % 10  # [new remainder, digit] -> old remainder
        candidates = totals[previous] + costs[None, :]
        choice = candidates.argmin(axis=1)
        totals = candidates[REMAINDERS, choice]
        steps.append((previous, choice))
    if not np.isfinite(totals[0]):
        return math.inf, []
    digits, state = [], 0
    for previous, choice in reversed(steps):
        digit = int(choice[state])
        digits.append(digit)
        state = int(previous[state, digit])
    return float(totals[0]), digits[::-1]


def ean13_modules(gtin: str) -> np.ndarray:
    """The 95 modules of an EAN-13 (a UPC-A is one with a leading 0), 1 for a bar."""
    parity = PARITIES[int(gtin[0])]
    left = "".join((L_CODES if side == "L" else G_CODES)[int(d)] for side, d in zip(parity, gtin[1:7], strict=True))
    right = "".join(R_CODES[int(d)] for d in gtin[7:13])
    return np.array([int(module) for module in "101" + left + "01010" + right + "101"])


def best_ean13(left: np.ndarray, right: np.ndarray) -> str:
    """The cheapest EAN-13 with a valid check digit; the left digits' parities give its first digit."""
    weights = [3 if position % 2 else 1 for position in range(1, 13)]
    found = []
    for first, parity in enumerate(PARITIES):
        columns = [left[i, :10] if side == "L" else left[i, 10:] for i, side in enumerate(parity)] + list(right)
        total, digits = cheapest_checked(columns, weights, first)
        found.append((total, str(first) + "".join(map(str, digits))))
    return min(found)[1]


def upce_parity(system: int, check: int) -> str:
    """Which of a UPC-E's six digits are coded L and G: the check digit's EAN parity, inverted for system 0."""
    parity = PARITIES[check]
    return parity.translate(str.maketrans("LG", "GL")) if system == 0 else parity


def compress_upca(gtin: str) -> str | None:
    """The 8-digit UPC-E that expands to this GTIN (0 + UPC-A), or None when it has none."""
    upca = gtin[1:]
    if gtin[0] != "0" or upca[0] not in "01":
        return None
    body = upca[1:11]
    for last in "0123456789":
        if last in "012":
            short = body[0:2] + body[7:10]
        elif last == "3":
            short = body[0:3] + body[8:10]
        elif last == "4":
            short = body[0:4] + body[9]
        else:
            short = body[0:5]
        candidate = upca[0] + short + last + upca[11]
        if expand_upce(candidate) == upca:
            return candidate
    return None


def upce_modules(gtin: str) -> np.ndarray:
    """The 51 modules of the UPC-E that expands to `gtin`, 1 for a bar."""
    code = compress_upca(gtin) or ""
    parity = upce_parity(int(code[0]), int(code[7]))
    digits = "".join((L_CODES if side == "L" else G_CODES)[int(d)] for side, d in zip(parity, code[1:7], strict=True))
    return np.array([int(module) for module in "101" + digits + "010101"])


@functools.cache
def upce_weights(last: int) -> tuple[list[int], int]:
    """UPC-A check weights of a UPC-E's first five digits, and of its sixth, given the sixth (where each lands)."""
    expanded = expand_upce("0" + "56789" + str(last) + "0")  # distinct non-zero markers show where digits land
    weight_at = [3 if index % 2 == 0 else 1 for index in range(11)]
    weights = [weight_at[expanded.index(marker)] for marker in "56789"]
    landing = {0: 3, 1: 3, 2: 3, 3: None, 4: None}.get(last, 10)  # 3 and 4 only say where the zeros go
    return weights, 0 if landing is None else weight_at[landing]


def best_upce(left: np.ndarray, _right: np.ndarray) -> str:
    """The cheapest UPC-E whose parities and expanded check digit agree, as its canonical GTIN."""
    found = []
    for system, check, last in itertools.product((0, 1), range(10), range(10)):
        parity = upce_parity(system, check)
        columns = [left[i, :10] if side == "L" else left[i, 10:] for i, side in enumerate(parity)]
        weights, last_weight = upce_weights(last)
        total, digits = cheapest_checked(columns[:5], weights, 3 * system + check + last_weight * last)
        if digits:
            code = f"{system}{''.join(map(str, digits))}{last}{check}"
            found.append((total + columns[5][last], "0" + expand_upce(code)))
    return min(found)[1]


EAN13 = Layout(95, tuple(3 + 7 * i for i in range(6)), tuple(50 + 7 * i for i in range(6)), ean13_modules, best_ean13)
UPCE = Layout(51, tuple(3 + 7 * i for i in range(6)), (), upce_modules, best_upce)
LAYOUTS = {"ean13": EAN13, "upca": EAN13, "upce": UPCE}


def confirms(gray: Image.Image, span: Span, gtin: str, symbology: str) -> bool:
    """Do the bars along `span` (photo pixels) read `gtin` by themselves, on most scanlines?"""
    layout = LAYOUTS.get(symbology)
    if layout is None or len(gtin) != 13 or not gtin.isdigit() or span.length < layout.modules * 0.8:
        return False
    if layout is UPCE and compress_upca(gtin) is None:
        return False
    profiles, left, right = scanlines(gray, span, layout.modules)
    modules = layout.draw(gtin)
    guess = coarse_fit(np.mean(profiles, axis=0), modules, left, right)
    agreeing = 0
    for profile in profiles:
        fit = fit_bars(profile, modules, guess)
        if fit is not None:
            ink = (profile - fit.offset) / fit.gain  # 0 light, 1 a bar's full darkness
            agreeing += has_quiet_zones(ink, fit, len(modules)) and read_at(ink, fit, layout) == gtin
    return 2 * agreeing > len(profiles)


def scanlines(gray: Image.Image, span: Span, count: int) -> tuple[list[np.ndarray], float, float]:
    """Grey-level profiles across the bars, and where the code should start and end on them.

    The photo is sampled along the span, whatever its angle, at about PIXELS_PER_MODULE (blurred first
    when that shrinks it). Perspective also slants the bars against the span: the sampled rows are then
    slid, not turned, until the bars stand upright, so that the code's ends stay where the decoder saw them.
    """
    length = span.length
    along = ((span.end[0] - span.start[0]) / length, (span.end[1] - span.start[1]) / length)
    across = (-along[1], along[0])
    scale = min(1.0, PIXELS_PER_MODULE * count / length)
    margin, band = 0.12 * length + 4, min(max(span.height, 0.35 * length), length)
    ts = np.arange(-margin, length + margin, 1 / scale, dtype=np.float32)
    ss = np.arange(-band / 2, band / 2, 1 / scale, dtype=np.float32)
    xs = span.start[0] + ts[None, :] * along[0] + ss[:, None] * across[0]
    ys = span.start[1] + ts[None, :] * along[1] + ss[:, None] * across[1]
    left, top = max(0, math.floor(xs.min()) - 2), max(0, math.floor(ys.min()) - 2)
    right, bottom = min(gray.width, math.ceil(xs.max()) + 3), min(gray.height, math.ceil(ys.max()) + 3)
    pixels = np.asarray(gray.crop((left, top, max(right, left + 1), max(bottom, top + 1))), dtype=np.float32)
    if scale < 1.0:
        pixels = ndimage.gaussian_filter(pixels, 0.4 / scale)
    patch = ndimage.map_coordinates(pixels, [ys - top, xs - left], order=1, mode="nearest")
    angle = bar_angle(patch)
    if abs(angle) > 0.5:
        slant = math.tan(math.radians(angle))
        shear = (1, -slant, slant * patch.shape[0] / 2, 0, 1, 0)
        image = Image.fromarray(patch, mode="F")
        patch = np.asarray(image.transform(image.size, Image.AFFINE, shear, Image.BICUBIC, fillcolor=255))
    rows = patch.shape[0]
    profiles = [patch[max(0, round(rows * at) - 1) : round(rows * at) + 2].mean(axis=0) for at in SCANLINES]
    module = scale * length / count
    return [darkness(profile, module) for profile in profiles], margin * scale, (margin + length) * scale


def darkness(profile: np.ndarray, module: float) -> np.ndarray:
    """0 for the local white, 1 for the local black: shading and glare vary along a code."""
    size = max(3, round(14 * module))
    light = ndimage.uniform_filter1d(ndimage.maximum_filter1d(profile, size), size)
    dark = ndimage.uniform_filter1d(ndimage.minimum_filter1d(profile, size), size)
    return (light - profile) / np.maximum(light - dark, 1.0)


@dataclass(frozen=True)
class Fit:
    """Where the code lies on a scanline, in pixels, and how the drawn signal maps onto the profile."""

    left: float  # the first module's left edge
    module: float
    blur: float  # the Gaussian's standard deviation
    gain: float
    offset: float


def edges(modules: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the modules change (in modules from the first's left edge), and how: +1 into a bar, -1 out."""
    steps = np.diff(np.concatenate(([0], modules, [0])))
    at = np.flatnonzero(steps)
    return at, steps[at]


def drawn(modules: np.ndarray, left: float, module: float, blur: float, xs: np.ndarray) -> np.ndarray:
    """The modules as a blurred signal sampled at `xs`: a sum of smoothed steps, one per edge."""
    at, steps = edges(modules)
    return (special.ndtr((xs[:, None] - (left + at * module)) / blur) * steps).sum(axis=1)


def fit_bars(profile: np.ndarray, modules: np.ndarray, guess: tuple[float, float, float]) -> Fit | None:
    """The position, module width and blur at which the code's bars best match the profile (a simplex
    from `guess`: first module's left edge, last module's right edge, blur)."""
    xs = np.arange(len(profile)) + 0.5

    def error(params) -> float:
        first, last, blur = params
        module = (last - first) / len(modules)
        if module < 0.5 or blur < 0.2:
            return UNFIT
        signal = drawn(modules, first, module, blur, xs)
        (gain, _), residual = affine(signal, profile)
        return residual if gain > 0 else UNFIT

    options = {"xatol": 0.05, "fatol": 1e-5, "maxiter": 150}
    found = optimize.minimize(error, guess, method="Nelder-Mead", options=options)
    if found.fun >= UNFIT:
        return None
    first, last, blur = found.x
    module = (last - first) / len(modules)
    (gain, offset), _ = affine(drawn(modules, first, module, blur, xs), profile)
    return Fit(first, module, blur, gain, offset)


def coarse_fit(profile: np.ndarray, modules: np.ndarray, left: float, right: float) -> tuple[float, float, float]:
    """The best of a grid of ends (within two modules of the expected ones, by half modules) and blurs,
    all drawn at once."""
    module = (right - left) / len(modules)
    offsets = np.arange(-2, 2.01, 0.5) * module
    firsts, lasts, blurs = np.meshgrid(left + offsets, right + offsets, np.array([0.4, 0.7, 1.0]) * module)
    firsts, lasts, blurs = firsts.ravel(), lasts.ravel(), blurs.ravel()
    changes, steps = edges(modules)
    at = firsts[:, None] + changes[None, :] * ((lasts - firsts) / len(modules))[:, None]
    xs = np.arange(len(profile), dtype=np.float32) + 0.5
    at, blurs = at.astype(np.float32), blurs.astype(np.float32)
    signals = (special.ndtr((xs[None, :, None] - at[:, None, :]) / blurs[:, None, None]) * steps).sum(axis=2)
    centred, target = signals - signals.mean(axis=1, keepdims=True), profile - profile.mean()
    covariance, variance = centred @ target, (centred**2).sum(axis=1)
    explained = np.where(covariance > 0, covariance**2 / np.maximum(variance, 1e-9), -np.inf)
    best = int(explained.argmax())  # least squares residual = what the best gain leaves unexplained
    return float(firsts[best]), float(lasts[best]), float(blurs[best])


def affine(signal: np.ndarray, profile: np.ndarray) -> tuple[tuple[float, float], float]:
    """The gain and offset that best map the drawn signal onto the profile, and the mean squared residual."""
    design = np.stack([signal, np.ones_like(signal)], axis=1)
    (gain, offset), *_ = np.linalg.lstsq(design, profile, rcond=None)
    residual = profile - design @ (gain, offset)
    return (float(gain), float(offset)), float((residual**2).mean())


def has_quiet_zones(ink: np.ndarray, fit: Fit, count: int) -> bool:
    """Is it light on both sides of the fitted code, as around any real one? A part of a longer code (a
    UPC-E's worth of an EAN-13's bars) is not: more bars follow."""
    end = fit.left + count * fit.module
    near = fit.module + 2 * fit.blur  # the outer bars' blur spills into the first module or two
    far = near + QUIET_ZONE * fit.module
    zones = [(fit.left - far, fit.left - near), (end + near, end + far)]
    for start, stop in zones:
        seen = ink[max(0, math.ceil(start)) : min(len(ink), math.floor(stop))]
        if len(seen) < 2 * fit.module or seen.max() > 0.5:
            return False
    return True


def read_at(ink: np.ndarray, fit: Fit, layout: Layout) -> str:
    """The best code whose check digit holds, each digit read on its own at the fitted place."""
    left = np.array([digit_errors(ink, fit, LEFT_PATTERNS, start) for start in layout.left_starts])
    right = np.array([digit_errors(ink, fit, RIGHT_PATTERNS, start) for start in layout.right_starts])
    return layout.best(left, right)


def digit_errors(profile: np.ndarray, fit: Fit, patterns: np.ndarray, start: int) -> np.ndarray:
    """How badly each digit pattern (with its fixed neighbours) matches the profile there, at its best slide."""
    first = max(0, math.floor(fit.left + start * fit.module))
    last = min(len(profile), math.ceil(fit.left + (start + 7) * fit.module))
    if last - first < 3:
        return np.zeros(len(patterns))
    xs = np.arange(first, last) + 0.5
    best = np.full(len(patterns), np.inf)
    for shift in SHIFTS:
        edges = fit.left + (start - 1 + np.arange(9) + shift) * fit.module
        cover = special.ndtr((xs[:, None] - edges) / fit.blur) - special.ndtr(
            (xs[:, None] - edges - fit.module) / fit.blur
        )
        signal = patterns @ cover.T
        best = np.minimum(best, ((signal - profile[first:last]) ** 2).mean(axis=1))
    return best
