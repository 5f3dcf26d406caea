"""The analyst's desk: a profile that reads like a dossier, exports as downloads,
keyboard use and a phone-sized layout, in a real store and a real browser."""
from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from dossier.batch.ingest import ingest
from dossier.store import open_store
from dossier.web.app import create_app
from test_web import CHROMIUM, SCREENSHOTS, _launch, serving

ARTICLES = {
    "front-expands.txt": (
        "Northern front expands\n\nKADUNA, March 4, 2019 — The Northern Liberation Front "
        "(NLF) has about 1,500 fighters, security officials said on Monday. The Northern "
        "Liberation Front is led by Musa Danjuma, who has commanded the group since 2016. The "
        "group operates in Kaduna and Zamfara, and it has allied with the Kogi Defence "
        "Brigade.\n\n\"We will not lay down our arms,\" Danjuma said in a video released on "
        "Sunday.\n\nThe two groups clashed near Kaduna on February 12, 2019, killing 14 "
        "people."),
    "front-grows.txt": (
        "Northern Liberation Front grows\n\nABUJA, June 10, 2021 — The Northern Liberation "
        "Front now has more than 3,000 fighters, according to the army. The NLF, an affiliate "
        "of the Islamic State, attacked a police station in Zamfara on May 2, 2021.\n\n"
        "\"The NLF is weaker than it claims,\" army spokesman Ibrahim Yusuf said. Analysts "
        "say the group has between 2,000 and 2,500 fighters."),
}


@pytest.fixture(scope="module")
def desk_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("desk-articles")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    url = f"sqlite:///{tmp_path_factory.mktemp('desk') / 'kb.db'}"
    store = open_store(url)
    assert len(ingest([str(folder)], store).stored) == len(ARTICLES)
    store.close()
    return url


@pytest.fixture(scope="module")
def client(desk_db):
    return TestClient(create_app(desk_db))


@pytest.fixture(scope="module")
def front(client):
    found = client.get("/api/search", params={"q": "NLF"}).json()["entities"]
    return next(e for e in found if e["name"] == "Northern Liberation Front")


def test_profile_sections_come_in_the_order_of_a_dossier(client, front):
    page = client.get(f"/entity/{front['id']}").text
    order = [m for m in re.findall(r'<section id="([a-z]+)"', page)]
    expected = ["ties", "leaders", "members", "allies", "adversaries", "areas", "strength",
                "timeline", "quotes", "conflicts", "sources"]
    assert order == [s for s in expected if s in order]
    assert {"ties", "leaders", "allies", "areas", "strength", "timeline", "quotes",
            "sources"} <= set(order)
    # every entity named in a statement links to its profile
    data = client.get(f"/api/entity/{front['id']}").json()
    leaders = next(g for g in data["groups"] if g["key"] == "leaders")["parts"][0]["facts"]
    danjuma = leaders[0]["other"]
    assert danjuma["name"] == "Musa Danjuma" and leaders[0]["since"] == "2016"
    assert f'<a href="/entity/{danjuma["id"]}">Musa Danjuma</a>' in page
    areas = next(g for g in data["groups"] if g["key"] == "areas")["parts"][0]["facts"]
    assert [f["other"]["name"] for f in areas][:1] == ["Zamfara"]  # 2 stories, first
    # each fact once, with its stories, when, and evidence that expands in place
    ids = [f["id"] for g in data["groups"] for p in g["parts"] for f in p["facts"]]
    assert len(ids) == len(set(ids))
    assert page.count('<details class="evidence">') >= len(ids)
    assert re.search(r"1 story · \d{4}-\d{2}-\d{2}", page)


def test_strength_chart_has_axes_bands_and_open_ended_figures(client, front):
    data = client.get(f"/api/entity/{front['id']}").json()
    figures = {(s["qualifier"], s["min"], s["max"]) for s in data["strength"]}
    assert {("about", 1500, None), ("more than", 3000, None), (None, 2000, 2500)} <= figures
    page = client.get(f"/entity/{front['id']}").text
    chart = page[page.index('<svg id="strength-chart"'):page.index("</svg>", page.index(
        '<svg id="strength-chart"'))]
    assert chart.count('class="mark mark-') == sum(len(s["marks"]) for s in data["strength"])
    assert 'class="mark mark-open_up"' in chart      # "more than 3,000": open upwards
    assert 'class="mark mark-range"' in chart        # 2,000–2,500: a band
    years = re.findall(r'class="x-tick"[^>]*>(\d{4})<', chart)
    assert "2019" in years and "2021" in years       # a date scale
    assert re.findall(r'text-anchor="end"[^>]*>([\d,]+)</text>', chart)  # a value axis
    assert "3,000–3,000" not in page and "more than 3,000" in page


def test_print_stylesheet_makes_a_clean_brief(client, front):
    page = client.get(f"/entity/{front['id']}").text
    assert '/static/profile.css' in page
    css = client.get("/static/profile.css").text
    assert "@media print" in css and "no-print" in css


def test_exports_download_the_whole_base_or_a_neighbourhood(client, front):
    whole = client.get("/export/graphml")
    assert whole.status_code == 200
    assert "attachment" in whole.headers["content-disposition"]
    graph = nx.read_graphml(io.BytesIO(whole.content))
    around = client.get("/export/graphml", params={"around": front["id"], "depth": 1})
    near = nx.read_graphml(io.BytesIO(around.content))
    assert 1 < near.number_of_nodes() < graph.number_of_nodes()
    assert "Northern Liberation Front" in {d["name"] for _, d in near.nodes(data=True)}

    import stix2
    bundle = stix2.parse(client.get("/export/stix", params={"around": front["id"]}).text,
                         allow_custom=True)
    assert any(o.type == "threat-actor" and o.name == "Northern Liberation Front"
               for o in bundle.objects)
    tables = zipfile.ZipFile(io.BytesIO(client.get("/export/csv").content))
    assert "entities.csv" in tables.namelist()
    assert "Northern Liberation Front" in tables.read("entities.csv").decode("utf-8")
    lines = client.get("/export/jsonl", params={"around": front["id"]}).text.splitlines()
    records = [json.loads(line) for line in lines]
    assert {r["record"] for r in records} == {"entity", "assertion"}
    assert client.get("/export/pdf").status_code == 422
    assert client.get("/export/stix", params={"around": 99999}).status_code == 404
    page = client.get("/export", params={"around": front["id"]}).text
    assert page.count("download href=") == 5


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed")
def test_keyboard_and_phone_layout(desk_db, front):
    """"/" focuses search; focus is visible; at 390 px nothing scrolls sideways; the
    page has landmarks and headings; the profile prints with its evidence open."""
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    with serving(desk_db) as base, sync_playwright() as p:
        browser = _launch(p)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{base}/entity/{front['id']}")
        page.keyboard.press("/")
        assert page.evaluate("document.activeElement.id") == "site-search"
        page.keyboard.press("Escape")
        page.locator("details.evidence summary").first.focus()
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("", "none")
        assert page.locator("main h1").count() == 1 and page.locator("main h2").count() >= 5
        assert page.locator("nav[aria-label=main]").count() == 1
        assert page.locator("[role=search]").count() == 1
        page.screenshot(path=str(SCREENSHOTS / "profile-dossier.png"), full_page=True)
        page.emulate_media(media="print")
        assert page.locator("header.site").is_hidden()
        page.pdf(path=str(SCREENSHOTS / "profile-print.pdf"))
        page.emulate_media(media="screen")
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        for path in ("/", f"/entity/{front['id']}", "/timeline", "/graph",
                     "/search?q=Front", "/export", "/ingest"):
            phone.goto(base + path)
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
        phone.goto(f"{base}/entity/{front['id']}")
        phone.screenshot(path=str(SCREENSHOTS / "profile-390.png"), full_page=True)
        browser.close()


def test_places_api_locates_the_areas_of_operation(client, front):
    data = client.get(f"/api/entity/{front['id']}/places").json()
    by_name = {p["name"]: p for p in data["places"]}
    assert {"Kaduna", "Zamfara"} <= set(by_name)
    kaduna = by_name["Kaduna"]
    assert 9 < kaduna["lat"] < 12 and 6 < kaduna["lon"] < 9 and kaduna["iso2"] == "NG"
    assert all(s["evidence"] for s in kaduna["statements"])
    assert by_name["Zamfara"]["stories"] == 2


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed")
def test_map_draws_offline_and_lists_a_places_statements(desk_db, front):
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    with serving(desk_db) as base, sync_playwright() as p:
        browser = _launch(p)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        remote = []
        page.on("request", lambda r: None if r.url.startswith(base) else remote.append(r.url))
        page.goto(f"{base}/entity/{front['id']}#areas")
        page.wait_for_selector("#map[data-ready=yes]", timeout=20000)
        assert page.get_attribute("#map", "data-markers") == "2"
        assert page.locator("#map path.leaflet-interactive").count() == 2  # the markers
        assert page.locator("#map .leaflet-overlay-pane path").count() > 100  # outlines
        page.locator("#map path.leaflet-interactive").first.click()
        page.wait_for_selector("#map-statements q")
        listed = page.inner_text("#map-statements")
        assert page.get_attribute("#map", "data-selected") in listed
        assert "Operates in" in listed
        page.locator("#areas").screenshot(path=str(SCREENSHOTS / "map.png"))
        assert not remote, remote  # no tiles, no CDN
        browser.close()
