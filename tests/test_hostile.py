"""Hostile input (tests/data/hostile/make_hostile.py): every file gets a clear
error or a safe result, in bounded time and memory, and the rest of the batch
is stored."""
from __future__ import annotations

import importlib.util
import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dossier import ingest as ingest_module
from dossier.assemble import extract
from dossier.batch import open_engine
from dossier.batch.ingest import ingest
from dossier.clean import MAX_SENTENCE_CHARS, clean
from dossier.ingest import jsonl
from dossier.model import Document
from dossier.store import open_store

ROOT = Path(__file__).resolve().parent.parent
DOSSIER = Path(sys.executable).parent / "dossier"
MAX_SECONDS = 120
MAX_RSS_GROWTH_BYTES = 1_500_000_000

GOOD = (
    "KABUL — The Taliban said on Monday that its forces had taken control of a border "
    "crossing in the east of the country after two days of fighting with a rival "
    "faction. A spokesman for the movement told reporters in Kabul that traders would "
    "be allowed to cross again by the end of the week. Residents of the nearby town "
    "said the market had stayed shut and that several families had left for the "
    "provincial capital. The government in Islamabad gave no comment.\n"
)

UNSAFE = ("\x00", "\u202e", "\u200b", "\u200d", "\ufeff")


def _load_generator():
    path = ROOT / "tests" / "data" / "hostile" / "make_hostile.py"
    spec = importlib.util.spec_from_file_location("make_hostile", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_hostile = _load_generator()


def _file_of(source: str) -> str:
    """The file name a failure or document source refers to (JSONL: without ``:line``)."""
    return Path(re.sub(r":\d+$", "", source)).name


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("hostile")
    return folder, make_hostile.make(folder)


@pytest.fixture(scope="module", params=[0, 2], ids=["in-process", "2-worker-processes"])
def run(request, corpus, tmp_path_factory, nlp):
    """The whole corpus and one good article ingested in one batch, in this
    process and through the default worker processes (where every failure
    crosses a process boundary); the model is loaded beforehand so the memory
    measured is the batch's own."""
    folder, expected = corpus
    good = tmp_path_factory.mktemp("good") / "kabul-crossing.txt"
    good.write_text(GOOD, encoding="utf-8")
    db = tmp_path_factory.mktemp("db") / "hostile.db"
    # The folder walk reads .txt, .html and .jsonl; other names are passed by hand.
    walked = {p.name for p in ingest_module._files_under(folder)}
    paths = [str(folder)] + [str(folder / n) for n in sorted(expected) if n not in walked]
    store = open_store(str(db))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    started = time.monotonic()
    engine = open_engine("local", workers=request.param)
    try:
        report = ingest(paths + [str(good)], store, engine=engine)
    finally:
        engine.close()
        store.close()
    seconds = time.monotonic() - started
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
    return {"report": report, "db": db, "good": good, "seconds": seconds,
            "rss_growth": rss_growth, "expected": expected, "folder": folder}


def _rows(db: Path, query: str) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


def test_corpus_limits_match_dossier():
    assert make_hostile.MAX_FILE_BYTES == ingest_module.MAX_FILE_BYTES
    assert make_hostile.MAX_LINE_BYTES == jsonl.MAX_LINE_BYTES


def test_corpus_files_are_what_they_claim(corpus):
    folder, expected = corpus
    assert (folder / "huge.txt").stat().st_size > ingest_module.MAX_FILE_BYTES
    assert (folder / "zip_bomb.txt").stat().st_size < 2_000_000
    assert (folder / "long_sentence.txt").stat().st_size > 200_000 - 10
    assert (folder / "image.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert (folder / "program.elf").read_bytes().startswith(b"\x7fELF")
    assert (folder / "nested_divs.html").read_text().count("<div>") == 10_000
    with (folder / "broken.jsonl").open("rb") as file:
        assert max(len(line) for line in file) > jsonl.MAX_LINE_BYTES
    assert set(expected) == {p.name for p in folder.iterdir()}


def test_batch_finishes_in_bounded_time_and_memory(run):
    assert run["seconds"] < MAX_SECONDS, f"ingest took {run['seconds']:.1f} s"
    assert run["rss_growth"] < MAX_RSS_GROWTH_BYTES, f"peak memory grew {run['rss_growth']:,} B"


def test_good_article_stored(run):
    rows = _rows(run["db"], "SELECT id, text FROM documents WHERE source = "
                            f"'{run['good']}'")
    assert len(rows) == 1
    assert rows[0]["text"].startswith("KABUL — The Taliban said on Monday")
    names = {r["name"] for r in _rows(run["db"], "SELECT e.name FROM entities e JOIN mentions m "
                                                 "ON m.entity_id = e.id WHERE m.document_id = "
                                                 f"'{rows[0]['id']}'")}
    assert "Taliban" in names


def test_every_hostile_file_refused_clearly_or_stored(run):
    expected = run["expected"]
    failed: dict[str, list[str]] = {}
    for error in run["report"].failures:
        failed.setdefault(_file_of(error.source), []).append(error.reason)
    stored = {_file_of(r["source"]) for r in _rows(run["db"], "SELECT source FROM documents")}
    for name, outcome in expected.items():
        assert name in failed or name in stored, f"{name}: neither refused nor stored"
        if outcome.startswith("refused: ") and name != "broken.jsonl":
            assert name not in stored, f"{name} was stored"
            assert len(failed[name]) == 1, failed[name]
            words = outcome.removeprefix("refused: ")
            assert words in failed[name][0], f"{name}: {failed[name][0]!r}"
        elif outcome == "stored safely":
            assert name in stored and name not in failed, f"{name}: {failed.get(name)}"
    for reasons in failed.values():
        for reason in reasons:  # a human sentence, not a repr or a traceback
            assert reason and "Traceback" not in reason and len(reason) < 300, reason


def test_reasons_name_the_problem(run):
    reasons = {_file_of(e.source) + (e.source[e.source.rfind(":"):] if "jsonl:" in e.source
                                     else ""): e.reason for e in run["report"].failures}
    assert reasons["empty.txt"].startswith("empty file")
    assert reasons["whitespace_only.txt"].startswith("empty file")
    assert reasons["image.png"].startswith("binary data")
    assert reasons["zip_bomb.txt"].startswith("binary data")
    assert "too large" in reasons["huge.txt"] and "50,000,000" in reasons["huge.txt"]
    assert "sentence too long" in reasons["long_sentence.txt"]
    assert f"{MAX_SENTENCE_CHARS:,}" in reasons["long_sentence.txt"]
    assert reasons["broken.jsonl:1"].startswith("not valid JSON")
    assert reasons["broken.jsonl:2"].startswith("not valid JSON")
    assert reasons["broken.jsonl:3"].startswith("expected a JSON object")
    assert reasons["broken.jsonl:4"].startswith("line too long")
    stored = {r["source"] for r in _rows(run["db"], "SELECT source FROM documents")}
    assert any(s.endswith("broken.jsonl:5") for s in stored), "the line after the huge one"


def test_failures_table_has_one_row_per_failure(run):
    report = run["report"]
    rows = _rows(run["db"], "SELECT source, stage, reason FROM failures")
    assert len(rows) == report.counts["failed"] == len(report.failures)
    assert sorted((r["source"], r["reason"]) for r in rows) == \
        sorted((e.source, e.reason) for e in report.failures)
    per_file: dict[str, int] = {}
    for row in rows:
        per_file[_file_of(row["source"])] = per_file.get(_file_of(row["source"]), 0) + 1
    assert all(n == 1 for name, n in per_file.items() if not name.endswith(".jsonl"))
    assert per_file["broken.jsonl"] == 4


def test_stored_text_is_safe_and_offsets_slice_it(run):
    documents = _rows(run["db"], "SELECT id, source, text FROM documents")
    assert len(documents) >= 2
    for doc in documents:
        text = doc["text"]
        assert not any(ch in text for ch in UNSAFE), doc["source"]
        assert "<script" not in text.lower() and "javascript:" not in text.lower(), doc["source"]
        assert "lollol" not in text, doc["source"]  # no XML entity was expanded
        mentions = _rows(run["db"], "SELECT start, \"end\", text, sentence_start, sentence_end "
                                    f"FROM mentions WHERE document_id = '{doc['id']}'")
        for m in mentions:
            assert 0 <= m["start"] < m["end"] <= len(text)
            assert text[m["start"]:m["end"]] == m["text"]
            assert m["sentence_start"] <= m["start"] and m["end"] <= m["sentence_end"] <= len(text)


def test_active_content_keeps_only_the_article(run):
    rows = _rows(run["db"], "SELECT text FROM documents WHERE source LIKE '%active_content.html'")
    assert len(rows) == 1
    assert "Fighters of the River Front withdrew" in rows[0]["text"]
    assert "alert(" not in rows[0]["text"] and "document.cookie" not in rows[0]["text"]


def _extract_cli(path: Path) -> tuple[Path, subprocess.CompletedProcess]:
    env = {**os.environ, "COLUMNS": "1000", "NO_COLOR": "1"}
    return path, subprocess.run([str(DOSSIER), "extract", "--json", str(path)], env=env,
                                capture_output=True, text=True, timeout=MAX_SECONDS)


def test_extract_cli_on_each_file_fails_cleanly_or_prints_json(corpus):
    folder, expected = corpus
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        results = list(pool.map(_extract_cli, [folder / name for name in sorted(expected)]))
    for path, proc in results:
        assert "Traceback" not in proc.stderr, f"{path.name}: {proc.stderr[-2000:]}"
        errors = proc.stderr.strip().splitlines()
        assert all(line.startswith("skipped ") and path.name in line for line in errors), \
            f"{path.name}: {proc.stderr[-2000:]}"
        if proc.returncode != 0:
            assert proc.returncode == 1 and proc.stdout == "", path.name
            assert len(errors) == 1, f"{path.name}: {proc.stderr}"
        else:
            records = [json.loads(line) for line in proc.stdout.splitlines()]
            assert records and all("text" in r and "entities" in r for r in records), path.name


@pytest.mark.parametrize("name, group", [("al-Sha\u200bbaab", "Al-Shabaab"),
                                          ("al-Sha\u200dbaab", "Al-Shabaab"),
                                          ("\u202eISIS", "ISIS"),
                                          ("Boko\ufeff Haram", "Boko Haram"),
                                          ("\u2066Hezbollah\u2069", "Hezbollah")])
def test_invisible_characters_do_not_hide_a_group(nlp, name, group):
    text = (f"NAIROBI — Fighters of {name} attacked a police post on Tuesday, officials "
            f"said. The army said it had pushed the attackers back.")
    document = Document(raw=text.encode(), source="invisible.txt", kind="text")
    cleaned, record = extract(document)
    assert sum(cleaned.repairs.values()) >= 1  # counted (ftfy drops U+FEFF itself)
    assert not any(ch in cleaned.text for ch in UNSAFE + ("\u2066", "\u2069"))
    found = {e.name: e for e in record.entities}
    assert group in found, sorted(found)
    for start, end in found[group].mentions:
        assert cleaned.text[start:end].lower().replace("-", " ") == group.lower().replace("-", " ")


def test_invisible_characters_removed_idempotently():
    once = clean("A\u200b \u202eB\u2066C\u2069\u200e.\ufeff D")
    assert once.text == "A BC. D"
    assert once.repairs["invisible"] == 5
    twice = clean(once.text)
    assert twice.text == once.text and twice.repair_count == 0


def test_long_sentence_limit_is_on_runs_not_text_length():
    sentence = "word " * 1000 + ".\n"  # 5,000 characters each
    assert clean(sentence * 30).text  # 150,000 characters, short sentences: accepted
    with pytest.raises(Exception, match="sentence too long"):
        clean("word " * (MAX_SENTENCE_CHARS // 5 + 1))
