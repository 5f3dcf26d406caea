"""Batch ingest on one machine: worker processes store what one process stores,
and a run killed with SIGKILL resumes to the same store."""
from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from corpus import write_jsonl
from dossier.batch import open_engine
from dossier.batch.ingest import REPORT_NAMES, IngestReport, ingest
from dossier.store import open_store
from snapshot import snapshot
from processes import assert_gone, descendants


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_jsonl(tmp_path_factory.mktemp("corpus") / "corpus.jsonl", 60, seed=3)


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory):
    """The store one process builds from the corpus."""
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('ref') / 'ref.db'}")
    report = ingest([str(corpus)], store, batch_size=8)
    assert report.counts == {"stored": 60, "duplicates": 0, "failed": 0}
    yield snapshot(store)
    store.close()


def test_worker_processes_store_what_one_process_stores(corpus, reference, backend_url):
    store = open_store(backend_url)
    engine = open_engine("local", workers=2)
    try:
        report = ingest([str(corpus)], store, engine=engine, batch_size=8)
    finally:
        engine.close()
    assert report.counts == {"stored": 60, "duplicates": 0, "failed": 0}
    assert snapshot(store) == reference
    again = ingest([str(corpus)], store, batch_size=8)
    assert again.counts == {"stored": 0, "duplicates": 60, "failed": 0}
    store.close()


def _documents(db) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_killed_ingest_resumes_to_the_same_store(corpus, reference, tmp_path):
    db = tmp_path / "killed.db"
    command = [sys.executable, "-m", "dossier", "ingest", str(corpus), "--db", str(db),
               "--batch-size", "8", "--workers", "2"]
    run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _documents(db) < 8 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.poll() is None, "the run ended before it could be killed"
    workers = descendants(run.pid)
    run.send_signal(signal.SIGKILL)
    run.wait()
    assert_gone(workers)  # the workers end with their parent
    stored_at_kill = _documents(db)
    assert 8 <= stored_at_kill < 60

    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"stored {60 - stored_at_kill} new, {stored_at_kill} already stored" in \
        " ".join(rerun.stdout.split())
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = open_store(f"sqlite:///{db}")
    assert snapshot(store) == reference
    store.close()


def test_report_counts_everything_but_lists_a_bounded_number():
    report = IngestReport()
    for n in range(REPORT_NAMES + 5):
        report.note("stored", f"doc-{n}")
    assert report.counts["stored"] == REPORT_NAMES + 5
    assert len(report.stored) == REPORT_NAMES and report.ok
