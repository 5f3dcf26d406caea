"""Scores extraction records against gold annotations.

The gold format and the matching rules are those of the project's reference
scorer (``shared/tools/score.py``), which also judges articles Dossier never
sees; this module must give the same figures, and a test checks that it does.

Relations, quotes, claims and events match as the reference scorer matches
them (see :func:`score_assertions`).

Entities match when a predicted entity's name or any alias equals a gold
entity's name or alias after :func:`normalize`; each gold entity can be matched
once (a second prediction of it is a false positive). "Typed" also requires the
same type. Figures are micro-averaged over documents.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dossier import schema


PARTS = ("entities", "entities_typed", "relations", "quotes", "quote_speakers", "claims",
         "events")
SYMMETRIC = schema.load().symmetric


def normalize(text: str | None) -> str:
    """Name form used for matching: accents off, casefolded, no leading article."""
    s = unicodedata.normalize("NFKD", text or "")
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.casefold().replace("’", "'")
    s = re.sub(r"[^\w\s'-]", " ", s)
    s = re.sub(r"^(the|a|an)\s+", "", s.strip())
    s = re.sub(r"'s$", "", s)
    return re.sub(r"\s+", " ", s).strip(" -'")


@dataclass
class Tally:
    """Counts behind precision and recall for one part."""

    tp: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, tp: int, predicted: int, gold: int) -> None:
        self.tp += tp
        self.predicted += predicted
        self.gold += gold

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"p": round(self.precision, 3), "r": round(self.recall, 3),
                "f1": round(self.f1, 3), "pred": self.predicted, "gold": self.gold}


@dataclass
class Scorecard:
    parts: dict[str, Tally] = field(default_factory=lambda: {
        part: Tally() for part in PARTS})
    documents: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: t.as_dict() for k, t in self.parts.items()}


def greedy_matches(predicted: list, gold: list, match: Callable[[Any, Any], bool]) -> int:
    """Pairs matched greedily, each prediction and each gold item used at most once."""
    used: set[int] = set()
    for p in predicted:
        for i, g in enumerate(gold):
            if i not in used and match(p, g):
                used.add(i)
                break
    return len(used)


def score_entities(gold: dict[str, Any], pred: dict[str, Any], card: Scorecard) -> None:
    """Add one document's entity figures (plain and typed) to ``card``."""
    gold_names = [{normalize(e["name"])} | {normalize(a) for a in e.get("aliases", [])}
                  for e in gold["entities"]]
    predicted = []
    for e in pred.get("entities", []):
        names = {normalize(e.get("name", ""))} | {normalize(a) for a in e.get("aliases", [])}
        names.discard("")
        predicted.append((names, e.get("type")))
    indexes = range(len(gold["entities"]))
    plain = greedy_matches(predicted, list(indexes), lambda p, i: bool(p[0] & gold_names[i]))
    typed = greedy_matches(predicted, list(indexes), lambda p, i: bool(
        p[0] & gold_names[i]) and gold["entities"][i]["type"] == p[1])
    card.parts["entities"].add(plain, len(predicted), len(gold["entities"]))
    card.parts["entities_typed"].add(typed, len(predicted), len(gold["entities"]))


@dataclass(frozen=True)
class EntityErrors:
    """Where one document's entities went wrong, for reading rather than scoring."""

    missed: list[str]  # gold entities no prediction matched
    spurious: list[str]  # predictions matching no gold entity (or a gold one twice)
    mistyped: list[tuple[str, str, str]]  # (name, predicted type, gold type)


def entity_errors(gold: dict[str, Any], pred: dict[str, Any]) -> EntityErrors:
    """The misses, spurious predictions and type errors behind the entity figures."""
    gold_names = [{normalize(e["name"])} | {normalize(a) for a in e.get("aliases", [])}
                  for e in gold["entities"]]
    used: dict[int, dict] = {}
    spurious = []
    for e in pred.get("entities", []):
        names = {normalize(e.get("name", ""))} | {normalize(a) for a in e.get("aliases", [])}
        names.discard("")
        hit = next((i for i, g in enumerate(gold_names) if i not in used and names & g), None)
        if hit is None:
            spurious.append(f"{e.get('name')} ({e.get('type')})")
        else:
            used[hit] = e
    missed = [f"{g['name']} ({g['type']})" for i, g in enumerate(gold["entities"])
              if i not in used]
    mistyped = [(g["name"], used[i].get("type"), g["type"])
                for i, g in enumerate(gold["entities"])
                if i in used and used[i].get("type") != g["type"]]
    return EntityErrors(missed, spurious, mistyped)


def gold_pairs(directory: Path) -> Iterable[tuple[str, Path, Path]]:
    """(name, text file, gold file) for every ``NAME.txt`` with ``NAME.gold.json`` beside it."""
    for gold_file in sorted(directory.glob("*.gold.json")):
        name = gold_file.name[: -len(".gold.json")]
        text_file = directory / f"{name}.txt"
        if text_file.exists():
            yield name, text_file, gold_file


def score(gold: dict[str, Any], pred: dict[str, Any], card: Scorecard | None = None) -> Scorecard:
    """Score one predicted record against one gold annotation."""
    card = card or Scorecard()
    score_entities(gold, pred, card)
    score_assertions(gold, pred, card)
    return card


def _words(text: str | None) -> list[str]:
    return normalize(text).split()


def score_assertions(gold: dict[str, Any], pred: dict[str, Any], card: Scorecard) -> None:
    """Relations, quotes (text and speaker), claims and events of one document.

    A predicted entity id stands for the gold entities its names match; gold
    items name entities by their canonical name.
    """
    gold_names = [{normalize(e["name"])} | {normalize(a) for a in e.get("aliases", [])}
                  for e in gold["entities"]]
    by_name = {e["name"]: i for i, e in enumerate(gold["entities"])}
    pred_names = {}
    for e in pred.get("entities", []):
        names = {normalize(e.get("name", ""))} | {normalize(a) for a in e.get("aliases", [])}
        names.discard("")
        pred_names[e.get("id")] = names

    def of_pred(entity_id) -> set[int]:
        names = pred_names.get(entity_id)
        return {i for i, g in enumerate(gold_names) if names & g} if names else set()

    def of_gold(name) -> set[int]:
        return {by_name[name]} if name in by_name else set()

    def relation(p, g) -> bool:
        if p.get("predicate") != g["predicate"]:
            return False
        ps, po = of_pred(p.get("subject")), of_pred(p.get("object"))
        gs, go = of_gold(g["subject"]), of_gold(g["object"])
        return bool(ps & gs and po & go) or (
            g["predicate"] in SYMMETRIC and bool(ps & go and po & gs))

    def quote_text(p, g) -> bool:
        gw, pw = _words(g["text"]), _words(p.get("text", ""))
        k = min(5, len(gw))
        return " ".join(gw[:k]) in " ".join(pw) or (
            " ".join(pw[:k]) in " ".join(gw) and len(pw) >= 3)

    def quote_speaker(p, g) -> bool:
        if not quote_text(p, g):
            return False
        if g.get("speaker") is None:
            return p.get("speaker") is None
        return bool(of_pred(p.get("speaker")) & of_gold(g["speaker"]))

    def claim(p, g) -> bool:
        if p.get("kind", "strength") != g.get("kind", "strength"):
            return False
        if not of_pred(p.get("subject")) & of_gold(g["subject"]) or p.get("min") != g["min"]:
            return False
        return g.get("max") is None or p.get("max") == g["max"]

    def event(p, g) -> bool:
        pd, gd = str(p.get("date") or ""), g["date"]
        if not (pd.startswith(gd) or gd.startswith(pd)) or len(pd) < 4:
            return False
        if not g.get("actors"):
            return True
        gold_idx = set().union(*(of_gold(a) for a in g["actors"]))
        pred_idx = set().union(set(), *(of_pred(a) for a in p.get("actors", [])))
        return bool(gold_idx & pred_idx)

    for part, key, match in (("relations", "relations", relation), ("quotes", "quotes", quote_text),
                             ("quote_speakers", "quotes", quote_speaker),
                             ("claims", "claims", claim), ("events", "events", event)):
        predicted, golds = pred.get(key, []), gold.get(key, [])
        tp = greedy_matches(predicted, golds, match)
        card.parts[part].add(tp, len(predicted), len(golds))
