"""Loads and validates the data files under ``dossier/vocab`` — their only reader.

Gazetteers (``armed_groups.yaml``, ``organizations.yaml``, ``states.yaml``,
``places.yaml``) become :class:`GazetteerEntry` rows, states and places with a
point (``lat``/``lon``) for a map and states with an ISO 3166-1 code (``iso2``)
for exports; armed groups with STIX 2.1 threat-actor types (``kind``) and states
with a STIX 2.1 region (``region``), both from the open vocabularies in
``stix.yaml``; ``shapes.yaml`` and ``entity_types.yaml`` become :class:`Shapes`.
A malformed file raises :class:`VocabularyError` naming the file and the key, at
first load.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process

from dossier import schema
from dossier.errors import VocabularyError
from dossier.model import ENTITY_TYPES

QUALIFIERS = (None, "around", "more than", "at least", "up to", "about")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

GAZETTEERS = {
    "armed_groups.yaml": ("armed_group", {"id", "name", "aliases", "parent", "country", "kind"}),
    "organizations.yaml": ("organization", {"id", "name", "aliases", "kind", "based_in"}),
    "states.yaml": ("state", {"id", "name", "iso2", "capital", "region", "aliases", "demonyms",
                              "lat", "lon"}),
    "places.yaml": ("place", {"id", "name", "aliases", "state", "lat", "lon"}),
}
_ISO2 = re.compile(r"[A-Z]{2}")
STIX_VOCABULARIES = {"threat_actor_types": "threat-actor-type-ov", "regions": "region-ov"}
"""The keys of ``vocab/stix.yaml`` → the STIX 2.1 open vocabulary each lists."""


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """The form two names are compared in: accents off, casefolded, words only.

    ``"Soufan. Group"``, ``"soufan group"`` and ``"Soufan Group"`` share a key;
    so do ``"al-Qaeda"`` and ``"Al Qaeda"``. A leading article and a trailing
    possessive are dropped.
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("’", "'")
    text = re.sub(r"'s\b", "", text)
    words = re.findall(r"[^\W_]+", text)
    if words and words[0] in ("the", "a", "an") and len(words) > 1:
        words = words[1:]
    # Initials spelt with dots read as one word: "U.S." is "us", "U.N." is "un".
    joined: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1:
            run.append(word)
            continue
        joined.extend(["".join(run)] if len(run) > 1 else run)
        run = []
        if word:
            joined.append(word)
    return " ".join(joined)


def acronym_of(words: list[str], shapes: "Shapes") -> set[str]:
    """Acronyms a multi-word name may go by: initials with and without small words."""
    if len(words) < 2:
        return set()
    all_initials = "".join(w[0] for w in words if w[:1].isalpha()).upper()
    content = "".join(w[0] for w in words
                      if w[:1].isalpha() and w.casefold() not in shapes.acronym_stopwords).upper()
    return {all_initials, content}


def is_acronym_text(text: str) -> bool:
    letters = re.sub(r"[.\-]", "", text)
    return 2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper()


@dataclass(frozen=True)
class GazetteerEntry:
    """One named thing the gazetteers know: its id, type, name and aliases.

    A state or place may have a point (``lat``, ``lon``: a representative point for
    a map marker, both or neither); a state its ISO 3166-1 alpha-2 code (``iso2``)
    and its UN M49 sub-region as a STIX 2.1 ``region-ov`` value (``region``). An
    armed group's ``kinds`` are STIX 2.1 ``threat-actor-type-ov`` values, the one
    that marks it more first (the YAML key is ``kind``; an organisation's ``kind``
    is one word of its own).
    """

    id: str
    type: str
    name: str
    aliases: tuple[str, ...]
    parent: str | None = None
    countries: tuple[str, ...] = ()
    kind: str | None = None
    based_in: str | None = None
    demonyms: tuple[str, ...] = ()
    state: str | None = None
    iso2: str | None = None
    capital: str | None = None
    region: str | None = None
    kinds: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Shapes:
    """Name shapes and word lists from ``shapes.yaml`` and ``entity_types.yaml``."""

    model_labels: dict[str, str]
    armed_group_heads: frozenset[str]
    armed_group_words: frozenset[str]
    armed_group_cues: tuple[str, ...]
    state_force_words: tuple[str, ...]
    state_forces: dict[str, tuple[str, ...]]
    person_titles: frozenset[str]
    not_entities: frozenset[str]
    acronym_stopwords: frozenset[str]
    name_suffixes: frozenset[str]
    post_nominals: frozenset[str]
    place_name_openers: frozenset[str]
    place_nouns_after: frozenset[str]
    surname_articles: frozenset[str]
    person_name_openers: frozenset[str]
    place_admin_words: frozenset[str]
    facility_nouns: frozenset[str]
    institution_heads: frozenset[str]
    portfolios: frozenset[str]
    region_words: frozenset[str]
    local_bodies: frozenset[str]
    local_body_tails: frozenset[str]
    mission_nouns: frozenset[str]  # "US Embassy": a state's mission, an organisation
    government_nouns: frozenset[str]  # "Washington's support": the capital is the state
    local_body_modifiers: frozenset[str]
    unit_heads: tuple[str, ...]
    faction_nouns: frozenset[str]
    generic_name_tails: frozenset[str]
    dangling_words: frozenset[str] = frozenset()
    cut_words: frozenset[str] = frozenset()
    name_part_variants: dict[str, str] = field(default_factory=dict)

    @cached_property
    def cue_last_words(self) -> frozenset[str]:
        """Last words of the armed-group cues, to rule tokens out quickly."""
        return frozenset(c.split()[-1] for c in self.armed_group_cues)

    def is_title(self, word: str) -> bool:
        """True for an honorific or rank, with or without its dot ("Gen.", "Mr")."""
        return word.rstrip(".") in self.person_titles

    def is_fragment(self, name: str) -> bool:
        """A name that is a piece of one: it ends in a conjunction, a preposition or
        an article ("Isnilon Hapilon and", "Government of the", "City of")."""
        words = name.split()
        return not words or words[-1].casefold() in self.dangling_words | self.cut_words

    @cached_property
    def longest_title(self) -> int:
        return max((len(t.split()) for t in self.person_titles), default=1)

    def without_article(self, surname: str) -> str | None:
        """A surname without the article joined to it ("al-Assad", "al Assad" →
        "Assad"), or None when it has none."""
        article, _, bare = surname.replace("-", " ", 1).partition(" ")
        return bare if bare and article.casefold() in self.surname_articles else None

    def strip_title(self, text: str) -> str:
        """A person's name without the titles before it, longest first ("Mr Clarke" →
        "Clarke", "Inspector-General of Police Tan Sri Mohamad Fuzi Harun" →
        "Mohamad Fuzi Harun"), and without what comes before its last title
        ("Victoria Police Chief Commissioner Graham Ashton" → "Graham Ashton"),
        and without letters after it ("Paul Sloan QC"); a lone title stays."""
        words = text.split()
        while len(words) > 2 and words[-1] in self.post_nominals:
            words.pop()
        cut = 0
        for end in range(1, len(words)):  # a title ending before the last word
            if any(self.is_title(" ".join(words[start:end]))
                   for start in range(max(0, end - self.longest_title), end)):
                cut = end
        return " ".join(words[cut:])

    def force_class(self, noun: str) -> str | None:
        """The state-force class ("ground", "special", ...) of a noun, if any."""
        noun = noun.casefold()
        for cls, nouns in self.state_forces.items():
            if noun in nouns:
                return cls
        return None


@dataclass(frozen=True)
class Lexicons:
    """Cue word lists for the extractors after entities (quotes, claims, relations, ...)."""

    reporting_verbs: frozenset[str]
    addressee_verbs: frozenset[str]  # their passive subject is spoken to: "was told"
    hedges: tuple[str, ...]
    pronouns: dict[str, tuple[str, ...]]
    pronoun_genders: dict[str, str]
    descriptions: dict[str, tuple[str, ...]]
    anonymous_speakers: frozenset[str]
    allegiance_words: frozenset[str]  # "militants loyal to X" stand for X
    strength_nouns: frozenset[str]
    qualifiers: dict[str, str | None]
    not_strength: frozenset[str]
    number_words: dict[str, tuple[int, int | None]]  # word → (min, max)
    count_verbs: frozenset[str]
    owner_verbs: frozenset[str]
    owner_links: dict[str, str]  # "belong" → "to": "fighters belong to X"
    event_nouns: frozenset[str]
    focus_event_nouns: frozenset[str]
    focus_event_verbs: frozenset[str]
    relations: dict[str, dict[str, tuple[str, ...]]]


PREDICATES = tuple(schema.load().predicates)


CLOSEST_REMEMBERED = 50_000
"""How many fuzzy gazetteer lookups a Vocabulary remembers."""


@dataclass
class Vocabulary:
    """Everything in ``dossier/vocab``, loaded once."""

    entries: dict[str, GazetteerEntry] = field(default_factory=dict)
    shapes: Shapes | None = None
    lexicons: Lexicons | None = None
    _spellings: dict[str, str] = field(default_factory=dict, repr=False)
    _entry_of_key: dict[str, str] = field(default_factory=dict, repr=False)
    _memo: dict[tuple, Any] = field(default_factory=dict, repr=False)  # derived, per instance
    _closest: dict[tuple[str, int], str | None] = field(default_factory=dict, repr=False)

    def by_type(self, type_: str) -> list[GazetteerEntry]:
        key = ("by_type", type_)
        if key not in self._memo:
            self._memo[key] = [e for e in self.entries.values() if e.type == type_]
        return self._memo[key]

    def closest_spelling(self, key: str, cutoff: int) -> str | None:
        """The gazetteer name key closest to ``key`` with a rapidfuzz ratio of at
        least ``cutoff``, if any (remembered: news repeats its names)."""
        if (key, cutoff) not in self._closest:
            if len(self._closest) >= CLOSEST_REMEMBERED:  # a bound on a long run's memory
                self._closest.clear()
            found = process.extractOne(key, self.spellings().keys(), scorer=fuzz.ratio,
                                       score_cutoff=cutoff)
            self._closest[key, cutoff] = found[0] if found else None
        return self._closest[key, cutoff]

    def spellings(self) -> dict[str, str]:
        """Name key of every gazetteer name and alias → its spelling in the gazetteer."""
        self._index()
        return self._spellings

    def entry_for_key(self, key: str) -> GazetteerEntry | None:
        """The entry a name key belongs to (the first listed, when several share it)."""
        self._index()
        entry_id = self._entry_of_key.get(key)
        return self.entries[entry_id] if entry_id else None

    def names_close(self, text: str, entry_id: str, cutoff: int) -> bool:
        """Whether ``text`` is one of the entry's names or a close spelling of one
        (rapidfuzz ratio of name keys at least ``cutoff``)."""
        entry = self.entries.get(entry_id)
        return entry is not None and process.extractOne(
            name_key(text), [name_key(n) for n in entry.all_names], scorer=fuzz.ratio,
            score_cutoff=cutoff) is not None

    def _index(self) -> None:
        if self._spellings:
            return
        for entry in self.entries.values():
            for form in entry.all_names:
                self._spellings.setdefault(name_key(form), form)
                self._entry_of_key.setdefault(name_key(form), entry.id)

    def demonym_index(self) -> dict[str, str]:
        """Name key of every state name, alias and demonym → state entry id."""
        if ("demonyms",) not in self._memo:
            index: dict[str, str] = {}
            for entry in self.by_type("state"):
                for form in (*entry.all_names, *entry.demonyms):
                    index.setdefault(name_key(form), entry.id)
            self._memo[("demonyms",)] = index
        return self._memo[("demonyms",)]

    def capital_index(self) -> dict[str, str]:
        """Name key of a state's capital → that state's entry id; capitals two states
        claim, and capitals named like a state, are left out."""
        if ("capitals",) not in self._memo:
            states = set(self.demonym_index())
            claimed: dict[str, set[str]] = {}
            for entry in self.by_type("state"):
                if entry.capital:
                    claimed.setdefault(name_key(entry.capital), set()).add(entry.id)
            self._memo[("capitals",)] = {key: next(iter(ids)) for key, ids in claimed.items()
                                         if len(ids) == 1 and key not in states}
        return self._memo[("capitals",)]


def _read_yaml(name: str, directory: Path | None = None) -> Any:
    path = (directory or resources.files("dossier.vocab")).joinpath(name)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except FileNotFoundError as exc:
        raise VocabularyError(f"vocab/{name}: file missing from the package") from exc
    except yaml.YAMLError as exc:
        raise VocabularyError(f"vocab/{name}: not valid YAML: {exc}") from exc


def _str_list(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise VocabularyError(f"{where}: expected a list of strings, got {value!r}")
    return tuple(v.strip() for v in value if v.strip())


def _point(row: dict, where: str) -> tuple[float | None, float | None]:
    """An entry's ``lat``/``lon``: both numbers in range, or both absent."""
    lat, lon = row.get("lat"), row.get("lon")
    if lat is None and lon is None:
        return None, None
    for key, value, bound in (("lat", lat, 90), ("lon", lon, 180)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not -bound <= value <= bound:
            raise VocabularyError(f"{where} ({row.get('id')}): '{key}' must be a number from "
                                  f"-{bound} to {bound}, with lat and lon given together; "
                                  f"got {value!r}")
    return float(lat), float(lon)


def _iso2(row: dict, where: str) -> str | None:
    code = row.get("iso2")
    if code is None or (isinstance(code, str) and _ISO2.fullmatch(code)):
        return code
    hint = " (quote it: YAML reads a bare NO as false)" if isinstance(code, bool) else ""
    raise VocabularyError(f"{where} ({row.get('id')}): 'iso2' must be two capital letters, "
                          f"got {code!r}{hint}")


def _kinds(row: dict, where: str, allowed: frozenset[str]) -> tuple[str, ...]:
    """An armed group's ``kind``: a list of STIX 2.1 threat-actor types."""
    kinds = _str_list(row.get("kind"), f"{where} ({row.get('id')}) kind")
    for kind in kinds:
        if kind not in allowed:
            raise VocabularyError(
                f"{where} ({row.get('id')}): 'kind' {kind!r} is not a STIX 2.1 threat-actor "
                f"type; use one of {', '.join(sorted(allowed))} "
                "(vocab/stix.yaml threat_actor_types)")
    return kinds


def _region(row: dict, where: str, allowed: frozenset[str]) -> str | None:
    region = row.get("region")
    if region is None or (isinstance(region, str) and region in allowed):
        return region
    raise VocabularyError(f"{where} ({row.get('id')}): 'region' must be a STIX 2.1 region "
                          f"(vocab/stix.yaml regions: the UN M49 sub-region, such as "
                          f"'southern-asia'), got {region!r}")


def _stix_vocabularies(directory: Path | None) -> dict[str, frozenset[str]]:
    """The open vocabularies of ``stix.yaml``, by key (``threat_actor_types``, ``regions``)."""
    data = read_settings("stix.yaml", directory)
    missing = sorted(set(STIX_VOCABULARIES) - set(data))
    if missing:
        raise VocabularyError(f"vocab/stix.yaml: missing key {missing[0]!r} (the STIX 2.1 "
                              f"{STIX_VOCABULARIES[missing[0]]} values)")
    return {key: frozenset(_str_list(data[key], f"vocab/stix.yaml {key}"))
            for key in STIX_VOCABULARIES}


def _load_gazetteer(name: str, type_: str, allowed: set[str], directory: Path | None,
                    stix: dict[str, frozenset[str]]) -> list[GazetteerEntry]:
    data = _read_yaml(name, directory)
    if not isinstance(data, list):
        raise VocabularyError(f"vocab/{name}: expected a list of entries")
    out = []
    for n, row in enumerate(data, 1):
        where = f"vocab/{name} entry {n}"
        if not isinstance(row, dict):
            raise VocabularyError(f"{where}: expected a mapping, got {row!r}")
        unknown = set(row) - allowed
        if unknown:
            raise VocabularyError(f"{where} ({row.get('id')}): unknown keys {sorted(unknown)}")
        for key in ("id", "name"):
            if not isinstance(row.get(key), str) or not row[key].strip():
                raise VocabularyError(f"{where}: missing or empty '{key}'")
        lat, lon = _point(row, where)
        # An armed group's kind is a list of STIX threat-actor types, an organisation's one word.
        group = type_ == "armed_group"
        out.append(GazetteerEntry(
            id=row["id"], type=type_, name=row["name"].strip(),
            aliases=_str_list(row.get("aliases"), f"{where} aliases"),
            parent=row.get("parent"), countries=_str_list(row.get("country"), f"{where} country"),
            kind=None if group else row.get("kind"), based_in=row.get("based_in"),
            demonyms=_str_list(row.get("demonyms"), f"{where} demonyms"), state=row.get("state"),
            iso2=_iso2(row, where), capital=row.get("capital"),
            region=_region(row, where, stix["regions"]),
            kinds=_kinds(row, where, stix["threat_actor_types"]) if group else (),
            lat=lat, lon=lon))
    return out


def _read_lines(name: str, directory: Path | None) -> tuple[str, ...]:
    path = (directory or resources.files("dossier.vocab")).joinpath(name)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise VocabularyError(f"vocab/{name}: file missing from the package") from exc
    return tuple(line.strip().casefold() for line in text.splitlines()
                 if line.strip() and not line.lstrip().startswith("#"))


def _type_map(value: Any, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise VocabularyError(f"{where}: expected a mapping of word to entity types")
    out = {}
    for word, types in value.items():
        types = _str_list(types, f"{where}.{word}")
        unknown = set(types) - set(ENTITY_TYPES)
        if unknown:
            raise VocabularyError(f"{where}.{word}: unknown entity types {sorted(unknown)}")
        out[str(word).casefold()] = types
    return out


def _number_range(value: Any, where: str) -> tuple[int, int | None]:
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], int) \
            and (value[1] is None or isinstance(value[1], int)):
        return value[0], value[1]
    raise VocabularyError(f"{where}: expected [min, max] with max an integer or null")


def _load_lexicons(directory: Path | None) -> Lexicons:
    reference = _read_yaml("reference.yaml", directory)
    strength = _read_yaml("strength.yaml", directory)
    relations = _read_yaml("relations.yaml", directory)
    events = _read_yaml("events.yaml", directory)
    try:
        unknown = set(relations) - set(PREDICATES)
        if unknown:
            raise VocabularyError(f"vocab/relations.yaml: unknown predicates {sorted(unknown)}")
        cues = {pred: {kind: tuple(w.casefold() for w in _str_list(
                    words, f"vocab/relations.yaml {pred}.{kind}"))
                       for kind, words in block.items()}
                for pred, block in relations.items()}
        qualifiers = {str(k).casefold(): v for k, v in strength["qualifiers"].items()}
        bad = {v for v in qualifiers.values() if v not in QUALIFIERS}
        if bad:
            raise VocabularyError(f"vocab/strength.yaml qualifiers: unknown values {sorted(bad)}")
        return Lexicons(
            reporting_verbs=frozenset(_read_lines("reporting_verbs.txt", directory)),
            addressee_verbs=frozenset(_str_list(reference["addressee_verbs"],
                                                "vocab/reference.yaml addressee_verbs")),
            hedges=_read_lines("hedges.txt", directory),
            pronouns=_type_map(reference["pronouns"], "vocab/reference.yaml pronouns"),
            pronoun_genders={str(k).casefold(): str(v)
                             for k, v in reference["pronoun_genders"].items()},
            descriptions=_type_map(reference["descriptions"], "vocab/reference.yaml descriptions"),
            anonymous_speakers=frozenset(_str_list(reference["anonymous_speakers"],
                                                   "vocab/reference.yaml anonymous_speakers")),
            allegiance_words=frozenset(_str_list(reference["allegiance_words"],
                                                 "vocab/reference.yaml allegiance_words")),
            strength_nouns=frozenset(_str_list(strength["nouns"], "vocab/strength.yaml nouns")),
            qualifiers=qualifiers,
            not_strength=frozenset(_str_list(strength["not_strength"],
                                             "vocab/strength.yaml not_strength")),
            number_words={str(k).casefold(): _number_range(v, f"vocab/strength.yaml numbers.{k}")
                          for k, v in strength["numbers"].items()},
            count_verbs=frozenset(_str_list(strength["count_verbs"],
                                            "vocab/strength.yaml count_verbs")),
            owner_verbs=frozenset(_str_list(strength["owner_verbs"],
                                            "vocab/strength.yaml owner_verbs")),
            owner_links={str(k).casefold(): str(v).casefold()
                         for k, v in strength["owner_links"].items()},
            event_nouns=frozenset(_str_list(events["event_nouns"], "vocab/events.yaml")),
            focus_event_nouns=frozenset(_str_list(events["focus_nouns"],
                                                  "vocab/events.yaml focus_nouns")),
            focus_event_verbs=frozenset(_str_list(events["focus_verbs"],
                                                  "vocab/events.yaml focus_verbs")),
            relations=cues,
        )
    except KeyError as exc:
        raise VocabularyError(f"vocab: missing key {exc} in reference.yaml, strength.yaml, "
                              "relations.yaml or events.yaml") from exc


def _load_shapes(directory: Path | None) -> Shapes:
    types = _read_yaml("entity_types.yaml", directory)
    shapes = _read_yaml("shapes.yaml", directory)
    where = "vocab/shapes.yaml"
    try:
        labels = dict(types["model_labels"])
        for label, type_ in labels.items():
            if type_ not in types["types"]:
                raise VocabularyError(f"vocab/entity_types.yaml model_labels.{label}: "
                                      f"unknown type {type_!r}")
        forces = {cls: tuple(n.casefold() for n in _str_list(nouns, f"{where} state_forces.{cls}"))
                  for cls, nouns in shapes["state_forces"].items()}
        return Shapes(
            model_labels=labels,
            armed_group_heads=frozenset(_str_list(shapes["armed_group_heads"], where)),
            armed_group_words=frozenset(_str_list(shapes["armed_group_words"], where)),
            armed_group_cues=_str_list(shapes["armed_group_cues"], where),
            state_force_words=_str_list(shapes["state_force_words"], where),
            state_forces=forces,
            person_titles=frozenset(
                t.rstrip(".") for t in _str_list(shapes["person_titles"], where)),
            not_entities=frozenset(_str_list(shapes["not_entities"], where)),
            acronym_stopwords=frozenset(_str_list(shapes["acronym_stopwords"], where)),
            name_suffixes=frozenset(_str_list(shapes["name_suffixes"], where)),
            post_nominals=frozenset(_str_list(shapes["post_nominals"], where)),
            place_name_openers=frozenset(_str_list(shapes["place_name_openers"], where)),
            place_nouns_after=frozenset(_str_list(shapes["place_nouns_after"], where)),
            surname_articles=frozenset(_str_list(shapes["surname_articles"], where)),
            person_name_openers=frozenset(_str_list(shapes["person_name_openers"], where)),
            place_admin_words=frozenset(_str_list(shapes["place_admin_words"], where)),
            facility_nouns=frozenset(_str_list(shapes["facility_nouns"], where)),
            institution_heads=frozenset(_str_list(shapes["institution_heads"], where)),
            portfolios=frozenset(_str_list(shapes["portfolios"], where)),
            region_words=frozenset(_str_list(shapes["region_words"], where)),
            local_bodies=frozenset(_str_list(shapes["local_bodies"], where)),
            local_body_tails=frozenset(_str_list(shapes["local_body_tails"], where)),
            mission_nouns=frozenset(_str_list(shapes["mission_nouns"], where)),
            government_nouns=frozenset(_str_list(shapes["government_nouns"], where)),
            local_body_modifiers=frozenset(_str_list(shapes["local_body_modifiers"], where)),
            unit_heads=_str_list(shapes["unit_heads"], where),
            faction_nouns=frozenset(_str_list(shapes["faction_nouns"], where)),
            generic_name_tails=frozenset(_str_list(shapes["generic_name_tails"], where)),
            dangling_words=frozenset(_str_list(shapes["dangling_words"], where)),
            cut_words=frozenset(_str_list(shapes["cut_words"], where)),
            name_part_variants={str(k).casefold(): str(v).casefold() for k, v in
                                shapes["name_part_variants"].items()},
        )
    except KeyError as exc:
        raise VocabularyError(f"{where}: missing key {exc}") from exc


@lru_cache(maxsize=1)
def load() -> Vocabulary:
    """The vocabulary shipped in the package, loaded and validated once."""
    return load_from(None)


def load_from(directory: Path | None) -> Vocabulary:
    """Load and validate the vocabulary files in ``directory`` (None: the package's)."""
    vocab = Vocabulary()
    stix = _stix_vocabularies(directory)
    for name, (type_, allowed) in GAZETTEERS.items():
        for entry in _load_gazetteer(name, type_, allowed, directory, stix):
            if entry.id in vocab.entries:
                raise VocabularyError(f"vocab/{name}: id {entry.id!r} used twice")
            vocab.entries[entry.id] = entry
    codes: dict[str, str] = {}
    for entry in vocab.entries.values():
        if entry.iso2 and codes.setdefault(entry.iso2, entry.id) != entry.id:
            raise VocabularyError(f"vocab/states.yaml: iso2 {entry.iso2!r} given to both "
                                  f"{codes[entry.iso2]!r} and {entry.id!r}")
        if entry.parent and entry.parent not in vocab.entries:
            raise VocabularyError(f"vocab/armed_groups.yaml: {entry.id}.parent names unknown "
                                  f"id {entry.parent!r}")
    vocab.shapes = _load_shapes(directory)
    vocab.lexicons = _load_lexicons(directory)
    return vocab


@lru_cache(maxsize=None)
def read_settings(name: str, directory: Path | None = None) -> dict[str, Any]:
    """A vocabulary file of named settings (``confidence.yaml``, ``stix.yaml``).

    directory: the folder to read it from; None (the default) reads the package's.
    """
    data = _read_yaml(name, directory)
    if not isinstance(data, dict):
        raise VocabularyError(f"vocab/{name}: expected a mapping")
    return data


def read_word_lists(name: str) -> dict[str, tuple[str, ...]]:
    """A vocabulary file of named word lists (``conflicts.yaml``), validated."""
    return {key: _str_list(words, f"vocab/{name} {key}")
            for key, words in read_settings(name).items()}
