"""Assertions that cannot both hold, found on the read side; both are kept.

* **ties**: the same pair both allied and adversaries;
* **direction**: A an affiliate (or splinter) of B and B one of A;
* **leaders**: two people leading one group in the same year (by ``since`` where
  the text gave it, else by report year);
* **strength**: estimates of one group for the same year whose ranges do not
  overlap.

Nothing is overwritten: a conflict lists both assertions with their sources, so
an analyst can weigh them.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from dossier.store.base import Store


@dataclass
class Conflict:
    """Two (or more) assertions that cannot both hold."""

    kind: str
    summary: str
    entity_ids: set[int]
    assertions: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready: the statements side by side, each with its sources."""
        return {"kind": self.kind, "summary": self.summary,
                "entity_ids": sorted(self.entity_ids),
                "assertions": [{"id": a["id"], "predicate": a["predicate"],
                                "subject_id": a["subject_id"], "object_id": a["object_id"],
                                "valid_from": a["valid_from"], "value": a["value"],
                                "sources": [{k: s.get(k) for k in (
                                    "document_id", "document_source", "span", "evidence",
                                    "report_time", "report_time_estimated", "hedged")}
                                    for s in a["sources"]]}
                               for a in self.assertions]}


def _year(assertion: dict) -> str | None:
    if assertion.get("valid_from"):
        return assertion["valid_from"][:4]
    reports = sorted(s["report_time"] for s in assertion["sources"] if s["report_time"])
    return reports[0][:4] if reports else None


def _claim_year(assertion: dict) -> str | None:
    return (assertion["value"].get("as_of") or "")[:4] or _year(assertion)


def find_conflicts(store: Store, entity_id: int | None = None) -> list[Conflict]:
    """Every conflict in the store, or those touching ``entity_id``."""
    names = {e.id: e.name for e, _ in store.all_entities()}
    relations = store.assertion_rows("relation")
    found: list[Conflict] = []

    by_pair: dict[frozenset, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for a in relations:
        by_pair[frozenset((a["subject_id"], a["object_id"]))][a["predicate"]].append(a)
    for pair, preds in by_pair.items():
        if preds.get("allied_with") and preds.get("adversary_of"):
            a, b = sorted(pair)
            found.append(Conflict("ties", f"{names[a]} and {names[b]} are reported both allied "
                                  "and adversaries", set(pair),
                                  preds["allied_with"] + preds["adversary_of"]))
        for predicate in ("affiliate_of", "splinter_of"):
            subjects = {x["subject_id"] for x in preds.get(predicate, [])}
            if len(subjects) == 2:
                a, b = sorted(pair)
                found.append(Conflict("direction", f"{names[a]} and {names[b]} are each "
                                      f"reported as {predicate} the other", set(pair),
                                      preds[predicate]))

    leaders: dict[int, list[dict]] = defaultdict(list)
    for a in relations:
        if a["predicate"] == "leader_of":
            leaders[a["object_id"]].append(a)
    for group, items in leaders.items():
        for x, y in combinations(items, 2):
            if x["subject_id"] != y["subject_id"] and _year(x) and _year(x) == _year(y):
                found.append(Conflict(
                    "leaders", f"{names[group]} is reported led by {names[x['subject_id']]} and "
                    f"by {names[y['subject_id']]} in {_year(x)}",
                    {group, x["subject_id"], y["subject_id"]}, [x, y]))

    claims: dict[tuple[int, str | None], list[dict]] = defaultdict(list)
    for a in store.assertion_rows("claim"):
        claims[(a["subject_id"], _claim_year(a))].append(a)
    for (group, year), items in claims.items():
        for x, y in combinations(items, 2):
            lo_x, hi_x = x["value"]["min"], x["value"].get("max") or x["value"]["min"]
            lo_y, hi_y = y["value"]["min"], y["value"].get("max") or y["value"]["min"]
            open_x = x["value"].get("qualifier") in ("more than", "at least")
            open_y = y["value"].get("qualifier") in ("more than", "at least")
            disjoint = (hi_x < lo_y and not open_x) or (hi_y < lo_x and not open_y)
            if year and disjoint:
                found.append(Conflict(
                    "strength", f"{names[group]} strength in {year}: {lo_x:,}–{hi_x:,} vs "
                    f"{lo_y:,}–{hi_y:,}", {group}, [x, y]))
    if entity_id is not None:
        found = [c for c in found if entity_id in c.entity_ids]
    return found
