"""The server's doors: bearer token, CSRF on the ingest form, body size limit, rate
limit, security headers, no tracebacks, bound SQL parameters and escaped article text."""
from __future__ import annotations

import logging
import re
import sqlite3
from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount

from conftest import store_of_articles
from dossier.web.app import MAX_BODY_BYTES, create_app

TOKEN = "s3cret-token-9c1e"
SCRIPT, IMG = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"
HOSTILE = {"hostile.txt": (
    f"{SCRIPT} Shabaab raid {IMG}\n\n"
    f"MOGADISHU, March 3, 2019 — Al-Shabaab fighters stormed the {SCRIPT} hotel in "
    f"Mogadishu in August 2011, officials said. Al-Shabaab was pushed out of Mogadishu "
    f"{IMG} in August 2011. Al-Shabaab has about 7,000 fighters, analysts said.")}
HEADERS = {"content-security-policy", "x-content-type-options", "x-frame-options",
           "referrer-policy"}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A real SQLite store holding one article full of script payloads; yields its URL."""
    store, url = store_of_articles(tmp_path_factory, HOSTILE)
    store.close()
    return url


@pytest.fixture
def client(hostile):
    return TestClient(create_app(hostile, token=TOKEN, ingest_rate=1000))


def bearer(token: str = TOKEN) -> dict:
    return {"Authorization": f"Bearer {token}"}


def assert_secure_headers(response):
    assert HEADERS <= set(response.headers), (response.request.url, response.headers)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"


# -- 1. the token ------------------------------------------------------------------
@pytest.mark.parametrize("headers", [
    {}, bearer("wrong"), bearer(TOKEN + "x"), bearer(""), {"Authorization": TOKEN},
    {"Authorization": f"Basic {TOKEN}"}, {"Authorization": "Bearer \xe9".encode("latin-1")},
])
def test_ingest_refuses_a_missing_or_wrong_token_with_json(client, headers):
    response = client.post("/api/ingest", json={"text": "x"}, headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"] and response.headers["www-authenticate"] == "Bearer"


def test_ingest_takes_the_bearer_token_and_nothing_without_one(hostile):
    ok = TestClient(create_app(hostile, token=TOKEN)).post(
        "/api/ingest", json={"text": "Al-Shabaab fighters attacked a base near Kismayo."},
        headers={"authorization": f"bearer   {TOKEN}"})
    assert ok.status_code == 201
    read_only = TestClient(create_app(hostile, token=None))
    for headers in ({}, bearer(TOKEN), bearer("")):
        assert read_only.post("/api/ingest", json={"text": "x"},
                              headers=headers).status_code == 401


# -- 2. CSRF on the form -----------------------------------------------------------
def form_token(client) -> str:
    page = client.get("/ingest")
    assert page.status_code == 200
    cookie = page.headers["set-cookie"].lower()
    assert "samesite=strict" in cookie and "httponly" in cookie
    return re.search(r'name="csrf" value="([^"]+)"', page.text)[1]


def test_form_posts_with_the_csrf_token_are_accepted(client):
    csrf = form_token(client)
    response = client.post("/ingest", data={"csrf": csrf, "token": TOKEN,
                                            "body": "Al-Shabaab attacked a base near Kismayo."},
                           headers={"Accept": "application/json"})
    assert response.status_code == 201 and response.json()["id"]
    html = client.post("/ingest", data={"csrf": csrf, "token": TOKEN,
                                        "body": "Al-Shabaab attacked a base near Kismayo."})
    assert html.status_code == 201 and "Already stored" in html.text


def test_form_posts_without_or_with_a_wrong_csrf_token_are_403(client, hostile):
    data = {"token": TOKEN, "body": "Al-Shabaab attacked a base near Baidoa."}
    csrf = form_token(client)
    assert client.post("/ingest", data=data).status_code == 403
    forged = csrf[:-1] + ("1" if csrf.endswith("0") else "0")
    assert client.post("/ingest", data={**data, "csrf": forged}).status_code == 403
    assert client.post("/ingest", data={**data, "csrf": ""}).status_code == 403
    # The CSRF token does not stand in for the write token.
    assert client.post("/ingest", data={**data, "csrf": csrf, "token": "no"}).status_code == 401
    # A token minted by another server (another secret) is refused too.
    foreign = form_token(TestClient(create_app(hostile, token=TOKEN)))
    client.cookies.set("dossier_csrf", foreign)
    assert client.post("/ingest", data={**data, "csrf": foreign}).status_code == 403
    # Without the cookie (a cross-site post under SameSite=Strict), the field alone fails.
    fresh = TestClient(create_app(hostile, token=TOKEN))
    assert fresh.post("/ingest", data={**data, "csrf": csrf}).status_code == 403


# -- 3. size limit -----------------------------------------------------------------
def test_oversized_bodies_are_413(client):
    big = b"x" * (MAX_BODY_BYTES + 1)
    honest = client.post("/api/ingest", content=big, headers=bearer())
    assert honest.status_code == 413 and "limit" in honest.json()["detail"]
    assert_secure_headers(honest)

    def stream():  # no Content-Length at all: counted while reading
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"y" * 65536

    assert client.post("/api/ingest", content=stream(), headers=bearer()).status_code == 413
    lying = client.post("/api/ingest", content=big, headers={**bearer(), "Content-Length": "10"})
    assert lying.status_code == 413
    assert client.post("/ingest", content=big).status_code == 413
    # Just under the limit goes through to the app (and fails there on its own terms).
    assert client.post("/api/ingest", content=b"{" + b" " * (MAX_BODY_BYTES - 2) + b"}",
                       headers=bearer()).status_code == 422


# -- 4. rate limit -----------------------------------------------------------------
def test_ingest_is_rate_limited_per_client(hostile):
    app = TestClient(create_app(hostile, token=TOKEN, ingest_rate=3))
    codes = [app.post("/api/ingest", json={"text": " "}, headers=bearer()).status_code
             for _ in range(3)]
    assert codes == [422, 422, 422]
    limited = app.post("/api/ingest", json={"text": " "}, headers=bearer())
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert_secure_headers(limited)
    # Wrong tokens count too (no free guessing), and the form shares the bucket.
    assert app.post("/api/ingest", json={"text": "x"}).status_code == 429
    assert app.post("/ingest", data={}).status_code == 429
    # Another address has its own bucket; reading is never limited.
    other = TestClient(app.app, client=("203.0.113.9", 5000))
    assert other.post("/api/ingest", json={"text": " "}, headers=bearer()).status_code == 422
    assert all(app.get("/api/home").status_code == 200 for _ in range(20))


# -- 5 and 6. headers everywhere; no tracebacks ------------------------------------
def test_security_headers_on_every_kind_of_response(client):
    responses = [client.get("/"), client.get("/api/home"), client.get("/ingest"),
                 client.get("/static/dossier.css"), client.get("/no/such/page"),
                 client.get("/entity/99999"), client.get("/api/entity/abc"),
                 client.post("/api/ingest", json={"text": "x"}), client.get("/openapi.json")]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 404, 404, 422, 401, 200]
    for response in responses:
        assert_secure_headers(response)


def test_a_broken_store_gives_a_generic_500(tmp_path_factory, caplog):
    store, url = store_of_articles(tmp_path_factory, HOSTILE)
    store.close()
    app = TestClient(create_app(url, token=TOKEN))
    assert app.get("/api/home").status_code == 200
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:  # damaged under the server
        db.execute("DROP TABLE documents")
    with caplog.at_level(logging.ERROR, logger="dossier.web"):
        as_json = app.get("/api/home")
        as_html = app.get("/", headers={"Accept": "text/html"})
    assert as_json.status_code == 500 and as_json.json() == {"detail": "internal server error"}
    assert as_html.status_code == 500 and "<h1>500</h1>" in as_html.text
    for response in (as_json, as_html):
        assert_secure_headers(response)
        for leak in ("Traceback", "sqlite", "OperationalError", "no such table", ".py"):
            assert leak not in response.text
    assert "no such table" in caplog.text  # logged on the server


# -- 7. SQL injection through every parameter --------------------------------------
INJECTIONS = ["' OR 1=1 --", '"; DROP TABLE documents; --', "%", "_", "\\", "\x00",
              "a\x00b", "x" * 5000, "Ωμέγα 漢字 🙂", "1; DELETE FROM entities", "*", "NEAR(",
              "-1", "99999999999999999999999"]


def _tables(url: str) -> set[str]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}


def _routes(routes):
    """Every route, those of included routers too."""
    for route in routes:
        included = getattr(route, "original_router", None)
        yield from _routes(included.routes) if included is not None else (route,)


def _requests(app):
    """(method, path, params) for every route, with each injection string in each path
    and query parameter in turn; new routes are covered without listing them."""
    for route in _routes(app.routes):
        if isinstance(route, Mount):
            for value in INJECTIONS:
                yield "GET", f"{route.path}/{quote(value, safe='')}", {}
        if not isinstance(route, APIRoute):
            continue
        method = sorted(route.methods)[0]
        paths = [p.name for p in route.dependant.path_params]
        queries = [p.alias for p in route.dependant.query_params]
        plain = route.path_format
        for name in paths:
            plain = plain.replace("{%s}" % name, "1")
        for value in INJECTIONS:
            for name in paths:
                yield method, route.path_format.replace("{%s}" % name, quote(value, safe="")), {}
            for name in queries:
                yield method, plain, {name: value}
            if not paths and not queries:
                yield method, plain, {"q": value}


def test_injection_strings_in_every_parameter_change_nothing(client, hostile):
    from dossier.store import open_store

    store = open_store(hostile)
    before, tables = store.counts(), _tables(hostile)
    requests = list(_requests(client.app))
    assert {p for _, p, _ in requests} >= {"/api/search", "/search", "/api/timeline"}
    assert any(p.startswith("/entity/") for _, p, _ in requests)
    for method, path, params in requests:
        response = client.request(method, path, params=params)
        assert response.status_code < 500, (method, path, params, response.text[:300])
    assert store.counts() == before and _tables(hostile) == tables
    assert {"documents", "entities", "aliases", "mentions"} <= tables
    store.close()


# -- 8. article text escaped everywhere ---------------------------------------------
def test_hostile_article_is_escaped_on_every_page(client):
    entity = client.get("/api/search", params={"q": "Shabaab"}).json()["entities"][0]["id"]
    document = client.get("/api/search", params={"q": "stormed"}).json()["documents"][0]["id"]
    assert client.get("/api/timeline").json()
    pages = {"entity": f"/entity/{entity}", "document": f"/document/{document}",
             "search": "/search?q=Shabaab", "search-text": "/search?q=stormed",
             "timeline": "/timeline"}
    for name, path in pages.items():
        html = client.get(path).text
        assert SCRIPT not in html and IMG not in html, name
        assert "<img" not in html and "onerror=alert(1)>" not in html.replace(
            "onerror=alert(1)&gt;", ""), name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html \
            or "&lt;img src=x onerror=alert(1)&gt;" in html, name
