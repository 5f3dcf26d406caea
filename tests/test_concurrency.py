"""Crash safety and concurrent writers, with real processes and real databases.

* ``kill -9`` at random points of a batch ingest, 20 times, then a rerun: every
  document is stored exactly once and SQLite's integrity check passes.
* Four ``dossier ingest`` processes writing overlapping corpora into one store
  at once (SQLite in WAL mode, and PostgreSQL): nothing lost, nothing twice, no
  "database is locked" reaching the user, no entity created twice.
"""
from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from corpus import generator, write_jsonl
from dossier.batch.ingest import ingest
from dossier.store import open_store
from dossier.store.schema import entities, failures, mentions
from processes import assert_gone, descendants

ARTICLES = 24


@pytest.fixture(scope="module")
def articles(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    return write_jsonl(folder / "all.jsonl", ARTICLES, seed=17)


@pytest.fixture(scope="module")
def mentions_by_document(articles, tmp_path_factory):
    """Mentions per document when one process ingests everything."""
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('serial') / 'serial.db'}")
    assert ingest([str(articles)], store).counts["stored"] == ARTICLES
    counts = _mentions_by_document(store)
    store.close()
    return counts


def _mentions_by_document(store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return dict(conn.execute(select(mentions.c.document_id, func.count())
                                 .group_by(mentions.c.document_id)).all())


def _ingest_command(path, url: str) -> list[str]:
    return [sys.executable, "-m", "dossier", "ingest", str(path), "--db", url,
            "--batch-size", "4"]


def test_kill_9_twenty_times_then_rerun(articles, mentions_by_document, tmp_path):
    db = tmp_path / "killed.db"
    url = f"sqlite:///{db}"
    rng = random.Random(9)
    stored, workers = [], []
    for _ in range(20):
        run = subprocess.Popen(_ingest_command(articles, url), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.5, 5.0))  # start-up, reading, extracting or writing
        workers += descendants(run.pid)
        run.send_signal(signal.SIGKILL)
        run.wait()
        with sqlite3.connect(db, timeout=30) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            stored.append(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    assert stored == sorted(stored), "a kill never loses what was committed"
    assert workers, "the runs had worker processes when they were killed"
    assert_gone(workers)  # every worker ended with its parent
    rerun = subprocess.run(_ingest_command(articles, url), capture_output=True, text=True,
                           timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    store = open_store(url)
    assert _mentions_by_document(store) == mentions_by_document
    assert store.counts()["documents"] == ARTICLES
    store.close()


def test_four_writers_at_once(articles, mentions_by_document, backend_url, tmp_path):
    documents = list(generator().generate(ARTICLES, seed=17))
    slices = [range(0, 12), range(6, 18), range(12, 24), range(0, 24, 2)]  # overlapping
    files = []
    for n, picked in enumerate(slices):
        files.append(tmp_path / f"writer{n}.jsonl")
        for _ in generator().write_jsonl((documents[i] for i in picked), files[-1]):
            pass
    open_store(backend_url).close()  # created before the race, as a team's store is
    runs = [subprocess.Popen(_ingest_command(f, backend_url), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for f in files]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (out, err) in zip(runs, outputs):
        assert run.returncode == 0, err
        assert "locked" not in (out + err).lower() and "error" not in err.lower(), err
    store = open_store(backend_url)
    assert _mentions_by_document(store) == mentions_by_document
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(failures)).scalar_one() == 0
        twice = conn.execute(select(entities.c.kb_id).where(entities.c.kb_id.is_not(None))
                             .group_by(entities.c.kb_id).having(func.count() > 1)).all()
    assert not twice, twice
    store.close()
