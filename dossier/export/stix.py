"""STIX 2.1: a bundle that threat-intelligence platforms (OpenCTI, MISP) import as
intended.

* armed groups → ``threat-actor`` with their aliases, ``threat_actor_types`` from
  the gazetteer's ``kind`` where it knows the group, ``first_seen``/``last_seen``;
  persons → ``identity`` (individual); organisations → ``identity`` (organization);
* states and places → ``location`` with ``country`` as an ISO 3166-1 alpha-2
  code, ``region`` from ``region-ov`` (the state's UN M49 sub-region) and a point
  where one is known (:func:`dossier.geo.locate`); a place with none of the three
  cannot be a STIX location and is left out, with the relations to it;
* relations → ``relationship`` of the type ``vocab/stix.yaml`` gives each
  predicate (``located-at`` for areas of operation and bases, ``derived-from``
  for a splinter, ``part-of`` for a branch, ``cooperates-with`` for an alliance,
  ``related-to`` where STIX has nothing closer), the predicate itself kept in
  ``dossier_predicate``; ``start_time`` from ``since``, the combined confidence
  (0–100), the first evidence sentence as the description and every source
  sentence as an external reference;
* provenance: one ``identity`` for Dossier is every object's ``created_by_ref``;
  one ``report`` per source document (``published``: its publication date,
  else the date estimated from its text, else the day it was stored, the
  description saying which; ``object_refs``: what it supports; its URL or path
  in ``external_references``); ``created``/``modified`` are the first and last
  report time of what an object stands for (else when it was stored), never the
  export time; every object carries a TLP 2.0 marking (``--tlp``, CLEAR by default).

Ids are random UUIDv4, as STIX asks of domain and relationship objects, and kept
in the store (:mod:`dossier.store.stix_ids`): exporting again, even after a
reprocess, gives the same ids, so a platform updates what it imported. ``stix2``
is an optional dependency: ``pip install 'dossier[stix]'``.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from dossier import geo, vocabulary
from dossier.errors import ExportError
from dossier.query.profiles import combined_confidence
from dossier.store.base import Store

@lru_cache(maxsize=1)
def _settings() -> tuple[dict[str, str | dict[str, str]], dict[str, dict]]:
    """(predicate → relationship type, TLP level → marking definition) from
    ``vocab/stix.yaml``."""
    data = vocabulary.read_settings("stix.yaml")
    return dict(data["relationships"]), dict(data["tlp_markings"])


def tlp_levels() -> tuple[str, ...]:
    """The TLP 2.0 levels a bundle may be marked with (``vocab/stix.yaml``)."""
    return tuple(_settings()[1])


def relationship_types() -> dict[str, str | dict[str, str]]:
    """Each Dossier predicate and the STIX relationship type it is exported as."""
    return _settings()[0]


def _timestamp(value: str | datetime | None) -> datetime | None:
    """A date (YYYY, YYYY-MM or YYYY-MM-DD) or a stored time as a UTC timestamp."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=value.tzinfo or timezone.utc)
    parts = [int(p) for p in value.split("-")[:3]] + [1, 1]
    try:
        return datetime(parts[0], parts[1] or 1, parts[2] or 1, tzinfo=timezone.utc)
    except ValueError:
        return None


def _span(reported: list, stored: list) -> tuple[datetime, datetime]:
    """``created`` and ``modified``: the first and last report time, else the first
    and last time it was stored (STIX wants modified ≥ created)."""
    times = sorted(t for t in map(_timestamp, reported) if t) or sorted(
        t for t in map(_timestamp, stored) if t)
    return times[0], max(times[-1], times[0])


def bundle(store: Store, ids: set[int] | None = None, tlp: str = "clear"):
    """The STIX 2.1 bundle of the whole store, or of the entities ``ids`` and the
    relations among them."""
    try:
        import stix2
    except ImportError as exc:
        raise ExportError("STIX export needs stix2: pip install 'dossier[stix]'") from exc
    predicates, markings = _settings()
    if tlp not in markings:
        raise ExportError(f"unknown TLP level {tlp!r}: choose one of {', '.join(markings)}")
    marking = stix2.MarkingDefinition(allow_custom=True, **markings[tlp])
    entities = store.all_entities(ids=ids)
    spans = store.entity_spans({e.id for e, _ in entities})
    relations = store.assertion_rows("relation", touching=ids)
    known_ids = {e.id for e, _ in entities}
    relations = [a for a in relations
                 if a["subject_id"] in known_ids and a["object_id"] in known_ids]
    wanted = {"producer": "identity", "extension": "extension-definition"}
    wanted.update((f"entity:{e.id}", _sdo_type(e.type)) for e, _ in entities)
    wanted.update((f"assertion:{a['identity']}", "relationship") for a in relations)
    documents = {d.id: d for d in store.document_rows(
        {s["document_id"] for a in relations for s in a["sources"]})}
    wanted.update((f"document:{d}", "report") for d in documents)
    stix_id = store.stix_ids(wanted)

    stored = [d.ingested_at for d in documents.values()] + [
        t for span in spans.values() for t in span[2:]]
    since = min(stored) if stored else datetime.now(timezone.utc)
    producer = stix2.Identity(
        id=stix_id["producer"], name="Dossier", identity_class="system",
        description="Statements about armed groups read from news articles, each with "
                    "the sentences it came from.",
        created=_timestamp(since), modified=_timestamp(since),
        object_marking_refs=[marking.id])
    common = {"created_by_ref": producer.id, "object_marking_refs": [marking.id]}
    extension = stix2.ExtensionDefinition(
        id=stix_id["extension"], name="Dossier statement", version="1.0",
        description="The Dossier predicate a relationship stands for.",
        schema="A relationship exported by Dossier carries dossier_predicate: the "
               "predicate of the statement (EXTRACTION_SCHEMA.md: allied_with, "
               "adversary_of, affiliate_of, splinter_of, leader_of, member_of, "
               "works_for, operates_in, based_in), which its relationship_type "
               "stands for.",
        extension_types=["toplevel-property-extension"],
        extension_properties=["dossier_predicate"],
        created=_timestamp(since), modified=_timestamp(since), **common)
    statement = {"extensions": {extension.id: {
        "extension_type": "toplevel-property-extension"}}}

    objects, refs = [marking, producer, extension], {}
    entries = vocabulary.load().entries
    for entity, aliases in entities:
        first, last, first_stored, last_stored = spans.get(entity.id, (None, None, None, None))
        created, modified = _span([first, last], [first_stored, last_stored, since])
        entry = entries.get(entity.kb_id) if entity.kb_id else None
        obj = _entity_object(stix2, entity, aliases, entry, stix_id[f"entity:{entity.id}"],
                             reported=bool(first), created=created, modified=modified,
                             **common)
        if obj is None:
            continue
        refs[entity.id] = obj.id
        objects.append(obj)

    confidence = combined_confidence(store.source_weights({a["id"] for a in relations}))
    supports: dict[str, set[str]] = defaultdict(set)
    for a in relations:
        if a["subject_id"] not in refs or a["object_id"] not in refs:
            continue  # an end that cannot be a STIX object (a place with no known point)
        sources = a["sources"]
        created, modified = _span([s["report_time"] for s in sources],
                                  [documents[s["document_id"]].ingested_at for s in sources])
        words = a["predicate"].replace("_", " ")
        relationship = stix2.Relationship(
            id=stix_id[f"assertion:{a['identity']}"],
            relationship_type=_relationship_type(predicates[a["predicate"]],
                                                 refs[a["subject_id"]]),
            source_ref=refs[a["subject_id"]], target_ref=refs[a["object_id"]],
            start_time=_timestamp(a["valid_from"]), created=created, modified=modified,
            confidence=round(100 * confidence.get(a["id"], 0.0)),
            description=f"{words}: {sources[0]['evidence'][:1000]}",
            external_references=[_evidence_reference(s) for s in sources],
            dossier_predicate=a["predicate"], allow_custom=True, **statement, **common)
        objects.append(relationship)
        for s in sources:
            supports[s["document_id"]].update(
                (relationship.id, relationship.source_ref, relationship.target_ref))
    objects.extend(_reports(stix2, documents, supports, stix_id, common))
    return stix2.Bundle(objects=objects, allow_custom=True)


def _relationship_type(choice: str | dict[str, str], source_ref: str) -> str:
    """The relationship type for a source object: one type for every source, or
    one per source object type with ``other`` for the rest."""
    if isinstance(choice, str):
        return choice
    kind = source_ref.split("--", 1)[0]
    return choice.get(kind, choice["other"])


def _sdo_type(entity_type: str) -> str:
    return {"armed_group": "threat-actor", "person": "identity",
            "organization": "identity"}.get(entity_type, "location")


def _entity_object(stix2, entity, aliases: list[str], entry, object_id: str,
                   reported: bool, **common):
    """The STIX object of one entity, or None for a place STIX cannot locate.
    reported: its created/modified are report times (a group's first and last seen)."""
    others = [a for a in aliases if a != entity.name] or None
    if entity.type == "armed_group":
        kinds = list(entry.kinds) if entry is not None and entry.kinds else None
        seen = ({"first_seen": common["created"], "last_seen": common["modified"]}
                if reported else {})
        return stix2.ThreatActor(id=object_id, name=entity.name, aliases=others,
                                 threat_actor_types=kinds, **seen, **common)
    if entity.type in ("person", "organization"):
        return stix2.Identity(id=object_id, name=entity.name,
                              identity_class="individual" if entity.type == "person"
                              else "organization", **common)
    point = geo.locate(entity.name, entity.kb_id)
    country = point.iso2 if point is not None else (
        geo.iso2(entity.kb_id) if entity.kb_id else None)
    region = geo.region(country) if country else None
    where = {"country": country, "region": region}
    if point is not None:
        where.update(latitude=point.lat, longitude=point.lon)
    where = {k: v for k, v in where.items() if v is not None}
    if not where:
        return None
    return stix2.Location(id=object_id, name=entity.name, **where, **common)


def _evidence_reference(source: dict) -> dict:
    """One source sentence as an external reference: the sentence, where it is
    (document hash and character span), and the article's URL when it has one."""
    reference = {"source_name": "dossier",
                 "description": source["evidence"][:1000],
                 "external_id": f"{source['document_id']}:{source['span'][0]}-"
                                f"{source['span'][1]}"}
    if (source.get("document_source") or "").startswith(("http://", "https://")):
        reference["url"] = source["document_source"]
        reference["hashes"] = {"SHA-256": source["document_id"]}  # of the bytes read there
    return reference


def _reports(stix2, documents: dict, supports: dict[str, set[str]], stix_id: dict[str, str],
             common: dict) -> list:
    """One report per source document, tying it to the objects it supports."""
    reports = []
    for doc in (documents[d] for d in sorted(supports)):
        if doc.published:
            published, said = _timestamp(doc.published), "published"
        elif doc.published_estimate and _timestamp(doc.published_estimate):
            published, said = (_timestamp(doc.published_estimate),
                               "publication date estimated from the text")
        else:
            published, said = (_timestamp(doc.ingested_at),
                               "publication date unknown: the day Dossier stored it")
        reference = {"source_name": "dossier-document", "external_id": doc.id}
        if (doc.source or "").startswith(("http://", "https://")):
            reference["url"] = doc.source
            reference["hashes"] = {"SHA-256": doc.id}  # the document id: its bytes' SHA-256
        else:
            reference["description"] = doc.source or "uploaded text"
        reports.append(stix2.Report(
            id=stix_id[f"document:{doc.id}"], name=doc.title or doc.source or doc.id,
            description=f"A news article read by Dossier ({said}).",
            report_types=["threat-report"], published=published,
            created=published, modified=published,
            object_refs=sorted(supports[doc.id]), external_references=[reference],
            **common))
    return reports


def export(store: Store, path: Path, ids: set[int] | None = None,
           tlp: str = "clear") -> list[Path]:
    path.write_text(bundle(store, ids, tlp).serialize(pretty=True), encoding="utf-8")
    return [path]
