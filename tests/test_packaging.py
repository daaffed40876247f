"""requirements.txt alone runs the service: a fresh virtualenv with nothing else imports every module under
`fieldtasks/` and starts `worker.py --help`; the dev tools (`fieldtasks_dev/`) need requirements-dev.txt."""

import shutil
import subprocess
import sys

import pytest

from tests.database import ROOT

IMPORT_ALL = """
import importlib, pkgutil, fieldtasks
names = [m.name for m in pkgutil.walk_packages(fieldtasks.__path__, "fieldtasks.")]
for name in names:
    importlib.import_module(name)
print(len(names))
"""


@pytest.fixture(scope="module")
def runtime_python(tmp_path_factory) -> str:
    uv = shutil.which("uv", path=str(ROOT / ".venv" / "bin")) or shutil.which("uv")
    assert uv, "uv is installed by requirements-dev.txt"
    venv = tmp_path_factory.mktemp("runtime") / "venv"
    subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(venv)], check=True)
    python = str(venv / "bin" / "python")
    install = [uv, "pip", "install", "-q", "--python", python, "-r", str(ROOT / "requirements.txt")]
    subprocess.run(install, check=True, timeout=600)
    return python


def run(python: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([python, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_every_runtime_module_imports_with_requirements_txt_alone(runtime_python):
    result = run(runtime_python, "-c", IMPORT_ALL)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 100
    help_text = run(runtime_python, "worker.py", "--help")
    assert help_text.returncode == 0, help_text.stderr
    assert "--burst" in help_text.stdout


@pytest.mark.slow
def test_the_dev_tools_are_not_part_of_the_runtime(runtime_python):
    result = run(runtime_python, "-c", "import fieldtasks_dev.synthetic")
    assert "No module named 'barcode'" in result.stderr
