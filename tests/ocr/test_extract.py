"""extract() on real photos from the labelled set, and on broken input; evaluate's smoke run."""

import csv
import io
import json
import random
import shutil
from pathlib import Path

import pytest
from PIL import Image

from fieldtasks.ocr import Hints, UnreadablePhotoError, extract
from fieldtasks_dev.evaluate import main as evaluate
from fieldtasks_dev.synthetic import Label, careful_photograph, render_label
from tests.shared_data import BARCODES, PRICE_TAGS, shared_file


def photo(name: str) -> bytes:
    return shared_file(BARCODES, name).read_bytes()


def test_the_labelled_set_is_there():
    assert shared_file(BARCODES, "truth.csv").is_file(), f"expected the shared data set at {BARCODES}"


def test_a_clear_ean13_is_read_with_high_confidence_by_both_decoders():
    extraction = extract(photo("ean13-3_01.png"), Hints(gtins=("9780764544200",)))
    [read] = extraction.barcodes
    assert (read.gtin, read.symbology, read.confidence, read.expected) == ("9780764544200", "ean13", "high", True)
    assert read.decoders == ("zbar", "zxing", "digits")  # the 13 digits printed under the bars, read as text
    assert read.box is not None and read.box.width > 50
    assert extraction.engines["pyzbar"] and extraction.timings_ms["barcodes_ms"] >= 0


def test_upce_is_reported_as_its_expanded_gtin():
    assert "0049000006346" in [read.gtin for read in extract(photo("upce-2_12.png")).barcodes]


def test_a_code_outside_the_hints_is_reported_not_swapped():
    [read] = extract(photo("ean13-3_01.png"), Hints(gtins=("3017620422003",))).barcodes
    assert read.gtin == "9780764544200" and read.expected is False


def test_a_misread_that_only_one_decoder_makes_in_some_looks_is_not_confident():
    # zbar reads 0022121000066 from this photo of 012546619592 in a few variants; zxing never does.
    reads = {read.gtin: read.confidence for read in extract(photo("upca-2_38.png")).barcodes}
    assert reads.get("0022121000066") in (None, "low")


def test_a_blurred_code_one_decoder_reads_is_confirmed_by_its_bars_over_a_rivals_misread():
    # Only zxing reads 012546619592 (zbar reads its phantom at the same place): the bars settle it.
    reads = {read.gtin: read for read in extract(photo("upca-2_38.png")).barcodes}
    truth = reads["0012546619592"]
    assert truth.confidence == "high" and "bars" in truth.decoders


def test_a_blurred_upce_is_confirmed_by_its_bars():
    reads = {read.gtin: read for read in extract(photo("upce-2_20.png")).barcodes}
    assert reads["0041244000098"].confidence == "high" and "bars" in reads["0041244000098"].decoders
    assert all(read.confidence == "low" for gtin, read in reads.items() if gtin != "0041244000098")


def test_a_rotated_photo_is_still_read():
    image = Image.open(io.BytesIO(photo("ean13-3_01.png"))).rotate(30, expand=True, fillcolor=255)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    assert "9780764544200" in [read.gtin for read in extract(buffer.getvalue()).barcodes]


@pytest.fixture(scope="module")
def coffee_label() -> bytes:
    """A paper label: 3,99 € for 250 g, soit 15,96 € / kg, photographed straight on."""
    rng = random.Random(3)
    label = Label("Café moulu", 399, 1596, "kg", "3017620422003", "paper", None)
    buffer = io.BytesIO()
    careful_photograph(render_label(label, rng), rng, (1600, 1200)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def test_the_unit_price_times_the_net_quantity_confirms_the_price(coffee_label):
    found = extract(coffee_label, Hints(net_quantity=0.25, net_unit="kg"))
    assert found.price_check == "agrees"
    assert (found.shelf_price.amount_cents, found.shelf_price.confidence) == (399, "high")
    assert (found.unit_price.amount_cents, found.unit_price.confidence) == (1596, "high")


def test_a_label_whose_numbers_disagree_with_the_quantity_is_not_confident(coffee_label):
    found = extract(coffee_label, Hints(net_quantity=0.5, net_unit="kg"))
    assert found.price_check == "disagrees" and found.shelf_price.confidence == "low"


def test_no_check_without_a_quantity_in_the_unit_price_unit_or_on_another_products_label(coffee_label):
    another = Hints(gtins=("3608580758686",), net_quantity=0.5, net_unit="kg")  # its quantity is not this label's
    for hints in (Hints(), Hints(net_quantity=0.25, net_unit="l"), another):
        found = extract(coffee_label, hints)
        assert found.price_check is None and found.shelf_price.confidence == "high"
        assert found.unit_price.confidence == "low"  # small print alone is never sure


def test_a_promotion_printed_white_on_red_is_read_and_none_is_invented(coffee_label):
    rng = random.Random(4)
    label = Label("Café moulu", 299, 1196, "kg", "3017620422003", "paper", 429)  # -30% on a red badge
    buffer = io.BytesIO()
    careful_photograph(render_label(label, rng), rng, (1600, 1200)).save(buffer, "JPEG", quality=90)
    assert extract(buffer.getvalue()).promotion_percent == 30
    assert extract(coffee_label).promotion_percent is None


@pytest.mark.parametrize("seed", [2, 3, 7])
def test_the_unit_price_is_read_apart_from_the_price_beside_it(seed):
    # On these electronic labels, Tesseract read the unit price line together with the big price's digits.
    label = Label("Jus d'orange", 2193, 1462, "l", "3881984132119", "electronic", None)
    rng = random.Random(seed)
    buffer = io.BytesIO()
    careful_photograph(render_label(label, rng), rng, (1600, 1200)).save(buffer, "JPEG", quality=90)
    extraction = extract(buffer.getvalue())
    assert extraction.shelf_price.amount_cents == 2193
    assert (extraction.unit_price.amount_cents, extraction.unit_price.unit) == (1462, "l")


def test_a_price_printed_on_one_line_is_read():
    rng = random.Random(5)
    label = Label("Café moulu", 1249, 4996, "kg", "3017620422003", "paper", None)
    buffer = io.BytesIO()
    careful_photograph(render_label(label, rng, "one_line"), rng, (1600, 1200)).save(buffer, "JPEG", quality=90)
    price = extract(buffer.getvalue()).shelf_price
    assert (price.amount_cents, price.confidence) == (1249, "high")


@pytest.mark.parametrize("data", [b"", b"not an image at all", "a photo cut short"])
def test_corrupt_or_truncated_input_raises_a_clear_error(data):
    data = photo("ean13-3_01.png")[:200] if data == "a photo cut short" else data
    with pytest.raises(UnreadablePhotoError, match="cannot decode the photo"):
        extract(data)


def labelled_rows(folder: Path) -> list[dict[str, str]]:
    with shared_file(folder, "truth.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def evaluate_subset(folder: Path, rows: list[dict[str, str]], tmp_path: Path, capsys) -> dict:
    """The evaluator's JSON summary of these rows of a labelled folder, copied apart."""
    for row in rows:
        shutil.copy(folder / row["file"], tmp_path / row["file"])
    with (tmp_path / "truth.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert evaluate([str(tmp_path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_evaluate_smoke_run(tmp_path, capsys):
    summary = evaluate_subset(BARCODES, labelled_rows(BARCODES)[:3], tmp_path, capsys)
    assert summary["n"] == 3 and summary["barcode_read_rate"] == 1.0 and summary["barcode_wrong_rate"] == 0.0


def test_evaluate_prices_smoke_run_reports_each_design_and_the_typed_price_rates(tmp_path, capsys):
    prices = PRICE_TAGS
    rows = labelled_rows(prices)
    rows = [next(r for r in rows if r["file"].startswith(design)) for design in ("coop_", "rema1000_")]
    summary = evaluate_subset(prices, rows, tmp_path, capsys)
    assert set(summary["by_design"]) == {"coop", "rema1000"}
    for figures in (summary, *summary["by_design"].values()):
        assert figures["price_wrong_rate"] == 0.0 and figures["false_confirm_rate"] <= 0.005
        assert 0 <= figures["price_auto_rate"] <= figures["price_found_rate"] <= 1
    assert summary["confirm_rate"] >= 0.5 and summary["cpu_ratio"] > 0 and summary["neural_start_ms"] > 0
    assert "price_exact_rate" not in summary


@pytest.mark.parametrize("angle", [25, 60, 135])
def test_a_small_turned_barcode_in_a_large_photo_is_read_for_sure_around_its_region(angle):
    # zbar alone reads it, in a region turned upright; the bars, sampled along zbar's reading, confirm it.
    code = Image.open(io.BytesIO(photo("ean13-3_01.png"))).convert("RGB").rotate(angle, expand=True, fillcolor="white")
    scene = Image.new("RGB", (3000, 2000), (200, 190, 180))
    scene.paste(code, (2100, 400))
    buffer = io.BytesIO()
    scene.save(buffer, "JPEG", quality=92)
    extraction = extract(buffer.getvalue())
    assert (extraction.width, extraction.height) == (3000, 2000)
    [read] = [read for read in extraction.barcodes if read.gtin == "9780764544200"]
    assert 2050 <= read.box.left <= 2100 + code.width and 350 <= read.box.top <= 400 + code.height
    assert read.confidence == "high"
    assert all(other.confidence == "low" for other in extraction.barcodes if other.gtin != read.gtin)


@pytest.mark.slow
def test_boxes_are_in_the_coordinates_of_the_full_photo():
    code = Image.open(io.BytesIO(photo("ean13-3_01.png"))).convert("RGB")
    scene = Image.new("RGB", (4000, 3000), "white")
    scene.paste(code.resize((code.width * 4, code.height * 4)), (1500, 1200))
    buffer = io.BytesIO()
    scene.save(buffer, "JPEG", quality=92)
    [read] = extract(buffer.getvalue()).barcodes
    assert read.confidence == "high"
    assert 1500 <= read.box.left < read.box.left + read.box.width <= 1500 + code.width * 4
    assert 1200 <= read.box.top < read.box.top + read.box.height <= 1200 + code.height * 4


def test_a_shelf_label_price_with_raised_cents_is_read():
    extraction = extract(
        shared_file(PRICE_TAGS, "coop_IMG_20171127_182609_-_Copy_-_Copy_-_Copy.jpg").read_bytes(), Hints(currency="NOK")
    )
    assert extraction.shelf_price is not None
    assert (extraction.shelf_price.amount_cents, extraction.shelf_price.currency) == (5190, "NOK")
    assert extraction.shelf_price.confidence == "high"
    assert extraction.timings_ms["prices_ms"] > 0 and extraction.engines["tesseract"] != "missing"


def test_a_photo_without_a_price_has_no_confident_price():
    extraction = extract(photo("ean13-3_01.png"))
    assert extraction.shelf_price is None or extraction.shelf_price.confidence == "low"


def test_the_extraction_package_is_pure():
    import subprocess
    import sys

    code = "import sys, fieldtasks.ocr; print(sorted({'flask', 'sqlalchemy', 'rq', 'redis'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
