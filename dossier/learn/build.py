"""``dossier train``: rebuild the shipped relation model from annotated text and
say, in one report (the model card's figures), how good it is.

Data: ``SHARED/dev`` and ``SHARED/train`` are cross-validated by document (k
folds: each text scored by a model that never saw it); the corpus annotations
kept in the project (offsets into ``SHARED/corpus/tnc-unlabelled.jsonl``) are
training data only, never scored, and any that nearly copies a scored text is
left out. The shipped model is fitted on everything but ``dev/``, so that the
dev score stays a score on unseen text.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from dossier import vocabulary
from dossier.evaluate import Scorecard, score
from dossier.extract.relations.features import COLUMNS
from dossier.extract.relations.learned import MODEL_NAME, RelationModel, model_relations
from dossier.learn import train
from dossier.learn.annotations import read_annotations, read_corpus
from dossier.learn.ceiling import measure
from dossier.learn.corpus import read_folder, without_near_copies
from dossier.learn.parsed import Parsed, parse_all

CARD_NAME = "relations.card.json"
HELD_OUT = "dev"
"""The folder the shipped model is not fitted on."""
SCORED_FOLDERS = ("dev", "train")
CORPUS = Path("corpus") / "tnc-unlabelled.jsonl"


@dataclass
class Report:
    """What ``dossier train`` measured; written beside the model as its card."""

    data: dict[str, int] = field(default_factory=dict)
    silver_agreement: dict[str, float] = field(default_factory=dict)
    ceiling: dict = field(default_factory=dict)
    cross_validated: dict = field(default_factory=dict)
    dev: dict = field(default_factory=dict)
    model: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"data": self.data, "silver_agreement": self.silver_agreement,
                "ceiling": self.ceiling, "cross_validated": self.cross_validated,
                "dev": self.dev, "model": self.model}


def build(shared: Path, annotations: Sequence[Path], folds: int = 5, out: Path | None = None,
          limit: int | None = None, say: Callable[[str], None] = lambda _: None,
          second_reader: Path | None = None) -> Report:
    """Cross-validate, fit the model to ship, score it on ``dev/``; write the
    model and its card to ``out`` when given. ``second_reader``: a second
    reader's annotations of some of the first annotation folder's texts, scored
    against them (the silver data's error rate)."""
    scored = [item for name in SCORED_FOLDERS if (shared / name).is_dir()
              for item in read_folder(shared / name)][:limit]
    corpus = read_corpus(shared / CORPUS) if (shared / CORPUS).is_file() else {}
    extra = [item for folder in annotations for item in read_annotations(folder, corpus)]
    extra = without_near_copies(extra, scored)[:limit]
    report = Report(data={"scored_texts": len(scored), "extra_texts": len(extra),
                          **{f"{name}_texts": sum(i.folder == name for i in scored)
                             for name in SCORED_FOLDERS}})
    if second_reader is not None and annotations and corpus:
        report.silver_agreement = agreement(annotations[0], second_reader, shared / CORPUS)
    say(f"parsing {len(scored)} scored and {len(extra)} extra annotated texts")
    parsed = list(parse_all(scored))
    parsed_extra = list(parse_all(extra))
    report.ceiling = measure(parsed).as_dict()
    data, more = train.examples(parsed), train.examples(parsed_extra)
    report.data.update(_counts(data, more))
    threshold = train.DEFAULT_THRESHOLD
    if folds >= 2 and len(parsed) >= folds:
        say(f"cross-validating ({folds} folds by document)")
        cv = train.cross_validate(data, folds, more)
        threshold = cv.threshold
        report.cross_validated = {"folds": folds, "threshold": cv.threshold,
                                  "rules": cv.rules.as_dict(), "learned": cv.learned.as_dict(),
                                  "relations_f1_by_threshold": cv.by_threshold,
                                  "per_predicate": cv.per_predicate}
    say("fitting the model to ship (everything but dev/)")
    fitted_on = data.only(lambda _, parsed: parsed.item.folder != HELD_OUT).joined(more)
    model = train.fit(fitted_on, threshold)
    report.dev = _dev_scores([p for p in parsed if p.item.folder == HELD_OUT], model)
    report.model = {"classes": list(model.classes), "threshold": threshold,
                    "hashed_columns": COLUMNS, "dense_columns": int(model.dense_mean.shape[0]),
                    "dense_weight": train.DENSE_WEIGHT, "C": train.C,
                    "training_texts": len(fitted_on.documents)}
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        model.save(out / MODEL_NAME)
        report.model["sha256"] = hashlib.sha256((out / MODEL_NAME).read_bytes()).hexdigest()
        report.model["bytes"] = (out / MODEL_NAME).stat().st_size
        (out / CARD_NAME).write_text(json.dumps(report.as_dict(), indent=1) + "\n", "utf-8")
    return report


def _counts(data: train.Examples, more: train.Examples) -> dict[str, int]:
    labels = [y for ex in (data, more) for doc in ex.labels for y in doc]
    return {"candidates": len(labels), "positive_candidates": sum(y != train.NONE for y in labels),
            "annotated_relations": sum(len(p.item.gold["relations"])
                                       for ex in (data, more) for p in ex.documents)}


def _dev_scores(parsed: list[Parsed], model: RelationModel) -> dict:
    """Every part on the held-out folder, rules alone and with the model."""
    if not parsed:
        return {}
    lexicons = vocabulary.load().lexicons
    rules, learned = Scorecard(), Scorecard()
    for p in parsed:
        score(p.item.gold, p.record.to_dict(), rules)
        added = model_relations(p.doc, p.antecedents, lexicons, list(p.record.relations), model)
        record = replace(p.record, relations=p.record.relations + tuple(added))
        score(p.item.gold, record.to_dict(), learned)
    return {"texts": len(parsed), "rules": rules.as_dict(), "learned": learned.as_dict()}


def agreement(first: Path, second: Path, corpus_path: Path) -> dict[str, float]:
    """F1 of a second reader's annotations scored against the first reader's, per
    part: how noisy one reader's (silver) annotations are."""
    corpus = read_corpus(corpus_path)
    firsts = {a.name: a for a in read_annotations(first, corpus)}
    card = Scorecard()
    pairs = [(firsts[b.name], b) for b in read_annotations(second, corpus) if b.name in firsts]
    for a, b in pairs:
        score(a.gold, _as_prediction(b.gold), card)
    return {"texts": len(pairs), **{part: round(t.f1, 3) for part, t in card.parts.items()
                                    if t.gold or t.predicted}}


def _as_prediction(gold: dict) -> dict:
    """An annotation in the shape of an extraction record (entity ids = names)."""
    out = dict(gold)
    out["entities"] = [{**e, "id": e["name"]} for e in gold["entities"]]
    return out


__all__ = ["Report", "agreement", "build"]
