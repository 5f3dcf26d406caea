"""Documents: one stored article, the latest ones, full-text search over them."""
from __future__ import annotations

from dossier.store.base import DocumentRow, EntityRow, Store


def document(store: Store, document_id: str) -> dict | None:
    """A stored document: metadata, cleaned text, repairs, the other copies of its story."""
    return store.document(document_id)


def search_documents(store: Store, words: str, limit: int = 20) -> list[tuple[DocumentRow, str]]:
    return store.search_documents(words, limit)


def recent_documents(store: Store, limit: int = 20) -> list[DocumentRow]:
    return store.recent_documents(limit)


def top_groups(store: Store, limit: int = 20) -> list[tuple[EntityRow, int]]:
    """The armed groups named in the most documents."""
    return store.top_entities("armed_group", limit)
