"""Train the relation model and measure it honestly: k-fold cross-validation by
document (train on some texts, score on the others) beside the rules alone.

Needs the ``train`` extra (scikit-learn). ``dossier train`` is the command.
"""
from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from dossier import schema, vocabulary
from dossier.errors import DossierError
from dossier.evaluate import Scorecard, score
from dossier.extract.relations.candidates import Candidate, candidates
from dossier.extract.relations.features import COLUMNS, column
from dossier.extract.relations.learned import (NONE, RelationModel, as_relations, decide,
                                               featurize)
from dossier.learn.ceiling import entity_matches
from dossier.learn.parsed import Parsed

C = 0.5
"""Inverse regularisation strength of the logistic regression."""
THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.2, 0.85, 0.05))


@dataclass
class Examples:
    """The candidates of some documents with their features and gold labels."""

    documents: list[Parsed]
    candidates: list[list[Candidate]] = field(default_factory=list)
    rows: list[list[tuple[list[str], np.ndarray]]] = field(default_factory=list)
    labels: list[list[str]] = field(default_factory=list)


def examples(documents: Sequence[Parsed]) -> Examples:
    lexicons = vocabulary.load().lexicons
    out = Examples(list(documents))
    for parsed in documents:
        found = candidates(parsed.doc, parsed.antecedents)
        out.candidates.append(found)
        out.rows.append(featurize(parsed.doc, found, lexicons, list(parsed.record.relations)))
        out.labels.append(labels(parsed, found))
    return out


def labels(parsed: Parsed, found: list[Candidate]) -> list[str]:
    """The gold predicate of each candidate, or "none"."""
    gold = parsed.item.gold
    index = {e["name"]: i for i, e in enumerate(gold["entities"])}
    matches = entity_matches(parsed)
    symmetric = schema.load().symmetric
    tied: dict[tuple[str, str], str] = {}
    for relation in gold["relations"]:
        subjects = matches.get(index.get(relation["subject"], -1), set())
        objects = matches.get(index.get(relation["object"], -1), set())
        for a in subjects:
            for b in objects:
                tied.setdefault((a, b), relation["predicate"])
                if relation["predicate"] in symmetric:
                    tied.setdefault((b, a), relation["predicate"])
    return [tied.get((c.subject.id, c.object.id), NONE) for c in found]


def _matrix(rows: list[tuple[list[str], np.ndarray]], mean: np.ndarray, scale: np.ndarray):
    from scipy import sparse as sp
    data, indices, indptr = [], [], [0]
    for features, _ in rows:
        counts: dict[int, float] = {}
        for f in features:
            counts[column(f)] = counts.get(column(f), 0.0) + 1.0
        indices.extend(counts)
        data.extend(counts.values())
        indptr.append(len(indices))
    hashed = sp.csr_matrix((data, indices, indptr), shape=(len(rows), COLUMNS), dtype=np.float64)
    dense = np.vstack([(v - mean) / scale for _, v in rows]) if rows else np.zeros((0, len(mean)))
    return sp.hstack([hashed, sp.csr_matrix(dense)], format="csr")


def fit(train: Examples, threshold: float = 0.5) -> RelationModel:
    """A model trained on ``train``'s candidates."""
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:
        raise DossierError("training needs scikit-learn: pip install 'dossier[train]'") from exc
    rows = [r for doc_rows in train.rows for r in doc_rows]
    labels_ = [y for doc_labels in train.labels for y in doc_labels]
    if not rows or len(set(labels_)) < 2:
        raise DossierError("too few annotated relations to train on")
    dense = np.vstack([v for _, v in rows]).astype(np.float64)
    mean, scale = dense.mean(axis=0), dense.std(axis=0) + 1e-6
    X = _matrix(rows, mean, scale)
    classifier = LogisticRegression(C=C, max_iter=1000, tol=1e-4)
    classifier.fit(X, labels_)
    classes = tuple(str(c) for c in classifier.classes_)
    return RelationModel(classes, classifier.coef_.astype(np.float32),
                         classifier.intercept_.astype(np.float64),
                         mean.astype(np.float32), scale.astype(np.float32), threshold, digest="")


@dataclass
class CrossValidation:
    """Out-of-fold scores: every document scored by a model that never saw it."""

    folds: int
    threshold: float
    rules: Scorecard
    learned: Scorecard
    by_threshold: dict[float, float]  # relation F1 out of fold at each threshold
    per_predicate: dict[str, dict[str, float]]


def folds_of(documents: Sequence[Parsed], k: int, seed: int = 13) -> list[list[int]]:
    """Document indexes split into ``k`` folds, the same split every run."""
    order = list(range(len(documents)))
    random.Random(seed).shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]


def cross_validate(data: Examples, k: int = 5) -> CrossValidation:
    """Train on k−1 folds, score the k-th, for every fold; choose the threshold on
    the pooled out-of-fold relation F1."""
    documents = data.documents
    out_of_fold: dict[int, tuple[RelationModel, np.ndarray]] = {}
    for fold in folds_of(documents, k):
        held = set(fold)
        train = Examples([d for i, d in enumerate(documents) if i not in held],
                         [c for i, c in enumerate(data.candidates) if i not in held],
                         [r for i, r in enumerate(data.rows) if i not in held],
                         [y for i, y in enumerate(data.labels) if i not in held])
        model = fit(train)
        for i in fold:
            out_of_fold[i] = (model, model.probabilities(data.rows[i]))
    rules = Scorecard()
    for parsed in documents:
        score(parsed.item.gold, parsed.record.to_dict(), rules)
    by_threshold, cards = {}, {}
    for threshold in THRESHOLDS:
        card = Scorecard()
        for i, parsed in enumerate(documents):
            model, probabilities = out_of_fold[i]
            record = _with_model(parsed, model, data.candidates[i], probabilities, threshold)
            score(parsed.item.gold, record, card)
        by_threshold[threshold] = round(card.parts["relations"].f1, 4)
        cards[threshold] = card
    best = max(THRESHOLDS, key=lambda t: (by_threshold[t], -abs(t - 0.5)))
    per_predicate = _per_predicate(data, out_of_fold, best)
    return CrossValidation(k, best, rules, cards[best], by_threshold, per_predicate)


def _with_model(parsed: Parsed, model: RelationModel, found, probabilities, threshold) -> dict:
    rules = list(parsed.record.relations)
    added = as_relations(parsed.doc, decide(model, found, probabilities, threshold),
                         vocabulary.load().lexicons, rules)
    return replace(parsed.record, relations=tuple(rules + added)).to_dict()


def _per_predicate(data: Examples, out_of_fold, threshold: float) -> dict[str, dict[str, float]]:
    """Out-of-fold precision and recall of each predicate (rules and model together)."""
    out = {}
    for predicate in schema.load().predicates:
        card = Scorecard()
        for i, parsed in enumerate(data.documents):
            model, probabilities = out_of_fold[i]
            record = _with_model(parsed, model, data.candidates[i], probabilities, threshold)
            record["relations"] = [r for r in record["relations"] if r["predicate"] == predicate]
            gold = dict(parsed.item.gold)
            gold["relations"] = [r for r in gold["relations"] if r["predicate"] == predicate]
            score(gold, record, card)
        tally = card.parts["relations"]
        out[predicate] = {"p": round(tally.precision, 3), "r": round(tally.recall, 3),
                          "f1": round(tally.f1, 3), "gold": tally.gold}
    return out
