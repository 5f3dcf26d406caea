"""SQL expressions and row conversions shared by the store's reading, writing and
search: one definition of a document's report date, of the columns a
:class:`~dossier.store.base.DocumentRow` is read from, of an evidence span, of a
statement no correction has marked wrong.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

from sqlalchemy import and_, exists, func, select

from dossier.store.base import DocumentRow
from dossier.store.schema import assertions, corrections, documents, sources

IN_CHUNK = 900
"""Most ids bound in one IN (...) list."""


def chunks(ids: set[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), IN_CHUNK):
        yield ordered[start:start + IN_CHUNK]


def report_date():
    """SQL for a document's report date: published, else estimated, else NULL."""
    return func.coalesce(documents.c.published, documents.c.published_estimate)


DOCUMENT_ROW = (documents.c.id, documents.c.source, documents.c.title, documents.c.published,
                documents.c.published_estimate, documents.c.ingested_at)
"""The columns a :class:`DocumentRow` is read from."""


def document_row(r, mentions: int = 0) -> DocumentRow:
    return DocumentRow(r.id, r.source, r.title, r.published, as_datetime(r.ingested_at),
                       mentions, r.published_estimate)


def evidence():
    """SQL for a source's evidence span (only those characters are read)."""
    return func.substr(documents.c.text, sources.c.span_start + 1,
                       sources.c.span_end - sources.c.span_start).label("evidence")


def standing():
    """SQL: the statement (a row of ``assertions`` in the enclosing query) is not
    marked wrong by a correction in force. Every read that shows facts to users
    (profiles, graphs, exports, timelines, conflicts) keeps only these; rejected
    statements stay stored, listed by ``dossier corrections``."""
    return ~exists(select(corrections.c.id).where(and_(
        corrections.c.action == "reject", corrections.c.undone.is_(False),
        corrections.c.identity == assertions.c.identity))).correlate(assertions)


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def as_datetime(value) -> datetime:
    """A timestamp read by raw SQL comes back as text on SQLite."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
