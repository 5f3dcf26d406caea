"""STIX 2.1 that threat-intelligence platforms import as intended, checked by the
reference tools: the OASIS validator (stix2-validator) and the stix2 library."""
from __future__ import annotations

import json
import re
import uuid

import pytest
import stix2
from stix2validator import ValidationOptions, validate_file
from typer.testing import CliRunner

from dossier import geo, query, vocabulary
from dossier.batch.ingest import ingest, reprocess
from dossier.cli import app
from dossier.errors import ExportError
from dossier.export import export, neighbourhood
from dossier.export.stix import relationship_types
from dossier.store import open_store

TLP_CLEAR = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
TLP_AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
LEFT_ON_PURPOSE = {"202"}  # OpenCTI's 'cooperates-with' and 'part-of' are not STIX suggestions


@pytest.fixture(scope="module")
def kb(tmp_path_factory, samples_dir):
    """The bundled samples plus the shared dev texts, when present, in one store."""
    from conftest import DEV

    url = f"sqlite:///{tmp_path_factory.mktemp('stix') / 'kb.db'}"
    store = open_store(url)
    assert ingest([str(samples_dir)] + ([str(DEV)] if DEV.exists() else []), store).stored
    yield store
    store.close()


@pytest.fixture(scope="module")
def exported(kb, tmp_path_factory):
    path = tmp_path_factory.mktemp("bundle") / "kb.stix.json"
    export(kb, "stix", path)
    return path


@pytest.fixture(scope="module")
def bundle(exported):
    return stix2.parse(exported.read_text("utf-8"), allow_custom=False)


def _of(bundle, kind: str) -> list:
    return [o for o in bundle.objects if o.type == kind]


def test_the_oasis_validator_finds_no_errors_and_only_the_listed_warnings(exported):
    result = validate_file(str(exported), ValidationOptions(version="2.1"))
    errors = [str(e) for r in result.object_results for e in r.errors]
    warnings = [str(w) for r in result.object_results for w in r.warnings]
    assert result.is_valid and not errors, errors[:5]
    codes = {re.search(r"\{(\d+)\}", w).group(1) for w in warnings}
    assert codes <= LEFT_ON_PURPOSE, warnings[:5]
    assert all("'cooperates-with'" in w or "'part-of'" in w for w in warnings)


def test_relationship_types_platforms_understand(bundle, kb):
    mapping = relationship_types()
    allowed = {t for choice in mapping.values()
               for t in ([choice] if isinstance(choice, str) else choice.values())}
    relationships = _of(bundle, "relationship")
    assert relationships and {r.relationship_type for r in relationships} <= allowed
    by_id = {o.id: o for o in bundle.objects}
    for r in relationships:
        assert r.dossier_predicate in mapping
        if r.dossier_predicate in ("operates_in", "based_in"):
            assert r.relationship_type == "located-at"
            assert by_id[r.target_ref].type == "location"
    assert {"located-at"} <= {r.relationship_type for r in relationships}
    extension = _of(bundle, "extension-definition")[0]
    assert all(extension.id in r.extensions for r in relationships)
    iskp = next(o for o in _of(bundle, "threat-actor") if "ISKP" in (o.get("aliases") or []))
    kinds = vocabulary.load().entries[query.find(kb, "ISKP")[0].kb_id].kinds
    assert kinds and list(iskp.threat_actor_types) == list(kinds)


def test_locations_use_iso_codes_region_ov_and_points(bundle):
    regions = set(vocabulary.read_settings("stix.yaml")["regions"])
    locations = _of(bundle, "location")
    assert locations
    for place in locations:
        assert place.get("country") is None or re.fullmatch(r"[A-Z]{2}", place.country)
        assert place.get("region") is None or place.region in regions
    afghanistan = next(p for p in locations if p.name == "Afghanistan")
    assert afghanistan.country == "AF" and afghanistan.region == "southern-asia"
    assert geo.locate("Kabul") and any(p.name == "Kabul" and "latitude" in p
                                       for p in locations)


def test_provenance_in_stix_terms(bundle, kb):
    producer = next(o for o in _of(bundle, "identity") if o.identity_class == "system")
    assert producer.name == "Dossier"
    for o in bundle.objects:
        if o.type != "marking-definition":
            assert o.object_marking_refs == [TLP_CLEAR]
        if o.type != "marking-definition" and o.id != producer.id:
            assert o.created_by_ref == producer.id, o.id
    reports = _of(bundle, "report")
    rows = {d.id: d for d in kb.document_rows({r.external_references[0].external_id
                                               for r in reports})}
    for report in reports:
        doc = rows[report.external_references[0].external_id]
        if doc.published:  # the publication date, not the export time
            assert report.published.strftime("%Y-%m-%d") == doc.published
    # every relationship is in a report, with its evidence sentences
    referenced = {ref for r in reports for ref in r.object_refs}
    sentences = {s["evidence"][:1000] for a in kb.assertion_rows("relation")
                 for s in a["sources"]}
    for r in _of(bundle, "relationship"):
        assert r.id in referenced
        assert r.external_references and all(e.description in sentences
                                              for e in r.external_references)
        assert r.created <= r.modified


def test_ids_are_uuid4_and_kept_across_exports_and_reprocessing(kb, bundle, tmp_path):
    ids = {o.id for o in bundle.objects if o.type != "marking-definition"}
    assert all(uuid.UUID(i.split("--")[1]).version == 4 for i in ids)
    again = tmp_path / "again.json"
    export(kb, "stix", again)
    assert {o["id"] for o in json.loads(again.read_text("utf-8"))["objects"]
            if o["type"] != "marking-definition"} == ids
    reprocess(kb)
    after = tmp_path / "after.json"
    export(kb, "stix", after)
    relationships = {o["id"] for o in json.loads(after.read_text("utf-8"))["objects"]
                     if o["type"] == "relationship"}
    before = {o.id for o in _of(bundle, "relationship")}
    assert len(relationships & before) >= 0.9 * len(before)


def test_tlp_marking_is_chosen_by_flag(kb, tmp_path):
    path = tmp_path / "amber.json"
    export(kb, "stix", path, tlp="amber")
    parsed = stix2.parse(path.read_text("utf-8"), allow_custom=False)
    marking = _of(parsed, "marking-definition")[0]
    assert marking.id == TLP_AMBER and marking.name == "TLP:AMBER"
    assert all(o.object_marking_refs == [TLP_AMBER] for o in parsed.objects
               if o.type != "marking-definition")
    with pytest.raises(ExportError, match="unknown TLP level"):
        export(kb, "stix", tmp_path / "x.json", tlp="purple")


def test_cli_exports_a_neighbourhood_with_a_marking(kb, tmp_path):
    iskp = query.find(kb, "ISKP")[0]
    out = tmp_path / "iskp.json"
    result = CliRunner().invoke(app, ["export", str(out), "--format", "stix", "--around",
                                      "ISKP", "--tlp", "green", "--db", kb.url])
    assert result.exit_code == 0, result.output
    parsed = stix2.parse(out.read_text("utf-8"), allow_custom=False)
    names = {o.name for o in parsed.objects if o.type in ("threat-actor", "identity")}
    assert iskp.name in names
    near = neighbourhood(kb, iskp.id)
    assert len(_of(parsed, "threat-actor")) <= len(near)
    assert _of(parsed, "marking-definition")[0].name == "TLP:GREEN"


def test_the_browser_download_takes_the_marking(kb):
    from fastapi.testclient import TestClient

    from dossier.web.app import create_app

    client = TestClient(create_app(kb.url))
    red = client.get("/export/stix", params={"tlp": "red"})
    assert red.status_code == 200
    assert _of(stix2.parse(red.text, allow_custom=False),
               "marking-definition")[0].name == "TLP:RED"
    assert client.get("/export/stix", params={"tlp": "purple"}).status_code == 422
    assert 'name="tlp"' in client.get("/export").text
