"""URLs → Documents: one URL (an article page, or a feed read item by item) and
files that list URLs, one a line (``dossier ingest --urls FILE``).

Every URL is fetched with :mod:`dossier.ingest.fetch` and its guards; a private
address is refused unless ``allow_private``.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from dossier.errors import InputError
from dossier.ingest import feeds, fetch
from dossier.model import Document

MAX_LIST_BYTES = 10_000_000
"""Largest URL list read (about 100,000 URLs)."""


def read_url(url: str, allow_private: bool = False) -> Iterator[Document | InputError]:
    """The article at ``url`` (HTML through trafilatura, as for files), or, when
    the URL serves a feed, one Document per item; failures as InputError.

    allow_private: let the URL (and a feed's item links) reach loopback, private
        and other non-public addresses.
    """
    try:
        fetched = fetch.fetch(url, allow_private=allow_private)
    except InputError as exc:
        yield exc
        return
    if feeds.looks_like_feed(fetched.raw):
        yield from feeds.read(fetched.raw, url, allow_private, fetched.content_type)
        return
    try:
        yield fetch.article(fetched, source=url)
    except InputError as exc:
        yield exc


def read_urls(urls: Iterable[str], allow_private: bool = False
              ) -> Iterator[Document | InputError]:
    """:func:`read_url` over each of ``urls`` in turn; one failing never stops the rest."""
    for url in urls:
        yield from read_url(url, allow_private)


def url_list(path: str | Path) -> list[str]:
    """The URLs listed in a file, one a line; blank lines and ``#`` comments
    (whole lines, or after a space) are skipped. Raises InputError naming the file
    and line of anything that is not an http(s) URL, or when it cannot be read."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_LIST_BYTES:
            raise InputError(str(path), f"URL list too large (limit {MAX_LIST_BYTES:,} bytes)")
        lines = path.read_text("utf-8-sig").splitlines()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(str(path), "URL list is not UTF-8 text") from exc
    urls = []
    for number, line in enumerate(lines, 1):
        url = line.split(" #", 1)[0].strip()
        if not url or url.startswith("#"):
            continue
        if not feeds.is_url(url) or any(c.isspace() for c in url):
            raise InputError(f"{path}:{number}", f"not an http(s) URL: {url[:200]!r}")
        urls.append(url)
    return urls


__all__ = ["read_url", "read_urls", "url_list", "MAX_LIST_BYTES"]
