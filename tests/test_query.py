"""The read side over the ingested sample articles: find by alias, profiles and suggestions."""
from __future__ import annotations

import re

import pytest
from conftest import BACKENDS, fresh_url

from dossier import query
from dossier.batch.ingest import ingest
from dossier.store import open_store
from dossier.vocabulary import name_key


@pytest.fixture(scope="module", params=BACKENDS)
def samples_store(request, tmp_path_factory, samples_dir):
    """A store holding every bundled sample article, on SQLite and on PostgreSQL."""
    with fresh_url(request.param, tmp_path_factory.mktemp("query")) as url:
        s = open_store(url)
        report = ingest([str(samples_dir)], s)
        assert len(report.stored) == 12 and not report.failures
        yield s
        s.close()


@pytest.fixture(scope="module")
def iskp(samples_store):
    found = query.find(samples_store, "ISKP")
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize("name", [
    "ISKP", "iskp", "ISIS-K", "isis-k", "ISIS K", "Islamic State Khorasan Province",
    "islamic state khorasan province", "  ISKP  ",
])
def test_find_iskp_by_any_alias(samples_store, iskp, name):
    assert query.find(samples_store, name) == [iskp]


@pytest.mark.parametrize("names", [
    ("al-Shabaab", "Al-Shabaab", "AL SHABAAB", "al Shabaab"),
    ("Taliban", "taliban", "the Taliban"),
    ("Hayat Tahrir al-Sham", "HTS", "hts"),
    ("Houthis", "Ansar Allah", "ansar allah"),
])
def test_aliases_find_one_entity(samples_store, names):
    found = [query.find(samples_store, n) for n in names]
    assert len(found[0]) == 1, names[0]
    assert all(f == found[0] for f in found), names


@pytest.mark.parametrize("name", ["Nobody Brigade", "Khorasan Liberation Front", "ISKP-2", "",
                                  "zzzz"])
def test_unknown_name_finds_nothing(samples_store, name):
    assert query.find(samples_store, name) == []


def test_branch_is_not_its_parent(samples_store, iskp):
    assert iskp not in query.find(samples_store, "Islamic State")
    assert iskp not in query.find(samples_store, "ISIS")


def test_iskp_profile(samples_store, iskp):
    p = query.profile(samples_store, iskp)
    assert p.entity == iskp
    assert p.entity.type == "armed_group"
    assert p.entity.name == "Islamic State Khorasan Province"
    alias_names = [a for a, _ in p.aliases]
    assert {"ISKP", "ISIS-K", "Islamic State Khorasan Province"} <= set(alias_names)
    assert all(n >= 1 for _, n in p.aliases)
    assert [n for _, n in p.aliases] == sorted((n for _, n in p.aliases), reverse=True)

    titles = [d.title for d in p.documents]
    assert titles[0].startswith("Islamic State's Afghan branch claims Kabul airport bombing")
    assert titles[1] == "Pakistan strikes inside Afghanistan, accusing Taliban of sheltering TTP"
    assert len(titles) == 2
    assert [d.published for d in p.documents] == ["2021-08-30", "2024-03-18"]
    assert all(d.mentions >= 1 for d in p.documents)
    assert (p.first_seen, p.last_seen) == ("2021-08-30", "2024-03-18")


def test_profile_co_mentioned(samples_store, iskp):
    p = query.profile(samples_store, iskp)
    others = [e for e, _ in p.co_mentioned]
    assert others
    assert iskp not in others
    assert all(e.id != iskp.id for e in others)
    taliban = query.find(samples_store, "Taliban")
    assert taliban[0] in others
    shared = dict((e.id, n) for e, n in p.co_mentioned)
    assert shared[taliban[0].id] == 2
    assert [n for _, n in p.co_mentioned] == sorted((n for _, n in p.co_mentioned), reverse=True)
    assert len(query.profile(samples_store, iskp, related=3).co_mentioned) == 3


def test_profile_sentences_mention_the_entity(samples_store, iskp):
    p = query.profile(samples_store, iskp)
    alias_keys = {name_key(a) for a, _ in p.aliases}
    doc_ids = {d.id for d in p.documents}
    assert p.sentences
    assert len(p.sentences) == len(set(p.sentences))
    for doc_id, sentence in p.sentences:
        assert doc_id in doc_ids
        assert sentence == sentence.strip() and sentence
        assert any(key in name_key(sentence) for key in alias_keys), sentence
    assert len(query.profile(samples_store, iskp, sentences=2).sentences) == 2


@pytest.mark.parametrize("name, sentences", [
    ("al-Shabaab", 2), ("Taliban", 2), ("Wagner Group", 1), ("JNIM", 2),
])
def test_profiles_across_samples(samples_store, name, sentences):
    found = query.find(samples_store, name)
    assert len(found) == 1
    p = query.profile(samples_store, found[0])
    assert len(p.documents) >= sentences
    assert p.first_seen <= p.last_seen
    keys = {name_key(a) for a, _ in p.aliases}
    for _, sentence in p.sentences:
        assert any(k in name_key(sentence) for k in keys), sentence


@pytest.mark.parametrize("misspelt, expected", [
    ("Shabaabb", "al-Shabaab"),
    ("al-Shabaabb", "al-Shabaab"),
    ("Talibn", "Taliban"),
    ("ISKPP", "ISKP"),
    ("Hayat Tahrir al-Shaam", "Hayat Tahrir al-Sham"),
    ("Boko Harm", "Boko Haram"),
])
def test_suggestions_for_misspelling(samples_store, misspelt, expected):
    """A name no alias and no gazetteer entry knows gets "did you mean"."""
    assert query.find(samples_store, misspelt) == []
    hints = query.suggestions(samples_store, misspelt)
    assert expected.casefold() in [h.casefold() for h in hints], hints
    assert len(hints) <= 5



@pytest.mark.parametrize("spelling", ["Shabab", "al-Shabab", "Mujahideen Youth Movement"])
def test_gazetteer_alias_finds_the_entity_under_any_name(samples_store, spelling):
    """Any alias the gazetteer gives a stored entity finds it, though no stored
    text used that spelling."""
    assert spelling not in samples_store.alias_names()
    found = query.find(samples_store, spelling)
    assert [e.kb_id for e in found] == ["al_shabaab"]


@pytest.mark.parametrize("name", [
    "qqqqxz",
    "xylophone",
    "Zebra Crossing",
    "1234567",
])
def test_no_suggestions_for_unrelated_words(samples_store, name):
    assert query.suggestions(samples_store, name) == []


def test_profile_sentences_do_not_span_lines(samples_store):
    glued = set()
    for alias in samples_store.alias_names():
        for entity in query.find(samples_store, alias):
            for _, sentence in query.profile(samples_store, entity).sentences:
                if "\n" in sentence:
                    glued.add(sentence)
    assert glued == set()


# -- profiles over articles written here -------------------------------------------

UNDATED = ("Ferry dispute deepens\n\nThe River Front Brigade seized the ferry at Arlo on Monday, "
           "residents said. Amos Tarrant, the leader of the River Front Brigade, said the group "
           "would hold the crossing.\n")
DATED = ("ARLO, March 3, 2023 — Fighters of the River Front Brigade left the town. "
         "Amos Tarrant said they would return.\n")


@pytest.fixture
def river_store(store, tmp_path):
    (tmp_path / "undated.txt").write_text(UNDATED, "utf-8")
    (tmp_path / "dated.txt").write_text(DATED, "utf-8")
    report = ingest([str(tmp_path / "undated.txt"), str(tmp_path / "dated.txt")], store)
    assert len(report.stored) == 2
    return store


def test_undated_document_stays_undated(river_store):
    """No publication date and no year in the text: undated, listed after the dated
    documents, never dated by the day it was stored."""
    p = query.profile(river_store, query.find(river_store, "River Front Brigade")[0])
    assert [d.date for d in p.documents] == ["2023-03-03", "undated"]
    assert (p.first_seen, p.last_seen) == ("2023-03-03", "2023-03-03")
    undated = p.documents[-1]
    assert undated.title == "Ferry dispute deepens" and undated.published is None
    sources = [s for a in river_store.assertion_rows() for s in a["sources"]
               if s["document_id"] == undated.id]
    assert sources and all(s["report_time"] is None for s in sources)
    then = query.profile(river_store, p.entity, as_of="2023")
    assert [d.date for d in then.documents] == ["2023-03-03"]  # undated: not known by then


def test_undated_document_gets_an_estimate_marked_as_such(store, tmp_path):
    """The latest year a text names, with its dateline's day and month, bounds
    when it was written: shown as estimated, and used for as-of queries."""
    (tmp_path / "est.txt").write_text(
        "ARLO, June 4 — The River Front Brigade, formed in 2016, took the ferry in 2019. "
        "Amos Tarrant leads the River Front Brigade.\n", "utf-8")
    ingest([str(tmp_path / "est.txt")], store)
    p = query.profile(store, query.find(store, "River Front Brigade")[0])
    assert [d.date for d in p.documents] == ["2019-06-04 (estimated)"]
    sources = [s for a in store.assertion_rows() for s in a["sources"]]
    assert sources and all(s["report_time"] == "2019-06-04" and s["report_time_estimated"]
                           for s in sources)
    assert query.profile(store, p.entity, as_of="2019").document_count == 1
    assert query.profile(store, p.entity, as_of="2018").document_count == 0


def test_profile_documents_in_date_order(river_store):
    p = query.profile(river_store, query.find(river_store, "River Front Brigade")[0])
    assert [d.date for d in p.documents] == sorted(d.date for d in p.documents)
