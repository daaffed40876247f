"""An Extraction stored as JSON comes back as the same frozen value, enums and boxes included."""

import io
import json
import random

from fieldtasks.ocr import Hints, extract
from fieldtasks.ocr.stored import from_json, to_json
from fieldtasks.ocr.types import Confidence, TypedPrice
from fieldtasks_dev.synthetic import random_label, render_label


def test_a_real_extraction_survives_the_database_round_trip():
    rng = random.Random(11)
    label = random_label(rng)
    buffer = io.BytesIO()
    render_label(label, rng).save(buffer, "PNG")
    hints = Hints(gtins=(label.gtin,), typed_price_cents=label.price_cents, net_quantity=0.5, net_unit="kg")
    extraction = extract(buffer.getvalue(), hints)
    assert extraction.barcodes and extraction.shelf_price and extraction.typed_price and extraction.text_lines
    stored = json.loads(json.dumps(to_json(extraction)))
    again = from_json(stored)
    assert again == extraction
    assert again.shelf_price.confidence is Confidence.HIGH and again.typed_price.outcome is TypedPrice.CONFIRMED
    assert isinstance(again.barcodes, tuple) and again.barcodes[0].box == extraction.barcodes[0].box


def test_a_result_stored_before_later_fields_existed_takes_their_defaults():
    older = {"barcodes": [], "prices": [], "shelf_price": None, "width": 640, "height": 480}
    again = from_json(older)
    assert again.codes == () and again.text_lines == () and again.typed_price is None and again.price_check is None
