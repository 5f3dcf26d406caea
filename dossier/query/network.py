"""The network page: the relation graph around an entity, as nodes and edges."""
from __future__ import annotations

from dossier import schema
from dossier.graph import build_graph
from dossier.store.base import Store


def network(store: Store, around: int | None = None, depth: int = 1,
            as_of: str | None = None, predicates: list[str] | None = None) -> dict:
    """Nodes and edges of the graph (around an entity, to ``depth``), relations
    restricted to ``predicates`` when given."""
    graph = build_graph(store, around=around, depth=depth, as_of=as_of)
    symmetric = schema.load().symmetric
    edges = [{"from": s, "to": o, "predicate": d["predicate"], "since": d["since"],
              "symmetric": d["predicate"] in symmetric, "sources": d["sources"]}
             for s, o, d in graph.edges(data=True)
             if not predicates or d["predicate"] in predicates]
    used = {e["from"] for e in edges} | {e["to"] for e in edges}
    if around is not None:
        used.add(around)
    nodes = [{"id": n, "label": graph.nodes[n]["name"], "type": graph.nodes[n]["type"]}
             for n in graph.nodes if n in used]
    return {"nodes": nodes, "edges": edges}
