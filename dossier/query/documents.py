"""Documents: one stored article, the latest ones, full-text search over them."""
from __future__ import annotations

from dossier.store.base import DocumentRow, EntityRow, Store

DOCUMENTS_PER_PAGE = 20
"""How many documents a page of search results lists."""


def document(store: Store, document_id: str) -> dict | None:
    """A stored document: metadata, cleaned text, repairs, the other copies of its story."""
    return store.document(document_id)


def search_documents(store: Store, words: str, limit: int = 20) -> list[tuple[DocumentRow, str]]:
    """The best ``limit`` documents holding every word of ``words``, with a plain snippet."""
    return store.search_documents(words, limit)


def document_hits(store: Store, words: str, page: int = 1,
                  per_page: int = DOCUMENTS_PER_PAGE) -> dict:
    """Page ``page`` (from 1) of the documents holding every word of ``words``.

    Returns ``documents`` (id, title, date, ``snippet`` as plain text and
    ``snippet_parts``, ``[[text, matched], ...]``, for highlighting), ``total``
    (matches in all), ``page`` and ``pages``.
    """
    hits, total = store.search_document_page(words, (page - 1) * per_page, per_page)
    return {"documents": [{"id": d.id, "title": d.title or d.source, "date": d.date,
                           "snippet": "".join(piece for piece, _ in parts),
                           "snippet_parts": [[piece, matched] for piece, matched in parts]}
                          for d, parts in hits],
            "total": total, "page": page, "pages": -(-total // per_page)}


def recent_documents(store: Store, limit: int = 20) -> list[DocumentRow]:
    return store.recent_documents(limit)


def top_groups(store: Store, limit: int = 20) -> list[tuple[EntityRow, int]]:
    """The armed groups named in the most documents."""
    return store.top_entities("armed_group", limit)
