"""RSS and Atom feeds: each item becomes one :class:`~dossier.model.Document`.

A feed comes from a file (``.rss``, ``.atom``, or any file whose content is a
feed: ``.xml`` usually) or a URL, fetched with :mod:`dossier.ingest.fetch` and
its guards. feedparser reads RSS 0.9x/1.0/2.0 and Atom; it never expands
entities a DTD declares, and its HTML sanitizer strips scripts from item content.

Each item keeps its title, its link (as the document's source), its date and
its GUID (``Document.meta``). Its text is the item's own content (the longest of
``content:encoded``/Atom ``content`` and the summary) when that holds a whole
article, ``FULL_TEXT_WORDS`` words or more; a shorter one is a teaser, and the
article is fetched from the item's link (same guards, same trafilatura
extraction as an HTML file). An item with a teaser and no link is read from the
teaser: there is nothing better to read.

An item that cannot be read comes back as an InputError naming the feed and the
item's number (``feed.xml:3``) and what went wrong; the other items go on.
"""
from __future__ import annotations

import html as html_escape
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import feedparser

from dossier.errors import InputError
from dossier.ingest import fetch, html
from dossier.ingest.dates import parse_date
from dossier.model import Document

FULL_TEXT_WORDS = 150
"""An item's own text of this many words or more is the article; fewer is a teaser
(feeds that carry only a lead paragraph give 30 to 80 words) and the article is
fetched from the item's link. Short news stories run from about 200 words, so
150 keeps them while no teaser reaches it."""
FEED_EXTENSIONS = (".rss", ".atom")
"""Extensions read as feeds, also when a folder is walked. ``.xml`` files given by
name are read as feeds when their content is one (see :func:`looks_like_feed`)
but are not picked up from folders: a folder's ``.xml`` files are as often
sitemaps or configuration as feeds."""
SNIFF_BYTES = 4096

_ROOT = re.compile(rb"<(?:rss|feed|rdf:rdf)[\s>]", re.I)


@dataclass(frozen=True)
class FeedItem:
    """One item of a feed, before its article is read.

    feed: the feed's path or URL. number: the item's place in it, from 1.
    guid: the RSS ``guid`` or Atom ``id``. link: an absolute http(s) URL without
    fragment, or None.
    published: ``YYYY-MM-DD``. content: the item's own text (HTML or plain),
    the fullest the feed gives. is_html: whether ``content`` is HTML.
    """

    feed: str
    number: int
    guid: str | None = None
    link: str | None = None
    title: str | None = None
    published: str | None = None
    content: str | None = None
    is_html: bool = True

    @property
    def label(self) -> str:
        """How the item is named in errors: the feed and the item's number."""
        return f"{self.feed}:{self.number}"


def is_url(source: str) -> bool:
    """True for an ``http://`` or ``https://`` URL (a file path otherwise)."""
    return source.lower().startswith(("http://", "https://"))


def looks_like_feed(raw: bytes) -> bool:
    """True when ``raw`` opens as an RSS or Atom document: its root element
    (after any XML declaration, comments and DOCTYPE) is ``rss``, ``feed`` or
    ``rdf:RDF``."""
    head = raw[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return False
    match = _ROOT.search(head)
    return bool(match) and b"<html" not in head[:match.start()].lower()


def parse(raw: bytes, source: str, content_type: str | None = None) -> list[FeedItem]:
    """The items of the feed in ``raw``; InputError when it is not a feed.

    content_type: the Content-Type the feed was served with, if any (its charset
    helps decoding).
    """
    headers = {"content-location": source} if is_url(source) else {}
    if content_type:
        headers["content-type"] = content_type
    # Bytes in a stream, never a string: feedparser would fetch a string that
    # looks like a URL itself, past every guard.
    parsed = feedparser.parse(io.BytesIO(raw), response_headers=headers)
    if not parsed.get("version"):
        problem = parsed.get("bozo_exception")
        raise InputError(source, "not an RSS or Atom feed" + (f" ({problem})" if problem else ""))
    items = [_item(entry, source, number) for number, entry in enumerate(parsed.entries, 1)]
    if not items:
        raise InputError(source, "feed holds no items")
    return items


def _item(entry, feed: str, number: int) -> FeedItem:
    link = (entry.get("link") or "").strip()
    link = urldefrag(urljoin(feed, link) if is_url(feed) else link)[0]
    # feedparser offers an Atom id or a GUID as the link when there is none
    # ("urn:uuid:..."); only a web address is a link to read or to record
    link = link if is_url(link) else None
    content, is_html = _content(entry)
    return FeedItem(feed=feed, number=number, guid=(entry.get("id") or "").strip() or None,
                    link=link, title=(entry.get("title") or "").strip() or None,
                    published=_published(entry), content=content, is_html=is_html)


def _content(entry) -> tuple[str | None, bool]:
    """The fullest text the item carries, and whether it is HTML."""
    candidates = [(c.get("value") or "", c.get("type") or "text/html")
                  for c in entry.get("content") or []]
    detail = entry.get("summary_detail") or {}
    if entry.get("summary"):
        candidates.append((entry["summary"], detail.get("type") or "text/html"))
    candidates = [(value, kind) for value, kind in candidates if value.strip()]
    if not candidates:
        return None, True
    value, kind = max(candidates, key=lambda c: len(c[0]))
    return value, "html" in kind


def _published(entry) -> str | None:
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday).isoformat()
            except ValueError:
                continue
    return parse_date(entry.get("published") or entry.get("updated"))


def item_document(item: FeedItem, allow_private: bool = False) -> Document:
    """The article of one feed item: its own text when that is a whole article,
    else the page at its link. Raises InputError naming the item.

    allow_private: fetch links that resolve to private addresses too
        (see :mod:`dossier.ingest.fetch`).
    """
    own = _own_text(item)
    if own is not None and (len((own.body or "").split()) >= FULL_TEXT_WORDS or not item.link):
        return own
    if not item.link:
        raise InputError(item.label, "item has no article text and no link")
    try:
        fetched = fetch.fetch(item.link, allow_private=allow_private)
        document = fetch.article(fetched, title=item.title, published=item.published,
                                 source=item.link)
    except InputError as exc:
        raise InputError(item.label, f"{exc.reason} (link {exc.source})") from exc
    return replace(document, meta=_meta(item))


def _own_text(item: FeedItem) -> Document | None:
    """The item's own text as a Document (None when it holds no article text).

    Its raw bytes are the content wrapped in a small HTML page, so that reading
    them again (``dossier reprocess``) extracts the same text.
    """
    if not item.content:
        return None
    body = item.content if item.is_html else "".join(
        f"<p>{html_escape.escape(p.strip())}</p>" for p in re.split(r"\n\s*\n", item.content)
        if p.strip())
    title = f"<title>{html_escape.escape(item.title)}</title>" if item.title else ""
    page = (f'<!DOCTYPE html><html><head><meta charset="utf-8">{title}</head>'
            f"<body><article>{body}</article></body></html>")
    try:
        document = html.from_html(page, page.encode("utf-8"), item.label, title=item.title,
                                  published=item.published, url=item.link, kind="html")
    except InputError:
        # no article in the item's own text: the caller fetches the link, or, with
        # none, reports the item as holding no article text
        return None
    return replace(document, meta=_meta(item))


def _meta(item: FeedItem) -> tuple[tuple[str, str], ...]:
    return tuple((key, value) for key, value in (("feed", item.feed), ("guid", item.guid),
                                                 ("link", item.link)) if value)


def load(source: str, allow_private: bool = False) -> list[FeedItem]:
    """The items of the feed at ``source``: a URL (fetched, guarded) or a file.

    Raises InputError naming ``source`` when it cannot be had or is no feed.
    """
    if is_url(source):
        fetched = fetch.fetch(source, allow_private=allow_private)
        return parse(fetched.raw, source, fetched.content_type)
    from dossier.ingest import MAX_FILE_BYTES  # the package imports this module

    path = Path(source)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(source, f"file too large: {size:,} bytes (limit {MAX_FILE_BYTES:,})")
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(source, f"cannot read: {exc.strerror or exc}") from exc
    return parse(raw, source)


def read(raw: bytes, source: str, allow_private: bool = False,
         content_type: str | None = None) -> Iterator[Document | InputError]:
    """One Document (or InputError) per item of the feed in ``raw`` (read from
    ``source``, served with ``content_type`` if it was fetched)."""
    try:
        items = parse(raw, source, content_type)
    except InputError as exc:
        yield exc
        return
    yield from _documents(items, allow_private)


def read_feed(source: str, allow_private: bool = False) -> Iterator[Document | InputError]:
    """One Document (or InputError) per item of the feed at ``source``, a URL or
    a file path; the feed itself unreadable is one InputError.

    allow_private: let the feed URL and item links reach private addresses.
    """
    try:
        items = load(source, allow_private)
    except InputError as exc:
        yield exc
        return
    yield from _documents(items, allow_private)


def _documents(items: list[FeedItem], allow_private: bool) -> Iterator[Document | InputError]:
    for item in items:
        try:
            yield item_document(item, allow_private)
        except InputError as exc:
            yield exc


def count_items(raw: bytes) -> int:
    """About how many items a feed holds (its ``<item`` and ``<entry`` tags), for
    progress; at least 1."""
    return max(1, len(re.findall(rb"<(?:item|entry)[\s>]", raw)))


__all__ = ["read_feed", "read", "load", "parse", "item_document", "looks_like_feed",
           "is_url", "FeedItem", "FULL_TEXT_WORDS", "FEED_EXTENSIONS"]
