"""JSON Lines dumps: one article a line, ``text`` or ``html``, optional
``title``, ``url`` and ``published``. A bad line is reported with its number;
the other lines go on.

A dump of a year of news is large, so files are read as a stream of lines
(:func:`read_stream`): memory holds one line at a time, and a line longer than
``MAX_LINE_BYTES`` is refused without being held whole.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from dossier.errors import InputError
from dossier.ingest.dates import parse_date
from dossier.ingest.html import from_html
from dossier.model import Document

MAX_LINE_BYTES = 10_000_000
"""Longest JSONL line (one article, its HTML included) that is read."""
CHUNK_BYTES = 1 << 20


def read(raw: bytes, source: str) -> Iterator[Document | InputError]:
    """One Document (or InputError) per non-blank line."""
    if not raw.strip():
        yield InputError(source, "empty file: no JSON lines to read")
        return
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            yield parse_line(line, where)
        except InputError as exc:
            yield exc


def read_stream(path: Path) -> Iterator[Document | InputError]:
    """One Document (or InputError) per non-blank line of the file at ``path``."""
    try:
        with path.open("rb") as file:
            blank = True
            for number, line in _lines(file):
                where = f"{path}:{number}"
                if line is None:
                    blank = False
                    yield InputError(where, f"line too long (limit {MAX_LINE_BYTES:,} bytes)")
                    continue
                if not line.strip():
                    continue
                blank = False
                try:
                    yield parse_line(line, where)
                except InputError as exc:
                    yield exc
    except OSError as exc:
        yield InputError(str(path), f"cannot read: {exc.strerror or exc}")
        return
    if blank:
        yield InputError(str(path), "empty file: no JSON lines to read")


def _lines(file: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) for each line; ``None`` for a line over the limit,
    which is skipped in chunks rather than read whole."""
    number = 0
    while True:
        line = file.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = file.readline(CHUNK_BYTES)
            yield number, None
            continue
        # Without its line break, as the id of a line has always been.
        yield number, line.rstrip(b"\n").rstrip(b"\r")


def parse_line(line: bytes, where: str) -> Document:
    """Parse one JSONL line into a Document; raise InputError naming ``where``."""
    try:
        item = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(where, f"not valid JSON ({exc})") from exc
    if not isinstance(item, dict):
        raise InputError(where, "expected a JSON object with 'text' or 'html'")
    title, url, published = (_opt_str(item, k, where) for k in ("title", "url", "published"))
    text, markup = _opt_str(item, "text", where), _opt_str(item, "html", where)
    if markup and not (text and text.strip()):
        return from_html(markup, line, where, title=title, published=published, url=url,
                         kind="jsonl")
    if not text or not text.strip():
        raise InputError(where, "no 'text' or 'html' field with content")
    return Document(raw=line, source=url or where, title=title,
                    published=parse_date(published), body=text, kind="jsonl")


def _opt_str(item: dict, key: str, where: str) -> str | None:
    value = item.get(key)
    if value is None or isinstance(value, str):
        return value
    raise InputError(where, f"field '{key}' must be a string, got {type(value).__name__}")
