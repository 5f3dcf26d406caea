"""Sources → :class:`~dossier.model.Document`, one module per source kind.

``read_paths(paths)`` walks files, directories (recursively) and ``-`` (stdin)
and yields either a Document or an :class:`~dossier.errors.InputError` for each
article, so that one bad file never stops a batch. The caller decides what to do
with the errors (the CLI prints one line each and goes on).
"""
from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from dossier.errors import InputError
from dossier.ingest import html, jsonl, text
from dossier.model import Document

READERS = {
    ".txt": text.read,
    ".text": text.read,
    ".md": text.read,
    ".html": html.read,
    ".htm": html.read,
    ".jsonl": jsonl.read,
    ".ndjson": jsonl.read,
}
MAX_FILE_BYTES = 50_000_000
"""Largest text or HTML file read; larger ones are refused. (JSONL dumps are
streamed, their limit is per line: ``jsonl.MAX_LINE_BYTES``.)"""


def read_paths(paths: Iterable[str]) -> Iterator[Document | InputError]:
    """Every article under ``paths``; unreadable ones come back as InputError."""
    for raw_path in paths:
        if raw_path == "-":
            yield from _read_stdin()
            continue
        path = Path(raw_path)
        if path.is_dir():
            files = _files_under(path)
            if not files:
                yield InputError(str(path), "directory holds no .txt, .html or .jsonl files")
            for file in files:
                yield from read_file(file)
        elif path.is_file():
            yield from read_file(path)
        else:
            yield InputError(str(path), "no such file or directory")


def read_file(path: Path) -> Iterator[Document | InputError]:
    """The articles of one file, chosen by its extension (unknown ones by their
    first bytes: markup such as an XML feed as HTML, anything else as text).

    JSONL dumps are streamed line by line, whatever their size; other files are
    read whole, up to ``MAX_FILE_BYTES``.
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
    yield from (reader or _sniff(raw, markup_only=True))(raw, str(path))


def _read_stdin() -> Iterator[Document | InputError]:
    raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        yield InputError("<stdin>", f"input too large (limit {MAX_FILE_BYTES:,} bytes)")
        return
    yield from _sniff(raw)(raw, "<stdin>")


_MARKUP_STARTS = (b"<!doctype html", b"<html", b"<?xml", b"<rss", b"<feed")


def _sniff(raw: bytes, markup_only: bool = False):
    """The reader for bytes of no known extension, chosen by how they start:
    JSON lines (unless ``markup_only``), HTML or XML markup, or else text."""
    stripped = raw.lstrip()[:16].lower()
    if stripped.startswith(b"{") and not markup_only:
        return jsonl.read
    if stripped.startswith(_MARKUP_STARTS):
        return html.read
    return text.read


def count_documents(paths: Iterable[str]) -> int | None:
    """How many articles ``paths`` hold, cheaply (files, and non-blank JSONL
    lines), for progress and ETA; None when unknowable (stdin)."""
    total = 0
    for raw_path in paths:
        if raw_path == "-":
            return None
        path = Path(raw_path)
        files = _files_under(path) if path.is_dir() else [path]
        for file in files:
            total += _count_lines(file) if READERS.get(file.suffix.lower()) is jsonl.read else 1
    return total


def _files_under(folder: Path) -> list[Path]:
    """Article files under a folder, recursively, in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in READERS)


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
