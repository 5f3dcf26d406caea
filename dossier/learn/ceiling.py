"""The candidate ceiling: how many annotated relations the learned layer could
find at all, and why the others are out of its reach.

A relation is *within reach* when both its entities are found (a predicted
entity's name or alias matches the annotation's, as the scorer matches them)
and a candidate (:mod:`dossier.extract.relations.candidates`) pairs them. The
others are lost because an entity was missed, found under another name, found
with a type no predicate allows for the pair, or named only in different
sentences with nothing linking them.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from dossier.evaluate import normalize
from dossier.extract.relations.candidates import candidates
from dossier.extract.sentences import sentences
from dossier.learn.parsed import Parsed

CAUSES = ("within reach", "entity missed", "entity found under another name",
          "type allows no predicate", "arguments in different sentences")


@dataclass
class Ceiling:
    causes: Counter = field(default_factory=Counter)
    by_predicate: dict[str, Counter] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.causes.values())

    @property
    def share(self) -> float:
        return self.causes["within reach"] / self.total if self.total else 0.0

    def add(self, predicate: str, cause: str) -> None:
        self.causes[cause] += 1
        self.by_predicate.setdefault(predicate, Counter())[cause] += 1

    def as_dict(self) -> dict:
        return {"relations": self.total, "within_reach": round(self.share, 3),
                "causes": {c: self.causes[c] for c in CAUSES},
                "by_predicate": {p: {"relations": sum(c.values()),
                                     "within_reach": round(c["within reach"] / sum(c.values()), 3)}
                                 for p, c in sorted(self.by_predicate.items())}}


def entity_matches(parsed: Parsed) -> dict[int, set[str]]:
    """Gold entity index → ids of the predicted entities whose names match it."""
    gold = parsed.item.gold["entities"]
    gold_names = [{normalize(e["name"])} | {normalize(a) for a in e.get("aliases", [])}
                  for e in gold]
    out: dict[int, set[str]] = {i: set() for i in range(len(gold))}
    for ent in parsed.entities:
        names = {normalize(ent.name)} | {normalize(a) for a in ent.aliases}
        names.discard("")
        for i, g in enumerate(gold_names):
            if names & g:
                out[i].add(ent.id)
    return out


def measure(parsed_docs: Iterable[Parsed]) -> Ceiling:
    ceiling = Ceiling()
    for parsed in parsed_docs:
        gold = parsed.item.gold
        index = {e["name"]: i for i, e in enumerate(gold["entities"])}
        matches = entity_matches(parsed)
        pairs = {(c.subject.id, c.object.id) for c in candidates(parsed.doc, parsed.antecedents)}
        spans = [(s.start_char, s.end_char) for s in sentences(parsed.doc)]
        for relation in gold["relations"]:
            subject = matches.get(index.get(relation["subject"], -1), set())
            obj = matches.get(index.get(relation["object"], -1), set())
            ceiling.add(relation["predicate"], _cause(parsed, relation, subject, obj, pairs, spans))
    return ceiling


def _cause(parsed: Parsed, relation: dict, subject: set[str], obj: set[str],
           pairs: set[tuple[str, str]], spans: list[tuple[int, int]]) -> str:
    if not subject or not obj:
        missing = relation["subject"] if not subject else relation["object"]
        return "entity found under another name" if _named_elsewhere(parsed, missing) \
            else "entity missed"
    if any((a, b) in pairs or (b, a) in pairs for a in subject for b in obj):
        return "within reach"
    by_id = {e.id: e for e in parsed.entities}
    together = any(_in_one_sentence(by_id[a], by_id[b], spans) for a in subject for b in obj)
    return "type allows no predicate" if together else "arguments in different sentences"


def _in_one_sentence(a, b, spans: list[tuple[int, int]]) -> bool:
    def where(ent) -> set[int]:
        return {i for i, (s, e) in enumerate(spans) for ms, _ in ent.mentions if s <= ms < e}
    return bool(where(a) & where(b))


def _named_elsewhere(parsed: Parsed, gold_name: str) -> bool:
    """True when a predicted entity has a mention over one of the gold entity's
    surface forms in the text (found, but under a name that does not match)."""
    gold = next(e for e in parsed.item.gold["entities"] if e["name"] == gold_name)
    text = parsed.doc.text
    for alias in {gold["name"], *gold.get("aliases", [])}:
        start = text.find(alias)
        while start >= 0:
            end = start + len(alias)
            if any(ms < end and start < me for ent in parsed.entities for ms, me in ent.mentions):
                return True
            start = text.find(alias, end)
    return False
