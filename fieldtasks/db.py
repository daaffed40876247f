"""Database engine and the unit of work every entrypoint opens around one use case."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from fieldtasks.config import Config
from fieldtasks.errors import DomainError


def make_engine(config: Config) -> Engine:
    """An engine that fails fast when the server is unreachable instead of hanging a request, and holds at most
    DB_POOL_SIZE + DB_MAX_OVERFLOW connections (README, "How it scales out": the connection budget)."""
    return create_engine(
        config.database_url,
        pool_pre_ping=True,
        pool_size=config.db_pool_size,
        max_overflow=config.db_max_overflow,
        pool_timeout=config.db_pool_timeout_s,
        connect_args={"connect_timeout": 3, "application_name": "fieldtasks"},
    )


class Database:
    """Owns the session factory; `unit_of_work()` commits on success and rolls back on any error."""

    def __init__(self, bind: Engine | Connection):
        # Bound to a Connection, every unit of work runs inside that connection's transaction
        # and its commit only releases a savepoint: how tests roll everything back.
        self._bind = bind
        self._sessions = sessionmaker(bind=bind, expire_on_commit=False, join_transaction_mode="create_savepoint")

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction: commit when the block ends normally, roll back otherwise.

        A DomainError with `keeps_changes` (a refused check-in, say) is raised after committing,
        so that the record of the refusal survives it.
        """
        with self._sessions() as session:
            try:
                yield session
                session.commit()
            except DomainError as error:
                session.commit() if error.keeps_changes else session.rollback()
                raise
            except BaseException:
                session.rollback()
                raise

    def ping(self) -> None:
        """Raise if the database cannot answer a trivial query."""
        with self._sessions() as session:
            session.execute(text("SELECT 1"))

    def dispose(self) -> None:
        """Close pooled connections (end of a command-line run)."""
        if isinstance(self._bind, Engine):
            self._bind.dispose()
