"""The SQLAlchemy store, for SQLite and PostgreSQL alike.

Writes happen in one transaction per document: a document, its mentions and
entities land together or not at all, so a failure never leaves half a document
and never touches what was stored before. Every query is built with SQLAlchemy
expressions and bound parameters; article text never becomes SQL.

Cross-document entities are resolved here on the way in, in this order: the same
gazetteer id; else the same type and an alias with the same name key; else a new
entity. (User merges and fuzzy matching come with the knowledge-base layer.)
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy import (Integer, Text, and_, or_, case, cast, create_engine, event, func, select, text,
                        tuple_, union_all)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from dossier.provenance import extractor_version
from dossier.schema import load as load_schema
from dossier.errors import StorageError
from dossier.model import CleanText, Document, Entity, Quote, Record
from dossier.store import migrations, resolution, stories
from dossier.store.base import ESTIMATED, UNDATED, DocumentRow, EntityRow
from dossier.store.schema import (aliases, assertions, documents, entities, event_actors,
                                  failures, mentions, sources)
from dossier import vocabulary
from dossier.resolve import person_key
from dossier.vocabulary import name_key


_UPSERTS = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}
"""INSERT ... ON CONFLICT, by dialect."""


SQLITE_BUSY_MS = 60_000
"""How long a SQLite writer waits for another's transaction before giving up."""
IN_CHUNK = 900
"""Most ids bound in one IN (...) list."""


def _chunks(ids: set[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), IN_CHUNK):
        yield ordered[start:start + IN_CHUNK]


CO_MENTION_DOCUMENTS = 250
"""How many of an entity's documents ``co_mentioned`` reads."""


def _report_date():
    """SQL for a document's report date: published, else estimated, else NULL."""
    return func.coalesce(documents.c.published, documents.c.published_estimate)


_DOCUMENT_ROW = (documents.c.id, documents.c.source, documents.c.title, documents.c.published,
                 documents.c.published_estimate, documents.c.ingested_at)
"""The columns a :class:`DocumentRow` is read from."""


def _document_row(r, mentions: int = 0) -> DocumentRow:
    return DocumentRow(r.id, r.source, r.title, r.published, _as_datetime(r.ingested_at),
                       mentions, r.published_estimate)


def _evidence():
    """SQL for a source's evidence span (only those characters are read)."""
    return func.substr(documents.c.text, sources.c.span_start + 1,
                       sources.c.span_end - sources.c.span_start).label("evidence")


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _as_datetime(value) -> datetime:
    """A timestamp read by raw SQL comes back as text on SQLite."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


WRITER_LOCK = 0x646F7373  # PostgreSQL advisory lock key ("doss")


def _one_writer(conn: Connection) -> None:
    """Hold this transaction until no other writer's is open, as SQLite's database
    lock does: resolution reads then writes, so two PostgreSQL transactions at once
    would each create the same new entity. A no-op on SQLite."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(WRITER_LOCK)))


def _storable(value: str | None) -> str | None:
    """Text every backend stores: NUL (which PostgreSQL refuses) and lone surrogates
    (which no UTF-8 database takes) become U+FFFD."""
    if value is None:
        return None
    return "".join("\ufffd" if c == "\x00" or "\ud800" <= c <= "\udfff" else c for c in value)


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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


def _quoted_about(record: Record, quote: Quote) -> str | None:
    """The first entity named inside a quotation, other than its speaker: whom the
    quote is about (profiles list quotes by and about an entity)."""
    start, end = quote.span
    named = sorted((s, e.id) for e in record.entities for s, _ in e.mentions
                   if start <= s < end and e.id != quote.speaker)
    return named[0][1] if named else None


class SQLStore:
    """A :class:`~dossier.store.base.Store` over any SQLAlchemy URL."""

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

    # -- writing -----------------------------------------------------------
    def has_document(self, document_id: str) -> bool:
        return bool(self.known_ids([document_id]))

    def known_ids(self, document_ids: list[str]) -> set[str]:
        """Which of ``document_ids`` are stored (one query for a whole batch)."""
        if not document_ids:
            return set()
        with self.engine.connect() as conn:
            return set(conn.scalars(select(documents.c.id).where(
                documents.c.id.in_(document_ids))))

    def add(self, document: Document, cleaned: CleanText, record: Record) -> bool:
        """Store a document and its record; False when it was stored before."""
        return self.add_many([(document, cleaned, record)])[0]

    def add_many(self, items: list[tuple[Document, CleanText, Record]]) -> list[bool]:
        """Store several documents in one transaction (all or none); for each,
        False when it was stored before. Batching the transaction is what makes
        bulk ingest fast; the caller retries one by one if a batch fails."""
        try:
            with self._writing() as conn:
                return [self._insert(conn, *item) for item in items]
        except SQLAlchemyError as exc:
            where = items[0][0].source if len(items) == 1 else f"a batch of {len(items)}"
            raise StorageError(f"{where}: could not store: {exc.orig or exc}") from exc

    def _insert(self, conn: Connection, document: Document, cleaned: CleanText,
                record: Record) -> bool:
        if conn.execute(select(documents.c.id).where(documents.c.id == document.id)).first():
            return False
        conn.execute(documents.insert().values(
            id=document.id, source=_storable(document.source), title=_storable(document.title),
            published=document.published, kind=document.kind, raw=document.raw,
            published_estimate=None if document.published else record.estimated_published,
            text=cleaned.text, encoding=cleaned.encoding, repairs=dict(cleaned.repairs),
            extractor_version=extractor_version(), ingested_at=_now()))
        stories.assign(conn, document.id, cleaned.text)
        self._add_extraction(conn, document, record, count_aliases=True)
        return True

    def replace(self, document: Document, cleaned: CleanText, record: Record) -> None:
        """Swap a stored document's extraction for a new one, in one transaction.

        The document row, its raw bytes and the entities stay; its mentions and
        sources are rebuilt; assertions no document states any more go.
        """
        try:
            with self._writing() as conn:
                conn.execute(documents.update().where(documents.c.id == document.id).values(
                    text=cleaned.text, encoding=cleaned.encoding, repairs=dict(cleaned.repairs),
                    published_estimate=None if document.published
                    else record.estimated_published,
                    extractor_version=extractor_version()))
                conn.execute(mentions.delete().where(mentions.c.document_id == document.id))
                conn.execute(sources.delete().where(sources.c.document_id == document.id))
                orphans = select(assertions.c.id).where(~assertions.c.id.in_(
                    select(sources.c.assertion_id)))
                conn.execute(event_actors.delete().where(event_actors.c.assertion_id.in_(orphans)))
                conn.execute(assertions.delete().where(assertions.c.id.in_(orphans)))
                self._add_extraction(conn, document, record, count_aliases=False)
        except SQLAlchemyError as exc:
            raise StorageError(f"{document.source}: could not reprocess document "
                               f"{document.id[:12]}: {exc.orig or exc}") from exc

    def stored_documents(self, page: int = 200) -> Iterator[Document]:
        """Every stored document as it arrived (raw bytes and metadata), in ingest
        order, read ``page`` rows at a time so memory stays flat."""
        columns = (documents.c.raw, documents.c.source, documents.c.title,
                   documents.c.published, documents.c.kind, documents.c.ingested_at,
                   documents.c.id)
        after = None
        while True:
            query = select(*columns).order_by(documents.c.ingested_at, documents.c.id).limit(page)
            if after is not None:
                query = query.where(tuple_(documents.c.ingested_at, documents.c.id) > after)
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
            for r in rows:
                yield Document(raw=r.raw, source=r.source, title=r.title, published=r.published,
                               kind=r.kind)
            if len(rows) < page:
                return
            after = (rows[-1].ingested_at, rows[-1].id)

    def _add_extraction(self, conn: Connection, document: Document, record: Record,
                        count_aliases: bool) -> None:
        ids: dict[str, int] = {}
        rows = []
        splits = resolution.has_splits(conn)
        for entity in record.entities:
            entity_id = resolution.resolve(conn, entity, splits)
            ids[entity.id] = entity_id
            self._add_aliases(conn, entity_id, entity, count=count_aliases)
            if count_aliases:
                resolution.vote_type(conn, entity_id, entity.type)
            for s, e in entity.mentions:
                sentence_start, sentence_end = record.sentence_of(s)
                rows.append({"document_id": document.id, "entity_id": entity_id,
                             "local_id": entity.id, "start": s, "end": e,
                             "text": record.text[s:e], "sentence_start": sentence_start,
                             "sentence_end": sentence_end})
        if rows:
            conn.execute(mentions.insert(), rows)
        self._add_assertions(conn, document, record, ids)

    # -- user corrections ----------------------------------------------------
    def merge(self, into_id: int, from_id: int, note: str = "") -> int:
        """Merge entity ``from_id`` into ``into_id`` (recorded, re-applied later)."""
        if into_id == from_id:
            raise StorageError("an entity cannot be merged into itself")
        with self._writing() as conn:
            return resolution.merge(conn, into_id, from_id, note)

    def split(self, entity_id: int, alias: str, note: str = "") -> int:
        """Move ``alias`` of an entity to a new entity; return the new entity's id."""
        with self._writing() as conn:
            return resolution.split(conn, entity_id, alias, note)[0]

    def undo_correction(self, correction_id: int) -> dict | None:
        """Mark a correction undone (reprocess to rebuild without it)."""
        with self._writing() as conn:
            return resolution.undo(conn, correction_id)

    def corrections(self) -> list[dict]:
        with self.engine.connect() as conn:
            return resolution.list_corrections(conn)

    def _add_aliases(self, conn: Connection, entity_id: int, entity: Entity,
                     count: bool = True) -> None:
        """Add the entity's names to its aliases; a known alias gains a count
        (one upsert where the database has one)."""
        names = list(dict.fromkeys((entity.name, *entity.aliases)))
        rows = [resolution.alias_row(entity_id, alias, entity.type) for alias in names]
        upsert = _UPSERTS.get(conn.dialect.name)
        if upsert is not None:
            statement = upsert(aliases)
            conn.execute(statement.on_conflict_do_update(
                index_elements=[aliases.c.entity_id, aliases.c.alias],
                set_={"count": aliases.c.count + (1 if count else 0)}), rows)
            return
        for row in rows:
            updated = conn.execute(aliases.update().where(and_(
                aliases.c.entity_id == entity_id, aliases.c.alias == row["alias"]))
                .values(count=aliases.c.count + (1 if count else 0)))
            if updated.rowcount == 0:
                conn.execute(aliases.insert().values(**row))

    def _add_assertions(self, conn: Connection, document: Document, record: Record,
                        ids: dict[str, int]) -> None:
        """Relations, claims, events and quotes, each with this document as a source.

        A relation already stated by another document gains a source rather than
        a second row (agreement = one assertion, many sources).
        """
        items = (
            [("relation", r.subject, r.predicate, r.object, r.since, r.to_dict(),
              r.evidence, r.hedged, r.confidence) for r in record.relations]
            + [("claim", c.subject, c.kind, None, c.as_of, c.to_dict(), c.span, False, None)
               for c in record.claims]
            + [("event", (e.actors or [None])[0], None, None, e.date, e.to_dict(), e.span,
                False, None) for e in record.events]
            + [("quote", q.speaker, None, _quoted_about(record, q), None, q.to_dict(), q.span,
                False, None) for q in record.quotes])
        # Report time is the publication date; unknown, the date estimated from the
        # text, flagged; else none (the ingest date is no report time).
        estimate = None if document.published else record.estimated_published
        report_time = document.published or estimate
        symmetric = load_schema().symmetric
        # This document's sources, written in one statement: one per assertion and
        # span (a symmetric tie found both ways round in one sentence is one source).
        stated: dict[tuple[int, int, int], dict] = {}
        for kind, subject, predicate, obj, valid_from, value, span, hedged, confidence in items:
            subject_id = ids.get(subject) if subject else None
            object_id = ids.get(obj) if obj else None
            if kind == "relation" and predicate in symmetric and subject_id > object_id:
                subject_id, object_id = object_id, subject_id  # one row per pair
            stored = {k: v for k, v in value.items() if k not in ("subject", "object", "span",
                                                                   "evidence", "speaker", "by")}
            if kind == "event":
                stored["actors"] = [ids[a] for a in value["actors"] if a in ids]
            if kind == "claim":
                for ref in ("place", "attributed_to"):
                    stored[ref] = ids.get(value.get(ref)) if value.get(ref) else None
            assertion_id = None
            if kind == "relation":
                row = conn.execute(select(assertions.c.id).where(and_(
                    assertions.c.kind == kind, assertions.c.subject_id == subject_id,
                    assertions.c.predicate == predicate,
                    assertions.c.object_id == object_id))).first()
                assertion_id = row[0] if row else None
            if assertion_id is None:
                assertion_id = conn.execute(assertions.insert().values(
                    kind=kind, subject_id=subject_id, predicate=predicate, object_id=object_id,
                    valid_from=valid_from, value=stored,
                    created_at=_now())).inserted_primary_key[0]
            if kind == "event" and stored["actors"]:
                self._add_event_actors(conn, assertion_id, stored["actors"])
            stated.setdefault((assertion_id, span[0], span[1]), {
                "assertion_id": assertion_id, "document_id": document.id,
                "span_start": span[0], "span_end": span[1],
                "report_time": report_time, "report_time_estimated": estimate is not None,
                "extractor_version": extractor_version(), "produced_by": value.get("by") or None,
                "hedged": bool(hedged), "confidence": confidence})
        if stated:
            conn.execute(sources.insert(), list(stated.values()))

    @staticmethod
    def _add_event_actors(conn: Connection, assertion_id: int, actors: list[int]) -> None:
        conn.execute(event_actors.insert(), [{"assertion_id": assertion_id, "entity_id": a}
                                             for a in dict.fromkeys(actors)])

    def entity_assertions(self, entity_id: int, sources_each: int | None = None
                          ) -> list[dict]:
        """Every assertion about an entity (as subject, object or event actor), with
        the evidence text and date of its latest ``sources_each`` sources (None:
        all); each row says how many it has in all (``sources_total``).

        Three indexed lookups find the assertions; only the evidence span of each
        source is read, never a document's whole text.
        """
        wanted = union_all(
            select(assertions.c.id).where(assertions.c.subject_id == entity_id),
            select(assertions.c.id).where(assertions.c.object_id == entity_id),
            select(event_actors.c.assertion_id).where(event_actors.c.entity_id == entity_id))
        ranked = (select(sources.c.id,
                         func.row_number().over(
                             partition_by=sources.c.assertion_id,
                             order_by=(sources.c.report_time.desc(), sources.c.id.desc()))
                         .label("rank"),
                         func.count().over(partition_by=sources.c.assertion_id).label("total"))
                  .where(sources.c.assertion_id.in_(wanted)).subquery())
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(assertions, sources.c.document_id, sources.c.span_start,
                       sources.c.span_end, sources.c.report_time, sources.c.hedged,
                       sources.c.report_time_estimated, _evidence(), ranked.c.total)
                .join(sources, sources.c.assertion_id == assertions.c.id)
                .join(ranked, ranked.c.id == sources.c.id)
                .join(documents, documents.c.id == sources.c.document_id)
                .where(ranked.c.rank <= (sources_each or ranked.c.total))
                # Undated first, as SQLite sorts NULL (PostgreSQL would put it last).
                .order_by(assertions.c.kind,
                          self._text_order(assertions.c.valid_from).nulls_first(),
                          assertions.c.id, sources.c.id)).all()
            named = {i for r in rows for i in (r.subject_id, r.object_id,
                                               *(r.value or {}).get("actors", [])) if i}
            names = self._names(conn, named)
            stories_of = self._story_counts(conn, {r.id for r in rows})
        out = []
        for r in rows:
            value = dict(r.value or {})
            out.append({
                "assertion_id": r.id, "kind": r.kind, "predicate": r.predicate,
                "subject": names.get(r.subject_id),
                "object": names.get(r.object_id), "subject_id": r.subject_id,
                "object_id": r.object_id, "valid_from": r.valid_from, "value": value,
                "document_id": r.document_id, "report_time": r.report_time,
                "report_time_estimated": r.report_time_estimated, "hedged": r.hedged, "evidence": r.evidence.strip(),
                "span": [r.span_start, r.span_end], "sources_total": r.total,
                "stories_total": stories_of.get(r.id, 1),
                "names": {i: names.get(i) for i in value.get("actors", [])}})
        return out

    @staticmethod
    def _story_counts(conn: Connection, assertion_ids: set[int]) -> dict[int, int]:
        """Assertion id → how many distinct stories state it (copies count once)."""
        counts: dict[int, int] = {}
        for chunk in _chunks(assertion_ids):
            counts.update(conn.execute(
                select(sources.c.assertion_id, func.count(func.distinct(documents.c.story_id)))
                .join(documents, documents.c.id == sources.c.document_id)
                .where(sources.c.assertion_id.in_(chunk))
                .group_by(sources.c.assertion_id)).all())
        return counts

    @staticmethod
    def _names(conn: Connection, ids: set[int]) -> dict[int, str]:
        """Entity id → name for ``ids``, in chunks of bound parameters."""
        names: dict[int, str] = {}
        for chunk in _chunks(ids):
            names.update(conn.execute(select(entities.c.id, entities.c.name)
                                      .where(entities.c.id.in_(chunk))).all())
        return names

    def all_entities(self, ids: set[int] | None = None) -> list[tuple[EntityRow, list[str]]]:
        """Every entity (or those of ``ids``) with its aliases (most used first);
        entities merged into another are not listed."""
        entity_query = (select(entities).where(entities.c.merged_into.is_(None))
                        .order_by(entities.c.id))
        alias_query = (select(aliases.c.entity_id, aliases.c.alias)
                       .order_by(aliases.c.count.desc(), self._text_order(aliases.c.alias)))
        with self.engine.connect() as conn:
            if ids is None:
                rows = conn.execute(entity_query).all()
                alias_rows = conn.execute(alias_query).all()
            else:
                rows, alias_rows = [], []
                for chunk in _chunks(ids):
                    rows += conn.execute(entity_query.where(entities.c.id.in_(chunk))).all()
                    alias_rows += conn.execute(
                        alias_query.where(aliases.c.entity_id.in_(chunk))).all()
                rows.sort(key=lambda r: r.id)
        by_entity: dict[int, list[str]] = {}
        for entity_id, alias in alias_rows:
            by_entity.setdefault(entity_id, []).append(alias)
        return [(EntityRow(r.id, r.name, r.type, r.kb_id), by_entity.get(r.id, []))
                for r in rows]

    def assertion_rows(self, kind: str | None = None, touching: set[int] | None = None
                       ) -> list[dict]:
        """Every assertion (of one kind, if given) with all its sources.

        touching: only assertions with one of these entities as subject, object
        or event actor. Only each source's evidence span is read.
        """
        query = (select(assertions, sources.c.document_id, sources.c.span_start,
                        sources.c.span_end, sources.c.report_time, sources.c.hedged,
                        sources.c.report_time_estimated,
                        sources.c.confidence, sources.c.extractor_version,
                        sources.c.produced_by, _evidence(), documents.c.story_id,
                        documents.c.source.label("document_source"))
                 .join(sources, sources.c.assertion_id == assertions.c.id)
                 .join(documents, documents.c.id == sources.c.document_id)
                 .order_by(assertions.c.id, sources.c.id))
        if kind is not None:
            query = query.where(assertions.c.kind == kind)
        with self.engine.connect() as conn:
            if touching is None:
                rows = conn.execute(query).all()
            else:
                found = {}
                for chunk in _chunks(touching):
                    about = union_all(
                        select(assertions.c.id).where(assertions.c.subject_id.in_(chunk)),
                        select(assertions.c.id).where(assertions.c.object_id.in_(chunk)),
                        select(event_actors.c.assertion_id)
                        .where(event_actors.c.entity_id.in_(chunk)))
                    for r in conn.execute(query.where(assertions.c.id.in_(about))):
                        found[(r.id, r.document_id, r.span_start, r.span_end)] = r
                rows = sorted(found.values(), key=lambda r: r.id)  # stable: sources in order
        out: dict[int, dict] = {}
        for r in rows:
            item = out.setdefault(r.id, {
                "id": r.id, "kind": r.kind, "subject_id": r.subject_id,
                "predicate": r.predicate, "object_id": r.object_id,
                "valid_from": r.valid_from, "valid_to": r.valid_to,
                "value": dict(r.value or {}), "sources": []})
            item["sources"].append({
                "document_id": r.document_id, "document_source": r.document_source,
                "story_id": r.story_id or r.document_id, "span": [r.span_start, r.span_end],
                "evidence": r.evidence.strip(),
                "report_time": r.report_time, "report_time_estimated": r.report_time_estimated,
                "hedged": r.hedged,
                "confidence": r.confidence, "extractor_version": r.extractor_version,
                "produced_by": r.produced_by})
        return list(out.values())

    def relation_summaries(self, touching: set[int] | None = None,
                           among: set[int] | None = None) -> list[dict]:
        """One row per relation with its sources summed up in SQL (how many, first
        and last report time, whether all are hedged, the best confidence, the
        first source's evidence): what a graph edge needs, without reading every
        source. touching: only relations with one of these entities as subject or
        object; among: only those with both."""
        ids = touching if touching is not None else among
        out: dict[int, dict] = {}
        with self.engine.connect() as conn:
            for chunk in (_chunks(ids) if ids is not None else [None]):
                wanted = select(assertions.c.id).where(assertions.c.kind == "relation")
                if touching is not None:  # two indexed lookups rather than one OR
                    wanted = wanted.where(assertions.c.id.in_(union_all(
                        select(assertions.c.id).where(assertions.c.subject_id.in_(chunk)),
                        select(assertions.c.id).where(assertions.c.object_id.in_(chunk)))))
                elif among is not None:  # the object is checked below
                    wanted = wanted.where(assertions.c.subject_id.in_(chunk))
                summed = (select(sources.c.assertion_id,
                                 func.count().label("n"),
                                 func.count(func.distinct(documents.c.story_id)).label("stories"),
                                 func.min(sources.c.report_time).label("first_reported"),
                                 func.max(sources.c.report_time).label("last_reported"),
                                 func.min(cast(sources.c.hedged, Integer)).label("all_hedged"),
                                 func.max(sources.c.confidence).label("confidence"),
                                 func.min(sources.c.id).label("first_source"))
                          .join(documents, documents.c.id == sources.c.document_id)
                          .where(sources.c.assertion_id.in_(wanted))
                          .group_by(sources.c.assertion_id).subquery())
                first = sources.alias("first")
                rows = conn.execute(
                    select(assertions.c.id, assertions.c.subject_id, assertions.c.predicate,
                           assertions.c.object_id, assertions.c.valid_from, summed,
                           func.substr(documents.c.text, first.c.span_start + 1,
                                       first.c.span_end - first.c.span_start).label("evidence"))
                    .join(summed, summed.c.assertion_id == assertions.c.id)
                    .join(first, first.c.id == summed.c.first_source)
                    .join(documents, documents.c.id == first.c.document_id)).all()
                for r in rows:
                    if among is not None and r.object_id not in among:
                        continue
                    out[r.id] = {
                        "id": r.id, "subject_id": r.subject_id, "predicate": r.predicate,
                        "object_id": r.object_id, "valid_from": r.valid_from,
                        "sources": r.n, "stories": r.stories, "first_reported": r.first_reported or "",
                        "last_reported": r.last_reported or "", "hedged": bool(r.all_hedged),
                        "confidence": r.confidence or 0.0, "evidence": r.evidence.strip()}
        return [out[i] for i in sorted(out)]

    def recent_documents(self, limit: int = 20) -> list[DocumentRow]:
        """The latest documents by report time (publication, else ingest date)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(*_DOCUMENT_ROW)
                .order_by(_report_date().desc().nulls_last(), documents.c.ingested_at.desc(),
                          documents.c.id)
                .limit(limit)).all()
        return [_document_row(r) for r in rows]

    def top_entities(self, type_: str | None = None, limit: int = 20) -> list[tuple[EntityRow, int]]:
        """Entities mentioned in the most documents (of one type, if given)."""
        docs = func.count(func.distinct(mentions.c.document_id))
        query = (select(entities.c.id, entities.c.name, entities.c.type, entities.c.kb_id,
                        docs.label("docs"))
                 .join(mentions, mentions.c.entity_id == entities.c.id)
                 .group_by(entities.c.id, entities.c.name, entities.c.type, entities.c.kb_id)
                 .order_by(docs.desc(), self._text_order(entities.c.name), entities.c.id)
                 .limit(limit))
        if type_:
            query = query.where(entities.c.type == type_)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [(EntityRow(r.id, r.name, r.type, r.kb_id), r.docs) for r in rows]

    def document(self, document_id: str) -> dict | None:
        """A stored document: metadata, cleaned text, repair counts, and the other
        documents of its story (``also_published``: near copies, by source)."""
        with self.engine.connect() as conn:
            r = conn.execute(select(documents.c.id, documents.c.source, documents.c.title,
                                    documents.c.published, documents.c.published_estimate,
                                    documents.c.ingested_at, documents.c.text,
                                    documents.c.repairs, documents.c.kind, documents.c.story_id)
                             .where(documents.c.id == document_id)).first()
            if r is None:
                return None
            copies = conn.execute(
                select(documents.c.id, documents.c.source, documents.c.title)
                .where(and_(documents.c.story_id == (r.story_id or r.id),
                            documents.c.id != r.id))
                .order_by(documents.c.ingested_at, documents.c.id)).all()
        return dict(r._mapping) | {"also_published": [dict(c._mapping) for c in copies]}

    def story_counts(self) -> tuple[int, int]:
        """(documents, stories): how many stored documents tell how many stories."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count(), func.count(func.distinct(
                func.coalesce(documents.c.story_id, documents.c.id))))).one()

    def search_documents(self, words: str, limit: int = 20) -> list[tuple[DocumentRow, str]]:
        """Documents holding every word of ``words``, best first, with a snippet.

        Each whitespace-separated term is a phrase of its words (letters and
        digits; case and accents aside), and every term must occur. SQLite uses its
        FTS5 index, PostgreSQL its GIN text search index (migration 0004), other
        databases a case-insensitive match. The words are always bound parameters
        (each quoted as an FTS5 string, LIKE wildcards escaped): article text and
        queries never become SQL.
        """
        # Control characters (a NUL ends an FTS5 string early) are no search words;
        # nor is a term without a letter or digit, which both indexes ignore.
        terms = ["".join(c for c in w if c.isprintable()) for w in words.split()]
        terms = [t for t in terms if any(c.isalnum() for c in t)][:8]
        if not terms:
            return []
        if self.engine.dialect.name == "sqlite":
            return self._search_fts(terms, limit)
        if self.engine.dialect.name == "postgresql":
            return self._search_pg(terms, limit)
        conditions = [documents.c.text.ilike(f"%{_like_escape(t)}%", escape="\\")
                      for t in terms]
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(*_DOCUMENT_ROW, documents.c.text)
                .where(and_(*conditions)).order_by(documents.c.id).limit(limit)).all()
        out = []
        for r in rows:
            at = r.text.casefold().find(terms[0].casefold())
            snippet = r.text[max(0, at - 80):at + 160].replace("\n", " ")
            out.append((_document_row(r), snippet))
        return out

    def _search_fts(self, terms: list[str], limit: int) -> list[tuple[DocumentRow, str]]:
        match = " ".join('"' + t.replace('"', '""') + '"' for t in terms)
        statement = text(
            "SELECT d.id, d.source, d.title, d.published, d.published_estimate, d.ingested_at, "
            "snippet(documents_fts, 0, '', '', '…', 24) AS snip "
            "FROM documents_fts JOIN documents AS d ON d.rowid = documents_fts.rowid "
            "WHERE documents_fts MATCH :match ORDER BY rank, d.id LIMIT :limit")
        with self.engine.connect() as conn:
            rows = conn.execute(statement, {"match": match, "limit": limit}).all()
        return [(_document_row(r), r.snip.replace("\n", " ")) for r in rows]

    def _search_pg(self, terms: list[str], limit: int) -> list[tuple[DocumentRow, str]]:
        """PostgreSQL: each term a phrase query over the indexed words, all required,
        ranked by ts_rank (length-normalised), snippets by ts_headline."""
        config = migrations.PG_SEARCH_CONFIG
        phrases = " && ".join(f"phraseto_tsquery('{config}', {migrations.pg_words(f':t{i}')})"
                              for i in range(len(terms)))
        vector = migrations.pg_search_vector("documents.text")
        statement = text(
            "SELECT documents.id, documents.source, documents.title, documents.published, "
            "documents.published_estimate, documents.ingested_at, documents.text, "
            f"ts_headline('{config}', documents.text, q.query, "
            "'StartSel=\"\", StopSel=\"\", MaxWords=24, MinWords=12, ShortWord=0, "
            "MaxFragments=1') AS snip "
            f"FROM documents, (SELECT {phrases} AS query) AS q "
            f"WHERE {vector} @@ q.query "
            f"ORDER BY ts_rank({vector}, q.query, 1) DESC, documents.id LIMIT :limit")
        params = {f"t{i}": t for i, t in enumerate(terms)} | {"limit": limit}
        with self.engine.connect() as conn:
            rows = conn.execute(statement, params).all()
        out = []
        for r in rows:
            at = r.text.find(r.snip)
            snippet = ("…" if at > 0 else "") + r.snip + \
                ("…" if 0 <= at and at + len(r.snip) < len(r.text) else "")
            out.append((_document_row(r), snippet.replace("\n", " ")))
        return out

    def add_failure(self, source: str, stage: str, reason: str) -> None:
        with self._writing() as conn:
            conn.execute(failures.insert().values(source=_storable(source), stage=stage,
                                                  reason=_storable(reason), at=_now()))

    # -- reading -----------------------------------------------------------
    def _text_order(self, column):
        """``column`` to sort by code point, as SQLite compares text, whatever the
        PostgreSQL database's collation (so both backends list in one order)."""
        return column.collate("C") if self.engine.dialect.name == "postgresql" else column

    def entity_document_counts(self) -> dict[int, int]:
        """Entity id → how many documents name it (one grouped read)."""
        with self.engine.connect() as conn:
            return dict(conn.execute(
                select(mentions.c.entity_id, func.count(func.distinct(mentions.c.document_id)))
                .group_by(mentions.c.entity_id)).all())

    def report_time_counts(self) -> dict[str, int]:
        """How many sources have a known, an estimated and an unknown report time."""
        known = case((sources.c.report_time.is_(None), "unknown"),
                     (sources.c.report_time_estimated, "estimated"), else_="known")
        with self.engine.connect() as conn:
            return dict(conn.execute(select(known, func.count()).group_by(known)).all())

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                    for t in (documents, entities, aliases, mentions, failures)}

    def find_entities(self, name: str) -> list[EntityRow]:
        """Entities with an alias equal to ``name`` (case, accents, punctuation aside;
        a person's titles and honorifics too), or, for a gazetteer name, the
        entity of its gazetteer entry ("ISKP" finds what the texts called "ISIS-K")."""
        keys = {name_key(name), person_key(name, vocabulary.load().shapes)}
        entry = vocabulary.load().entry_for_key(name_key(name))
        named = aliases.c.alias_key.in_(sorted(keys))
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(entities).outerjoin(aliases, aliases.c.entity_id == entities.c.id)
                .where(and_(entities.c.merged_into.is_(None),
                            or_(named, entities.c.kb_id == entry.id) if entry else named))
                .distinct().order_by(entities.c.id)).all()
        return [EntityRow(r.id, r.name, r.type, r.kb_id) for r in rows]

    def alias_names(self) -> list[str]:
        """Every alias once, in code point order."""
        with self.engine.connect() as conn:
            return sorted(set(conn.scalars(select(aliases.c.alias))))

    def entity(self, entity_id: int) -> EntityRow | None:
        with self.engine.connect() as conn:
            r = conn.execute(select(entities).where(entities.c.id == entity_id)).first()
        return EntityRow(r.id, r.name, r.type, r.kb_id) if r else None

    def entity_aliases(self, entity_id: int) -> list[tuple[str, int]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(aliases.c.alias, aliases.c.count)
                                .where(aliases.c.entity_id == entity_id)
                                .order_by(aliases.c.count.desc(),
                                          self._text_order(aliases.c.alias))).all()
        return [(r[0], r[1]) for r in rows]

    def entity_documents(self, entity_id: int, limit: int | None = None,
                         as_of: str | None = None) -> list[DocumentRow]:
        """The documents naming an entity, oldest first by report time (the
        published date, else the date estimated from the text), the undated last;
        with ``limit``, the latest ones;
        with ``as_of`` (YYYY[-MM[-DD]]), those reported by then."""
        report_date = _report_date()
        query = (select(*_DOCUMENT_ROW, func.count(mentions.c.id).label("n"))
                 .join(mentions, mentions.c.document_id == documents.c.id)
                 .where(mentions.c.entity_id == entity_id)
                 .group_by(*_DOCUMENT_ROW)
                 .order_by(report_date.desc().nulls_last(), documents.c.ingested_at.desc(),
                           documents.c.id.desc()))
        if as_of is not None:
            query = query.where(func.substr(report_date, 1, len(as_of)) <= as_of)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        found = [_document_row(r, r.n) for r in reversed(rows)]
        # Dated oldest first; undated apart, after them.
        return [d for d in found if d.date != UNDATED] + [d for d in found if d.date == UNDATED]

    def entity_seen(self, entity_id: int, as_of: str | None = None
                    ) -> tuple[int, str | None, str | None]:
        """(how many documents name the entity, first and last report date), the
        dates as :attr:`DocumentRow.date` gives them (``*``: an ingest date)."""
        report_date = _report_date()
        dated = func.coalesce(documents.c.published,
                              documents.c.published_estimate + ESTIMATED)
        its = (select(documents.c.id, dated.label("date"))
               .join(mentions, mentions.c.document_id == documents.c.id)
               .where(mentions.c.entity_id == entity_id).distinct())
        if as_of is not None:
            its = its.where(func.substr(report_date, 1, len(as_of)) <= as_of)
        its = its.subquery()
        with self.engine.connect() as conn:
            row = conn.execute(select(func.count(), func.min(self._text_order(its.c.date)),
                                      func.max(self._text_order(its.c.date)))).one()
        return row[0], row[1], row[2]

    def co_mentioned(self, entity_id: int, limit: int = 10,
                     documents_read: int = CO_MENTION_DOCUMENTS) -> list[tuple[EntityRow, int]]:
        """Entities sharing documents with ``entity_id``, most shared first, over
        its latest ``documents_read`` documents (a bound on the work for an
        entity named in tens of thousands)."""
        latest = (select(mentions.c.document_id)
                  .join(documents, documents.c.id == mentions.c.document_id)
                  .where(mentions.c.entity_id == entity_id)
                  .group_by(mentions.c.document_id, documents.c.published,
                            documents.c.published_estimate)
                  .order_by(_report_date().desc().nulls_last(), mentions.c.document_id)
                  .limit(documents_read).subquery())
        mine = select(latest.c.document_id)
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(entities.c.id, entities.c.name, entities.c.type, entities.c.kb_id,
                       func.count(func.distinct(mentions.c.document_id)).label("docs"),
                       func.count(mentions.c.id).label("n"))
                .join(mentions, mentions.c.entity_id == entities.c.id)
                .where(and_(mentions.c.document_id.in_(mine), entities.c.id != entity_id))
                .group_by(entities.c.id, entities.c.name, entities.c.type, entities.c.kb_id)
                .order_by(func.count(func.distinct(mentions.c.document_id)).desc(),
                          func.count(mentions.c.id).desc(),
                          self._text_order(entities.c.name), entities.c.id)
                .limit(limit)).all()
        return [(EntityRow(r.id, r.name, r.type, r.kb_id), r.docs) for r in rows]

    def entity_sentences(self, entity_id: int, limit: int = 20) -> list[tuple[str, str]]:
        """(document id, sentence) for each sentence mentioning the entity, once each."""
        spans = (select(mentions.c.document_id, mentions.c.sentence_start,
                        mentions.c.sentence_end)
                 .where(mentions.c.entity_id == entity_id).distinct().subquery())
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(spans.c.document_id,
                       func.substr(documents.c.text, spans.c.sentence_start + 1,
                                   spans.c.sentence_end - spans.c.sentence_start).label("sentence"))
                .join(documents, documents.c.id == spans.c.document_id)
                .order_by(spans.c.document_id, spans.c.sentence_start, spans.c.sentence_end)
                .limit(limit)).all()
        return [(r.document_id, r.sentence.strip()) for r in rows]
