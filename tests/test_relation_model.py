"""The learned layers: relation candidates, the shipped relation and entity type
models, and `dossier train` end to end on the bundled sample articles (annotated in
tests/data/annotated)."""
from __future__ import annotations

import hashlib
import json
import shutil
from importlib import resources

import numpy as np
import pytest
from typer.testing import CliRunner

from dossier import schema
from dossier.assemble import entities_of, extract, resolver
from dossier.cli import app
from dossier.extract import entity_typing
from dossier.extract.linear import LinearModel, read_model
from dossier.extract.relations.candidates import candidates
from dossier.extract.relations.learned import MODEL_NAME, shipped
from dossier.learn.build import CARD_NAME, TYPE_CARD_NAME
from dossier.model import Document
from dossier.nlp import load as load_nlp
from dossier.vocabulary import name_key

from conftest import ROOT

ANNOTATED = ROOT / "tests" / "data" / "annotated"
MODELS = resources.files("dossier").joinpath("models")


def record_of(text: str):
    return extract(Document(raw=text.encode("utf-8"), source="test.txt"))[1]


def ties(record, a: str, b: str) -> set[str]:
    """Predicates the record states between the entities named ``a`` and ``b`` (either way)."""
    def names(entity_id):
        e = record.entity(entity_id)
        return {name_key(n) for n in (e.name, *e.aliases)}
    return {r.predicate for r in record.relations
            if {name_key(a), name_key(b)} <= names(r.subject) | names(r.object)
            and (name_key(a) in names(r.subject)) != (name_key(a) in names(r.object))}


# --- candidates ------------------------------------------------------------------

def test_candidates_keep_the_span_that_links_them():
    text = ("Al-Shabaab fighters attacked a base near Mogadishu on Monday. The group later "
            "withdrew. Somali troops said they had pushed the militants back.")
    doc = load_nlp()(text)
    antecedents = resolver(doc, entities_of(doc))
    found = candidates(doc, antecedents)
    fits = schema.load().fitting
    assert found
    for c in found:
        start, end = c.evidence
        assert start <= min(c.subject_at[0], c.object_at[0])
        assert max(c.subject_at[1], c.object_at[1]) <= end or c.link == "focus"
        assert fits(c.subject.type, c.object.type)
    links = {(c.subject.name, c.object.name): c.link for c in found}
    assert links[("Al-Shabaab", "Mogadishu")] == "sentence"
    # Somali troops are named two sentences later: a nearby link, not none.
    assert any(c.link in ("nearby", "reference") and "Somali" in c.object.name
               and c.subject.name == "Al-Shabaab" for c in found)


def test_the_model_sees_what_the_rules_tie_each_side_to_elsewhere():
    """A person the rules make an analyst at one body is seldom a member of the group
    named beside them: the model's features say so."""
    from dossier import vocabulary
    from dossier.extract.relations import relations
    from dossier.extract.relations.features import tied_elsewhere

    text = ("Sam Heller, an analyst at the International Crisis Group, said Hayat Tahrir "
            "al-Sham would not leave Idlib.")
    doc = load_nlp()(text)
    antecedents = resolver(doc, entities_of(doc))
    vocab = vocabulary.load()
    ruled = relations(doc, antecedents, vocab.lexicons, vocab.shapes)
    assert any(r.predicate == "works_for" for r in ruled), ruled
    pair = next(c for c in candidates(doc, antecedents)
                if (c.subject.name, c.object.name) == ("Sam Heller", "Hayat Tahrir al-Sham"))
    assert "subject_ruled=works_for|person>armed_group" in tied_elsewhere(pair, ruled)
    # the pair's own tie is the rules' vote, not a tie elsewhere
    own = next(c for c in candidates(doc, antecedents)
               if (c.subject.name, c.object.name) == ("Sam Heller", "International Crisis Group"))
    assert not any(f.startswith("subject_ruled=works_for")
                   for f in tied_elsewhere(own, [r for r in ruled if r.predicate == "works_for"]))


def test_a_pair_named_in_two_sentences_is_two_candidates():
    text = ("The Taliban met officials from Qatar in Doha. Later the Taliban thanked Qatar "
            "for its support.")
    doc = load_nlp()(text)
    antecedents = resolver(doc, entities_of(doc))
    pairs = [c for c in candidates(doc, antecedents)
             if (c.subject.name, c.object.name) == ("Taliban", "Qatar")]
    assert len({c.evidence for c in pairs}) == 2


def test_the_model_adds_no_tie_contrary_to_the_rules_reading():
    """Allies are no enemies: a pair the rules tie as adversaries gets no model-made
    alliance, while an unrelated pair does."""
    from dossier import vocabulary
    from dossier.extract.relations.learned import as_relations
    from dossier.model import Relation

    text = "The Islamic State group ousted the Syrian Democratic Forces from the town."
    doc = load_nlp()(text)
    antecedents = resolver(doc, entities_of(doc))
    pair = next(c for c in candidates(doc, antecedents)
                if {c.subject.name, c.object.name} == {"Islamic State",
                                                       "Syrian Democratic Forces"})
    rule = Relation(pair.subject.id, "adversary_of", pair.object.id, pair.evidence, None,
                    0.7, False, by="rule:verb")
    lexicons = vocabulary.load().lexicons
    decided = [(pair, "allied_with", 0.9)]
    assert as_relations(doc, decided, lexicons, [rule], "model:test") == []
    added = as_relations(doc, decided, lexicons, [], "model:test")
    assert [r.predicate for r in added] == ["allied_with"]
    # of the model's own contrary readings of one pair, the likelier stays
    both = [(pair, "allied_with", 0.4), (pair, "adversary_of", 0.8)]
    assert [r.predicate for r in as_relations(doc, both, lexicons, [], "model:test")] \
        == ["adversary_of"]
    # a one-way tie the model reads both ways keeps its likelier direction only, and
    # none against the rules' direction
    back = next(c for c in candidates(doc, antecedents)
                if (c.subject.id, c.object.id) == (pair.object.id, pair.subject.id))
    two_ways = [(pair, "affiliate_of", 0.4), (back, "affiliate_of", 0.7)]
    kept = as_relations(doc, two_ways, lexicons, [], "model:test")
    assert [(r.subject, r.object) for r in kept] == [(back.subject.id, back.object.id)]
    ruled = Relation(pair.subject.id, "affiliate_of", pair.object.id, pair.evidence, None,
                     0.7, False, by="rule:role")
    assert as_relations(doc, [(back, "affiliate_of", 0.9)], lexicons, [ruled], "m") == []


def test_the_model_gives_a_person_one_role():
    """A person the rules give a role gets no other from the model; of the model's
    own role readings for one person, the likeliest stays."""
    from dossier import vocabulary
    from dossier.extract.relations.learned import as_relations
    from dossier.model import Relation

    text = ("Jane Doe, an analyst at the Soufan Group, said the Taliban and al-Shabaab "
            "were recruiting.")
    doc = load_nlp()(text)
    antecedents = resolver(doc, entities_of(doc))
    found = candidates(doc, antecedents)

    def pair(a, b):
        return next(c for c in found if (c.subject.name, c.object.name) == (a, b))
    analyst = pair("Jane Doe", "Soufan Group")
    taliban, shabaab = pair("Jane Doe", "Taliban"), pair("Jane Doe", "Al-Shabaab")
    rule = Relation(analyst.subject.id, "works_for", analyst.object.id, analyst.evidence,
                    None, 0.8, False, by="rule:role")
    lexicons = vocabulary.load().lexicons
    assert as_relations(doc, [(taliban, "member_of", 0.6)], lexicons, [rule], "m") == []
    kept = as_relations(doc, [(taliban, "member_of", 0.4), (shabaab, "member_of", 0.7)],
                        lexicons, [], "m")
    assert [r.object for r in kept] == [shabaab.object.id]


# --- the shipped model -------------------------------------------------------------

def test_the_shipped_model_loads_offline_and_matches_its_card():
    model = shipped()
    assert model is not None, "no relation model in the package"
    card = json.loads(MODELS.joinpath(CARD_NAME).read_text("utf-8"))
    raw = MODELS.joinpath(MODEL_NAME).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == card["model"]["sha256"] == model.digest
    assert len(raw) == card["model"]["bytes"] <= 25 * 1024 * 1024
    assert list(model.classes) == card["model"]["classes"]
    assert model.threshold == card["model"]["threshold"] == card["cross_validated"]["threshold"]
    assert set(model.classes) - {"none"} <= set(schema.load().predicates)
    # The card in words quotes the same model and the same cross-validated figures.
    words = MODELS.joinpath("RELATIONS.md").read_text("utf-8")
    assert card["model"]["sha256"][:16] in words
    for system in ("rules", "learned"):
        f1 = card["cross_validated"][system]["relations"]["f1"]
        assert f"{f1:.2f}" in words, (system, f1)


def test_the_model_gives_the_same_record_twice_and_says_it_made_its_relations(samples_dir):
    text = (samples_dir / "02-al-shabaab-atmis.txt").read_bytes()
    first = extract(Document(raw=text, source="a.txt"))[1].to_dict()
    second = extract(Document(raw=text, source="a.txt"))[1].to_dict()
    assert first == second
    producers = {r["by"] for r in first["relations"]}
    assert producers, "no relation at all"
    assert all(p.startswith("rule:") or p == shipped().name for p in producers), producers


# --- negatives: pairs in one sentence that hold no relation --------------------------

@pytest.mark.parametrize("text, a, b, absent", [
    # a designation is not an adversary tie
    ("Turkey has designated Hayat Tahrir al-Sham as a terrorist organisation, according to "
     "a presidential decision published on Friday.", "Turkey", "Hayat Tahrir al-Sham",
     "adversary_of"),
    # a former tie is over
    ("Abdullahi Yusuf, a former member of al-Shabaab, now runs a shop in Nairobi.",
     "Abdullahi Yusuf", "al-Shabaab", "member_of"),
    # named together, tied by nothing
    ("The United Nations said on Monday that Boko Haram had not been discussed at the "
     "meeting.", "United Nations", "Boko Haram", "adversary_of"),
    ("Reporters from Reuters and the BBC waited outside the court in Manila.",
     "Reuters", "BBC", "allied_with"),
    # a helper named after "the help of" is a side, not a place
    ("The Houthis seized Sanaa with the help of Iran.", "Houthis", "Iran", "operates_in"),
    # "the government and its ally": the government's, not the dateline agency's
    ("BEIRUT (Reuters) - Dozens were wounded in Syria's Aleppo in an attack which the "
     "government and its ally, Russia, blamed on insurgents.", "Reuters", "Russia",
     "allied_with"),
    # "government supporters" are the story's state's, not the last state named
    ("Syria says the rebels must go. Syria has said so. Eastern Ghouta is in a deal agreed "
     "by rebel ally Turkey and government supporters Iran and Russia.", "Turkey", "Iran",
     "allied_with"),
    # a singular title names the one name it stands before, not the names listed with it
    ("Russia and Iran sent envoys. Erdogan met Russian President Vladimir Putin and "
     "Iranian President Hassan Rouhani.", "Hassan Rouhani", "Russia", "leader_of"),
    # a deputy is no leader
    ("Ustadz Hud Limaya, deputy commander of the Moro Islamic Liberation Front, spoke.",
     "Hud Limaya", "Moro Islamic Liberation Front", "leader_of"),
    # the accuser is not the one accused of helping
    ("Afghan officials and Pakistan accused India of supporting the Baloch Liberation Army.",
     "Pakistan", "Baloch Liberation Army", "allied_with"),
    # those a verb of help helps to fight are no allies
    ("Kenya has helped battle al-Shabaab in Somalia since 2011.", "Kenya", "al-Shabaab",
     "allied_with"),
    # a demonym on people is their nationality, not where their group fights
    ("Britain wants them tried. Two British Islamic State militants were captured in 2018.",
     "Islamic State", "Britain", "operates_in"),
    # a group "inspired" by another is no ally of it
    ("Mali is in turmoil. The Islamic State-inspired Katiba Macina has been attacking "
     "schools in central Mali.", "Katiba Macina", "Islamic State", "allied_with"),
    # "a member under X": X leads a part of the group, not the group
    ("Police said Ali Dawud is an al-Shabaab member under Ahmed Iman.",
     "Ahmed Iman", "al-Shabaab", "leader_of"),
    # a region's leader is no leader of the whole group
    ("Abu Walid was named as the emir of the Islamic State for the Sahel.", "Abu Walid",
     "Islamic State", "leader_of"),
    # joining a march against a group makes no member of it
    ("Ahmed Umar joined the march against al-Shabaab in Mogadishu on Friday.",
     "Ahmed Umar", "al-Shabaab", "member_of"),
    # acting jointly in a clause of its own says nothing of the sides named before
    ("Kenya and Somalia have clashed over the border, while Ethiopia jointly runs a camp.",
     "Kenya", "Somalia", "allied_with"),
    # killing members of a force makes no member of it
    ("Boko Haram fighters stormed a base near Maiduguri, killing six members of the "
     "Nigerian army.", "Boko Haram", "Nigerian army", "allied_with"),
])
def test_no_relation_where_the_text_states_none(text, a, b, absent):
    record = record_of(text)
    assert absent not in ties(record, a, b), record.relations


def test_blaming_a_side_is_no_hostility_to_the_rules():
    """"Blamed X for …" accuses X (the model, reading other words, may still weigh in);
    "blamed the attack on X" makes the two sides enemies."""
    record = record_of("The OPCW also blamed Islamic State for using mustard gas.")
    assert not [r for r in record.relations
                if r.predicate == "adversary_of" and r.by.startswith("rule:")], record.relations


@pytest.mark.parametrize("text, a, b, predicate", [
    ("Sporadic clashes between Taliban fighters and Afghan forces erupted on the outskirts "
     "of Ghazni on Monday.", "Taliban", "Afghan forces", "adversary_of"),
    ("Al-Shabaab remains active across southern Somalia.", "al-Shabaab", "southern Somalia",
     "operates_in"),
    # a noun that names one side by the other
    ("The speech was aimed at Iran's enemies Saudi Arabia and Israel.", "Iran", "Israel",
     "adversary_of"),
    ("Hezbollah, an ally of Iran, sent more fighters to Syria.", "Hezbollah", "Iran",
     "allied_with"),
    ("Russia and its ally Syria launched new strikes on the town.", "Russia", "Syria",
     "allied_with"),
    ("The Shabaab is a bitter rival of the Islamic State in Somalia.", "Shabaab",
     "Islamic State in Somalia", "adversary_of"),
    ("Libya's civil war drags on. Libyan government ally Egypt sent jets to Derna.",
     "Libya", "Egypt", "allied_with"),
    ("Maduro's most powerful supporter, Cuba, sent advisers.", "Maduro", "Cuba",
     "allied_with"),
    ("Yemen's war goes on. Government supporters Egypt and Jordan sent ships.", "Yemen",
     "Jordan", "allied_with"),
    # help named by a noun under a preposition
    ("The Houthis seized Sanaa with the help of Iran.", "Houthis", "Iran", "allied_with"),
    ("Sipah-e-Sahaba grew with the support of Pakistani intelligence.", "Sipah-e-Sahaba",
     "Pakistani intelligence", "allied_with"),
    ("Abdulrahman El Bahnasawy planned the attacks in support of the Islamic State group.",
     "Abdulrahman El Bahnasawy", "Islamic State", "allied_with"),
    ("The Armed Forces of the Philippines promised full military cooperation with the "
     "Philippine National Police.", "Armed Forces of the Philippines",
     "Philippine National Police", "allied_with"),
    ("BEIRUT (Reuters) - Dozens were wounded in Syria's Aleppo in an attack which the "
     "government and its ally, Russia, blamed on insurgents.", "Syria", "Russia",
     "allied_with"),
    ("Syria says the rebels must go. Syria has said so. Eastern Ghouta is in a deal agreed "
     "by rebel ally Turkey and government supporters Iran and Russia.", "Syria", "Iran",
     "allied_with"),
    # a lesser role under a leader noun: a member, one who works for a body
    ("Ustadz Hud Limaya, deputy commander of the Moro Islamic Liberation Front, spoke.",
     "Hud Limaya", "Moro Islamic Liberation Front", "member_of"),
    ("Amnesty International's Nigeria director, Osai Ojigho, said the abduction was one "
     "of many.", "Osai Ojigho", "Amnesty International", "works_for"),
    ("Arvin Encinas, spokesperson for the 6th Infantry Division, also blamed the attack on "
     "the BIFF.", "6th Infantry Division", "BIFF", "adversary_of"),
    ("An interior ministry spokesman blamed the Haqqani network, a militant group "
     "affiliated with the Taliban.", "Haqqani network", "Taliban", "affiliate_of"),
    # "accused X of V-ing": X does it
    ("Afghan officials accused Pakistan of giving assistance to the Taliban.", "Pakistan",
     "Taliban", "allied_with"),
    # a place named in apposition to a place noun
    ("Al Shabaab militants attacked the peacekeepers' base in the town Bulamarer on "
     "Sunday.", "al-Shabaab", "Bulamarer", "operates_in"),
    # a place written after a place, a comma between: where it lies
    ("The bombs were assembled by the Jamaah Ansharut Daulah cell in Tegal, Central Java, "
     "a court heard.", "Jamaah Ansharut Daulah", "Central Java", "operates_in"),
    # a demonym on a place word is its state
    ("Libya has struggled since 2011. Islamic State has carried out attacks in Tripoli "
     "and other Libyan towns.", "Islamic State", "Libya", "operates_in"),
    # driving a side out or back
    ("Philippine troops drove the Maute group out of Marawi in October.",
     "Philippine troops", "Maute", "adversary_of"),
    ("The Shabaab was pushed out of Kismayo by Kenyan troops in 2012.", "Shabaab",
     "Kenyan troops", "adversary_of"),
    ("Kenya sent troops into Somalia in 2011 to root out al-Shabaab.", "Kenya",
     "al-Shabaab", "adversary_of"),
    # belonging to a coalition, and a coalition "against" a side
    ("Denmark is a member of the US-led international coalition, officials said.",
     "Denmark", "US-led international coalition", "allied_with"),
    ("Norway trains Iraqi soldiers as part of the US-led coalition.", "Norway",
     "US-led coalition", "allied_with"),
    ("Aid came from the US-led coalition against the Islamic State group.",
     "US-led coalition", "Islamic State", "adversary_of"),
    # a person named right after a role noun, however parsed; a rank is a role too
    ("Helmand provincial council member Abdul Majid Akhund said the road was closed.",
     "Abdul Majid Akhund", "Helmand provincial council", "works_for"),
    ("Kenyan army captain Peter Mwangi told reporters the convoy was hit.", "Peter Mwangi",
     "Kenyan army", "works_for"),
    ("Nigerian Police Chief Inspector-General Ibrahim Idris spoke to reporters.",
     "Ibrahim Idris", "Nigerian Police", "leader_of"),
    # an armed group and the person it harms; "militants from X" are X's
    ("Militants from the Islamic State group beheaded the aid worker Peter Kassig.",
     "Islamic State", "Peter Kassig", "adversary_of"),
    ("The engineer Marco Rossi was kidnapped by al-Shabaab near the border.", "al-Shabaab",
     "Marco Rossi", "adversary_of"),
    # a past participle after a comma describes the name before it
    ("Turkey fears an attack by the Syrian army, backed by Russia, on the region.",
     "Syrian army", "Russia", "allied_with"),
    # "the kingdom", "the country": the state named before
    ("Saudi Arabia was hit again. The Islamic State group has claimed bombings against "
     "security forces in the kingdom.", "Islamic State", "Saudi Arabia", "operates_in"),
    # a state's demonym on a noun for an armed body that stands for the group
    ("Mali has been fighting since 2012. The Malian branch of the group, Katiba Macina, "
     "claimed the raid.", "Katiba Macina", "Mali", "operates_in"),
    # a person "of" a body, with no role noun between
    ("Sarah Lane and Tom Reyes of the International Crisis Group said the talks stalled.",
     "Sarah Lane", "International Crisis Group", "works_for"),
    # sides named together as the subject of a clause that says they act jointly
    ("Chad, Niger and Nigeria agreed on Monday to set up a joint task force.", "Niger",
     "Nigeria", "allied_with"),
    ("The defence ministers of Kenya, Uganda and Tanzania pledged to patrol the lake "
     "together.", "Kenya", "Tanzania", "allied_with"),
    # a title that spells the office it heads; heads of state and government
    ("The Ministry of the Interior issued a statement. Interior Minister Amina Diallo "
     "visited the wounded.", "Amina Diallo", "Ministry of the Interior", "leader_of"),
    ("Morocco condemned the blast. Moroccan King Mohammed said the attack would not go "
     "unpunished.", "Mohammed", "Morocco", "leader_of"),
    ("Iraq's prime minister, Haider al-Abadi, visited Mosul.", "Haider al-Abadi", "Iraq",
     "leader_of"),
    # a relative pronoun stands for the noun its clause modifies
    ("Mali is in turmoil. French troops, whom the fighters of Ansar Dine are trying to "
     "drive out of Mali, have been there since 2013.", "French troops", "Ansar Dine",
     "adversary_of"),
    # a group acting in a "where" clause on a place
    ("The blast hit Kismayo, the port city where al-Shabaab still collects taxes.",
     "al-Shabaab", "Kismayo", "operates_in"),
    # the kind of offshoot before a group noun; the holder in apposition after the body
    ("Jamaat-ul-Ahrar is a splinter group of the Pakistani Taliban.", "Jamaat-ul-Ahrar",
     "Pakistani Taliban", "splinter_of"),
    ("The attack was claimed by the Kenyan branch of al-Shabaab, Jaysh Ayman.",
     "Jaysh Ayman", "al-Shabaab", "affiliate_of"),
    ("Police arrested the leader of al-Shabaab, Ahmed Diriye, in 2020.",
     "Ahmed Diriye", "al-Shabaab", "leader_of"),
    ("Islamic State-affiliated Abu Sayyaf fighters raided the village.", "Abu Sayyaf",
     "Islamic State", "affiliate_of"),
    ("The Joint Task Force Sulu kept up the pressure on the Abu Sayyaf.",
     "Joint Task Force Sulu", "Abu Sayyaf", "adversary_of"),
    # an armed group based somewhere operates there too
    ("The Mai-Mai Yakutumba, a militia based in South Kivu, claimed it.",
     "Mai-Mai Yakutumba", "South Kivu", "operates_in"),
    ("Kenya is on alert. The Kenya-based militia Jaish al-Adl denied it.", "Jaish al-Adl",
     "Kenya", "based_in"),
    # a body named by its head noun alone; each name listed after a plural role noun
    ("The Kenya Human Rights Commission said 20 died. Commission head Amina Odhiambo said "
     "the toll would rise.", "Amina Odhiambo", "Kenya Human Rights Commission", "leader_of"),
    ("The army named al-Shabaab commanders Ahmed Iman, Ali Dhere and Mahad Karate as the "
     "suspects.", "Mahad Karate", "al-Shabaab", "member_of"),
    # "pro-X": the side a group takes
    ("Police said the men recruited for the pro-Islamic State Katiba Macina group.",
     "Katiba Macina", "Islamic State", "allied_with"),
    # a place naming an act of war: where the group that did it operates
    ("The Kismayo siege by al-Shabaab lasted five months.", "al-Shabaab", "Kismayo",
     "operates_in"),
    ("The Kismayo bombing was claimed by al-Shabaab.", "al-Shabaab", "Kismayo",
     "operates_in"),
    # an armed group that is a body's wing or unit
    ("The Sudanese Communist Party said the party's armed wing, the Revolutionary Brigade, "
     "would fight on.", "Revolutionary Brigade", "Sudanese Communist Party", "affiliate_of"),
    # a state owning a place word under a locative preposition
    ("Mali is on alert. Ansar Dine fighters remain in Mali's north.", "Ansar Dine", "Mali",
     "operates_in"),
    # a state owning a group's name; a place that is "home to" a group
    ("Somalia is at war. Somalia's al-Shabaab rejected the deal.", "al-Shabaab", "Somalia",
     "operates_in"),
    ("Troops entered the Kunar valley, home to Islamic State fighters.", "Islamic State",
     "Kunar", "operates_in"),
    # the object of "ordered", "instructed" does what the complement says
    ("The president has ordered the Kenya Defence Forces to crush al-Shabaab.",
     "Kenya Defence Forces", "al-Shabaab", "adversary_of"),
    # the state that leads a coalition named after it shares its enemies
    ("France sent jets. The French-led coalition against the Islamic State struck Raqqa.",
     "France", "Islamic State", "adversary_of"),
    # "government forces": the state named before, as "the government" is
    ("Nigeria says the war is won. Boko Haram fighters ambushed government forces near "
     "Maiduguri.", "Nigeria", "Boko Haram", "adversary_of"),
    # joining, serving in, fighting for a group
    ("Omar Bakri went to Libya in 2015 and joined Islamic State.", "Omar Bakri",
     "Islamic State", "member_of"),
    ("Mohammed Faiz left Somalia after he had fought for al-Shabaab for two years.",
     "Mohammed Faiz", "al-Shabaab", "member_of"),
    # a leader noun held "for" a region is a member's role
    ("Abu Walid was named as the emir of the Islamic State for the Sahel.", "Abu Walid",
     "Islamic State", "member_of"),
    # a state's demonym on a group noun in apposition to the group's name
    ("Mali is on alert. Police blamed Ansar Dine, a Malian jihadist group.", "Ansar Dine",
     "Mali", "operates_in"),
])
def test_ordinary_phrasings_of_a_tie(text, a, b, predicate):
    record = record_of(text)
    assert predicate in ties(record, a, b), record.relations


# --- training end to end -------------------------------------------------------------

@pytest.fixture
def annotated_shared(tmp_path, samples_dir):
    """A `../shared`-shaped folder: 3 sample articles in dev/, 6 in train/."""
    golds = sorted(ANNOTATED.glob("*.gold.json"))
    assert len(golds) >= 9
    for k, gold in enumerate(golds):
        name = gold.name.removesuffix(".gold.json")
        folder = tmp_path / "shared" / ("dev" if k < 3 else "train")
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(gold, folder / gold.name)
        shutil.copy(samples_dir / f"{name}.txt", folder / f"{name}.txt")
    return tmp_path / "shared"


def test_dossier_train_runs_end_to_end(annotated_shared, tmp_path):
    pytest.importorskip("sklearn")
    out = tmp_path / "model"
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, [
        "train", "--shared", str(annotated_shared), "--annotations", str(tmp_path / "none"),
        "--folds", "3", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["data"]["scored_texts"] == 9 and report["data"]["dev_texts"] == 3
    assert report["data"]["positive_candidates"] > 0
    assert 0 < report["ceiling"]["within_reach"] <= 1
    assert set(report["ceiling"]["causes"]) >= {"within reach", "entity missed"}
    for system in ("rules", "learned"):
        assert 0 <= report["cross_validated"][system]["relations"]["f1"] <= 1
    assert report["dev"]["texts"] == 3
    card = json.loads((out / CARD_NAME).read_text("utf-8"))
    model = read_model(out / MODEL_NAME)
    assert card["model"]["sha256"] == model.digest
    assert model.classes[0] == "none" or "none" in model.classes
    assert card["model"]["training_texts"] == 6  # dev/ is held out of the shipped fit
    # The entity type model is trained in the same run, before the relation model.
    types = json.loads((out / TYPE_CARD_NAME).read_text("utf-8"))
    type_model = read_model(out / entity_typing.MODEL_NAME)
    assert types["model"]["sha256"] == type_model.digest
    assert types["data"]["training_texts"] == 6 and types["data"]["judged_entities"] > 0
    for system in ("rules", "learned"):
        assert 0 < types["cross_validated"][system]["entities_typed"]["f1"] <= 1
    assert report["entity_types"]["model"]["sha256"] == type_model.digest
    # The trained model runs on a text it did not see, deterministically.
    doc = load_nlp()("Boko Haram fighters attacked Maiduguri, the army said.")
    antecedents = resolver(doc, entities_of(doc))
    from dossier.extract.relations.learned import featurize
    from dossier.vocabulary import load as load_vocabulary
    rows = featurize(doc, candidates(doc, antecedents), load_vocabulary().lexicons, [])
    probabilities = model.probabilities(rows)
    assert np.isfinite(probabilities).all()
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert np.array_equal(probabilities, model.probabilities(rows))


# --- the entity type model -------------------------------------------------------------

def test_the_shipped_type_model_loads_offline_and_matches_its_card():
    model = entity_typing.shipped()
    assert model is not None, "no entity type model in the package"
    card = json.loads(MODELS.joinpath(TYPE_CARD_NAME).read_text("utf-8"))
    raw = MODELS.joinpath(entity_typing.MODEL_NAME).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == card["model"]["sha256"] == model.digest
    assert len(raw) == card["model"]["bytes"]
    assert set(model.classes) == set(schema.load().entity_types) | {entity_typing.SPURIOUS}
    assert model.threshold == card["model"]["threshold"] == card["cross_validated"]["threshold"]
    words = MODELS.joinpath("ENTITY_TYPES.md").read_text("utf-8")
    assert card["model"]["sha256"][:16] in words
    for system in ("rules", "learned"):
        f1 = card["cross_validated"][system]["entities_typed"]["f1"]
        assert f"{f1:.2f}" in words, (system, f1)
    assert card["cross_validated"]["learned"]["entities_typed"]["f1"] \
        > card["cross_validated"]["rules"]["entities_typed"]["f1"]


def test_the_type_model_never_touches_a_gazetteer_match_and_only_corrects_the_rest():
    text = ("Al-Shabaab fighters attacked a base near Mogadishu on Monday, and the Taliban "
            "condemned the raid. Police spokesman Abdi Nur said the attackers fled.")
    doc = load_nlp()(text)
    rules = entities_of(doc, checked=False)
    checked = entities_of(doc)
    by_id = {e.id: e for e in rules}
    for entity in checked:
        original = by_id[entity.id]  # the model removes or retypes; it never invents
        assert entity.name == original.name and entity.mentions == original.mentions
        if original.kb_id is not None:
            assert entity.type == original.type
    kept = {e.id for e in checked}
    assert all(e.id in kept for e in rules if e.kb_id is not None)
    named = {e.name for e in checked}
    assert {"Al-Shabaab", "Taliban", "Mogadishu", "Abdi Nur"} <= named, named


def test_type_model_decisions_follow_its_thresholds():
    """Retype at the model's threshold, leave out "spurious" only at the higher one,
    never make a state."""
    classes = ("person", "place", "state", entity_typing.SPURIOUS)
    model = LinearModel(classes, np.zeros((4, 1)), np.zeros(4), np.zeros(0), np.zeros(0),
                        0.4, digest="0" * 64)
    drop_at = entity_typing.SPURIOUS_THRESHOLD
    rows = np.array([[0.5, 0.3, 0.0, 0.2],   # person at 0.5: retype
                     [0.3, 0.35, 0.0, 0.35],  # best below 0.4: keep the rules' type
                     [0.1, 0.4, 0.0, drop_at - 0.05],  # spurious below its threshold: keep
                     [0.1, 0.1, 0.8, 0.0],    # state: never given
                     [0.0, 0.0, 0.0, 1.0]])   # spurious: leave out
    assert entity_typing.decide(model, rows, 0.4, drop_at) \
        == ["person", None, None, None, entity_typing.SPURIOUS]
