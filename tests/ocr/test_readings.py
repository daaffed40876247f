"""What the neural reader's lines say: prices, unit prices, promotions and printed GTINs."""

import pytest

from fieldtasks.ocr.readings import (
    drops_characters,
    neural_prices,
    neural_promotion,
    neural_unit_price,
    printed_gtins,
    split_price,
    with_printed_digits,
)
from fieldtasks.ocr.types import BarcodeRead, Box, TextLine


@pytest.mark.parametrize(
    ("text", "parts"),
    [("2990", ("29", "90")), ("2,49", ("2", "49")), ("2.49 €", ("2", "49")), ("kr 29,90", ("29", "90")),
     ("29,-", ("29", "00")), ("0,99€", ("0", "99")), ("2€49", ("2", "49")), ("099", ("0", "99"))],
)  # fmt: skip
def test_a_line_that_is_only_a_price_is_split_into_units_and_cents(text, parts):
    assert split_price(text) == parts


@pytest.mark.parametrize("text", ["Pr/kg 101.78", "450G", "7038010016516", "29", "TOMATER", "0990", "12,5"])
def test_anything_else_is_no_shelf_price(text):
    assert split_price(text) is None


def test_units_and_raised_cents_read_as_two_lines_are_joined():
    lines = (TextLine("51", Box(100, 50, 60, 60), 0.99), TextLine("90", Box(165, 52, 40, 30), 0.98))
    [price] = neural_prices(lines, "NOK")
    assert (price.amount_cents, price.reader, price.confidence, price.box) == (
        5190,
        "neural",
        "low",
        Box(100, 50, 105, 60),
    )


def test_unit_price_and_promotion_come_from_the_lines():
    lines = (TextLine("2,49", Box(0, 0, 10, 50), 1.0), TextLine("soit 8,73 € / kg", Box(0, 60, 10, 10), 0.9),
             TextLine("-30%", Box(0, 80, 10, 10), 0.95))  # fmt: skip
    unit = neural_unit_price(lines, "EUR")
    assert (unit.amount_cents, unit.unit, unit.kind) == (873, "kg", "unit_price")
    assert neural_promotion(lines) == 30


def test_printed_gtins_are_found_in_digit_groups_and_need_a_valid_check_digit():
    lines = (TextLine("7 038010 016516", Box(0, 0, 100, 10), 0.97), TextLine("7038010016517", Box(0, 20, 100, 10), 1.0),
             TextLine("7039010540247 12SIk/80P", Box(0, 40, 100, 10), 0.95))  # fmt: skip
    assert [code.gtin for code in printed_gtins(lines)] == ["7038010016516", "7039010540247"]


BARS = Box(100, 100, 200, 80)
DIGITS_UNDER = Box(110, 185, 180, 15)


def bars_read(gtin, confidence="high"):
    return BarcodeRead(gtin, "ean13", BARS, ("zbar", "zxing"), 4, confidence)


def test_printed_digits_confirm_the_bars_and_a_low_read_becomes_sure():
    [read] = with_printed_digits(
        (bars_read("7038010016516", "low"),), printed_gtins((TextLine("7038010016516", DIGITS_UNDER, 0.6),))
    )
    assert (read.confidence, read.decoders) == ("high", ("zbar", "zxing", "digits"))


def test_digits_that_contradict_the_bars_leave_neither_sure():
    reads = with_printed_digits(
        (bars_read("7038010016516"),), printed_gtins((TextLine("7039010540247", DIGITS_UNDER, 0.98),))
    )
    assert {(read.gtin, read.confidence) for read in reads} == {("7038010016516", "low"), ("7039010540247", "low")}


def test_digits_alone_are_a_read_of_their_own_sure_when_the_recognizer_is():
    [sure] = with_printed_digits((), printed_gtins((TextLine("7038010016516", DIGITS_UNDER, 0.97),)))
    [unsure] = with_printed_digits((), printed_gtins((TextLine("7038010016516", DIGITS_UNDER, 0.5),)))
    assert (sure.symbology, sure.decoders, sure.confidence, unsure.confidence) == (
        "printed",
        ("digits",),
        "high",
        "low",
    )


def test_a_dropped_character_is_told_from_another_reading():
    assert drops_characters("220", "2220") and drops_characters("139", "1390")
    assert not drops_characters("2220", "220") and not drops_characters("4998", "4990")
    assert not drops_characters("790", "1390") and not drops_characters("2220", "2220")
