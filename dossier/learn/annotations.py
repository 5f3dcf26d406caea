"""Annotations of corpus texts kept in the project: the gold format with every
string copied from the article (evidence, quotes, titles) replaced by its
character offsets, so that no article text is copied into the project.

The text an offset points into is the corpus record laid out as
``title + "\\n\\n" + text + "\\n"`` (``ANNOTATING.md``); :func:`unpack` restores the
gold format from ``../shared/corpus/tnc-unlabelled.jsonl``.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dossier.ingest.text import read as read_text
from dossier.learn.corpus import Annotated
from dossier.model import Document

COPIED = ("title", "evidence", "text", "description")
"""Keys whose string values are copied from the article."""


def layout(record: dict[str, Any]) -> str:
    """A corpus record as its annotators read it."""
    return f"{record['title']}\n\n{record['text']}\n"


def pack(value: Any, text: str, key: str | None = None) -> Any:
    """``value`` with every copied string that occurs in ``text`` as ``{"span": [s, e]}``."""
    if isinstance(value, dict):
        return {k: pack(v, text, k) for k, v in value.items()}
    if isinstance(value, list):
        return [pack(v, text, key) for v in value]
    if key in COPIED and isinstance(value, str) and value and value in text:
        start = text.index(value)
        return {"span": [start, start + len(value)]}
    return value


def unpack(value: Any, text: str) -> Any:
    """The inverse of :func:`pack`."""
    if isinstance(value, dict):
        if set(value) == {"span"}:
            start, end = value["span"]
            return text[start:end]
        return {k: unpack(v, text) for k, v in value.items()}
    if isinstance(value, list):
        return [unpack(v, text) for v in value]
    return value


def read_corpus(path: Path) -> dict[int, dict[str, Any]]:
    """Corpus records by record number."""
    with path.open(encoding="utf-8") as lines:
        return {r["record"]: r for r in map(json.loads, lines) if r.get("record") is not None}


def read_annotations(folder: Path, corpus: dict[int, dict[str, Any]]) -> Iterator[Annotated]:
    """The packed annotations in ``folder``, unpacked against their corpus records."""
    for path in sorted(Path(folder).glob("*.json")):
        packed = json.loads(path.read_text(encoding="utf-8"))
        record = corpus.get(int(packed["id"].rsplit("-", 1)[1]))
        if record is None:
            continue
        text = layout(record)
        # Read as `dossier extract NAME.txt` reads the same text.
        document = next(iter(read_text(text.encode("utf-8"), f"{packed['id']}.txt")))
        if isinstance(document, Document):
            yield Annotated(packed["id"], document, unpack(packed, text), Path(folder).name)
