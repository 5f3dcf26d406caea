"""The SQLAlchemy store, for SQLite and PostgreSQL alike: the engine, its
connections and transactions. What the store does is split by purpose:
:mod:`~dossier.store.writing` (documents in, entities resolved by
:mod:`~dossier.store.resolution`, corrections), :mod:`~dossier.store.reading`
(profiles, assertions, graph edges, counts), :mod:`~dossier.store.search`
(full text) and :mod:`~dossier.store.feeds` (feed items already met). Every
query is built with SQLAlchemy expressions and bound parameters; article text
never becomes SQL.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from dossier.errors import StorageError
from dossier.store import migrations
from dossier.store.feeds import FeedItems
from dossier.store.reading import Reading
from dossier.store.search import Searching
from dossier.store.stix_ids import StixIds
from dossier.store.writing import Writing


SQLITE_BUSY_MS = 60_000
"""How long a SQLite writer waits for another's transaction before giving up."""
WRITER_LOCK = 0x646F7373  # PostgreSQL advisory lock key ("doss")


def _one_writer(conn: Connection) -> None:
    """Hold this transaction until no other writer's is open, as SQLite's database
    lock does: resolution reads then writes, so two PostgreSQL transactions at once
    would each create the same new entity. A no-op on SQLite."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(WRITER_LOCK)))


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")  # first: WAL may wait for a lock
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    # Transactions are begun by _sqlite_begin below, not by the driver.
    dbapi_conn.isolation_level = None


def _sqlite_begin(conn: Connection) -> None:
    """Writers begin IMMEDIATE: they take the write lock up front, waiting up to
    the busy timeout, instead of reading first and failing with "database is
    locked" when another writer got there in between. Readers begin deferred."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("writing")
                         else "BEGIN")


class SQLStore(Writing, Reading, Searching, FeedItems, StixIds):
    """A :class:`~dossier.store.base.Store` over any SQLAlchemy URL: the engine and
    its transactions here; writing, reading and search in their own modules."""

    def __init__(self, url: str):
        self.url = url
        try:
            self.engine: Engine = create_engine(url, future=True)
            if self.engine.dialect.name == "sqlite":
                event.listen(self.engine, "connect", _sqlite_pragmas)
                event.listen(self.engine, "begin", _sqlite_begin)
            with self._writing() as conn:
                migrations.migrate(conn)
        except SQLAlchemyError as exc:
            raise StorageError(f"cannot open store {self._safe_url()}: {exc.orig or exc}") from exc

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction: the write lock taken first (SQLite: BEGIN
        IMMEDIATE; PostgreSQL: an advisory lock), committed on success."""
        with self.engine.connect().execution_options(writing=True) as conn, conn.begin():
            _one_writer(conn)
            yield conn

    def _safe_url(self) -> str:
        try:
            return self.engine.url.render_as_string(hide_password=True)
        except AttributeError:
            return self.url.split("@")[-1]

    def close(self) -> None:
        self.engine.dispose()

    def _text_order(self, column):
        """``column`` to sort by code point, as SQLite compares text, whatever the
        PostgreSQL database's collation (so both backends list in one order)."""
        return column.collate("C") if self.engine.dialect.name == "postgresql" else column
