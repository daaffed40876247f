"""What deploy/ holds runs here: each unit's command exists with its options, and the example environment loads."""

from __future__ import annotations

from pathlib import Path

import pytest

import worker
from bench.nodes import DEPLOY, example_environment, unit_command
from fieldtasks.config import load_config
from tests.database import ROOT


def test_the_example_environment_is_a_valid_configuration_with_a_bucket():
    environment = example_environment()
    config = load_config(environment)
    assert config.storage_url.startswith("s3://") and "STORAGE_DIR" not in environment
    assert {"API_BIND", "WEB_CONCURRENCY", "WEB_THREADS"} <= set(environment)


def test_each_unit_runs_an_entrypoint_of_this_checkout(runner, capsys):
    environment = example_environment()
    api = unit_command("fieldtasks-api.service", environment)
    assert Path(api[0]) == ROOT / ".venv" / "bin" / "gunicorn" and Path(api[0]).exists() and api[-1] == "wsgi:app"
    assert api[api.index("--bind") + 1] == environment["API_BIND"]
    python, script, *options = unit_command("fieldtasks-worker@.service", environment)
    assert Path(script) == ROOT / "worker.py" and Path(python).exists()
    with pytest.raises(SystemExit) as exited:
        worker.main([*options, "--help"])
    assert exited.value.code == 0 and "--no-sweep" in capsys.readouterr().out
    *_, group, command, option = unit_command("fieldtasks-sweeper.service", environment)
    result = runner.invoke(args=[group, command, "--help"])
    assert result.exit_code == 0 and option in result.output
    assert sorted(path.name for path in DEPLOY.glob("*.service")) == [
        "fieldtasks-api.service", "fieldtasks-sweeper.service", "fieldtasks-worker@.service",
    ]  # fmt: skip
