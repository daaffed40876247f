"""Shelf labels in styles the readers were never tuned on, for honest evaluation (`--styles unseen`).

Fonts other than the DejaVu faces of the tuned sets (italic, condensed, serif, geometric), cents raised
and underlined or boxed, wide-spaced digits, a dark promotion banner over a large unit price, light print
on dark or coloured labels, one-line prices with `€`, `kr` or `,-`; photographed in a 12 MP frame or cut
as a small low-resolution crop (150 to 300 pixels high). Nothing here may be used to tune a threshold:
its figures are only reported.
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIRS = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/freefont",
             "/usr/share/fonts/opentype/urw-base35", "/usr/share/fonts/truetype/dejavu")  # fmt: skip
# Bold or heavy faces a label could print a price in; DejaVu Sans Bold, the tuned sets' face, is left out.
PRICE_FACES = ("LiberationSans-BoldItalic", "LiberationSerif-Bold", "LiberationSans-Bold", "FreeSansBoldOblique",
               "FreeSerifBold", "NimbusSansNarrow-Bold", "NimbusSansNarrow-BoldOblique", "URWGothic-Demi",
               "NimbusRoman-BoldItalic", "P052-Bold", "DejaVuSansCondensed-BoldOblique",
               "DejaVuSerifCondensed-Bold")  # fmt: skip
TEXT_FACES = ("LiberationSans-Regular", "FreeSans", "NimbusSans-Regular", "URWGothic-Book", "DejaVuSansCondensed")
CENTS = ("raised", "underlined", "boxed", "spaced", "one-line")
COLOURS = (  # (paper, ink)
    ((255, 255, 255), (15, 15, 15)),
    ((250, 222, 40), (10, 10, 10)),  # yellow promotion label
    ((200, 25, 30), (255, 255, 255)),  # red label, white print
    ((25, 25, 30), (245, 245, 245)),  # dark label, light print
    ((235, 240, 245), (20, 40, 120)),  # blue print
)


def face(names: tuple[str, ...], size: int, rng: random.Random) -> ImageFont.FreeTypeFont:
    """One of `names`, found in the font folders; DejaVu Sans when none is installed."""
    for name in rng.sample(names, len(names)):
        for folder in FONT_DIRS:
            for ending in (".ttf", ".otf"):
                path = Path(folder) / (name + ending)
                if path.is_file():
                    return ImageFont.truetype(str(path), size)
    return ImageFont.truetype("DejaVuSans.ttf", size)


def render_unseen(price_cents: int, unit_price_cents: int, unit: str, name: str, barcode: Image.Image,
                  former_cents: int | None, rng: random.Random) -> tuple[Image.Image, str]:  # fmt: skip
    """A label 900 x 450 in a random unseen style, and how its price is printed (one of CENTS)."""
    paper, ink = rng.choice(COLOURS)
    image = Image.new("RGB", (900, 450), paper)
    draw = ImageDraw.Draw(image)
    text = face(TEXT_FACES, 38, rng)
    top = 20
    if former_cents or rng.random() < 0.3:  # a dark banner across the top, the unit price large below it
        draw.rectangle((0, 0, 900, 70), fill=(30, 30, 30) if paper != (25, 25, 30) else (200, 25, 30))
        banner = f"PROMO -{rng.choice((10, 20, 25, 30, 40, 50))}%" if former_cents else rng.choice(("OFFRE", "NOUVEAU"))
        draw.text((30, 12), banner, font=face(PRICE_FACES, 44, rng), fill=(255, 255, 255))
        top = 80
    draw.text((30, top), name.upper(), font=text, fill=ink)
    per = {"kg": "kg", "l": "L"}.get(unit, "pièce")
    unit_size = rng.randint(28, 56)  # up to half the price's height: a large unit price
    draw.text((30, top + 60), f"{_euros(unit_price_cents)} € / {per}", font=face(TEXT_FACES, unit_size, rng), fill=ink)
    style = _price(draw, price_cents, ink, paper, rng, top)
    if former_cents:
        old = f"{_euros(former_cents)} €"
        old_font = face(TEXT_FACES, 34, rng)
        draw.text((30, 300), old, font=old_font, fill=ink)
        draw.line((30, 322, 30 + draw.textlength(old, font=old_font), 316), fill=ink, width=3)
    if rng.random() < 0.8:
        image.paste(barcode, (30 if former_cents is None else 330, 335))
    return image, style


def _price(draw: ImageDraw.ImageDraw, cents: int, ink, paper, rng: random.Random, top: int) -> str:
    style = rng.choice(CENTS)
    units, fraction = str(cents // 100), f"{cents % 100:02d}"
    size = rng.randint(150, 200)
    big = face(PRICE_FACES, size, rng)
    x, y = rng.randint(360, 430) - 40 * (len(units) - 1), top + rng.randint(40, 70)
    if style == "one-line":
        form = rng.choice(("{u},{c} €", "{u},{c}€", "€ {u}.{c}", "kr {u},{c}", "{u},{c} kr", "{u},-"))
        line_font = face(PRICE_FACES, int(size * 0.7), rng)
        shown = form.format(u=units, c=fraction) if form != "{u},-" or fraction == "00" else f"{units},{fraction}"
        draw.text((x - 60, y + 20), shown, font=line_font, fill=ink)
        return style
    spacing = rng.randint(18, 40) if style == "spaced" else 0
    for digit in units:
        draw.text((x, y), digit, font=big, fill=ink)
        x += draw.textlength(digit, font=big) + spacing
    small = face(PRICE_FACES, int(size * rng.uniform(0.45, 0.6)), rng)
    cx = x + 10
    draw.text((cx, y + 0.08 * size), fraction, font=small, fill=ink)
    left, upper, right, lower = draw.textbbox((cx, y + 0.08 * size), fraction, font=small)
    if style == "underlined":
        draw.line((left, lower + 8, right, lower + 8), fill=ink, width=max(3, size // 30))
    elif style == "boxed":
        draw.rectangle((left - 8, upper - 8, right + 8, lower + 8), outline=ink, width=max(3, size // 40))
    draw.text((left, lower + 14), "€", font=face(TEXT_FACES, int(size * 0.3), rng), fill=ink)
    return style


def small_crop(label: Image.Image, rng: random.Random) -> Image.Image:
    """The label as a small, soft, low-resolution crop (150 to 300 pixels high), as shelf scanners cut them."""
    height = rng.randint(150, 300)
    crop = label.resize((round(label.width * height / label.height), height), Image.BILINEAR)
    return crop.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0)))


def _euros(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"
