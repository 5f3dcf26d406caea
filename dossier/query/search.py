"""The search page: entities by name (any alias, the words of a name, else the
closest names), counted by type; documents by words, a page at a time, with the
matched words marked in each snippet."""
from __future__ import annotations

from dossier.model import ENTITY_TYPES
from dossier.query.documents import DOCUMENTS_PER_PAGE, document_hits
from dossier.query.names import find, suggestions
from dossier.store.base import Store

ENTITY_LIMIT = 100
"""Most entities one search lists (their counts by type say "at least" beyond it)."""


def search(store: Store, q: str, type_: str | None = None, page: int = 1) -> dict:
    """Entities and documents for the query ``q``.

    Entities: those known by ``q`` (any alias, gazetteer aliases too) first, then
    those with an alias holding its words ("Shabaab" → "Harakat al-Shabaab
    al-Mujahideen"); when no alias is ``q``, also those with the closest names
    ("did you mean"). ``entity_counts`` counts them by type before ``type_``
    (an entity type) keeps one type. Documents: page ``page`` (from 1) of
    those holding every word of ``q``, ``DOCUMENTS_PER_PAGE`` a page, with
    ``total_documents`` and ``pages``; each snippet also as ``snippet_parts``,
    ``[[text, matched], ...]``, so a page can mark the matches without trusting
    article text as HTML.
    """
    exact = find(store, q) if q else []
    containing = store.find_entities_containing(q, ENTITY_LIMIT) if q else []
    close = [] if exact or not q else [e for alias in suggestions(store, q, limit=8)
                                       for e in find(store, alias)]
    found = list({e.id: e for e in exact + containing + close}.values())[:ENTITY_LIMIT]
    counts = {t: n for t in ENTITY_TYPES if (n := sum(e.type == t for e in found))}
    entities = [e for e in found if type_ is None or e.type == type_]
    docs = (document_hits(store, q, page, DOCUMENTS_PER_PAGE) if q else
            {"documents": [], "total": 0, "page": page, "pages": 0})
    return {"query": q, "type": type_,
            "entities": [{"id": e.id, "name": e.name, "type": e.type} for e in entities],
            "entity_counts": counts, "entities_total": len(found),
            "entities_capped": len(containing) >= ENTITY_LIMIT,
            "documents": docs["documents"], "total_documents": docs["total"],
            "page": docs["page"], "pages": docs["pages"], "per_page": DOCUMENTS_PER_PAGE}
