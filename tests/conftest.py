"""Fixtures: a test database built by the migrations, one rolled-back transaction per test, real Redis."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from redis import Redis
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

from fieldtasks import create_app
from fieldtasks.api.context import EXTENSION
from fieldtasks.config import load_config
from fieldtasks.db import Database
from fieldtasks.resources import Resources
from tests.contract import UNDOCUMENTED, watch_statuses
from tests.database import ROOT, alembic_config, recreate_database
from tests.pgbouncer import pgbouncer
from tests.storage_server import S3Server, s3_server

METRICS_TOKEN = "test-metrics-token-0123456789"
pytest_plugins = ["tests.browser"]  # the live server fixture for browser tests

TABLES = ("refresh_tokens", "users", "organizations", "ledger_accounts", "ledger_transactions")


def _test_database_url() -> str:
    """TEST_DATABASE_URL, or DATABASE_URL's server with a database named <name>_test: never the dev data."""
    if os.environ.get("TEST_DATABASE_URL"):
        return os.environ["TEST_DATABASE_URL"]
    base = os.environ.get("DATABASE_URL")
    if not base:
        pytest.exit("Set DATABASE_URL (or run `make test`, which starts a local PostgreSQL).", returncode=2)
    url = make_url(base)
    return url.set(database=f"{url.database}_test").render_as_string(hide_password=False)


def _test_redis_url() -> str:
    """TEST_REDIS_URL, or REDIS_URL's server with database 15, which the tests flush."""
    if os.environ.get("TEST_REDIS_URL"):
        return os.environ["TEST_REDIS_URL"]
    base = os.environ.get("REDIS_URL")
    if not base:
        pytest.exit("Set REDIS_URL (or run `make test`, which starts a local Redis).", returncode=2)
    return base.rsplit("/", 1)[0] + "/15" if base.count("/") >= 3 else base.rstrip("/") + "/15"


def make_environ(**overrides: str) -> dict[str, str]:
    """The variables a test app is built from."""
    return {
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": _test_redis_url(),
        "STORAGE_DIR": str(ROOT / "var" / "test-storage"),
        "SECRET_KEY": secrets.token_urlsafe(48),
        "PASSWORD_HASH_PROFILE": "fast",
        "LOG_LEVEL": "WARNING",
        "ACCESS_TOKEN_MINUTES": "600",  # long enough for tests that move the clock by hours
        "WEBHOOK_ALLOW_PRIVATE": "true",  # the test receiver listens on 127.0.0.1
        "METRICS_TOKEN": METRICS_TOKEN,
        "CONSOLE_COOKIE_SECURE": "false",  # the test server and browser speak plain HTTP
        "RATE_LIMITS_ENABLED": "false",  # every test signs in; tests/api/test_limits.py turns them on
        **overrides,
    }


@pytest.fixture(scope="session")
def database_url() -> str:
    url = _test_database_url()
    recreate_database(url)
    command.upgrade(alembic_config(url), "head")
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def session_app(engine: Engine, tmp_path_factory: pytest.TempPathFactory):
    app = create_app(make_environ(STORAGE_DIR=str(tmp_path_factory.mktemp("storage"))))
    watch_statuses(app)
    return app


@pytest.fixture(scope="session")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """A real S3-compatible server (`rclone serve s3`); its AWS variables stay set for the session, so that boto3
    finds it, in this process and in the workers tests start."""
    with s3_server(tmp_path_factory.mktemp("s3")) as server, pytest.MonkeyPatch.context() as patch:
        for name, value in server.environ().items():
            patch.setenv(name, value)
        yield server


@pytest.fixture(scope="session")
def s3_session_app(engine: Engine, s3: S3Server):
    """The same app with its photos in a bucket, for the tests marked `both_storages`."""
    app = create_app(make_environ(STORAGE_URL=f"s3://{s3.new_bucket()}/tests"))
    watch_statuses(app)
    return app


@pytest.fixture(scope="session")
def pgbouncer_url(database_url: str) -> Iterator[str]:
    with pgbouncer(database_url) as url:
        yield url


@pytest.fixture(scope="session")
def bounced_session_app(pgbouncer_url: str, tmp_path_factory: pytest.TempPathFactory):
    """The same app reaching PostgreSQL through PgBouncer in transaction pooling mode (tests marked
    `through_pgbouncer`), with a pool smaller than the threads of the concurrency tests."""
    environ = make_environ(DATABASE_URL=pgbouncer_url, STORAGE_DIR=str(tmp_path_factory.mktemp("bounced")))
    app = create_app({**environ, "DB_POOL_SIZE": "4", "DB_MAX_OVERFLOW": "2"})
    watch_statuses(app)
    return app


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test marked `both_storages` runs on a local folder, then on an S3 bucket; one marked `through_pgbouncer`
    runs on a direct connection, then through PgBouncer."""
    if metafunc.definition.get_closest_marker("both_storages") and "storage_backend" in metafunc.fixturenames:
        metafunc.parametrize("storage_backend", ["local", "s3"], indirect=True)
    if metafunc.definition.get_closest_marker("through_pgbouncer") and "database_route" in metafunc.fixturenames:
        metafunc.parametrize("database_route", ["direct", "pgbouncer"], indirect=True)


@pytest.fixture
def storage_backend(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "local")


@pytest.fixture
def database_route(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "direct")


def _session_app(request: pytest.FixtureRequest, backend: str, route: str = "direct"):
    if route == "pgbouncer":
        return request.getfixturevalue("bounced_session_app")
    return request.getfixturevalue("s3_session_app" if backend == "s3" else "session_app")


@pytest.fixture(autouse=True)
def documented_statuses() -> Iterator[None]:
    """Fails a test that received a status its operation does not document (see tests/contract.py)."""
    UNDOCUMENTED.clear()
    yield
    assert not UNDOCUMENTED, "\n".join(sorted(set(UNDOCUMENTED)))


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection whose transaction is rolled back after the test, whatever the app committed."""
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


class Clock:
    """The app's clock, moved by hand: tests of expiry wait for nothing."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(request, storage_backend: str, connection: Connection, clock: Clock, monkeypatch: pytest.MonkeyPatch):
    """The app, with every unit of work inside this test's rolled-back transaction."""
    session_app = _session_app(request, storage_backend)
    res: Resources = session_app.extensions[EXTENSION]
    monkeypatch.setattr(res, "database", Database(connection))
    monkeypatch.setattr(res, "clock", clock)
    return session_app


@pytest.fixture
def committing_app(
    request, storage_backend: str, database_route: str, engine: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
):
    """The app on the real engine, for tests of concurrent transactions; tables are emptied after."""
    session_app = _session_app(request, storage_backend, database_route)
    monkeypatch.setattr(session_app.extensions[EXTENSION], "clock", clock)
    yield session_app
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(TABLES)} CASCADE"))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def redis() -> Iterator[Redis]:
    client = Redis.from_url(_test_redis_url())
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def config():
    return load_config(make_environ())


@pytest.fixture
def staff(app):
    """Creates a moderator or admin the way the CLI does, and returns its email."""
    from fieldtasks.services import accounts
    from tests.helpers import PASSWORD, unique_email

    def make(role: str) -> str:
        res: Resources = app.extensions[EXTENSION]
        email = unique_email(role)
        with res.database.unit_of_work() as session:
            accounts.create_staff_user(
                session, email=email, password=PASSWORD, display_name=role.title(), role=role, passwords=res.passwords
            )
        return email

    return make
