"""The price path's pieces on drawn glyphs: arrangement of units and raised cents, agreement."""

from fieldtasks.ocr.prices import agreed, price_arrangements
from fieldtasks.ocr.types import Box, PriceCandidate


def glyph(left, top, width, height):
    return (left, top, left + width, top + height)


def test_units_then_two_raised_smaller_glyphs_make_a_price():
    units = [glyph(100, 100, 50, 100), glyph(160, 100, 50, 100)]
    cents = [glyph(220, 100, 25, 50), glyph(250, 100, 25, 50)]
    noise = [glyph(10, 300, 20, 30)]
    arrangements = list(price_arrangements(units + cents + noise))
    assert (units, cents) in arrangements


def test_lowered_or_far_away_small_glyphs_are_not_cents():
    units = [glyph(100, 100, 50, 100)]
    lowered = [glyph(160, 160, 25, 40), glyph(190, 160, 25, 40)]  # subscript, not raised
    far = [glyph(400, 100, 25, 50), glyph(430, 100, 25, 50)]
    assert list(price_arrangements(units + lowered + far)) == []


def candidate(amount, confidence="high"):
    return PriceCandidate(amount, "EUR", "price", Box(0, 0, 10, 10), str(amount), confidence, 90.0)


def test_two_readings_must_agree_to_be_confident():
    assert [c.confidence for c in agreed([candidate(249), candidate(249)])] == ["high", "high"]
    assert [c.confidence for c in agreed([candidate(249), candidate(299)])] == ["low", "low"]
    assert [c.confidence for c in agreed([candidate(249), None])] == ["low"]
