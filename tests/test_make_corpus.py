"""The synthetic corpus generator (benchmarks/make_corpus.py): its output formats,
determinism and distinctness, and what the real read path finds in its articles."""
from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from dossier.assemble import extract
from dossier.ingest import read_paths
from dossier.model import Document

ROOT = Path(__file__).resolve().parent.parent
N = 30
SEED = 11
START = "2024-06-01"
DAYS = 90


def _load_generator():
    path = ROOT / "benchmarks" / "make_corpus.py"
    spec = importlib.util.spec_from_file_location("make_corpus", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


make_corpus = _load_generator()


def _run(out: Path, *extra: str) -> None:
    make_corpus.main([str(N), str(out), "--seed", str(SEED), "--start", START,
                      "--days", str(DAYS), *extra])


@pytest.fixture(scope="module")
def jsonl_files(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("jsonl")
    first, second = folder / "a.jsonl", folder / "b.jsonl"
    _run(first)
    _run(second)
    return first, second


@pytest.fixture(scope="module")
def txt_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("txt") / "corpus"
    _run(folder, "--format", "txt")
    return folder


def test_jsonl_is_deterministic(jsonl_files):
    first, second = jsonl_files
    assert first.read_bytes() == second.read_bytes()


def test_a_different_seed_gives_a_different_corpus(tmp_path, jsonl_files):
    other = tmp_path / "other.jsonl"
    make_corpus.main([str(N), str(other), "--seed", str(SEED + 1), "--start", START,
                      "--days", str(DAYS)])
    assert other.read_bytes() != jsonl_files[0].read_bytes()


def test_jsonl_lines_parse_and_hold_the_fields(jsonl_files):
    lines = jsonl_files[0].read_text(encoding="utf-8").splitlines()
    assert len(lines) == N
    start = date.fromisoformat(START)
    urls = set()
    for line in lines:
        item = json.loads(line)
        assert set(item) == {"title", "published", "url", "text"}
        assert all(isinstance(v, str) and v for v in item.values())
        published = date.fromisoformat(item["published"])
        assert 0 <= (published - start).days < DAYS
        assert re.fullmatch(r"https://example\.org/synthetic/\d{6}", item["url"])
        urls.add(item["url"])
    assert len(urls) == N


def test_articles_are_distinct_and_sized(jsonl_files):
    items = [json.loads(line) for line in jsonl_files[0].read_text(encoding="utf-8").splitlines()]
    digests = {hashlib.sha256(i["text"].encode("utf-8")).hexdigest() for i in items}
    assert len(digests) == N
    for item in items:
        words = len(item["text"].split())
        assert 150 <= words <= 450, (words, item["url"])
        sentences = re.split(r"(?<=[.?!])[”)]?\s+(?=[A-Z“(])", item["text"])
        assert 5 <= len(sentences) <= 15, item["text"]
    assert len({i["title"] for i in items}) > N // 2


def test_generate_matches_the_file(jsonl_files):
    items = list(make_corpus.generate(N, seed=SEED, start=date.fromisoformat(START), days=DAYS))
    lines = jsonl_files[0].read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == items


def test_summary_goes_to_stderr(tmp_path, capsys):
    make_corpus.main(["3", str(tmp_path / "c.jsonl")])
    err = capsys.readouterr().err
    assert re.search(r"^3 articles, [\d,]+ words, [\d.]+ s", err)


def test_txt_files_have_headline_and_dateline(txt_dir, jsonl_files):
    files = sorted(txt_dir.iterdir())
    assert [f.name for f in files] == [f"{n:06d}.txt" for n in range(1, N + 1)]
    items = [json.loads(line) for line in jsonl_files[0].read_text(encoding="utf-8").splitlines()]
    for path, item in zip(files, items):
        headline, blank, body = path.read_text(encoding="utf-8").split("\n", 2)
        assert headline == item["title"] and blank == ""
        assert re.match(r"[^\n,a-z]+, [A-Z][a-z]+ \d{1,2}, \d{4} — \S", body)
    docs = [d for d in read_paths([str(txt_dir)]) if isinstance(d, Document)]
    assert len(docs) == N
    assert [d.title for d in docs] == [i["title"] for i in items]
    assert [d.published for d in docs] == [i["published"] for i in items]


def test_the_read_path_finds_groups_relations_quotes_and_claims(txt_dir, nlp):
    records = []
    for path in sorted(txt_dir.iterdir())[:8]:
        [document] = read_paths([str(path)])
        records.append(extract(document)[1])
    predicates, quotes, claims = Counter(), 0, 0
    for record in records:
        types = {e.type for e in record.entities}
        assert "armed_group" in types, [e.name for e in record.entities]
        assert "person" in types
        entities = {e.id: e for e in record.entities}
        predicates.update(r.predicate for r in record.relations)
        quotes += sum(1 for q in record.quotes
                      if q.speaker and entities[q.speaker].type == "person")
        claims += sum(1 for c in record.claims if c.kind == "strength" and c.min)
    assert predicates["leader_of"] >= 3, predicates
    assert predicates["adversary_of"] + predicates["allied_with"] >= 3, predicates
    assert quotes >= 2 * len(records)
    assert claims >= len(records) * 3 // 4
