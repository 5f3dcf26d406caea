"""Briefings: sections, strength over time, citations, and HTML that escapes article text."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from dossier import query
from dossier.brief import briefing, to_html, to_markdown
from conftest import store_of_articles
from dossier.cli import app

ARTICLES = {
    "a.txt": "Front grows\n\nTARTUS, March 3, 2019 — The Crescent Liberation Front has about 500 "
             "fighters, analysts said. The Crescent Liberation Front operates in Tartus. Omar "
             "Haddad, the leader of the Crescent Liberation Front, spoke on Monday.",
    "b.txt": "Front grows again\n\nTARTUS, May 9, 2021 — The Crescent Liberation Front now has "
             "more than 2,000 fighters, officials said. “We will <script>alert(1)</script> "
             "never surrender our arms,” said Omar Haddad.",
}


@pytest.fixture(scope="module")
def brief_db(tmp_path_factory):
    store, url = store_of_articles(tmp_path_factory, ARTICLES)
    yield store, url
    store.close()


def test_briefing_sections_and_citations(brief_db):
    store, _ = brief_db
    b = briefing(store, query.find(store, "Crescent Liberation Front")[0])
    titles = dict(b.sections)
    assert [line.text for line in titles["Leaders"]] == ["Omar Haddad"]
    # The dateline opens the sentence that gives each figure, so it dates the figure.
    assert [(c["min"], c["date"], c["dated_by"]) for c in b.strength] == [
        (500, "2019-03", "as of"), (2000, "2021-05", "as of")]
    cited = {n for _, lines in b.sections for line in lines for n in line.citations}
    assert cited and max(cited) <= len(b.citations)
    markdown = to_markdown(b)
    assert markdown.startswith("# Crescent Liberation Front")
    assert "| 2019-03 (as of) | about 500 |" in markdown
    assert "| more than 2,000 | Tartus |" in markdown
    for n, citation in enumerate(b.citations, 1):
        assert f"{n}. “{citation['evidence']}”" in markdown


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def test_html_briefing_has_a_chart(brief_db):
    store, _ = brief_db
    page = to_html(briefing(store, query.find(store, "Crescent Liberation Front")[0]))
    parser = _Collect()
    parser.feed(page)
    assert parser.tags.count("rect") == 2  # one bar per dated estimate
    assert len(re.findall(r'<li id="src\d+"', page)) >= 3


def test_html_briefing_escapes_article_text(brief_db):
    store, _ = brief_db
    page = to_html(briefing(store, query.find(store, "Omar Haddad")[0]))
    parser = _Collect()
    parser.feed(page)
    assert "script" not in parser.tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("fmt, marker", [("md", "## Leaders"), ("html", "<svg")])
def test_brief_command(brief_db, tmp_path, fmt, marker):
    _, url = brief_db
    out = tmp_path / f"brief.{fmt}"
    result = CliRunner().invoke(app, ["brief", "Crescent Liberation Front", "--format", fmt,
                                      "--output", str(out), "--db", url])
    assert result.exit_code == 0, result.output
    assert marker in out.read_text("utf-8")
