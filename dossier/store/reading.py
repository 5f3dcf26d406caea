"""Reading the store: profiles, assertions with their sources, graph edges,
documents, counts. Lists are bounded or read by indexed lookups, so a read costs
about the same in a store of a hundred documents or a million.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import Integer, and_, case, cast, func, or_, select, tuple_, union_all
from sqlalchemy.engine import Connection

from dossier import vocabulary
from dossier.model import Document
from dossier.resolve import person_key
from dossier.store.base import ESTIMATED, UNDATED, DocumentRow, EntityRow
from dossier.store.columns import (DOCUMENT_ROW, as_datetime, chunks, document_row, evidence,
                                   report_date, standing)
from dossier.store.schema import (aliases, assertions, documents, entities, event_actors,
                                  failures, mentions, sources)
from dossier.vocabulary import name_key


CO_MENTION_DOCUMENTS = 250
"""How many of an entity's documents ``co_mentioned`` reads."""


class Reading:
    """The reading part of :class:`~dossier.store.sql.SQLStore`."""

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
                       sources.c.report_time_estimated, evidence(), ranked.c.total)
                .join(sources, sources.c.assertion_id == assertions.c.id)
                .join(ranked, ranked.c.id == sources.c.id)
                .join(documents, documents.c.id == sources.c.document_id)
                .where(and_(ranked.c.rank <= (sources_each or ranked.c.total), standing()))
                # Undated first, as SQLite sorts NULL (PostgreSQL would put it last).
                .order_by(assertions.c.kind,
                          self._text_order(assertions.c.valid_from).nulls_first(),
                          assertions.c.id, sources.c.id)).all()
            named = {i for r in rows for i in (r.subject_id, r.object_id,
                                               *_named_in((r.value or {}))) if i}
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
                "report_time_estimated": r.report_time_estimated, "hedged": r.hedged,
                "evidence": r.evidence.strip(),
                "span": [r.span_start, r.span_end], "sources_total": r.total,
                "stories_total": stories_of.get(r.id, 1),
                "names": {i: names.get(i) for i in _named_in(value)}})
        return out

    @staticmethod
    def _story_counts(conn: Connection, assertion_ids: set[int]) -> dict[int, int]:
        """Assertion id → how many distinct stories state it (copies count once)."""
        counts: dict[int, int] = {}
        for chunk in chunks(assertion_ids):
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
        for chunk in chunks(ids):
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
                for chunk in chunks(ids):
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
                        sources.c.produced_by, evidence(), documents.c.story_id,
                        documents.c.source.label("document_source"))
                 .join(sources, sources.c.assertion_id == assertions.c.id)
                 .join(documents, documents.c.id == sources.c.document_id)
                 .where(standing())
                 .order_by(assertions.c.id, sources.c.id))
        if kind is not None:
            query = query.where(assertions.c.kind == kind)
        with self.engine.connect() as conn:
            if touching is None:
                rows = conn.execute(query).all()
            else:
                found = {}
                for chunk in chunks(touching):
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
                "value": dict(r.value or {}), "identity": r.identity, "sources": []})
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
            for chunk in (chunks(ids) if ids is not None else [None]):
                wanted = select(assertions.c.id).where(and_(assertions.c.kind == "relation",
                                                            standing()))
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
                        "sources": r.n, "stories": r.stories,
                        "first_reported": r.first_reported or "",
                        "last_reported": r.last_reported or "", "hedged": bool(r.all_hedged),
                        "confidence": r.confidence or 0.0, "evidence": r.evidence.strip()}
        return [out[i] for i in sorted(out)]

    def relation_sources(self, subject_id: int, predicate: str, object_id: int,
                         limit: int | None = None) -> list[dict]:
        """The sources of one relation (subject, predicate, object as stored), the
        latest reported first, the undated last; with ``limit``, only that many.
        Each row has the evidence span's text, its document and story, and how
        many sources the relation has in all (``sources_total``)."""
        total = func.count().over().label("sources_total")
        reported = sources.c.report_time
        query = (select(sources.c.assertion_id, sources.c.document_id, sources.c.span_start,
                        sources.c.span_end, reported, sources.c.report_time_estimated,
                        sources.c.hedged, sources.c.confidence, evidence(),
                        documents.c.title, documents.c.source,
                        func.coalesce(documents.c.story_id, documents.c.id).label("story"),
                        total)
                 .join(assertions, assertions.c.id == sources.c.assertion_id)
                 .join(documents, documents.c.id == sources.c.document_id)
                 .where(and_(assertions.c.kind == "relation", standing(),
                             assertions.c.subject_id == subject_id,
                             assertions.c.predicate == predicate,
                             assertions.c.object_id == object_id))
                 .order_by(reported.desc().nulls_last(), sources.c.id))
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [{"assertion_id": r.assertion_id, "document_id": r.document_id,
                 "title": r.title or r.source, "story": r.story,
                 "span": [r.span_start, r.span_end], "report_time": r.report_time,
                 "report_time_estimated": r.report_time_estimated, "hedged": r.hedged,
                 "confidence": r.confidence, "evidence": r.evidence.strip(),
                 "sources_total": r.sources_total} for r in rows]

    def timeline_rows(self, kinds: tuple[str, ...] = ("event",),
                      entity_ids: set[int] | None = None, date_from: str | None = None,
                      date_to: str | None = None, undated: bool = False, offset: int = 0,
                      limit: int = 50) -> dict:
        """One page of the timeline: dated assertions, oldest first, filtered in SQL.

        kinds: assertion kinds to list (``event``; ``claim``, dated by its as-of
            date; ``relation``, dated by its start). entity_ids: only assertions
            with one of these entities as event actor, subject or object (None: all).
        date_from, date_to: ``YYYY[-MM[-DD]]``, inclusive; a date of coarser
            precision is in when its period overlaps (``2015`` is in from
            ``2015-06``). undated: list the undated assertions instead (the date
            bounds then do not apply). offset, limit: the page.

        Returns ``{"rows": [...], "dated": n, "undated": n}``: the page's rows
        and how many dated and undated assertions the kind and entity filters
        keep (the dated count after the date bounds). Only the page's assertions
        are read in full: with its first source's evidence span and the sentence
        holding it, how many sources and stories state it, whether all hedge, and
        its actors (name and type).
        """
        date = assertions.c.valid_from
        kept = [assertions.c.kind.in_(kinds), standing()]
        if entity_ids is not None:
            ids = sorted(entity_ids)
            kept.append(assertions.c.id.in_(union_all(  # three indexed lookups
                select(assertions.c.id).where(assertions.c.subject_id.in_(ids)),
                select(assertions.c.id).where(assertions.c.object_id.in_(ids)),
                select(event_actors.c.assertion_id)
                .where(event_actors.c.entity_id.in_(ids)))))
        has_date = and_(date.is_not(None), date != "")
        dated = [*kept, has_date]
        # A date's period runs from its first to its last day: "2015" from
        # "2015-00-00" to "2015-99-99", padded so that text order is date order.
        if date_from:
            dated.append(self._text_order(func.substr(date.concat("-99-99"), 1, 10))
                         >= (date_from + "-00-00")[:10])
        if date_to:
            dated.append(self._text_order(func.substr(date.concat("-00-00"), 1, 10))
                         <= (date_to + "-99-99")[:10])
        not_dated = [*kept, ~has_date]
        with self.engine.connect() as conn:
            counts = {name: conn.execute(select(func.count()).select_from(assertions)
                                         .where(*where)).scalar_one()
                      for name, where in (("dated", dated), ("undated", not_dated))}
            page = conn.execute(
                select(assertions).where(*(not_dated if undated else dated))
                .order_by(self._text_order(date), assertions.c.id)
                .offset(offset).limit(limit)).all()
            rows = self._timeline_details(conn, page)
        return {"rows": rows, **counts}

    def _timeline_details(self, conn: Connection, page: list) -> list[dict]:
        """The timeline rows of these assertion rows: sources summed up, the first
        source's evidence and sentence, the actors."""
        ids = [r.id for r in page]
        if not ids:
            return []
        summed = {r.assertion_id: r for r in conn.execute(
            select(sources.c.assertion_id, func.count().label("n"),
                   func.count(func.distinct(func.coalesce(documents.c.story_id,
                                                          documents.c.id))).label("stories"),
                   func.min(cast(sources.c.hedged, Integer)).label("all_hedged"),
                   func.min(sources.c.id).label("first_source"))
            .join(documents, documents.c.id == sources.c.document_id)
            .where(sources.c.assertion_id.in_(ids))
            .group_by(sources.c.assertion_id)).all()}
        first = {r.assertion_id: r for r in conn.execute(
            self._sentences_of({r.first_source for r in summed.values()})).all()}
        events = [r.id for r in page if r.kind == "event"]
        actors: dict[int, list[int]] = {}
        for assertion_id, entity_id in conn.execute(
                select(event_actors.c.assertion_id, event_actors.c.entity_id)
                .where(event_actors.c.assertion_id.in_(events))
                .order_by(event_actors.c.assertion_id, event_actors.c.entity_id)).all():
            actors.setdefault(assertion_id, []).append(entity_id)
        for r in page:
            if r.kind == "event":
                # The event's own order of actors where it still holds (a merge
                # moves event_actors, not the stored value).
                order = {a: i for i, a in enumerate((r.value or {}).get("actors", []))}
                actors[r.id] = sorted(actors.get(r.id, []), key=lambda a: order.get(a, len(order)))
            else:
                actors[r.id] = [i for i in (r.subject_id, r.object_id) if i is not None]
        named = {e.id: e for e in conn.execute(
            select(entities.c.id, entities.c.name, entities.c.type)
            .where(entities.c.id.in_({i for a in actors.values() for i in a}))).all()}
        out = []
        for r in page:
            s, src = summed.get(r.id), first.get(r.id)
            out.append({
                "assertion_id": r.id, "kind": r.kind, "date": r.valid_from or None,
                "predicate": r.predicate, "subject_id": r.subject_id,
                "object_id": r.object_id, "value": dict(r.value or {}),
                "actors": [{"id": i, "name": named[i].name, "type": named[i].type}
                           for i in actors[r.id] if i in named],
                "document_id": src.document_id if src else None,
                "span": [src.span_start, src.span_end] if src else None,
                "evidence": " ".join(src.evidence.split()) if src else "",
                "sentence": " ".join(src.sentence.split()) if src else "",
                "sources": s.n if s else 0, "stories": s.stories if s else 0,
                "hedged": bool(s.all_hedged) if s else False})
        return out

    @staticmethod
    def _sentences_of(source_ids: set[int]):
        """SQL for these sources' evidence span and the sentence holding it: the
        sentence (as mentions record them) where the span starts, widened to the
        span's end; the span itself when no mention marks that sentence."""
        holds = and_(mentions.c.document_id == sources.c.document_id,
                     mentions.c.sentence_start <= sources.c.span_start,
                     mentions.c.sentence_end > sources.c.span_start)
        bounds = (select(sources.c.id, sources.c.assertion_id, sources.c.document_id,
                         sources.c.span_start, sources.c.span_end,
                         select(func.min(mentions.c.sentence_start)).where(holds)
                         .scalar_subquery().label("sentence_start"),
                         select(func.max(mentions.c.sentence_end)).where(holds)
                         .scalar_subquery().label("sentence_end"))
                  .where(sources.c.id.in_(sorted(source_ids))).subquery())
        start = case((bounds.c.sentence_start < bounds.c.span_start, bounds.c.sentence_start),
                     else_=bounds.c.span_start)
        end = case((bounds.c.sentence_end > bounds.c.span_end, bounds.c.sentence_end),
                   else_=bounds.c.span_end)
        return (select(bounds.c.assertion_id, bounds.c.document_id, bounds.c.span_start,
                       bounds.c.span_end,
                       func.substr(documents.c.text, bounds.c.span_start + 1,
                                   bounds.c.span_end - bounds.c.span_start).label("evidence"),
                       func.substr(documents.c.text, start + 1, end - start).label("sentence"))
                .join(documents, documents.c.id == bounds.c.document_id))

    def document_rows(self, ids: set[str]) -> list[DocumentRow]:
        """The metadata of the documents ``ids`` (no text), in id order."""
        rows = []
        with self.engine.connect() as conn:
            for chunk in chunks(ids):
                rows += conn.execute(select(*DOCUMENT_ROW).where(documents.c.id.in_(chunk))).all()
        return [document_row(r) for r in sorted(rows, key=lambda r: r.id)]

    def recent_documents(self, limit: int = 20) -> list[DocumentRow]:
        """The latest documents by report time (publication, else ingest date)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(*DOCUMENT_ROW)
                .order_by(report_date().desc().nulls_last(), documents.c.ingested_at.desc(),
                          documents.c.id)
                .limit(limit)).all()
        return [document_row(r) for r in rows]

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

    def source_weights(self, assertion_ids: set[int]) -> list[dict]:
        """Each source of these assertions, without its text: its story, the
        confidence its extractor gave, whether it was hedged (what a fact's combined
        confidence is made of)."""
        out = []
        with self.engine.connect() as conn:
            for chunk in chunks(assertion_ids):
                out += [dict(r._mapping) for r in conn.execute(
                    select(sources.c.assertion_id, assertions.c.kind, sources.c.confidence,
                           sources.c.hedged,
                           func.coalesce(documents.c.story_id, documents.c.id).label("story"))
                    .join(assertions, assertions.c.id == sources.c.assertion_id)
                    .join(documents, documents.c.id == sources.c.document_id)
                    .where(and_(sources.c.assertion_id.in_(chunk), standing()))
                    .order_by(sources.c.assertion_id, sources.c.id)).all()]
        return out

    def story_counts(self) -> tuple[int, int]:
        """(documents, stories): how many stored documents tell how many stories."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count(), func.count(func.distinct(
                func.coalesce(documents.c.story_id, documents.c.id))))).one()

    def entity_document_counts(self, ids: set[int] | None = None) -> dict[int, int]:
        """Entity id → how many documents name it (one grouped read; for ``ids``
        only, one per chunk of them)."""
        query = (select(mentions.c.entity_id, func.count(func.distinct(mentions.c.document_id)))
                 .group_by(mentions.c.entity_id))
        with self.engine.connect() as conn:
            if ids is None:
                return dict(conn.execute(query).all())
            counts: dict[int, int] = {}
            for chunk in chunks(ids):
                counts.update(conn.execute(query.where(mentions.c.entity_id.in_(chunk))).all())
            return counts

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
        reported = report_date()
        query = (select(*DOCUMENT_ROW, func.count(mentions.c.id).label("n"))
                 .join(mentions, mentions.c.document_id == documents.c.id)
                 .where(mentions.c.entity_id == entity_id)
                 .group_by(*DOCUMENT_ROW)
                 .order_by(reported.desc().nulls_last(), documents.c.ingested_at.desc(),
                           documents.c.id.desc()))
        if as_of is not None:
            query = query.where(func.substr(reported, 1, len(as_of)) <= as_of)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        found = [document_row(r, r.n) for r in reversed(rows)]
        # Dated oldest first; undated apart, after them.
        return [d for d in found if d.date != UNDATED] + [d for d in found if d.date == UNDATED]

    def entity_seen(self, entity_id: int, as_of: str | None = None
                    ) -> tuple[int, str | None, str | None]:
        """(how many documents name the entity, first and last report date), the
        dates as :attr:`DocumentRow.date` gives them (``*``: an ingest date)."""
        reported = report_date()
        dated = func.coalesce(documents.c.published,
                              documents.c.published_estimate + ESTIMATED)
        its = (select(documents.c.id, dated.label("date"))
               .join(mentions, mentions.c.document_id == documents.c.id)
               .where(mentions.c.entity_id == entity_id).distinct())
        if as_of is not None:
            its = its.where(func.substr(reported, 1, len(as_of)) <= as_of)
        its = its.subquery()
        with self.engine.connect() as conn:
            row = conn.execute(select(func.count(), func.min(self._text_order(its.c.date)),
                                      func.max(self._text_order(its.c.date)))).one()
        return row[0], row[1], row[2]

    def entity_spans(self, ids: set[int] | None = None
                     ) -> dict[int, tuple[str | None, str | None, datetime, datetime]]:
        """For each entity (or those of ``ids``): its first and last report date
        (published, else estimated; None when no document naming it has one) and
        the first and last time a document naming it was stored."""
        dated = func.coalesce(documents.c.published, documents.c.published_estimate)
        query = (select(mentions.c.entity_id, func.min(dated), func.max(dated),
                        func.min(documents.c.ingested_at), func.max(documents.c.ingested_at))
                 .join(documents, documents.c.id == mentions.c.document_id)
                 .group_by(mentions.c.entity_id))
        out = {}
        with self.engine.connect() as conn:
            for chunk in ([None] if ids is None else chunks(ids)):
                part = query if chunk is None else query.where(
                    mentions.c.entity_id.in_(chunk))
                for entity_id, first, last, stored, restored in conn.execute(part):
                    out[entity_id] = (first, last, as_datetime(stored), as_datetime(restored))
        return out

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
                  .order_by(report_date().desc().nulls_last(), mentions.c.document_id)
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


def _named_in(value: dict) -> list[int]:
    """Entity ids a statement's value names: an event's actors, a claim's place and
    whoever the figure is attributed to."""
    return [i for i in (*value.get("actors", []), value.get("place"),
                        value.get("attributed_to")) if isinstance(i, int)]
