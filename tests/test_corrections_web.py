"""Corrections from the browser and the API: merge two entities, split an alias off,
mark a statement wrong, undo. The same records as the CLI writes, re-applied after
reprocessing; writes need the token; a real `dossier serve` in headless Chromium."""
from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from conftest import store_of_articles
from dossier import query
from dossier.batch.ingest import ingest, reprocess
from dossier.cli import app as cli
from dossier.store import open_store
from dossier.web.app import create_app
from test_web import CHROMIUM, SCREENSHOTS, TOKEN, _launch, serving

# One group under two names no rule joins: "hilal" is Arabic for crescent.
ARTICLES = {
    "a.txt": "Front allies\n\nLATAKIA, March 3, 2019 — The Crescent Liberation Front has about "
             "500 fighters, local officials said. The Crescent Liberation Front has allied with "
             "the Tartus Martyrs Brigade.",
    "b.txt": "Front grows\n\nLATAKIA, May 9, 2021 — The Hilal Front now has more than 2,000 "
             "fighters, officials said. The Hilal Front has allied with the Coastal Shield "
             "Brigade.",
}
# "AFP": the army one text abbreviates so, and the news agency another cites.
AMBIGUOUS = {
    "d.txt": "Clash in Sulu\n\nJOLO, July 4, 2021 — Soldiers of the Armed Forces of the "
             "Philippines (AFP) clashed with gunmen near Jolo, the AFP said.",
    "e.txt": "Port closed\n\nMANILA, July 5, 2021 — The port was closed after a storm, AFP "
             "reported.",
}
AUTH = {"Authorization": f"Bearer {TOKEN}"}
WRITES = [("/api/corrections/merge", {"into": "Crescent Liberation Front", "other": "Hilal Front"}),
          ("/api/corrections/split", {"entity": "Crescent Liberation Front",
                                      "alias": "Crescent Liberation Front"}),
          ("/api/corrections/reject", {"assertion": 1}),
          ("/api/corrections/1/undo", None)]


@pytest.fixture
def kb(tmp_path_factory):
    """A SQLite store of ARTICLES: (store, url)."""
    store, url = store_of_articles(tmp_path_factory, ARTICLES)
    yield store, url
    store.close()


@pytest.fixture
def api(kb):
    return TestClient(create_app(kb[1], token=TOKEN, ingest_rate=100))


def one(store, name: str) -> int:
    found = query.find(store, name)
    assert len(found) == 1, found
    return found[0].id


def tie(facts: list[dict], other: str) -> dict | None:
    """The allied_with fact whose other side is ``other``."""
    return next((f for f in facts if f["kind"] == "relation" and f["predicate"] == "allied_with"
                 and other in (f["subject"], f["object"])), None)


def edges(client, entity_id: int) -> set[frozenset[int]]:
    """The pairs the graph around an entity joins."""
    data = client.get("/api/graph", params={"around": entity_id}).json()
    return {frozenset((e["from"], e["to"])) for e in data["edges"]}


# Store: statements marked wrong, on every backend.

def test_reject_is_kept_hidden_and_reapplied_after_reprocess_and_merge(store, tmp_path):
    for name, body in ARTICLES.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    assert len(ingest([str(tmp_path)], store).stored) == 2
    front, tartus = one(store, "Crescent Liberation Front"), one(store, "Tartus Martyrs Brigade")
    hilal = one(store, "Hilal Front")
    wrong = next(a for a in store.assertion_rows("relation") if a["object_id"] == tartus)
    correction = store.reject(wrong["id"], "a rumour")
    with pytest.raises(Exception, match="marked wrong already"):
        store.reject(wrong["id"])

    def hidden() -> bool:
        return (all(a["object_id"] != tartus for a in store.assertion_rows())
                and all(r["object_id"] != tartus for r in store.relation_summaries())
                and all(a["object_id"] != tartus for a in store.entity_assertions(front))
                and all(w["kind"] != "relation" for w in store.source_weights(
                    {a["id"] for a in store.assertion_rows(touching={front})} | {wrong["id"]})))

    assert hidden()
    kept = store.statement(wrong["id"])  # still stored, and says what hides it
    assert kept["object_id"] == tartus and kept["rejected"] == correction
    listed = store.corrections()[-1]
    assert listed["action"] == "reject" and listed["note"] == "a rumour"
    assert listed["statement"]["object_id"] == tartus
    reprocess(store)
    rebuilt = store.corrections()[-1]["statement"]
    assert rebuilt["id"] != wrong["id"] and rebuilt["rejected"] == correction
    assert hidden()
    # A merge changes the identity of the merged entity's statements; a rejection
    # of one of them follows it.
    coastal = one(store, "Coastal Shield Brigade")
    hilal_tie = next(a for a in store.assertion_rows("relation") if a["object_id"] == coastal)
    store.reject(hilal_tie["id"])
    store.merge(front, hilal)
    reprocess(store)
    assert all(coastal not in (a["subject_id"], a["object_id"]) for a in store.assertion_rows())
    assert store.undo_correction(correction)["action"] == "reject"
    assert any(a["object_id"] == tartus for a in store.entity_assertions(front))


def test_corrections_table_migrates_with_its_rows(backend_url, tmp_path):
    """A store made before rejections: its corrections are kept, and a reject that
    names no entity fits."""
    store = open_store(backend_url)
    serial = "SERIAL" if store.engine.dialect.name == "postgresql" else "INTEGER"
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE corrections"))
        conn.execute(text(
            f"CREATE TABLE corrections (id {serial} NOT NULL PRIMARY KEY, action VARCHAR(20) "
            "NOT NULL, entity_id INTEGER NOT NULL, other_id INTEGER NOT NULL, alias_key TEXT, "
            "note TEXT, undone BOOLEAN NOT NULL, created_at TIMESTAMP NOT NULL)"))
        conn.execute(text("INSERT INTO corrections VALUES (7, 'merge', 1, 2, NULL, 'old', "
                          "FALSE, '2024-01-02 03:04:05')"))
        conn.execute(text("DELETE FROM schema_migrations "
                          "WHERE name = '0012_statement_rejections'"))
    store.close()
    store = open_store(backend_url)
    with store.engine.connect() as conn:
        columns = {c["name"]: c for c in inspect(conn).get_columns("corrections")}
        conn.execute(text("INSERT INTO corrections (action, entity_id, other_id, identity, "
                          "note, undone, created_at) VALUES ('reject', NULL, NULL, 'x', '', "
                          "FALSE, '2024-01-03 00:00:00')"))
    assert columns["entity_id"]["nullable"] and {"identity", "assertion_id"} <= set(columns)
    [old] = store.corrections()
    assert (old["id"], old["action"], old["entity_id"], old["other_id"], old["note"]) == \
        (7, "merge", 1, 2, "old")
    store.close()


# The API: who may write.

@pytest.mark.parametrize("path, body", WRITES)
def test_writes_need_the_token(api, kb, path, body):
    assert api.post(path, json=body).status_code == 401
    wrong = api.post(path, json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    read_only = TestClient(create_app(kb[1], token=None))
    refused = read_only.post(path, json=body, headers=AUTH)
    assert refused.status_code == 401 and "read-only" in refused.json()["detail"]
    assert api.get("/api/corrections").json() == []  # nothing was written
    assert len(query.find(kb[0], "Hilal Front")) == 1


def test_writes_are_rate_limited_like_ingest(kb):
    client = TestClient(create_app(kb[1], token=TOKEN, ingest_rate=1))
    body = {"into": "Crescent Liberation Front", "other": "Hilal Front"}
    assert client.post("/api/corrections/merge", json=body, headers=AUTH).status_code == 201
    again = client.post("/api/corrections/1/undo", headers=AUTH)
    assert again.status_code == 429 and int(again.headers["retry-after"]) >= 1


# The API: merge, split, reject, undo.

def test_merge_shows_on_the_profile_and_undo_restores_both(api, kb):
    store = kb[0]
    front, hilal = one(store, "Crescent Liberation Front"), one(store, "Hilal Front")
    made = api.post("/api/corrections/merge", headers=AUTH, json={
        "into": "Crescent Liberation Front", "other": str(hilal), "note": "hilal is crescent"})
    assert made.status_code == 201
    assert made.json()["into"] == {"id": front, "name": "Crescent Liberation Front"}
    profile = api.get(f"/api/entity/{front}").json()
    assert {"Crescent Liberation Front", "Hilal Front"} <= set(profile["aliases"])
    assert tie(profile["facts"], "Coastal Shield Brigade") is not None
    assert [e["id"] for e in api.get("/api/search", params={"q": "Hilal Front"})
            .json()["entities"]] == [front]
    again = api.post("/api/corrections/merge", headers=AUTH,
                     json={"into": front, "other": hilal})
    assert again.status_code == 409 and "merged into" in again.json()["detail"]

    undone = api.post(f"/api/corrections/{made.json()['correction']}/undo", headers=AUTH)
    assert undone.status_code == 200 and undone.json() == {
        "correction": made.json()["correction"], "action": "merge", "rebuilt": True}
    profile = api.get(f"/api/entity/{front}").json()
    assert "Hilal Front" not in profile["aliases"]
    assert tie(profile["facts"], "Coastal Shield Brigade") is None
    assert one(store, "Hilal Front") == hilal
    restored = api.get(f"/api/entity/{hilal}").json()
    assert restored["aliases"] == ["Hilal Front"]
    assert tie(restored["facts"], "Coastal Shield Brigade") is not None
    [listed] = api.get("/api/corrections").json()
    assert listed["undone"] and listed["summary"] == \
        "Hilal Front merged into Crescent Liberation Front"
    assert api.post(f"/api/corrections/{listed['id']}/undo", headers=AUTH).status_code == 409
    assert api.post("/api/corrections/99/undo", headers=AUTH).status_code == 404


def test_merge_names_must_name_one_entity(tmp_path_factory):
    store, url = store_of_articles(tmp_path_factory, AMBIGUOUS)
    client = TestClient(create_app(url, token=TOKEN, ingest_rate=100))
    both = query.find(store, "AFP")
    assert len(both) == 2
    answer = client.post("/api/corrections/merge", headers=AUTH,
                         json={"into": "AFP", "other": "Jolo"})
    assert answer.status_code == 409
    assert "ambiguous" in answer.json()["detail"]
    assert all(f"id {e.id}" in answer.json()["detail"] for e in both)
    unknown = client.post("/api/corrections/merge", headers=AUTH,
                          json={"into": "Jolo", "other": "Manilla"})
    assert unknown.status_code == 404 and "Manila" in unknown.json()["detail"]
    assert client.get("/api/corrections").json() == []
    store.close()


def test_split_through_the_api_and_undo(api, kb):
    store = kb[0]
    front, hilal = one(store, "Crescent Liberation Front"), one(store, "Hilal Front")
    store.merge(front, hilal)
    refused = api.post("/api/corrections/split", headers=AUTH,
                       json={"entity": front, "alias": "Tartus Martyrs Brigade"})
    assert refused.status_code == 422 and "no alias" in refused.json()["detail"]
    made = api.post("/api/corrections/split", headers=AUTH,
                    json={"entity": "Crescent Liberation Front", "alias": "Hilal Front"})
    assert made.status_code == 201
    new = made.json()["new_entity"]
    assert new["name"] == "Hilal Front" and new["id"] not in (front, hilal)
    assert "Hilal Front" not in api.get(f"/api/entity/{front}").json()["aliases"]
    reprocess(store)
    assert one(store, "Hilal Front") == new["id"]
    assert tie(api.get(f"/api/entity/{new['id']}").json()["facts"], "Coastal Shield Brigade")
    undone = api.post(f"/api/corrections/{made.json()['correction']}/undo", headers=AUTH)
    assert undone.status_code == 200 and undone.json()["rebuilt"]
    assert one(store, "Hilal Front") == front
    assert tie(api.get(f"/api/entity/{front}").json()["facts"], "Coastal Shield Brigade")


def test_reject_hides_a_statement_until_undone_even_after_reprocess(api, kb):
    store, url = kb
    front, tartus = one(store, "Crescent Liberation Front"), one(store, "Tartus Martyrs Brigade")
    fact = tie(api.get(f"/api/entity/{front}").json()["facts"], "Tartus Martyrs Brigade")
    assert frozenset((front, tartus)) in edges(api, front)
    made = api.post("/api/corrections/reject", headers=AUTH,
                    json={"assertion": fact["id"], "note": "no such alliance"})
    assert made.status_code == 201
    assert made.json()["summary"] == \
        "Crescent Liberation Front allied with Tartus Martyrs Brigade"
    assert api.post("/api/corrections/reject", headers=AUTH,
                    json={"assertion": fact["id"]}).status_code == 409
    assert api.post("/api/corrections/reject", headers=AUTH,
                    json={"assertion": 10**6}).status_code == 404

    def gone() -> bool:
        return (tie(api.get(f"/api/entity/{front}").json()["facts"], "Tartus Martyrs Brigade")
                is None and frozenset((front, tartus)) not in edges(api, front))

    assert gone()
    [listed] = api.get("/api/corrections").json()
    assert listed["action"] == "reject" and listed["assertion_id"] == fact["id"]
    assert listed["statement"]["summary"] == made.json()["summary"]
    shown = CliRunner().invoke(cli, ["corrections", "--db", url], env={"COLUMNS": "250"})
    assert shown.exit_code == 0
    assert "reject" in shown.stdout and "allied with Tartus Martyrs Brigade" in shown.stdout
    reprocess(store)
    assert gone()
    assert api.get("/api/corrections").json()[0]["statement"]["id"] != fact["id"]
    undone = api.post(f"/api/corrections/{listed['id']}/undo", headers=AUTH)
    assert undone.status_code == 200 and undone.json()["rebuilt"] is False
    assert not gone()


def test_cli_reject_writes_what_the_api_lists(api, kb):
    store, url = kb
    runner = CliRunner()
    shown = runner.invoke(cli, ["show", "Hilal Front", "--json", "--db", url])
    [profile] = json.loads(shown.stdout)
    claim = next(f for f in profile["facts"] if f["kind"] == "claim")
    made = runner.invoke(cli, ["reject", str(claim["id"]), "--note", "figure disputed",
                               "--db", url], env={"COLUMNS": "200"})
    assert made.exit_code == 0, made.output
    assert "Hilal Front: strength more than 2,000" in made.stdout
    [listed] = api.get("/api/corrections").json()
    assert (listed["action"], listed["assertion_id"], listed["note"]) == \
        ("reject", claim["id"], "figure disputed")
    assert "correction 1" in made.stdout
    facts = api.get(f"/api/entity/{one(store, 'Hilal Front')}").json()["facts"]
    assert all(f["kind"] != "claim" for f in facts)
    assert runner.invoke(cli, ["reject", str(claim["id"]), "--db", url]).exit_code != 0
    undone = runner.invoke(cli, ["undo", "1", "--db", url])
    assert undone.exit_code == 0 and "rebuilt" not in undone.stdout
    assert api.get("/api/corrections").json()[0]["undone"]


def test_corrections_page_lists_and_offers_forms_only_when_writable(api, kb):
    store = kb[0]
    store.merge(one(store, "Crescent Liberation Front"), one(store, "Hilal Front"), "<b>same</b>")
    page = api.get("/corrections").text
    assert "Hilal Front merged into Crescent Liberation Front" in page
    assert "&lt;b&gt;same&lt;/b&gt;" in page and 'data-undo="1"' in page
    assert 'id="merge-form"' in page and "/static/corrections.js" in page and "<noscript>" in page
    read_only = TestClient(create_app(kb[1], token=None)).get("/corrections").text
    assert "Hilal Front merged into" in read_only
    assert "merge-form" not in read_only and "corrections.js" not in read_only
    assert "data-undo" not in read_only


# A real server and a real browser.

@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed")
def test_browser_merge_then_mark_a_statement_wrong(kb):
    """Type the token, merge on /corrections, see the other's alias on the profile;
    mark a statement wrong there and see it gone after a reload."""
    from playwright.sync_api import sync_playwright

    store, url = kb
    front = one(store, "Crescent Liberation Front")
    SCREENSHOTS.mkdir(exist_ok=True)
    with serving(url, TOKEN) as base, sync_playwright() as p:
        browser = _launch(p)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + "/corrections")
        merge = page.locator("#merge-form")
        merge.locator("input[name=into]").fill("Crescent Liberation Front")
        merge.locator("input[name=other]").fill("Hilal Front")
        merge.locator("button[type=submit]").click()  # no token yet
        page.wait_for_selector("#correction-status:has-text('Refused (401)')")
        errors.clear()  # the browser logs that refusal
        page.fill("#correction-token", TOKEN)
        merge.locator("button[type=submit]").click()
        page.wait_for_selector("#correction-status:has-text('Merged Hilal Front into')")
        page.wait_for_selector("#corrections tr[data-correction='1'] button[data-undo]")
        assert page.evaluate("() => document.cookie") == ""
        assert page.evaluate("() => sessionStorage.getItem('dossier.token')") == TOKEN

        page.click("#correction-status a")
        page.wait_for_url(f"**/entity/{front}")
        assert "Hilal Front" in page.inner_text("#aliases")
        assert page.locator("[data-assertion] .correction-wrong").count() >= 2
        statement = page.locator("[data-assertion]", has_text="Tartus Martyrs Brigade").first
        statement.locator(".correction-wrong").click()
        statement.locator(".correction-confirm button", has_text="mark wrong").click()
        page.wait_for_selector(".correction-done:has-text('Marked wrong')")
        assert not statement.is_visible()
        page.screenshot(path=str(SCREENSHOTS / "corrections-profile.png"), full_page=True)
        page.reload()
        page.wait_for_selector("#name")
        assert page.locator("[data-assertion]", has_text="Tartus Martyrs Brigade").count() == 0
        assert page.locator("[data-assertion]", has_text="Coastal Shield Brigade").count() == 1
        # The profile's own controls: split the alias off, then merge it back.
        page.click(".correction-tools button:has-text('split alias')")
        page.wait_for_selector(".correction-inline select option[value='Hilal Front']",
                               state="attached")
        page.select_option(".correction-inline select", "Hilal Front")
        page.click(".correction-inline button:has-text('Split')")
        page.wait_for_selector(".correction-status:has-text('Split Hilal Front off as')")
        page.click(".correction-status a")
        page.wait_for_selector("#name:has-text('Hilal Front')")
        page.click(".correction-tools button:has-text('merge into')")
        page.fill(".correction-inline input[name=into]", "Crescent Liberation Front")
        page.click(".correction-inline button:has-text('Merge')")
        page.wait_for_url(f"**/entity/{front}")
        assert "Hilal Front" in page.inner_text("#aliases")
        listed = httpx.get(base + "/api/corrections").json()
        assert [c["action"] for c in listed] == ["merge", "reject", "split", "merge"]
        page.goto(base + "/corrections")
        page.wait_for_selector("#corrections tr[data-correction='4']")
        page.screenshot(path=str(SCREENSHOTS / "corrections.png"), full_page=True)
        assert not errors, errors
        browser.close()
