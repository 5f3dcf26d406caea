"""Profiles: what Dossier knows of one entity, each fact once with its sources."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from dossier.conflicts import find_conflicts
from dossier.graph import held_at
from dossier.query.places import places
from dossier.store.base import ESTIMATED, UNDATED, DocumentRow, EntityRow, Store
from dossier.vocabulary import read_settings

SOURCES_SHOWN = 5
"""How many sources of each statement a profile reads (the latest; the count is whole)."""
DOCUMENTS_SHOWN = 50
"""How many of an entity's documents a profile lists (the latest)."""


@dataclass(frozen=True)
class Profile:
    """What Dossier knows of one entity across the stored documents."""

    entity: EntityRow
    aliases: list[tuple[str, int]]
    documents: list[DocumentRow]  # the latest ones, oldest first
    co_mentioned: list[tuple[EntityRow, int]]
    sentences: list[tuple[str, str]]
    assertions: list[dict]
    document_count: int = 0  # all documents naming it
    confidence: dict[int, float] = field(default_factory=dict)  # assertion id → combined
    first_seen: str | None = None
    last_seen: str | None = None

    def relations(self, predicate: str, role: str = "subject") -> list[dict]:
        """Relations with ``predicate`` in which the entity is the ``role`` side."""
        key = f"{role}_id"
        return [a for a in self.assertions if a["kind"] == "relation"
                and a["predicate"] == predicate and a[key] == self.entity.id]

    def of_kind(self, kind: str) -> list[dict]:
        return [a for a in self.assertions if a["kind"] == kind]

    def facts(self) -> list[dict]:
        """Each distinct statement once (the profile's rows are one per source read):
        how many sources and independent stories state it, its first and last
        report (``when``: the two as shown, estimated dates marked, or "undated"),
        its combined confidence, and the sources read (the latest ones)."""
        by_id: dict[int, dict] = {}
        for a in self.assertions:
            fact = by_id.setdefault(a["assertion_id"], {
                "id": a["assertion_id"], "kind": a["kind"], "predicate": a["predicate"],
                "subject": a["subject"], "subject_id": a["subject_id"], "object": a["object"],
                "object_id": a["object_id"], "valid_from": a["valid_from"],
                "value": a["value"], "sources_total": a["sources_total"],
                "stories": a.get("stories_total", 1),
                "confidence": self.confidence.get(a["assertion_id"]), "hedged": True,
                "first_reported": None, "last_reported": None, "sources": []})
            fact["hedged"] = fact["hedged"] and a["hedged"]
            fact["sources"].append({"document_id": a["document_id"], "span": a["span"],
                                    "evidence": a["evidence"], "report_time": a["report_time"],
                                    "report_time_estimated": a.get("report_time_estimated",
                                                                   False)})
        for fact in by_id.values():
            dated = sorted((s["report_time"], s["report_time_estimated"])
                           for s in fact["sources"] if s["report_time"])
            fact["first_reported"] = dated[0][0] if dated else None
            fact["last_reported"] = dated[-1][0] if dated else None
            shown = list(dict.fromkeys(d + (ESTIMATED if estimated else "")
                                       for d, estimated in (dated[:1] + dated[-1:])))
            fact["when"] = " – ".join(shown) or UNDATED
        return list(by_id.values())

    def to_dict(self) -> dict:
        """The profile as JSON-ready data (``dossier show --json``)."""
        e = self.entity
        return {
            "entity": {"id": e.id, "name": e.name, "type": e.type, "kb_id": e.kb_id},
            "aliases": [{"alias": a, "count": n} for a, n in self.aliases],
            "document_count": self.document_count, "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "documents": [{"id": d.id, "title": d.title, "source": d.source, "date": d.date,
                           "mentions": d.mentions} for d in self.documents],
            "co_mentioned": [{"id": o.id, "name": o.name, "type": o.type, "documents": n}
                             for o, n in self.co_mentioned],
            "facts": self.facts(),
            "sentences": [{"document_id": d, "sentence": s} for d, s in self.sentences],
        }


def profile(store: Store, entity: EntityRow, sentences: int = 20, related: int = 10,
            as_of: str | None = None, documents: int = DOCUMENTS_SHOWN) -> Profile:
    """Build the profile of one entity.

    Lists are bounded so that a profile costs about the same for a group named
    in ten articles or in fifty thousand: the latest ``documents`` documents
    (with the whole count and the first and last dates), ``sentences``
    sentences, the ``related`` entities most often named alongside it.

    as_of: ``YYYY[-MM[-DD]]``; keep what held then, by valid time where the text
        gave one (a relation's ``since``, a claim's ``as_of``, an event's date),
        else by report time (see :func:`dossier.graph.held_at`), and only the
        documents published by then.
    """
    # What held at a date may rest on an old source only: read them all then.
    assertions = store.entity_assertions(entity.id,
                                         sources_each=None if as_of else SOURCES_SHOWN)
    if as_of is not None:
        assertions = [a for a in assertions if _held(a, as_of)]
    count, first, last = store.entity_seen(entity.id, as_of=as_of)
    weights = store.source_weights({a["assertion_id"] for a in assertions})
    return Profile(entity=entity, aliases=store.entity_aliases(entity.id),
                   confidence=combined_confidence(weights),
                   documents=store.entity_documents(entity.id, limit=documents, as_of=as_of),
                   co_mentioned=store.co_mentioned(entity.id, related),
                   sentences=store.entity_sentences(entity.id, sentences),
                   assertions=assertions, document_count=count, first_seen=first,
                   last_seen=last)


def _held(assertion: dict, as_of: str) -> bool:
    valid = assertion["valid_from"]
    if assertion["kind"] == "claim":
        valid = assertion["value"].get("as_of")
    return held_at(valid, assertion["report_time"], as_of)[0]


@lru_cache(maxsize=1)
def _confidence_settings() -> tuple[dict[str, float], float]:
    data = read_settings("confidence.yaml")
    return {k: float(v) for k, v in data["prior"].items()}, float(data["hedged_factor"])


def combined_confidence(weights: list[dict]) -> dict[int, float]:
    """Assertion id → the confidence of the fact over its independent stories
    (``vocab/confidence.yaml``): 1 − Π(1 − best source of each story)."""
    prior, hedged_factor = _confidence_settings()
    best: dict[int, dict[str, float]] = {}
    for w in weights:
        worth = w["confidence"] if w["confidence"] is not None else prior.get(w["kind"], 0.5)
        worth *= hedged_factor if w["hedged"] else 1.0
        stories = best.setdefault(w["assertion_id"], {})
        stories[w["story"]] = max(stories.get(w["story"], 0.0), worth)
    out = {}
    for assertion_id, stories in best.items():
        doubt = 1.0
        for worth in stories.values():
            doubt *= 1.0 - worth
        out[assertion_id] = round(1.0 - doubt, 3)
    return out


# A profile's relation sections: (key, title, predicate, the profiled entity's side:
# "subject", "object", or None for either side of a symmetric tie).
RELATION_SECTIONS = (
    ("parents", "Parent groups", "affiliate_of", "subject"),
    ("affiliates", "Affiliates and branches", "affiliate_of", "object"),
    ("splintered_from", "Splintered from", "splinter_of", "subject"),
    ("splinters", "Splinters", "splinter_of", "object"),
    ("leaders", "Leaders", "leader_of", "object"),
    ("leads", "Leads", "leader_of", "subject"),
    ("members", "Members", "member_of", "object"),
    ("member_of", "Member of", "member_of", "subject"),
    ("staff", "Staff", "works_for", "object"),
    ("works_for", "Works for", "works_for", "subject"),
    ("allies", "Allies", "allied_with", None),
    ("adversaries", "Adversaries", "adversary_of", None),
    ("operates_in", "Operates in", "operates_in", "subject"),
    ("based_in", "Based in", "based_in", "subject"),
)
# How the web profile groups them under its headings, in the order of a dossier.
PAGE_GROUPS = (
    ("ties", "Parent, affiliates and splinters",
     ("parents", "affiliates", "splintered_from", "splinters")),
    ("leaders", "Leaders", ("leaders", "leads")),
    ("members", "Members", ("members", "member_of", "staff", "works_for")),
    ("allies", "Allies", ("allies",)),
    ("adversaries", "Adversaries", ("adversaries",)),
    ("areas", "Areas of operation", ("operates_in", "based_in")),
)


def relation_sections(entity_id: int, facts: list[dict]) -> list[tuple[str, str, list[dict]]]:
    """The relation facts of a profile by section, (key, title, facts), empty ones
    left out; each fact gains ``other``: the entity on the other side."""
    out = []
    for key, title, predicate, side in RELATION_SECTIONS:
        rows = []
        for f in facts:
            if f["kind"] != "relation" or f["predicate"] != predicate:
                continue
            if side is None and entity_id not in (f["subject_id"], f["object_id"]):
                continue
            if side is not None and f[f"{side}_id"] != entity_id:
                continue
            mine = "subject" if f["subject_id"] == entity_id else "object"
            theirs = "object" if mine == "subject" else "subject"
            rows.append({**f, "other": {"id": f[f"{theirs}_id"], "name": f[theirs]}})
        if rows:
            out.append((key, title, rows))
    return out


def _evidence(fact: dict) -> list[dict]:
    """A fact's sources as the page shows them: the sentence, where it is, when."""
    return [{"sentence": s["evidence"], "document_id": s["document_id"], "span": s["span"],
             "date": (s["report_time"] + (ESTIMATED if s["report_time_estimated"] else ""))
             if s["report_time"] else UNDATED} for s in fact["sources"]]


def _row(fact: dict) -> dict:
    """The parts of a fact every section shows."""
    return {"id": fact["id"], "stories": fact["stories"], "sources": fact["sources_total"],
            "when": fact["when"], "hedged": fact["hedged"], "confidence": fact["confidence"],
            "since": fact["valid_from"], "evidence": _evidence(fact)}


def _weight(row: dict) -> tuple:
    """Best-attested first: more independent stories, then higher confidence."""
    return (-row["stories"], -(row["confidence"] or 0.0), row["other"]["name"] or "")


def _strength(entity_id: int, facts: list[dict], names: dict[int, str]) -> list[dict]:
    """Strength estimates of the entity, one per distinct figure, with one mark per
    source: at the figure's own date (``as_of``) where the text gave one, else at
    the source's report date; sources with neither are undated."""
    rows = []
    for f in facts:
        if f["kind"] != "claim" or f["subject_id"] != entity_id:
            continue
        v = f["value"]
        marks = [{"date": v.get("as_of") or s["report_time"],
                  "dated_by": "as of" if v.get("as_of") else
                  "reported (estimated)" if s["report_time_estimated"] else "reported",
                  "document_id": s["document_id"], "span": s["span"]}
                 for s in f["sources"] if v.get("as_of") or s["report_time"]]
        rows.append({**_row(f), "min": v["min"], "max": v.get("max"),
                     "qualifier": v.get("qualifier"), "as_of": v.get("as_of"),
                     "place": {"id": v.get("place"), "name": names.get(v.get("place"))}
                     if v.get("place") else None,
                     "according_to": {"id": v.get("attributed_to"),
                                      "name": names.get(v.get("attributed_to"))}
                     if v.get("attributed_to") else None,
                     "marks": marks})
    return sorted(rows, key=lambda r: min((m["date"] for m in r["marks"]), default="9999"))


def profile_page(store: Store, entity: EntityRow) -> dict:
    """An entity's profile as the web page and its API show it, in the order of a
    dossier: overview, ties, leaders, members, allies, adversaries, areas of
    operation, strength over time, timeline, quotes by and about, conflicts,
    sources. Each section lists distinct facts once, with their independent
    stories, the dates they were reported, a hedged mark and their evidence."""
    p = profile(store, entity, sentences=50)
    facts = p.facts()
    names = {i: n for a in p.assertions for i, n in a["names"].items() if n}
    sections = {key: (title, rows) for key, title, rows in relation_sections(entity.id, facts)}
    groups = []
    for key, title, members in PAGE_GROUPS:
        parts = [{"key": k, "title": sections[k][0],
                  "facts": sorted(({**_row(f), "other": f["other"]} for f in sections[k][1]),
                                  key=_weight)}
                 for k in members if k in sections]
        groups.append({"key": key, "title": title, "parts": parts})
    events = sorted((f for f in facts if f["kind"] == "event"),
                    key=lambda f: f["valid_from"] or "9999")
    quotes = [f for f in facts if f["kind"] == "quote"]
    return {
        "id": entity.id, "name": entity.name, "type": entity.type, "kb_id": entity.kb_id,
        "aliases": [a for a, _ in p.aliases],
        "document_count": p.document_count,
        "first_seen": p.first_seen, "last_seen": p.last_seen,
        "groups": groups,
        "map": places(store, groups),
        "strength": _strength(entity.id, facts, names),
        "timeline": [{**_row(f), "date": f["valid_from"],
                      "description": f["value"].get("description"),
                      "actors": [{"id": i, "name": names.get(i)}
                                 for i in f["value"].get("actors", []) if names.get(i)]}
                     for f in events],
        "quotes": [{**_row(f), "text": f["value"].get("text"),
                    "by": f["subject_id"] == entity.id,
                    "speaker": {"id": f["subject_id"], "name": f["subject"]}
                    if f["subject_id"] else None,
                    "speaker_text": f["value"].get("speaker_text")} for f in quotes],
        "conflicts": [{"kind": c.kind, "summary": c.summary,
                       "sources": [{"document_id": s["document_id"], "span": s["span"],
                                    "evidence": s["evidence"],
                                    "date": s["report_time"] or UNDATED}
                                   for a in c.assertions for s in a["sources"]]}
                      for c in find_conflicts(store, entity.id)],
        "documents": [{"id": d.id, "title": d.title or d.source, "date": d.date,
                       "mentions": d.mentions} for d in p.documents],
        "related": [{"id": o.id, "name": o.name, "type": o.type, "documents": n}
                    for o, n in p.co_mentioned],
        "facts": facts,
    }
