"""Feeds, URLs and `dossier watch`: fetched from a real HTTP server on 127.0.0.1,
through the SSRF guard (which the tests must pass --allow-private-hosts to get
past, their server being on a loopback address), into real SQLite stores."""
from __future__ import annotations

import ipaddress
import os
import re
import select
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dossier.batch.watch import parse_interval
from dossier.cli import app
from dossier.errors import InputError
from dossier.ingest import read_paths
from dossier.ingest.feeds import FULL_TEXT_WORDS, looks_like_feed, read_feed
from dossier.ingest.fetch import ALLOW_HINT, MAX_REDIRECTS, USER_AGENT, fetch, refusal
from dossier.ingest.urls import read_url, url_list
from dossier.model import Document
from dossier.store import open_store

DOSSIER = Path(sys.executable).parent / "dossier"

# -- articles (written for these tests; places and groups are made up) ------------

MARKET = ("Gunmen attack market in Mesra", "2024-03-05", [
    "Gunmen from the Kalvan Liberation Front attacked a market in the river town of Mesra "
    "on Tuesday, killing four traders and wounding eleven, local officials said.",
    "Witnesses said the attackers arrived on motorcycles shortly after dawn and set fire to "
    "several stalls before withdrawing towards the hills east of the town.",
    "The group said in a statement that the market had paid taxes to the army. The "
    "provincial governor called the attack cowardly and promised more patrols."])
CONVOY = ("Aid convoy escorts clash with brigade near Dorran", "2024-03-07", [
    "Soldiers escorting an aid convoy clashed with fighters of the Northern Hills Brigade "
    "near the village of Dorran on Thursday, the army said. Two soldiers were wounded.",
    "The brigade, which split from the Kalvan Liberation Front in 2021, has about 400 "
    "fighters, according to a military spokesman.",
    "Aid workers said the convoy, carrying flour and medicine for displaced families, "
    "reached Dorran in the evening after a delay of six hours."])
TRUCE = ("Local truce holds in Tarsa district", "2024-03-10", [
    "Elders in the Tarsa district said on Sunday that a local truce between the army and "
    "the Kalvan Liberation Front had held for a week, the longest pause in fighting this "
    "year.",
    "Farmers returned to fields along the canal that had been mined during the winter, and "
    "the main road to the district market reopened to traffic.",
    "A spokesman for the group said its fighters would keep to their positions as long as "
    "the army did the same, but warned that any new raid would end the truce."])

HARVEN = [  # long enough to be a whole article inside a feed item
    "Fighting between the Northern Hills Brigade and a rival militia spread to the outskirts "
    "of Harven on Monday, forcing hundreds of families to leave their homes, aid agencies "
    "said. Residents described mortar fire falling near the grain depot and the old bus "
    "station for most of the afternoon.",
    "A local health official said that nine people had been killed and at least thirty "
    "wounded since the clashes began on Saturday. The district hospital, which has only two "
    "surgeons, asked for blood donations and fuel for its generators, and said it was "
    "treating patients in the corridors.",
    "The brigade accused the militia of seizing checkpoints on the road to the border and "
    "of taxing trucks that carry fuel and cement. The militia, which calls itself the "
    "Harven Defence Committee, denied the charge and said it was protecting traders from "
    "extortion.",
    "Community leaders from both sides met in a mosque near the river on Monday evening but "
    "failed to agree on a truce. The provincial council said it would send a delegation on "
    "Wednesday, and urged both groups to open a corridor so that food and medicine can "
    "reach the town."]
SALEN = [
    "The Coastal Front released eleven fishermen on Friday whom its fighters had held for "
    "almost a month on an island off the southern coast, relatives and a local official "
    "said. The men were handed over to elders in the port of Salen and taken to the "
    "district clinic for checks.",
    "The group had seized the men and their three boats in late January, accusing them of "
    "passing information to the navy. Families said they had paid no ransom, but that "
    "elders had promised the group that the fishermen would stay out of waters near the "
    "island.",
    "Fishing has been the main source of work along that stretch of coast for generations, "
    "and the detentions had kept most boats in harbour for weeks. Traders in Salen said the "
    "price of fish had tripled since January and that many families were now buying on "
    "credit.",
    "A navy spokesman declined to comment on the release. The Coastal Front, which has "
    "fought the government since 2016, said in a statement that it would hold any boat "
    "found near its positions after dark."]


def page(title: str, day: str, paragraphs: list[str], charset: str = "utf-8") -> str:
    paras = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="{charset}">'
            f"<title>{title} | Valley Herald</title>"
            f'<meta property="article:published_time" content="{day}T07:00:00Z"></head>'
            f'<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>'
            f"<main><article><h1>{title}</h1>\n{paras}</article></main>"
            f"<footer>Valley Herald, all rights reserved</footer></body></html>")


def words(text: str) -> str:
    return " ".join(text.split())


# -- the server --------------------------------------------------------------------

Route = Callable[[BaseHTTPRequestHandler], None]


def send(body: bytes | str, content_type: str = "text/html; charset=utf-8",
         status: int = 200, length: bool = True) -> Route:
    data = body.encode("utf-8") if isinstance(body, str) else body

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        if length:
            h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)
    return route


def redirect(location: str, status: int = 302) -> Route:
    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        h.send_header("Location", location)
        h.send_header("Content-Length", "0")
        h.end_headers()
    return route


def silent(seconds: float) -> Route:
    """Answers nothing for ``seconds``, then a page."""
    def route(h: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        send(page(*MARKET))(h)
    return route


def drip(seconds: float) -> Route:
    """A page sent one byte every tenth of a second, for ``seconds``."""
    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()
        for _ in range(int(seconds * 10)):
            h.wfile.write(b" ")
            h.wfile.flush()
            time.sleep(0.1)
    return route


def endless(chunk: bytes = b"<p>" + b"filler text " * 1000 + b"</p>\n") -> Route:
    """An HTML page without Content-Length that never ends (until the client goes)."""
    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()
        h.wfile.write(b"<!DOCTYPE html><html><body>")
        for _ in range(10_000):
            h.wfile.write(chunk)
    return route


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        self.server.hits.append((self.path, self.headers.get("User-Agent"),
                                 self.headers.get("Host")))
        route = self.server.routes.get(self.path)
        try:
            if route is None:
                send("<html><body>no such page</body></html>", status=404)(self)
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading on purpose (size limit, timeout)

    def log_message(self, *args) -> None:
        """Quiet: the tests read ``server.hits`` instead."""


class Server:
    """A ThreadingHTTPServer on 127.0.0.1 with a route table and a log of hits."""

    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.routes, self.httpd.hits = {}, []
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def routes(self) -> dict[str, Route]:
        return self.httpd.routes

    @property
    def hits(self) -> list[tuple[str, str, str]]:
        return self.httpd.hits

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def count(self, path: str) -> int:
        return sum(1 for hit in self.hits if hit[0] == path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def rss(items: list[dict], title: str = "Valley Herald: conflict") -> str:
    """An RSS 2.0 feed; each item may have title, link, guid, date, summary, content."""
    out = []
    for i in items:
        parts = [f"<title>{i['title']}</title>"]
        if i.get("link"):
            parts.append(f"<link>{i['link']}</link>")
        if i.get("guid"):
            parts.append(f'<guid isPermaLink="false">{i["guid"]}</guid>')
        if i.get("date"):
            parts.append(f"<pubDate>{i['date']}</pubDate>")
        if i.get("summary"):
            parts.append(f"<description>{i['summary']}</description>")
        if i.get("content"):
            parts.append(f"<content:encoded><![CDATA[{i['content']}]]></content:encoded>")
        out.append("<item>" + "".join(parts) + "</item>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>{title}</title><link>http://herald.example/</link>"
            "<description>News from the valley</description>" + "".join(out)
            + "</channel></rss>\n")


def atom(entries: list[dict]) -> str:
    """An Atom 1.0 feed; each entry has id, title, updated and content or summary."""
    out = []
    for e in entries:
        body = (f'<content type="html"><![CDATA[{e["content"]}]]></content>' if e.get("content")
                else f"<summary>{e['summary']}</summary>")
        link = f'<link rel="alternate" href="{e["link"]}"/>' if e.get("link") else ""
        out.append(f"<entry><id>{e['id']}</id><title>{e['title']}</title>{link}"
                   f"<updated>{e['updated']}</updated>{body}</entry>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            "<title>Coast Watch</title><id>urn:uuid:6a1e0f1c-coast-watch</id>"
            "<updated>2024-02-20T10:00:00Z</updated>" + "".join(out) + "</feed>\n")


def paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


@pytest.fixture(scope="module")
def server():
    srv = Server()
    articles = {"/articles/market.html": MARKET, "/articles/convoy.html": CONVOY,
                "/articles/truce.html": TRUCE}
    for path, article in articles.items():
        srv.routes[path] = send(page(*article))
    # the same bytes under another address (a tracking parameter)
    srv.routes["/articles/market.html?from=mirror"] = send(page(*MARKET))
    srv.routes["/articles/plain.txt"] = send("\n\n".join(TRUCE[2]),
                                             "text/plain; charset=utf-8")
    # windows-1252 bytes, said so only in the Content-Type header
    cp1252 = page("Caf\u00e9 owners return to Mesra", "2024-03-12", [
        "Caf\u00e9 owners in Mesra reopened on Monday, a week after the \u201cworst "
        "attack in years\u201d on the town\u2019s market, traders said.",
        "The Kalvan Liberation Front has not said whether it will attack the town again."],
        charset="")
    srv.routes["/articles/cp1252.html"] = send(cp1252.replace('<meta charset="">', "")
                                               .encode("cp1252"),
                                               "text/html; charset=windows-1252")
    for n in range(1, MAX_REDIRECTS + 1):  # /r/1 → … → /r/5 → the article: 5 redirects
        srv.routes[f"/r/{n}"] = redirect(f"/r/{n + 1}" if n < MAX_REDIRECTS
                                         else "/articles/convoy.html")
    for n in range(1, MAX_REDIRECTS + 3):  # one redirect too many
        srv.routes[f"/loop/{n}"] = redirect(f"/loop/{n + 1}", 301)
    srv.routes["/to-file"] = redirect("file:///etc/passwd")
    srv.routes["/big-declared.html"] = send(b"x" * 300_000)
    srv.routes["/big-streamed.html"] = endless()
    srv.routes["/slow.html"] = silent(3)
    srv.routes["/drip.html"] = drip(6)
    srv.routes["/nav-only.html"] = send("<html><body><nav><a href='/'>Home</a></nav></body>"
                                        "</html>")
    srv.routes["/image.png"] = send(b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")
    srv.routes["/feeds/teasers.rss"] = send(rss([
        {"title": MARKET[0], "link": srv.url("/articles/market.html"),
         "guid": "herald-1001", "date": "Tue, 05 Mar 2024 07:00:00 GMT",
         "summary": "Gunmen killed four traders in a market in Mesra."},
        {"title": CONVOY[0], "link": srv.url("/articles/convoy.html"),
         "guid": "herald-1002", "date": "Thu, 07 Mar 2024 07:00:00 GMT",
         "summary": "Two soldiers wounded as an aid convoy came under fire near Dorran."},
        {"title": TRUCE[0], "link": srv.url("/articles/truce.html"),
         "guid": "herald-1003", "date": "Sun, 10 Mar 2024 07:00:00 GMT",
         "summary": "A local truce in Tarsa has held for a week, elders said."},
    ]), "application/rss+xml")
    # another feed linking the same articles under other GUIDs, and one under
    # another address that serves the same bytes
    srv.routes["/feeds/mirror.rss"] = send(rss([
        {"title": CONVOY[0], "link": srv.url("/articles/convoy.html"), "guid": "mirror-7",
         "summary": "Convoy attacked near Dorran."},
        {"title": MARKET[0], "link": srv.url("/articles/market.html?from=mirror"),
         "guid": "mirror-8", "summary": "Market attacked in Mesra."},
    ], title="Mirror"), "application/rss+xml")
    # a whole article inside the item; its link is not served, so it must not be fetched
    srv.routes["/feeds/full.atom"] = send(atom([
        {"id": "urn:uuid:harven-1", "title": "Families flee fighting near Harven",
         "link": srv.url("/articles/harven-not-served.html"),
         "updated": "2024-02-19T08:30:00Z", "content": paragraphs(HARVEN)},
    ]), "application/atom+xml")
    srv.routes["/feeds/broken.rss"] = send(rss([
        {"title": TRUCE[0], "link": srv.url("/articles/truce.html"), "guid": "b-1",
         "summary": "Truce holds."},
        {"title": "Gone", "link": srv.url("/articles/gone.html"), "guid": "b-2",
         "summary": "This page was taken down."},
        {"title": CONVOY[0], "link": srv.url("/articles/convoy.html"), "guid": "b-3",
         "summary": "Convoy attacked."},
    ]), "application/rss+xml")
    yield srv
    srv.close()


# -- the SSRF guard ---------------------------------------------------------------

@pytest.mark.parametrize("address, kind", [
    ("127.0.0.1", "a loopback address"),
    ("127.8.9.10", "a loopback address"),
    ("::1", "a loopback address"),
    ("10.2.3.4", "a private address"),
    ("172.16.0.9", "a private address"),
    ("192.168.1.1", "a private address"),
    ("fd12:3456::1", "a private address"),
    ("169.254.169.254", "a link-local address"),
    ("fe80::1", "a link-local address"),
    ("224.0.0.251", "a multicast address"),
    ("ff02::1", "a multicast address"),
    ("0.0.0.0", "an unspecified address"),
    ("::", "an unspecified address"),
    ("240.0.0.1", "a reserved address"),
    ("100.64.0.1", "a non-public address"),
    ("::ffff:127.0.0.1", "a loopback address (IPv4 127.0.0.1 inside IPv6)"),
    ("::ffff:169.254.169.254", "a link-local address (IPv4 169.254.169.254 inside IPv6)"),
    ("2002:a00:1::1", "a private address (IPv4 10.0.0.1 inside IPv6)"),
    ("64:ff9b::7f00:1", "a loopback address (IPv4 127.0.0.1 inside IPv6)"),
    ("93.184.215.14", None),
    ("2a00:1450:4001:82b::200e", None),
    ("::ffff:93.184.215.14", None),
])
def test_address_classes(address, kind):
    assert refusal(ipaddress.ip_address(address)) == kind


@pytest.mark.parametrize("host, said", [
    ("127.0.0.1", "127.0.0.1 is a loopback address"),
    ("localhost", "localhost resolves to"),
    ("[::1]", "::1 is a loopback address"),
    ("[::ffff:127.0.0.1]", "is a loopback address (IPv4 127.0.0.1 inside IPv6)"),
    ("10.0.0.1", "10.0.0.1 is a private address"),
    ("169.254.169.254", "169.254.169.254 is a link-local address"),
    ("0.0.0.0", "0.0.0.0 is an unspecified address"),
])
def test_private_hosts_refused_before_any_request(server, host, said):
    before = len(server.hits)
    with pytest.raises(InputError) as caught:
        fetch(server.url("/articles/market.html", host=host))
    reason = caught.value.reason
    assert reason.startswith("refused: ") and said in reason, reason
    assert reason.endswith(f"; {ALLOW_HINT}")
    assert len(server.hits) == before  # nothing reached the server


def test_exact_refusal_message(server):
    url = server.url("/articles/market.html")
    with pytest.raises(InputError) as caught:
        fetch(url)
    assert str(caught.value) == (f"{url}: refused: 127.0.0.1 is a loopback address; "
                                 "pass --allow-private-hosts to allow it")


def test_allow_private_reaches_the_server_by_name_too(server):
    fetched = fetch(server.url("/articles/market.html", host="localhost"), allow_private=True)
    assert b"Kalvan Liberation Front" in fetched.raw
    path, agent, host = server.hits[-1]
    assert path == "/articles/market.html"
    assert agent == USER_AGENT and agent.startswith("Dossier/")
    assert host == f"localhost:{server.port}"  # the name, though the address was dialled


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/a.html", "file:///etc/passwd",
                                 "gopher://127.0.0.1/", "/articles/market.html"])
def test_only_http_and_https(url):
    with pytest.raises(InputError) as caught:
        fetch(url, allow_private=True)
    assert caught.value.reason.startswith("refused: only http and https URLs are fetched")


# -- redirects, size, time ----------------------------------------------------------

def test_redirect_chain_of_five_is_followed(server):
    fetched = fetch(server.url("/r/1"), allow_private=True)
    assert fetched.url == server.url("/articles/convoy.html")
    assert b"Northern Hills Brigade" in fetched.raw


def test_more_than_five_redirects_refused(server):
    with pytest.raises(InputError) as caught:
        fetch(server.url("/loop/1"), allow_private=True)
    assert caught.value.reason == f"too many redirects (more than {MAX_REDIRECTS})"
    assert server.count(f"/loop/{MAX_REDIRECTS + 2}") == 0


def test_redirect_target_is_checked_again(server):
    with pytest.raises(InputError) as caught:
        fetch(server.url("/to-file"), allow_private=True)
    assert "redirect to file:///etc/passwd: refused: only http and https" in caught.value.reason


def test_declared_size_over_limit_refused(server):
    with pytest.raises(InputError) as caught:
        fetch(server.url("/big-declared.html"), allow_private=True, max_bytes=100_000)
    assert caught.value.reason == "response too large: 300,000 bytes (limit 100,000)"


def test_streamed_size_over_limit_stops_reading(server):
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        fetch(server.url("/big-streamed.html"), allow_private=True, max_bytes=200_000)
    assert caught.value.reason == ("response too large: over 200,000 bytes "
                                   "(stopped reading there)")
    assert time.monotonic() - started < 5  # the page is 120 MB; it was not read whole


def test_read_timeout(server):
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        fetch(server.url("/slow.html"), allow_private=True, read_timeout=0.5)
    assert caught.value.reason == "timed out: no data for 0.5 s"
    assert time.monotonic() - started < 2.5


def test_deadline_stops_a_dripping_server(server):
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        fetch(server.url("/drip.html"), allow_private=True, read_timeout=2, deadline=1)
    assert caught.value.reason == "timed out: the response took over 1 s"
    assert time.monotonic() - started < 3


def test_http_error_and_refused_connection(server):
    with pytest.raises(InputError) as caught:
        fetch(server.url("/articles/gone.html"), allow_private=True)
    assert caught.value.reason == "HTTP 404 Not Found"
    closed = Server()
    closed.close()  # a port nobody listens on any more
    with pytest.raises(InputError) as caught:
        fetch(closed.url("/"), allow_private=True, connect_timeout=2)
    assert caught.value.reason.startswith("cannot connect")


# -- one URL → a Document --------------------------------------------------------------

def test_read_url_extracts_the_article_like_an_html_file(server):
    url = server.url("/articles/market.html")
    (document,) = read_url(url, allow_private=True)
    assert isinstance(document, Document)
    assert document.source == url and document.kind == "html"
    assert document.title == MARKET[0]
    assert document.published == "2024-03-05"
    assert "attacked a market in the river town of Mesra" in document.body
    assert "Home" not in document.body and "all rights reserved" not in document.body
    assert document.raw == page(*MARKET).encode()


def test_response_charset_decodes_the_page(server):
    (document,) = read_url(server.url("/articles/cp1252.html"), allow_private=True)
    assert "Caf\u00e9 owners in Mesra reopened" in document.body
    assert "\u201cworst attack in years\u201d" in document.body


def test_plain_text_url(server):
    (document,) = read_url(server.url("/articles/plain.txt"), allow_private=True)
    assert document.kind == "text" and "keep to their positions" in document.body


@pytest.mark.parametrize("path, reason", [("/nav-only.html", "HTML holds no article text"),
                                          ("/image.png", "not an article page: image/png")])
def test_url_without_article(server, path, reason):
    (error,) = read_url(server.url(path), allow_private=True)
    assert isinstance(error, InputError) and error.reason == reason


def test_read_url_refused_without_flag(server):
    (error,) = read_url(server.url("/articles/market.html"))
    assert isinstance(error, InputError) and error.reason.startswith("refused: 127.0.0.1")


def test_url_list(tmp_path):
    listed = tmp_path / "urls.txt"
    listed.write_text("# morning reading\n\nhttp://herald.example/a.html\n"
                      "  https://herald.example/b.html   # the convoy story\n"
                      "# http://herald.example/skipped.html\n", encoding="utf-8")
    assert url_list(listed) == ["http://herald.example/a.html", "https://herald.example/b.html"]
    listed.write_text("http://herald.example/a.html\nherald.example/b.html\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        url_list(listed)
    assert caught.value.source == f"{listed}:2"
    assert "not an http(s) URL" in caught.value.reason


# -- feeds ---------------------------------------------------------------------------

def test_feed_url_with_teasers_fetches_each_link(server):
    before = {p: server.count(p) for p in ("/articles/market.html", "/articles/convoy.html")}
    documents = list(read_feed(server.url("/feeds/teasers.rss"), allow_private=True))
    assert all(isinstance(d, Document) for d in documents), documents
    assert [d.title for d in documents] == [MARKET[0], CONVOY[0], TRUCE[0]]
    assert [d.published for d in documents] == ["2024-03-05", "2024-03-07", "2024-03-10"]
    assert documents[0].source == server.url("/articles/market.html")
    assert dict(documents[0].meta)["guid"] == "herald-1001"
    assert dict(documents[0].meta)["feed"] == server.url("/feeds/teasers.rss")
    # the text is the page's article, not the feed's one-line summary
    assert "set fire to several stalls" in documents[0].body
    assert "Gunmen killed four traders in a market" not in documents[0].body
    for path, count in before.items():
        assert server.count(path) == count + 1


def test_full_text_in_feed_is_not_fetched(server):
    assert len(" ".join(HARVEN).split()) >= FULL_TEXT_WORDS
    (document,) = read_feed(server.url("/feeds/full.atom"), allow_private=True)
    assert isinstance(document, Document), document
    assert document.title == "Families flee fighting near Harven"
    assert document.published == "2024-02-19"
    assert document.source == server.url("/articles/harven-not-served.html")
    assert "Harven Defence Committee" in document.body
    assert dict(document.meta)["guid"] == "urn:uuid:harven-1"
    assert server.count("/articles/harven-not-served.html") == 0


def test_failing_item_named_and_the_rest_go_on(server):
    feed = server.url("/feeds/broken.rss")
    items = list(read_feed(feed, allow_private=True))
    assert [type(i) for i in items] == [Document, InputError, Document]
    assert items[1].source == f"{feed}:2"
    assert items[1].reason == f"HTTP 404 Not Found (link {server.url('/articles/gone.html')})"
    assert items[2].title == CONVOY[0]


def test_feed_file_item_links_go_through_the_guard(tmp_path, server):
    feed = tmp_path / "herald.rss"
    feed.write_text(rss([{"title": MARKET[0], "link": server.url("/articles/market.html"),
                          "guid": "f-1", "summary": "Market attacked."}]), encoding="utf-8")
    before = len(server.hits)
    (error,) = read_feed(str(feed))
    assert isinstance(error, InputError) and error.source == f"{feed}:1"
    assert error.reason.startswith("refused: 127.0.0.1 is a loopback address")
    assert len(server.hits) == before
    (document,) = read_feed(str(feed), allow_private=True)
    assert "set fire to several stalls" in document.body


def test_rss_file_full_content_and_teaser(tmp_path, server):
    feed = tmp_path / "valley.rss"
    feed.write_text(rss([
        {"title": "Families flee fighting near Harven", "guid": "v-1",
         "link": "http://herald.example/harven.html", "date": "Mon, 19 Feb 2024 08:30:00 GMT",
         "summary": "Fighting spread to Harven.", "content": paragraphs(HARVEN)},
        {"title": TRUCE[0], "guid": "v-2", "link": server.url("/articles/truce.html"),
         "date": "Sun, 10 Mar 2024 07:00:00 GMT", "summary": "Truce holds in Tarsa."},
    ]), encoding="utf-8")
    first, second = read_feed(str(feed), allow_private=True)
    # the first is read from content:encoded (its link's host does not even exist)
    assert first.source == "http://herald.example/harven.html"
    assert "asked for blood donations" in first.body and first.published == "2024-02-19"
    assert second.source == server.url("/articles/truce.html")
    assert "Farmers returned to fields" in second.body


def test_atom_file_and_item_without_link(tmp_path):
    feed = tmp_path / "coast.atom"
    feed.write_text(atom([
        {"id": "urn:uuid:salen-1", "title": "Coastal Front frees fishermen",
         "updated": "2024-02-20T09:00:00Z", "content": paragraphs(SALEN)},
        {"id": "urn:uuid:salen-2", "title": "Navy patrols resume", "updated":
         "2024-02-21T09:00:00Z", "summary": "Navy boats returned to the waters off Salen on "
         "Wednesday, fishermen said. The patrols had stopped in January."},
        {"id": "urn:uuid:salen-3", "title": "Photo", "updated": "2024-02-21T10:00:00Z",
         "summary": "Boats."},
    ]), encoding="utf-8")
    first, second, third = read_feed(str(feed))
    assert first.title == "Coastal Front frees fishermen" and first.published == "2024-02-20"
    assert first.source == f"{feed}:1"  # no link: the feed and the item's number
    assert "eleven fishermen" in first.body
    # a short item with no link to fetch is read from what the feed gives
    assert isinstance(second, Document) and "Navy boats returned" in second.body
    assert isinstance(third, InputError) and third.source == f"{feed}:3"
    assert third.reason == "item has no article text and no link"


def test_not_a_feed(tmp_path):
    (error,) = read_feed(str(tmp_path / "missing.rss"))
    assert error.reason.startswith("cannot read")
    page_file = tmp_path / "page.rss"
    page_file.write_text(page(*MARKET), encoding="utf-8")
    (error,) = read_feed(str(page_file))
    assert error.reason.startswith("not an RSS or Atom feed")


@pytest.mark.parametrize("head, is_feed", [
    ('<?xml version="1.0"?>\n<rss version="2.0"><channel>', True),
    ('<?xml version="1.0"?>\n<!-- made by hand -->\n<feed xmlns="http://www.w3.org/2005/Atom">',
     True),
    ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">', True),
    ('<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body>'
     "<p>Our feed is at <a href='/feed'>/feed</a>.</p>", False),
    ("<!DOCTYPE html><html><body><p>Read the feed.</p>", False),
    ("The rss of the feed.", False),
])
def test_feed_sniffing(head, is_feed):
    assert looks_like_feed(head.encode()) is is_feed


def test_folder_reads_feed_files_and_no_markdown(tmp_path):
    (tmp_path / "notes.md").write_text("# Notes\n\nNot an article.\n", encoding="utf-8")
    (tmp_path / "sitemap.xml").write_text('<?xml version="1.0"?><urlset></urlset>',
                                          encoding="utf-8")
    (tmp_path / "a.txt").write_text("Gunmen attack market\n\n" + " ".join(MARKET[2]) + "\n",
                                    encoding="utf-8")
    (tmp_path / "coast.atom").write_text(atom([
        {"id": "urn:uuid:salen-1", "title": "Coastal Front frees fishermen",
         "updated": "2024-02-20T09:00:00Z", "content": paragraphs(SALEN)}]), encoding="utf-8")
    items = list(read_paths([str(tmp_path)]))
    assert all(isinstance(i, Document) for i in items), items
    assert sorted(i.source for i in items) == sorted([str(tmp_path / "a.txt"),
                                                     f"{tmp_path / 'coast.atom'}:1"])
    # a feed named on its own is read whatever its extension
    named = tmp_path / "export.xml"
    named.write_text((tmp_path / "coast.atom").read_text("utf-8"), encoding="utf-8")
    (document,) = read_paths([str(named)])
    assert document.title == "Coastal Front frees fishermen"


def test_empty_folder_lists_the_extensions_read(tmp_path):
    (tmp_path / "notes.md").write_text("# Notes\n", encoding="utf-8")
    (error,) = read_paths([str(tmp_path)])
    assert error.reason == ("directory holds no .txt, .text, .html, .htm, .jsonl, .ndjson, "
                            ".rss or .atom files")


# -- the CLI, against a SQLite file ------------------------------------------------------

@pytest.fixture
def runner():
    return CliRunner(env={"COLUMNS": "250", "NO_COLOR": "1"})


def _documents(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT source, title FROM documents ORDER BY source").fetchall()


def test_ingest_urls_twice(runner, server, tmp_path):
    listed = tmp_path / "reading.txt"
    listed.write_text("# the morning's reading\n\n"
                      + "".join(server.url(p) + "\n" for p in ("/articles/market.html",
                                                               "/articles/convoy.html"))
                      + server.url("/feeds/full.atom") + "   # a feed: its items\n",
                      encoding="utf-8")
    db = tmp_path / "desk.db"
    args = ["ingest", "--urls", str(listed), "--allow-private-hosts", "--db", str(db),
            "--workers", "0"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "stored 3 new, 0 already stored, 0 failed" in words(first.stdout)
    assert [s for s, _ in _documents(db)] == sorted([
        server.url("/articles/convoy.html"), server.url("/articles/harven-not-served.html"),
        server.url("/articles/market.html")])
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "stored 0 new, 3 already stored, 0 failed" in words(again.stdout)
    store = open_store(str(db), create=False)
    try:
        assert store.counts()["documents"] == 3
    finally:
        store.close()
    shown = runner.invoke(app, ["show", "Kalvan Liberation Front", "--db", str(db)])
    assert shown.exit_code == 0, shown.output
    assert "Kalvan Liberation Front (armed_group)" in words(shown.stdout)
    assert "seen: 2 document(s), first 2024-03-05, last 2024-03-07" in words(shown.stdout)


def test_ingest_urls_and_feed_file_as_arguments(runner, server, tmp_path):
    feed = tmp_path / "coast.atom"
    feed.write_text(atom([{"id": "urn:uuid:salen-1", "title": "Coastal Front frees fishermen",
                           "updated": "2024-02-20T09:00:00Z", "content": paragraphs(SALEN)}]),
                    encoding="utf-8")
    db = tmp_path / "desk.db"
    result = runner.invoke(app, ["ingest", str(feed), server.url("/articles/truce.html"),
                                 "--allow-private-hosts", "--db", str(db), "--workers", "0"])
    assert result.exit_code == 0, result.output
    assert "stored 2 new" in words(result.stdout)
    assert {t for _, t in _documents(db)} == {"Coastal Front frees fishermen", TRUCE[0]}


def test_ingest_urls_refused_without_flag(runner, server, tmp_path):
    listed = tmp_path / "reading.txt"
    listed.write_text(server.url("/articles/market.html") + "\n", encoding="utf-8")
    before = len(server.hits)
    result = runner.invoke(app, ["ingest", "--urls", str(listed), "--db",
                                 str(tmp_path / "x.db"), "--workers", "0"])
    assert result.exit_code == 1
    assert ("refused: 127.0.0.1 is a loopback address; pass --allow-private-hosts to allow it"
            in words(result.stderr))
    assert "stored 0 new, 0 already stored, 1 failed" in words(result.stdout)
    assert len(server.hits) == before


def test_ingest_needs_something(runner, tmp_path):
    empty = tmp_path / "none.txt"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", "--urls", str(empty), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert "nothing to ingest" in words(result.stderr)


def test_watch_once_twice_deduplicates(runner, server, tmp_path):
    db = tmp_path / "watch.db"
    teasers, mirror = server.url("/feeds/teasers.rss"), server.url("/feeds/mirror.rss")
    args = ["watch", teasers, "--once", "--allow-private-hosts", "--db", str(db),
            "--workers", "0", "--every", "30s"]
    fetched_before = {p: server.count(p) for p in ("/articles/market.html",
                                                    "/articles/convoy.html",
                                                    "/articles/truce.html")}
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert re.search(r"poll 1: 1 feeds, 3 items, 0 met before; stored 3 new, 0 already "
                     r"stored, 0 failed; the store holds 3 documents", words(first.stdout))
    # a restart: the store remembers the GUIDs, so no article is fetched again
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "3 items, 3 met before; stored 0 new, 0 already stored, 0 failed" in \
        words(again.stdout)
    for path, count in fetched_before.items():
        assert server.count(path) == count + 1, path
    # another feed: a link met before is skipped unfetched (by URL); another address
    # serving the same bytes is fetched but not stored twice (by content hash)
    mirrored = runner.invoke(app, ["watch", mirror, "--once", "--allow-private-hosts",
                                   "--db", str(db), "--workers", "0"])
    assert mirrored.exit_code == 0, mirrored.output
    assert "2 items, 1 met before; stored 0 new, 1 already stored, 0 failed" in \
        words(mirrored.stdout)
    assert server.count("/articles/convoy.html") == fetched_before["/articles/convoy.html"] + 1
    assert len(_documents(db)) == 3
    shown = runner.invoke(app, ["show", "Northern Hills Brigade", "--db", str(db)])
    assert shown.exit_code == 0 and "Northern Hills Brigade (armed_group)" in words(shown.stdout)


def test_watch_failed_item_retried_then_given_up(runner, server, tmp_path):
    db = tmp_path / "watch.db"
    args = ["watch", server.url("/feeds/broken.rss"), "--once", "--allow-private-hosts",
            "--db", str(db), "--workers", "0"]
    gone = server.count("/articles/gone.html")
    first = runner.invoke(app, args)
    assert first.exit_code == 3, first.output  # stored two, one failed
    assert "stored 2 new, 0 already stored, 1 failed" in words(first.stdout)
    assert "HTTP 404 Not Found" in words(first.stderr)
    for _ in range(2):
        runner.invoke(app, args)
    assert server.count("/articles/gone.html") == gone + 3  # three attempts in all
    last = runner.invoke(app, args)
    assert last.exit_code == 0, last.output
    assert "3 items, 3 met before; stored 0 new" in words(last.stdout)
    assert server.count("/articles/gone.html") == gone + 3


def test_watch_refuses_private_feed_without_flag(runner, server, tmp_path):
    result = runner.invoke(app, ["watch", server.url("/feeds/teasers.rss"), "--once",
                                 "--db", str(tmp_path / "w.db"), "--workers", "0"])
    assert result.exit_code == 1
    assert "1 feeds (1 unreadable), 0 items" in words(result.stdout)
    assert "refused: 127.0.0.1 is a loopback address" in words(result.stderr)


@pytest.mark.parametrize("every, seconds", [("30s", 30), ("15m", 900), ("1h", 3600),
                                            ("45", 45), ("1.5h", 5400), (" 2 min ", 120)])
def test_interval(every, seconds):
    assert parse_interval(every) == seconds


@pytest.mark.parametrize("every", ["15x", "0s", "m", "-5m", "1h30m"])
def test_watch_rejects_bad_interval(runner, tmp_path, every):
    result = runner.invoke(app, ["watch", "feed.rss", "--every", every, "--once",
                                 "--db", str(tmp_path / "w.db"), "--workers", "0"])
    assert result.exit_code == 1
    assert words(result.stderr).startswith("error: --every:")
    assert not (tmp_path / "w.db").exists()  # refused before anything was opened


def test_watch_ctrl_c_keeps_what_was_committed(server, tmp_path):
    db = tmp_path / "watch.db"
    env = {**os.environ, "COLUMNS": "250", "NO_COLOR": "1"}
    process = subprocess.Popen(
        [str(DOSSIER), "watch", server.url("/feeds/teasers.rss"), "--every", "1h",
         "--allow-private-hosts", "--db", str(db), "--workers", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        ready, _, _ = select.select([process.stdout], [], [], 120)
        assert ready, "no poll line within 120 s"
        line = process.stdout.readline()  # the first poll's line: its items are committed
        assert "poll 1:" in line and "stored 3 new" in line, line
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert "interrupted: the store holds 3 documents" in words(stderr)
    assert len(_documents(db)) == 3
