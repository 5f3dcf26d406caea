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
