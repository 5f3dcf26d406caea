"""The `dossier` command: extract, ingest, show, eval and demo over real files and SQLite stores."""
from __future__ import annotations

import json
import re
import shutil

import pytest
from typer.testing import CliRunner

from dossier import evaluate
from dossier.cli import app
from dossier.learn.annotations import layout, pack
from dossier.model import document_id

ISKP_FILE = "01-iskp-kabul-airport.txt"
RECORD_KEYS = {"document", "text", "entities", "relations", "quotes", "claims", "events"}
COMMANDS = ["extract", "ingest", "show", "eval", "demo"]


@pytest.fixture
def runner():
    return CliRunner(env={"COLUMNS": "250"})


def squash(text: str) -> str:
    """Text without whitespace, so a path that the console wrapped still compares."""
    return re.sub(r"\s+", "", text)


def words(text: str) -> str:
    return " ".join(text.split())


def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path}/x.db"


@pytest.fixture
def iskp_copy(samples_dir, tmp_path):
    target = tmp_path / "in" / "kabul.txt"
    target.parent.mkdir()
    shutil.copyfile(samples_dir / ISKP_FILE, target)
    return target


# -- extract ---------------------------------------------------------------------

def test_extract_json_record(runner, iskp_copy):
    result = runner.invoke(app, ["extract", str(iskp_copy), "--json"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert RECORD_KEYS <= set(record)
    assert record["document"]["id"] == document_id(iskp_copy.read_bytes())
    assert record["document"]["published"] == "2021-08-30"
    assert record["document"]["source"] == str(iskp_copy)
    text = record["text"]
    assert text.startswith("Islamic State's Afghan branch claims Kabul airport bombing")
    assert record["entities"]
    for entity in record["entities"]:
        forms = {a.casefold() for a in [entity["name"], *entity["aliases"]]}
        assert entity["mentions"], entity
        for start, end in entity["mentions"]:
            assert 0 <= start < end <= len(text)
            assert text[start:end].casefold() in forms, (entity["name"], text[start:end])
    names = {e["name"] for e in record["entities"]}
    assert "Islamic State Khorasan Province" in names


def test_extract_table(runner, iskp_copy):
    result = runner.invoke(app, ["extract", str(iskp_copy)])
    assert result.exit_code == 0, result.output
    out = words(result.stdout)
    assert "Islamic State's Afghan branch claims Kabul airport bombing" in out
    assert "repairs:" in out
    assert "Islamic State Khorasan Province" in out
    assert "ISIS-K" in out


def test_extract_stdin(runner, samples_dir):
    data = (samples_dir / ISKP_FILE).read_bytes()
    result = runner.invoke(app, ["extract", "-", "--json"], input=data)
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["document"]["id"] == document_id(data)
    assert record["document"]["source"] == "<stdin>"


def test_extract_jsonl_gives_one_record_a_line(runner, samples_dir, tmp_path):
    feed = tmp_path / "feed.jsonl"
    shutil.copyfile(samples_dir / "11-wire-feed.jsonl", feed)
    result = runner.invoke(app, ["extract", str(feed), "--json"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["document"]["published"] for r in records] == ["2014-09-06", "2024-03-18"]


def test_extract_jsonl_bad_line_is_skipped(runner, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"text": "The ferry to Arlo ran late on Monday."}\n{"title": "x"}\n', "utf-8")
    result = runner.invoke(app, ["extract", str(feed), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["text"] == "The ferry to Arlo ran late on Monday."
    assert squash(f"skipped {feed}:2: no 'text' or 'html'") in squash(result.stderr)


@pytest.mark.parametrize("name, data, reason", [
    ("empty.txt", b"", "empty file"),
    ("nul.txt", b"abc\x00\x00\x00def", "binary data"),
])
def test_extract_bad_file(runner, tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    result = runner.invoke(app, ["extract", str(path), "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert squash(f"{path}: {reason}") in squash(result.stderr)


def test_extract_missing_file(runner, tmp_path):
    result = runner.invoke(app, ["extract", str(tmp_path / "gone.txt")])
    assert result.exit_code == 1
    assert squash(f"{tmp_path / 'gone.txt'}: no such file or directory") in squash(result.stderr)


# -- ingest ----------------------------------------------------------------------

def test_ingest_folder_with_good_and_bad_file(runner, iskp_copy, tmp_path):
    bad = iskp_copy.parent / "broken.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = runner.invoke(app, ["ingest", str(iskp_copy.parent), "--db", db_url(tmp_path)])
    assert result.exit_code == 3, result.output  # stored, but not everything
    assert squash(f"skipped {bad}: binary data") in squash(result.stderr)
    assert "failed: 1 binary data, not text" in words(result.stdout)
    assert str(iskp_copy) not in squash(result.stderr)
    assert "stored 1 new, 0 already stored, 1 failed" in words(result.stdout)
    assert "the store now holds 1 documents" in words(result.stdout)

    again = runner.invoke(app, ["ingest", str(iskp_copy), "--db", db_url(tmp_path)])
    assert again.exit_code == 0, again.output
    assert "stored 0 new, 1 already stored, 0 failed" in words(again.stdout)


def test_ingest_only_bad_files_fails(runner, tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "feed.jsonl").write_text("not json\n", "utf-8")
    result = runner.invoke(app, ["ingest", str(folder), "--db", db_url(tmp_path)])
    assert result.exit_code != 0
    stderr = squash(result.stderr)
    assert squash(f"{folder / 'empty.txt'}: empty file") in stderr
    assert squash(f"{folder / 'feed.jsonl'}:1: not valid JSON") in stderr
    assert "stored 0 new, 0 already stored, 2 failed" in words(result.stdout)


def test_ingest_missing_path_fails(runner, tmp_path):
    result = runner.invoke(app, ["ingest", str(tmp_path / "nothing"), "--db", db_url(tmp_path)])
    assert result.exit_code != 0
    assert squash(f"{tmp_path / 'nothing'}: no such file or directory") in squash(result.stderr)


def test_ingest_stdin(runner, samples_dir, tmp_path):
    data = (samples_dir / ISKP_FILE).read_bytes()
    result = runner.invoke(app, ["ingest", "-", "--db", db_url(tmp_path)], input=data)
    assert result.exit_code == 0, result.output
    assert "stored 1 new" in words(result.stdout)


# -- show ------------------------------------------------------------------------

@pytest.fixture
def iskp_db(runner, iskp_copy, tmp_path):
    result = runner.invoke(app, ["ingest", str(iskp_copy), "--db", db_url(tmp_path)])
    assert result.exit_code == 0, result.output
    return db_url(tmp_path)


@pytest.mark.parametrize("name", ["ISKP", "isis-k", "Islamic State Khorasan Province"])
def test_show_profile(runner, iskp_db, name):
    result = runner.invoke(app, ["show", name, "--db", iskp_db])
    assert result.exit_code == 0, result.output
    out = words(result.stdout)
    assert "Islamic State Khorasan Province (armed_group)" in out
    assert "aliases:" in out
    assert "ISKP (" in out and "ISIS-K (" in out
    assert "seen: 1 document(s), first 2021-08-30, last 2021-08-30" in out
    assert "sentences:" in out
    assert "ISKP, also known as ISIS-K, was announced in January 2015" in out
    assert "most often mentioned with:" in out
    assert "Taliban" in out.split("most often mentioned with:")[1]


def test_show_limits_sentences(runner, iskp_db):
    result = runner.invoke(app, ["show", "ISKP", "--db", iskp_db, "--sentences", "1"])
    assert result.exit_code == 0, result.output
    assert result.stdout.split("sentences:")[-1].count("•") == 1


@pytest.mark.parametrize("name, hint", [("ISKPP", "ISKP"), ("Talibn", "Taliban")])
def test_show_near_miss(runner, iskp_db, name, hint):
    result = runner.invoke(app, ["show", name, "--db", iskp_db])
    assert result.exit_code != 0
    err = words(result.stderr)
    assert f"no entity known as '{name}'" in err
    assert "Did you mean:" in err
    assert hint in err.split("Did you mean:")[1]
    assert result.stdout == ""


def test_show_unknown_without_hint(runner, iskp_db):
    result = runner.invoke(app, ["show", "qqqqxz", "--db", iskp_db])
    assert result.exit_code != 0
    assert "no entity known as 'qqqqxz'." in words(result.stderr)
    assert "Did you mean" not in result.stderr


def test_show_does_not_create_a_database(runner, tmp_path):
    result = runner.invoke(app, ["show", "ISKP", "--db", db_url(tmp_path)])
    assert result.exit_code != 0
    assert not (tmp_path / "x.db").exists()


# -- eval ------------------------------------------------------------------------

GOLD = {
    "entities": [
        {"name": "Islamic State Khorasan Province", "type": "armed_group",
         "aliases": ["ISKP", "ISIS-K"]},
        {"name": "Taliban", "type": "armed_group", "aliases": []},
        # Deliberately mistyped: a match for plain scores, a miss for typed ones.
        {"name": "Kabul", "type": "armed_group", "aliases": []},
        # Not in the article: always a miss.
        {"name": "Nobody Brigade", "type": "armed_group", "aliases": []},
    ],
    "relations": [], "quotes": [], "claims": [], "events": [],
}


@pytest.fixture
def gold_dir(samples_dir, tmp_path):
    folder = tmp_path / "gold"
    folder.mkdir()
    shutil.copyfile(samples_dir / ISKP_FILE, folder / "kabul.txt")
    (folder / "kabul.gold.json").write_text(json.dumps(GOLD), "utf-8")
    return folder


def test_eval_prints_scores(runner, gold_dir):
    result = runner.invoke(app, ["eval", str(gold_dir)])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert set(lines) == set(evaluate.PARTS)
    pattern = re.compile(r"P (\d\.\d\d) R (\d\.\d\d) F1 (\d\.\d\d) \(pred (\d+), gold 4\)")
    plain = pattern.search(words(lines["entities"]))
    typed = pattern.search(words(lines["entities_typed"]))
    assert plain and typed, result.stdout
    assert plain.group(2) == "0.75"
    assert typed.group(2) == "0.50"
    pred = int(plain.group(4))
    assert typed.group(4) == plain.group(4) and pred >= 3
    # printed to two decimals: off by at most half a unit (0.005), float error aside
    assert float(plain.group(1)) == pytest.approx(3 / pred, abs=0.0051)
    assert float(typed.group(1)) == pytest.approx(2 / pred, abs=0.0051)


def test_eval_json_and_save(runner, gold_dir, tmp_path):
    saved = tmp_path / "saved"
    result = runner.invoke(app, ["eval", str(gold_dir), "--json", "--save", str(saved)])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert set(scores) == set(evaluate.PARTS)
    assert scores["entities"]["gold"] == 4
    assert scores["entities"]["r"] == 0.75
    assert scores["entities_typed"]["r"] == 0.5
    record = json.loads((saved / "kabul.json").read_text("utf-8"))
    assert RECORD_KEYS <= set(record)
    assert len(record["entities"]) == scores["entities"]["pred"]


def test_eval_reads_annotations_packed_against_a_corpus(runner, samples_dir, tmp_path):
    """Corpus annotations keep offsets, not text: eval unpacks them against the corpus
    JSONL, scores them like gold folders, and can save the files score.py reads."""
    text = (samples_dir / ISKP_FILE).read_text("utf-8")
    record = {"record": 7, "title": "Kabul attack", "text": text}
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps(record) + "\n", "utf-8")
    laid_out = layout(record)
    folder = tmp_path / "packed"
    folder.mkdir()
    gold = {**GOLD, "id": "tnc-007", "quotes": [], "claims": [], "events": [], "relations": []}
    gold["entities"] = [{**e, "evidence": e["name"]} for e in GOLD["entities"][:2]] \
        + GOLD["entities"][2:]
    packed = pack(gold, laid_out)
    assert all("span" in e["evidence"] for e in packed["entities"][:2])
    (folder / "tnc-007.json").write_text(json.dumps(packed), "utf-8")
    saved = tmp_path / "saved"
    result = runner.invoke(app, ["eval", str(folder), "--corpus", str(corpus), "--json",
                                 "--save", str(saved)])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["entities"]["gold"] == 4 and scores["entities"]["r"] == 0.75
    assert (saved / "tnc-007.txt").read_text("utf-8") == laid_out
    assert json.loads((saved / "tnc-007.gold.json").read_text("utf-8"))["entities"][0]["evidence"] \
        == GOLD["entities"][0]["name"]
    missing = runner.invoke(app, ["eval", str(folder), "--corpus", str(tmp_path / "none.jsonl")])
    assert missing.exit_code != 0 and "no such corpus file" in words(missing.stderr)


def test_eval_without_gold_files(runner, tmp_path):
    result = runner.invoke(app, ["eval", str(tmp_path)])
    assert result.exit_code != 0
    assert "no NAME.txt with NAME.gold.json beside it" in words(result.stderr)


# -- help and demo ---------------------------------------------------------------

def test_app_help_lists_commands(runner):
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in COMMANDS:
        assert re.search(rf"\b{command}\b", result.stdout), command


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help(runner, command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Usage: root {command}" in words(result.stdout)
    doc = {c.name: c.callback for c in app.registered_commands}[command].__doc__
    assert words(doc.splitlines()[0]) in words(result.stdout)


def test_demo(runner, tmp_path):
    result = runner.invoke(app, ["demo", "--db", db_url(tmp_path)])
    assert result.exit_code == 0, result.output
    out = words(result.stdout)
    assert "stored 12 new, 0 already stored, 0 failed" in out
    assert "Islamic State Khorasan Province (armed_group)" in out
    assert "seen: 2 document(s), first 2021-08-30, last 2024-03-18" in out
    assert "sentences:" in out
    assert (tmp_path / "x.db").exists()
