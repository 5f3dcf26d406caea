"""No batch dies for one document, and no process outlives its run.

Failures are injected inside the workers, where real ones happen
(``tests/faults.py`` through ``DOSSIER_EXTRACT_HOOK``): an exception that cannot
even be pickled, a worker killing itself with SIGKILL, a segfault in C code, a
document that sleeps past the time limit, a hang the in-process limit cannot
interrupt. Workers are also killed from outside, the parent is killed with
SIGKILL and interrupted with Ctrl-C. After each: every good document stored
exactly once, the culprit named in ``failures``, SQLite's integrity check
passes, and no process of the run is left.
"""
from __future__ import annotations

import json
import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import faults
from processes import assert_gone, descendants
from corpus import generator
from dossier import errors
from dossier.batch import open_engine, supervise
from dossier.batch.ingest import ingest, reason_kind, reprocess
from dossier.store import open_store

TESTS = Path(__file__).resolve().parent
TIME_LIMIT = 2.0
HOOK = "faults:before_extract"


# -- exceptions cross process boundaries intact ----------------------------------

SAMPLES = {
    errors.DossierError: lambda: errors.DossierError("something went wrong"),
    errors.InputError: lambda: errors.InputError("feed.jsonl:3", "not valid JSON"),
    errors.VocabularyError: lambda: errors.VocabularyError("groups.yaml: key 'x' missing"),
    errors.StorageError: lambda: errors.StorageError("database is read-only"),
    errors.ExportError: lambda: errors.ExportError("cannot write out.xml"),
    errors.ExtractionTimeout: lambda: errors.ExtractionTimeout(60.0),
    supervise.WorkerLost: lambda: supervise.WorkerLost(
        "worker killed by signal 9 (SIGKILL)",
        {0: errors.InputError("a.txt", "empty file: no text to read")}),
    supervise.EngineClosed: lambda: supervise.EngineClosed("the engine was closed"),
}


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_exception_type_is_covered():
    import dossier.batch.process  # noqa: F401  (every module that defines one is loaded)
    assert _subclasses(errors.DossierError) | {errors.DossierError} == set(SAMPLES)


@pytest.mark.parametrize("cls", sorted(SAMPLES, key=lambda c: c.__name__),
                         ids=lambda c: c.__name__)
def test_exception_survives_pickling_with_its_fields(cls):
    error = SAMPLES[cls]()
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is cls
    assert _state(again) == _state(error)


def _state(value):
    """An exception as comparable data: its type, message and fields, recursively."""
    if isinstance(value, BaseException):
        return type(value), str(value), _state(vars(value))
    if isinstance(value, dict):
        return {k: _state(v) for k, v in value.items()}
    return value


def test_reasons_are_counted_by_kind():
    assert reason_kind("worker killed by signal 9 (SIGKILL) while extracting a.jsonl:3") == \
        "worker killed by signal 9 (SIGKILL)"
    assert reason_kind("not valid JSON (Expecting value: line 1 column 1)") == "not valid JSON"
    assert reason_kind("extraction exceeded 60 s") == "extraction exceeded 60 s"


# -- one bad document costs one document ------------------------------------------

GOOD_ARTICLES = 10
BAD = {  # injected fault → what the failures table must say
    "huge": "sentence too long",
    faults.RAISE: "extraction failed: Unpicklable",
    faults.KILL: "worker killed by signal 9 (SIGKILL) while extracting",
    faults.SEGV: "worker killed by signal 11 (SIGSEGV) while extracting",
    faults.SLEEP: f"extraction exceeded {TIME_LIMIT:g} s",
    faults.HANG: f"extraction exceeded {TIME_LIMIT:g} s",
}
WHERE = {  # which faults each engine must survive
    "in-process": ("huge", faults.RAISE, faults.SLEEP),
    "2-worker-processes": tuple(BAD),
    "ray": ("huge", faults.RAISE, faults.KILL, faults.SEGV, faults.SLEEP),
}


def _good_texts(n: int, seed: int = 3) -> list[str]:
    make = generator()
    return [a["text"] for a in make.generate(n, seed=seed)]


def _faulty_corpus(path: Path, bad: tuple[str, ...]) -> tuple[Path, dict[int, str]]:
    """Good generated articles with one faulty document after every second one;
    returns the JSONL file and {line number: fault}."""
    good = _good_texts(GOOD_ARTICLES)
    lines, where = [], {}
    pending = list(bad)
    for i, text in enumerate(good):
        lines.append({"text": text, "title": f"good {i}"})
        if i % 2 and pending:
            fault = pending.pop(0)
            text = ("word " * 1_100_000) if fault == "huge" else \
                f"{good[0]}\n\nThe militants said {fault} in a statement."
            lines.append({"text": text, "title": f"bad {fault}"})
            where[len(lines)] = fault
    for fault in pending:
        lines.append({"text": f"{good[1]}\n\nOfficials said {fault}.", "title": "bad"})
        where[len(lines)] = fault
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
    return path, where


@pytest.fixture
def hooked(monkeypatch):
    """Faults armed in this process and in every worker it starts."""
    monkeypatch.setenv("DOSSIER_EXTRACT_HOOK", HOOK)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(TESTS)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))


def _integrity(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def _stored_titles(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return sorted(row[0] for row in conn.execute("SELECT title FROM documents"))


def _failures(db: Path) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return {source: (stage, reason) for source, stage, reason in
                conn.execute("SELECT source, stage, reason FROM failures")}


@pytest.mark.parametrize("engine", list(WHERE))
def test_each_fault_costs_only_its_document(engine, hooked, tmp_path):
    if engine == "ray":
        pytest.importorskip("ray")
    corpus, where = _faulty_corpus(tmp_path / "mixed.jsonl", WHERE[engine])
    db = tmp_path / "mixed.db"
    store = open_store(str(db))
    kind, workers = ("ray", 2) if engine == "ray" else ("local", 0 if engine == "in-process" else 2)
    runner = open_engine(kind, workers, time_limit=TIME_LIMIT)
    try:
        report = ingest([str(corpus)], store, engine=runner, batch_size=4)
    finally:
        runner.close()
        store.close()

    assert _stored_titles(db) == sorted(f"good {i}" for i in range(GOOD_ARTICLES))
    failed = _failures(db)
    assert set(failed) == {f"{corpus}:{line}" for line in where}
    for line, fault in where.items():
        stage, reason = failed[f"{corpus}:{line}"]
        expected = BAD[fault]
        if engine == "ray" and fault in (faults.KILL, faults.SEGV):
            expected = "worker lost: Ray actor died"
        assert stage == "ingest" and reason.startswith(expected), (fault, reason)
        if "while extracting" in expected:
            assert reason.endswith(f"while extracting {corpus}:{line}")
    assert report.counts == {"stored": GOOD_ARTICLES, "duplicates": 0, "failed": len(where)}
    assert sum(report.reasons.values()) == len(where)
    _integrity(db)


def test_reprocess_keeps_what_a_failing_document_had(hooked, tmp_path, monkeypatch):
    texts = _good_texts(4, seed=5)
    texts[2] += f"\n\nThe militants said {faults.KILL} in a statement."
    folder = tmp_path / "articles"
    folder.mkdir()
    for i, text in enumerate(texts):
        (folder / f"a{i}.txt").write_text(text, "utf-8")
    db = tmp_path / "re.db"
    monkeypatch.delenv("DOSSIER_EXTRACT_HOOK")  # stored while nothing fails
    store = open_store(str(db))
    assert ingest([str(folder)], store).counts["stored"] == 4
    with sqlite3.connect(db) as conn:
        before = dict(conn.execute("SELECT d.source, count(*) FROM mentions m JOIN documents d "
                                   "ON d.id = m.document_id GROUP BY d.source").fetchall())
    monkeypatch.setenv("DOSSIER_EXTRACT_HOOK", HOOK)
    runner = open_engine("local", 2, time_limit=TIME_LIMIT)
    try:
        report = reprocess(store, engine=runner)
    finally:
        runner.close()
        store.close()
    culprit = str(folder / "a2.txt")
    assert report.counts["stored"] == 3 and report.counts["failed"] == 1
    assert _failures(db)[culprit] == (
        "reprocess", f"worker killed by signal 9 (SIGKILL) while extracting {culprit}")
    with sqlite3.connect(db) as conn:
        after = dict(conn.execute("SELECT d.source, count(*) FROM mentions m JOIN documents d "
                                  "ON d.id = m.document_id GROUP BY d.source").fetchall())
    assert after == before  # the culprit keeps its mentions; the others are rebuilt alike
    _integrity(db)


# -- processes killed from outside -------------------------------------------------

def _paused_corpus(path: Path, n: int) -> Path:
    """``n`` articles that each take 3 s more to extract."""
    texts = _good_texts(n, seed=11)
    path.write_text("".join(json.dumps({"text": f"{t}\n\nOfficials said {faults.PAUSE}.",
                                        "title": f"slow {i}"}) + "\n"
                            for i, t in enumerate(texts)), "utf-8")
    return path


def _command(corpus: Path, db: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "dossier", "ingest", str(corpus), "--db", str(db),
            "--batch-size", "2", *options]


def _wait_for(condition, seconds: float = 120, what: str = "condition") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def started(tmp_path, hooked, monkeypatch) -> Path:
    """The folder where a paused document leaves its worker's pid."""
    folder = tmp_path / "started"
    folder.mkdir()
    monkeypatch.setenv(faults.STARTED_DIR, str(folder))
    return folder


def test_worker_killed_mid_batch_costs_nothing(started, tmp_path):
    corpus, db = _paused_corpus(tmp_path / "slow.jsonl", 8), tmp_path / "k.db"
    run = subprocess.Popen(_command(corpus, db, "--workers", "2"), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    _wait_for(lambda: any(started.iterdir()), what="a document in flight")
    victim = int(next(started.iterdir()).name)
    os.kill(victim, signal.SIGKILL)
    out, err = run.communicate(timeout=300)
    # The documents it held are extracted again, alone, by a fresh worker.
    assert run.returncode == 0, err
    assert "stored 8 new, 0 already stored, 0 failed" in " ".join(out.split())
    assert _stored_titles(db) == sorted(f"slow {i}" for i in range(8))
    _integrity(db)


@pytest.mark.parametrize("options", [("--workers", "2"), ("--engine", "ray", "--workers", "1")],
                         ids=["worker-processes", "ray"])
def test_killed_parent_leaves_no_process(options, started, tmp_path):
    if "ray" in options:
        pytest.importorskip("ray")
    corpus, db = _paused_corpus(tmp_path / "slow.jsonl", 6), tmp_path / "p.db"
    run = subprocess.Popen(_command(corpus, db, *options), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    _wait_for(lambda: any(started.iterdir()), what="a document in flight")
    family = descendants(run.pid)
    assert family, "the run has worker processes"
    run.send_signal(signal.SIGKILL)
    run.wait()
    assert_gone(family)
    _integrity(db)


def test_ctrl_c_stops_cleanly_and_a_rerun_resumes(started, tmp_path):
    corpus, db = _paused_corpus(tmp_path / "slow.jsonl", 10), tmp_path / "c.db"
    command = _command(corpus, db, "--workers", "2")
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           start_new_session=True)
    _wait_for(lambda: db.exists() and _count(db) >= 2, what="a committed batch")
    family = descendants(run.pid)
    os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C sends: the whole foreground group
    out, err = run.communicate(timeout=60)
    assert run.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert_gone(family)
    _integrity(db)
    kept = _count(db)
    assert 2 <= kept < 10

    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"stored {10 - kept} new, {kept} already stored" in " ".join(rerun.stdout.split())
    assert _stored_titles(db) == sorted(f"slow {i}" for i in range(10))


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=30) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # not yet created
        return 0
