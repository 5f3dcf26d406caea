"""Vocabulary files: load, validate, cover the schema, and fail loudly when malformed."""
from __future__ import annotations

import re
import shutil
from importlib import resources
from pathlib import Path

import pytest

from dossier import vocabulary
from dossier.errors import VocabularyError
from dossier.model import ENTITY_TYPES
from dossier.vocabulary import name_key

SCHEMA = Path(__file__).resolve().parent.parent.parent / "shared" / "EXTRACTION_SCHEMA.md"


@pytest.fixture(scope="module")
def vocab():
    return vocabulary.load()


def test_armed_group_gazetteer_is_broad(vocab):
    groups = vocab.by_type("armed_group")
    assert len(groups) >= 150
    assert all(g.aliases or g.name for g in groups)


@pytest.mark.parametrize("alias", ["ISIS-K", "ISKP", "IS-K", "Islamic State Khorasan Province",
                                   "Islamic State – Khorasan"])
def test_isis_k_aliases_share_one_entry(vocab, alias):
    keys = {name_key(a): e.id for e in vocab.by_type("armed_group") for a in e.all_names}
    assert keys[name_key(alias)] == keys[name_key("ISKP")]


def test_quoted_organisations_present(vocab):
    keys = {name_key(a) for e in vocab.by_type("organization") for a in e.all_names}
    for name in ("Soufan Group", "Center for Strategic and International Studies",
                 "United Nations", "International Crisis Group"):
        assert name_key(name) in keys


def test_parents_exist(vocab):
    for entry in vocab.entries.values():
        assert entry.parent is None or entry.parent in vocab.entries


def test_entity_types_documented_in_schema(vocab):
    if not SCHEMA.exists():
        pytest.skip(f"schema not found at {SCHEMA}")
    documented = set(re.findall(r"^\| (\w+) \|", SCHEMA.read_text(), flags=re.M))
    assert set(ENTITY_TYPES) <= documented
    assert set(vocab.shapes.model_labels.values()) <= set(ENTITY_TYPES)


@pytest.mark.parametrize("text, key", [
    ("Soufan. Group", "soufan group"),
    ("al-Qaeda", "al qaeda"),
    ("The Taliban’s", "taliban"),
    ("U.S.", "us"),
    ("Mocímboa da Praia", "mocimboa da praia"),
])
def test_name_key(text, key):
    assert name_key(text) == key


def _copy_vocab(tmp_path: Path) -> Path:
    target = tmp_path / "vocab"
    shutil.copytree(str(resources.files("dossier").joinpath("vocab")), target)
    return target


@pytest.mark.parametrize("file, content, message", [
    ("states.yaml", "- id: x\n  name: X\n  iso2: af\n", "'iso2' must be two capital letters"),
    ("states.yaml", "- id: x\n  name: X\n  iso2: NO\n", "quote it"),
    ("states.yaml", "- id: x\n  name: X\n  iso2: AF\n- id: y\n  name: Y\n  iso2: AF\n",
     "iso2 'AF' given to both 'x' and 'y'"),
    ("places.yaml", "- id: x\n  name: X\n  lat: 95.0\n  lon: 10.0\n",
     "'lat' must be a number from -90 to 90"),
    ("places.yaml", "- id: x\n  name: X\n  lat: 10.0\n", "'lon' must be a number"),
    ("places.yaml", "- id: x\n  name: X\n  lat: 10.0\n  lon: east\n", "'lon' must be a number"),
    ("places.yaml", "- id: x\n  name: X\n  iso2: AF\n", "unknown keys ['iso2']"),
    ("armed_groups.yaml", "- id: x\n  name: X\n  colour: red\n", "unknown keys ['colour']"),
    ("armed_groups.yaml", "- id: x\n  aliases: [X]\n", "missing or empty 'name'"),
    ("armed_groups.yaml", "- id: x\n  name: X\n  parent: nowhere\n", "unknown id 'nowhere'"),
    ("states.yaml", "{not: a list}", "expected a list of entries"),
    ("places.yaml", "- id: x\n  name: [unclosed\n", "not valid YAML"),
    ("shapes.yaml", "armed_group_heads: [front]\n", "missing key"),
    ("armed_groups.yaml", "- id: x\n  name: X\n  kind: [terrorist, insurgent]\n",
     "entry 1 (x): 'kind' 'insurgent' is not a STIX 2.1 threat-actor type; use one of activist,"),
    ("armed_groups.yaml", "- id: x\n  name: X\n  kind: {a: b}\n",
     "(x) kind: expected a list of strings"),
    ("states.yaml", "- id: x\n  name: X\n  region: South Asia\n",
     "entry 1 (x): 'region' must be a STIX 2.1 region"),
    ("states.yaml", "- id: x\n  name: X\n  region: Asia\n", "got 'Asia'"),
    ("states.yaml", "- id: x\n  name: X\n  region: [southern-asia]\n",
     "got ['southern-asia']"),
    ("places.yaml", "- id: x\n  name: X\n  region: southern-asia\n", "unknown keys ['region']"),
    ("stix.yaml", "threat_actor_types: [terrorist]\n", "missing key 'regions'"),
])
def test_malformed_vocabulary_names_file_and_key(tmp_path, file, content, message):
    directory = _copy_vocab(tmp_path)
    (directory / file).write_text(content, encoding="utf-8")
    with pytest.raises(VocabularyError) as info:
        vocabulary.load_from(directory)
    assert message in str(info.value)
    assert f"vocab/{file}" in str(info.value)


def test_every_armed_group_has_one_or_two_kinds(vocab):
    """STIX 2.1 threat-actor types, each group's own judgement (armed_groups.yaml header)."""
    allowed = set(vocabulary.read_settings("stix.yaml")["threat_actor_types"])
    for group in vocab.by_type("armed_group"):
        assert 1 <= len(group.kinds) <= 2, group.id
        assert len(set(group.kinds)) == len(group.kinds), group.id
        assert set(group.kinds) <= allowed, group.id
    assert all(not e.kinds for e in vocab.entries.values() if e.type != "armed_group")


@pytest.mark.parametrize("group, kinds", [
    ("islamic_state", ("terrorist",)), ("provisional_ira", ("terrorist",)),
    ("pkk", ("activist", "terrorist")), ("hamas", ("terrorist", "activist")),
    ("kachin_independence_army", ("activist",)), ("wagner_group", ("nation-state",)),
    ("kataib_hezbollah", ("nation-state", "terrorist")), ("sinaloa_cartel", ("crime-syndicate",)),
    ("farc_dissidents", ("activist", "crime-syndicate")), ("grand_ravine_gang", ("criminal",)),
])
def test_armed_group_kinds(vocab, group, kinds):
    assert vocab.entries[group].kinds == kinds


def test_stix_vocabularies_are_the_standard_ones():
    """vocab/stix.yaml lists exactly the STIX 2.1 open vocabularies the stix2 library knows."""
    stix_vocab = pytest.importorskip("stix2.v21.vocab", reason="STIX is an extra: "
                                     "pip install 'dossier[stix]'")
    settings = vocabulary.read_settings("stix.yaml")
    assert sorted(settings["threat_actor_types"]) == sorted(stix_vocab.THREAT_ACTOR_TYPE)
    assert sorted(settings["regions"]) == sorted(stix_vocab.REGION)
