"""``dossier train``: rebuild the shipped models (entity types, then relations) from
annotated text and say, in one report (the model cards' figures), how good they are.

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
from dossier.extract.linear import COLUMNS, LinearModel
from dossier.extract.relations.learned import MODEL_NAME, left_open, model_relations
from dossier.extract.entity_typing import MODEL_NAME as TYPE_MODEL_NAME
from dossier.extract.entity_typing import SPURIOUS, corrected
from dossier.learn import entity_types, train
from dossier.learn.annotations import read_annotations, read_corpus
from dossier.learn.ceiling import measure
from dossier.learn.corpus import read_folder, without_near_copies
from dossier.learn.parsed import Parsed, parse_all, with_entities

CARD_NAME = "relations.card.json"
TYPE_CARD_NAME = "entity_types.card.json"
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
    entity_types: dict = field(default_factory=dict)  # written as its own card

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
    raw = list(parse_all(scored))
    raw_extra = list(parse_all(extra))
    say("entity types: cross-validating and fitting the type model")
    parsed, parsed_extra, type_model = _entity_types(raw, raw_extra, folds, report)
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
    held_raw = [p for p in raw if p.item.folder == HELD_OUT]
    report.dev = _dev_scores(held_raw, type_model, model)
    report.model = {"classes": list(model.classes), "threshold": threshold,
                    "hashed_columns": COLUMNS, "dense_columns": int(model.dense_mean.shape[0]),
                    "dense_weight": train.DENSE_WEIGHT, "C": train.C,
                    "training_texts": len(fitted_on.documents)}
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        report.model.update(_save(model, out / MODEL_NAME))
        report.entity_types["model"].update(_save(type_model, out / TYPE_MODEL_NAME))
        (out / CARD_NAME).write_text(json.dumps(report.as_dict(), indent=1) + "\n", "utf-8")
        (out / TYPE_CARD_NAME).write_text(json.dumps(report.entity_types, indent=1) + "\n",
                                          "utf-8")
    return report


def _save(model: LinearModel, path: Path) -> dict:
    model.save(path)
    return {"sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "bytes": path.stat().st_size}


def _entity_types(raw: list[Parsed], raw_extra: list[Parsed], folds: int, report: Report
                  ) -> tuple[list[Parsed], list[Parsed], LinearModel]:
    """Cross-validate and fit the entity type model; return the scored and extra
    texts re-extracted over corrected entities — each scored text corrected by a
    type model that never saw it (out of fold), the extra texts by the fitted one —
    for the relation layer to train and be scored on, as it will run."""
    data, more = entity_types.examples(raw), entity_types.examples(raw_extra)
    threshold, out_of_fold = entity_types.DEFAULT_THRESHOLD, None
    if folds >= 2 and len(raw) >= folds:
        cv = entity_types.cross_validate(data, folds, more)
        threshold, out_of_fold = cv.threshold, cv.corrected
        report.entity_types["cross_validated"] = {
            "folds": folds, "threshold": cv.threshold, "rules": _entity_parts(cv.rules),
            "learned": _entity_parts(cv.learned), "typed_f1_by_threshold": cv.by_threshold}
    joined = data.joined(more)
    held = frozenset(i for i, p in enumerate(raw) if p.item.folder == HELD_OUT)
    model = joined.fit(threshold, leave_out=held)
    labels = [y for doc in joined.labels for y in doc]
    report.entity_types["data"] = {
        "judged_entities": len(labels), "spurious": labels.count(SPURIOUS),
        "training_texts": len(joined.documents) - len(held), "C": entity_types.C}
    report.entity_types["model"] = {"classes": list(model.classes), "threshold": threshold,
                                    "hashed_columns": COLUMNS}
    if out_of_fold is None:
        out_of_fold = [corrected(p.doc, p.entities, model) for p in raw]
    parsed = [with_entities(p, ents) for p, ents in zip(raw, out_of_fold)]
    parsed_extra = [with_entities(p, corrected(p.doc, p.entities, model)) for p in raw_extra]
    return parsed, parsed_extra, model


def _entity_parts(card: Scorecard) -> dict:
    scores = card.as_dict()
    return {part: scores[part] for part in ("entities", "entities_typed")}


def _counts(data: train.Examples, more: train.Examples) -> dict[str, int]:
    labels = [y for ex in (data, more) for doc in ex.labels for y in doc]
    open_ = [is_open for ex in (data, more) for p, found in zip(ex.documents, ex.candidates)
             for is_open in left_open(found, list(p.record.relations))]
    return {"candidates": len(labels), "positive_candidates": sum(y != train.NONE for y in labels),
            "open_candidates": sum(open_),
            "annotated_relations": sum(len(p.item.gold["relations"])
                                       for ex in (data, more) for p in ex.documents)}


def _dev_scores(raw: list[Parsed], type_model: LinearModel, model: LinearModel) -> dict:
    """Every part on the held-out folder: the rules alone, and with both models."""
    if not raw:
        return {}
    lexicons = vocabulary.load().lexicons
    rules, learned = Scorecard(), Scorecard()
    for p in raw:
        score(p.item.gold, p.record.to_dict(), rules)
        checked = with_entities(p, corrected(p.doc, p.entities, type_model))
        added = model_relations(checked.doc, checked.antecedents, lexicons,
                                list(checked.record.relations), model)
        record = replace(checked.record, relations=checked.record.relations + tuple(added))
        score(p.item.gold, record.to_dict(), learned)
    return {"texts": len(raw), "rules": rules.as_dict(), "learned": learned.as_dict()}


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
