"""Named, recorded schema migrations. Each runs once per database, in order.

A migration is a function of a SQLAlchemy connection; its name is recorded in
``schema_migrations`` when it has run. Add new ones at the end; never edit one
that has shipped.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy import Connection, inspect, select, text

from dossier.store import schema

MIGRATIONS: list[tuple[str, Callable[[Connection], None]]] = []


def migration(name: str):
    """Register ``fn`` as the migration called ``name``."""
    def register(fn: Callable[[Connection], None]):
        MIGRATIONS.append((name, fn))
        return fn
    return register


@migration("0001_initial")
def _initial(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[
        schema.documents, schema.entities, schema.aliases, schema.mentions,
        schema.assertions, schema.sources, schema.failures])


@migration("0002_user_corrections")
def _corrections(conn: Connection) -> None:
    columns = {c["name"] for c in inspect(conn).get_columns("entities")}
    if "merged_into" not in columns:
        conn.execute(text("ALTER TABLE entities ADD COLUMN merged_into INTEGER"))
    schema.corrections.create(conn, checkfirst=True)


FTS_STATEMENTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5("
    "text, content='documents', content_rowid='rowid')",
    "CREATE TRIGGER IF NOT EXISTS documents_fts_insert AFTER INSERT ON documents BEGIN "
    "INSERT INTO documents_fts(rowid, text) VALUES (new.rowid, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS documents_fts_delete AFTER DELETE ON documents BEGIN "
    "INSERT INTO documents_fts(documents_fts, rowid, text) VALUES('delete', old.rowid, old.text);"
    " END",
    "CREATE TRIGGER IF NOT EXISTS documents_fts_update AFTER UPDATE OF text ON documents BEGIN "
    "INSERT INTO documents_fts(documents_fts, rowid, text) VALUES('delete', old.rowid, old.text);"
    " INSERT INTO documents_fts(rowid, text) VALUES (new.rowid, new.text); END",
    "INSERT INTO documents_fts(documents_fts) VALUES('rebuild')",
)


@migration("0003_full_text_search")
def _full_text(conn: Connection) -> None:
    """SQLite: an FTS5 index over the cleaned text, kept in step by triggers.
    Other databases search with their own full-text functions (no table needed)."""
    if conn.dialect.name != "sqlite":
        return
    for statement in FTS_STATEMENTS:
        conn.exec_driver_sql(statement)


def applied(conn: Connection) -> list[str]:
    """Names of the migrations this database has run."""
    if not inspect(conn).has_table("schema_migrations"):
        return []
    return [r[0] for r in conn.execute(select(schema.schema_migrations.c.name))]


def migrate(conn: Connection) -> list[str]:
    """Run the migrations not yet applied; return their names."""
    schema.schema_migrations.create(conn, checkfirst=True)
    done = set(applied(conn))
    ran = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        fn(conn)
        conn.execute(schema.schema_migrations.insert().values(
            name=name, applied_at=datetime.now(timezone.utc)))
        ran.append(name)
    return ran


def version() -> str:
    """The newest migration this code knows."""
    return MIGRATIONS[-1][0]
