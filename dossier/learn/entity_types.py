"""Train the entity type model (:mod:`dossier.extract.entity_typing`) and measure it
honestly: k-fold cross-validation by document beside the rules' own types.

Labels come from the annotations: an entity the rules found is labelled with the
type of the annotated entity whose name or alias it shares (the scorer's match),
and "spurious" when it matches none. Entities the gazetteer matched are neither
trained on nor judged.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from dossier.errors import DossierError
from dossier.evaluate import Scorecard, normalize, score
from dossier.extract.entity_typing import SPURIOUS, checkable, corrected, features
from dossier.extract.linear import LinearModel, Row
from dossier.learn.ceiling import entity_matches
from dossier.learn.parsed import Parsed
from dossier.learn.train import fit_rows, folds_of
from dossier.model import Entity

C = 0.5
"""Inverse regularisation strength (cross-validated over 0.25–1: flat within 0.005)."""
THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.3, 0.75, 0.05))
DEFAULT_THRESHOLD = 0.5
"""Used when there are too few texts to cross-validate a threshold."""


@dataclass
class TypeExamples:
    """The judged entities of some documents with their features and gold labels."""

    documents: list[Parsed]
    rows: list[list[Row]] = field(default_factory=list)
    labels: list[list[str]] = field(default_factory=list)

    def joined(self, other: "TypeExamples") -> "TypeExamples":
        return TypeExamples(self.documents + other.documents, self.rows + other.rows,
                            self.labels + other.labels)

    def fit(self, threshold: float = DEFAULT_THRESHOLD,
            leave_out: frozenset[int] = frozenset()) -> LinearModel:
        """A model trained on these documents but those indexed in ``leave_out``."""
        rows = [r for i, doc in enumerate(self.rows) if i not in leave_out for r in doc]
        labels = [y for i, doc in enumerate(self.labels) if i not in leave_out for y in doc]
        if len(set(labels)) < 2:
            raise DossierError("too few annotated entities to train the type model on")
        return fit_rows(rows, labels, C, None, threshold)


def examples(documents: Sequence[Parsed]) -> TypeExamples:
    out = TypeExamples(list(documents))
    for parsed in documents:
        judged = [e for e in parsed.entities if checkable(e)]
        out.rows.append([features(parsed.doc, e, parsed.entities) for e in judged])
        out.labels.append(labels(parsed, judged))
    return out


def labels(parsed: Parsed, judged: list[Entity]) -> list[str]:
    """The annotated type of each entity, or "spurious".

    An entity whose name holds an annotated name, or is held by one, as whole words
    ("southern Somalia" where the annotation says "Somalia") is a boundary error,
    not a spurious one: it takes that entity's type, so the model does not learn to
    drop what a reader would keep."""
    gold = parsed.item.gold["entities"]
    typed: dict[str, str] = {}
    for index, ids in sorted(entity_matches(parsed).items()):
        for entity_id in ids:
            typed.setdefault(entity_id, gold[index]["type"])
    names = [(f" {normalize(n)} ", g["type"]) for g in gold
             for n in (g["name"], *g.get("aliases", [])) if normalize(n)]
    out = []
    for entity in judged:
        label = typed.get(entity.id)
        if label is None:
            own = f" {normalize(entity.name)} "
            label = next((kind for name, kind in names if name in own or own in name), SPURIOUS)
        out.append(label)
    return out


@dataclass
class TypeCrossValidation:
    """Out-of-fold entity scores, the threshold chosen on them, and each scored
    document's entities as corrected by the model that never saw it."""

    folds: int
    threshold: float
    rules: Scorecard
    learned: Scorecard
    by_threshold: dict[float, float]  # typed entity F1 out of fold at each threshold
    corrected: list[list[Entity]]


def cross_validate(data: TypeExamples, k: int = 5, extra: TypeExamples | None = None
                   ) -> TypeCrossValidation:
    """Train on k−1 folds (and on ``extra``, never scored), correct the k-th."""
    documents = data.documents
    joined = data.joined(extra or TypeExamples([]))
    models: dict[int, LinearModel] = {}
    for fold in folds_of(documents, k):
        model = joined.fit(leave_out=frozenset(fold))
        models.update({i: model for i in fold})
    rules = Scorecard()
    for parsed in documents:
        score(parsed.item.gold, parsed.record.to_dict(), rules)
    by_threshold, cards, fixed = {}, {}, {}
    for threshold in THRESHOLDS:
        card, fixed[threshold] = Scorecard(), []
        for i, parsed in enumerate(documents):
            entities = corrected(parsed.doc, parsed.entities, models[i], threshold)
            fixed[threshold].append(entities)
            record = replace(parsed.record, entities=tuple(entities))
            score(parsed.item.gold, record.to_dict(), card)
        by_threshold[threshold] = round(card.parts["entities_typed"].f1, 4)
        cards[threshold] = card
    best = max(THRESHOLDS, key=lambda t: (by_threshold[t], -abs(t - 0.5)))
    return TypeCrossValidation(k, best, rules, cards[best], by_threshold, fixed[best])
