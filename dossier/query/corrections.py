"""A user's corrections as the CLI and the web list them: merges, splits and
statements marked wrong, each with the names it concerns and one line that says
what it did."""
from __future__ import annotations

from dossier.store.base import Store

def statement_summary(statement: dict, names: dict[int, str]) -> str:
    """One line for a stored statement (a row of ``assertions`` as
    :meth:`~dossier.store.sql.SQLStore.statement` gives it); ``names``: entity id
    → name."""
    value = statement.get("value") or {}
    subject = names.get(statement.get("subject_id")) or "?"
    kind = statement["kind"]
    if kind == "relation":
        return (f"{subject} {(statement.get('predicate') or '').replace('_', ' ')} "
                f"{names.get(statement.get('object_id')) or '?'}")
    if kind == "claim":
        figure = f"{value.get('min'):,}" if isinstance(value.get("min"), int) else "?"
        if isinstance(value.get("max"), int):
            figure += f"–{value['max']:,}"
        qualifier = f"{value['qualifier']} " if value.get("qualifier") else ""
        as_of = f" (as of {value['as_of']})" if value.get("as_of") else ""
        return f"{subject}: {statement.get('predicate') or 'figure'} {qualifier}{figure}{as_of}"
    if kind == "event":
        return f"{statement.get('valid_from') or 'undated'}: {value.get('description') or ''}"
    speaker = names.get(statement.get("subject_id")) or value.get("speaker_text") or "unattributed"
    return f"“{value.get('text') or ''}” — {speaker}"


def _names(store: Store, ids: set[int]) -> dict[int, str]:
    found = {}
    for entity_id in ids:
        row = store.entity(entity_id)
        if row is not None:
            found[entity_id] = row.name
    return found


def statement_names(store: Store, statement: dict) -> dict[int, str]:
    """Entity id → name for the entities a statement names."""
    return _names(store, {i for i in (statement.get("subject_id"), statement.get("object_id"))
                          if i is not None})


def corrections(store: Store) -> list[dict]:
    """Every correction, oldest first, ready for a page or JSON: ``entity`` and
    ``other`` as {id, name} (a merge: kept and merged in; a split: the new entity
    and the one it left; a reject: the statement's subject and object), ``alias``
    (a split's alias key), ``statement`` (a reject: the statement hidden, as
    stored now, with its ``summary``; None when no document states it any more)
    and ``summary``, one line for the whole correction."""
    rows = store.corrections()
    ids = {i for c in rows for i in (c["entity_id"], c["other_id"]) if i is not None}
    ids |= {i for c in rows if c.get("statement")
            for i in (c["statement"]["subject_id"], c["statement"]["object_id"]) if i is not None}
    names = _names(store, ids)

    def named(entity_id):
        return {"id": entity_id, "name": names.get(entity_id)} if entity_id is not None else None

    out = []
    for c in rows:
        item = {"id": c["id"], "action": c["action"], "note": c["note"] or "",
                "undone": bool(c["undone"]), "created_at": c["created_at"].isoformat(
                    timespec="seconds"), "entity": named(c["entity_id"]),
                "other": named(c["other_id"]), "alias": c["alias_key"],
                "assertion_id": c.get("assertion_id"), "statement": None}
        if c["action"] == "merge":
            item["summary"] = f"{names.get(c['other_id'])} merged into {names.get(c['entity_id'])}"
        elif c["action"] == "split":
            item["summary"] = (f"{names.get(c['entity_id'])} split off from "
                               f"{names.get(c['other_id'])}")
        else:
            shown = c.get("statement")
            if shown is not None:
                item["statement"] = {"id": shown["id"], "kind": shown["kind"],
                                     "summary": statement_summary(shown, names)}
                item["summary"] = f"wrong: {item['statement']['summary']}"
            else:
                item["summary"] = (f"wrong: statement {c.get('assertion_id')} "
                                   "(no document states it any more)")
        out.append(item)
    return out
