"""The knowledge base over many articles: one record per real-world entity, honest
dates, stories not copies, conflicts worth reading, a health report.

Articles written here, ingested through the real pipeline into a real SQLite
store; one test reads the annotated texts of ``../shared/dev`` when present.
"""
from __future__ import annotations

import json
import pytest
from conftest import store_of_articles
from typer.testing import CliRunner

from dossier import query
from dossier.audit import audit
from dossier.batch.ingest import ingest
from dossier.cli import app
from dossier.conflicts import find_conflicts
from dossier.model import CleanText, Document, Entity, Record, Relation
from dossier.store import open_store

WIRE = ("Militants seize a river port\n\nBy a staff writer\n\nMARAWI, Philippines, May 24, 2017 — "
        "Fighters of the Maute group seized the river port of Marawi on Tuesday after a failed "
        "raid on a hideout of Isnilon Hapilon, the leader of the Abu Sayyaf faction that has "
        "pledged allegiance to the Islamic State. The army said troops were fighting the "
        "militants street by street and that civilians were fleeing south towards Iligan. "
        "Residents said black flags flew over the city hall and a church was set on fire. "
        "The military said the siege would be over within days, but officials in Manila "
        "warned that the fighting could spread to other towns on the island of Mindanao. "
        "The Maute group has about 500 fighters, the military said. \"We will not let them "
        "hold the city,\" said Jo-ar Herrera, an army spokesman. On May 23, 2017, the Maute "
        "group attacked a hospital in Marawi.")

ARTICLES = {
    # One story republished by another outlet: a new byline, a closing line.
    "a-wire.txt": WIRE,
    "b-wire-copy.txt": WIRE.replace("By a staff writer", "From our correspondents")
    + " Additional reporting by agencies.",
    # A think tank whose acronym is a gazetteer name of the Islamic State.
    "c-think-tank.txt": (
        "Analysts warn on returnees\n\nKUALA LUMPUR, March 2, 2018 — A researcher at the "
        "Institute of Strategic and International Studies (ISIS) said returning fighters "
        "posed a threat. The ISIS report urged closer police cooperation, and Islamic State "
        "supporters were being watched."),
    # The same, defined in a title no entity covered.
    "c-think-tank-2.txt": (
        "Talks stall\n\nKUALA LUMPUR, May 3, 2018 — Former Institute of Strategic and "
        "International Studies (ISIS) chairman Mohamed Jawhar Hassan said the reluctance of "
        "governments had impeded talks on Islamic State returnees."),
    # A police chief under his titles, then without them, in three documents.
    "d-police-1.txt": (
        "Police foil plot\n\nKUALA LUMPUR, June 5, 2018 — Inspector-General of Police "
        "Tan Sri Mohamad Fuzi Harun said police had arrested four men linked to the "
        "Islamic State."),
    "e-police-2.txt": (
        "Arrests in Sabah\n\nKOTA KINABALU, July 9, 2018 — Mohd Fuzi Harun said two "
        "suspects were held in Sabah. Mohd Fuzi Harun said they planned attacks."),
    "f-police-3.txt": (
        "Plot details\n\nKUALA LUMPUR, Aug 1, 2018 — Mohamad Fuzi Harun told reporters the "
        "cell had sought weapons."),
    # An undated text that names no year: it stays undated.
    "g-undated.txt": (
        "Checkpoint attacked\n\nGunmen of the Maute group attacked a checkpoint near Marawi, "
        "the army said. Two soldiers were wounded."),
    # A succession: a leader, then a new leader named months later.
    "h-leader-1.txt": (
        "Front names chief\n\nTINDOUF, March 3, 2020 — Omar Haddad, the leader of the Red "
        "Hand Brigades, spoke to supporters."),
    "i-leader-2.txt": (
        "A new chief\n\nTINDOUF, June 9, 2020 — Karim Nasser, the new leader of the Red "
        "Hand Brigades, vowed to fight on."),
    # A figure for one band is no conflict with the group's total.
    "j-strength-1.txt": (
        "Group strength\n\nZAMBOANGA, May 2, 2019 — The Abu Sayyaf has about 400 fighters, "
        "the military said."),
    "k-strength-2.txt": (
        "Band hunted\n\nZAMBOANGA, May 20, 2019 — A band of 13 Abu Sayyaf fighters in Basilan "
        "was hunted by troops, the military said."),
    # Two people who share a surname, each also called by it alone.
    "m-hussain-1.txt": (
        "Recruiter killed\n\nLONDON, Aug. 27, 2015 — Junaid Hussain, a British hacker who "
        "recruited for the Islamic State, was killed in a strike in Raqqa. Hussain had urged "
        "attacks."),
    "n-hussain-2.txt": (
        "Student jailed\n\nBIRMINGHAM, May 4, 2016 — Naeem Hussain, a student from "
        "Birmingham, was jailed for planning to join the Islamic State. Hussain denied it."),
    # AFP: the Philippine army spelled out in one text, the news agency in another.
    "o-afp-army.txt": (
        "Troops clash with gunmen\n\nJOLO, April 2, 2019 — The Armed Forces of the "
        "Philippines said soldiers clashed with Abu Sayyaf gunmen in Sulu. An AFP "
        "spokesman said two soldiers were hurt."),
    "p-afp-agency.txt": (
        "Market bomb\n\nMANILA (AFP) — A bomb killed three people at a market in Cotabato "
        "on Sunday, police told AFP."),
    # A dateline in capitals with its agency in brackets: a place and an agency.
    "q-dateline.txt": (
        "MELBOURNE (REUTERS) - A man who set fire to a car in central Melbourne was inspired "
        "by the Islamic State, police said on Saturday, a year after the 2017 attack."),
    # ISKP under another of its gazetteer names.
    "l-iskp.txt": (
        "Attack claimed\n\nKABUL, Aug. 27, 2021 — ISIS-K claimed the bombing at the airport "
        "in 2021, officials said."),
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    store, url = store_of_articles(tmp_path_factory, ARTICLES)
    yield store, url
    store.close()


def _documents(store):
    with store.engine.connect() as conn:
        from dossier.store.schema import documents
        return {r.source.rsplit("/", 1)[-1]: r for r in conn.execute(documents.select())}


def test_a_defined_acronym_means_its_long_form_there(kb):
    """"Institute of Strategic and International Studies (ISIS)": that text's ISIS
    is the think tank, which never joins the Islamic State."""
    store, _ = kb
    tank = query.find(store, "Institute of Strategic and International Studies")
    assert len(tank) == 1 and tank[0].type == "organization" and tank[0].kb_id is None
    assert "ISIS" in [a for a, _ in store.entity_aliases(tank[0].id)]
    islamic_state = [e for e in query.find(store, "Islamic State")]
    assert [e.kb_id for e in islamic_state] == ["islamic_state"]
    assert "ISIS" not in [a for a, _ in store.entity_aliases(islamic_state[0].id)]
    chairman = query.find(store, "Mohamed Jawhar Hassan")[0]
    assert not [a for a in store.assertion_rows("relation")
                if chairman.id in (a["subject_id"], a["object_id"])
                and islamic_state[0].id in (a["subject_id"], a["object_id"])]


def test_an_ambiguous_acronym_follows_its_text(kb):
    """"AFP" beside "Armed Forces of the Philippines" is the army; in a dateline, the
    news agency: two records, and the army never takes the agency's identity."""
    store, _ = kb
    army = query.find(store, "Armed Forces of the Philippines")
    agency = query.find(store, "Agence France-Presse")
    assert len(army) == 1 and len(agency) == 1 and army[0].id != agency[0].id
    assert agency[0].kb_id and army[0].kb_id != agency[0].kb_id
    assert "AFP" in [a for a, _ in store.entity_aliases(army[0].id)]
    assert "Armed Forces of the Philippines" not in [a for a, _ in
                                                     store.entity_aliases(agency[0].id)]
    melbourne = query.find(store, "Melbourne")
    assert [e.type for e in melbourne] == ["place"]
    assert "REUTERS" not in [a for a, _ in store.entity_aliases(melbourne[0].id)]


def test_a_person_under_titles_and_spellings_is_one_record(kb):
    store, _ = kb
    found = {e.id for name in ("Mohamad Fuzi Harun", "Mohd Fuzi Harun",
                               "Tan Sri Mohamad Fuzi Harun", "IGP Mohamad Fuzi Harun")
             for e in query.find(store, name)}
    assert len(found) == 1
    person = store.entity(found.pop())
    assert person.type == "person" and person.name == "Mohamad Fuzi Harun"
    assert query.profile(store, person).document_count == 3


def test_people_sharing_a_surname_stay_apart(kb):
    store, _ = kb
    junaid, naeem = query.find(store, "Junaid Hussain"), query.find(store, "Naeem Hussain")
    assert len(junaid) == 1 and len(naeem) == 1 and junaid[0].id != naeem[0].id


@pytest.mark.parametrize("name, key", [
    ("Inspector-General of Police Tan Sri Mohamad Fuzi Harun", "mohamad fuzi harun"),
    ("Mohd Fuzi Harun", "mohamad fuzi harun"),
    ("Lt. Col. Jo-ar Herrera", "jo ar herrera"),
    ("Abu Bakar al-Baghdadi", "abu bakr al baghdadi"),
    ("Mr Clarke", "clarke"),
    ("General", "general"),  # a lone title stays
])
def test_person_key(name, key):
    from dossier.resolve import person_key
    from dossier.vocabulary import load
    assert person_key(name, load().shapes) == key


@pytest.mark.parametrize("name, fragment", [
    ("Isnilon Hapilon and", True), ("Government of the", True), ("City of", True),
    ("Bank of America", False), ("al-Shabaab", False), ("Sons of Iraq", False),
])
def test_fragment_names(name, fragment):
    from dossier.vocabulary import load
    assert load().shapes.is_fragment(name) is fragment


def test_no_entity_name_is_a_fragment(kb):
    store, _ = kb
    names = [e.name for e, _ in store.all_entities()]
    assert "Isnilon Hapilon" in names
    assert not [n for n in names if n.split()[-1].casefold() in ("and", "of", "the", "or")]


def test_an_undated_article_stays_undated(kb):
    store, _ = kb
    docs = _documents(store)
    undated = docs["g-undated.txt"]
    assert undated.published is None and undated.published_estimate is None
    rows = [s for a in store.assertion_rows() for s in a["sources"]
            if s["document_id"] == undated.id]
    assert rows and all(s["report_time"] is None for s in rows)


def test_a_republished_story_is_one_story(kb):
    """Two outlets' copies of one wire story: linked as one story ("also published
    by"), and a fact both state counts one story, though two sources."""
    store, _ = kb
    docs = _documents(store)
    first, copy = docs["a-wire.txt"], docs["b-wire-copy.txt"]
    assert first.story_id == first.id and copy.story_id == first.id
    assert [c["id"] for c in store.document(copy.id)["also_published"]] == [first.id]
    others = {d.story_id for name, d in docs.items() if name not in ("a-wire.txt",
                                                                     "b-wire-copy.txt")}
    assert first.id not in others  # other articles on the same groups are other stories
    both = [a for a in store.relation_summaries() if a["sources"] == 2 and a["stories"] == 1]
    assert both, "a fact stated by both copies counts one story"
    assert store.story_counts() == (len(ARTICLES), len(ARTICLES) - 1)


def test_a_succession_is_no_conflict(kb):
    store, _ = kb
    group = query.find(store, "Red Hand Brigades")[0]
    leaders = {store.entity(a["subject_id"]).name for a in store.assertion_rows("relation")
               if a["predicate"] == "leader_of" and a["object_id"] == group.id}
    assert leaders == {"Omar Haddad", "Karim Nasser"}
    assert [c for c in find_conflicts(store, group.id) if c.kind == "leaders"] == []


def test_a_subset_figure_is_no_conflict(kb):
    store, _ = kb
    group = query.find(store, "Abu Sayyaf")[0]
    figures = sorted(a["value"]["min"] for a in store.assertion_rows("claim")
                     if a["subject_id"] == group.id)
    assert 400 in figures
    assert [c for c in find_conflicts(store, group.id) if c.kind == "strength"] == []


@pytest.mark.parametrize("name", ["ISKP", "ISIS-K", "Islamic State Khorasan Province"])
def test_any_gazetteer_alias_finds_the_entity(kb, name):
    store, _ = kb
    assert [e.kb_id for e in query.find(store, name)] == ["islamic_state_khorasan"]


def test_show_and_conflicts_print_json(kb):
    _, url = kb
    runner = CliRunner()
    shown = runner.invoke(app, ["show", "ISKP", "--json", "--db", url])
    assert shown.exit_code == 0, shown.output
    profile = json.loads(shown.stdout)[0]
    assert profile["entity"]["kb_id"] == "islamic_state_khorasan" and profile["document_count"] == 1
    assert all(f["sources"] and "stories_total" not in f for f in profile["facts"])
    listed = runner.invoke(app, ["conflicts", "--json", "--db", url])
    assert listed.exit_code == 0, listed.output
    assert isinstance(json.loads(listed.stdout), list)


def _record(doc_id: str, text: str, entities: list[Entity], relations=()) -> Record:
    return Record(document={"id": doc_id, "title": None, "published": "2020-01-01",
                            "source": f"{doc_id}.txt"},
                  text=text, entities=tuple(entities), relations=tuple(relations),
                  sentences=((0, len(text)),))


def _add(store, name: str, text: str, entities: list[Entity], relations=()):
    document = Document(raw=text.encode(), source=f"{name}.txt", published="2020-01-01")
    record = _record(document.id, text, entities, relations)
    assert store.add(document, CleanText(text, "utf-8"), record)


def test_type_is_the_vote_of_documents(tmp_path):
    """A two-word name read as a place in two documents and a person in one is one
    place; a one-word name read as two types stays two records."""
    store = open_store(f"sqlite:///{tmp_path / 'kb.db'}")
    for i, type_ in enumerate(["person", "place", "place"]):
        text = f"Troops landed on Pulau Gaya {'x' * i}."
        at = text.index("Pulau Gaya")
        _add(store, f"d{i}", text, [Entity("e1", "Pulau Gaya", type_, ("Pulau Gaya",),
                                           ((at, at + 10),))])
    for i, type_ in enumerate(["person", "place"]):
        text = f"They met in Milan {'y' * i}."
        _add(store, f"m{i}", text, [Entity("e1", "Milan", type_, ("Milan",), ((12, 17),))])
    gaya = query.find(store, "Pulau Gaya")
    assert [(e.name, e.type) for e in gaya] == [("Pulau Gaya", "place")]
    assert sorted(e.type for e in query.find(store, "Milan")) == ["person", "place"]
    store.close()


def test_symmetric_tie_found_both_ways_in_one_sentence_is_stored(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'kb.db'}")
    text = "The Red Hand Brigades and the Blue Front are allies."
    ents = [Entity("e1", "Red Hand Brigades", "armed_group", ("Red Hand Brigades",), ((4, 21),)),
            Entity("e2", "Blue Front", "armed_group", ("Blue Front",), ((30, 40),))]
    ties = [Relation("e1", "allied_with", "e2", (0, len(text))),
            Relation("e2", "allied_with", "e1", (0, len(text)))]
    _add(store, "t", text, ents, ties)
    rows = store.assertion_rows("relation")
    assert len(rows) == 1 and len(rows[0]["sources"]) == 1
    store.close()


def test_audit_names_what_to_check(tmp_path):
    """Two records of one person (a title kept by an older store), a fragment name,
    a relation on one hedged sentence: each flagged with its example."""
    store = open_store(f"sqlite:///{tmp_path / 'kb.db'}")
    text = "Isnilon Hapilon and aides met Mohamad Fuzi Harun."
    _add(store, "a", text, [
        Entity("e1", "Isnilon Hapilon and", "person", ("Isnilon Hapilon and",), ((0, 19),)),
        Entity("e2", "Mohamad Fuzi Harun", "person", ("Mohamad Fuzi Harun",), ((30, 48),))],
        [Relation("e1", "allied_with", "e2", (0, len(text)), hedged=True)])
    other = "Police chief Fuzi Harun spoke."
    _add(store, "b", other, [Entity("e1", "Fuzi Harun", "person", ("Fuzi Harun",),
                                    ((13, 23),))])
    found = {f.check: f for f in audit(store)}
    assert found["fragment names"].count == 1
    assert "Isnilon Hapilon and" in found["fragment names"].examples[0]
    assert found["one hedged source"].count == 1
    assert found["undated sources"].count == 0
    assert found["duplicate entities"].count == 0  # distinct keys: not flagged
    runner = CliRunner()
    result = runner.invoke(app, ["audit", "--json", "--db", f"sqlite:///{tmp_path / 'kb.db'}"])
    assert result.exit_code == 0, result.output
    assert {f["check"] for f in json.loads(result.stdout)} >= {"fragment names",
                                                               "repeated stories"}
    store.close()


def test_dev_texts_make_a_clean_knowledge_base(dev_dir, tmp_path):
    """The 33 annotated dev articles: no fragment name, no source dated by the day
    it was stored, and every relation's sources count at least one story."""
    store = open_store(f"sqlite:///{tmp_path / 'dev.db'}")
    report = ingest([str(dev_dir)], store)
    assert report.counts["stored"] >= 30, report.failures
    found = {f.check: f for f in audit(store)}
    assert found["fragment names"].count == 0, found["fragment names"].examples
    counts = store.report_time_counts()
    assert sum(counts.values()) > 100
    with store.engine.connect() as conn:
        from dossier.store.schema import documents, sources
        from sqlalchemy import func, select
        stored_day = conn.execute(select(func.count()).select_from(sources).join(
            documents, documents.c.id == sources.c.document_id).where(
            sources.c.report_time == func.substr(documents.c.ingested_at, 1, 10))).scalar_one()
    assert stored_day == 0
    assert all(a["stories"] >= 1 for a in store.relation_summaries())
    store.close()


def test_confidence_priors_are_the_measured_precisions():
    """The worth of a source without a probability of its own is its extractor's
    cross-validated precision, as the model card states it."""
    from importlib import resources

    from dossier.vocabulary import read_settings
    card = json.loads(resources.files("dossier.models").joinpath("relations.card.json")
                      .read_text("utf-8"))["cross_validated"]["rules"]
    prior = read_settings("confidence.yaml")["prior"]
    assert prior == {"relation": card["relations"]["p"], "claim": card["claims"]["p"],
                     "event": card["events"]["p"], "quote": card["quote_speakers"]["p"]}


def test_one_fact_from_many_stories_is_shown_once(kb):
    """A claim, an event and a quote two copies of one story state are one
    assertion each, with two sources and one story; a fact's confidence grows
    with independent stories, not with copies."""
    from dossier.query import combined_confidence
    store, _ = kb
    group = query.find(store, "Maute group")[0]
    p = query.profile(store, group)
    facts = p.facts()
    assert len({f["id"] for f in facts}) == len(facts)
    copied = [f for f in facts if f["sources_total"] == 2]
    assert copied and all(f["stories"] == 1 for f in copied)
    assert {f["kind"] for f in copied} >= {"relation", "claim", "event"}
    quotes = [a for a in store.assertion_rows("quote") if "hold the city" in a["value"]["text"]]
    assert len(quotes) == 1 and len(quotes[0]["sources"]) == 2
    one = combined_confidence([{"assertion_id": 1, "kind": "relation", "confidence": None,
                                "hedged": False, "story": "a"}])
    copies = combined_confidence([{"assertion_id": 1, "kind": "relation", "confidence": None,
                                   "hedged": False, "story": s} for s in ("a", "a")])
    two = combined_confidence([{"assertion_id": 1, "kind": "relation", "confidence": None,
                                "hedged": False, "story": s} for s in ("a", "b")])
    assert one == copies and two[1] > one[1]
    assert all(0 < f["confidence"] <= 1 for f in facts)
