"""The synthetic label generator: same seed, same photos; every label carries what truth.csv says."""

import csv
import io
import random

from fieldtasks.ocr import Hints, extract
from fieldtasks.ocr.codes import canonical_gtin
from fieldtasks_dev.synthetic import main as synthesize
from fieldtasks_dev.synthetic import random_label, render_label


def test_same_seed_same_set_and_a_readable_label(tmp_path):
    for folder in ("a", "b"):
        assert synthesize([str(tmp_path / folder), "--count", "2", "--seed", "3", "--size", "2000x1500"]) == 0
    first, second = (sorted((tmp_path / f).glob("*.jpg")) for f in ("a", "b"))
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    with (tmp_path / "a" / "truth.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["file"] for row in rows] == ["synthetic_0000.jpg", "synthetic_0001.jpg"]
    assert all(canonical_gtin(row["gtin"], "ean13") and float(row["price"]) > 0 for row in rows)


def test_a_rendered_label_shows_its_price_and_its_code():
    rng = random.Random(11)
    label = random_label(rng)
    buffer = io.BytesIO()
    render_label(label, rng).save(buffer, "PNG")
    extraction = extract(buffer.getvalue(), Hints(currency="EUR"))
    assert label.gtin in [read.gtin for read in extraction.barcodes]
    assert extraction.shelf_price is not None and extraction.shelf_price.amount_cents == label.price_cents


def test_the_unseen_styles_are_named_by_style_and_their_prices_are_read_or_honestly_doubted(tmp_path):
    assert synthesize([str(tmp_path), "--count", "6", "--seed", "5", "--styles", "unseen", "--size", "1600x1200"]) == 0
    with (tmp_path / "truth.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 6
    assert all(row["file"].startswith("unseen-") and (tmp_path / row["file"]).is_file() for row in rows)
    for row in rows:
        extraction = extract((tmp_path / row["file"]).read_bytes(), Hints(currency="EUR"))
        shelf = extraction.shelf_price
        if shelf is not None and shelf.confidence == "high":  # sure means right, in any style
            assert shelf.amount_cents == round(float(row["price"]) * 100), row
