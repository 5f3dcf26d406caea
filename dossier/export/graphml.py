"""GraphML: the relation graph with node types, edge predicates, dates and source counts."""
from __future__ import annotations

from pathlib import Path

import networkx as nx

from dossier.graph import build_graph
from dossier.store.base import Store


def export(store: Store, path: Path, ids: set[int] | None = None) -> list[Path]:
    graph = build_graph(store)
    nx.write_graphml(graph if ids is None else graph.subgraph(ids), path)
    return [path]
