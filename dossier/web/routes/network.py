"""The network: relations around an entity, drawn with vis-network."""
from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from dossier import query, schema
from dossier.web.desk import DATE_PATTERN, MAX_ID, DeskDep

router = APIRouter()


@router.get("/graph", response_class=HTMLResponse)
def graph_page(request: Request, desk: DeskDep,
               around: int | None = Query(None, ge=1, le=MAX_ID),
               depth: int = Query(1, ge=1, le=3),
               as_of: str | None = Query(None, pattern=DATE_PATTERN),
               predicate: list[str] = Query([])):
    center = query.entity(desk.store, around) if around is not None else None
    return desk.page(request, "graph.html", center=center, depth=depth, as_of=as_of,
                     predicates=tuple(schema.load().predicates), chosen=predicate,
                     has_library=desk.graph_library)


@router.get("/api/graph")
def api_graph(desk: DeskDep, around: int | None = Query(None, ge=1, le=MAX_ID),
              depth: int = Query(1, ge=1, le=3),
              as_of: str | None = Query(None, pattern=DATE_PATTERN),
              predicate: list[str] = Query([])):
    return query.network(desk.store, around, depth, as_of, predicate)
