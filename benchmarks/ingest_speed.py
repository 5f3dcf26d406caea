"""Throughput of the whole ingest against bare spaCy on the same texts, in one run.

    .venv/bin/python benchmarks/ingest_speed.py [--articles 400] [--workers 1 2] [--ray]

Generates ``--articles`` synthetic articles (benchmarks/make_corpus.py) into one
JSONL file, then times, for each worker count N:

* bare spaCy: ``spacy.load`` of the same model and ``nlp.pipe(texts,
  n_process=N)`` over the cleaned texts;
* full ingest: ``dossier.batch.ingest.ingest`` of the JSONL file into a fresh
  SQLite store with N local worker processes (1 = this process): reading,
  cleaning, the whole pipeline, extraction and the batched writes;
* with ``--ray``: the same ingest on a private Ray instance with 1 and 2 actors.

The clock measures throughput, start-up aside: the bare model is loaded before
it starts (``n_process`` > 1 forks its workers inside the timing, which costs
little), and the ingest's worker processes or actors are started and have
loaded the model (one small batch each) before it starts; the start-up time is
printed apart. Prints words/second and the ratios: full/bare for each N (the
target is >= 0.75) and Ray 2 actors / 1 actor (target >= 1.8 where two cores
are free).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import spacy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from make_corpus import write_corpus  # noqa: E402

from dossier import nlp as nlp_module  # noqa: E402
from dossier.assemble import prepare  # noqa: E402
from dossier.batch import open_engine  # noqa: E402
from dossier.batch.ingest import ingest  # noqa: E402
from dossier.ingest import read_paths  # noqa: E402
from dossier.model import Document  # noqa: E402
from dossier.store import open_store  # noqa: E402


def time_bare(texts: list[str], workers: int) -> float:
    nlp = spacy.load(nlp_module.config().get("nlp", "model"))
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32, n_process=workers):
        pass
    return time.perf_counter() - start


def time_ingest(corpus: Path, folder: Path, kind: str, workers: int) -> tuple[float, float]:
    """(seconds to start the engine, seconds to ingest the corpus)."""
    db = folder / f"{kind}-{workers}.db"
    store = open_store(f"sqlite:///{db}")
    start = time.perf_counter()
    engine = open_engine(kind, workers)
    try:
        warm = [Document(raw=b"Warm-up.", body=f"The ferry ran late on day {n}.")
                for n in range(workers)]
        list(engine.map([[document] for document in warm]))
        started = time.perf_counter() - start
        start = time.perf_counter()
        report = ingest([str(corpus)], store, engine=engine)
        elapsed = time.perf_counter() - start
    finally:
        engine.close()
        store.close()
    assert report.counts["failed"] == 0, report.failures[:3]
    return started, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--ray", action="store_true", help="also time the Ray engine")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="dossier-bench-") as tmp:
        folder = Path(tmp)
        corpus = folder / "corpus.jsonl"
        write_corpus(corpus, args.articles, seed=11)
        texts = [prepare(d).text for d in read_paths([str(corpus)])]
        words = sum(len(t.split()) for t in texts)
        print(f"{len(texts)} articles, {words:,} words, {os.cpu_count()} CPUs\n")
        print(f"{'run':<30}{'start s':>8}{'seconds':>9}{'words/s':>10}{'ratio':>8}")
        for n in args.workers:
            bare = time_bare(texts, n)
            started, full = time_ingest(corpus, folder, "local", n)
            print(f"{f'bare spaCy, {n} process(es)':<30}{'':>8}{bare:>9.1f}{words / bare:>10,.0f}")
            print(f"{f'dossier ingest, {n} worker(s)':<30}{started:>8.1f}{full:>9.1f}"
                  f"{words / full:>10,.0f}{bare / full:>8.2f}   (full / bare)")
        if args.ray:
            os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            started1, one = time_ingest(corpus, folder, "ray", 1)
            started2, two = time_ingest(corpus, folder, "ray", 2)
            print(f"{'ray ingest, 1 actor':<30}{started1:>8.1f}{one:>9.1f}{words / one:>10,.0f}")
            print(f"{'ray ingest, 2 actors':<30}{started2:>8.1f}{two:>9.1f}{words / two:>10,.0f}"
                  f"{one / two:>8.2f}   (2 actors / 1)")


if __name__ == "__main__":
    main()
