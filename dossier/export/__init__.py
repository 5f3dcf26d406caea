"""Exports of the knowledge base, one module per format, chosen by name.

Each exporter is a function ``(store, path, ids=None) -> list[Path]`` returning
the files it wrote; ``ids`` limits it to those entities and the statements about
them (an entity's neighbourhood, :func:`neighbourhood`); STIX also takes a TLP
marking. The formats: ``graphml`` and ``gexf`` (the relation graph, for Gephi and networkx),
``csv`` (one file per table, for pandas and spreadsheets), ``jsonl`` (one JSON
object per entity or assertion) and ``stix`` (a STIX 2.1 bundle).
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dossier.errors import ExportError
from dossier.export import gexf, graphml, jsonl, stix, tables
from dossier.graph import build_graph
from dossier.store.base import Store

FORMATS: dict[str, Callable[..., list[Path]]] = {
    "graphml": graphml.export,
    "gexf": gexf.export,
    "csv": tables.export,
    "jsonl": jsonl.export,
    "stix": stix.export,
}


def neighbourhood(store: Store, around: int, depth: int = 1) -> set[int]:
    """The entities within ``depth`` relations of ``around``, itself included."""
    return set(build_graph(store, around=around, depth=depth).nodes) | {around}


def export(store: Store, fmt: str, path: Path, ids: set[int] | None = None,
           tlp: str = "clear") -> list[Path]:
    """Write the store (or the entities ``ids`` and what is said of them) in ``fmt``
    to ``path`` (a file, or a folder for csv); ``tlp`` is the TLP 2.0 marking of a
    STIX bundle (the only format that carries one)."""
    try:
        exporter = FORMATS[fmt]
    except KeyError:
        raise ExportError(f"unknown export format {fmt!r}; choose one of "
                          f"{', '.join(sorted(FORMATS))}") from None
    try:
        return exporter(store, path, ids, tlp) if fmt == "stix" else exporter(store, path, ids)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc


__all__ = ["FORMATS", "export", "neighbourhood"]
