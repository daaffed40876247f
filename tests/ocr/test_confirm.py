"""Which price a label shows, and whether a typed price is that one: two kinds of reader must agree."""

from fieldtasks.ocr.confirm import check_typed_price, shelf_price
from fieldtasks.ocr.types import Box, PriceCandidate, TextLine
from fieldtasks_dev.evaluate import wrong_entries

PRICE_BOX = Box(300, 150, 160, 90)
SMALL_PRINT = Box(120, 300, 140, 25)


def reading(cents, reader="tesseract", *, sure=False, score=None, box=PRICE_BOX):
    score = score if score is not None else (99.0 if reader == "neural" else 80.0 if sure else 40.0)
    confidence = "high" if sure else "low"
    return PriceCandidate(
        cents, "EUR", "price", box, f"{cents // 100} {cents % 100:02d}", confidence, score, None, reader
    )


def test_both_kinds_of_reader_agreeing_make_a_sure_price():
    price = shelf_price([reading(249, "tesseract"), reading(249, "neural", score=80.0)])
    assert (price.amount_cents, price.confidence, price.reader) == (249, "high", "tesseract")


def test_one_reader_alone_is_never_sure_however_sure_it_is():
    assert shelf_price([reading(249, "tesseract", sure=True)]).confidence == "low"
    assert shelf_price([reading(249, "lcd", sure=True)]).confidence == "low"
    assert shelf_price([reading(249, "neural", score=100.0)]).confidence == "low"


def test_a_sure_reading_of_another_amount_at_the_price_spoils_the_agreement():
    found = shelf_price([reading(249, "tesseract"), reading(249, "neural", score=70.0), reading(299, "lcd", sure=True)])
    assert found.confidence == "low"


def test_only_the_largest_print_counts_the_smaller_unit_price_does_not():
    candidates = [reading(249, "tesseract", box=SMALL_PRINT), reading(249, "neural", box=SMALL_PRINT),
                  reading(1249, "tesseract")]  # fmt: skip
    price = shelf_price(candidates)
    assert (price.amount_cents, price.confidence) == (1249, "low")


def test_a_typed_price_one_reader_reads_is_confirmed():
    assert check_typed_price([reading(249, "neural")], 249).outcome == "confirmed"
    assert check_typed_price([reading(249, "tesseract")], 249).outcome == "confirmed"


def test_a_typo_is_not_confirmed_when_a_sure_reader_reads_the_label_otherwise():
    # Tesseract's unsure look read the typo; the neural reader, sure, read the label.
    candidates = [reading(289, "tesseract"), reading(249, "neural", score=99.0)]
    check = check_typed_price(candidates, 289)
    assert (check.outcome, check.read_cents) == ("unconfirmed", 249)


def test_a_typed_price_both_readers_contradict_is_contradicted_with_what_they_read():
    candidates = [reading(299, "tesseract"), reading(299, "neural")]
    check = check_typed_price(candidates, 249)
    assert (check.typed_cents, check.outcome, check.read_cents) == (249, "contradicted", 299)


def test_nothing_read_confirms_nothing():
    check = check_typed_price([], 249)
    assert (check.outcome, check.read_cents) == ("unconfirmed", None)


def test_typing_the_unit_price_printed_smaller_is_not_confirmed():
    candidates = [reading(1249, "neural", box=SMALL_PRINT), reading(249, "tesseract"), reading(249, "neural")]
    assert check_typed_price(candidates, 1249).outcome == "contradicted"


def test_wrong_entries_are_every_one_digit_substitution_adjacent_swap_and_the_unit_price():
    entries = wrong_entries(249, 1245)
    assert 249 not in entries
    assert {149, 259, 248, 429, 294, 1245} <= entries
    assert len(entries) == 3 * 9 + 2 + 1
    assert wrong_entries(2990, None) >= {2909, 9290}


def test_a_reading_that_only_drops_digits_does_not_contradict():
    # The recognizer collapses a repeated digit (2220 -> 220); the fitted LCD digits read all four.
    candidates = [reading(2220, "lcd", sure=True), reading(220, "neural", score=99.0)]
    assert check_typed_price(candidates, 2220).outcome == "confirmed"
    assert check_typed_price(candidates, 2200).outcome == "unconfirmed"
    assert check_typed_price([reading(2220, "lcd", sure=True), reading(2290, "neural")], 2220).outcome == "unconfirmed"


def test_a_longer_reading_around_an_agreed_one_spoils_the_agreement():
    # The glyph readers read part of "27,12 €"; the recognizer, shown only that part, read it too.
    part = Box(PRICE_BOX.left + 60, PRICE_BOX.top + 10, 100, 70)
    candidates = [reading(712, "tesseract", sure=True, box=part), reading(712, "neural", box=part),
                  reading(2712, "neural", score=100.0)]  # fmt: skip
    assert shelf_price(candidates).confidence == "low"
    assert check_typed_price(candidates, 2712).outcome == "confirmed"


def test_much_taller_digits_left_unread_elsewhere_leave_nothing_sure_or_confirmed():
    # Both readers read the unit price; the price itself, twice as tall, came out of the recognizer as "19".
    candidates = [reading(1279, "lcd", sure=True), reading(1279, "neural")]
    taller = TextLine("19", Box(900, 100, 200, 2 * PRICE_BOX.height), 1.0)
    assert shelf_price(candidates, [taller]).confidence == "low"
    assert check_typed_price(candidates, 1279, [taller]).outcome == "unconfirmed"
    shorter = TextLine("450 G", Box(900, 100, 200, 40), 1.0)
    assert check_typed_price(candidates, 1279, [shorter]).outcome == "confirmed"
