"""Practice questions: shelf labels drawn from a seed, so an attempt's photos need no storage (pure)."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

PRODUCTS = ("Café moulu", "Confiture fraises", "Lait demi-écrémé", "Céréales chocolat", "Huile d'olive", "Riz basmati")


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def question_prices(seed: int, count: int) -> list[int]:
    """The price, in cents, on each label of the set."""
    rng = random.Random(seed)
    return [rng.randint(49, 2999) for _ in range(count)]


def question_jpeg(seed: int, index: int, count: int) -> bytes:
    """Label `index` of the set: a product name, a big price with raised cents and a unit price, a little blur."""
    price = question_prices(seed, count)[index]
    rng = random.Random(seed * 1000 + index)
    label = Image.new("RGB", (900, 450), (255, 255, 255))
    draw = ImageDraw.Draw(label)
    draw.text((30, 20), rng.choice(PRODUCTS).upper(), font=_font(44), fill=(20, 20, 20))
    units, cents = str(price // 100), f"{price % 100:02d}"
    draw.text((330, 110), units, font=_font(190), fill=(20, 20, 20))
    right = 330 + draw.textlength(units, font=_font(190)) + 8
    draw.text((right, 130), cents, font=_font(90), fill=(20, 20, 20))
    draw.text((right + 10, 225), "€", font=_font(60), fill=(20, 20, 20))
    per_kg = round(price / rng.choice((0.25, 0.4, 0.5, 1.0)))
    draw.text((30, 380), f"soit {per_kg // 100},{per_kg % 100:02d} € / kg", font=_font(30), fill=(60, 60, 60))
    photo = label.rotate(rng.uniform(-4, 4), expand=True, fillcolor=(120, 120, 120))
    buffer = io.BytesIO()
    photo.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2))).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
