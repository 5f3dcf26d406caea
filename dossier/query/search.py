"""The search page: entities by name (or the closest names), documents by words."""
from __future__ import annotations

from dossier.query.documents import search_documents
from dossier.query.names import find, suggestions
from dossier.store.base import Store


def search(store: Store, q: str, type_: str | None = None) -> dict:
    """Entities named ``q`` (else those with the closest names), optionally of one
    type, and the documents whose text matches ``q``."""
    exact = find(store, q) if q else []
    names = [] if exact else [e for alias in suggestions(store, q, limit=8)
                              for e in find(store, alias)]
    entities = list({e.id: e for e in exact + names}.values())
    if type_:
        entities = [e for e in entities if e.type == type_]
    docs = search_documents(store, q) if q else []
    return {"query": q, "type": type_,
            "entities": [{"id": e.id, "name": e.name, "type": e.type} for e in entities],
            "documents": [{"id": d.id, "title": d.title or d.source, "date": d.date,
                           "snippet": snippet} for d, snippet in docs]}
