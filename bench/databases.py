"""Benchmark databases: named after DATABASE_URL's, with a suffix, so they never touch development data."""

from __future__ import annotations

import os

from sqlalchemy.engine import make_url


def suffixed_url(suffix: str) -> str:
    url = make_url(os.environ["DATABASE_URL"])
    return url.set(database=f"{url.database}_{suffix}").render_as_string(hide_password=False)


def prepare_database(suffix: str) -> str:
    """A fresh, migrated database `<name>_<suffix>`; its URL."""
    from alembic import command

    from tests.database import alembic_config, recreate_database

    url = suffixed_url(suffix)
    recreate_database(url)
    command.upgrade(alembic_config(url), "head")
    return url
