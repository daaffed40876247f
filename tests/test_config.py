"""Start-up refuses a missing or malformed configuration with a message naming each variable."""

import dataclasses
import os
import subprocess
import sys

import pytest

from fieldtasks import create_app
from fieldtasks.api.context import EXTENSION
from fieldtasks.config import Config, ConfigError, load_config, markdown_table
from tests.conftest import make_environ
from tests.database import ROOT


def test_missing_variables_are_all_named():
    with pytest.raises(ConfigError) as error:
        create_app({})
    assert set(error.value.problems) == {"DATABASE_URL", "REDIS_URL", "STORAGE_URL", "SECRET_KEY"}
    assert "DATABASE_URL: is missing" in str(error.value)
    assert "STORAGE_URL: is missing (or set STORAGE_DIR to a folder)" in str(error.value)


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("DATABASE_URL", "mysql://u@h/db", "must be a PostgreSQL URL"),
        ("DATABASE_URL", "not a url", "is not a database URL"),
        ("DATABASE_URL", "postgresql://u@h", "names no database"),
        ("REDIS_URL", "http://h:6379/0", "must be a redis://"),
        ("SECRET_KEY", "short", "at least 32 characters"),
        ("DB_POOL_SIZE", "0", "must be positive"),
        ("STORAGE_URL", "photos", "must be file:///a/folder or s3://bucket[/prefix]"),
        ("STORAGE_URL", "s3://", "must be file:///"),
        ("STORAGE_URL", "file://relative/folder", "must be file:///"),
        ("ACCESS_TOKEN_MINUTES", "abc", "must be a whole number"),
        ("ACCESS_TOKEN_MINUTES", "0", "must be positive"),
        ("LOG_LEVEL", "LOUD", "must be DEBUG"),
        ("PASSWORD_HASH_PROFILE", "none", "must be strong"),
        ("MIN_HOURLY_WAGE_CENTS", "1202", "write CUR:cents"),
        ("MIN_HOURLY_WAGE_CENTS", "EUR:-5", "must be positive"),
    ],
)
def test_malformed_variable_is_named_with_its_reason(name, value, reason):
    with pytest.raises(ConfigError) as error:
        load_config(make_environ(**{name: value}))
    assert list(error.value.problems) == [name]
    assert reason in error.value.problems[name]


def test_the_minimum_hourly_rate_is_the_smic_unless_configured_per_currency():
    assert load_config(make_environ()).min_hourly_wage_cents == {"EUR": 1202}
    config = load_config(make_environ(MIN_HOURLY_WAGE_CENTS="EUR:1300, NOK:16000"))
    assert config.min_hourly_wage_cents == {"EUR": 1300, "NOK": 16000}


def test_the_readme_table_is_the_configuration_declared():
    """Each variable is declared once, on its Config field (name, parser, default, meaning): the README's table
    must be exactly the one those declarations make (`python -c 'from fieldtasks.config import markdown_table;
    print(markdown_table())'` prints it)."""
    readme = (ROOT / "README.md").read_text()
    start = readme.index("| variable | required | meaning |")
    assert readme[start : readme.index("\n\n", start)] == markdown_table()


def test_every_declared_variable_is_read_with_its_own_parser():
    fields = {f.metadata["env"]: f for f in dataclasses.fields(Config)}
    assert len(fields) == len(dataclasses.fields(Config)) >= 30  # one variable per field, none shared
    config = load_config(make_environ(CLAIM_LIMIT="7", WEBHOOK_ALLOW_PRIVATE="yes", LOG_LEVEL="debug"))
    assert (config.claim_limit, config.webhook_allow_private, config.log_level) == (7, True, "DEBUG")
    with pytest.raises(ConfigError) as error:
        load_config(make_environ(**{name: "  not a value  " for name in fields if name != "RATE_LIMIT_PREFIX"}))
    assert set(error.value.problems) == set(fields) - {"RATE_LIMIT_PREFIX"}


def test_photos_go_to_storage_url_which_wins_over_storage_dir(tmp_path):
    assert load_config(make_environ(STORAGE_DIR=str(tmp_path / "my photos"))).storage_url == (
        (tmp_path / "my photos").as_uri()  # a folder with a space survives the URL
    )
    both = make_environ(STORAGE_DIR=str(tmp_path), STORAGE_URL="s3://fieldtasks-photos/paris")
    assert load_config(both).storage_url == "s3://fieldtasks-photos/paris"
    app = create_app(make_environ(STORAGE_DIR=str(tmp_path / "my photos")))
    assert app.extensions[EXTENSION].storage.root == tmp_path / "my photos"  # created, and read back from the URL
    assert (tmp_path / "my photos").is_dir()


def test_plain_postgresql_url_gets_the_psycopg2_driver():
    config = load_config(make_environ(DATABASE_URL="postgresql://u:p@db.example:5432/fieldtasks"))
    assert config.database_url == "postgresql+psycopg2://u:p@db.example:5432/fieldtasks"


def test_creating_the_app_connects_to_nothing():
    # Unreachable addresses: building the app must not try them.
    app = create_app(make_environ(DATABASE_URL="postgresql://u@127.0.0.1:1/x", REDIS_URL="redis://127.0.0.1:1/0"))
    assert app.url_map is not None


@pytest.mark.parametrize("entrypoint", [["-c", "import wsgi"], ["worker.py", "--burst"]])
def test_processes_exit_with_the_configuration_message(entrypoint):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "STORAGE_DIR", "STORAGE_URL")
    }
    result = subprocess.run(
        [sys.executable, *entrypoint], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "DATABASE_URL: is missing" in result.stderr
    assert "SECRET_KEY: is missing" in result.stderr
