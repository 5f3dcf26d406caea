"""Graph and exports over a multi-article corpus, each read back by its consumer library."""
from __future__ import annotations

import json

import networkx as nx
import pandas as pd
import pytest
import stix2

from dossier import query
from dossier.batch.ingest import ingest
from dossier.errors import ExportError
from dossier.export import FORMATS, export
from dossier.graph import build_graph, holds_at
from dossier.store import open_store


@pytest.fixture(scope="module")
def kb(tmp_path_factory, samples_dir):
    """The bundled samples plus the shared dev texts, when present, in one store."""
    from conftest import DEV

    path = tmp_path_factory.mktemp("kb") / "kb.db"
    store = open_store(f"sqlite:///{path}")
    sources = [str(samples_dir)] + ([str(DEV)] if DEV.exists() else [])
    report = ingest(sources, store)
    assert report.stored
    yield store
    store.close()


def test_graph_nodes_and_edges(kb):
    graph = build_graph(kb)
    iskp = query.find(kb, "ISKP")[0].id
    assert graph.nodes[iskp]["type"] == "armed_group"
    predicates = {d["predicate"] for _, _, d in graph.edges(iskp, data=True)}
    assert {"operates_in", "affiliate_of"} <= predicates
    assert all(d["sources"] >= 1 for _, _, d in graph.edges(data=True))


def test_graph_around_keeps_the_neighbourhood(kb):
    iskp = query.find(kb, "ISKP")[0].id
    near = build_graph(kb, around=iskp, depth=1)
    assert iskp in near and 1 < near.number_of_nodes() < build_graph(kb).number_of_nodes()


@pytest.mark.parametrize("depth, as_of", [(1, None), (2, None), (2, "2022")])
def test_neighbourhood_walked_in_the_store_is_the_ego_graph(kb, depth, as_of):
    """The ring-by-ring walk gives what cutting the whole graph would: the same
    nodes and the same edges with the same attributes."""
    whole = build_graph(kb, as_of=as_of)
    for name in ("ISKP", "Taliban"):
        center = query.find(kb, name)[0].id
        near = build_graph(kb, around=center, depth=depth, as_of=as_of)
        keep = nx.ego_graph(whole.to_undirected(as_view=True), center, radius=depth).nodes
        cut = whole.subgraph(keep)
        assert dict(near.nodes(data=True)) == dict(cut.nodes(data=True))
        assert sorted(near.edges(keys=True, data=True), key=repr) == \
            sorted(cut.edges(keys=True, data=True), key=repr)
        assert near.number_of_edges() > 0


def test_edges_sum_their_sources(kb):
    """An edge's summary (count, dates, hedging, evidence) agrees with its sources."""
    rows = {a["id"]: a for a in kb.assertion_rows("relation")}
    for _, _, key, d in build_graph(kb).edges(keys=True, data=True):
        srcs = rows[key]["sources"]
        reports = sorted(s["report_time"] for s in srcs if s["report_time"])
        assert d["sources"] == len(srcs)
        # Undated sources only (no publication date, no year in the text): no dates.
        assert (d["first_reported"], d["last_reported"]) == \
            ((reports[0], reports[-1]) if reports else ("", ""))
        assert d["hedged"] == all(s["hedged"] for s in srcs)
        assert d["evidence"] == srcs[0]["evidence"]


@pytest.mark.parametrize("assertion, as_of, expected", [
    ({"valid_from": "2020", "sources": []}, "2019", (False, "valid")),
    ({"valid_from": "2020", "sources": []}, "2021", (True, "valid")),
    ({"valid_from": None, "sources": [{"report_time": "2021-08-30"}]}, "2021", (True, "report")),
    ({"valid_from": None, "sources": [{"report_time": "2021-08-30"}]}, "2020", (False, "report")),
    ({"valid_from": None, "sources": [{"report_time": None}]}, "2020", (False, "none")),
])
def test_holds_at(assertion, as_of, expected):
    assert holds_at(assertion, as_of) == expected


def test_graph_as_of_drops_later_ties(kb):
    assert build_graph(kb, as_of="2015").number_of_edges() < build_graph(kb).number_of_edges()


def test_graphml_and_gexf_read_back(kb, tmp_path):
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        path = tmp_path / f"kb.{fmt}"
        export(kb, fmt, path)
        graph = reader(path)
        assert graph.number_of_edges() == build_graph(kb).number_of_edges()
        types = {d["type"] for _, d in graph.nodes(data=True)}
        assert {"armed_group", "person", "state"} <= types
        edge = next(iter(graph.edges(data=True)))[2]
        assert {"predicate", "sources", "first_reported", "since"} <= set(edge)


def test_csv_tables_read_by_pandas(kb, tmp_path):
    written = export(kb, "csv", tmp_path / "tables")
    names = {p.name for p in written}
    assert names == {"entities.csv", "relations.csv", "claims.csv", "events.csv", "quotes.csv",
                     "sources.csv"}
    entities = pd.read_csv(tmp_path / "tables" / "entities.csv")
    relations = pd.read_csv(tmp_path / "tables" / "relations.csv")
    sources = pd.read_csv(tmp_path / "tables" / "sources.csv")
    assert set(relations["subject_id"]) <= set(entities["id"])
    assert set(relations["assertion_id"]) <= set(sources["assertion_id"])
    assert (sources["evidence"].str.len() > 0).all()


def test_jsonl_lines_parse(kb, tmp_path):
    path = tmp_path / "kb.jsonl"
    export(kb, "jsonl", path)
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    kinds = {r["record"] for r in records}
    assert kinds == {"entity", "assertion"}
    assert all(r["sources"] for r in records if r["record"] == "assertion")


def test_stix_bundle_parses(kb, tmp_path):
    path = tmp_path / "kb.json"
    export(kb, "stix", path)
    parsed = stix2.parse(path.read_text("utf-8"), allow_custom=False)
    types = {o.type for o in parsed.objects}
    assert {"threat-actor", "identity", "location", "relationship"} <= types
    iskp = next(o for o in parsed.objects if o.type == "threat-actor"
                and "ISKP" in (o.get("aliases") or []))
    rels = [o for o in parsed.objects if o.type == "relationship" and o.source_ref == iskp.id]
    assert rels and all(o.external_references and 0 <= o.confidence <= 100 for o in rels)


def test_stix_ids_are_stable(kb, tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    export(kb, "stix", a)
    export(kb, "stix", b)
    ids = [{o["id"] for o in json.loads(p.read_text("utf-8"))["objects"]} for p in (a, b)]
    assert ids[0] == ids[1]


def test_unknown_format_is_a_clear_error(kb, tmp_path):
    with pytest.raises(ExportError) as info:
        export(kb, "xls", tmp_path / "x")
    assert "xls" in str(info.value) and all(f in str(info.value) for f in FORMATS)


def test_corpus_resolves_across_documents(kb):
    """The samples' "ISKP" and the seed's "ISIS-K" are one group, with sources from both."""
    from conftest import DEV

    iskp = query.find(kb, "ISKP")
    assert len(iskp) == 1 and iskp == query.find(kb, "Islamic State Khorasan Province")
    docs = query.profile(kb, iskp[0]).documents
    assert len(docs) >= 2
    if DEV.exists():
        assert iskp == query.find(kb, "ISIS-K")
        assert any("seed-isis-k-kabul" in (d.source or "") for d in docs)
    multi = [a for a in kb.assertion_rows("relation") if len(a["sources"]) > 1]
    assert multi and all(len({s["document_id"] for s in a["sources"]}) >= 1 for a in multi)


def test_corpus_briefing_and_as_of(kb):
    from dossier.brief import briefing, to_markdown

    iskp = query.find(kb, "ISKP")[0]
    text = to_markdown(briefing(kb, iskp))
    assert "## Strength estimates" in text and "## Sources" in text
    before = query.profile(kb, iskp, as_of="2014")
    assert not [a for a in before.assertions if a["kind"] == "claim"]
    assert [a for a in query.profile(kb, iskp, as_of="2025").assertions if a["kind"] == "claim"]
