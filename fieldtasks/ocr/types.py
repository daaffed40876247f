"""What extraction returns: frozen dataclasses, nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Confidence(StrEnum):
    """How sure a reading is: only a high one pays without a moderator."""

    HIGH = "high"
    LOW = "low"


class UnitPriceCheck(StrEnum):
    """The unit price times the product's net quantity, held against the shelf price."""

    AGREES = "agrees"  # two readings of the label confirm each other
    DISAGREES = "disagrees"  # one of the two numbers is misread, and nothing says which


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in the coordinates of the photo as uploaded (after EXIF orientation)."""

    left: int
    top: int
    width: int
    height: int

    def around(self, margin: float, scale: float, size: tuple[int, int]) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) of the box with a margin (a share of its height), in the pixels of an
        image `scale` times the photo's and `size` large, kept inside it."""
        pad = margin * self.height
        left, top = round((self.left - pad) * scale), round((self.top - pad) * scale)
        right, bottom = round((self.left + self.width + pad) * scale), round((self.top + self.height + pad) * scale)
        return max(0, left), max(0, top), min(size[0], right), min(size[1], bottom)

    def overlaps(self, other: Box) -> bool:
        return (
            self.left < other.left + other.width
            and other.left < self.left + self.width
            and self.top < other.top + other.height
            and other.top < self.top + self.height
        )


@dataclass(frozen=True)
class BarcodeRead:
    """One product code found in the photo, with the evidence behind it."""

    gtin: str  # canonical: EAN-13 (UPC-A and UPC-E expanded, with their leading 0) or EAN-8
    symbology: str  # as first read: ean13, ean8, upca, upce
    box: Box | None
    decoders: tuple[str, ...]  # which decoders read it: zbar, zxing, and bars when the fitted bars confirm it
    votes: int  # how many (decoder, image variant) pairs read it
    confidence: Confidence
    expected: bool | None = None  # in the task's hints, when hints name GTINs


@dataclass(frozen=True)
class CodeRead:
    """A vehicle code (QR or Code 128) found in the photo, judged like a product code."""

    text: str
    symbology: str  # qr or code128
    box: Box | None
    decoders: tuple[str, ...]
    votes: int
    confidence: Confidence
    expected: bool | None = None  # in the task's hints, when hints name vehicle codes


@dataclass(frozen=True)
class PriceCandidate:
    """A price read on the photo."""

    amount_cents: int
    currency: str  # from the hints: labels rarely print it next to the price
    kind: str  # "price", or "unit_price" (then `unit` says per what)
    box: Box
    raw_text: str  # the digits as read, units and cents apart (the text, for a unit price)
    confidence: Confidence  # a unit price is read from small print: always low
    score: float  # the reader's own confidence, 0 to 100 (Tesseract's lowest word confidence behind it)
    unit: str | None = None  # "kg", "l" or "unit", for a unit price
    reader: str = "tesseract"  # "tesseract", "lcd" (fitted seven-segment digits) or "neural" (scene_text)


@dataclass(frozen=True)
class TextLine:
    """A line of text the neural reader found, as it read it."""

    text: str
    box: Box
    score: float  # the recognizer's, 0 to 1


@dataclass(frozen=True)
class PrintedGtin:
    """A GTIN printed as digits (under its barcode), read by the neural reader; its check digit holds."""

    gtin: str
    box: Box
    score: float  # the recognizer's, 0 to 1


class TypedPrice(StrEnum):
    """What the photo says of a price someone typed."""

    CONFIRMED = "confirmed"  # a reader reads it at the price's place, and no sure reading there says otherwise
    CONTRADICTED = "contradicted"  # both kinds of reader agree on another price (`read_cents`)
    UNCONFIRMED = "unconfirmed"  # neither: a moderator looks


@dataclass(frozen=True)
class PriceCheck:
    """A price someone typed, held against what the readers read (fieldtasks.ocr.confirm)."""

    typed_cents: int
    outcome: TypedPrice
    read_cents: int | None  # the shelf price read, when one was (sure or not)


@dataclass(frozen=True)
class Hints:
    """What the task expects to find; never used to change what was read, only to say how sure it is."""

    gtins: tuple[str, ...] = ()
    vehicle_codes: tuple[str, ...] = ()
    currency: str = "EUR"
    prices: bool = True  # read the shelf price (placement and scooter tasks do not need it)
    whole_shelf: bool = False  # look for every product code across the photo (placement tasks)
    net_quantity: float | None = None  # the product's, in the unit its unit price is per ...
    net_unit: str | None = None  # ... "kg", "l" or "unit": the shelf price is checked against the unit price
    typed_price_cents: int | None = None  # what the worker read on the label, checked against the photo


@dataclass(frozen=True)
class Extraction:
    barcodes: tuple[BarcodeRead, ...]
    prices: tuple[PriceCandidate, ...]
    shelf_price: PriceCandidate | None
    width: int
    height: int
    timings_ms: dict[str, float] = field(default_factory=dict)
    engines: dict[str, str] = field(default_factory=dict)
    unit_price: PriceCandidate | None = None  # printed near the shelf price
    promotion_percent: int | None = None  # "-30%" near the shelf price
    codes: tuple[CodeRead, ...] = ()  # vehicle codes, read only when the hints name some
    price_check: UnitPriceCheck | None = None  # unit price times net quantity against the price
    text_lines: tuple[TextLine, ...] = ()  # what the neural reader saw, for moderators and the printed GTIN
    printed_gtins: tuple[PrintedGtin, ...] = ()  # GTINs read as printed digits (under the bars)
    typed_price: PriceCheck | None = None  # the hinted typed price, confirmed or not
