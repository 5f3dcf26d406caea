"""Train the relation model and measure it honestly: k-fold cross-validation by
document (train on some texts, score on the others) beside the rules alone.

Needs the ``train`` extra (scikit-learn). ``dossier train`` is the command.
"""
from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from dossier import schema, vocabulary
from dossier.errors import DossierError
from dossier.evaluate import Scorecard, score
from dossier.extract.relations.candidates import Candidate, candidates
from dossier.extract.linear import COLUMNS, LinearModel, Row, column
from dossier.extract.relations.learned import NONE, as_relations, decide, featurize, left_open
from dossier.learn.ceiling import entity_matches
from dossier.learn.parsed import Parsed

C = 0.3
"""Inverse regularisation strength of the logistic regression (chosen by
cross-validation over 0.1–2: weaker regularisation fits the words of the
training sentences and loses recall on others)."""
NONE_WEIGHT = 0.35
"""Weight of the "none" class against the predicates (relation F1 cross-validated:
1.0 → 0.50, 0.5 → 0.51 in an early round; over one later set of rules 0.7 → 0.536,
0.5 → 0.536, 0.35 → 0.539; over another 0.5 → 0.534, 0.35 → 0.542, 0.25 → 0.541;
over the next 0.5 → 0.552, 0.35 → 0.555): ties are rare among candidates and cheap
to lose otherwise."""
DENSE_WEIGHT = 0.35
"""The contextual vectors enter standardised and scaled by this: at full weight
their 288 columns drown the sparse cues (cross-validated F1 0.46 vs 0.48). Over the
rules of 80583ae, 0.2 / 0.25 / 0.35 / 0.45 gave 0.5997 / 0.6000 / 0.6014 / 0.6023, 0.35
the flattest across thresholds (0.601–0.6014 from 0.40 to 0.50)."""
DEFAULT_THRESHOLD = 0.3
"""Used when there are too few texts to cross-validate a threshold."""
THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.2, 0.85, 0.05))


@dataclass
class Examples:
    """The candidates of some documents with their features and gold labels."""

    documents: list[Parsed]
    candidates: list[list[Candidate]] = field(default_factory=list)
    rows: list[list[Row]] = field(default_factory=list)
    labels: list[list[str]] = field(default_factory=list)

    def joined(self, other: "Examples") -> "Examples":
        return Examples(self.documents + other.documents, self.candidates + other.candidates,
                        self.rows + other.rows, self.labels + other.labels)

    def only(self, keep: Callable[[int, Parsed], bool]) -> "Examples":
        """The documents (by index and parse) that ``keep`` accepts, with their rows."""
        kept = [i for i, parsed in enumerate(self.documents) if keep(i, parsed)]
        return Examples([self.documents[i] for i in kept], [self.candidates[i] for i in kept],
                        [self.rows[i] for i in kept], [self.labels[i] for i in kept])


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
    """The gold predicate of each candidate, or "none".

    A candidate is positive when its two entities match an annotated relation's
    and its evidence overlaps the annotation's evidence: a pair named in three
    sentences, one of which states the tie, gives one positive and two negatives
    rather than three positives. When the annotated evidence cannot be found in
    the text, every candidate of the pair is positive."""
    gold = parsed.item.gold
    index = {e["name"]: i for i, e in enumerate(gold["entities"])}
    matches = entity_matches(parsed)
    symmetric = schema.load().symmetric
    tied: dict[tuple[str, str], list[tuple[str, tuple[int, int] | None]]] = {}
    for relation in gold["relations"]:
        subjects = matches.get(index.get(relation["subject"], -1), set())
        objects = matches.get(index.get(relation["object"], -1), set())
        where = locate(parsed.doc.text, relation.get("evidence") or "")
        for a in subjects:
            for b in objects:
                tied.setdefault((a, b), []).append((relation["predicate"], where))
                if relation["predicate"] in symmetric:
                    tied.setdefault((b, a), []).append((relation["predicate"], where))
    out = []
    for c in found:
        start, end = c.evidence
        label = next((predicate for predicate, where in tied.get((c.subject.id, c.object.id), ())
                      if where is None or (start < where[1] and where[0] < end)), NONE)
        out.append(label)
    return out


def locate(text: str, evidence: str) -> tuple[int, int] | None:
    """Where an annotation's evidence lies in the cleaned text (spaces and
    quotation marks may differ from the annotated copy), or None."""
    if not evidence:
        return None
    at = text.find(evidence)
    if at >= 0:
        return at, at + len(evidence)
    words = [re.escape(w) for w in re.findall(r"\w+", evidence)[:12]]
    if not words:
        return None
    found = re.search(r"\W+".join(words), text)
    return (found.start(), found.start() + len(evidence)) if found else None


def _matrix(rows: list[Row], mean: np.ndarray, scale: np.ndarray):
    from scipy import sparse as sp
    data, indices, indptr = [], [], [0]
    for features, _ in rows:
        present = sorted({column(f) for f in features})  # binary: present or not
        indices.extend(present)
        data.extend([1.0] * len(present))
        indptr.append(len(indices))
    hashed = sp.csr_matrix((data, indices, indptr), shape=(len(rows), COLUMNS), dtype=np.float64)
    dense = np.vstack([(v - mean) / scale for _, v in rows]) if rows else np.zeros((0, len(mean)))
    if dense.shape[1] == 0:
        return hashed
    return sp.hstack([hashed, sp.csr_matrix(dense)], format="csr")


def fit(train: Examples, threshold: float = DEFAULT_THRESHOLD) -> LinearModel:
    """A model trained on ``train``'s candidates of pairs the rules leave open
    (:func:`~dossier.extract.relations.learned.left_open`)."""
    rows, labels_ = [], []
    for parsed, found, doc_rows, doc_labels in zip(train.documents, train.candidates,
                                                   train.rows, train.labels):
        for is_open, row, label in zip(left_open(found, list(parsed.record.relations)),
                                       doc_rows, doc_labels):
            if is_open:
                rows.append(row)
                labels_.append(label)
    if not rows or len(set(labels_)) < 2:
        raise DossierError("too few annotated relations to train on")
    weights = {label: (NONE_WEIGHT if label == NONE else 1.0) for label in set(labels_)}
    return fit_rows(rows, labels_, C, weights, threshold)


def fit_rows(rows: list[Row], labels_: list[str], c: float, class_weight: dict | None,
             threshold: float) -> LinearModel:
    """A multinomial logistic regression over hashed sparse features and a dense
    block (standardised, weighted :data:`DENSE_WEIGHT`; empty for sparse-only rows)."""
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:
        raise DossierError("training needs scikit-learn: pip install 'dossier[train]'") from exc
    dense = np.vstack([v for _, v in rows]).astype(np.float64)
    mean, scale = dense.mean(axis=0), (dense.std(axis=0) + 1e-6) / DENSE_WEIGHT
    X = _matrix(rows, mean, scale)
    classifier = LogisticRegression(C=c, max_iter=2000, tol=1e-4, class_weight=class_weight)
    classifier.fit(X, labels_)
    classes = tuple(str(c) for c in classifier.classes_)
    weights, bias = classifier.coef_, classifier.intercept_
    if len(classes) == 2:  # a binary fit has one row: softmax over (0, w·x + b) is the same
        weights = np.vstack([np.zeros_like(weights), weights])
        bias = np.concatenate([[0.0], bias])
    return LinearModel(classes, weights.astype(np.float32), bias.astype(np.float64),
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


def cross_validate(data: Examples, k: int = 5, extra: Examples | None = None
                   ) -> CrossValidation:
    """Train on k−1 folds (and on ``extra``, documents that are never scored),
    score the k-th, for every fold; choose the threshold on the pooled
    out-of-fold relation F1."""
    documents = data.documents
    extra = extra or Examples([])
    out_of_fold: dict[int, tuple[LinearModel, np.ndarray]] = {}
    for fold in folds_of(documents, k):
        held = set(fold)
        model = fit(data.only(lambda i, _: i not in held).joined(extra))
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


def _with_model(parsed: Parsed, model: LinearModel, found, probabilities, threshold) -> dict:
    rules = list(parsed.record.relations)
    added = as_relations(parsed.doc, decide(model, found, probabilities, threshold),
                         vocabulary.load().lexicons, rules, model.name)
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
