"""Assertions that cannot both hold, found on the read side; both are kept.

* **ties**: the same pair both allied and adversaries;
* **direction**: A an affiliate (or splinter) of B and B one of A;
* **leaders**: two people reported leading one armed group over periods that
  overlap (each period from its first to its last dated report, or its ``since``);
  a leader named after another, or either statement speaking of a succession
  ("the late", "former", "new", "succeeded": ``vocab/conflicts.yaml``), is no
  conflict. Only known dates count: an estimated report date is too coarse;
* **strength**: estimates of one group, for the same place, in the same year,
  whose ranges do not overlap; a figure for part of a group (a band, a cell,
  one province) is not compared with the whole.

Nothing is overwritten: a conflict lists both assertions with their sources, so
an analyst can weigh them. For one entity, only the assertions touching it (and,
for leaders, the other leaders of its groups) are read, by indexed lookups.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

from dossier.store.base import Store
from dossier.vocabulary import read_word_lists


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


@lru_cache(maxsize=1)
def _cues() -> dict[str, re.Pattern]:
    lists = read_word_lists("conflicts.yaml")
    return {name: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.I)
            for name, words in lists.items()}


def _says(assertion: dict, cue: str) -> bool:
    return any(_cues()[cue].search(s["evidence"]) for s in assertion["sources"])


def _known_dates(assertion: dict) -> list[str]:
    """The dates an assertion is known to hold or to be reported at: its valid time,
    else its sources' report times that are not estimates."""
    if assertion.get("valid_from"):
        return [assertion["valid_from"]]
    return sorted(s["report_time"] for s in assertion["sources"]
                  if s["report_time"] and not s.get("report_time_estimated"))


def _overlap(a: list[str], b: list[str]) -> bool:
    """Whether two periods (first to last date) overlap, at the precision both have."""
    def cut(x: str, y: str) -> int:
        return min(len(x), len(y))
    a1, a2, b1, b2 = a[0], a[-1], b[0], b[-1]
    return a1[:cut(a1, b2)] <= b2[:cut(a1, b2)] and b1[:cut(b1, a2)] <= a2[:cut(b1, a2)]


def _claim_year(assertion: dict) -> str | None:
    as_of = assertion["value"].get("as_of")
    if as_of:
        return as_of[:4]
    dates = _known_dates(assertion)
    return dates[0][:4] if dates else None


def _range(assertion: dict) -> tuple[int, int, bool]:
    v = assertion["value"]
    return v["min"], v.get("max") or v["min"], v.get("qualifier") in ("more than", "at least")


def find_conflicts(store: Store, entity_id: int | None = None) -> list[Conflict]:
    """Every conflict in the store, or those touching ``entity_id``."""
    touching = None if entity_id is None else {entity_id}
    relations = store.assertion_rows("relation", touching=touching)
    leader_rows = [a for a in relations if a["predicate"] == "leader_of"]
    if entity_id is not None:  # the other leaders of the groups it leads
        groups = {a["object_id"] for a in leader_rows}
        leader_rows = [a for a in store.assertion_rows("relation", touching=groups)
                       if a["predicate"] == "leader_of" and a["object_id"] in groups] \
            if groups else []
    claims = store.assertion_rows("claim", touching=touching)
    involved = {i for a in relations + leader_rows + claims
                for i in (a["subject_id"], a["object_id"]) if i}
    known = {e.id: e for e, _ in store.all_entities(ids=involved)}
    names = {i: e.name for i, e in known.items()}
    found = _ties(relations, names) + _leaders(leader_rows, known, names) \
        + _strength(claims, names)
    if entity_id is not None:
        found = [c for c in found if entity_id in c.entity_ids]
    return found


def _ties(relations: list[dict], names: dict[int, str]) -> list[Conflict]:
    found = []
    by_pair: dict[frozenset, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for a in relations:
        by_pair[frozenset((a["subject_id"], a["object_id"]))][a["predicate"]].append(a)
    for pair, preds in by_pair.items():
        if len(pair) != 2:
            continue
        a, b = sorted(pair)
        if preds.get("allied_with") and preds.get("adversary_of"):
            found.append(Conflict("ties", f"{names.get(a)} and {names.get(b)} are reported "
                                  "both allied and adversaries", set(pair),
                                  preds["allied_with"] + preds["adversary_of"]))
        for predicate in ("affiliate_of", "splinter_of"):
            if len({x["subject_id"] for x in preds.get(predicate, [])}) == 2:
                found.append(Conflict("direction", f"{names.get(a)} and {names.get(b)} are "
                                      f"each reported as {predicate} the other", set(pair),
                                      preds[predicate]))
    return found


def _leaders(rows: list[dict], known: dict, names: dict[int, str]) -> list[Conflict]:
    found = []
    by_group: dict[int, list[dict]] = defaultdict(list)
    for a in rows:
        group = known.get(a["object_id"])
        if group is not None and group.type == "armed_group" \
                and not _says(a, "succession_cues") and _known_dates(a):
            by_group[a["object_id"]].append(a)
    for group, items in by_group.items():
        for x, y in combinations(sorted(items, key=lambda a: a["id"]), 2):
            if x["subject_id"] == y["subject_id"]:
                continue
            dx, dy = _known_dates(x), _known_dates(y)
            if _overlap(dx, dy):
                found.append(Conflict(
                    "leaders", f"{names.get(group)} is reported led by "
                    f"{names.get(x['subject_id'])} ({dx[0]}–{dx[-1]}) and by "
                    f"{names.get(y['subject_id'])} ({dy[0]}–{dy[-1]})",
                    {group, x["subject_id"], y["subject_id"]}, [x, y]))
    return found


def _strength(claims: list[dict], names: dict[int, str]) -> list[Conflict]:
    found = []
    scoped: dict[tuple, list[dict]] = defaultdict(list)
    for a in claims:
        year = _claim_year(a)
        if year and not _says(a, "subset_cues"):
            scoped[(a["subject_id"], a["value"].get("place"), year)].append(a)
    for (group, place, year), items in scoped.items():
        for x, y in combinations(items, 2):
            lo_x, hi_x, open_x = _range(x)
            lo_y, hi_y, open_y = _range(y)
            if (hi_x < lo_y and not open_x) or (hi_y < lo_x and not open_y):
                where = f" in {names.get(place)}" if place else ""
                found.append(Conflict(
                    "strength", f"{names.get(group)} strength{where} in {year}: "
                    f"{lo_x:,}–{hi_x:,} vs {lo_y:,}–{hi_y:,}", {group}, [x, y]))
    return found
