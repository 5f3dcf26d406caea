"""Search: entities by any alias (or the closest names), documents by words."""
from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from dossier import query
from dossier.model import ENTITY_TYPES
from dossier.web.desk import DeskDep

router = APIRouter()
TYPE_PATTERN = "^(" + "|".join(ENTITY_TYPES) + ")$"


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, desk: DeskDep, q: str = Query("", max_length=200),
                type: str | None = Query(None, pattern=TYPE_PATTERN)):
    return desk.page(request, "search.html", result=query.search(desk.store, q.strip(), type),
                     types=ENTITY_TYPES)


@router.get("/api/search")
def api_search(desk: DeskDep, q: str = Query("", max_length=200),
               type: str | None = Query(None, pattern=TYPE_PATTERN)):
    return query.search(desk.store, q.strip(), type)
