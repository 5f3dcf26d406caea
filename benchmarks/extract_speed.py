"""Speed of `extract` against bare spaCy on the same texts, in one run.

    .venv/bin/python benchmarks/extract_speed.py [DIR ...]

Reads every .txt under the given folders (default: the bundled samples and, when
present, ../shared/dev), repeats the set until there are at least --min-words
words, then times (1) the bare model (`spacy.load` + `nlp.pipe`) and (2) the
whole read path (clean, Dossier's pipeline, entities, relations, quotes, claims,
events). Prints words/second for both and their ratio; the extractors' share is
the time beyond the bare parse. Then times the learned relation layer alone
(candidate pairs, their features, the model) and the entity type model against
Dossier's parse of the same texts: together they should cost at most a third of it.
"""
from __future__ import annotations

import argparse
import time
from importlib import resources
from pathlib import Path

import spacy

from dossier import nlp as nlp_module
from dossier import vocabulary
from dossier.assemble import entities_of, extract_many, prepare, resolver
from dossier.extract.entity_typing import corrected
from dossier.extract.relations import relations
from dossier.extract.relations.learned import model_relations
from dossier.ingest import read_paths
from dossier.model import Document


def texts(folders: list[str]) -> list[Document]:
    return [d for d in read_paths(folders) if isinstance(d, Document)]


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    default = [str(resources.files("dossier").joinpath("samples", "articles"))]
    if (root.parent / "shared" / "dev").exists():
        default.append(str(root.parent / "shared" / "dev"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", default=default)
    parser.add_argument("--min-words", type=int, default=30_000)
    args = parser.parse_args()

    docs = texts(args.folders)
    cleaned = [(d, prepare(d)) for d in docs]
    words = sum(len(c.text.split()) for _, c in cleaned)
    repeat = max(1, -(-args.min_words // words))
    batch = cleaned * repeat
    total_words = words * repeat

    bare = spacy.load(nlp_module.config().get("nlp", "model"))
    full = nlp_module.load()
    list(bare.pipe(c.text for _, c in cleaned[:2]))  # warm both up
    list(extract_many(cleaned[:2]))

    start = time.perf_counter()
    for _ in bare.pipe((c.text for _, c in batch), batch_size=16):
        pass
    bare_s = time.perf_counter() - start

    start = time.perf_counter()
    for _ in extract_many(batch):
        pass
    full_s = time.perf_counter() - start

    learned_s, types_s, parse_s = _learned_layer_time(full, batch)

    print(f"documents: {len(docs)} x {repeat} = {len(batch)}, words: {total_words:,}")
    print(f"bare spaCy ({full.meta['name']}): {total_words / bare_s:,.0f} words/s")
    print(f"dossier extract (all stages):     {total_words / full_s:,.0f} words/s")
    print(f"extract / bare time ratio: {full_s / bare_s:.2f} "
          f"(extractors' share beyond the parse: {(full_s - bare_s) / bare_s:.0%} of the parse)")
    print(f"learned relation layer (candidates, features, model) / Dossier's parse: "
          f"{learned_s / parse_s:.2f} ({learned_s:.1f} s / {parse_s:.1f} s)")
    print(f"entity type model (features, model) / Dossier's parse: "
          f"{types_s / parse_s:.2f} ({types_s:.1f} s / {parse_s:.1f} s)")
    del full


def _learned_layer_time(full, batch) -> tuple[float, float, float]:
    """Seconds of the learned relation layer alone, of the entity type model alone,
    and of Dossier's parse of the same texts (its spaCy pipeline with the entity
    components)."""
    lexicons, shapes = vocabulary.load().lexicons, vocabulary.load().shapes
    start = time.perf_counter()
    docs = list(full.pipe((c.text for _, c in batch), batch_size=16))
    parse_s = time.perf_counter() - start
    raw = [(doc, entities_of(doc, checked=False)) for doc in docs]
    start = time.perf_counter()
    checked = [(doc, corrected(doc, ents)) for doc, ents in raw]
    types_s = time.perf_counter() - start
    prepared = []
    for doc, ents in checked:
        antecedents = resolver(doc, ents)
        prepared.append((doc, antecedents, relations(doc, antecedents, lexicons, shapes)))
    start = time.perf_counter()
    for doc, antecedents, rules in prepared:
        model_relations(doc, antecedents, lexicons, rules)
    return time.perf_counter() - start, types_s, parse_s

if __name__ == "__main__":
    main()
