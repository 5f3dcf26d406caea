"""JSON Lines dumps: one article a line, ``text`` or ``html``, optional
``title``, ``url`` and ``published``. A bad line is reported with its number;
the other lines go on."""
from __future__ import annotations

import json
from collections.abc import Iterator

from dossier.errors import InputError
from dossier.ingest.dates import parse_date
from dossier.ingest.html import from_html
from dossier.model import Document


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
