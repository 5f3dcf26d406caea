"""The desk on a real corpus: the whole unlabelled corpus of the shared data in a
store, served, and the pages an analyst keeps open drawn in Chromium. Screenshots
go to screenshots/corpus-*.png (not committed) to be looked at beside Mapping
Militants' profiles and Aleph's entity pages. Skipped without ../shared."""
from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from conftest import SHARED
from dossier.batch.ingest import ingest
from dossier.store import open_store
from test_web import CHROMIUM, SCREENSHOTS, _launch, serving

CORPUS = SHARED / "corpus" / "tnc-unlabelled.jsonl"
pytestmark = [pytest.mark.skipif(not CORPUS.exists(), reason=f"{CORPUS} not present"),
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} missing")]


@pytest.fixture(scope="module")
def corpus_server(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'kb.db'}"
    store = open_store(url)
    report = ingest([str(CORPUS)], store)
    assert len(report.stored) > 300
    store.close()
    with serving(url) as base:
        yield base


def test_pages_on_the_whole_corpus(corpus_server):
    from playwright.sync_api import sync_playwright

    base = corpus_server
    group = httpx.get(base + "/api/home").json()["groups"][0]
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = _launch(p)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/entity/{group['id']}")
        assert page.locator("section#sources").count() == 1
        headings = page.locator("main h2").all_inner_texts()
        assert len(headings) >= 4, headings
        page.screenshot(path=str(SCREENSHOTS / "corpus-profile.png"), full_page=True)
        if page.locator("#map").count():
            page.wait_for_selector("#map[data-ready=yes]", timeout=20000)
            assert int(page.get_attribute("#map", "data-markers")) >= 1
            page.locator("#areas").screenshot(path=str(SCREENSHOTS / "corpus-map.png"))
        started = time.monotonic()
        page.goto(f"{base}/graph?around={group['id']}")
        page.wait_for_selector("#graph[data-ready=yes]", timeout=30000)
        graph = httpx.get(base + "/api/graph", params={"around": group["id"]}).json()
        assert 1 < len(graph["nodes"]) <= 60
        page.wait_for_timeout(max(0, 1500 - (time.monotonic() - started) * 1000))
        page.screenshot(path=str(SCREENSHOTS / "corpus-graph.png"))
        page.goto(f"{base}/timeline?q={group['name']}")
        assert page.locator("main table tr, main li").count() > 1
        page.screenshot(path=str(SCREENSHOTS / "corpus-timeline.png"), full_page=True)
        page.goto(f"{base}/search?q={group['name']}")
        assert page.locator("main mark").count() >= 1
        page.screenshot(path=str(SCREENSHOTS / "corpus-search.png"), full_page=True)
        assert not errors, errors
        browser.close()
