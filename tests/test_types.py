"""The typed core type-checks: states are enums, extraction results frozen dataclasses (pyproject's [tool.mypy])."""

import subprocess
import sys

from tests.database import ROOT


def test_the_models_states_and_extraction_results_type_check():
    checked = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Success: no issues found" in checked.stdout
