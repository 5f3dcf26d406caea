"""The SQLite store under real ingest: duplicates, failures, migrations, offsets, resolution."""
from __future__ import annotations

import shutil

from datetime import datetime

import pytest
from sqlalchemy import func, select

from dossier import query
from dossier.batch.ingest import ingest
from dossier.model import document_id
from dossier.store import migrations, open_store
from dossier.store.schema import aliases, documents, entities, failures, mentions, schema_migrations
from dossier.vocabulary import name_key

ISKP_FILE = "01-iskp-kabul-airport.txt"
SHABAAB_FILE = "02-al-shabaab-atmis.txt"
CP1252_FILE = "07-catatumbo-eln-dissidents.txt"
HTML_FILE = "10-wagner-africa-corps-mali.html"
JSONL_FILE = "11-wire-feed.jsonl"


def copy_sample(samples_dir, tmp_path, name, new_name=None):
    target = tmp_path / (new_name or name)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(samples_dir / name, target)
    return target


def profile_of(store, name):
    found = query.find(store, name)
    assert len(found) == 1, found
    return query.profile(store, found[0])


def test_same_file_twice_is_stored_once(store, samples_dir, tmp_path):
    path = copy_sample(samples_dir, tmp_path, ISKP_FILE)
    first = ingest([str(path)], store)
    assert first.stored == [str(path)]
    assert first.duplicates == [] and first.failures == []
    before = store.counts()
    before_profile = profile_of(store, "ISKP")
    assert before["documents"] == 1 and before["entities"] > 0 and before["mentions"] > 0

    second = ingest([str(path)], store)
    assert second.stored == []
    assert second.duplicates == [str(path)]
    assert second.ok
    assert store.counts() == before
    assert profile_of(store, "ISKP") == before_profile


def test_same_bytes_under_another_name_is_a_duplicate(store, samples_dir, tmp_path):
    original = copy_sample(samples_dir, tmp_path, ISKP_FILE)
    renamed = copy_sample(samples_dir, tmp_path, ISKP_FILE, "copy/renamed.txt")
    report = ingest([str(original), str(renamed), str(original)], store)
    assert report.stored == [str(original)]
    assert report.duplicates == [str(renamed), str(original)]
    assert store.counts()["documents"] == 1


def test_failure_among_good_documents(store, samples_dir, tmp_path):
    folder = tmp_path / "batch"
    good1 = copy_sample(samples_dir, folder, ISKP_FILE)
    good2 = copy_sample(samples_dir, folder, SHABAAB_FILE)
    empty = folder / "03-empty.txt"
    empty.write_bytes(b"")
    binary = folder / "04-binary.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    feed = folder / "05-feed.jsonl"
    feed.write_text('{"text": "The ferry to Arlo ran late on Monday."}\n{"text": \n', "utf-8")

    report = ingest([str(folder)], store)

    assert report.ok
    assert sorted(report.stored) == sorted([str(good1), str(good2), f"{feed}:1"])
    expected = [(str(empty), "empty file"), (str(binary), "binary data"),
                (f"{feed}:2", "not valid JSON")]
    assert [e.source for e in report.failures] == [source for source, _ in expected]
    for error, (_, reason) in zip(report.failures, expected):
        assert error.reason.startswith(reason), error
    counts = store.counts()
    assert counts["documents"] == 3
    assert counts["failures"] == 3
    with store.engine.connect() as conn:
        rows = conn.execute(select(failures.c.source, failures.c.stage, failures.c.reason)
                            .order_by(failures.c.id)).all()
    assert [(r.source, r.stage) for r in rows] == [
        (str(empty), "ingest"), (str(binary), "ingest"), (f"{feed}:2", "ingest")]
    assert all(r.reason for r in rows)


def test_only_bad_input_is_not_ok(store, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    report = ingest([str(empty), str(tmp_path / "missing.txt")], store)
    assert not report.ok
    assert report.stored == [] and report.duplicates == []
    assert [e.source for e in report.failures] == [str(empty), str(tmp_path / "missing.txt")]
    assert store.counts() == {"documents": 0, "entities": 0, "aliases": 0, "mentions": 0,
                              "failures": 2}


TOO_LONG = ("The river rose again and the ferry did not run. " * 25 + "\n") * 900


def test_text_too_long_fails_after_reading(store, samples_dir, tmp_path):
    good = copy_sample(samples_dir, tmp_path, ISKP_FILE)
    long = tmp_path / "long.txt"
    long.write_text(TOO_LONG, "utf-8")
    report = ingest([str(good), str(long)], store)
    assert report.ok
    assert report.stored == [str(good)]
    assert [e.source for e in report.failures] == [str(long)]
    assert report.failures[0].reason.startswith("text too long")
    assert store.counts()["documents"] == 1
    with store.engine.connect() as conn:
        assert conn.execute(select(failures.c.source, failures.c.stage)).all() == [
            (str(long), "ingest")]


@pytest.mark.parametrize("names", [
    ["good"],
    ["good", "long"],
    ["long"],
], ids=["good", "good-long", "long"])
def test_progress_reaches_total(store, samples_dir, tmp_path, names):
    files = {"good": copy_sample(samples_dir, tmp_path, ISKP_FILE), "long": tmp_path / "long.txt"}
    files["long"].write_text(TOO_LONG, "utf-8")
    calls = []
    ingest([str(files[n]) for n in names], store, on_progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, len(names))
    assert calls[-1] == (len(names), len(names))


def test_bad_batch_leaves_earlier_data_unchanged(store, samples_dir, tmp_path):
    ingest([str(copy_sample(samples_dir, tmp_path, ISKP_FILE))], store)
    before = store.counts()
    before_profile = profile_of(store, "ISKP")
    with store.engine.connect() as conn:
        before_docs = conn.execute(select(documents).order_by(documents.c.id)).all()

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "nul.txt").write_bytes(b"abc\x00\x00def")
    (bad / "nav.html").write_text(
        "<html><head><title>Index</title></head><body><nav><ul><li><a href='/'>Home</a></li>"
        "<li><a href='/w'>World</a></li></ul></nav></body></html>", "utf-8")
    (bad / "feed.jsonl").write_text('{"title": "no body"}\nnot json\n', "utf-8")
    report = ingest([str(bad), str(tmp_path / "missing")], store)

    assert not report.ok
    assert len(report.failures) == 6
    after = store.counts()
    assert after["failures"] == before["failures"] + 6
    assert {k: v for k, v in after.items() if k != "failures"} == \
        {k: v for k, v in before.items() if k != "failures"}
    assert profile_of(store, "ISKP") == before_profile
    with store.engine.connect() as conn:
        assert conn.execute(select(documents).order_by(documents.c.id)).all() == before_docs


def test_schema_is_versioned(tmp_path):
    names = [name for name, _ in migrations.MIGRATIONS]
    url = f"sqlite:///{tmp_path / 'versioned.db'}"
    first = open_store(url)
    with first.engine.connect() as conn:
        assert migrations.applied(conn) == names
        stamps = conn.execute(select(schema_migrations.c.applied_at)
                              .order_by(schema_migrations.c.name)).scalars().all()
    assert names[0] == "0001_initial" and migrations.version() == names[-1]
    first.close()

    second = open_store(url)
    with second.engine.begin() as conn:
        assert migrations.applied(conn) == names
        assert conn.execute(select(func.count()).select_from(schema_migrations)).scalar_one() \
            == len(names)
        assert conn.execute(select(schema_migrations.c.applied_at)
                            .order_by(schema_migrations.c.name)).scalars().all() == stamps
        assert migrations.migrate(conn) == []
    second.close()


def test_old_database_is_migrated(tmp_path):
    """A store made by the first schema gains the corrections table and column."""
    from sqlalchemy import create_engine, inspect

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        migrations.schema.schema_migrations.create(conn)
        migrations.MIGRATIONS[0][1](conn)
        conn.execute(schema_migrations.insert().values(name="0001_initial",
                                                       applied_at=datetime.now()))
        conn.exec_driver_sql("ALTER TABLE entities DROP COLUMN merged_into")
    engine.dispose()
    store = open_store(url)
    with store.engine.connect() as conn:
        assert "merged_into" in {c["name"] for c in inspect(conn).get_columns("entities")}
        assert inspect(conn).has_table("corrections")
        assert migrations.applied(conn)[-1] == migrations.version()
    store.close()


def test_bare_path_opens_sqlite_file(tmp_path):
    path = tmp_path / "bare.db"
    s = open_store(str(path))
    try:
        assert path.exists()
        assert s.counts()["documents"] == 0
    finally:
        s.close()


def test_mention_offsets_slice_stored_text(store, samples_dir):
    report = ingest([str(samples_dir)], store)
    assert len(report.stored) == 12 and not report.failures
    with store.engine.connect() as conn:
        texts = dict(conn.execute(select(documents.c.id, documents.c.text)).all())
        known = {}
        for entity_id, alias in conn.execute(select(aliases.c.entity_id, aliases.c.alias)):
            known.setdefault(entity_id, set()).add(name_key(alias))
        rows = conn.execute(select(mentions)).all()
    assert rows
    for row in rows:
        text = texts[row.document_id]
        assert 0 <= row.sentence_start <= row.start < row.end <= row.sentence_end <= len(text)
        assert text[row.start:row.end] == row.text
        assert name_key(row.text) in known[row.entity_id], (row.text, known[row.entity_id])


def test_stored_text_is_the_cleaned_text(store, samples_dir, tmp_path):
    path = copy_sample(samples_dir, tmp_path, "03-jnim-bamako-attack.txt")
    ingest([str(path)], store)
    with store.engine.connect() as conn:
        text, encoding = conn.execute(select(documents.c.text, documents.c.encoding)).one()
    assert "Col. Assimi Goïta" in text
    assert "Ã" not in text
    assert encoding == "utf-8"


def test_entity_named_in_two_documents_is_one_entity(store, samples_dir, tmp_path):
    shabaab = copy_sample(samples_dir, tmp_path, SHABAAB_FILE)
    feed = copy_sample(samples_dir, tmp_path, JSONL_FILE)
    iskp = copy_sample(samples_dir, tmp_path, ISKP_FILE)
    report = ingest([str(shabaab), str(feed), str(iskp)], store)
    assert len(report.stored) == 4
    feed_lines = feed.read_bytes().splitlines()

    for name, expected_docs in [
        ("al-Shabaab", {document_id(shabaab.read_bytes()), document_id(feed_lines[0])}),
        ("Taliban", {document_id(iskp.read_bytes()), document_id(feed_lines[1])}),
    ]:
        found = query.find(store, name)
        assert len(found) == 1, (name, found)
        docs = {d.id for d in query.profile(store, found[0]).documents}
        assert docs == expected_docs, name

    with store.engine.connect() as conn:
        shabaab_ids = conn.execute(
            select(entities.c.id).join(aliases, aliases.c.entity_id == entities.c.id)
            .where(aliases.c.alias_key == name_key("al-Shabaab")).distinct()).scalars().all()
    assert len(shabaab_ids) == 1


def test_unknown_names_resolve_across_documents(store, tmp_path):
    (tmp_path / "a.txt").write_text(
        "Ferry dispute deepens\n\nThe River Front Brigade seized the ferry at Arlo on Monday. "
        "Amos Tarrant, the leader of the River Front Brigade, said the group would stay.\n",
        "utf-8")
    (tmp_path / "b.txt").write_text(
        "ARLO, March 3, 2023 — Fighters of the River Front Brigade left the town. "
        "Amos Tarrant said they would return.\n", "utf-8")
    report = ingest([str(tmp_path)], store)
    assert len(report.stored) == 2
    for name, type_ in [("River Front Brigade", "armed_group"), ("Amos Tarrant", "person")]:
        found = query.find(store, name)
        assert [(e.name, e.type) for e in found] == [(name, type_)]
        assert len(query.profile(store, found[0]).documents) == 2


def test_raw_bytes_are_kept(store, samples_dir, tmp_path):
    files = [copy_sample(samples_dir, tmp_path, n) for n in (ISKP_FILE, CP1252_FILE, HTML_FILE)]
    feed = copy_sample(samples_dir, tmp_path, JSONL_FILE)
    ingest([str(f) for f in files] + [str(feed)], store)
    expected = {str(f): f.read_bytes() for f in files}
    for line in feed.read_bytes().splitlines():
        expected[document_id(line)] = line
    with store.engine.connect() as conn:
        rows = conn.execute(select(documents.c.id, documents.c.source, documents.c.raw,
                                   documents.c.kind)).all()
    assert len(rows) == 5
    for row in rows:
        raw = expected.get(row.source, expected.get(row.id))
        assert row.raw == raw, row.source
        assert row.id == document_id(row.raw)
    assert {r.kind for r in rows} == {"text", "html", "jsonl"}
