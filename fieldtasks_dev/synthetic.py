"""Synthetic French shelf labels photographed by a phone, for evaluation.

`python -m fieldtasks_dev.synthetic OUT_DIR [--count 300] [--seed 7] [--size 4000x3000] [--layout one_line]
[--styles unseen]`
writes photos and a truth.csv that `python -m fieldtasks_dev.evaluate OUT_DIR` scores. Paper and electronic
label styles, large units with raised cents (or the price on one line, or a seven-segment LCD in a random
font: `--layout lcd`), a unit price line, an EAN-13,
sometimes a promotion with the former price crossed out; then perspective, blur, glare, shadow and JPEG,
in a 12 MP frame.
Same seed, same set. Synthetic data helps; it never replaces the real photos.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from barcode import EAN13
from barcode.writer import ImageWriter
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from fieldtasks_dev.unseen_styles import render_unseen, small_crop

PRODUCTS = [
    ("Pâte à tartiner noisettes", 0.4, "kg"),
    ("Confiture fraises", 0.37, "kg"),
    ("Café moulu", 0.25, "kg"),
    ("Lait demi-écrémé", 1.0, "l"),
    ("Jus d'orange", 1.5, "l"),
    ("Céréales chocolat", 0.5, "kg"),
    ("Biscuits sablés", 0.2, "kg"),
    ("Huile d'olive", 0.75, "l"),
    ("Pâtes spaghetti", 0.5, "kg"),
    ("Riz basmati", 1.0, "kg"),
]
FONT_FILES = ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf")


@dataclass(frozen=True)
class Label:
    name: str
    price_cents: int
    unit_price_cents: int
    unit: str
    gtin: str
    style: str  # "paper" or "electronic"
    former_cents: int | None  # a crossed-out former price, on promotions


def font(size: int, bold: bool = True) -> ImageFont.FreeTypeFont:
    """DejaVu when the machine has it, Pillow's own font otherwise."""
    try:
        return ImageFont.truetype(FONT_FILES[0 if bold else 1], size)
    except OSError:
        return ImageFont.load_default(size=size)


def random_label(rng: random.Random) -> Label:
    name, quantity, unit = rng.choice(PRODUCTS)
    price = rng.randint(49, 2999)
    body = "3" + "".join(str(rng.randint(0, 9)) for _ in range(11))
    gtin = EAN13(body).get_fullcode()
    former = round(price * rng.uniform(1.2, 1.6)) if rng.random() < 0.25 else None
    return Label(name, price, round(price / quantity), unit, gtin, rng.choice(["paper", "electronic"]), former)


def euros(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def render_label(label: Label, rng: random.Random, layout: str = "raised") -> Image.Image:
    """The label as printed, 900 x 450 pixels; the price's cents raised and smaller (`raised`), or on one
    line with the units (`one_line`: `2,49 €`), or shown by a seven-segment LCD (`lcd`)."""
    if layout == "lcd":
        return _lcd_label(label, rng)
    background = (255, 255, 255) if label.style == "paper" else (rng.randint(205, 225),) * 3
    image = Image.new("RGB", (900, 450), background)
    draw = ImageDraw.Draw(image)
    ink = (20, 20, 20)
    draw.text((30, 20), label.name.upper(), font=font(44), fill=ink)
    if layout == "one_line":
        draw.text((330, 120), f"{euros(label.price_cents)} €", font=font(130), fill=ink)
    else:
        _raised_price(draw, label.price_cents, ink)
    per = "kg" if label.unit == "kg" else "L"
    draw.text((30, 110), f"soit {euros(label.unit_price_cents)} € / {per}", font=font(30, bold=False), fill=ink)
    if label.former_cents:
        draw.rectangle((30, 170, 260, 230), fill=(220, 30, 30))
        draw.text(
            (45, 178), f"-{round(100 - 100 * label.price_cents / label.former_cents)}%", font=font(40), fill="white"
        )
        old = f"{euros(label.former_cents)} €"
        draw.text((30, 250), old, font=font(40, bold=False), fill=ink)
        draw.line((30, 275, 30 + draw.textlength(old, font=font(40, bold=False)), 270), fill=ink, width=4)
    image.paste(barcode_image(label.gtin), (30, 330))
    return image


def _raised_price(draw: ImageDraw.ImageDraw, price_cents: int, ink: tuple[int, int, int]) -> None:
    units, cents = str(price_cents // 100), f"{price_cents % 100:02d}"
    big, small = font(190), font(90)
    x = 380 if len(units) < 2 else 300
    draw.text((x, 90), units, font=big, fill=ink)
    right = x + draw.textlength(units, font=big) + 8
    draw.text((right, 110), cents, font=small, fill=ink)
    draw.text((right + 10, 205), "€", font=font(60), fill=ink)


SEGMENT_ENDS = {  # each segment's ends in a digit's cell: (across, down), 0 to 1, before the slant
    "a": ((0, 0), (1, 0)),
    "b": ((1, 0), (1, 0.5)),
    "c": ((1, 0.5), (1, 1)),
    "d": ((0, 1), (1, 1)),
    "e": ((0, 0.5), (0, 1)),
    "f": ((0, 0), (0, 0.5)),
    "g": ((0, 0.5), (1, 0.5)),
}
LIT_SEGMENTS = {"0": "abcdef", "1": "bc", "2": "abdeg", "3": "abcdg", "4": "bcfg", "5": "acdfg", "6": "acdefg",
                "7": "abc", "8": "abcdefg", "9": "abcdfg"}  # fmt: skip


def seven_segment_digit(
    draw: ImageDraw.ImageDraw,
    digit: str,
    left: float,
    top: float,
    height: float,
    *,
    width: float = 0.27,
    stroke: float = 0.08,
    slant: float = 0.08,
    ink=(40, 40, 40),
) -> None:
    """A digit as an LCD shows it: bars `stroke` times its height thick, a small gap where they meet,
    `width` times its height between its columns, leaning right by `slant` (dx/dy)."""
    gap = 0.5 * stroke * height

    def point(across: float, down: float) -> tuple[float, float]:
        y = top + down * height
        return left + across * width * height + slant * (top + height - y), y

    for name in LIT_SEGMENTS[digit]:
        (x0, y0), (x1, y1) = (point(*end) for end in SEGMENT_ENDS[name])
        length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        x0, y0, x1, y1 = x0 + ux * gap, y0 + uy * gap, x1 - ux * gap, y1 - uy * gap
        nx, ny = -uy * stroke * height / 2, ux * stroke * height / 2
        draw.polygon([(x0 + nx, y0 + ny), (x1 + nx, y1 + ny), (x1 - nx, y1 - ny), (x0 - nx, y0 - ny)], fill=ink)


def seven_segment_price(
    draw: ImageDraw.ImageDraw, cents: int, right: float, top: float, height: float, rng: random.Random, ink=(40, 40, 40)
) -> None:
    """Units ending at `right`, then the cents raised and smaller, in one random LCD font."""
    width, stroke, slant = rng.uniform(0.24, 0.4), rng.uniform(0.06, 0.1), rng.uniform(0.0, 0.12)
    pitch = (width + rng.uniform(0.14, 0.3)) * height
    units = str(cents // 100)
    for i, digit in enumerate(units):
        left = right - (len(units) - i) * pitch + (pitch - width * height)
        seven_segment_digit(draw, digit, left, top, height, width=width, stroke=stroke, slant=slant, ink=ink)
    share = rng.uniform(0.55, 0.72)
    small = height * share
    for i, digit in enumerate(f"{cents % 100:02d}"):
        left = right + rng.uniform(0.18, 0.25) * height + i * pitch * share
        seven_segment_digit(draw, digit, left, top, small, width=width, stroke=stroke, slant=slant, ink=ink)


def _lcd_label(label: Label, rng: random.Random) -> Image.Image:
    """An electronic label with a seven-segment LCD: the price large with raised cents, the unit price
    small at the left, a paper strip below with the name and the EAN."""
    image = Image.new("RGB", (900, 450), (rng.randint(30, 70),) * 3)
    draw = ImageDraw.Draw(image)
    tint = rng.randint(160, 205)
    draw.rounded_rectangle((30, 25, 870, 290), radius=30, fill=(tint - 10, tint, tint - 25))
    ink = (rng.randint(20, 70),) * 3
    height = rng.uniform(0.62, 0.75) * 265
    top = 25 + (265 - height) / 2
    seven_segment_price(draw, label.price_cents, rng.uniform(560, 640), top, height, rng, ink)
    seven_segment_price(draw, label.unit_price_cents, 230, 290 - 0.4 * height - 25, 0.33 * height, rng, ink)
    draw.text((70, 60), "/kg" if label.unit == "kg" else "/L", font=font(28, bold=False), fill=ink)
    draw.rectangle((30, 300, 870, 440), fill=(240, 240, 236))
    draw.text((50, 315), label.name.upper(), font=font(40), fill=(20, 20, 20))
    image.paste(barcode_image(label.gtin), (520, 322))
    return image


def barcode_image(gtin: str) -> Image.Image:
    buffer = io.BytesIO()
    EAN13(gtin[:12], writer=ImageWriter()).write(
        buffer, options={"module_height": 6, "module_width": 0.25, "quiet_zone": 2, "font_size": 5, "dpi": 200}
    )
    buffer.seek(0)
    return Image.open(buffer).convert("RGB").resize((330, 110))


def photograph(label_image: Image.Image, rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """The label on a shelf edge, seen by a phone: tilted, a little blurred, lit unevenly."""
    width, height = size
    shelf = Image.new("RGB", size, tuple(rng.randint(60, 140) for _ in range(3)))
    scale = rng.uniform(0.35, 0.6) * width / label_image.width
    label = label_image.resize((round(label_image.width * scale), round(label_image.height * scale)), Image.BICUBIC)
    label = tilt(label, rng)
    x, y = rng.randint(0, width - label.width), rng.randint(0, height - label.height)
    shelf.paste(label, (x, y), label)
    shelf = shelf.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 2.5)))
    return lighting(shelf, rng)


def careful_photograph(label_image: Image.Image, rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """The label as a careful worker shoots it: straight on, sharp, filling a good part of the frame."""
    width, height = size
    scale = rng.uniform(0.45, 0.7) * width / label_image.width
    label = label_image.resize((round(label_image.width * scale), round(label_image.height * scale)), Image.BICUBIC)
    photo = Image.new("RGB", size, tuple(rng.randint(40, 200) for _ in range(3)))
    photo.paste(label, (rng.randint(0, width - label.width), rng.randint(0, height - label.height)))
    return photo


def tilt(label: Image.Image, rng: random.Random) -> Image.Image:
    """A mild perspective: corners moved by up to 6% of the size, transparent outside."""
    w, h = label.size
    jitter = [rng.uniform(-0.06, 0.06) * s for _ in range(4) for s in (w, h)]
    corners = [
        (0 + jitter[0], 0 + jitter[1]),
        (w + jitter[2], 0 + jitter[3]),
        (w + jitter[4], h + jitter[5]),
        (0 + jitter[6], h + jitter[7]),
    ]
    coefficients = perspective_coefficients([(0, 0), (w, 0), (w, h), (0, h)], corners)
    rgba = label.convert("RGBA")
    return rgba.transform((w, h), Image.PERSPECTIVE, coefficients, Image.BICUBIC)


def perspective_coefficients(target, source) -> list[float]:
    """The 8 coefficients PIL wants to map `target` corners back to `source` corners."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return np.linalg.solve(np.array(rows, float), np.array(rhs, float)).tolist()


def lighting(photo: Image.Image, rng: random.Random) -> Image.Image:
    """A soft glare spot and a shadow across one side."""
    width, height = photo.size
    overlay = Image.new("L", (width // 8, height // 8), 0)
    draw = ImageDraw.Draw(overlay)
    cx, cy, r = rng.randint(0, overlay.width), rng.randint(0, overlay.height), rng.randint(20, 80)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=rng.randint(60, 130))
    glare = overlay.filter(ImageFilter.GaussianBlur(25)).resize(photo.size, Image.BILINEAR)
    photo = Image.composite(Image.new("RGB", photo.size, "white"), photo, glare)
    depth = rng.uniform(0.2, 0.5)
    shadow = Image.linear_gradient("L").resize(photo.size, Image.BILINEAR).point(lambda v: v * depth)
    if rng.random() < 0.5:
        shadow = shadow.transpose(Image.FLIP_TOP_BOTTOM)
    return Image.composite(Image.new("RGB", photo.size, "black"), photo, shadow)


def unseen_photo(label: Label, rng: random.Random, size: tuple[int, int]) -> tuple[Image.Image, str]:
    """A label in a style never tuned on (`unseen_styles`), photographed in the frame or cut as a small
    crop, and its style's name."""
    image, style = render_unseen(
        label.price_cents, label.unit_price_cents, label.unit, label.name, barcode_image(label.gtin),
        label.former_cents, rng,
    )  # fmt: skip
    if rng.random() < 0.5:
        return small_crop(image, rng), f"unseen-{style}-crop"
    return photograph(image, rng, size), f"unseen-{style}"


def generate(
    out: Path, count: int, seed: int, size: tuple[int, int], layout: str = "raised", styles: str = "seen"
) -> None:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "truth.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "gtin", "price", "currency", "unit_price"])
        for index in range(count):
            label = random_label(rng)
            if styles == "unseen":
                photo, design = unseen_photo(label, rng, size)
            else:
                photo, design = photograph(render_label(label, rng, layout), rng, size), "synthetic"
            name = f"{design}_{index:04d}.jpg"
            photo.save(out / name, "JPEG", quality=rng.randint(70, 92))
            writer.writerow(
                [name, label.gtin, f"{label.price_cents / 100:.2f}", "EUR", f"{label.unit_price_cents / 100:.2f}"]
            )
            if (index + 1) % 25 == 0 or index + 1 == count:
                print(f"  {index + 1}/{count} labels", file=sys.stderr, flush=True)
    print(f"{count} synthetic label photos in {out} (seed {seed}).")
    print(f"Score them: python -m fieldtasks_dev.evaluate {out}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--size", default="4000x3000", help="photo size, WIDTHxHEIGHT")
    parser.add_argument(
        "--layout", choices=("raised", "one_line", "lcd"), default="raised", help="how the price is shown"
    )
    parser.add_argument(
        "--styles",
        choices=("seen", "unseen"),
        default="seen",
        help="unseen: fonts, cents and colours the readers were never tuned on (the layout is then random)",
    )
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    generate(args.out, args.count, args.seed, (width, height), args.layout, args.styles)
    return 0


if __name__ == "__main__":
    sys.exit(main())
