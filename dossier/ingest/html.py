"""HTML pages: main text, title and date pulled out with trafilatura."""
from __future__ import annotations

import re
from collections.abc import Iterator

import trafilatura

from dossier.clean import decode
from dossier.errors import InputError
from dossier.ingest.dates import parse_date
from dossier.model import Document


def read(raw: bytes, source: str) -> Iterator[Document | InputError]:
    """One Document from an HTML page, or an InputError saying why not."""
    try:
        markup, _ = decode(raw, source)
        yield from_html(markup, raw, source)
    except InputError as exc:
        yield exc


MIN_ARTICLE_WORDS = 8
"""Fewer words than this, or no sentence at all, is a page without an article
(trafilatura falls back to menu text when a page has nothing else)."""


def from_html(markup: str, raw: bytes, source: str, title: str | None = None,
              published: str | None = None, url: str | None = None,
              kind: str = "html") -> Document:
    """Extract the article from ``markup``; metadata given by the caller wins.

    Markup too deeply nested for the parser is refused with a reason; XML
    entities declared in a DTD are never expanded (the page is parsed as HTML).
    """
    try:
        extracted = trafilatura.bare_extraction(
            markup, url=url, include_comments=False, include_tables=False,
            with_metadata=True, favor_precision=True)
    except RecursionError as exc:
        raise InputError(source, "HTML nested too deeply to read") from exc
    body = getattr(extracted, "text", None) if extracted is not None else None
    if not body or len(body.split()) < MIN_ARTICLE_WORDS or not re.search(r"\w[.!?…]", body):
        raise InputError(source, "HTML holds no article text")
    meta_title = getattr(extracted, "title", None)
    meta_date = getattr(extracted, "date", None)
    return Document(raw=raw, source=url or source, title=title or meta_title,
                    published=parse_date(published) or parse_date(meta_date),
                    body=body, kind=kind)
