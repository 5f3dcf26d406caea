"""A health report of a knowledge base: what its user should check by hand.

Each :class:`Finding` counts one kind of trouble over the whole store and names
its worst examples (those resting on the most documents): entities that look
like one thing stored twice, names that are fragments of a name, names whose
records disagree on their type, facts resting on one hedged source, conflicts,
and sources whose report time is unknown or only estimated.

The checks read through the :class:`~dossier.store.base.Store` interface; they
change nothing.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from dossier.conflicts import find_conflicts
from dossier.resolve import alias_key
from dossier.store.base import EntityRow, Store
from dossier.vocabulary import load as load_vocabulary
from dossier.vocabulary import is_acronym_text, name_key


@dataclass(frozen=True)
class Finding:
    """One check: how many of how many items it flags, and the worst few."""

    check: str
    what: str
    count: int
    out_of: int
    examples: tuple[str, ...] = ()

    @property
    def share(self) -> float:
        return self.count / self.out_of if self.out_of else 0.0

    def to_dict(self) -> dict:
        return {"check": self.check, "what": self.what, "count": self.count,
                "out_of": self.out_of, "share": round(self.share, 4),
                "examples": list(self.examples)}


def audit(store: Store, examples: int = 5) -> list[Finding]:
    """Every check over ``store``, in a fixed order."""
    entities = store.all_entities()
    documents = store.entity_document_counts()
    return [
        _duplicates(entities, documents, examples),
        _fragments(entities, documents, examples),
        _type_disagreements(entities, documents, examples),
        _one_hedged_source(store, {e.id: e.name for e, _ in entities}, examples),
        *_conflicts(store, examples),
        *_dating(store),
        _copies(store),
    ]


def _label(entity: EntityRow, documents: dict[int, int]) -> str:
    return f"{entity.name} ({entity.type}, #{entity.id}, {documents.get(entity.id, 0)} docs)"


def _worst(groups: list[list[EntityRow]], documents: dict[int, int], examples: int
           ) -> tuple[str, ...]:
    """The groups whose entities rest on the most documents, each as one line."""
    ranked = sorted(groups, key=lambda g: (-sum(documents.get(e.id, 0) for e in g),
                                           min(e.id for e in g)))
    return tuple(" ~ ".join(_label(e, documents) for e in sorted(g, key=lambda e: e.id))
                 for g in ranked[:examples])


def _duplicates(entities: list[tuple[EntityRow, list[str]]], documents: dict[int, int],
                examples: int) -> Finding:
    """Records of one type that share a resolution key: a person's name without
    titles, ranks and honorifics, any other entity's name key. As in resolution,
    an entity named in full is keyed on its full names, and acronyms (ambiguous
    by nature: "AFP") are left out."""
    shapes = load_vocabulary().shapes
    by_key: dict[tuple[str, str], set[int]] = defaultdict(set)
    rows = {e.id: e for e, _ in entities}
    for entity, aliases in entities:
        keys = {alias_key(a, entity.type, shapes) for a in (entity.name, *aliases)
                if not is_acronym_text(a)} - {""}
        if any(len(k.split()) > 1 for k in keys):
            keys = {k for k in keys if len(k.split()) > 1}
        for key in keys:
            by_key[(entity.type, key)].add(entity.id)
    groups = _joined(ids for ids in by_key.values() if len(ids) > 1)
    flagged = [[rows[i] for i in group] for group in groups]
    return Finding("duplicate entities", "records of one type sharing a name key "
                   "(titles and honorifics aside): likely one thing stored twice",
                   sum(len(g) for g in flagged), len(entities),
                   _worst(flagged, documents, examples))


def _joined(groups) -> list[set[int]]:
    """Overlapping id sets joined into disjoint ones (A~B and B~C: one group)."""
    out: list[set[int]] = []
    for group in groups:
        group = set(group)
        touching = [g for g in out if g & group]
        for g in touching:
            group |= g
            out.remove(g)
        out.append(group)
    return out


def _fragments(entities: list[tuple[EntityRow, list[str]]], documents: dict[int, int],
               examples: int) -> Finding:
    shapes = load_vocabulary().shapes
    flagged = [[e] for e, _ in entities if shapes.is_fragment(e.name)]
    return Finding("fragment names", "names ending in a conjunction, preposition or "
                   "article (cut short or run on)", len(flagged), len(entities),
                   _worst(flagged, documents, examples))


def _type_disagreements(entities: list[tuple[EntityRow, list[str]]],
                        documents: dict[int, int], examples: int) -> Finding:
    """One name held by records of different types ("Sidoarjo" a person and a place)."""
    by_key: dict[str, set[int]] = defaultdict(set)
    rows = {e.id: e for e, _ in entities}
    for entity, aliases in entities:
        for alias in (entity.name, *aliases):
            if name_key(alias):
                by_key[name_key(alias)].add(entity.id)
    groups = _joined(ids for ids in by_key.values()
                     if len({rows[i].type for i in ids}) > 1)
    flagged = [[rows[i] for i in group] for group in groups]
    return Finding("type disagreements", "one name held by records of different types",
                   len(flagged), len(entities), _worst(flagged, documents, examples))


def _one_hedged_source(store: Store, names: dict[int, str], examples: int) -> Finding:
    relations = store.assertion_rows("relation")
    flagged = [a for a in relations
               if len(a["sources"]) == 1 and a["sources"][0]["hedged"]]
    lines = tuple(f"{names.get(a['subject_id'])} {a['predicate']} {names.get(a['object_id'])}: "
                  f"“{a['sources'][0]['evidence'][:120]}”" for a in flagged[:examples])
    return Finding("one hedged source", "relations resting on a single hedged sentence",
                   len(flagged), len(relations), lines)


def _conflicts(store: Store, examples: int) -> list[Finding]:
    found = find_conflicts(store)
    by_kind = Counter(c.kind for c in found)
    out = [Finding("conflicts", "pairs of assertions that cannot both hold",
                   len(found), len(found), tuple(c.summary for c in found[:examples]))]
    out += [Finding(f"conflicts: {kind}", f"conflicts of kind {kind}", n, len(found),
                    tuple(c.summary for c in found if c.kind == kind)[:examples])
            for kind, n in sorted(by_kind.items())]
    return out


def _dating(store: Store) -> list[Finding]:
    counts = store.report_time_counts()
    total = sum(counts.values())
    return [Finding("undated sources", "sources whose report time is unknown",
                    counts.get("unknown", 0), total),
            Finding("estimated dates", "sources whose report time is estimated from the text",
                    counts.get("estimated", 0), total)]


def _copies(store: Store) -> Finding:
    documents, told = store.story_counts()
    return Finding("repeated stories", "documents that are near copies of an earlier one "
                   "(counted once in agreement)", documents - told, documents)
