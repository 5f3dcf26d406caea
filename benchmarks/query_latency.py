"""Profile and graph query latency on a large store (p50 / p95 / max).

    .venv/bin/python benchmarks/query_latency.py [--articles 100000] [--distinct 2000]
                                                 [--db /tmp/dossier-100k.db]

Filling a store with 100,000 articles through the whole pipeline takes hours on
a laptop, so the store is built in two steps: ``--distinct`` synthetic articles
(benchmarks/make_corpus.py) are extracted for real, with two worker processes,
and their records are written through the store's normal write path
(``add_many``: entity resolution, aliases, mentions, assertions and sources)
under ``--articles`` distinct document ids, cycling over the records. The store
is kept at ``--db`` and reused by later runs when it already holds that many
documents.

Then it times, on a warm store:

* ``query.profile`` (what ``dossier show`` and the entity page read) for 200
  random entities, and separately for the 10 most mentioned ones;
* ``graph.build_graph(around=..., depth=2)`` for 50 random armed groups.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from make_corpus import generate  # noqa: E402

from dossier import query  # noqa: E402
from dossier.batch import open_engine  # noqa: E402
from dossier.batch.work import Extracted  # noqa: E402
from dossier.graph import build_graph  # noqa: E402
from dossier.model import Document  # noqa: E402
from dossier.store import open_store  # noqa: E402

WRITE_BATCH = 500


def extracted(distinct: int) -> list[Extracted]:
    """The real records of ``distinct`` generated articles."""
    documents = [Document(raw=a["text"].encode(), source=a["url"], title=a["title"],
                          published=a["published"], body=a["text"], kind="jsonl")
                 for a in generate(distinct, seed=5)]
    engine = open_engine("local", workers=2)
    try:
        batches = [documents[i:i + 32] for i in range(0, len(documents), 32)]
        return [o for batch in engine.map(batches) for o in batch if isinstance(o, tuple)]
    finally:
        engine.close()


def build(store, articles: int, distinct: int) -> None:
    records = extracted(distinct)
    start = time.perf_counter()
    pending = []
    for i in range(articles):
        document, cleaned, record = records[i % len(records)]
        copy = replace(document, raw=document.raw + f"\n[copy {i}]".encode(),
                       source=f"{document.source}#{i}")
        pending.append((copy, cleaned, record))
        if len(pending) == WRITE_BATCH or i == articles - 1:
            store.add_many(pending)
            pending = []
            done = i + 1
            rate = done / (time.perf_counter() - start)
            print(f"\r  wrote {done:,}/{articles:,} documents ({rate:,.0f}/s)", end="",
                  file=sys.stderr, flush=True)
    print(file=sys.stderr)


def timed(fn, items) -> list[float]:
    times = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        times.append((time.perf_counter() - start) * 1000)
    return times


def row(label: str, times: list[float]) -> str:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return (f"{label:<38}{len(times):>6}{statistics.median(times):>10.1f}{p95:>10.1f}"
            f"{times[-1]:>10.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--distinct", type=int, default=2_000)
    parser.add_argument("--db", default=str(Path(tempfile.gettempdir()) / "dossier-100k.db"))
    args = parser.parse_args()

    store = open_store(f"sqlite:///{args.db}")
    if store.counts()["documents"] < args.articles:
        print(f"building a store of {args.articles:,} documents at {args.db}", file=sys.stderr)
        build(store, args.articles, args.distinct)
    counts = store.counts()
    print(f"store: {counts['documents']:,} documents, {counts['entities']:,} entities, "
          f"{counts['mentions']:,} mentions ({args.db})\n")

    rng = random.Random(1)
    everyone = store.all_entities()
    sample = [e for e, _ in rng.sample(everyone, min(200, len(everyone)))]
    top = [e for e, _ in store.top_entities(limit=10)]
    groups = [e for e, _ in everyone if e.type == "armed_group"]
    around = rng.sample(groups, min(50, len(groups)))

    for entity in sample[:5]:  # warm the caches
        query.profile(store, entity)
    print(f"{'query (milliseconds)':<38}{'n':>6}{'p50':>10}{'p95':>10}{'max':>10}")
    print(row("profile, random entities", timed(lambda e: query.profile(store, e), sample)))
    print(row("profile, 10 most mentioned", timed(lambda e: query.profile(store, e), top)))
    print(row("graph depth 2, random armed groups",
              timed(lambda e: build_graph(store, around=e.id, depth=2), around)))
    store.close()


if __name__ == "__main__":
    main()
