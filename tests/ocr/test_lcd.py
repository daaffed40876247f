"""Seven-segment LCD prices: drawn displays, a printed label, and real photos of LCD labels."""

import random

import pytest
from PIL import Image, ImageDraw, ImageFilter

from fieldtasks.ocr import lcd
from fieldtasks_dev.synthetic import careful_photograph, photograph, random_label, render_label, seven_segment_digit
from tests.shared_data import PRICE_TAGS, shared_file


def lcd_label(units, cents, blur=1.2, seed=0):
    """An LCD shelf label as a phone sees it: grey display in a dark frame, large units, raised cents
    two thirds their height, a unit price in small digits at the left, a paper strip with a name and bars."""
    rng = random.Random(seed)
    image = Image.new("L", (460, 300), 60)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((20, 20, 440, 200), radius=18, fill=185)  # the display
    draw.rectangle((20, 205, 440, 285), fill=235)  # the paper strip
    draw.text((35, 215), "TORTILLAS MAIS 8PK", fill=30)
    for i in range(30):
        if rng.random() < 0.6:
            draw.rectangle((300 + 4 * i, 240, 301 + 4 * i, 275), fill=20)
    height, pitch = 120, 0.47 * 120
    right = 300  # the units end here, the cents start just after
    for i, digit in enumerate(units):
        seven_segment_digit(draw, digit, right - (len(units) - i) * pitch + 0.2 * height, 50, height, ink=40)
    for i, digit in enumerate(cents):
        seven_segment_digit(draw, digit, right + 22 + i * 0.65 * pitch, 48, 0.65 * height, ink=40)
    for i, digit in enumerate("37"):  # the unit price, small, left of the price
        seven_segment_digit(draw, digit, 60 + 19 * i, 130, 40, ink=40)
    image = image.filter(ImageFilter.GaussianBlur(blur))
    noise = Image.effect_noise(image.size, 6)
    return Image.blend(image, noise, 0.08)


@pytest.mark.parametrize(("units", "cents"), [("27", "80"), ("5", "00"), ("149", "90"), ("10", "00"), ("38", "35")])
def test_a_drawn_display_is_read_for_sure(units, cents):
    reading = lcd.read_lcd_price(lcd_label(units, cents), 1.0, "NOK")
    assert reading is not None
    assert (reading.amount_cents, reading.confidence) == (int(units) * 100 + int(cents), "high")
    assert reading.raw_text == f"{units} {cents}"


def test_the_box_is_in_photo_coordinates_around_the_price():
    reading = lcd.read_lcd_price(lcd_label("27", "80"), 0.5, "NOK")  # the photo is twice what the reader got
    assert reading is not None
    box = reading.box
    assert 2 * 190 < box.left < 2 * 230 and box.left + box.width > 2 * 340
    assert 2 * 30 < box.top < 2 * 60 and box.top + box.height > 2 * 160


def test_the_place_of_the_digits_is_found_even_when_they_cannot_be_fitted():
    # For the neural reader to read it alone: the units and the raised cents, not the unit price.
    box = lcd.digit_place(lcd_label("11", "11"), 0.5)
    assert box is not None
    assert 2 * 150 < box.left < 2 * 250 and box.left + box.width > 2 * 330
    assert 2 * 30 < box.top < 2 * 60 and 2 * 150 < box.top + box.height < 2 * 200
    assert lcd.digit_place(Image.new("L", (400, 300), 200), 1.0) is None


def test_a_display_of_ones_only_is_not_sure():
    reading = lcd.read_lcd_price(lcd_label("11", "11"), 1.0, "NOK")
    assert reading is None or reading.confidence == "low"


def test_an_empty_display_or_a_printed_label_gives_no_confident_price():
    empty = Image.new("L", (460, 300), 185)
    assert lcd.read_lcd_price(empty, 1.0, "EUR") is None
    rng = random.Random(3)
    for _ in range(4):
        label = random_label(rng)
        printed = render_label(label, rng).convert("L")
        reading = lcd.read_lcd_price(printed, 1.0, "EUR")
        assert reading is None or reading.confidence == "low" or reading.amount_cents == label.price_cents


@pytest.mark.parametrize(("name", "cents"), [("rema1000_4.jpg", 1200), ("rema1000_1511343190402.jpg", 2780)])
def test_real_lcd_labels_are_read(name, cents):
    photo = Image.open(shared_file(PRICE_TAGS, name)).convert("L")
    reading = lcd.read_lcd_price(photo, 1.0, "NOK")
    assert reading is not None
    assert (reading.amount_cents, reading.confidence) == (cents, "high")


@pytest.mark.parametrize("shoot", [photograph, careful_photograph])
def test_an_lcd_label_in_a_larger_photo_is_found_and_read_never_misread(shoot):
    prices = [("27", "80"), ("5", "00"), ("149", "90"), ("12", "35"), ("38", "60"), ("9", "95"), ("64", "20")]
    read = 0
    for seed, (units, cents) in enumerate(prices):
        photo = shoot(lcd_label(units, cents, seed=seed).convert("RGB"), random.Random(seed), (1600, 1200))
        reading = lcd.read_lcd_price(photo.convert("L"), 1.0, "EUR")
        if reading is not None and reading.confidence == "high":
            assert reading.raw_text == f"{units} {cents}"
            read += 1
    assert read >= 5
