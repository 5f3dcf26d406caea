"""Named, recorded schema migrations. Each runs once per database, in order.

A migration is a function of a SQLAlchemy connection; its name is recorded in
``schema_migrations`` when it has run. Add new ones at the end; never edit one
that has shipped.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy import Connection, and_, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

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


# PostgreSQL searches words as SQLite's FTS5 tokenizer sees them: runs of letters
# and digits (punctuation apart, so "al-Shabaab" is "al shabaab"), case and, when
# the unaccent extension can be had, accents folded. Queries must use the same
# expression for the index to serve them.
PG_SEARCH_CONFIG = "dossier_search"
PG_WORD_TOKENS = "word, hword, hword_part, numword, numhword, hword_numpart"


def pg_words(expression: str) -> str:
    """SQL for the words of ``expression``: each run of other characters a space."""
    return f"regexp_replace({expression}, '[^[:alnum:]]+', ' ', 'g')"


def pg_search_vector(column: str = "text") -> str:
    """SQL for the indexed text search vector of the documents' ``column``."""
    return f"to_tsvector('{PG_SEARCH_CONFIG}', {pg_words(column)})"


@migration("0004_postgresql_full_text_search")
def _pg_full_text(conn: Connection) -> None:
    """PostgreSQL: a text search configuration of its own and a GIN index over the
    cleaned text's words (SQLite has its FTS5 table from 0003)."""
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(f"CREATE TEXT SEARCH CONFIGURATION {PG_SEARCH_CONFIG} (COPY = simple)")
    try:
        with conn.begin_nested():
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
            conn.exec_driver_sql(f"ALTER TEXT SEARCH CONFIGURATION {PG_SEARCH_CONFIG} "
                                 f"ALTER MAPPING FOR {PG_WORD_TOKENS} WITH unaccent, simple")
    except SQLAlchemyError:
        pass  # no unaccent here: accents then count, as in the 'simple' configuration
    conn.exec_driver_sql(f"CREATE INDEX ix_documents_text_search ON documents "
                         f"USING gin ({pg_search_vector()})")


@migration("0005_scale_indexes")
def _scale(conn: Connection) -> None:
    """Indexes that keep resolution and profiles as fast in a million documents as
    in a hundred: resolution keys on aliases, the acronyms of entity names, every
    actor of an event, lookups by object and by source document, and mentions
    by entity covering what a profile reads."""
    columns = {c["name"] for c in inspect(conn).get_columns("aliases")}
    for column in ("block", "last_word"):
        if column not in columns:
            conn.execute(text(f"ALTER TABLE aliases ADD COLUMN {column} TEXT"))
    for table in (schema.event_actors, schema.name_acronyms):
        table.create(conn, checkfirst=True)
    existing = {i["name"] for t in ("aliases", "assertions", "sources", "mentions")
                for i in inspect(conn).get_indexes(t)}
    if "ix_mentions_entity" in existing:  # replaced by a covering index
        conn.execute(text("DROP INDEX ix_mentions_entity"))
    for table in (schema.aliases, schema.assertions, schema.sources, schema.mentions):
        for index in table.indexes:
            if index.name not in existing:
                index.create(conn)
    _backfill_resolution_keys(conn)


def _backfill_resolution_keys(conn: Connection) -> None:
    from dossier import vocabulary
    from dossier.resolve import alias_index_keys, name_acronyms

    aliases, entities = schema.aliases, schema.entities
    rows = conn.execute(select(aliases.c.entity_id, aliases.c.alias, aliases.c.alias_key)
                        .where(aliases.c.block.is_(None))).all()
    for r in rows:
        conn.execute(aliases.update().where(and_(aliases.c.entity_id == r.entity_id,
                                                 aliases.c.alias == r.alias))
                     .values(**alias_index_keys(r.alias_key)))
    shapes = vocabulary.load().shapes
    acronyms = [{"entity_id": r.id, "kind": kind, "acronym": acronym}
                for r in conn.execute(select(entities.c.id, entities.c.name)).all()
                for kind, acronym in sorted(name_acronyms(r.name, shapes))]
    if acronyms:
        conn.execute(schema.name_acronyms.insert(), acronyms)
    actors = {(r.id, actor) for r in conn.execute(
        select(schema.assertions.c.id, schema.assertions.c.value)
        .where(schema.assertions.c.kind == "event")).all()
        for actor in (r.value or {}).get("actors", [])}
    if actors:
        conn.execute(schema.event_actors.insert(),
                     [{"assertion_id": a, "entity_id": e} for a, e in sorted(actors)])


@migration("0006_source_producer")
def _source_producer(conn: Connection) -> None:
    """Each source says which rule or model produced its assertion."""
    columns = {c["name"] for c in inspect(conn).get_columns("sources")}
    if "produced_by" not in columns:
        conn.execute(text("ALTER TABLE sources ADD COLUMN produced_by VARCHAR(80)"))


@migration("0007_honest_report_time")
def _honest_report_time(conn: Connection) -> None:
    """An unknown publication date stays unknown: sources that were dated by the
    day they were stored become undated (``dossier reprocess`` estimates a date
    from each text), and a document keeps an estimate apart from its
    publication date."""
    columns = {c["name"] for c in inspect(conn).get_columns("documents")}
    if "published_estimate" not in columns:
        conn.execute(text("ALTER TABLE documents ADD COLUMN published_estimate VARCHAR(10)"))
    columns = {c["name"] for c in inspect(conn).get_columns("sources")}
    if "report_time_estimated" not in columns:
        conn.execute(text("ALTER TABLE sources ADD COLUMN report_time_estimated BOOLEAN "
                          "NOT NULL DEFAULT FALSE"))
    if "report_time_is_ingest" in columns:
        conn.execute(text("UPDATE sources SET report_time = NULL "
                          "WHERE report_time_is_ingest"))
        conn.execute(text("ALTER TABLE sources DROP COLUMN report_time_is_ingest"))


@migration("0008_person_keys_and_type_votes")
def _person_keys_and_type_votes(conn: Connection) -> None:
    """People's aliases resolve on their names without titles and honorifics
    (their keys are rewritten), and each entity's type is the vote of the
    documents that named it (the votes start from the type it has)."""
    from dossier import vocabulary
    from dossier.resolve import alias_index_keys, alias_key

    shapes = vocabulary.load().shapes
    schema.type_votes.create(conn, checkfirst=True)
    aliases, entities = schema.aliases, schema.entities
    rows = conn.execute(select(aliases.c.entity_id, aliases.c.alias)
                        .join(entities, entities.c.id == aliases.c.entity_id)
                        .where(entities.c.type == "person")).all()
    for r in rows:
        key = alias_key(r.alias, "person", shapes)
        conn.execute(aliases.update().where(and_(aliases.c.entity_id == r.entity_id,
                                                 aliases.c.alias == r.alias))
                     .values(alias_key=key, **alias_index_keys(key)))
    if not conn.execute(select(schema.type_votes.c.entity_id).limit(1)).first():
        conn.execute(schema.type_votes.insert().from_select(
            ["entity_id", "type", "votes"],
            select(entities.c.id, entities.c.type, text("1"))))


@migration("0009_stories")
def _stories(conn: Connection) -> None:
    """Near copies of one story: each document's MinHash signature, its LSH bands,
    and the story it belongs to; stored documents are signed and grouped here."""
    from dossier.store import stories

    columns = {c["name"] for c in inspect(conn).get_columns("documents")}
    if "story_id" not in columns:
        conn.execute(text("ALTER TABLE documents ADD COLUMN story_id VARCHAR(64)"))
    if "signature" not in columns:
        blob = "BYTEA" if conn.dialect.name == "postgresql" else "BLOB"
        conn.execute(text(f"ALTER TABLE documents ADD COLUMN signature {blob}"))
    schema.story_bands.create(conn, checkfirst=True)
    if "ix_documents_story" not in {i["name"] for i in inspect(conn).get_indexes("documents")}:
        conn.execute(text("CREATE INDEX ix_documents_story ON documents (story_id)"))
    documents = schema.documents
    rows = conn.execute(select(documents.c.id, documents.c.text)
                        .where(documents.c.story_id.is_(None))
                        .order_by(documents.c.ingested_at, documents.c.id)).all()
    for r in rows:
        stories.assign(conn, r.id, r.text)


@migration("0010_assertion_identity")
def _assertion_identity(conn: Connection) -> None:
    """Claims, events and quotes become one assertion with many sources, as relations
    are: each assertion gets its identity (stored ones computed here)."""
    from dossier.store.identity import of_row

    columns = {c["name"] for c in inspect(conn).get_columns("assertions")}
    if "identity" not in columns:
        conn.execute(text("ALTER TABLE assertions ADD COLUMN identity VARCHAR(64)"))
    if "ix_assertions_identity" not in {i["name"] for i in
                                        inspect(conn).get_indexes("assertions")}:
        conn.execute(text("CREATE INDEX ix_assertions_identity ON assertions (identity)"))
    assertions = schema.assertions
    for row in conn.execute(select(assertions).where(assertions.c.identity.is_(None))).all():
        conn.execute(assertions.update().where(assertions.c.id == row.id)
                     .values(identity=of_row(row)))


@migration("0011_feed_items")
def _feed_items(conn: Connection) -> None:
    """Feed items met by ``dossier watch``, by GUID and by URL, so that a restarted
    watch neither fetches nor stores an item again."""
    schema.feed_items.create(conn, checkfirst=True)


@migration("0012_statement_rejections")
def _statement_rejections(conn: Connection) -> None:
    """A statement marked wrong is a correction too (``action`` reject), kept by its
    assertion identity and its id at the time; such a row may name no entity, so
    ``entity_id`` and ``other_id`` take NULL."""
    columns = {c["name"]: c for c in inspect(conn).get_columns("corrections")}
    if not columns["entity_id"]["nullable"] or not columns["other_id"]["nullable"]:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE corrections ALTER COLUMN entity_id DROP NOT NULL"))
            conn.execute(text("ALTER TABLE corrections ALTER COLUMN other_id DROP NOT NULL"))
        else:  # SQLite cannot drop a NOT NULL: the table is built again, ids kept
            conn.execute(text("ALTER TABLE corrections RENAME TO corrections_before_0012"))
            schema.corrections.create(conn)
            conn.execute(text(
                "INSERT INTO corrections (id, action, entity_id, other_id, alias_key, note, "
                "undone, created_at) SELECT id, action, entity_id, other_id, alias_key, note, "
                "undone, created_at FROM corrections_before_0012"))
            conn.execute(text("DROP TABLE corrections_before_0012"))
            columns = {c["name"]: c for c in inspect(conn).get_columns("corrections")}
    for column, kind in (("identity", "VARCHAR(64)"), ("assertion_id", "INTEGER")):
        if column not in columns:
            conn.execute(text(f"ALTER TABLE corrections ADD COLUMN {column} {kind}"))
    if "ix_corrections_identity" not in {i["name"] for i in
                                         inspect(conn).get_indexes("corrections")}:
        conn.execute(text("CREATE INDEX ix_corrections_identity ON corrections (identity)"))


@migration("0013_stix_ids")
def _stix_ids(conn: Connection) -> None:
    """The STIX id of each exported object, kept so that every export reuses it (a
    platform importing twice updates its objects instead of duplicating them)."""
    schema.stix_ids.create(conn, checkfirst=True)


def applied(conn: Connection) -> list[str]:
    """Names of the migrations this database has run."""
    if not inspect(conn).has_table("schema_migrations"):
        return []
    return [r[0] for r in conn.execute(select(schema.schema_migrations.c.name)
                                       .order_by(schema.schema_migrations.c.name))]


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
            name=name, applied_at=datetime.now(timezone.utc).replace(tzinfo=None)))
        ran.append(name)
    return ran


def version() -> str:
    """The newest migration this code knows."""
    return MIGRATIONS[-1][0]
