"""Peak memory of ``dossier ingest`` against corpus size: it should be flat.

    .venv/bin/python benchmarks/ingest_memory.py [--sizes 1000 5000 10000] [--workers 2]

For each size, writes that many synthetic articles (benchmarks/make_corpus.py)
to one JSONL file, runs ``python -m dossier ingest FILE --workers N`` into a
fresh SQLite store in a subprocess, and samples the resident memory of the
ingest process and of its whole process tree (the worker processes included)
every 0.2 s. Prints peak memory, documents per second, and the store size.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from make_corpus import write_corpus  # noqa: E402

MIB = 1024 * 1024


def run(corpus: Path, db: Path, workers: int) -> tuple[float, float, float]:
    """(peak MiB of the ingest process, peak MiB of its tree, seconds)."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "dossier", "ingest", str(corpus),
                              "--db", str(db), "--workers", str(workers)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    main = psutil.Process(child.pid)
    peak_main = peak_tree = 0
    while child.poll() is None:
        try:
            rss = main.memory_info().rss
            tree = rss + sum(p.memory_info().rss for p in main.children(recursive=True))
        except psutil.Error:
            break
        peak_main, peak_tree = max(peak_main, rss), max(peak_tree, tree)
        time.sleep(0.2)
    child.wait()
    if child.returncode != 0:
        raise SystemExit(f"ingest failed: {child.stderr.read().decode()[-2000:]}")
    return peak_main / MIB, peak_tree / MIB, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    print(f"{'articles':>9}{'ingest MiB':>12}{'all procs MiB':>15}{'docs/s':>9}{'store MiB':>11}")
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="dossier-mem-") as tmp:
            corpus, db = Path(tmp) / "corpus.jsonl", Path(tmp) / "store.db"
            write_corpus(corpus, size, seed=21)
            main_mib, tree_mib, seconds = run(corpus, db, args.workers)
            store_mib = sum(p.stat().st_size for p in Path(tmp).glob("store.db*")) / MIB
            print(f"{size:>9,}{main_mib:>12.0f}{tree_mib:>15.0f}{size / seconds:>9.1f}"
                  f"{store_mib:>11.0f}", flush=True)


if __name__ == "__main__":
    main()
