"""Creating and migrating throw-away databases, for the tests and the benchmarks."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config as AlembicConfig
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent


def recreate_database(url: str) -> None:
    """Drop and create the database `url` names, through the server's maintenance database."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def alembic_config(url: str) -> AlembicConfig:
    config = AlembicConfig(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


def explain(connection, statement, params: dict, options: str = "") -> str:
    """The plan of `statement` exactly as the application sends it (captured, then EXPLAINed)."""
    from sqlalchemy import event

    captured: list[str] = []

    def capture(conn, cursor, sql, parameters, context, executemany):
        captured.append(cursor.mogrify(sql, parameters).decode())

    event.listen(connection, "before_cursor_execute", capture)
    try:
        connection.execute(statement, params).all()
    finally:
        event.remove(connection, "before_cursor_execute", capture)
    return "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {options} {captured[-1]}"))
