"""The queries behind cross-document resolution and user corrections.

Rules live in :mod:`dossier.resolve`; this module reads and writes the tables.
Corrections are rows of their own (``corrections``): a merge sets
``entities.merged_into`` and a split records an alias override, so both are
re-applied whenever documents are ingested or reprocessed again.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Connection

from dossier import vocabulary
from dossier.model import Entity
from dossier.resolve import alias_index_keys, alias_key, fuzzy_candidate, name_acronyms
from dossier.store import identity as identities
from dossier.store.schema import (aliases, assertions, corrections, entities, event_actors,
                                  mentions, type_votes)
from dossier.store.schema import name_acronyms as name_acronyms_table
from dossier.vocabulary import acronym_of, is_acronym_text


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _code_points(conn: Connection, column):
    """``column`` ordered by code point, as SQLite orders text, on any backend."""
    return column.collate("C") if conn.dialect.name == "postgresql" else column


def canonical(conn: Connection, entity_id: int) -> int:
    """Follow merges to the entity that stands for ``entity_id`` now."""
    seen = set()
    while entity_id not in seen:
        seen.add(entity_id)
        row = conn.execute(select(entities.c.merged_into).where(
            entities.c.id == entity_id)).first()
        if row is None or row[0] is None:
            return entity_id
        entity_id = row[0]
    return entity_id


def _same_entry(kb_id: str | None):
    """SQL: an entity another may be by name: for a gazetteer entity, one of no
    entry or of the same entry (never another entry's: "AFP" the agency is not
    the army that one text called "AFP"); else one of no entry."""
    if kb_id is None:
        return entities.c.kb_id.is_(None)
    return or_(entities.c.kb_id.is_(None), entities.c.kb_id == kb_id)


def has_splits(conn: Connection) -> bool:
    """Whether any split is in force (most stores have none: resolution then
    skips looking for one, once per transaction rather than once per entity)."""
    return conn.execute(select(corrections.c.id).where(and_(
        corrections.c.action == "split", corrections.c.undone.is_(False))).limit(1)
        ).first() is not None


def resolve(conn: Connection, entity: Entity, splits: bool = True) -> int:
    """The stored entity a record's entity is, creating one when none fits.

    splits: False when the caller knows no split is in force (:func:`has_splits`).
    """
    shapes = vocabulary.load().shapes
    keys = {alias_key(a, entity.type, shapes) for a in (entity.name, *entity.aliases)} - {""}
    if splits:
        override = conn.execute(
            select(corrections.c.entity_id).where(and_(
                corrections.c.action == "split", corrections.c.undone.is_(False),
                corrections.c.alias_key.in_(keys)))
            .order_by(corrections.c.id.desc())).first()
        if override:
            return canonical(conn, override[0])
    if any(len(k.split()) > 1 for k in keys):
        # An entity named in full resolves on its full names: the surname or head
        # word it was also called in its text ("Hussain", "Army") is shared by too
        # many others ("Naeem Hussain" is not "Junaid Hussain").
        keys = {k for k in keys if len(k.split()) > 1}
    if entity.kb_id:
        row = conn.execute(select(entities.c.id, entities.c.merged_into).where(
            entities.c.kb_id == entity.kb_id).order_by(entities.c.id)).first()
        if row:
            return row[0] if row[1] is None else canonical(conn, row[0])
    same_name = (select(entities.c.id, entities.c.merged_into)
                 .join(aliases, aliases.c.entity_id == entities.c.id)
                 .where(and_(aliases.c.alias_key.in_(keys),
                             _same_entry(entity.kb_id)))
                 .order_by(entities.c.id))
    row = conn.execute(same_name.where(entities.c.type == entity.type)).first()
    if row is None and not entity.kb_id and all(len(k.split()) > 1 for k in keys):
        # A name of two words or more is one thing whatever type a document's
        # reading gave it ("Pulau Gaya" a person here, a place there); the entity's
        # type is then the vote of its documents (see :func:`vote_type`). A
        # one-word name may be two things ("Milan"), and stays apart.
        row = conn.execute(same_name).first()
    if row:
        return row[0] if row[1] is None else canonical(conn, row[0])
    if entity.type in ("person", "organization") and not entity.kb_id and keys \
            and all(len(k.split()) == 1 for k in keys):
        # "Duterte" alone (which the model may even call an organisation): the one
        # known person of that surname, if there is just one.
        surname = next(iter(keys))
        people = {r[0] for r in conn.execute(
            select(aliases.c.entity_id).join(entities, aliases.c.entity_id == entities.c.id)
            .where(and_(entities.c.type == "person", entities.c.merged_into.is_(None),
                        aliases.c.last_word == surname))).all()}
        if len(people) == 1:
            return canonical(conn, people.pop())
    by_acronym = _acronym_match(conn, entity)
    if by_acronym is not None:
        return canonical(conn, by_acronym)
    # In a fixed order (ties in the fuzzy match go to the first), the same on every
    # backend; only aliases of the same block are candidates (an indexed lookup).
    key = alias_key(entity.name, entity.type, shapes)
    known = dict(conn.execute(
        select(aliases.c.alias_key, aliases.c.entity_id)
        .join(entities, aliases.c.entity_id == entities.c.id)
        .where(and_(entities.c.type == entity.type, entities.c.merged_into.is_(None),
                    aliases.c.block == alias_index_keys(key)["block"],
                    _same_entry(entity.kb_id)))
        .order_by(aliases.c.entity_id, _code_points(conn, aliases.c.alias))).all())
    found = fuzzy_candidate(key, known)
    if found is not None:
        return canonical(conn, found)
    return new_entity(conn, entity.name, entity.type, entity.kb_id)


def new_entity(conn: Connection, name: str, type_: str, kb_id: str | None) -> int:
    """Insert an entity with the acronyms its name spells or is; return its id."""
    entity_id = conn.execute(entities.insert().values(
        name=name, type=type_, kb_id=kb_id, created_at=_now())).inserted_primary_key[0]
    acronyms = name_acronyms(name, vocabulary.load().shapes)
    if acronyms:
        conn.execute(name_acronyms_table.insert(), [
            {"entity_id": entity_id, "kind": kind, "acronym": acronym}
            for kind, acronym in sorted(acronyms)])
    return entity_id


def alias_row(entity_id: int, alias: str, key: str, count: int = 1) -> dict:
    """An ``aliases`` row with its resolution keys (``key``: :func:`alias_key`)."""
    return {"entity_id": entity_id, "alias": alias, "alias_key": key, "count": count,
            **alias_index_keys(key)}


def _acronym_match(conn: Connection, entity: Entity) -> int | None:
    """"CSIS" in one article, "Center for Strategic and International Studies" in
    another: the one known entity of the same type whose name spells the acronym
    (or whose acronym this long name spells)."""
    if entity.kb_id:
        return None
    shapes = vocabulary.load().shapes
    forms = (entity.name, *entity.aliases)
    short = {re.sub(r"[.\-]", "", a) for a in forms if is_acronym_text(a)}
    long = set().union(*(acronym_of(a.split(), shapes) for a in forms
                         if not is_acronym_text(a)))
    if not short and not long:
        return None
    table = name_acronyms_table
    found = {r[0] for r in conn.execute(
        select(table.c.entity_id).join(entities, entities.c.id == table.c.entity_id)
        .where(and_(entities.c.type == entity.type, entities.c.merged_into.is_(None),
                    or_(and_(table.c.kind == "spells", table.c.acronym.in_(sorted(short))),
                        and_(table.c.kind == "is", table.c.acronym.in_(sorted(long))))))).all()}
    return found.pop() if len(found) == 1 else None


def vote_type(conn: Connection, entity_id: int, type_: str) -> None:
    """Count one document's reading of an entity's type; a non-gazetteer entity
    takes the type most of its documents gave it (ties: the first)."""
    updated = conn.execute(update(type_votes).where(and_(
        type_votes.c.entity_id == entity_id, type_votes.c.type == type_))
        .values(votes=type_votes.c.votes + 1))
    if updated.rowcount == 0:
        conn.execute(type_votes.insert().values(entity_id=entity_id, type=type_, votes=1))
    row = conn.execute(select(entities.c.type, entities.c.kb_id)
                       .where(entities.c.id == entity_id)).first()
    if row.kb_id:
        return
    votes = dict(conn.execute(select(type_votes.c.type, type_votes.c.votes)
                              .where(type_votes.c.entity_id == entity_id)).all())
    best = max(votes, key=lambda t: (votes[t], t == row.type))
    if best != row.type:
        conn.execute(update(entities).where(entities.c.id == entity_id).values(type=best))


def merge(conn: Connection, into_id: int, from_id: int, note: str = "") -> int:
    """Merge ``from_id`` into ``into_id``: its mentions, aliases and assertions move,
    and it resolves to ``into_id`` from now on. Returns the correction's id."""
    conn.execute(update(entities).where(entities.c.id == from_id).values(merged_into=into_id))
    conn.execute(update(mentions).where(mentions.c.entity_id == from_id)
                 .values(entity_id=into_id))
    for alias, key, count in conn.execute(select(aliases.c.alias, aliases.c.alias_key,
                                                 aliases.c.count)
                                          .where(aliases.c.entity_id == from_id)).all():
        moved = conn.execute(update(aliases).where(and_(
            aliases.c.entity_id == into_id, aliases.c.alias == alias))
            .values(count=aliases.c.count + count))
        if moved.rowcount == 0:
            conn.execute(aliases.insert().values(**alias_row(into_id, alias, key, count)))
    conn.execute(aliases.delete().where(aliases.c.entity_id == from_id))
    for column in (assertions.c.subject_id, assertions.c.object_id):
        conn.execute(update(assertions).where(column == from_id).values({column.name: into_id}))
    moved = [r[0] for r in conn.execute(select(assertions.c.id).where(or_(
        assertions.c.subject_id == into_id, assertions.c.object_id == into_id))).all()]
    identities.refresh(conn, moved)
    both = select(event_actors.c.assertion_id).where(event_actors.c.entity_id == into_id)
    conn.execute(event_actors.delete().where(and_(event_actors.c.entity_id == from_id,
                                                  event_actors.c.assertion_id.in_(both))))
    conn.execute(update(event_actors).where(event_actors.c.entity_id == from_id)
                 .values(entity_id=into_id))
    return conn.execute(corrections.insert().values(
        action="merge", entity_id=into_id, other_id=from_id, alias_key=None,
        note=note, undone=False, created_at=_now())).inserted_primary_key[0]


def split(conn: Connection, entity_id: int, alias: str, note: str = "") -> tuple[int, int]:
    """Give ``alias`` of ``entity_id`` an entity of its own: its mentions move, and
    the alias resolves there from now on. Returns (new entity id, correction id)."""
    source = conn.execute(select(entities).where(entities.c.id == entity_id)).first()
    new_id = new_entity(conn, alias, source.type, None)
    key = alias_key(alias, source.type, vocabulary.load().shapes)
    conn.execute(update(aliases).where(and_(aliases.c.entity_id == entity_id,
                                            aliases.c.alias_key == key))
                 .values(entity_id=new_id))
    conn.execute(update(mentions).where(and_(mentions.c.entity_id == entity_id,
                                             mentions.c.text == alias))
                 .values(entity_id=new_id))
    correction = conn.execute(corrections.insert().values(
        action="split", entity_id=new_id, other_id=entity_id, alias_key=key, note=note,
        undone=False, created_at=_now())).inserted_primary_key[0]
    return new_id, correction


def undo(conn: Connection, correction_id: int) -> dict | None:
    """Mark a correction undone; returns it (a reprocess then rebuilds without it)."""
    row = conn.execute(select(corrections).where(corrections.c.id == correction_id)).first()
    if row is None or row.undone:
        return None
    conn.execute(update(corrections).where(corrections.c.id == correction_id)
                 .values(undone=True))
    if row.action == "merge":
        conn.execute(update(entities).where(entities.c.id == row.other_id)
                     .values(merged_into=None))
    return dict(row._mapping)


def list_corrections(conn: Connection) -> list[dict]:
    return [dict(r._mapping) for r in conn.execute(
        select(corrections).order_by(corrections.c.id)).all()]
