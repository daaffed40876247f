"""The schema is made by the migrations, undone by them, and matches the models."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from geoalchemy2 import alembic_helpers
from sqlalchemy import create_engine, inspect, text
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
