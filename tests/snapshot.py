"""A store's contents as plain, id-free data, to compare two stores built by
different engines or backends."""
from __future__ import annotations

from sqlalchemy import select

from dossier.store.schema import documents


def snapshot(store) -> dict:
    """Documents, entities with aliases, and assertions with their sources, named
    rather than numbered (entity ids depend on nothing but write order, but names
    make a difference readable)."""
    with store.engine.connect() as conn:
        docs = sorted(tuple(r) for r in conn.execute(
            select(documents.c.id, documents.c.text, documents.c.title, documents.c.published)))
    entity_names = {}
    entities = []
    for row, aliases in store.all_entities():
        entity_names[row.id] = (row.name, row.type)
        entities.append((row.name, row.type, row.kb_id, tuple(sorted(aliases))))

    def named(value):
        if isinstance(value, dict):
            return {k: named(v) for k, v in sorted(value.items())}
        return value

    assertions = []
    for a in store.assertion_rows():
        value = dict(a["value"])
        if "actors" in value:
            value["actors"] = sorted(entity_names.get(i, ("?", "?")) for i in value["actors"])
        for ref in ("place", "attributed_to"):
            if value.get(ref) is not None:
                value[ref] = entity_names.get(value[ref])
        assertions.append(repr((
            a["kind"], entity_names.get(a["subject_id"]), a["predicate"],
            entity_names.get(a["object_id"]), a["valid_from"], named(value),
            sorted((s["document_id"], tuple(s["span"]), s["hedged"]) for s in a["sources"]))))
    return {"documents": docs, "entities": sorted(entities), "assertions": sorted(assertions),
            "counts": {k: v for k, v in store.counts().items() if k != "failures"}}
