"""Placement and scooter photos: every product code across a shelf, a vehicle's code at an angle."""

import io
import random

import pytest

from fieldtasks.ocr import Hints, extract
from fieldtasks_dev.scenes import shelf_photo, vehicle_photo
from fieldtasks_dev.synthetic import random_label

GTINS = [random_label(random.Random(seed)).gtin for seed in range(6)]


def jpeg(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


@pytest.mark.parametrize("seed", [0, 2])
def test_every_label_across_a_12_mp_shelf_is_read_and_nothing_else_confidently(seed):
    photo = jpeg(shelf_photo(GTINS, random.Random(seed)))
    extraction = extract(photo, Hints(gtins=tuple(GTINS), prices=False, whole_shelf=True))
    confident = {read.gtin for read in extraction.barcodes if read.confidence == "high"}
    assert confident == set(GTINS)
    assert all(read.expected for read in extraction.barcodes if read.confidence == "high")
    assert extraction.codes == () and extraction.shelf_price is None


def test_a_shelf_photo_read_as_a_single_label_photo_misses_small_codes():
    # Why placement asks for the whole shelf: the ordinary path stops at the first conclusive codes and looks
    # at a few regions only. (Six labels are all read either way since the bars confirm small codes: twelve.)
    gtins = [random_label(random.Random(seed)).gtin for seed in range(12)]
    photo = jpeg(shelf_photo(gtins, random.Random(2)))
    whole = extract(photo, Hints(prices=False, whole_shelf=True)).barcodes
    ordinary = extract(photo, Hints(prices=False)).barcodes
    assert len([r for r in ordinary if r.confidence == "high"]) < len([r for r in whole if r.confidence == "high"])


@pytest.mark.parametrize("symbology", ["qr", "code128"])
def test_a_vehicle_code_photographed_at_an_angle_is_read_with_high_confidence(symbology):
    photo = jpeg(vehicle_photo("SCT-0042", random.Random(1), symbology=symbology))
    [read] = extract(photo, Hints(vehicle_codes=("SCT-0042",), prices=False)).codes
    assert (read.text, read.symbology, read.confidence, read.expected) == ("SCT-0042", symbology, "high", True)
    assert read.decoders == ("zbar", "zxing")


def test_another_vehicle_code_is_reported_as_not_expected():
    photo = jpeg(vehicle_photo("SCT-0099", random.Random(2)))
    [read] = extract(photo, Hints(vehicle_codes=("SCT-0042",), prices=False)).codes
    assert (read.text, read.expected) == ("SCT-0099", False)


def test_vehicle_codes_are_looked_for_only_when_the_hints_name_one():
    photo = jpeg(vehicle_photo("SCT-0042", random.Random(1)))
    assert extract(photo, Hints(prices=False)).codes == ()
