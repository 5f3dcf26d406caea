"""Annotated documents: gold (two readers) and silver (one reader) files in
``NAME.txt`` + ``NAME.gold.json`` folders, read as ``dossier extract`` reads them."""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier.errors import InputError
from dossier.evaluate import gold_pairs
from dossier.ingest import read_file
from dossier.model import Document


@dataclass(frozen=True)
class Annotated:
    """One annotated text: the document as Dossier reads it, and its annotation."""

    name: str
    document: Document
    gold: dict[str, Any]
    folder: str  # where it came from: "dev", "train", ...


def read_folder(folder: Path) -> Iterator[Annotated]:
    """Every ``NAME.txt`` with ``NAME.gold.json`` beside it."""
    for name, text_file, gold_file in gold_pairs(folder):
        document = next(iter(read_file(text_file)), None)
        if document is None or isinstance(document, InputError):
            continue
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        yield Annotated(name, document, gold, folder.name)


def read_folders(folders: Iterable[Path]) -> list[Annotated]:
    """The annotated texts of several folders, in a stable order."""
    return [item for folder in folders for item in read_folder(Path(folder))]


NEAR_COPY = 0.3
"""Share of a text's word 5-grams found in one scored text above which it is a near copy."""


def _shingles(item: Annotated) -> set[str]:
    document = item.document
    text = document.body if document.body is not None else document.raw.decode("utf-8", "replace")
    words = text.casefold().split()
    return {" ".join(words[i:i + 5]) for i in range(len(words) - 4)}


def without_near_copies(extra: list[Annotated], scored: list[Annotated]) -> list[Annotated]:
    """``extra`` less the texts that nearly copy a scored one (the same wire story
    in two places): training on them would leak the scored text into its fold."""
    known = [_shingles(item) for item in scored]
    out = []
    for item in extra:
        own = _shingles(item)
        if not own or all(len(own & k) / len(own) < NEAR_COPY for k in known):
            out.append(item)
    return out
