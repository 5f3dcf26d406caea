"""STIX 2.1: a bundle other threat-intelligence tools read.

* armed groups → ``threat-actor`` with their aliases;
* persons → ``identity`` (individual); organisations → ``identity`` (organization);
* states and places → ``location`` (a state's name goes in ``country``: the
  gazetteer carries no ISO codes yet; a place gives its name as ``region`` when
  no state is known);
* relations → ``relationship`` (predicate with hyphens, e.g. ``allied-with``),
  ``start_time`` from ``since``, ``confidence`` 0–100, and every source sentence
  as an external reference (document and evidence).

Object ids are derived from Dossier's own ids, so exporting twice gives the same
ids. ``stix2`` is an optional dependency: ``pip install 'dossier[stix]'``.
"""
from __future__ import annotations

import uuid
from pathlib import Path

from dossier.errors import ExportError
from dossier.store.base import Store

_NAMESPACE = uuid.UUID("5e0c6d1e-8f3a-4a6f-9d8e-3b1f2a7c9d40")


def _id(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(_NAMESPACE, key)}"


def _timestamp(date: str | None) -> str | None:
    if not date:
        return None
    parts = (date + "-01-01")[:10] if len(date) == 4 else (date + "-01")[:10]
    return f"{parts}T00:00:00Z"


def bundle(store: Store, ids: set[int] | None = None):
    """The STIX 2.1 bundle of the whole store, or of the entities ``ids``."""
    try:
        import stix2
    except ImportError as exc:
        raise ExportError("STIX export needs stix2: pip install 'dossier[stix]'") from exc
    objects = []
    refs: dict[int, str] = {}
    for entity, aliases in store.all_entities(ids=ids):
        others = [a for a in aliases if a != entity.name]
        key = f"entity:{entity.id}"
        if entity.type == "armed_group":
            obj = stix2.ThreatActor(id=_id("threat-actor", key), name=entity.name,
                                    aliases=others or None)
        elif entity.type in ("person", "organization"):
            obj = stix2.Identity(id=_id("identity", key), name=entity.name,
                                 identity_class="individual" if entity.type == "person"
                                 else "organization")
        elif entity.type == "state":
            obj = stix2.Location(id=_id("location", key), name=entity.name,
                                 country=entity.name)
        else:
            obj = stix2.Location(id=_id("location", key), name=entity.name,
                                 region=entity.name)
        refs[entity.id] = obj.id
        objects.append(obj)
    for a in store.assertion_rows("relation", touching=ids):
        if a["subject_id"] not in refs or a["object_id"] not in refs:
            continue
        confidence = max((s["confidence"] or 0.0) for s in a["sources"])
        objects.append(stix2.Relationship(
            id=_id("relationship", f"assertion:{a['id']}"),
            relationship_type=a["predicate"].replace("_", "-"),
            source_ref=refs[a["subject_id"]], target_ref=refs[a["object_id"]],
            start_time=_timestamp(a["valid_from"]),
            confidence=round(confidence * 100),
            description=a["sources"][0]["evidence"][:1000],
            external_references=[
                {"source_name": "dossier",
                 "description": s["evidence"][:1000],
                 "external_id": f"{s['document_id']}:{s['span'][0]}-{s['span'][1]}"}
                for s in a["sources"]]))
    return stix2.Bundle(objects=objects, allow_custom=False)


def export(store: Store, path: Path, ids: set[int] | None = None) -> list[Path]:
    path.write_text(bundle(store, ids).serialize(pretty=True), encoding="utf-8")
    return [path]
