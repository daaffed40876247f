"""Reading barcodes: two decoders over a few image variants, each read counted as a vote.

Product codes always; vehicle codes (QR, Code 128) only when a task expects a vehicle.

A code counts as read with high confidence only when the evidence agrees: two decoders read it,
or one decoder read it in most of the variants (a misread rarely survives rotations and rescaling;
on the zxing test photos, wrong single-decoder reads appeared in at most half of them). When that is
not enough, the bars themselves are a third opinion on an EAN-13, UPC-A or UPC-E (`bars.confirms`: the
code's bars, blurred like the photo, must read the code by themselves). A code read once in a
desperate retry, or a place where two different codes were read and the bars settle nothing, stays
low confidence: a moderator looks rather than a wrong product being paid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import zxingcpp
from PIL import Image
from pyzbar import pyzbar
from pyzbar.pyzbar import ZBarSymbol

from fieldtasks.ocr.bars import LAYOUTS, Span, confirms
from fieldtasks.ocr.codes import canonical_gtin
from fieldtasks.ocr.looks import Variant, first_pass_variants, photo_box, photo_points, retry_variants, tiles
from fieldtasks.ocr.types import BarcodeRead, Box, CodeRead, Confidence

SINGLE_DECODER_SHARE = 0.7  # of the variants that showed its place, for a code only one decoder reads
FIRST_PASS_MAX_SIDE = 1600  # large photos are read downscaled first: barcodes stay legible, work drops
SHELF_REGIONS = 16  # a shelf photo shows many labels: more candidate regions are looked at
BAR_CHECKS = 4  # unsettled codes per photo whose bars are fitted, most voted first (about 0.1 s CPU each)


@dataclass(frozen=True)
class Family:
    """The symbologies to look for, and how a decoded text becomes a code (None: refused)."""

    zbar_symbols: tuple[ZBarSymbol, ...]
    zxing_formats: tuple[zxingcpp.BarcodeFormat, ...]
    names: dict[str, str]  # zbar's type or zxing-cpp's format name -> our symbology name
    normalise: Callable[[str, str], str | None]


PRODUCTS = Family(
    (ZBarSymbol.EAN13, ZBarSymbol.EAN8, ZBarSymbol.UPCA, ZBarSymbol.UPCE),
    tuple(getattr(zxingcpp.BarcodeFormat, name) for name in ("EAN13", "EAN8", "UPCA", "UPCE")),
    {"EAN13": "ean13", "EAN8": "ean8", "UPCA": "upca", "UPCE": "upce"},
    lambda text, symbology: canonical_gtin(text, symbology),
)
VEHICLES = Family(
    (ZBarSymbol.QRCODE, ZBarSymbol.CODE128),
    (zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.Code128),
    {"QRCODE": "qr", "CODE128": "code128", "QRCode": "qr", "Code128": "code128"},
    lambda text, _: text.strip() or None,
)


@dataclass(frozen=True)
class Read:
    code: str
    symbology: str
    decoder: str
    variant: str
    box: Box
    span: Span | None = None  # along the code, when the decoder says where it starts and ends


def decode_zbar(variant: Variant, family: Family) -> list[Read]:
    reads = []
    for found in pyzbar.decode(variant.image, symbols=list(family.zbar_symbols)):
        symbology = family.names.get(found.type)
        code = family.normalise(found.data.decode("utf-8", "replace"), symbology or "")
        if symbology and code:
            points = [(p.x, p.y) for p in found.polygon] or [(found.rect.left, found.rect.top)]
            box = photo_box(points, variant)
            reads.append(Read(code, symbology, "zbar", variant.name, box, zbar_span(found, variant)))
    return reads


def zbar_span(found, variant: Variant) -> Span | None:
    """Along the code zbar read, in photo pixels: its box in the variant, taken in the direction zbar read it."""
    r = found.rect
    across, down = r.left + r.width / 2, r.top + r.height / 2
    ends = {
        "UP": ((r.left, down), (r.left + r.width, down), r.height),
        "DOWN": ((r.left + r.width, down), (r.left, down), r.height),
        "RIGHT": ((across, r.top), (across, r.top + r.height), r.width),
        "LEFT": ((across, r.top + r.height), (across, r.top), r.width),
    }.get(found.orientation)
    if ends is None:
        return None
    start, end = photo_points([ends[0], ends[1]], variant)
    return Span(start, end, ends[2] / variant.scale)


def decode_zxing(variant: Variant, family: Family) -> list[Read]:
    reads = []
    for found in zxingcpp.read_barcodes(variant.image, formats=family.zxing_formats):
        symbology = family.names.get(found.format.name)
        code = family.normalise(found.text, symbology or "")
        if symbology and code and found.valid:
            p = found.position
            corners = [(p.top_left.x, p.top_left.y), (p.top_right.x, p.top_right.y)]
            corners += [(p.bottom_right.x, p.bottom_right.y), (p.bottom_left.x, p.bottom_left.y)]
            span = Span.of_corners(photo_points(corners, variant))
            reads.append(Read(code, symbology, "zxing", variant.name, photo_box(corners, variant), span))
    return reads


def read_all(variants: Iterator[Variant], family: Family) -> tuple[list[Read], list[Box]]:
    """Every read of both decoders over the variants, and the region each variant showed."""
    reads: list[Read] = []
    shown: list[Box] = []
    for variant in variants:
        reads += decode_zbar(variant, family)
        reads += decode_zxing(variant, family)
        shown.append(variant.region)
    return reads, shown


def decode_barcodes(
    working: Image.Image,
    photo_size: tuple[int, int],
    load_full: Callable[[], Image.Image],
    *,
    whole_shelf: bool = False,
) -> tuple[BarcodeRead, ...]:
    """Product codes in an upright photo, most voted first.

    `working` is the grey photo at most FIRST_PASS_MAX_SIDE wide or high, `photo_size` its
    full size, and `load_full` decodes it at full size, only when a retry needs it. Boxes are in
    full-size coordinates. With `whole_shelf`, every code across the photo is sought: the
    full-resolution photo is always read in tiles, and more candidate regions are looked at.
    """
    found = decode(working, photo_size, load_full, PRODUCTS, whole_shelf=whole_shelf)
    return tuple(BarcodeRead(*fields) for fields in found)


def decode_vehicle_codes(
    working: Image.Image, photo_size: tuple[int, int], load_full: Callable[[], Image.Image]
) -> tuple[CodeRead, ...]:
    """QR and Code 128 codes (what vehicles carry), judged by the same votes as product codes."""
    return tuple(CodeRead(*fields) for fields in decode(working, photo_size, load_full, VEHICLES))


def decode(working, photo_size, load_full, family: Family, *, whole_shelf: bool = False) -> list[tuple]:
    reads, shown = read_all(first_pass_variants(working, photo_size), family)
    if whole_shelf or not reads or not all(is_conclusive(group, shown) for group in group_by_code(reads).values()):
        regions = SHELF_REGIONS if whole_shelf else 4
        more, more_shown = read_all(retry_variants(working, photo_size, load_full, regions), family)
        reads, shown = reads + more, shown + more_shown
    if whole_shelf:
        more, more_shown = read_all(tiles(load_full()), family)
        reads, shown = reads + more, shown + more_shown
    confirmed, refused = check_bars(reads, shown, load_full) if family is PRODUCTS else ([], set())
    return summarise(reads + confirmed, shown, refused)


def check_bars(
    reads: list[Read], shown: list[Box], load_full: Callable[[], Image.Image]
) -> tuple[list[Read], set[str]]:
    """The bars' opinion on the codes the decoders left unsettled: a read by "bars" for each code
    they confirm, and the codes they refused."""
    groups = group_by_code(reads)
    doubtful = [
        code for code, group in groups.items() if group[0].symbology in LAYOUTS and not is_settled(code, groups, shown)
    ]
    doubtful.sort(key=lambda code: -len(groups[code]))
    confirmed, refused = [], set()
    for code in doubtful[:BAR_CHECKS]:
        group = groups[code]
        read = min(group, key=lambda read: (read.decoder != "zxing", read.span is None))  # zxing's ends are the bars'
        if confirms(load_full(), read.span or Span.of_box(read.box), code, read.symbology):
            confirmed.append(Read(code, read.symbology, "bars", "bars", read.box))
        else:
            refused.add(code)
    return confirmed, refused


def is_settled(code: str, groups: dict[str, list[Read]], shown: list[Box]) -> bool:
    """Sure already (conclusive, no rival that counts), or a stray beside a code that is."""
    group, rivals = groups[code], rivals_of(code, groups)
    if is_conclusive(group, shown) and all(outweighs(group, rival) for rival in rivals.values()):
        return True
    return any(is_conclusive(other, shown) and outweighs(other, group) for other in rivals.values())


def group_by_code(reads: list[Read]) -> dict[str, list[Read]]:
    groups: dict[str, list[Read]] = {}
    for read in reads:
        groups.setdefault(read.code, []).append(read)
    return groups


def is_conclusive(group: list[Read], shown: list[Box]) -> bool:
    """Enough agreement to be sure: two decoders, or one decoder in most looks at the photo."""
    if len({read.decoder for read in group}) >= 2:
        return True
    looked = sum(1 for region in shown if region.overlaps(group[0].box))
    return looked > 1 and len({read.variant for read in group}) >= SINGLE_DECODER_SHARE * looked


def rivals_of(code: str, groups: dict[str, list[Read]]) -> dict[str, list[Read]]:
    """Other codes read at the place where `code` was first read."""
    box = groups[code][0].box
    return {
        other: others
        for other, others in groups.items()
        if other != code and any(read.box.overlaps(box) for read in others)
    }


def summarise(reads: list[Read], shown: list[Box], refused: AbstractSet[str] = frozenset()) -> list[tuple]:
    """(code, symbology, box, decoders, votes, confidence) per code read, most voted first."""
    groups = group_by_code(reads)
    results = []
    for code, group in groups.items():
        box = group[0].box
        confirmed = any(read.decoder == "bars" for read in group)
        confident = is_conclusive(group, shown) and all(
            outweighs(group, rival, settled_by_bars=confirmed and other in refused)
            for other, rival in rivals_of(code, groups).items()
        )
        decoders = tuple(sorted({read.decoder for read in group}))
        results.append(
            (code, group[0].symbology, box, decoders, len(group), Confidence.HIGH if confident else Confidence.LOW)
        )
    return sorted(results, key=lambda found: -found[4])


def outweighs(group: list[Read], rival: list[Read], *, settled_by_bars: bool = False) -> bool:
    """A different code read at the same place vetoes confidence, unless it is a stray (one decoder, at
    most a third of the votes) or one decoder's read that the bars refused where they confirmed the group's."""
    if len({read.decoder for read in rival}) > 1:
        return False
    return settled_by_bars or 3 * len(rival) <= len(group)
