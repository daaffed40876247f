"""The labelled photos beside the checkout (`../shared/data`): a test that needs them skips, saying where it looked,
when they are not there (a clone without `../shared`), instead of stopping the whole run at collection."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.database import ROOT

DATA = ROOT.parent / "shared" / "data"
BARCODES = DATA / "barcodes-dev"
PRICE_TAGS = DATA / "price-tags-dev"


def shared_file(folder: Path, name: str) -> Path:
    """A labelled photo (or truth.csv); skips the test when the labelled data is not beside the checkout."""
    if not folder.is_dir():
        pytest.skip(f"the labelled data is not at {folder}: clone ../shared beside this checkout")
    return folder / name
