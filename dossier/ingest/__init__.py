"""Sources → :class:`~dossier.model.Document`, one module per source kind.

``read_paths(paths)`` walks files, directories (recursively), ``-`` (stdin) and
http(s) URLs and yields either a Document or an
:class:`~dossier.errors.InputError` for each article, so that one bad file never
stops a batch. The caller decides what to do with the errors (the CLI prints one
line each and goes on).

A folder is walked for the extensions in ``READERS`` only: articles (``.txt``,
``.text``, ``.html``, ``.htm``), JSON Lines dumps (``.jsonl``, ``.ndjson``) and
feeds (``.rss``, ``.atom``). A file named on its own is read whatever its
extension: unknown ones by their first bytes (a feed, other markup, or text).
Feeds and URLs are read by :mod:`.feeds` and :mod:`.urls`, which fetch through
the guards of :mod:`.fetch`.
"""
from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from dossier.errors import InputError
from dossier.ingest import feeds, html, jsonl, text, urls
from dossier.model import Document

READERS = {
    ".txt": text.read,
    ".text": text.read,
    ".html": html.read,
    ".htm": html.read,
    ".jsonl": jsonl.read,
    ".ndjson": jsonl.read,
    **{extension: feeds.read for extension in feeds.FEED_EXTENSIONS},
}
MAX_FILE_BYTES = 50_000_000
"""Largest text or HTML file read; larger ones are refused. (JSONL dumps are
streamed, their limit is per line: ``jsonl.MAX_LINE_BYTES``.)"""


def read_paths(paths: Iterable[str], allow_private: bool = False
               ) -> Iterator[Document | InputError]:
    """Every article under ``paths``; unreadable ones come back as InputError.

    A path may be a file, a folder, ``-`` (stdin) or an http(s) URL (an article
    page or a feed). allow_private: let URLs, and the links of feed items, reach
    loopback, private and other non-public addresses (default: refused).
    """
    for raw_path in paths:
        if raw_path == "-":
            yield from _read_stdin(allow_private)
            continue
        if feeds.is_url(raw_path):
            yield from urls.read_url(raw_path, allow_private)
            continue
        path = Path(raw_path)
        if path.is_dir():
            files = _files_under(path)
            if not files:
                yield InputError(str(path), f"directory holds no {_extension_list()} files")
            for file in files:
                yield from read_file(file, allow_private)
        elif path.is_file():
            yield from read_file(path, allow_private)
        else:
            yield InputError(str(path), "no such file or directory")


def _extension_list() -> str:
    """The extensions a folder is walked for: ".txt, .text, ... or .atom"."""
    names = list(READERS)
    return ", ".join(names[:-1]) + f" or {names[-1]}"


def read_file(path: Path, allow_private: bool = False) -> Iterator[Document | InputError]:
    """The articles of one file, chosen by its extension (unknown ones by their
    first bytes: an RSS or Atom feed as a feed, other markup as HTML, anything
    else as text).

    JSONL dumps are streamed line by line, whatever their size; other files are
    read whole, up to ``MAX_FILE_BYTES``. allow_private: as for :func:`read_paths`
    (a feed's items may be fetched from their links).
    """
    if READERS.get(path.suffix.lower()) is jsonl.read:
        yield from jsonl.read_stream(path)
        return
    reader = READERS.get(path.suffix.lower())
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            yield InputError(str(path), f"file too large: {size:,} bytes "
                                        f"(limit {MAX_FILE_BYTES:,})")
            return
        raw = path.read_bytes()
    except OSError as exc:
        yield InputError(str(path), f"cannot read: {exc.strerror or exc}")
        return
    reader = reader or _sniff(raw, markup_only=True)
    if reader is feeds.read:
        yield from feeds.read(raw, str(path), allow_private)
    else:
        yield from reader(raw, str(path))


def _read_stdin(allow_private: bool = False) -> Iterator[Document | InputError]:
    raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        yield InputError("<stdin>", f"input too large (limit {MAX_FILE_BYTES:,} bytes)")
        return
    reader = _sniff(raw)
    if reader is feeds.read:
        yield from feeds.read(raw, "<stdin>", allow_private)
    else:
        yield from reader(raw, "<stdin>")


_MARKUP_STARTS = (b"<!doctype html", b"<html", b"<?xml", b"<rss", b"<feed")


def _sniff(raw: bytes, markup_only: bool = False):
    """The reader for bytes of no known extension, chosen by how they start:
    JSON lines (unless ``markup_only``), an RSS or Atom feed, other HTML or XML
    markup, or else text."""
    stripped = raw.lstrip()[:16].lower()
    if stripped.startswith(b"{") and not markup_only:
        return jsonl.read
    if feeds.looks_like_feed(raw):
        return feeds.read
    if stripped.startswith(_MARKUP_STARTS):
        return html.read
    return text.read


def count_documents(paths: Iterable[str]) -> int | None:
    """How many articles ``paths`` hold, cheaply (files, non-blank JSONL lines,
    the items of feed files), for progress and ETA; None when unknowable (stdin,
    URLs)."""
    total = 0
    for raw_path in paths:
        if raw_path == "-" or feeds.is_url(raw_path):
            return None
        path = Path(raw_path)
        files = _files_under(path) if path.is_dir() else [path]
        for file in files:
            reader = READERS.get(file.suffix.lower())
            if reader is jsonl.read:
                total += _count_lines(file)
            elif reader is feeds.read:
                total += _count_items(file)
            else:
                total += 1
    return total


def _files_under(folder: Path) -> list[Path]:
    """Article files under a folder, recursively, in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in READERS)


def _count_items(path: Path) -> int:
    """Items of a feed file (1 when it cannot be read or is too large to count)."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return 1
        return feeds.count_items(path.read_bytes())
    except OSError:
        return 1


def _count_lines(path: Path) -> int:
    """Lines of a file, counted in fixed-size chunks (a huge line is never held)."""
    lines, last = 0, b"\n"
    try:
        with path.open("rb") as file:
            while chunk := file.read(1 << 20):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError:
        return 1
    return lines + (last != b"\n")


__all__ = ["read_paths", "read_file", "count_documents", "READERS"]
