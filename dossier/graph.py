"""The stored relations as a networkx graph, shared by the CLI, the web and the exports.

Nodes are entities (name, type, aliases, gazetteer id); edges are relation
assertions, one per (subject, predicate, object), with how many sources and how
many independent stories (near copies counted once) state them, and when they
were first and last reported. ``as_of`` keeps the relations
that held at a date by valid time (``since``) where the text gave one, else by
report time; each edge says which it used (``time_basis``).
"""
from __future__ import annotations

import networkx as nx

from dossier.store.base import Store


def holds_at(assertion: dict, as_of: str) -> tuple[bool, str]:
    """Whether an assertion held at ``as_of`` (YYYY[-MM[-DD]]), and by which time.

    Valid time first: a relation with ``since`` after ``as_of`` did not hold yet.
    Without one, report time: a relation first reported after ``as_of`` is not
    known to have held then.
    """
    reports = sorted(s["report_time"] for s in assertion["sources"] if s["report_time"])
    return held_at(assertion.get("valid_from"), reports[0] if reports else None, as_of)


def held_at(valid_from: str | None, first_reported: str | None, as_of: str) -> tuple[bool, str]:
    """:func:`holds_at` for a statement's valid time and its earliest report."""
    if valid_from:
        return valid_from[:len(as_of)] <= as_of, "valid"
    if not first_reported:
        return False, "none"
    return first_reported[:len(as_of)] <= as_of, "report"


def neighbourhood(store: Store, around: int | None = None, depth: int = 1,
                  as_of: str | None = None, predicates: list[str] | None = None
                  ) -> tuple[set[int] | None, list[dict]]:
    """The relation summaries of the graph, and the entity ids reached (None: the
    whole store).

    around: an entity id; keep only entities within ``depth`` relations of it
        (and the relations among them). The neighbourhood is walked in the
        store, one ring at a time, so its cost follows the size of the answer,
        not of the store.
    as_of: keep only relations that held at this date (see :func:`holds_at`).
    predicates: walk and keep only relations of these predicates (None: all).
    """
    def held(a: dict) -> bool:
        return ((not predicates or a["predicate"] in predicates)
                and (as_of is None or held_at(a["valid_from"], a["first_reported"], as_of)[0]))

    if around is None:
        return None, [a for a in store.relation_summaries() if held(a)]
    keep, ring = {around}, {around}
    for _ in range(depth):
        touching = [a for a in store.relation_summaries(touching=ring) if held(a)]
        ring = {a[end] for a in touching for end in ("subject_id", "object_id")} - keep
        keep |= ring
        if not ring:
            break
    return keep, [a for a in store.relation_summaries(among=keep) if held(a)]


def build_graph(store: Store, around: int | None = None, depth: int = 1,
                as_of: str | None = None) -> nx.MultiDiGraph:
    """The relation graph of the store (all of it, or the :func:`neighbourhood`
    of ``around`` to ``depth``), relations as of ``as_of`` when given."""
    keep, relations = neighbourhood(store, around, depth, as_of)
    graph = nx.MultiDiGraph()
    for entity, aliases in store.all_entities(ids=keep):
        graph.add_node(entity.id, name=entity.name, type=entity.type,
                       aliases="; ".join(aliases), kb_id=entity.kb_id or "")
    for a in relations:
        basis = held_at(a["valid_from"], a["first_reported"], as_of)[1] if as_of else "all"
        graph.add_edge(
            a["subject_id"], a["object_id"], key=a["id"], predicate=a["predicate"],
            since=a["valid_from"] or "", sources=a["sources"], stories=a["stories"],
            first_reported=a["first_reported"], last_reported=a["last_reported"],
            hedged=a["hedged"], confidence=a["confidence"], evidence=a["evidence"],
            time_basis=basis)
    return graph
