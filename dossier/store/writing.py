"""Writing the store: documents with their extraction, in one transaction each;
resolution of their entities on the way in; user corrections; failures.

A document, its mentions, entities and assertions land together or not at all,
so a failure never leaves half a document and never touches what was stored
before.
"""
from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from dossier.errors import StorageError
from dossier.model import CleanText, Document, Entity, Quote, Record
from dossier import vocabulary
from dossier.provenance import extractor_version
from dossier.resolve import alias_key
from dossier.schema import load as load_schema
from dossier.store import resolution, stories
from dossier.store.columns import now
from dossier.store.identity import identity
from dossier.store.schema import (aliases, assertions, documents, event_actors, failures,
                                  mentions, sources)


_UPSERTS = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}
"""INSERT ... ON CONFLICT, by dialect."""


def _storable(value: str | None) -> str | None:
    """Text every backend stores: NUL (which PostgreSQL refuses) and lone surrogates
    (which no UTF-8 database takes) become U+FFFD."""
    if value is None:
        return None
    return "".join("\ufffd" if c == "\x00" or "\ud800" <= c <= "\udfff" else c for c in value)


def _quoted_about(record: Record, quote: Quote) -> str | None:
    """The first entity named inside a quotation, other than its speaker: whom the
    quote is about (profiles list quotes by and about an entity)."""
    start, end = quote.span
    named = sorted((s, e.id) for e in record.entities for s, _ in e.mentions
                   if start <= s < end and e.id != quote.speaker)
    return named[0][1] if named else None


class Writing:
    """The writing part of :class:`~dossier.store.sql.SQLStore`."""

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
            extractor_version=extractor_version(), ingested_at=now()))
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

    def _add_extraction(self, conn: Connection, document: Document, record: Record,
                        count_aliases: bool) -> None:
        ids: dict[str, int] = {}
        rows = []
        splits = resolution.has_splits(conn)
        for entity in record.entities:
            entity_id = resolution.resolve(conn, entity, splits)
            ids[entity.id] = entity_id
            self._add_aliases(conn, entity_id, entity, count=count_aliases)
            if count_aliases and not entity.kb_id:  # a gazetteer entry's type is its own
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

    def reject(self, assertion_id: int, note: str = "") -> int:
        """Mark a statement wrong (kept, hidden from every read for users, re-applied
        after reprocess); return the correction's id."""
        with self._writing() as conn:
            return resolution.reject(conn, assertion_id, note)

    def statement(self, assertion_id: int) -> dict | None:
        """One statement as stored, shown or hidden (``rejected``: the correction
        that hides it); None when there is no statement ``assertion_id``."""
        with self.engine.connect() as conn:
            return resolution.statement(conn, assertion_id)

    def undo_correction(self, correction_id: int) -> dict | None:
        """Mark a correction undone; a merge or split then needs a reprocess to
        rebuild without it, a reject is lifted at once."""
        with self._writing() as conn:
            return resolution.undo(conn, correction_id)

    def corrections(self) -> list[dict]:
        """Every correction, oldest first (rejects with the statement they hide)."""
        with self.engine.connect() as conn:
            return resolution.list_corrections(conn)

    def _add_aliases(self, conn: Connection, entity_id: int, entity: Entity,
                     count: bool = True) -> None:
        """Add the entity's names to its aliases; a known alias gains a count
        (one upsert where the database has one)."""
        names = list(dict.fromkeys((entity.name, *entity.aliases)))
        shapes = vocabulary.load().shapes
        rows = [resolution.alias_row(entity_id, alias, alias_key(alias, entity.type, shapes))
                for alias in names]
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

        A statement another document already made (the same identity:
        :mod:`dossier.store.identity`) gains a source rather than a second row
        (agreement = one assertion, many sources).
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
            key = identity(kind, subject_id, predicate, object_id, stored)
            row = conn.execute(select(assertions.c.id).where(assertions.c.identity == key)
                               .order_by(assertions.c.id)).first()
            assertion_id = row[0] if row else None
            if assertion_id is None:
                assertion_id = conn.execute(assertions.insert().values(
                    kind=kind, subject_id=subject_id, predicate=predicate, object_id=object_id,
                    valid_from=valid_from, value=stored, identity=key,
                    created_at=now())).inserted_primary_key[0]
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

    def add_failure(self, source: str, stage: str, reason: str) -> None:
        with self._writing() as conn:
            conn.execute(failures.insert().values(source=_storable(source), stage=stage,
                                                  reason=_storable(reason), at=now()))
