"""The schema is made by the migrations, undone by them, and matches the models."""

import re

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from geoalchemy2 import alembic_helpers
from sqlalchemy import CheckConstraint, create_engine, inspect, text
from sqlalchemy.engine import make_url

from fieldtasks.models import Base
from tests.database import alembic_config, recreate_database


def test_upgrade_then_downgrade_to_base_on_an_empty_database(database_url):
    url = make_url(database_url).set(database=make_url(database_url).database + "_migrations")
    url = url.render_as_string(hide_password=False)
    recreate_database(url)
    config = alembic_config(url)
    engine = create_engine(url)
    try:
        command.upgrade(config, "head")
        with engine.connect() as connection:
            assert {"organizations", "users", "refresh_tokens"} <= set(inspect(connection).get_table_names())
            assert connection.scalar(text("SELECT postgis_lib_version()"))
        command.downgrade(config, "base")
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) == {"alembic_version"}
            assert connection.scalar(text("SELECT count(*) FROM pg_extension WHERE extname = 'postgis'")) == 0
        command.upgrade(config, "head")
    finally:
        engine.dispose()


def test_models_match_the_migrated_schema(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": alembic_helpers.include_object, "compare_type": True}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_every_state_the_models_declare_is_the_one_the_database_allows(engine):
    """The states are said once, in the models' StrEnums (`one_of`): each such CHECK constraint in the migrated
    schema allows exactly the enum's values."""
    declared = {
        (table.name, constraint.name): set(re.findall(r"'([a-z_]+)'", str(constraint.sqltext)))
        for table in Base.metadata.tables.values()
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint) and re.fullmatch(r"\w+ IN \(.*\)", str(constraint.sqltext))
    }
    query = text(
        "SELECT rel.relname, con.conname, pg_get_constraintdef(con.oid) FROM pg_constraint con"
        " JOIN pg_class rel ON rel.oid = con.conrelid WHERE con.contype = 'c'"
    )
    with engine.connect() as connection:
        migrated = {(table, name): definition for table, name, definition in connection.execute(query)}
    assert len(declared) >= 20
    for (table, name), values in declared.items():
        assert (table, name) in migrated, f"{table}.{name} is declared by a model, not made by a migration"
        assert set(re.findall(r"'([a-z_]+)'", migrated[table, name])) == values, (table, name)
