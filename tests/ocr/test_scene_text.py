"""The neural reader: networks from its wheel, lines with boxes in photo pixels, one place read alone."""

from PIL import Image, ImageDraw, ImageFont

from fieldtasks.ocr.scene_text import read_place, read_text_lines
from fieldtasks.ocr.types import Box


def printed(lines: list[tuple[str, int, tuple[int, int]]], size=(900, 450)) -> Image.Image:
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for text, height, at in lines:
        draw.text(at, text, font=ImageFont.truetype("DejaVuSans-Bold.ttf", height), fill=20)
    return image


def test_lines_are_read_tallest_first_with_their_boxes_in_photo_pixels():
    label = printed([("CAFE MOULU", 40, (40, 30)), ("3,49", 150, (380, 150))])
    half = label.resize((450, 225))  # read at half size: boxes come back in the photo's pixels
    lines = read_text_lines(half, 0.5)
    assert [line.text for line in lines][:2] == ["3,49", "CAFE MOULU"]
    price = lines[0]
    assert 340 <= price.box.left <= 400 and 130 <= price.box.top <= 200 and 120 <= price.box.height <= 220
    assert price.score > 0.9


def test_a_blank_image_has_no_lines():
    assert read_text_lines(Image.new("L", (300, 200), 255), 1.0) == ()


def test_one_place_is_read_alone_and_keeps_the_box_it_was_given():
    label = printed([("PROMO", 40, (40, 30)), ("12,90", 120, (300, 200))])
    box = Box(290, 200, 380, 150)
    line = read_place(label, box, 1.0)
    assert (line.text, line.box) == ("12,90", box)
    assert read_place(label, Box(0, 0, 3, 3), 1.0) is None  # too small to read
