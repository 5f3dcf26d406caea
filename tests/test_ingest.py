"""Ingest: files, folders, JSONL and stdin become Documents; bad input one InputError each."""
from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path

import pytest

from dossier.assemble import prepare
from dossier.errors import InputError
from dossier.ingest import read_file, read_paths
from dossier.ingest.dates import dateline_date, parse_date
from dossier.model import Document

PLAIN = (
    "Militia quits river town after week of fighting\n"
    "\n"
    "PORT ELLIS, March 3, 2023 — Fighters of the River Front withdrew from the town on "
    "Friday after a week of clashes with the army, residents said.\n"
    "\n"
    "The group had held the market district since February.\n"
)

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Ferry service resumes on the northern lake | Lakeside Courier</title>
  <meta property="og:title" content="Ferry service resumes on the northern lake">
  <meta property="article:published_time" content="2022-05-14T08:00:00Z">
</head>
<body>
  <div id="cookie-banner" class="cookie-banner" role="dialog">
    <p>We use cookies to measure traffic. By continuing you accept our cookie policy.</p>
    <button type="button">Accept all</button>
  </div>
  <header>
    <nav class="main-menu"><ul>
      <li><a href="/">Homepage</a></li><li><a href="/weather">Weather desk</a></li>
      <li><a href="/subscribe">Subscribe today</a></li>
    </ul></nav>
  </header>
  <main>
    <article>
      <h1>Ferry service resumes on the northern lake</h1>
      <p>The ferry between Arlo and Benton resumed on Saturday after a two-month pause caused
      by low water, the transport office said. Boats will run twice a day until autumn.</p>
      <p>Traders in Benton welcomed the news. Fish and grain had piled up on the quay while the
      boats were idle, and prices in Arlo had nearly doubled over the spring.</p>
      <p>The office said it would dredge the channel near the southern jetty before the dry
      season returns, so that the service is not interrupted again next year.</p>
    </article>
  </main>
  <footer><p>Copyright Lakeside Courier. All rights reserved.</p>
    <p><a href="/terms">Terms of use</a></p></footer>
</body>
</html>
"""

NAV_ONLY_HTML = """<!DOCTYPE html>
<html><head><title>Index | Lakeside Courier</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/sport">Sport</a></li></ul></nav>
<footer><a href="/about">About</a> <a href="/contact">Contact</a></footer>
</body></html>
"""

PNG_BYTES = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10"
             b"\x08\x06\x00\x00\x00\x1f\xf3\xffa\x00\x00\x00\x00IEND\xaeB`\x82")


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def jsonl_line(**fields) -> str:
    return json.dumps(fields, ensure_ascii=False)


def only(items: list) -> Document | InputError:
    assert len(items) == 1, items
    return items[0]


# -- plain text ----------------------------------------------------------------

def test_text_file_title_date_and_id(tmp_path):
    path = write(tmp_path / "river.txt", PLAIN)
    doc = only(list(read_paths([str(path)])))
    assert isinstance(doc, Document)
    assert doc.title == "Militia quits river town after week of fighting"
    assert doc.published == "2023-03-03"
    assert doc.source == str(path)
    assert doc.kind == "text"
    assert doc.raw == path.read_bytes()
    assert doc.id == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("text, title", [
    ("Flood waters recede in the delta\n\nThe river fell on Monday.",
     "Flood waters recede in the delta"),
    ("Will the ceasefire hold?\n\nTalks resume on Monday.", "Will the ceasefire hold?"),
    # A first line that ends a sentence is prose, not a headline.
    ("The river fell on Monday.\n\nResidents returned home.", None),
    # No blank line under the first line: no headline.
    ("Flood waters recede\nThe river fell on Monday.", None),
    ("The river fell on Monday and residents returned home.", None),
    ("“We will stay,” the mayor said\n\nResidents returned home.",
     "“We will stay,” the mayor said"),
    ("x" * 201 + "\n\nBody text follows here.", None),
])
def test_text_headline(tmp_path, text, title):
    doc = only(list(read_paths([str(write(tmp_path / "a.txt", text))])))
    assert isinstance(doc, Document)
    assert doc.title == title


@pytest.mark.parametrize("text, published", [
    ("Headline here\n\nKABUL, Aug. 30, 2021 — Officials said on Monday.", "2021-08-30"),
    ("Headline here\n\nBAMAKO, Sept. 18, 2024 — Officials said on Monday.", "2024-09-18"),
    ("Headline here\n\nLAGOS, 7 June 2021 — Officials said on Monday.", "2021-06-07"),
    ("Headline here\n\nLAGOS, 2021-06-07 — Officials said on Monday.", "2021-06-07"),
    ("Headline here\n\nMOGADISHU (Wire) — The force gave way on Friday, April 1, 2022.",
     "2022-04-01"),
    ("Headline here\n\nOfficials said on Monday that the road was open.", None),
    ("Headline here\n\n" + "Nothing dated here. " * 20 + "Then on Jan. 5, 2020, it rained.", None),
    ("Headline here\n\nLAGOS, Feb. 30, 2021 — Officials said on Monday.", None),
])
def test_text_dateline(tmp_path, text, published):
    doc = only(list(read_paths([str(write(tmp_path / "a.txt", text))])))
    assert isinstance(doc, Document)
    assert doc.published == published


@pytest.mark.parametrize("value, expected", [
    ("2021-08-30", "2021-08-30"),
    ("2021-08-30T09:30:00Z", "2021-08-30"),
    ("Aug. 30, 2021", "2021-08-30"),
    ("30 August 2021", "2021-08-30"),
    ("", None),
    (None, None),
    ("sometime last year", None),
    ("August 2021", None),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["2021-13-45", "2021-02-30"])
def test_parse_date_rejects_impossible_iso_dates(value):
    assert parse_date(value) is None


def test_dateline_rejects_impossible_iso_date():
    assert dateline_date("LAGOS, 2021-02-30 — Officials said on Monday.") is None


def test_unknown_extension_read_as_text(tmp_path):
    path = write(tmp_path / "note.log", "Roads reopen\n\nThe army cleared the road on Friday.")
    doc = only(list(read_paths([str(path)])))
    assert isinstance(doc, Document)
    assert doc.title == "Roads reopen"
    assert prepare(doc).text.endswith("The army cleared the road on Friday.")


def test_invalid_utf8_text_is_decoded_not_refused(tmp_path):
    text = ("Café owners in Genève said the naïve plan – announced on Monday – "
            "would fail, and “nobody” believed it.")
    raw = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    path = write(tmp_path / "cafe.txt", raw)
    doc = only(list(read_paths([str(path)])))
    assert isinstance(doc, Document)
    assert doc.raw == raw
    cleaned = prepare(doc)
    assert cleaned.text == text
    assert cleaned.encoding != "utf-8"


def test_bundled_cp1252_sample_reads(samples_dir):
    doc = only(list(read_paths([str(samples_dir / "07-catatumbo-eln-dissidents.txt")])))
    assert isinstance(doc, Document)
    assert doc.published == "2025-01-20"
    text = prepare(doc).text
    assert "CÚCUTA, Colombia" in text
    assert "Antonio García" in text


def test_utf16_with_bom_is_text(tmp_path):
    text = "Ferry resumes\n\nThe ferry between Arlo and Benton resumed on Saturday."
    path = write(tmp_path / "ferry.txt", text.encode("utf-16"))
    doc = only(list(read_paths([str(path)])))
    assert isinstance(doc, Document)
    assert prepare(doc).text == text


# -- HTML ------------------------------------------------------------------------

def test_html_page_main_text_title_and_date(tmp_path):
    path = write(tmp_path / "ferry.html", ARTICLE_HTML)
    doc = only(list(read_paths([str(path)])))
    assert isinstance(doc, Document)
    assert doc.kind == "html"
    assert doc.title == "Ferry service resumes on the northern lake"
    assert doc.published == "2022-05-14"
    assert doc.raw == path.read_bytes()
    assert doc.id == hashlib.sha256(path.read_bytes()).hexdigest()
    body = doc.body
    assert "The ferry between Arlo and Benton resumed on Saturday" in body
    assert "dredge the channel" in body
    for chrome in ("cookie", "Accept all", "Homepage", "Weather desk", "Subscribe today",
                   "Copyright", "Terms of use"):
        assert chrome not in body, chrome


def test_bundled_html_sample(samples_dir):
    doc = only(list(read_paths([str(samples_dir / "10-wagner-africa-corps-mali.html")])))
    assert isinstance(doc, Document)
    assert doc.title.startswith("Wagner says it is leaving Mali")
    assert doc.published == "2025-06-07"
    assert "The Wagner Group, the Russian private military company" in doc.body
    assert "Touadéra" in doc.body
    for chrome in ("cookie", "Related stories", "Subscribe", "Terms & Conditions"):
        assert chrome not in doc.body, chrome




@pytest.mark.parametrize("markup", [
    NAV_ONLY_HTML,
    "<html><body></body></html>",
    '<html><body><div class="menu"><a href="/">Home</a> | <a href="/world">World</a></div>'
    "</body></html>",
    '<html><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>'
                 "</body></html>",
], ids=["nav-list", "empty-body", "menu-div", "bare-nav"])
def test_html_without_article_text(tmp_path, markup):
    path = write(tmp_path / "index.html", markup)
    error = only(list(read_paths([str(path)])))
    assert isinstance(error, InputError)
    assert str(error).startswith(f"{path}: ")
    assert "no article text" in error.reason


# -- JSON Lines ----------------------------------------------------------------

def test_jsonl_text_and_html_lines(tmp_path):
    lines = [
        jsonl_line(title="Bridge reopens in Arlo", url="https://example.test/arlo-bridge",
                   published="2020-02-11",
                   text="ARLO — The bridge reopened on Tuesday.\n\nTraffic was light."),
        "",
        jsonl_line(title="Ferry resumes", url="https://example.test/ferry",
                   published="May 14, 2022", html=ARTICLE_HTML),
        jsonl_line(text="The market in Benton was busy on Sunday."),
    ]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    first, second, third = list(read_paths([str(path)]))

    assert isinstance(first, Document)
    assert first.title == "Bridge reopens in Arlo"
    assert first.source == "https://example.test/arlo-bridge"
    assert first.published == "2020-02-11"
    assert first.body == "ARLO — The bridge reopened on Tuesday.\n\nTraffic was light."
    assert first.raw == lines[0].encode("utf-8")
    assert first.id == hashlib.sha256(lines[0].encode("utf-8")).hexdigest()

    assert isinstance(second, Document)
    assert second.title == "Ferry resumes"
    assert second.source == "https://example.test/ferry"
    assert second.published == "2022-05-14"
    assert "The ferry between Arlo and Benton resumed on Saturday" in second.body
    assert "Accept all" not in second.body

    assert isinstance(third, Document)
    assert third.title is None and third.published is None
    assert third.source == f"{path}:4"
    assert third.body == "The market in Benton was busy on Sunday."


def test_bundled_jsonl_sample(samples_dir):
    docs = list(read_paths([str(samples_dir / "11-wire-feed.jsonl")]))
    assert [type(d) for d in docs] == [Document, Document]
    assert [d.published for d in docs] == ["2014-09-06", "2024-03-18"]
    assert docs[0].source == "https://example.org/wire/2014/09/06/al-shabaab-names-new-leader"
    assert "al-Shabaab" in docs[0].body
    assert docs[0].id != docs[1].id


@pytest.mark.parametrize("line, reason", [
    ('{"title": "Cut off", "text": "The bridge', "not valid JSON"),
    ("not json at all", "not valid JSON"),
    ('{"title": "No body", "url": "https://example.test/x"}', "no 'text' or 'html'"),
    ('{"title": "Blank body", "text": "   "}', "no 'text' or 'html'"),
    ('["a list", "not an object"]', "JSON object"),
    ('{"text": 42}', "'text' must be a string"),
    ('{"text": "Fine text.", "published": 2020}', "'published' must be a string"),
    ('{"html": "<html><head><title>Index</title></head><body><nav><ul><li><a href=\\"/\\">'
     'Home</a></li><li><a href=\\"/w\\">World</a></li></ul></nav></body></html>"}',
     "no article text"),
    ('{"html": "<html><body><nav><a href=\\"/\\">Home</a></nav></body></html>"}',
     "no article text"),
], ids=["cut-off", "not-json", "no-body", "blank-body", "list", "int-text", "int-published",
        "nav-list-html", "bare-nav-html"])
def test_jsonl_bad_line_named_with_line_number(tmp_path, line, reason):
    good = jsonl_line(text="The market in Benton was busy on Sunday.")
    path = write(tmp_path / "feed.jsonl", "\n".join([good, line, good.replace("Sunday", "Monday")]))
    first, bad, last = list(read_paths([str(path)]))
    assert isinstance(first, Document) and isinstance(last, Document)
    assert last.body == "The market in Benton was busy on Monday."
    assert isinstance(bad, InputError)
    assert bad.source == f"{path}:2"
    assert str(bad).startswith(f"{path}:2: ")
    assert reason in bad.reason


def test_jsonl_blank_text_falls_back_to_html(tmp_path):
    path = write(tmp_path / "feed.jsonl", jsonl_line(text="  ", html=ARTICLE_HTML))
    doc = only(list(read_paths([str(path)])))
    assert isinstance(doc, Document)
    assert "The ferry between Arlo and Benton" in doc.body


# -- bad files -------------------------------------------------------------------

@pytest.mark.parametrize("name, data, reason", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\n \t\n", "empty"),
    ("empty.html", b"", "empty"),
    ("nul.txt", b"Some words\x00\x00\x00 and more words", "binary"),
    ("image.txt", PNG_BYTES, "binary"),
    ("image.png", PNG_BYTES, "binary"),
    ("image.html", PNG_BYTES, "binary"),
    ("controls.txt", b"\x01\x02\x03\x04\x05\x06" * 20, "binary"),
])
def test_bad_file_gives_one_input_error(tmp_path, name, data, reason):
    path = write(tmp_path / name, data)
    error = only(list(read_paths([str(path)])))
    assert isinstance(error, InputError)
    assert error.source == str(path)
    assert str(error) == f"{path}: {error.reason}"
    assert reason in error.reason


@pytest.mark.parametrize("data", [b"", b"\n\n  \n"], ids=["empty", "blank-lines"])
def test_empty_jsonl_gives_one_input_error(tmp_path, data):
    path = write(tmp_path / "empty.jsonl", data)
    error = only(list(read_paths([str(path)])))
    assert isinstance(error, InputError)
    assert str(path) in str(error)


def test_missing_path(tmp_path):
    missing = tmp_path / "nowhere" / "gone.txt"
    error = only(list(read_paths([str(missing)])))
    assert isinstance(error, InputError)
    assert str(error) == f"{missing}: no such file or directory"


def test_bad_inputs_do_not_stop_the_batch(tmp_path):
    good1 = write(tmp_path / "a.txt", PLAIN)
    empty = write(tmp_path / "b.txt", b"")
    binary = write(tmp_path / "c.txt", PNG_BYTES)
    nav = write(tmp_path / "d.html", NAV_ONLY_HTML)
    good2 = write(tmp_path / "e.html", ARTICLE_HTML)
    missing = tmp_path / "f.txt"
    items = list(read_paths([str(p) for p in (good1, empty, binary, nav, missing, good2)]))
    assert [type(i) for i in items] == [Document, InputError, InputError, InputError,
                                        InputError, Document]
    assert [i.source for i in items] == [str(p) for p in (good1, empty, binary, nav,
                                                          missing, good2)]


# -- directories -----------------------------------------------------------------

def test_directory_recursive_known_extensions_only(tmp_path):
    root = tmp_path / "in"
    write(root / "a.txt", PLAIN)
    write(root / "sub" / "b.html", ARTICLE_HTML)
    write(root / "sub" / "deeper" / "c.jsonl",
          jsonl_line(text="One line.") + "\n" + jsonl_line(text="Another line.") + "\n")
    write(root / "sub" / "D.TXT", "Upper case suffix\n\nStill an article.")
    write(root / "image.png", PNG_BYTES)
    write(root / "notes.csv", "a,b\n1,2\n")
    write(root / "sub" / "README", "No extension.")
    items = list(read_paths([str(root)]))
    assert all(isinstance(i, Document) for i in items), items
    sources = sorted(i.source for i in items)
    assert sources == sorted([
        str(root / "a.txt"), str(root / "sub" / "b.html"), str(root / "sub" / "D.TXT"),
        f"{root / 'sub' / 'deeper' / 'c.jsonl'}:1", f"{root / 'sub' / 'deeper' / 'c.jsonl'}:2",
    ])


def test_directory_with_bad_file_goes_on(tmp_path):
    write(tmp_path / "a.txt", PLAIN)
    write(tmp_path / "b.txt", b"")
    write(tmp_path / "c.txt", "Second article\n\nThe ferry ran late.")
    items = list(read_paths([str(tmp_path)]))
    assert [type(i) for i in items] == [Document, InputError, Document]
    assert items[1].source == str(tmp_path / "b.txt")


def test_directory_without_articles(tmp_path):
    write(tmp_path / "image.png", PNG_BYTES)
    error = only(list(read_paths([str(tmp_path)])))
    assert isinstance(error, InputError)
    assert error.source == str(tmp_path)
    assert "no .txt, .text, .html, .htm, .jsonl, .ndjson, .rss or .atom files" in error.reason


def test_bundled_samples_directory(samples_dir):
    items = list(read_paths([str(samples_dir)]))
    assert all(isinstance(i, Document) for i in items), items
    assert len(items) == 12
    assert len({i.id for i in items}) == 12
    assert all(i.published for i in items)


def test_read_file_matches_read_paths(tmp_path):
    path = write(tmp_path / "a.txt", PLAIN)
    assert list(read_file(path)) == list(read_paths([str(path)]))


# -- stdin -----------------------------------------------------------------------

@pytest.mark.parametrize("data, kind, title", [
    (PLAIN.encode("utf-8"), "text", "Militia quits river town after week of fighting"),
    (ARTICLE_HTML.encode("utf-8"), "html", "Ferry service resumes on the northern lake"),
    ((jsonl_line(title="Bridge reopens", text="The bridge reopened.") + "\n").encode("utf-8"),
     "jsonl", "Bridge reopens"),
])
def test_stdin(monkeypatch, data, kind, title):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    doc = only(list(read_paths(["-"])))
    assert isinstance(doc, Document)
    assert doc.kind == kind
    assert doc.title == title
    if kind != "jsonl":
        assert doc.raw == data
        assert doc.id == hashlib.sha256(data).hexdigest()


def test_stdin_empty(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8"))
    error = only(list(read_paths(["-"])))
    assert isinstance(error, InputError)
    assert str(error) == "<stdin>: empty file: no text to read"
