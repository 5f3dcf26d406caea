"""Where an entity operates or is based: its area statements placed on a map."""
from __future__ import annotations

from dossier.geo import locate
from dossier.store.base import Store

AREA_SECTIONS = ("operates_in", "based_in")
"""The profile sections whose other side is a place (see ``RELATION_SECTIONS``)."""


def places(store: Store, groups: list[dict]) -> dict:
    """The places of a profile's areas of operation (``groups`` as
    :func:`dossier.query.profiles.profile_page` builds them), each with its point
    (gazetteer, else GeoNames cities: :func:`dossier.geo.locate`) and the
    statements behind it; places with no known point are listed apart."""
    rows: dict[int, dict] = {}
    for group in groups:
        for part in group["parts"]:
            if part["key"] not in AREA_SECTIONS:
                continue
            for fact in part["facts"]:
                place = rows.setdefault(fact["other"]["id"], {
                    "id": fact["other"]["id"], "name": fact["other"]["name"],
                    "statements": [], "stories": 0})
                place["statements"].append({**fact, "relation": part["title"]})
                place["stories"] += fact["stories"]
    known = {e.id: e for e, _ in store.all_entities(ids=set(rows))}
    located, unlocated = [], []
    for place in rows.values():
        entity = known.get(place["id"])
        point = locate(place["name"], entity.kb_id if entity else None)
        if point is None:
            unlocated.append(place)
            continue
        located.append({**place, "lat": point.lat, "lon": point.lon,
                        "precision": point.precision, "iso2": point.iso2})
    return {"places": located, "unlocated": unlocated}
