"""What makes two statements one assertion (DESIGN.md: one assertion, many sources).

Every kind has an identity, kept in ``assertions.identity`` (indexed), so a
statement another document already made gains a source instead of a second row:

* a relation: its subject, predicate and object;
* a strength claim: its group, figures, qualifier, date and place;
* an event: its date and actors when dated to the day; at a coarser date, also
  the words of its description (one group's many events "in 2014" stay apart);
* a quote: its speaker and its words (case, punctuation and spacing aside).
"""
from __future__ import annotations

import hashlib
import re

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from dossier.store.schema import assertions

_WORDS = re.compile(r"\w+")


def _words(text: str | None) -> str:
    return " ".join(_WORDS.findall((text or "").casefold()))


def identity(kind: str, subject_id: int | None, predicate: str | None, object_id: int | None,
             value: dict) -> str:
    """The identity of a statement, as stored (entity ids, the stored value)."""
    if kind == "relation":
        parts = [subject_id, predicate, object_id]
    elif kind == "claim":
        parts = [subject_id, predicate, value.get("min"), value.get("max"),
                 value.get("qualifier"), value.get("as_of"), value.get("place")]
    elif kind == "event":
        parts = [value.get("date"), value.get("precision"), sorted(value.get("actors", []))]
        if value.get("precision") != "day":
            parts.append(_words(value.get("description")))
    else:
        parts = [subject_id, _words(value.get("text"))]
    key = "|".join(str(p) for p in (kind, *parts))
    return hashlib.sha256(key.encode()).hexdigest()


def of_row(row) -> str:
    """The identity of a stored ``assertions`` row."""
    return identity(row.kind, row.subject_id, row.predicate, row.object_id, dict(row.value or {}))


def refresh(conn: Connection, assertion_ids: list[int]) -> None:
    """Recompute identities (after a merge changed the entities they name)."""
    for row in conn.execute(select(assertions).where(assertions.c.id.in_(assertion_ids))).all():
        conn.execute(update(assertions).where(assertions.c.id == row.id)
                     .values(identity=of_row(row)))
