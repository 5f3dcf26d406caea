"""The store under real ingest, on SQLite and on PostgreSQL: duplicates, failures,
migrations, offsets, resolution, search, and reads that list alike on both."""
from __future__ import annotations

import shutil
import threading
from dataclasses import replace
from datetime import datetime

import pytest
from conftest import fresh_url
from sqlalchemy import func, select

from dossier import query
from dossier.batch.ingest import ingest
from dossier.model import document_id
from dossier.store import migrations, open_store
from dossier.store.schema import (aliases, assertions, documents, entities, failures, mentions,
                                  schema_migrations, sources)
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


def test_failure_naming_odd_characters_is_recorded(store):
    """A NUL (which PostgreSQL refuses) or a lone surrogate in a source or reason
    still leaves a failure row, the same on both backends."""
    store.add_failure("https://example.org/a\x00b", "ingest", "bad \ud800 text\x00")
    with store.engine.connect() as conn:
        rows = conn.execute(select(failures.c.source, failures.c.stage, failures.c.reason)).all()
    assert rows == [("https://example.org/a\ufffdb", "ingest", "bad \ufffd text\ufffd")]


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


def test_schema_is_versioned(backend_url):
    names = [name for name, _ in migrations.MIGRATIONS]
    url = backend_url
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


def test_old_database_is_migrated(backend_url):
    """A store made by the first schema gains the corrections table and column."""
    from sqlalchemy import create_engine, inspect

    url = backend_url
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


def test_scale_indexes_are_backfilled_in_an_older_store(backend_url, samples_dir):
    """A store from before migration 0005 gains resolution keys, name acronyms and
    event actors equal to those written on ingest."""
    from sqlalchemy import delete, update

    from dossier.store.schema import aliases, event_actors, name_acronyms

    def keys(store):
        with store.engine.connect() as conn:
            return (sorted(conn.execute(select(aliases.c.entity_id, aliases.c.alias,
                                               aliases.c.block, aliases.c.last_word)).all()),
                    sorted(conn.execute(select(name_acronyms)).all()),
                    sorted(conn.execute(select(event_actors)).all()))

    store = open_store(backend_url)
    ingest([str(samples_dir)], store)
    written = keys(store)
    assert all(written) and any(row[3] for row in written[0])
    with store.engine.begin() as conn:
        conn.execute(update(aliases).values(block=None, last_word=None))
        conn.execute(delete(name_acronyms))
        conn.execute(delete(event_actors))
        conn.execute(delete(schema_migrations).where(
            schema_migrations.c.name == "0005_scale_indexes"))
    store.close()
    store = open_store(backend_url)
    assert keys(store) == written
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


# -- search and reads, alike on both backends ---------------------------------------

def search_ids(store, words, limit=20):
    return [d.id for d, _ in store.search_documents(words, limit)]


def test_search_reads_words_like_fts5(store, samples_dir):
    """Terms are phrases of their words, all required; case and accents aside."""
    assert len(ingest([str(samples_dir)], store).stored) == 12
    iskp = document_id((samples_dir / ISKP_FILE).read_bytes())
    hits = store.search_documents("Abbey Gate")
    assert [d.id for d, _ in hits] == [iskp]
    assert "Abbey Gate" in hits[0][1] and "\n" not in hits[0][1]
    assert hits[0][0].title.startswith("Islamic State's Afghan branch")
    assert isinstance(hits[0][0].ingested_at, datetime)
    assert search_ids(store, "abbey GATE") == search_ids(store, "Abbey-Gate") == [iskp]
    assert search_ids(store, "Gate-Abbey") == []  # a phrase, in its order
    mali = {document_id((samples_dir / n).read_bytes())
            for n in ("03-jnim-bamako-attack.txt", HTML_FILE)}
    assert set(search_ids(store, "goita")) == set(search_ids(store, "GOÏTA")) == mali
    shabaab = search_ids(store, "al-Shabaab")
    assert len(shabaab) >= 2 and search_ids(store, "al Shabaab") == shabaab
    both = set(search_ids(store, "Taliban Kabul"))
    assert both and both == set(search_ids(store, "Taliban")) & set(search_ids(store, "Kabul"))
    assert search_ids(store, "Taliban Zanzibar") == []


def test_search_ranks_denser_text_first_and_limits(store, tmp_path):
    filler = "The council met again on Tuesday and talked about the harvest. " * 12
    (tmp_path / "a.txt").write_text(f"Harbour news\n\n{filler} The ferry ran late.\n", "utf-8")
    (tmp_path / "b.txt").write_text(
        "Ferry strike\n\nThe ferry crews stopped the ferry at dawn; ferry passengers waited "
        "for the next ferry.\n", "utf-8")
    (tmp_path / "c.txt").write_text("Market day\n\nThe market opened early.\n", "utf-8")
    assert len(ingest([str(tmp_path)], store).stored) == 3
    ranked = store.search_documents("ferry")
    assert [d.title for d, _ in ranked] == ["Ferry strike", "Harbour news"]
    assert all("ferry" in snippet.casefold() for _, snippet in ranked)
    assert [d.title for d, _ in store.search_documents("ferry", limit=1)] == ["Ferry strike"]
    assert search_ids(store, "the", limit=2) == search_ids(store, "the", limit=2)
    assert len(search_ids(store, "the")) == 3


@pytest.mark.parametrize("odd", ['"', "OR", "NEAR(", "a*b", "'; DROP TABLE documents; --",
                                 "100%_", "\x00", "a\x00b", "\x1b[0m", "", "  ", "-- ;", "&|!:*"])
def test_search_survives_odd_queries(store, samples_dir, tmp_path, odd):
    ingest([str(copy_sample(samples_dir, tmp_path, ISKP_FILE))], store)
    before = store.counts()
    hits = store.search_documents(odd)
    assert isinstance(hits, list)
    if not any(c.isalnum() for c in odd):
        assert hits == []
    assert store.counts() == before


def test_reads_return_the_same_python_types(store, samples_dir, tmp_path):
    path = copy_sample(samples_dir, tmp_path, ISKP_FILE)
    ingest([str(path)], store)
    doc = store.document(document_id(path.read_bytes()))
    assert isinstance(doc["repairs"], dict) and isinstance(doc["ingested_at"], datetime)
    assert doc["published"] == "2021-08-30" and doc["kind"] == "text"
    rows = store.assertion_rows()
    assert rows
    for row in rows:
        assert isinstance(row["value"], dict) and isinstance(row["id"], int)
        for source in row["sources"]:
            assert type(source["hedged"]) is bool
            assert type(source["report_time_estimated"]) is bool
            assert source["confidence"] is None or isinstance(source["confidence"], float)
            assert source["evidence"] and source["report_time"] == "2021-08-30"
    recent = store.recent_documents()
    assert [d.id for d in recent] == [doc["id"]]
    assert isinstance(recent[0].ingested_at, datetime) and recent[0].date == "2021-08-30"


NAMES = ["Zeta Front", "al-Amin Brigade", "Écho Unit"]  # in code point order
TEXT = "Zeta Front, al-Amin Brigade and Écho Unit met."


def test_reads_break_ties_in_sqlite_order(store):
    """Ties fall the same way on both backends: text by code point (SQLite's order,
    whatever the PostgreSQL database's collation), undated before dated, then ids."""
    at = datetime(2024, 5, 1, 12, 0)
    docs = ["b" * 64, "a" * 64]
    with store.engine.begin() as conn:
        for doc in docs:
            conn.execute(documents.insert().values(
                id=doc, source=f"{doc[0]}.txt", title=doc[0], published="2024-04-30",
                kind="text", raw=doc.encode(), text=TEXT, encoding="utf-8", repairs={},
                extractor_version="test", ingested_at=at))
        ids = {}
        for name in reversed(NAMES):  # ids in the opposite order to names
            ids[name] = conn.execute(entities.insert().values(
                name=name, type="armed_group", created_at=at)).inserted_primary_key[0]
            start = TEXT.index(name)
            conn.execute(mentions.insert(), [
                {"document_id": doc, "entity_id": ids[name], "local_id": "e1", "start": start,
                 "end": start + len(name), "text": name, "sentence_start": 0,
                 "sentence_end": len(TEXT)} for doc in docs])
        zeta = ids["Zeta Front"]
        conn.execute(aliases.insert(), [{"entity_id": zeta, "alias": a, "alias_key": name_key(a),
                                         "count": 1} for a in ("Écho", "alpha", "Zeta")])
        for valid_from in ("2020", None, "2019-12"):
            assertion = conn.execute(assertions.insert().values(
                kind="claim", subject_id=zeta, predicate="strength", valid_from=valid_from,
                value={"n": 1}, created_at=at)).inserted_primary_key[0]
            conn.execute(sources.insert().values(
                assertion_id=assertion, document_id=docs[0], span_start=0, span_end=10,
                report_time="2024-04-30", report_time_estimated=False,
                extractor_version="test", hedged=False))

    assert [e.name for e, n in store.top_entities("armed_group")] == NAMES
    assert [n for _, n in store.top_entities("armed_group")] == [2, 2, 2]
    assert [e.name for e, _ in store.co_mentioned(ids["Écho Unit"])] == NAMES[:2]
    assert store.entity_aliases(zeta) == [("Zeta", 1), ("alpha", 1), ("Écho", 1)]
    assert dict((e.id, a) for e, a in store.all_entities())[zeta] == ["Zeta", "alpha", "Écho"]
    assert store.alias_names() == ["Zeta", "alpha", "Écho"]
    assert [d.id for d in store.recent_documents()] == sorted(docs)
    assert [d.id for d in store.entity_documents(zeta)] == sorted(docs)
    assert [a["valid_from"] for a in store.entity_assertions(zeta)] == [None, "2019-12", "2020"]
    assert store.entity_sentences(zeta) == [(doc, TEXT) for doc in sorted(docs)]


def _reads(store) -> dict:
    """Everything the read methods give over the stored samples, system times aside."""
    def undated(rows):
        return [replace(r, ingested_at=None) for r in rows]

    entity_ids = [e.id for e, _ in store.all_entities()]
    doc_ids = sorted(d.id for d in store.recent_documents(100))
    reads = {
        "counts": store.counts(),
        "all_entities": store.all_entities(),
        "alias_names": store.alias_names(),
        "assertion_rows": store.assertion_rows(),
        "recent_documents": undated(store.recent_documents(100)),
        "top_entities": store.top_entities(limit=100),
        "top_groups": store.top_entities("armed_group"),
        "documents": [{k: v for k, v in store.document(i).items() if k != "ingested_at"}
                      for i in doc_ids],
        "find": {n: store.find_entities(n) for n in store.alias_names()},
    }
    for i in entity_ids:
        reads[f"entity {i}"] = (
            store.entity(i), store.entity_aliases(i), undated(store.entity_documents(i)),
            store.co_mentioned(i), store.entity_sentences(i), store.entity_assertions(i))
    for words in ("Abbey Gate", "Taliban", "al-Shabaab", "goita", "ISIS-K", "the", "2021"):
        reads[f"search {words}"] = sorted(search_ids(store, words, 100))
    for words in ("Abbey Gate", "Houthis Red Sea", "Goma", "Hapilon"):
        reads[f"best {words}"] = search_ids(store, words, 1)
    return reads


def test_postgresql_reads_match_sqlite(samples_dir, tmp_path):
    """The same articles ingested into both backends read back the same."""
    with fresh_url("postgresql", tmp_path) as pg_url, fresh_url("sqlite", tmp_path) as lite_url:
        pg, lite = open_store(pg_url), open_store(lite_url)
        try:
            for s in (lite, pg):
                assert len(ingest([str(samples_dir)], s).stored) == 12
            expected, got = _reads(lite), _reads(pg)
        finally:
            pg.close()
            lite.close()
    assert got.keys() == expected.keys()
    for key in expected:
        assert got[key] == expected[key], key


def test_two_writers_at_once_resolve_as_one_after_the_other(backend_url, request, nlp,
                                                            samples_dir, tmp_path):
    """Two ingests into one store at once (two analysts, say) leave the entities one
    ingest after the other would: writes take turns, as SQLite's lock makes them."""
    backend = request.node.callspec.params["backend_url"]
    names = [ISKP_FILE, SHABAAB_FILE, "03-jnim-bamako-attack.txt", "04-iswap-shekau-death.txt"]
    folders = []
    for n in (1, 2):  # the same articles, new bytes: every entity is wanted by both
        folders.append(tmp_path / f"writer{n}")
        folders[-1].mkdir()
        for name in names:
            (folders[-1] / name).write_bytes((samples_dir / name).read_bytes() + b"\n%d\n" % n)

    def entities_after(url, together):
        stores = [open_store(url) for _ in folders]
        start = threading.Barrier(len(folders))
        errors = []

        def write(store, folder):
            if together:
                start.wait()
            try:
                assert len(ingest([str(folder)], store).stored) == len(names)
            except Exception as exc:  # reported below, from this thread
                errors.append(exc)

        threads = [threading.Thread(target=write, args=pair) for pair in zip(stores, folders)]
        for thread in threads:
            thread.start()
            if not together:
                thread.join()
        for thread in threads:
            thread.join()
        assert not errors, errors
        found = sorted((e.name, e.type, tuple(sorted(a))) for e, a in stores[0].all_entities())
        for store in stores:
            store.close()
        return found

    (tmp_path / "apart").mkdir()
    with fresh_url(backend, tmp_path / "apart") as url:
        one_after_the_other = entities_after(url, together=False)
    assert entities_after(backend_url, together=True) == one_after_the_other
