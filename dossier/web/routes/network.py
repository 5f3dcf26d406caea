"""The network: relations around an entity, drawn with vis-network; the evidence
of one edge."""
from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from dossier import query, schema
from dossier.query.network import DEFAULT_LIMIT, MAX_LIMIT, edge_evidence
from dossier.web.desk import DATE_PATTERN, MAX_ID, DeskDep

router = APIRouter()
PREDICATE_PATTERN = "^(" + "|".join(schema.load().predicates) + ")$"
FORM_DATE_PATTERN = "^$|" + DATE_PATTERN  # the page's form sends an empty "as of"


def _graph_query(around: int | None, depth: int, as_of: str | None,
                 predicate: list[str], limit: int) -> str:
    """The query string of a graph view (the page's and its API's)."""
    pairs = [("around", around), ("depth", depth), ("as_of", as_of),
             *(("predicate", p) for p in predicate), ("limit", limit)]
    return urlencode([(k, v) for k, v in pairs if v is not None])


@router.get("/graph", response_class=HTMLResponse)
def graph_page(request: Request, desk: DeskDep,
               around: int | None = Query(None, ge=1, le=MAX_ID),
               name: str = Query("", max_length=200),
               depth: int = Query(1, ge=1, le=3),
               as_of: str | None = Query(None, pattern=FORM_DATE_PATTERN),
               predicate: list[str] = Query([]),
               limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)):
    """The network page. ``name`` (any alias) chooses the centre: one entity
    known by it redirects to its graph; several are listed to choose from; none
    is said so, with the closest known names."""
    name, as_of = name.strip(), as_of or None
    matches, suggestions, status = [], [], 200
    if name:
        matches = query.find(desk.store, name)
        if len(matches) == 1:
            return RedirectResponse(
                "/graph?" + _graph_query(matches[0].id, depth, as_of, predicate, limit), 303)
        if not matches:
            suggestions = query.suggestions(desk.store, name)
    center = query.entity(desk.store, around) if around is not None else None
    if around is not None and center is None:
        status = 404
    return desk.page(
        request, "graph.html", status_code=status, center=center, around=around, asked=name,
        matches=matches, suggestions=suggestions, depth=depth, as_of=as_of,
        predicates=tuple(schema.load().predicates), chosen=predicate, limit=limit,
        types=schema.load().entity_types, has_library=desk.graph_library,
        source="/api/graph?" + _graph_query(around, depth, as_of, predicate, limit),
        more="/graph?" + _graph_query(around, depth, as_of, predicate,
                                      min(limit * 2, MAX_LIMIT)),
        can_show_more=limit < MAX_LIMIT)


@router.get("/api/graph")
def api_graph(desk: DeskDep, around: int | None = Query(None, ge=1, le=MAX_ID),
              depth: int = Query(1, ge=1, le=3),
              as_of: str | None = Query(None, pattern=DATE_PATTERN),
              predicate: list[str] = Query([]),
              limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)):
    """At most ``limit`` entities around ``around`` (the whole store without it)
    and the relations among them; ``cut`` and ``total_nodes`` say what was left
    out (:func:`dossier.query.network`)."""
    if around is not None and query.entity(desk.store, around) is None:
        raise HTTPException(404, f"no entity {around}")
    return query.network(desk.store, around, depth, as_of, predicate, limit)


@router.get("/api/graph/edge")
def api_graph_edge(desk: DeskDep, subject: int = Query(ge=1, le=MAX_ID),
                   predicate: str = Query(pattern=PREDICATE_PATTERN),
                   object: int = Query(ge=1, le=MAX_ID)):
    """The sentences that state one edge, with links to them in their documents."""
    found = edge_evidence(desk.store, subject, predicate, object)
    if found is None:
        raise HTTPException(404, f"no relation {subject} {predicate} {object}")
    return found
