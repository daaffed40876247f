"""worker.py starts an RQ worker on the named queues with the JSON serializer."""

import os
import subprocess
import sys

import pytest

import worker
from tests.conftest import make_environ
from tests.database import ROOT


def run_worker(*args: str, redis_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **make_environ(REDIS_URL=redis_url)}
    return subprocess.run(
        [sys.executable, "worker.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.slow
def test_worker_drains_its_queues_in_burst_mode_and_exits(redis):
    url = make_environ()["REDIS_URL"]
    result = run_worker("--burst", redis_url=url)
    assert result.returncode == 0, result.stderr
    assert "extraction" in result.stderr and "webhooks" in result.stderr


def test_worker_refuses_an_unknown_queue(capsys):
    with pytest.raises(SystemExit) as exited:
        worker.main(["--burst", "nonsense"])  # refused before it reads any configuration
    assert exited.value.code == 2
    assert "unknown queue(s): nonsense" in capsys.readouterr().err
