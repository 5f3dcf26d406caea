"""The network page: the relation graph around an entity, cut to what can be read,
and the evidence of one edge.

Which nodes are kept when there are more than ``limit`` (:func:`network`):

* around an entity: the centre always; then, one at a time, the entity with the
  most stories on its relations to the entities already kept (ties: the larger
  ``weight``, then more ``mentions``, then the lower id). Every kept entity is
  tied to another kept one, and raising the limit only adds entities.
* the whole store: the entities with the largest ``weight`` (ties: more
  ``mentions``, then the lower id).

An entity's ``weight`` is the number of stories summed over its relations in the
graph before the cut; its ``mentions`` the number of documents naming it.
"""
from __future__ import annotations

import heapq
from collections import defaultdict

from dossier import schema
from dossier.graph import neighbourhood
from dossier.store.base import Store

DEFAULT_LIMIT = 60
"""Entities drawn when the request names no limit."""
MAX_LIMIT = 500
"""Most entities one request may ask for: more cannot be read on one screen."""
EVIDENCE_LIMIT = 200
"""Most sources one edge lists; the answer says how many there are in all."""
ALIASES_SHOWN = 5


def network(store: Store, around: int | None = None, depth: int = 1,
            as_of: str | None = None, predicates: list[str] | None = None,
            limit: int = DEFAULT_LIMIT) -> dict:
    """Nodes and edges of the graph around an entity (to ``depth``; the whole
    store when ``around`` is None), cut to at most ``limit`` entities by the rule
    in this module's docstring.

    as_of: only relations that held at this date (:func:`dossier.graph.holds_at`).
    predicates: only relations of these predicates, also while walking out.
    Returns ``nodes``, ``edges`` (only among kept nodes, one per subject,
    predicate and object; a symmetric one once per pair), ``cut`` (whether nodes
    were left out), ``total_nodes`` (before the cut), ``limit`` and ``center``.
    """
    symmetric = schema.load().symmetric
    _, relations = neighbourhood(store, around, depth, as_of, predicates)
    edges = _one_per_pair(relations, symmetric)
    candidates = {end for e in edges.values() for end in (e["from"], e["to"])}
    if around is not None:
        candidates.add(around)
    weight: dict[int, int] = dict.fromkeys(candidates, 0)
    ties: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for e in edges.values():
        weight[e["from"]] += e["stories"]
        weight[e["to"]] += e["stories"]
        ties[e["from"]][e["to"]] += e["stories"]
        ties[e["to"]][e["from"]] += e["stories"]
    mentions = store.entity_document_counts(ids=candidates if around is not None else None)
    kept = _choose(around, candidates, ties, weight, mentions, limit)
    entities = {e.id: (e, aliases) for e, aliases in store.all_entities(ids=set(kept))}
    nodes = [{"id": n, "label": entities[n][0].name, "type": entities[n][0].type,
              "aliases": [a for a in entities[n][1] if a != entities[n][0].name][:ALIASES_SHOWN],
              "mentions": mentions.get(n, 0), "weight": weight[n]}
             for n in kept if n in entities]  # an entity merged meanwhile drops out
    shown = {n["id"] for n in nodes}
    center = next((n for n in nodes if n["id"] == around), None)
    return {"nodes": nodes,
            "edges": [e for e in edges.values() if e["from"] in shown and e["to"] in shown],
            "cut": len(candidates) > len(kept), "total_nodes": len(candidates),
            "limit": limit, "center": center}


def _one_per_pair(relations: list[dict], symmetric: frozenset[str]) -> dict[tuple, dict]:
    """One edge per (subject, predicate, object); a symmetric predicate once per
    pair, its counts added up when the store holds it both ways round."""
    edges: dict[tuple, dict] = {}
    for a in relations:
        s, p, o = a["subject_id"], a["predicate"], a["object_id"]
        both_ways = p in symmetric
        if both_ways and s > o:
            s, o = o, s
        edge = edges.get((s, p, o))
        if edge is None:
            edges[(s, p, o)] = {
                "id": a["id"], "from": s, "to": o, "predicate": p, "symmetric": both_ways,
                "since": a["valid_from"] or "", "sources": a["sources"],
                "stories": a["stories"], "hedged": a["hedged"],
                "first_reported": a["first_reported"], "last_reported": a["last_reported"],
                "confidence": a["confidence"]}
            continue
        edge["sources"] += a["sources"]
        edge["stories"] += a["stories"]
        edge["hedged"] = edge["hedged"] and a["hedged"]
        edge["confidence"] = max(edge["confidence"], a["confidence"])
        reported = [d for d in (edge["first_reported"], a["first_reported"]) if d]
        edge["first_reported"] = min(reported, default="")
        edge["last_reported"] = max(edge["last_reported"], a["last_reported"])
    return edges


def _choose(center: int | None, candidates: set[int], ties: dict[int, dict[int, int]],
            weight: dict[int, int], mentions: dict[int, int], limit: int) -> list[int]:
    """The kept entity ids, in the order they were chosen (see the module docstring)."""
    def rank(n: int) -> tuple[int, int, int]:
        return (-weight[n], -mentions.get(n, 0), n)

    if center is None:
        return sorted(candidates, key=rank)[:limit]
    kept, chosen = [center], {center}
    pull: dict[int, int] = defaultdict(int)  # stories tying an entity to the kept ones
    queue: list[tuple[int, int, int, int]] = []

    def take(n: int) -> None:
        for other, stories in ties[n].items():
            if other not in chosen:
                pull[other] += stories
                heapq.heappush(queue, (-pull[other], *rank(other)))

    take(center)
    while queue and len(kept) < limit:
        minus_pull, *_, n = heapq.heappop(queue)
        if n in chosen or -minus_pull != pull[n]:
            continue  # taken already, or a stale entry: its pull has grown since
        kept.append(n)
        chosen.add(n)
        take(n)
    return kept


def edge_evidence(store: Store, subject: int, predicate: str, object_: int,
                  limit: int = EVIDENCE_LIMIT) -> dict | None:
    """The sentences behind one edge, latest report first, at most ``limit``; a
    symmetric predicate is read both ways round. None when no such relation is
    stored. Each source has its document, span, report time, whether it was
    hedged, and ``link``: the document page with the span marked."""
    ways = [(subject, object_)]
    if predicate in schema.load().symmetric and subject != object_:
        ways.append((object_, subject))
    found = [row for s, o in ways for row in store.relation_sources(s, predicate, o, limit)]
    if not found:
        return None
    total = sum({row["assertion_id"]: row["sources_total"] for row in found}.values())
    found.sort(key=lambda r: r["report_time"] or "", reverse=True)  # undated ("") last
    names = {i: store.entity(i) for i in (subject, object_)}
    sources = [{"document_id": r["document_id"], "title": r["title"], "span": r["span"],
                "report_time": r["report_time"],
                "report_time_estimated": bool(r["report_time_estimated"]),
                "hedged": bool(r["hedged"]), "confidence": r["confidence"],
                "evidence": r["evidence"],
                "link": f"/document/{r['document_id']}?span={r['span'][0]}-{r['span'][1]}"}
               for r in found[:limit]]
    return {"subject": _named(names[subject]), "predicate": predicate,
            "object": _named(names[object_]), "symmetric": len(ways) == 2,
            "total": total, "sources": sources}


def _named(entity) -> dict | None:
    return {"id": entity.id, "label": entity.name, "type": entity.type} if entity else None
