"""The price path's pieces on drawn glyphs: arrangement of units and raised cents, agreement."""

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from fieldtasks.ocr.prices import agreed, find_glyphs, one_line_prices, price_arrangements, read_prices
from fieldtasks.ocr.types import Box, PriceCandidate


def glyph(left, top, width, height):
    return (left, top, left + width, top + height)


def test_units_then_two_raised_smaller_glyphs_make_a_price():
    units = [glyph(100, 100, 50, 100), glyph(160, 100, 50, 100)]
    cents = [glyph(220, 100, 25, 50), glyph(250, 100, 25, 50)]
    noise = [glyph(10, 300, 20, 30)]
    arrangements = list(price_arrangements(units + cents + noise))
    assert (units, cents) in arrangements


def test_cents_joined_by_blur_or_split_into_pieces_still_make_a_price():
    units = [glyph(100, 100, 50, 100), glyph(160, 100, 50, 100)]
    joined = [glyph(220, 100, 55, 50)]  # "60" as one blob
    assert (units, joined) in list(price_arrangements(units + joined))
    pieces = [glyph(220, 100, 12, 50), glyph(233, 102, 12, 48), glyph(250, 100, 25, 50)]  # a 9 in two, then 0
    assert (units, pieces) in list(price_arrangements(units + pieces))


def test_a_lone_narrow_raised_glyph_is_not_cents():
    units = [glyph(100, 100, 50, 100)]
    assert list(price_arrangements([*units, glyph(160, 100, 20, 50)])) == []


def test_lowered_or_far_away_small_glyphs_are_not_cents():
    units = [glyph(100, 100, 50, 100)]
    lowered = [glyph(160, 160, 25, 40), glyph(190, 160, 25, 40)]  # subscript, not raised
    far = [glyph(400, 100, 25, 50), glyph(430, 100, 25, 50)]
    assert list(price_arrangements(units + lowered + far)) == []


def test_a_row_of_glyphs_of_one_height_is_a_one_line_price_when_it_is_the_largest_print():
    row = [glyph(100, 100, 50, 100), glyph(160, 100, 50, 100), glyph(250, 100, 50, 100), glyph(310, 100, 50, 100)]
    small = [glyph(100, 300, 15, 30), glyph(118, 300, 15, 30), glyph(145, 300, 15, 30)]  # a unit price line
    assert next(one_line_prices(row + small)) == row  # the comma's gap (40 px) does not break the row
    assert list(one_line_prices(small, at_least=100)) == []  # smaller than the price found: not the price
    assert list(one_line_prices(row[:2])) == []  # two glyphs have no cents


def candidate(amount, confidence="high"):
    return PriceCandidate(amount, "EUR", "price", Box(0, 0, 10, 10), str(amount), confidence, 90.0)


def test_two_readings_must_agree_to_be_confident():
    assert [c.confidence for c in agreed([candidate(249), candidate(249)])] == ["high", "high"]
    assert [c.confidence for c in agreed([candidate(249), candidate(299)])] == ["low", "low"]
    assert [c.confidence for c in agreed([candidate(249), None])] == ["low"]


def boxed_cents_label(style):
    """A white label with 4 and raised 79, the cents framed or underlined as some stores print them."""
    image = Image.new("L", (900, 450), 255)
    draw = ImageDraw.Draw(image)
    big, small = ImageFont.truetype("DejaVuSans-Bold.ttf", 180), ImageFont.truetype("DejaVuSans-Bold.ttf", 95)
    draw.text((300, 120), "4", font=big, fill=0)
    left, top, right, bottom = draw.textbbox((420, 135), "79", font=small)
    draw.text((420, 135), "79", font=small, fill=0)
    if style == "boxed":
        draw.rectangle((left - 8, top - 8, right + 8, bottom + 8), outline=0, width=5)
    else:
        draw.line((left, bottom + 8, right, bottom + 8), fill=0, width=6)
    return image


def test_a_frame_around_the_cents_is_not_a_glyph():
    mask = np.zeros((300, 300), bool)
    mask[100:160, 100:104] = mask[100:160, 176:180] = mask[100:104, 100:180] = mask[156:160, 100:180] = True
    for left in (110, 145):  # two zeros inside the frame
        mask[110:150, left : left + 22] = True
        mask[115:145, left + 5 : left + 17] = False
    glyphs = find_glyphs(mask)
    assert (100, 100, 180, 160) not in glyphs
    assert {(110, 110, 132, 150), (145, 110, 167, 150)} <= set(glyphs)


@pytest.mark.parametrize("style", ["boxed", "underlined"])
def test_framed_or_underlined_cents_are_read_for_sure(style):
    read = read_prices(boxed_cents_label(style), 1.0, "EUR", lcd=False)
    assert {c.amount_cents for c in read if c.confidence == "high"} == {479}
