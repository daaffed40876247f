"""Seven-segment LCD prices: drawn displays, a printed label, and real photos of LCD labels."""

import random
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFilter

from fieldtasks.ocr import lcd
from fieldtasks.ocr.synthetic import careful_photograph, photograph, random_label, render_label

PRICE_TAGS = Path(__file__).resolve().parents[3] / "shared" / "data" / "price-tags-dev"

SEGMENTS = {  # corners of each segment in a unit cell (x from the left column, y from the top), before slant
    "a": ((0, 0), (1, 0)),
    "b": ((1, 0), (1, 0.5)),
    "c": ((1, 0.5), (1, 1)),
    "d": ((0, 1), (1, 1)),
    "e": ((0, 0.5), (0, 1)),
    "f": ((0, 0), (0, 0.5)),
    "g": ((0, 0.5), (1, 0.5)),
}
LIT = {"0": "abcdef", "1": "bc", "2": "abdeg", "3": "abcdg", "4": "bcfg", "5": "acdfg", "6": "acdefg",
       "7": "abc", "8": "abcdefg", "9": "abcdfg"}  # fmt: skip


def draw_digit(draw, digit, left, top, height, slant=0.08, ink=40):
    """A seven-segment digit: bars of a tenth of its height, a small gap where they meet, slanted."""
    width, stroke, gap = 0.27 * height, 0.08 * height, 0.04 * height

    def point(u, v):
        y = top + v * height
        return left + u * width + slant * (top + height - y), y

    for name in LIT[digit]:
        (u0, v0), (u1, v1) = SEGMENTS[name]
        (x0, y0), (x1, y1) = point(u0, v0), point(u1, v1)
        dx, dy = x1 - x0, y1 - y0
        length = (dx * dx + dy * dy) ** 0.5
        ux, uy = dx / length, dy / length
        x0, y0, x1, y1 = x0 + ux * gap, y0 + uy * gap, x1 - ux * gap, y1 - uy * gap
        nx, ny = -uy * stroke / 2, ux * stroke / 2
        draw.polygon([(x0 + nx, y0 + ny), (x1 + nx, y1 + ny), (x1 - nx, y1 - ny), (x0 - nx, y0 - ny)], fill=ink)


def lcd_label(units, cents, blur=1.2, seed=0):
    """An LCD shelf label as a phone sees it: grey display in a dark frame, large units, raised cents
    two thirds their height, a paper strip below with a name and bars."""
    rng = random.Random(seed)
    image = Image.new("L", (460, 300), 60)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((20, 20, 440, 200), radius=18, fill=185)  # the display
    draw.rectangle((20, 205, 440, 285), fill=235)  # the paper strip
    draw.text((35, 215), "TORTILLAS MAIS 8PK", fill=30)
    for i in range(30):
        if rng.random() < 0.6:
            draw.rectangle((300 + 4 * i, 240, 301 + 4 * i, 275), fill=20)
    height, pitch = 120, 42
    right = 300  # the units end here, the cents start just after
    for i, digit in enumerate(units):
        draw_digit(draw, digit, right - (len(units) - i) * pitch, 50, height)
    for i, digit in enumerate(cents):
        draw_digit(draw, digit, right + 14 + i * 30, 48, 0.65 * height)
    draw_digit(draw, "3", 60, 130, 40)  # the unit price, small, left of the price
    draw_digit(draw, "7", 78, 130, 40)
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
    photo = Image.open(PRICE_TAGS / name).convert("L")
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
