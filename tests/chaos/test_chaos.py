"""The chaos run (bench/chaos.py) as part of the suite: workers killed, Redis flushed and restarted.

90 items, not the bench's 300: every kill, flush and restart happens in the first minute of processing, while
most photos are still unread (a run of 90 had 72 of them unread at 60 s), so the suite sees the same chaos; more
items only make it longer (the extraction of a photo costs about 1.8 s of CPU: 150 items took 3.3 minutes).
"""

import os
import subprocess
import sys

import pytest

from tests.conftest import make_environ
from tests.database import ROOT


@pytest.mark.chaos
@pytest.mark.slow
def test_every_item_is_settled_and_paid_exactly_once_through_kills_flushes_and_a_restart():
    env = {**os.environ, "DATABASE_URL": make_environ()["DATABASE_URL"]}
    result = subprocess.run(
        [sys.executable, "-m", "bench.chaos", "--items", "90"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    summary = result.stdout[result.stdout.find("chaos run summary") :]
    assert result.returncode == 0, summary + result.stderr[-3000:]
    assert "double payments: 0, missing payments: 0, ledger check findings: 0" in summary
    assert "result: PASS" in summary
