"""Agreement and conflict across documents: one assertion with many sources, and
contradictions kept side by side and flagged."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from dossier import query
from conftest import store_of_articles
from dossier.cli import app
from dossier.conflicts import find_conflicts

ARTICLES = {
    "a.txt": "Brigades ally\n\nSEVILLE, March 3, 2020 — The Red Hand Brigades have allied "
             "with the Popular Resistance Front, a spokesman said. The Red Hand Brigades have "
             "about 500 fighters, analysts said. Omar Haddad, the leader of the Red Hand "
             "Brigades, spoke on Monday.",
    "b.txt": "Brigades clash\n\nSEVILLE, June 9, 2020 — The Red Hand Brigades attacked the "
             "Popular Resistance Front near the port. The Red Hand Brigades have about 5,000 "
             "fighters, officials said. Karim Nasser, the leader of the Red Hand Brigades, "
             "denied it.",
    "c.txt": "Brigades again\n\nSEVILLE, July 1, 2020 — Omar Haddad, the leader of the Red "
             "Hand Brigades, was seen in the city.",
}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s, url = store_of_articles(tmp_path_factory, ARTICLES)
    yield s, url
    s.close()


def test_agreeing_sources_make_one_assertion(store):
    s, _ = store
    group = query.find(s, "Red Hand Brigades")[0]
    leads = [a for a in s.assertion_rows("relation")
             if a["predicate"] == "leader_of" and a["object_id"] == group.id
             and s.entity(a["subject_id"]).name == "Omar Haddad"]
    assert len(leads) == 1
    assert len(leads[0]["sources"]) == 2
    assert {src["report_time"] for src in leads[0]["sources"]} == {"2020-03-03", "2020-07-01"}


@pytest.mark.parametrize("kind", ["ties", "leaders", "strength"])
def test_contradictions_are_flagged_and_kept(store, kind):
    s, _ = store
    group = query.find(s, "Red Hand Brigades")[0]
    found = [c for c in find_conflicts(s, group.id) if c.kind == kind]
    assert found, [c.summary for c in find_conflicts(s)]
    assert len(found[0].assertions) >= 2
    assert all(a["sources"] for a in found[0].assertions)


def test_no_conflict_for_an_unrelated_entity(store):
    s, _ = store
    seville = query.find(s, "Seville")
    assert seville and find_conflicts(s, seville[0].id) == []


def test_conflicts_command(store):
    _, url = store
    result = CliRunner().invoke(app, ["conflicts", "Red Hand Brigades", "--db", url],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "allied and adversaries" in result.stdout
    assert "Karim Nasser" in result.stdout and "Omar Haddad" in result.stdout


def test_graph_and_export_commands(store, tmp_path):
    _, url = store
    runner = CliRunner()
    result = runner.invoke(app, ["graph", "--around", "Red Hand Brigades", "--db", url],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "leader_of" in result.stdout
    out = tmp_path / "kb.stix.json"
    result = runner.invoke(app, ["export", str(out), "--format", "stix", "--db", url])
    assert result.exit_code == 0 and out.exists()
    result = runner.invoke(app, ["export", str(out), "--format", "pdf", "--db", url])
    assert result.exit_code != 0 and "unknown export format" in result.stderr


def test_profile_as_of_keeps_what_was_reported_by_then(store):
    s, url = store
    group = query.find(s, "Red Hand Brigades")[0]
    predicates = {a["predicate"] for a in query.profile(s, group, as_of="2020-04").assertions
                  if a["kind"] == "relation"}
    assert "allied_with" in predicates and "adversary_of" not in predicates
    later = {a["predicate"] for a in query.profile(s, group, as_of="2020-12").assertions
             if a["kind"] == "relation"}
    assert {"allied_with", "adversary_of"} <= later
    result = CliRunner().invoke(app, ["show", "Red Hand Brigades", "--as-of", "2020-04",
                                      "--db", url], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "allies" in result.stdout and "adversaries" not in result.stdout
