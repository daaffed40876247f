"""The recognition engines `make test` installs are really there: zbar, and Tesseract with French and English."""

import pytesseract
from PIL import Image, ImageDraw, ImageFont
from pyzbar import pyzbar


def test_tesseract_has_french_and_english():
    assert pytesseract.get_tesseract_version().major >= 4
    assert {"fra", "eng"} <= set(pytesseract.get_languages())


def test_tesseract_reads_rendered_digits():
    image = Image.new("L", (360, 120), 255)
    ImageDraw.Draw(image).text((20, 20), "2,49", fill=0, font=ImageFont.load_default(size=72))
    text = pytesseract.image_to_string(image, lang="fra", config="--psm 7 -c tessedit_char_whitelist=0123456789,")
    assert text.strip() == "2,49"


def test_zbar_is_loaded_and_finds_nothing_in_a_blank_image():
    assert pyzbar.decode(Image.new("L", (200, 100), 255)) == []
