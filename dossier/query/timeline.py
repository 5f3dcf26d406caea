"""The timeline: dated events with their actors and sources."""
from __future__ import annotations

from dossier.query.names import find
from dossier.store.base import Store


def timeline(store: Store, group: str | None = None, year: str | None = None) -> list[dict]:
    """Dated events, oldest first, each with its actors and first source.

    group: any alias of an entity (gazetteer aliases too) picks its events; a name
        no entity has is looked for in the actors' names. year: ``YYYY``.
    """
    names = {e.id: (e.name, e.type) for e, _ in store.all_entities()}
    wanted = {e.id for e in find(store, group)} if group else set()
    rows = []
    for a in store.assertion_rows("event"):
        actors = [{"id": i, "name": names[i][0], "type": names[i][1]}
                  for i in a["value"].get("actors", []) if i in names]
        if group and not (wanted & {x["id"] for x in actors} if wanted else any(
                group.casefold() in x["name"].casefold() for x in actors)):
            continue
        if year and not (a["valid_from"] or "").startswith(year):
            continue
        src = a["sources"][0]
        rows.append({"date": a["valid_from"], "description": a["value"].get("description"),
                     "actors": actors, "document_id": src["document_id"],
                     "span": src["span"], "sources": len(a["sources"]),
                     "stories": len({s["story_id"] for s in a["sources"]})})
    return sorted(rows, key=lambda r: r["date"] or "")


