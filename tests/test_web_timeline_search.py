"""The timeline and search pages over a store built here from invented articles:
the timeline by any alias (gazetteer aliases too), entity id, dates, kind and
page, each row with its sentence, undated statements counted; search with
entity counts by type, documents a page at a time, matched words marked and
article text kept as text. Both backends where the conftest fixtures give them,
and a real browser."""
from __future__ import annotations

import math
import re
from pathlib import Path

import httpx
import pytest
from conftest import BACKENDS, fresh_url
from fastapi.testclient import TestClient

from dossier.batch.ingest import ingest
from dossier.store import open_store
from dossier.store.search import snippet_parts
from dossier.web.app import create_app
from test_web import CHROMIUM, SCREENSHOTS, _launch, serving

ARTICLES = {
    "is-mosul.txt": (
        "Islamic State claims ambush near Mosul\n\nMOSUL, Iraq, March 4, 2019 — The Islamic "
        "State claimed responsibility for an ambush that killed four soldiers south of Mosul on "
        "March 2, 2019, the Iraqi army said. The group seized Mosul in June 2014 and was driven "
        "out of the city in July 2017 after a nine-month battle. Iraqi officers said the Islamic "
        "State still moves small cells through the desert west of the Tigris."),
    "borno.txt": (
        "Militants raid army base in Borno\n\nMAIDUGURI, Nigeria, May 10, 2021 — Fighters of "
        "Jama'atu Ahlis Sunna Lidda'awati wal-Jihad attacked an army base near Konduga on May 8, "
        "2021, killing three soldiers, officials said. Jama'atu Ahlis Sunna Lidda'awati wal-Jihad "
        "abducted dozens of farmers near Bama in January 2020, local leaders said. The faction "
        "was led by Abubakar Shekau, who died in May 2021."),
    "kpa-post.txt": (
        "Rebels storm police post in Karsa\n\nKARSA, Oct. 2, 2022 — Fighters of the Karsa "
        "Patriotic Army (KPA) attacked a police post in Karsa on April 3, 2022, officials said. "
        "The KPA was founded in 2011 by former army officers, according to local researchers. "
        "In September 2022 the KPA signed a ceasefire with the government. The KPA has about "
        "800 fighters, analysts said."),
    "kpa-clash.txt": (
        "Karsa rebels clash with army\n\nDORVA, Dec. 12, 2022 — The Karsa Patriotic Army "
        "clashed with government troops outside Dorva on Dec. 10, 2022, breaking the ceasefire, "
        "the army said. The Karsa Patriotic Army withdrew from the market district in November "
        "2022, residents said."),
    "wall.txt": (
        "Slogans on a market wall\n\nDORVA, Nov. 5, 2022 — Residents of Dorva said the words "
        "<script>alert('x')</script> and <b>ceasefire</b> were painted on the market wall, "
        "and <img src=x onerror=alert(1)> was scrawled beside them."),
}
TOWNS = ["Alba", "Brena", "Cato", "Dunmar", "Esker", "Faro", "Galt", "Hexa", "Irvo", "Jalna",
         "Kesso", "Lomar", "Mendi", "Norra", "Osket", "Pirna", "Quell", "Rasko", "Selva",
         "Torin", "Umba", "Varo", "Wenna"]
for n, town in enumerate(TOWNS, 1):
    ARTICLES[f"truce-{town.lower()}.txt"] = (
        f"Truce holds in {town}\n\n{town.upper()}, Jan. {n + 1}, 2023 — The ceasefire between "
        f"government troops and the Karsa Patriotic Army held in {town} for {n + 2} days, "
        f"residents said. Traders reopened {n * 3} stalls at the central market, and the "
        f"district council said {n + 1} schools would open again.")
CEASEFIRE_DOCUMENTS = len(TOWNS) + 3  # the truces, both KPA reports, the wall
KARSA_DOCUMENTS = len(TOWNS) + 2


class KB:
    """A built store: its URL, backend and a client of the app over it."""

    def __init__(self, url: str, backend: str):
        self.url, self.backend = url, backend
        self.client = TestClient(create_app(url))

    def timeline(self, **params) -> dict:
        response = self.client.get("/api/timeline", params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def search(self, **params) -> dict:
        response = self.client.get("/api/search", params=params)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="module", params=BACKENDS)
def kb(request, tmp_path_factory):
    """The invented articles ingested into a fresh store, on SQLite and PostgreSQL."""
    folder = tmp_path_factory.mktemp("articles")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    with fresh_url(request.param, tmp_path_factory.mktemp("kb")) as url:
        store = open_store(url)
        report = ingest([str(folder)], store)
        store.close()
        assert len(report.stored) == len(ARTICLES), report.failures
        yield KB(url, request.param)


def every_row(kb: KB, **params) -> list[dict]:
    """All rows of a timeline, on one page of the largest size."""
    data = kb.timeline(per_page=200, **params)
    assert data["pages"] <= 1
    return data["rows"]


def actor_names(row: dict) -> set[str]:
    return {a["name"] for a in row["actors"]}


# -- timeline ---------------------------------------------------------------------------

@pytest.mark.parametrize("param, name, entity, dates", [
    ("q", "ISIS", "Islamic State", {"2014-06", "2017-07", "2019-03-02"}),  # gazetteer alias
    ("group", "ISIS", "Islamic State", {"2014-06", "2017-07", "2019-03-02"}),  # old links
    ("q", "Boko Haram", "Jama'atu Ahlis Sunna Lidda'awati wal-Jihad", {"2020-01", "2021-05-08"}),
    ("q", "JAS", "Jama'atu Ahlis Sunna Lidda'awati wal-Jihad", {"2020-01", "2021-05-08"}),
    ("q", "KPA", "Karsa Patriotic Army", {"2011", "2022-04-03", "2022-09", "2022-12-10"}),
    ("q", "karsa patriotic army", "Karsa Patriotic Army", {"2011", "2022-11", "2022-12-10"}),
])
def test_timeline_by_any_alias(kb, param, name, entity, dates):
    rows = every_row(kb, **{param: name})
    assert dates <= {r["date"] for r in rows}
    assert all(entity in actor_names(r) for r in rows)
    data = kb.timeline(**{param: name})
    assert [m["name"] for m in data["filters"]["matched"]] == [entity]
    assert data["filters"]["matched_by"] == "alias" and data["filters"]["q"] == name


def test_timeline_by_entity_id_and_unknown_names(kb):
    kpa = kb.timeline(q="KPA")["filters"]["matched"][0]
    by_id = every_row(kb, entity=kpa["id"])
    assert by_id == every_row(kb, q="Karsa Patriotic Army") and by_id
    assert kb.client.get("/api/timeline", params={"entity": 99999999}).status_code == 404
    nobody = kb.timeline(q="Nobody Brigade")
    assert nobody["rows"] == [] and nobody["total"] == 0 and nobody["filters"]["matched"] == []
    # No alias is "Patriotic": the entities whose names hold the word.
    words = kb.timeline(q="Patriotic")
    assert words["filters"]["matched_by"] == "words"
    assert [m["name"] for m in words["filters"]["matched"]] == ["Karsa Patriotic Army"]
    assert "No entity is known as “Nobody Brigade”" in \
        kb.client.get("/timeline", params={"q": "Nobody Brigade"}).text


@pytest.mark.parametrize("bounds, kept, dropped", [
    ({"from": "2019", "to": "2021-05"}, {"2019-03-02", "2020-01", "2021-05-08", "2021-05"},
     {"2017-07", "2022-04-03", "2014-06"}),
    ({"from": "2022-04-04"}, {"2022-09", "2022-11", "2022-12-10"}, {"2022-04-03", "2011"}),
    ({"to": "2014"}, {"2011", "2014-06"}, {"2017-07", "2019-03-02"}),
    # A date of coarser precision is in when its period overlaps the bounds.
    ({"from": "2011-06", "to": "2011-07"}, {"2011"}, {"2014-06"}),
    ({"year": "2022"}, {"2022-04-03", "2022-09", "2022-11"}, {"2021-05-08", "2011"}),
])
def test_timeline_date_bounds_are_inclusive(kb, bounds, kept, dropped):
    rows = every_row(kb, **bounds)
    dates = {r["date"] for r in rows}
    assert kept <= dates and not dropped & dates
    low = bounds.get("from", bounds.get("year", "0000"))
    high = bounds.get("to", bounds.get("year", "9999"))
    assert all(low[:len(d)] <= d[:len(low)] and d[:len(high)] <= high[:len(d)]
               for d in dates)


def test_timeline_is_oldest_first_and_each_row_has_its_sentence(kb):
    rows = every_row(kb)
    assert rows and [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    for r in rows:
        assert r["kind"] == "event" and r["document_id"] and r["sources"] >= 1
        assert r["stories"] >= 1 and r["hedged"] is False
        # The cited span lies in the sentence shown: a whole sentence, or the span
        # itself where it is no sentence of the text (a headline and dateline).
        assert r["evidence"] and r["evidence"] in r["sentence"]
        assert r["sentence"][-1] in ".!?" or r["sentence"] == r["evidence"], r["sentence"]
    # A description that is a fragment reads with its sentence.
    died = next(r for r in rows if r["description"].startswith("who died"))
    assert died["sentence"] == ("The faction was led by Abubakar Shekau, who died in "
                                "May 2021.")
    page = kb.client.get("/timeline", params={"q": "Abubakar Shekau"}).text
    assert ">who died in May 2021</span>" in page
    assert '<blockquote class="sentence">The faction was led by Abubakar Shekau, who died ' \
        'in May 2021.</blockquote>' in page
    assert page.count('class="cite"') == len(every_row(kb, q="Abubakar Shekau"))


def test_timeline_kinds_and_undated_statements(kb):
    assert {r["kind"] for r in every_row(kb, kind="event")} == {"event"}
    claims = kb.timeline(kind="claim", q="KPA")
    assert claims["total"] == claims["dated_total"] == 0 and claims["undated_total"] == 1
    undated = kb.timeline(kind="claim", q="KPA", undated=1)
    assert undated["total"] == 1 and undated["filters"]["undated"] is True
    [row] = undated["rows"]
    assert row["date"] is None and row["kind"] == "claim"
    assert row["description"] == "Karsa Patriotic Army strength: about 800"
    assert row["sentence"] == "The KPA has about 800 fighters, analysts said."
    both = kb.timeline(kind=["event", "claim"], q="KPA")
    assert both["filters"]["kind"] == ["event", "claim"]
    assert both["undated_total"] == 1 and both["total"] == kb.timeline(q="KPA")["total"]
    assert "kind=event&kind=claim" in both["links"]["undated"]
    page = kb.client.get("/timeline", params=[("kind", "event"), ("kind", "claim"),
                                              ("q", "KPA")]).text
    assert "1 undated statement left out" in page
    link = re.search(r'id="undated-link" href="([^"]+)"', page)[1].replace("&amp;", "&")
    listed = kb.client.get("/timeline" + link).text
    assert "The KPA has about 800 fighters, analysts said." in listed
    assert "1 undated statement" in listed
    for bad in ({"kind": "quote"}, {"from": "2015-1"}, {"to": "last year"},
                {"per_page": 201}, {"page": 0}, {"entity": "x"}):
        assert kb.client.get("/api/timeline", params=bad).status_code == 422, bad


def test_timeline_pages_cover_every_row_once(kb):
    everything = every_row(kb)
    first = kb.timeline(per_page=3)
    assert first["total"] == len(everything) > 6
    assert first["pages"] == math.ceil(len(everything) / 3) and first["per_page"] == 3
    seen, page = [], first
    while True:
        assert len(page["rows"]) <= 3
        seen += page["rows"]
        if page["links"]["next"] is None:
            break
        assert page["links"]["next"].startswith("?")
        page = kb.client.get("/api/timeline" + page["links"]["next"]).json()
    assert page["page"] == first["pages"]
    assert seen == everything  # in order, nothing twice, nothing left out
    assert kb.timeline(per_page=3, page=first["pages"] + 1)["rows"] == []
    assert len(kb.timeline()["rows"]) == min(50, len(everything))  # the default page


def test_timeline_leaves_out_rejected_statements(kb):
    before = every_row(kb, q="KPA")
    store = open_store(kb.url)
    wrong = before[0]["assertion_id"]
    correction = store.reject(wrong, "not what the article says")
    try:
        after = every_row(kb, q="KPA")
        assert [r for r in before if r["assertion_id"] != wrong] == after
        assert kb.timeline(q="KPA")["total"] == len(before) - 1
    finally:
        store.undo_correction(correction)
        store.close()
    assert every_row(kb, q="KPA") == before


# -- search -----------------------------------------------------------------------------

def test_search_counts_entities_by_type(kb):
    data = kb.search(q="Karsa")
    names = {e["name"]: e["type"] for e in data["entities"]}
    assert {"Karsa", "Karsa Patriotic Army"} <= set(names)
    assert data["entities"][0]["name"] == "Karsa"  # the exact alias first
    counts = data["entity_counts"]
    assert sum(counts.values()) == data["entities_total"] == len(data["entities"])
    assert counts[names["Karsa"]] >= 1 and counts[names["Karsa Patriotic Army"]] >= 1
    group_type = names["Karsa Patriotic Army"]
    only = kb.search(q="Karsa", type=group_type)
    assert only["entity_counts"] == counts  # the counts are before the type filter
    assert only["entities"] and {e["type"] for e in only["entities"]} == {group_type}
    page = kb.client.get("/search", params={"q": "Karsa"}).text
    for type_, n in counts.items():
        label = type_.replace("_", " ")
        assert f'href="/search?q=Karsa&amp;type={type_}" data-type="{type_}">{label} ({n})</a>' \
            in page


def test_search_pages_documents_without_overlap(kb):
    first = kb.search(q="ceasefire")
    assert first["total_documents"] == CEASEFIRE_DOCUMENTS
    assert first["pages"] == 2 and first["page"] == 1 and len(first["documents"]) == 20
    second = kb.search(q="ceasefire", page=2)
    assert second["total_documents"] == CEASEFIRE_DOCUMENTS and second["page"] == 2
    assert len(second["documents"]) == CEASEFIRE_DOCUMENTS - 20
    ids = [d["id"] for d in first["documents"] + second["documents"]]
    assert len(set(ids)) == len(ids) == CEASEFIRE_DOCUMENTS
    assert kb.search(q="ceasefire", page=3)["documents"] == []
    assert kb.search(q="Karsa")["total_documents"] == KARSA_DOCUMENTS
    page = kb.client.get("/search", params={"q": "ceasefire", "page": 2}).text
    assert f"{CEASEFIRE_DOCUMENTS} documents · page 2 of 2" in page
    assert 'href="/search?q=ceasefire&amp;page=1"' in page
    assert kb.client.get("/api/search", params={"q": "x", "page": 0}).status_code == 422


def test_search_marks_the_matched_words(kb):
    words = kb.search(q="central market")  # two terms, each found anywhere
    phrase = kb.search(q="central-market")  # one term: its words in a row
    assert words["total_documents"] == phrase["total_documents"] == len(TOWNS)
    for data, marks in ((words, ["central", "market"]), (phrase, ["central market"])):
        for d in data["documents"]:
            assert d["snippet"] == "".join(text for text, _ in d["snippet_parts"])
            assert [t for t, matched in d["snippet_parts"] if matched] == marks, d
    page = kb.client.get("/search", params={"q": "central-market"}).text
    assert page.count("<mark>central market</mark>") == len(phrase["documents"]) == 20


def test_search_keeps_queries_and_article_text_as_text(kb):
    data = kb.search(q="<script>")
    assert [d["title"] for d in data["documents"]] == ["Slogans on a market wall"]
    assert ["script", "script"] == [t for t, m in data["documents"][0]["snippet_parts"] if m]
    page = kb.client.get("/search", params={"q": "<script>"}).text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "Search: &lt;script&gt;" in page
    assert "&lt;<mark>script</mark>&gt;alert(&#39;x&#39;)&lt;/<mark>script</mark>&gt;" in page
    wall = kb.client.get("/search", params={"q": "ceasefire", "page": 2}).text + \
        kb.client.get("/search", params={"q": "ceasefire"}).text
    assert "&lt;b&gt;<mark>ceasefire</mark>&lt;/b&gt;" in wall
    for odd in ['"', "NEAR(", "a*b", "'; DROP TABLE documents; --", "100%_", "\x00"]:
        assert kb.client.get("/api/search", params={"q": odd}).status_code == 200


@pytest.mark.parametrize("snippet, terms, expected", [
    ("Fighters of al-Shabaab and Al Shabaab", ["al-Shabaab"],
     [("Fighters of ", False), ("al-Shabaab", True), (" and ", False), ("Al Shabaab", True)]),
    ("President Goïta spoke.", ["GOITA"],
     [("President ", False), ("Goïta", True), (" spoke.", False)]),
    ("Abbey Gate, not Gate Abbey", ["Abbey Gate"],
     [("Abbey Gate", True), (", not Gate Abbey", False)]),
    ("the gateway", ["gate"], [("the gateway", False)]),  # whole words only
    ("", ["x"], []),
])
def test_snippet_parts(snippet, terms, expected):
    assert snippet_parts(snippet, terms) == expected


# -- a real browser ---------------------------------------------------------------------

@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed")
@pytest.mark.parametrize("kb", ["sqlite"], indirect=True)
def test_browser_timeline_and_search(kb):
    """The timeline by an alias, a page at a time, each row with its sentence; the
    search page's counts, page links and marks; screenshots go to screenshots/."""
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    with serving(kb.url) as base, sync_playwright() as p:
        browser = _launch(p)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        dialogs, errors = [], []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(base + "/timeline")
        page.fill("#timeline-filters input[name=q]", "KPA")
        page.click("#timeline-filters button[type=submit]")
        page.wait_for_url("**q=KPA**")
        total = httpx.get(base + "/api/timeline", params={"q": "KPA"}).json()["total"]
        assert f"{total} dated events" in page.inner_text("#summary")
        page.goto(base + "/timeline?q=KPA&per_page=2")
        rows = page.locator("#events tr.row-event")
        assert rows.count() == 2
        first = rows.all_inner_texts()
        assert all("Karsa Patriotic Army" in r for r in first)
        page.click("#next-page")
        page.wait_for_url("**page=2**")
        second = page.locator("#events tr.row-event").all_inner_texts()
        assert second and not set(second) & set(first)
        assert f"page 2 of {math.ceil(total / 2)}" in page.inner_text("nav.pager")
        assert page.locator("blockquote.sentence").count() >= 1
        page.goto(base + "/timeline?q=KPA")
        page.screenshot(path=str(SCREENSHOTS / "timeline.png"), full_page=True)

        page.goto(base + "/search?q=Karsa")
        counts = page.inner_text("#type-counts")
        assert re.search(r"all types \(\d+\)", counts) and "(1)" in counts
        assert page.locator("#documents mark").count() >= 20
        assert page.locator("#documents mark").first.inner_text().casefold() == "karsa"
        assert f"{KARSA_DOCUMENTS} documents · page 1 of 2" in page.inner_text("#document-count")
        page.screenshot(path=str(SCREENSHOTS / "search.png"), full_page=True)
        page.click("#document-pages a[rel=next]")
        page.wait_for_url("**page=2**")
        assert page.locator("#documents li").count() == KARSA_DOCUMENTS - 20
        page.goto(base + "/search?q=%3Cscript%3E")
        assert "<script>alert('x')</script>" in page.inner_text("#documents")
        assert page.locator("#documents img").count() == 0
        assert not dialogs and not errors, (dialogs, errors)
        browser.close()
