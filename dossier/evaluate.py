"""Scores extraction records against gold annotations.

The gold format and the matching rules are those of the project's reference
scorer (``shared/tools/score.py``), which also judges articles Dossier never
sees; this module must give the same figures, and a test checks that it does.

Entities match when a predicted entity's name or any alias equals a gold
entity's name or alias after :func:`normalize`; each gold entity can be matched
once (a second prediction of it is a false positive). "Typed" also requires the
same type. Figures are micro-averaged over documents.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


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
        "entities": Tally(), "entities_typed": Tally()})
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
    return card


def load_gold(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))
