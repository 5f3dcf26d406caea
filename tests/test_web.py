"""The web app: pages, JSON API, token-guarded ingest, escaping, and a real browser."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from dossier.batch.ingest import ingest
from dossier.store import open_store
from dossier.web.app import create_app

TOKEN = "test-token-7f3a"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def db_url(tmp_path_factory, samples_dir):
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'kb.db'}"
    store = open_store(url)
    assert ingest([str(samples_dir)], store).stored
    store.close()
    return url


@pytest.fixture(scope="module")
def client(db_url):
    return TestClient(create_app(db_url, token=TOKEN))


def test_home_lists_groups_and_sets_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "Islamic State Khorasan Province" in response.text
    assert "<script>" not in response.text.replace('<script src="/static/dossier.js" defer>', "")


@pytest.mark.parametrize("q, expected", [
    ("iskp", "Islamic State Khorasan Province"),
    ("ISIS-K", "Islamic State Khorasan Province"),
    ("Shabab", "Al-Shabaab"),  # a misspelling still finds the group
])
def test_search_finds_entities_by_alias(client, q, expected):
    data = client.get("/api/search", params={"q": q}).json()
    assert expected in [e["name"] for e in data["entities"]]
    assert client.get("/search", params={"q": q}).status_code == 200


def test_search_filters_by_type_and_finds_documents(client):
    data = client.get("/api/search", params={"q": "Taliban", "type": "person"}).json()
    assert all(e["type"] == "person" for e in data["entities"])
    docs = client.get("/api/search", params={"q": "Abbey Gate"}).json()["documents"]
    assert docs and "Abbey Gate" in docs[0]["snippet"]
    assert client.get("/api/search", params={"q": "100%_"}).status_code == 200


def test_entity_page_links_every_statement_to_its_evidence(client):
    entity = client.get("/api/search", params={"q": "ISKP"}).json()["entities"][0]
    data = client.get(f"/api/entity/{entity['id']}").json()
    assert {"Islamic State Khorasan Province", "ISKP"} <= set(data["aliases"])
    assert data["facts"]
    page = client.get(f"/entity/{entity['id']}").text
    links = set(re.findall(r'href="(/document/\w+\?span=\d+-\d+)"', page))
    cited = {f"/document/{s['document_id']}?span={s['span'][0]}-{s['span'][1]}"
             for f in data["facts"] for s in f["sources"]}
    assert cited and cited <= links
    evidence = client.get(sorted(links)[0])
    assert evidence.status_code == 200 and '<mark id="evidence">' in evidence.text


def test_unknown_ids_are_404(client):
    assert client.get("/entity/999999").status_code == 404
    assert client.get("/document/nope").status_code == 404
    assert client.get("/api/entity/99999999999999999999").status_code == 422
    assert client.get("/api/search", params={"q": "\x00"}).status_code == 200


def test_ingest_needs_the_token_and_text_is_escaped(client):
    payload = {"text": "The <script>alert('x')</script> Taliban seized Herat, officials said.",
               "title": "<img src=x onerror=alert(1)> Herat falls"}
    assert client.post("/api/ingest", json=payload).status_code == 401
    bad = client.post("/api/ingest", json=payload, headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    ok = client.post("/api/ingest", json=payload, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 201 and ok.json()["stored"]
    page = client.get(f"/document/{ok.json()['id']}").text
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page
    empty = client.post("/api/ingest", json={"text": "  "},
                        headers={"Authorization": f"Bearer {TOKEN}"})
    assert empty.status_code == 422


def test_read_only_without_a_token(db_url):
    app = TestClient(create_app(db_url, token=None))
    assert app.post("/api/ingest", json={"text": "x"}).status_code == 401
    assert "Read-only" in app.get("/").text


def test_openapi_describes_the_api(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/home", "/api/search", "/api/entity/{entity_id}",
            "/api/document/{document_id}", "/api/graph", "/api/timeline",
            "/api/ingest"} <= set(paths)


def test_home_and_document_api(client):
    home = client.get("/api/home").json()
    assert home["groups"] and home["documents"]
    doc = client.get(f"/api/document/{home['documents'][0]['id']}").json()
    assert doc["text"] and "repairs" in doc


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _launch(p):
    return p.chromium.launch(executable_path=CHROMIUM, headless=True,
                             args=["--headless", "--no-sandbox", "--disable-gpu",
                                   "--disable-background-networking"])


@contextmanager
def serving(db_url: str, token: str = "", *options: str):
    """A real `dossier serve` subprocess on a free loopback port; yields its base URL."""
    port = _free_port()
    dossier = Path(sys.executable).with_name("dossier")
    command = [str(dossier) if dossier.exists() else shutil.which("dossier"), "serve",
               "--db", db_url, "--port", str(port), *options]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "DOSSIER_TOKEN": token})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(base + "/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            proc.kill()
            pytest.fail(f"server did not start: {proc.stdout.read().decode()[-2000:]}")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server(db_url):
    with serving(db_url) as base:
        yield base


SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed")
def test_browser_profile_graph_and_hostile_article(tmp_path_factory):
    """Profile with allies and a strength chart, a graph node that opens a profile, and
    an article full of script payloads shown as text; screenshots go to screenshots/."""
    from playwright.sync_api import sync_playwright

    folder = tmp_path_factory.mktemp("hostile")
    (folder / "a.txt").write_text(
        "Front allies\n\nTARTUS, March 3, 2019 — The Crescent Liberation Front has about "
        "500 fighters, analysts said. The Crescent Liberation Front has allied with the "
        "Tartus Martyrs Brigade. <script>alert('x')</script> "
        "<img src=x onerror=alert(1)> was painted on a wall in Tartus.", encoding="utf-8")
    (folder / "b.txt").write_text(
        "Front grows\n\nTARTUS, May 9, 2021 — The Crescent Liberation Front now has more "
        "than 2,000 fighters, officials said.", encoding="utf-8")
    url = f"sqlite:///{tmp_path_factory.mktemp('h') / 'kb.db'}"
    store = open_store(url)
    ingest([str(folder)], store)
    store.close()
    SCREENSHOTS.mkdir(exist_ok=True)
    with serving(url) as base:
        with sync_playwright() as p:
            browser = _launch(p)
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            dialogs = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(base + "/search?q=Crescent+Liberation+Front")
            page.click("#entities a")
            assert "Tartus Martyrs Brigade" in page.inner_text("#allies")
            assert page.locator("#strength-chart .mark").count() == 2
            assert page.locator("#strength-chart .mark-open_up").count() == 1  # "more than"
            page.screenshot(path=str(SCREENSHOTS / "profile.png"), full_page=True)
            page.click("details.evidence summary >> nth=0")  # evidence opens in place
            page.click("details.evidence[open] a.cite >> nth=0")
            page.wait_for_selector("mark#evidence")
            page.screenshot(path=str(SCREENSHOTS / "evidence.png"), full_page=True)
            doc = httpx.get(base + "/api/search", params={"q": "painted"}).json()["documents"]
            page.goto(f"{base}/document/{doc[0]['id']}")
            assert "<script>alert('x')</script>" in page.inner_text(".article")
            assert "onerror=alert(1)" in page.inner_text(".article")
            assert page.locator(".article img").count() == 0
            front = httpx.get(base + "/api/search",
                              params={"q": "Crescent Liberation Front"}).json()["entities"][0]
            page.goto(f"{base}/graph?around={front['id']}")
            page.wait_for_selector("#graph[data-stable=yes]", timeout=20000)
            page.screenshot(path=str(SCREENSHOTS / "graph.png"))
            target = page.evaluate(
                """(id) => { const n = window.dossierNetwork;
                    const others = n.body.data.nodes.getIds().filter(x => x !== id);
                    const pos = n.canvasToDOM(n.getPositions([others[0]])[others[0]]);
                    return {x: pos.x, y: pos.y}; }""", front["id"])
            box = page.locator("#graph").bounding_box()
            page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
            page.wait_for_url("**/entity/*")
            assert page.locator("#name").count() == 1
            assert not dialogs, dialogs  # no script from the article ran
            browser.close()


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed")
def test_browser_search_profile_evidence(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = _launch(p)
        page = browser.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(server + "/")
        page.fill("input[name=q]", "ISIS-K")
        page.click("button[type=submit]")
        page.click("#entities a")
        assert page.inner_text("#name") == "Islamic State Khorasan Province"
        page.click("details.evidence summary >> nth=0")
        page.click("details.evidence[open] a.cite >> nth=0")
        mark = page.locator("mark#evidence")
        mark.wait_for()
        assert mark.is_visible() and mark.inner_text().strip()
        assert not errors, errors
        browser.close()


def test_timeline_filters_by_group_and_year(client):
    events = client.get("/api/timeline").json()["rows"]
    assert events and [e["date"] for e in events] == sorted(e["date"] for e in events)
    shabaab = client.get("/api/timeline", params={"group": "shabaab"}).json()["rows"]
    assert shabaab and all(any("shabaab" in a["name"].casefold() for a in e["actors"])
                           for e in shabaab)
    in_2014 = client.get("/api/timeline", params={"year": "2014"}).json()["rows"]
    assert in_2014 and all(e["date"].startswith("2014") for e in in_2014)
    page = client.get("/timeline", params={"year": "2014"}).text
    assert page.count('class="cite"') == len(in_2014)
    assert client.get("/timeline", params={"year": "20x4"}).status_code == 422


def test_full_text_search_ranks_and_survives_odd_queries(db_url):
    store = open_store(db_url)
    hits = store.search_documents("Abbey Gate")
    assert hits and "Abbey" in hits[0][1]
    for odd in ['"', "OR", "NEAR(", "a*b", "'; DROP TABLE documents; --", "100%_", "\x00",
                "a\x00b", "\x1b[0m"]:
        assert isinstance(store.search_documents(odd), list)
    assert store.counts()["documents"] >= 12
    store.close()


def test_graph_api_and_filters(client):
    iskp = client.get("/api/search", params={"q": "ISKP"}).json()["entities"][0]["id"]
    data = client.get("/api/graph", params={"around": iskp}).json()
    assert iskp in {n["id"] for n in data["nodes"]}
    assert {n["type"] for n in data["nodes"]} >= {"armed_group"}
    only = client.get("/api/graph", params={"around": iskp, "predicate": "operates_in"}).json()
    assert only["edges"] and {e["predicate"] for e in only["edges"]} == {"operates_in"}
    page = client.get("/graph", params={"around": iskp}).text
    assert "/vendor/vis/vis-network.min.js" in page
    assert client.get("/vendor/vis/vis-network.min.js").status_code == 200
    assert client.get("/api/graph", params={"depth": 9}).status_code == 422


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed")
def test_browser_graph_draws_from_local_files(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = _launch(p)
        page = browser.new_page()
        errors, remote = [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: remote.append(r.url)
                if not r.url.startswith(server) else None)
        iskp = httpx.get(server + "/api/search", params={"q": "ISKP"}).json()["entities"][0]["id"]
        page.goto(f"{server}/graph?around={iskp}&depth=1")
        page.wait_for_selector("#graph[data-ready=yes]", timeout=20000)
        assert int(page.get_attribute("#graph", "data-nodes")) > 1
        assert page.locator("#graph canvas").count() == 1
        assert not errors, errors
        assert not remote, remote  # no CDN, no network beyond this server
        browser.close()


def test_entity_page_draws_strength_over_time(client):
    iskp = client.get("/api/search", params={"q": "ISKP"}).json()["entities"][0]["id"]
    page = client.get(f"/entity/{iskp}").text
    assert 'id="strength-chart"' in page and page.count('class="mark mark-') >= 1
    assert page.count('class="x-tick"') >= 1  # a date scale


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory):
    with serving(f"sqlite:///{tmp_path_factory.mktemp('w') / 'kb.db'}", TOKEN) as base:
        yield base


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed")
def test_browser_ingest_page_needs_the_token(writable_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = _launch(p)
        page = browser.new_page()
        page.goto(writable_server + "/ingest")
        page.fill("textarea[name=body]", "Al-Shabaab fighters attacked a base near Kismayo.")
        page.fill("input[name=token]", "wrong")
        page.click("#ingest-form button[type=submit]")
        page.wait_for_selector("#ingest-result:has-text('Refused (401)')")
        page.fill("input[name=token]", TOKEN)
        page.click("#ingest-form button[type=submit]")
        page.wait_for_selector("#ingest-result:has-text('Stored')")
        page.click("#ingest-result a")
        page.wait_for_selector("text=Kismayo")
        browser.close()
