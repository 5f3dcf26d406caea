"""Entities: gazetteer + model typing, shapes, state forces, in-document merging."""
from __future__ import annotations

import pytest

from dossier.assemble import extract
from dossier.ingest import read_file
from dossier.model import Document
from dossier.vocabulary import name_key


def record_of(text: str):
    return extract(Document(raw=text.encode("utf-8"), source="test.txt"))[1]


def entity_named(record, name):
    key = name_key(name)
    found = [e for e in record.entities
             if key in {name_key(a) for a in (e.name, *e.aliases)}]
    assert found, f"no entity {name!r} in {[e.name for e in record.entities]}"
    assert len(found) == 1, f"{name!r} split over {[(e.name, e.type) for e in found]}"
    return found[0]


SEED_EXPECTED = [
    ("Taliban", "armed_group"), ("Haqqani network", "armed_group"), ("Al Qaeda", "armed_group"),
    ("ISIS", "armed_group"), ("ISIS-K", "armed_group"),
    ("Colin P. Clarke", "person"), ("Seth G. Jones", "person"), ("Shahab al-Muhajir", "person"),
    ("Soufan Group", "organization"),
    ("Center for Strategic and International Studies", "organization"),
    ("Kabul", "place"), ("Sahel", "place"), ("Sinai Peninsula", "place"),
    ("Afghanistan", "state"), ("Iraq", "state"), ("Syria", "state"),
]


@pytest.fixture(scope="module")
def seed_record(seed_path):
    return extract(next(read_file(seed_path)))[1]


@pytest.mark.parametrize("name, type_", SEED_EXPECTED)
def test_seed_entities(seed_record, name, type_):
    assert entity_named(seed_record, name).type == type_


@pytest.mark.parametrize("name, aliases", [
    ("Colin P. Clarke", {"Colin P. Clarke", "Mr Clarke"}),
    ("Seth G. Jones", {"Seth G. Jones", "Mr Jones"}),
    ("ISIS-K", {"ISIS-K"}),
    ("Soufan Group", {"Soufan. Group"}),
])
def test_seed_merging(seed_record, name, aliases):
    entity = entity_named(seed_record, name)
    assert entity.name == name
    assert aliases <= set(entity.aliases)


def test_seed_drops_non_entities(seed_record):
    names = {name_key(a) for e in seed_record.entities for a in (e.name, *e.aliases)}
    for not_entity in ("2014", "June 2020", "three", "jihadist", "Afghan", "the past decade",
                       "They"):
        assert name_key(not_entity) not in names


def test_every_mention_slices_its_alias(seed_record):
    for e in seed_record.entities:
        for start, end in e.mentions:
            assert seed_record.text[start:end] in e.aliases


@pytest.mark.parametrize("text, name, type_", [
    # Shapes: groups missing from the gazetteer.
    ("Fighters of the Popular Resistance Front attacked a checkpoint.",
     "Popular Resistance Front", "armed_group"),
    ("The Red Hand Brigades claimed the bombing in a statement.", "Red Hand Brigades",
     "armed_group"),
    ("Police blamed the militant group Jamaat Ansar Tawhid for the raid.",
     "Jamaat Ansar Tawhid", "armed_group"),
    # State forces named as actors.
    ("Nigerien soldiers were deployed to the border on Monday.", "Nigerien soldiers",
     "organization"),
    ("The US military said it carried out the strike.", "US military", "organization"),
    # Model slips fixed through data.
    ("Jihadists have spread across the Sahel in recent years.", "Sahel", "place"),
    ("The Haqqani network is blamed for the attack.", "Haqqani network", "armed_group"),
    # Acronyms from the gazetteer, in their own case only.
    ("ISKP claimed the attack on the airport.", "ISKP", "armed_group"),
    # A place's local body with the capitalised words that end its name.
    ("The Palm Beach County Sheriff's Office said the threats were a hoax.",
     "Palm Beach County Sheriff's Office", "organization"),
    ("The New York City Police Department said the threats were a hoax.",
     "New York City Police Department", "organization"),
])
def test_typing(text, name, type_):
    assert entity_named(record_of(text), name).type == type_


@pytest.mark.parametrize("text", [
    "This is what the army said. Is it true?",
    "the taliban of the story is a word in lower case here.",
])
def test_no_gazetteer_match_out_of_case(text):
    names = {e.name for e in record_of(text).entities}
    assert "Islamic State" not in names and "Taliban" not in names


def test_acronym_joins_long_form():
    record = record_of("Analysts at the Center for Strategic and International Studies "
                       "disagree. CSIS published a report on Tuesday.")
    entity = entity_named(record, "CSIS")
    assert entity.name == "Center for Strategic and International Studies"
    assert entity.type == "organization"


def test_bracketed_acronym_joins_long_form():
    record = record_of("The Society of African Missions (SMA) said the priest was safe. "
                       "The SMA has worked in Niger since 1964.")
    entity = entity_named(record, "SMA")
    assert entity.name == "Society of African Missions"


def test_surname_and_title_join_full_name():
    record = record_of("Amina Farouk, a researcher, spoke on Monday. Ms Farouk said the "
                       "group had grown. Farouk added that talks had failed.")
    entity = entity_named(record, "Amina Farouk")
    assert entity.type == "person"
    assert {"Ms Farouk", "Farouk"} <= set(entity.aliases)


def test_two_word_honorifics_leave_the_name_and_a_shortened_name_joins_it():
    record = record_of("Police chief Tan Sri Ahmad Zaki Yusof said six men were held. "
                       "Ahmad Zaki said the cell had planned attacks.")
    entity = entity_named(record, "Ahmad Zaki Yusof")
    assert entity.type == "person"
    assert "Ahmad Zaki" in entity.aliases
    assert not any(e.name.startswith(("Tan ", "Sri ")) for e in record.entities)


def test_a_surname_that_is_a_title_word_elsewhere_is_kept():
    record = record_of("Tan Wei Ming and Sri Mulyani Indrawati met in Jakarta on Monday.")
    names = {e.name for e in record.entities}
    assert {"Tan Wei Ming", "Sri Mulyani Indrawati"} <= names, names


def test_state_forces_of_one_state_are_one_actor():
    record = record_of("Afghan forces retreated. Later, Afghan soldiers returned to the "
                       "town, while Afghan commandos held the airport.")
    forces = entity_named(record, "Afghan forces")
    assert "Afghan soldiers" in forces.aliases
    assert entity_named(record, "Afghan commandos").id != forces.id


def test_gazetteer_aliases_merge_within_document():
    record = record_of("The Islamic State claimed the attack. ISIS has done so before, "
                       "and IS fighters remain in the area.")
    entity = entity_named(record, "Islamic State")
    assert {"Islamic State", "ISIS"} <= set(entity.aliases)


def test_branch_and_parent_stay_apart():
    record = record_of("ISIS-K is a branch of ISIS. ISIS-K fighters attacked Kabul.")
    assert entity_named(record, "ISIS-K").id != entity_named(record, "ISIS").id


def test_dateline_capitals_merge_with_place():
    record = record_of("MOGADISHU, Somalia — A car bomb exploded in Mogadishu on Friday.")
    place = entity_named(record, "Mogadishu")
    assert place.type == "place"
    assert place.name == "Mogadishu"


def test_a_surname_named_without_its_article_joins_the_full_name():
    record = record_of("President Abdel Fattah al-Sisi visited the town on Friday. "
                       "Ministers were sent by Sisi to Minya.")
    entity = entity_named(record, "Abdel Fattah al-Sisi")
    assert "Sisi" in entity.aliases
    assert sum(1 for e in record.entities if e.type == "person") == 1


def test_a_given_name_alone_joins_the_one_full_name_it_opens():
    record = record_of("Police arrested Ridwan Hasibuan in Medan. Investigators said Ridwan "
                       "had wired money to Syria.")
    entity = entity_named(record, "Ridwan Hasibuan")
    assert "Ridwan" in entity.aliases


@pytest.mark.parametrize("text, name", [
    ("GMP Assistant Chief Constable Rob Potts said the investigation was led by "
     "counter-terrorism police.", "Rob Potts"),
    ("Regional Police Chief Commissioner Tomas Varga said the suspect was armed.",
     "Tomas Varga"),
    ("Analyst Rina Marlina, who has followed the cell for years, said it was weakened.",
     "Rina Marlina"),
    # a one-word gazetteer name after a given name is a surname
    ("At the time of the arrest, US Attorney Benjamin Wagner said the case was serious.",
     "Benjamin Wagner"),
])
def test_a_person_is_named_without_the_titles_and_body_before_the_name(text, name):
    assert [e.name for e in record_of(text).entities if e.type == "person"] == [name]


def test_a_name_ending_in_an_initial_stops_at_the_next_sentence():
    record = record_of("Police named the driver as Arslan K. He had arrived in Sweden in 2014.")
    assert [e.name for e in record.entities if e.type == "person"] == ["Arslan K."]


def test_a_given_name_that_is_someones_surname_stays_apart():
    record = record_of("Hasan Omar met Ali Hasan in Mosul. Hasan said the talks failed.")
    assert "Hasan" not in entity_named(record, "Hasan Omar").aliases


@pytest.mark.parametrize("text, name, type_", [
    # a capital standing for its government is the state
    ("Islamabad denied the accusations on Monday.", "Islamabad", "state"),
    ("The deal was struck in talks between Moscow and Ankara.", "Moscow", "state"),
    ("Ties are strained over Washington's support for the YPG.", "Washington", "state"),
    # the city itself, a possessor of a place, and a dateline stay places
    ("A bomb exploded at a market in Islamabad on Monday.", "Islamabad", "place"),
    ("Gunmen stormed a hotel in Kabul's diplomatic quarter.", "Kabul", "place"),
])
def test_a_capital_is_its_state_only_when_it_acts(text, name, type_):
    record = record_of(text)
    assert entity_named(record, name).type == type_


def test_a_capital_acting_joins_its_state():
    record = record_of("Pakistan condemned the attack. Islamabad denied the accusations.")
    pakistan = entity_named(record, "Pakistan")
    assert "Islamabad" in pakistan.aliases
    assert pakistan.type == "state"


def test_the_capital_index_leaves_out_capitals_named_like_a_state():
    from dossier import vocabulary
    from dossier.vocabulary import name_key

    capitals = vocabulary.load().capital_index()
    assert capitals[name_key("Islamabad")] == "pakistan"
    assert name_key("Singapore") not in capitals
