"""Synthetic scenes for placement and scooter tasks: a shelf of labelled products, a vehicle's code.

Like `synthetic`, for tests and the demo only; real photos are what extraction is measured on.
"""

from __future__ import annotations

import io
import random

import segno
from barcode import Code128
from barcode.writer import ImageWriter
from PIL import Image, ImageDraw, ImageFilter

from fieldtasks_dev.synthetic import barcode_image, font, lighting, tilt

LABEL_SIZE = (360, 200)  # a small shelf-edge label, in pixels of the rendered shelf


def shelf_label(gtin: str, name: str) -> Image.Image:
    """A small shelf-edge label: the product's name and its EAN-13."""
    label = Image.new("RGB", LABEL_SIZE, "white")
    draw = ImageDraw.Draw(label)
    draw.text((14, 8), name.upper()[:18], font=font(24), fill=(20, 20, 20))
    label.paste(barcode_image(gtin).resize((330, 110)), (15, 60))
    return label


def shelf_photo(gtins: list[str], rng: random.Random, size: tuple[int, int] = (4000, 3000)) -> Image.Image:
    """A shelf section as a phone sees it: products on two shelves, a label under each, a little blur."""
    width, height = size
    photo = Image.new("RGB", size, tuple(rng.randint(150, 200) for _ in range(3)))
    draw = ImageDraw.Draw(photo)
    per_row = max(1, (len(gtins) + 1) // 2)
    slot = width // (per_row + 1)
    for index, gtin in enumerate(gtins):
        row, column = divmod(index, per_row)
        x, edge = slot // 2 + column * slot, (row + 1) * height // 2 - height // 10
        box_colour = tuple(rng.randint(30, 230) for _ in range(3))
        draw.rectangle((x, edge - height // 3, x + slot * 3 // 4, edge - 10), fill=box_colour)  # the product
        scale = min(1.6, slot * 0.7 / LABEL_SIZE[0])
        label = shelf_label(gtin, f"Produit {index + 1}")
        label = label.resize((round(label.width * scale), round(label.height * scale)), Image.BICUBIC)
        photo.paste(tilt(label, rng), (x, edge), tilt(label, rng))
    return lighting(photo.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.0))), rng)


def vehicle_code_image(code: str, symbology: str = "qr") -> Image.Image:
    """The code printed on a vehicle's sticker: a QR code, or a Code 128 with its text."""
    if symbology == "qr":
        buffer = io.BytesIO()
        segno.make_qr(code, error="m").save(buffer, kind="png", scale=12, border=4)
        buffer.seek(0)
        return Image.open(buffer).convert("RGB")
    buffer = io.BytesIO()
    Code128(code, writer=ImageWriter()).write(
        buffer, options={"module_height": 12, "module_width": 0.4, "quiet_zone": 4, "font_size": 8, "dpi": 200}
    )
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


def vehicle_photo(
    code: str, rng: random.Random, size: tuple[int, int] = (4000, 3000), symbology: str = "qr"
) -> Image.Image:
    """A scooter's code sticker photographed at an angle on a dark stem, in uneven light."""
    width, height = size
    photo = Image.new("RGB", size, tuple(rng.randint(60, 120) for _ in range(3)))
    sticker = vehicle_code_image(code, symbology)
    scale = rng.uniform(0.3, 0.45) * width / sticker.width
    sticker = sticker.resize((round(sticker.width * scale), round(sticker.height * scale)), Image.BICUBIC)
    angled = tilt(sticker, rng).rotate(rng.uniform(-25, 25), resample=Image.BICUBIC, expand=True)
    x, y = rng.randint(0, width - angled.width), rng.randint(0, height - angled.height)
    photo.paste(angled, (x, y), angled)
    return lighting(photo.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.5))), rng)
