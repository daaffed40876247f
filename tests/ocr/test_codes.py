"""Canonical GTINs from what scanners report."""

import pytest

from fieldtasks.ocr.codes import canonical_gtin, expand_upce


@pytest.mark.parametrize(
    ("upce", "upca"),
    [
        ("04963406", "049000006346"),  # last digit 0-2: manufacturer ends with it
        ("04124498", "041244000098"),  # last digit 5-9
        ("01234531", "012300000451"),  # last digit 3
        ("01234541", "012340000051"),  # last digit 4
    ],
)
def test_upce_expands_to_its_upca(upce, upca):
    assert expand_upce(upce) == upca


def test_canonical_forms():
    assert canonical_gtin("9780764544200", "ean13") == "9780764544200"
    assert canonical_gtin("890444000335", "upca") == "0890444000335"
    assert canonical_gtin("04963406", "upce") == "0049000006346"
    assert canonical_gtin("12345670", "ean8") == "12345670"


@pytest.mark.parametrize(
    ("data", "symbology"),
    [("9780764544201", "ean13"), ("12345671", "ean8"), ("04963407", "upce"), ("abc", "ean13"), ("2345", "ean13")],
)
def test_bad_check_digits_and_garbage_give_nothing(data, symbology):
    assert canonical_gtin(data, symbology) is None
