"""extract() on real photos from the labelled set, and on broken input; evaluate's smoke run."""

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from fieldtasks.ocr import Hints, UnreadablePhotoError, extract
from fieldtasks.ocr.evaluate import main as evaluate

BARCODES = Path(__file__).resolve().parents[3] / "shared" / "data" / "barcodes-dev"


def photo(name: str) -> bytes:
    return (BARCODES / name).read_bytes()


def test_the_labelled_set_is_there():
    assert (BARCODES / "truth.csv").is_file(), f"expected the shared data set at {BARCODES}"


def test_a_clear_ean13_is_read_with_high_confidence_by_both_decoders():
    extraction = extract(photo("ean13-3_01.png"), Hints(gtins=("9780764544200",)))
    [read] = extraction.barcodes
    assert (read.gtin, read.symbology, read.confidence, read.expected) == ("9780764544200", "ean13", "high", True)
    assert read.decoders == ("zbar", "zxing")
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


def test_a_rotated_photo_is_still_read():
    image = Image.open(io.BytesIO(photo("ean13-3_01.png"))).rotate(30, expand=True, fillcolor=255)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    assert "9780764544200" in [read.gtin for read in extract(buffer.getvalue()).barcodes]


@pytest.mark.parametrize("data", [b"", b"not an image at all", photo("ean13-3_01.png")[:200]])
def test_corrupt_or_truncated_input_raises_a_clear_error(data):
    with pytest.raises(UnreadablePhotoError, match="cannot decode the photo"):
        extract(data)


def test_evaluate_smoke_run(tmp_path, capsys):
    with (BARCODES / "truth.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))[:3]
    for row in rows:
        shutil.copy(BARCODES / row["file"], tmp_path / row["file"])
    with (tmp_path / "truth.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert evaluate([str(tmp_path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["n"] == 3 and summary["barcode_read_rate"] == 1.0 and summary["barcode_wrong_rate"] == 0.0
