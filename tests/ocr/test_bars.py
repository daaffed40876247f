"""The bars' opinion on a code: drawn codes that real decoders read, blurred ones confirmed, neighbours refused."""

import numpy as np
import pytest
import zxingcpp
from PIL import Image, ImageFilter

from fieldtasks.ocr.bars import (
    EAN13,
    LEFT_PATTERNS,
    RIGHT_PATTERNS,
    UPCE,
    Span,
    compress_upca,
    confirms,
    ean13_modules,
    upce_modules,
)
from fieldtasks.ocr.codes import canonical_gtin
from fieldtasks.ocr.types import Box

QUIET = 12  # modules of white either side


def drawn(modules: np.ndarray, pixels_per_module: float, blur: float) -> tuple[Image.Image, Span]:
    """The modules printed black on white, at a non-integer scale, blurred like a phone photo of a small code."""
    row = np.concatenate([np.zeros(QUIET), modules, np.zeros(QUIET)])
    sharp = Image.fromarray(np.repeat(255 - 255 * row, 32).astype(np.uint8)[None, :].repeat(80, axis=0))
    width = round(len(row) * pixels_per_module)
    image = sharp.resize((width, 60), Image.BOX).filter(ImageFilter.GaussianBlur(blur))
    left = round(QUIET * pixels_per_module)
    return image, Span.of_box(Box(left, 10, round(len(modules) * pixels_per_module), 40))


def zxing_reads(image: Image.Image) -> list[str]:
    return [canonical_gtin(found.text, found.format.name.lower()) for found in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("gtin", ["9780764544200", "0890444000335", "3017620422003"])
def test_drawn_ean13_and_upca_modules_are_codes_zxing_reads(gtin):
    image, _ = drawn(ean13_modules(gtin), 3.0, 0.0)
    assert zxing_reads(image) == [gtin]


@pytest.mark.parametrize("gtin", ["0049000006346", "0041244000098", "0012000006494", "0050968000093"])
def test_drawn_upce_modules_are_codes_zxing_reads(gtin):
    image, _ = drawn(upce_modules(gtin), 3.0, 0.0)
    assert zxing_reads(image) == [gtin]


def test_only_upca_codes_of_the_right_shape_compress_to_upce():
    assert compress_upca("0049000006346") == "04963406"
    assert compress_upca("0012000006494") == "01264904"
    assert compress_upca("0890444000335") is None
    assert compress_upca("9780764544200") is None


@pytest.mark.parametrize("layout, gtin", [(EAN13, "0890444000335"), (UPCE, "0041244000098")])
def test_exact_digit_errors_give_back_the_code(layout, gtin):
    modules = layout.draw(gtin)

    def errors(patterns, starts):
        return np.array([np.abs(patterns - modules[start - 1 : start + 8]).sum(axis=1) for start in starts], float)

    left = errors(LEFT_PATTERNS, layout.left_starts)
    right = errors(RIGHT_PATTERNS, layout.right_starts) if layout.right_starts else np.zeros((0, 10))
    assert layout.best(left, right) == gtin


def test_a_small_blurred_code_is_confirmed_and_a_neighbouring_code_is_not():
    image, box = drawn(ean13_modules("0012546619592"), 1.7, 1.3)
    assert confirms(image, box, "0012546619592", "upca")
    # Two digits changed, check digit still valid: what a decoder's misread looks like.
    assert canonical_gtin("0111546619592", "ean13") == "0111546619592"
    assert not confirms(image, box, "0111546619592", "upca")


def test_a_blurred_upce_is_confirmed_and_a_misread_is_not():
    image, box = drawn(upce_modules("0041244000098"), 1.8, 1.2)
    assert confirms(image, box, "0041244000098", "upce")
    assert not confirms(image, box, "0049000006346", "upce")


def test_nothing_is_confirmed_on_a_blank_or_noisy_patch():
    rng = np.random.default_rng(3)
    noise = Image.fromarray(rng.integers(0, 255, (60, 220), dtype=np.uint8)).filter(ImageFilter.GaussianBlur(1))
    blank = Image.new("L", (220, 60), 230)
    box = Span.of_box(Box(20, 10, 180, 40))
    assert not confirms(noise, box, "0012546619592", "upca")
    assert not confirms(blank, box, "0012546619592", "upca")


def test_codes_the_bars_cannot_draw_are_not_confirmed():
    image, box = drawn(ean13_modules("0012546619592"), 2.0, 0.8)
    assert not confirms(image, box, "96385074", "ean8")
    assert not confirms(image, box, "0890444000335", "upce")  # no UPC-E expands to it


def test_a_code_without_light_either_side_is_part_of_a_longer_one_and_not_confirmed():
    # A UPC-E's worth of bars followed at once by more bars: what a UPC-E "read" inside an EAN-13 looks like.
    upce = upce_modules("0041244000098")
    longer = np.concatenate([upce, [0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1]])
    image, _ = drawn(longer, 2.0, 0.8)
    box = Span.of_box(Box(round(QUIET * 2.0), 10, round(len(upce) * 2.0), 40))
    assert not confirms(image, box, "0041244000098", "upce")
    alone, alone_box = drawn(upce, 2.0, 0.8)
    assert confirms(alone, alone_box, "0041244000098", "upce")


def test_a_turned_blurred_code_is_confirmed_along_its_span():
    image, span = drawn(ean13_modules("0012546619592"), 2.0, 1.0)
    canvas = Image.new("L", (400, 400), 255)
    canvas.paste(image, (100, 170))
    turned = canvas.rotate(37, resample=Image.BICUBIC, fillcolor=255)  # counter-clockwise about (200, 200)

    def turn(x, y):
        angle = np.radians(37)
        dx, dy = x + 100 - 200, y + 170 - 200
        return 200 + dx * np.cos(angle) + dy * np.sin(angle), 200 - dx * np.sin(angle) + dy * np.cos(angle)

    along = Span(turn(*span.start), turn(*span.end), span.height)
    assert confirms(turned, along, "0012546619592", "upca")
    assert not confirms(turned, Span(along.end, along.start, along.height), "0012546619592", "upca")
