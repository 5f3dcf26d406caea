"""Ingest where analysts get news, in the browser: files (txt, html, jsonl), a feed
by URL and a list of URLs, against a real HTTP server on 127.0.0.1 — refused as a
private host unless the server allows them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dossier.web.app import create_app
from test_feeds import CONVOY, MARKET, TRUCE, Server, page, rss, send
from test_web import CHROMIUM, SCREENSHOTS, TOKEN, _launch, serving

AUTH = {"Authorization": f"Bearer {TOKEN}"}
ARTICLE = ("Convoy attacked near Dorran\n\nDORRAN, April 2, 2024 — Fighters of the Kalvan "
           "Liberation Front fired on an aid convoy near Dorran on Monday, wounding two "
           "drivers, the provincial governor said.")


@pytest.fixture(scope="module")
def news():
    srv = Server()
    for path, article in (("/a/market.html", MARKET), ("/a/convoy.html", CONVOY),
                          ("/a/truce.html", TRUCE)):
        srv.routes[path] = send(page(*article))
    srv.routes["/feed.rss"] = send(rss([
        {"title": a[0], "link": srv.url(p), "guid": f"item-{i}", "summary": a[0]}
        for i, (p, a) in enumerate((("/a/market.html", MARKET), ("/a/convoy.html", CONVOY),
                                    ("/a/truce.html", TRUCE)))]),
        "application/rss+xml; charset=utf-8")
    yield srv
    srv.close()


@pytest.fixture()
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'kb.db'}"


def test_uploads_need_the_token_and_read_by_extension(db):
    client = TestClient(create_app(db, token=TOKEN))
    upload = {"filename": "convoy.txt", "content": ARTICLE}
    assert client.post("/api/ingest/file", json=upload).status_code == 401
    assert client.post("/api/ingest/file", json=upload,
                       headers={"Authorization": "Bearer wrong"}).status_code == 401
    first = client.post("/api/ingest/file", json=upload, headers=AUTH).json()
    assert first["stored"] == 1 and first["documents"][0]["stored"]
    again = client.post("/api/ingest/file", json=upload, headers=AUTH).json()
    assert again["stored"] == 0 and again["duplicates"] == 1
    doc = client.get(f"/api/document/{first['documents'][0]['id']}").json()
    assert "Kalvan Liberation Front" in doc["text"] and "convoy.txt" in doc["source"]
    dump = "\n".join(json.dumps({"title": f"Item {n}", "text": ARTICLE.replace(
        "two drivers", f"{n + 3} drivers")}) for n in range(2))
    lines = client.post("/api/ingest/file", json={"filename": "dump.jsonl", "content": dump},
                        headers=AUTH).json()
    assert lines["stored"] == 2
    html = client.post("/api/ingest/file", headers=AUTH, json={
        "filename": "page.html", "content": page(*TRUCE)}).json()
    assert html["stored"] == 1
    odd = client.post("/api/ingest/file", headers=AUTH,
                      json={"filename": "scan.pdf", "content": "%PDF-1.4"}).json()
    assert odd["stored"] == 0 and "no reader" in odd["failed"][0]["reason"]
    read_only = TestClient(create_app(db, token=None))
    assert read_only.post("/api/ingest/file", json=upload, headers=AUTH).status_code == 401


def test_feeds_and_url_lists_refuse_private_hosts_unless_allowed(db, news):
    guarded = TestClient(create_app(db, token=TOKEN))
    refused = guarded.post("/api/ingest/feed", json={"url": news.url("/feed.rss")},
                           headers=AUTH).json()
    assert refused["stored"] == 0 and "loopback" in refused["failed"][0]["reason"]
    before = news.count("/feed.rss")
    assert before == 0  # refused before any request was sent
    allowed = TestClient(create_app(db, token=TOKEN, allow_private_hosts=True))
    feed = allowed.post("/api/ingest/feed", json={"url": news.url("/feed.rss")},
                        headers=AUTH).json()
    assert feed["stored"] == 3, feed
    urls = allowed.post("/api/ingest/urls", headers=AUTH, json={"urls": [
        news.url("/a/market.html"), "# a comment", news.url("/missing.html")]}).json()
    assert urls["duplicates"] == 1 and urls["failed_count"] == 1
    assert allowed.post("/api/ingest/urls", headers=AUTH,
                        json={"urls": ["http://x.example/"] * 101}).status_code == 422


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed")
def test_browser_uploads_a_file_and_reads_a_feed(db, news, tmp_path):
    from playwright.sync_api import sync_playwright

    article = tmp_path / "convoy.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    SCREENSHOTS.mkdir(exist_ok=True)
    with serving(db, TOKEN, "--allow-private-hosts") as base, sync_playwright() as p:
        browser = _launch(p)
        tab = browser.new_page()
        tab.goto(base + "/ingest")
        tab.fill("#token", TOKEN)
        tab.set_input_files("#files", str(article))
        tab.click("#files-form button[type=submit]")
        tab.wait_for_selector("#ingest-result:has-text('1 stored')")
        tab.fill("#feed-url", news.url("/feed.rss"))
        tab.click("#feed-form button[type=submit]")
        tab.wait_for_selector("#ingest-result:has-text('3 stored')", timeout=30000)
        tab.screenshot(path=str(SCREENSHOTS / "ingest.png"), full_page=True)
        tab.click("#ingest-result a >> nth=0")
        tab.wait_for_selector(".article")
        browser.close()
