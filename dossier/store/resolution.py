"""The queries behind cross-document resolution and user corrections.

Rules live in :mod:`dossier.resolve`; this module reads and writes the tables.
Corrections are rows of their own (``corrections``): a merge sets
``entities.merged_into`` and a split records an alias override, so both are
re-applied whenever documents are ingested or reprocessed again. A statement
marked wrong (a reject) is kept by its assertion identity, which a reprocess
gives the rebuilt statement again: it stays in the store, hidden from every
read for users (:func:`dossier.store.columns.standing`).
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Connection

from dossier import vocabulary
from dossier.errors import StorageError
from dossier.model import Entity
from dossier.resolve import alias_index_keys, alias_key, fuzzy_candidate, name_acronyms
from dossier.schema import load as load_schema
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


def _add_aliases(conn: Connection, from_id: int, to_id: int) -> None:
    """Give ``to_id`` every alias of ``from_id`` (counts added where it has the
    alias already); ``from_id`` keeps its own rows."""
    for alias, key, count in conn.execute(select(aliases.c.alias, aliases.c.alias_key,
                                                 aliases.c.count)
                                          .where(aliases.c.entity_id == from_id)).all():
        moved = conn.execute(update(aliases).where(and_(
            aliases.c.entity_id == to_id, aliases.c.alias == alias))
            .values(count=aliases.c.count + count))
        if moved.rowcount == 0:
            conn.execute(aliases.insert().values(**alias_row(to_id, alias, key, count)))


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
    and it resolves to ``into_id`` from now on. Returns the correction's id.

    The merged entity keeps its own alias rows (resolution follows it to
    ``into_id``): they are what an undo takes back. Statements marked wrong stay
    so under the identities the merge gives them.
    """
    for entity_id in (into_id, from_id):
        row = conn.execute(select(entities.c.merged_into).where(
            entities.c.id == entity_id)).first()
        if row is None:
            raise StorageError(f"no entity {entity_id}")
        if row.merged_into is not None:
            raise StorageError(f"entity {entity_id} was merged into {row.merged_into} "
                               "already: name that one")
    conn.execute(update(entities).where(entities.c.id == from_id).values(merged_into=into_id))
    conn.execute(update(mentions).where(mentions.c.entity_id == from_id)
                 .values(entity_id=into_id))
    _add_aliases(conn, from_id, into_id)
    for column in (assertions.c.subject_id, assertions.c.object_id):
        conn.execute(update(assertions).where(column == from_id).values({column.name: into_id}))
    # A symmetric tie is stored lower id first (as ingest writes it), so that its
    # identity is the one a reprocess computes.
    symmetric = sorted(load_schema().symmetric)
    conn.execute(update(assertions).where(and_(
        assertions.c.kind == "relation", assertions.c.predicate.in_(symmetric),
        assertions.c.subject_id > assertions.c.object_id,
        or_(assertions.c.subject_id == into_id, assertions.c.object_id == into_id)))
        .values(subject_id=assertions.c.object_id, object_id=assertions.c.subject_id))
    moved = [r[0] for r in conn.execute(select(assertions.c.id).where(or_(
        assertions.c.subject_id == into_id, assertions.c.object_id == into_id))).all()]
    before = _identities(conn, moved)
    identities.refresh(conn, moved)
    _carry_rejects(conn, before, _identities(conn, moved))
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
    if source is None:
        raise StorageError(f"no entity {entity_id}")
    key = alias_key(alias, source.type, vocabulary.load().shapes)
    if not conn.execute(select(aliases.c.alias).where(and_(
            aliases.c.entity_id == entity_id, aliases.c.alias_key == key))).first():
        raise StorageError(f"{alias!r} is no alias of {source.name} (entity {entity_id})")
    new_id = new_entity(conn, alias, source.type, None)
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


def _identities(conn: Connection, assertion_ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for start in range(0, len(assertion_ids), 900):
        found.update(conn.execute(select(assertions.c.id, assertions.c.identity).where(
            assertions.c.id.in_(assertion_ids[start:start + 900]))).all())
    return found


def _carry_rejects(conn: Connection, before: dict[int, str], after: dict[int, str]) -> None:
    """Statements marked wrong stay so when a merge changes their identity."""
    for assertion_id, old in before.items():
        new = after.get(assertion_id)
        if new and old and new != old:
            conn.execute(update(corrections).where(and_(
                corrections.c.action == "reject", corrections.c.undone.is_(False),
                corrections.c.identity == old)).values(identity=new))


def reject(conn: Connection, assertion_id: int, note: str = "") -> int:
    """Mark the statement ``assertion_id`` wrong: it stays in the store, hidden from
    profiles, graphs and exports, and stays hidden after a reprocess (it is kept
    by its identity). Returns the correction's id."""
    row = conn.execute(select(assertions).where(assertions.c.id == assertion_id)).first()
    if row is None:
        raise StorageError(f"no statement {assertion_id} (ids change when documents are "
                           "reprocessed: see `dossier show NAME --json`)")
    key = row.identity or identities.of_row(row)
    already = _rejection(conn, key)
    if already is not None:
        raise StorageError(f"statement {assertion_id} is marked wrong already "
                           f"(correction {already})")
    return conn.execute(corrections.insert().values(
        action="reject", entity_id=row.subject_id, other_id=row.object_id, alias_key=None,
        identity=key, assertion_id=assertion_id, note=note, undone=False,
        created_at=_now())).inserted_primary_key[0]


def _rejection(conn: Connection, identity: str | None) -> int | None:
    """The correction in force that marks statements of ``identity`` wrong, if any."""
    if identity is None:
        return None
    row = conn.execute(select(corrections.c.id).where(and_(
        corrections.c.action == "reject", corrections.c.undone.is_(False),
        corrections.c.identity == identity)).order_by(corrections.c.id)).first()
    return row[0] if row else None


def statement(conn: Connection, assertion_id: int | None = None,
              identity: str | None = None) -> dict | None:
    """One stored statement, by id or by identity (the first of that identity),
    shown or hidden: kind, subject, predicate, object, dates, value, and
    ``rejected``, the correction that hides it (None if shown)."""
    query = select(assertions)
    if assertion_id is not None:
        query = query.where(assertions.c.id == assertion_id)
    elif identity is not None:
        query = query.where(assertions.c.identity == identity)
    else:
        return None
    row = conn.execute(query.order_by(assertions.c.id)).first()
    if row is None:
        return None
    return {"id": row.id, "kind": row.kind, "subject_id": row.subject_id,
            "predicate": row.predicate, "object_id": row.object_id,
            "valid_from": row.valid_from, "valid_to": row.valid_to,
            "value": dict(row.value or {}), "identity": row.identity,
            "rejected": _rejection(conn, row.identity)}


def undo(conn: Connection, correction_id: int) -> dict | None:
    """Mark a correction undone; returns it, or None when there is no correction
    ``correction_id`` in force. A merge's entity takes its aliases back and a split
    alias goes back to the entity it came from (a reprocess then rebuilds their
    mentions and statements); a statement marked wrong is shown again at once."""
    row = conn.execute(select(corrections).where(corrections.c.id == correction_id)).first()
    if row is None or row.undone:
        return None
    conn.execute(update(corrections).where(corrections.c.id == correction_id)
                 .values(undone=True))
    if row.action == "merge":
        conn.execute(update(entities).where(entities.c.id == row.other_id)
                     .values(merged_into=None))
        _give_back_aliases(conn, row.other_id, canonical(conn, row.entity_id))
    elif row.action == "split":
        _return_split(conn, row.entity_id, canonical(conn, row.other_id))
    return dict(row._mapping)


def _give_back_aliases(conn: Connection, from_id: int, into_id: int) -> None:
    """Undo a merge's aliases: the merged entity's own alias rows (kept by
    :func:`merge`) leave ``into_id``, whose counts drop by theirs."""
    if from_id == into_id:
        return
    for alias, count in conn.execute(select(aliases.c.alias, aliases.c.count)
                                     .where(aliases.c.entity_id == from_id)).all():
        conn.execute(update(aliases).where(and_(aliases.c.entity_id == into_id,
                                                aliases.c.alias == alias))
                     .values(count=aliases.c.count - count))
    conn.execute(aliases.delete().where(and_(aliases.c.entity_id == into_id,
                                             aliases.c.count <= 0)))
    if not conn.execute(select(aliases.c.alias).where(aliases.c.entity_id == from_id)
                        .limit(1)).first():
        # Merged before merges kept aliases: its own name at least resolves to it again.
        row = conn.execute(select(entities.c.name, entities.c.type)
                           .where(entities.c.id == from_id)).first()
        key = alias_key(row.name, row.type, vocabulary.load().shapes)
        conn.execute(aliases.delete().where(and_(aliases.c.entity_id == into_id,
                                                 aliases.c.alias == row.name)))
        conn.execute(aliases.insert().values(**alias_row(from_id, row.name, key)))


def _return_split(conn: Connection, split_id: int, source_id: int) -> None:
    """Undo a split: the split entity's aliases go back to ``source_id`` and it
    resolves there from now on."""
    if split_id == source_id:
        return
    _add_aliases(conn, split_id, source_id)
    conn.execute(aliases.delete().where(aliases.c.entity_id == split_id))
    conn.execute(update(entities).where(entities.c.id == split_id)
                 .values(merged_into=source_id))


def list_corrections(conn: Connection) -> list[dict]:
    """Every correction, oldest first; a reject with ``statement``: the statement it
    marks wrong as stored now (None when no document states it any more)."""
    out = []
    for r in conn.execute(select(corrections).order_by(corrections.c.id)).all():
        item = dict(r._mapping)
        if r.action == "reject":
            item["statement"] = statement(conn, identity=r.identity)
        out.append(item)
    return out
