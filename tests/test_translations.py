"""The catalogues are complete: every sentence marked in the code has its French, with the same placeholders, and
the compiled .mo files are those of the .po files (scripts/translations.py --check)."""

from __future__ import annotations

import subprocess
import sys

from tests.database import ROOT


def test_every_sentence_has_its_french_and_the_compiled_catalogue_is_current():
    checked = subprocess.run(
        [sys.executable, "scripts/translations.py", "--check"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "every sentence is translated" in checked.stdout
