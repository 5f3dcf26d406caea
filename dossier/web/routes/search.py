"""Search: entities by any alias or the words of their names, counted by type;
documents by words, paged, with the matched words marked."""
from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from dossier import query
from dossier.model import ENTITY_TYPES
from dossier.web.desk import DeskDep

router = APIRouter()
TYPE_PATTERN = "^(" + "|".join(ENTITY_TYPES) + ")$"
MAX_PAGE = 1_000_000  # a page past every document is empty, not an error


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, desk: DeskDep, q: str = Query("", max_length=200),
                type: str | None = Query(None, pattern=TYPE_PATTERN),
                page: int = Query(1, ge=1, le=MAX_PAGE)):
    return desk.page(request, "search.html",
                     result=query.search(desk.store, q.strip(), type, page), types=ENTITY_TYPES)


@router.get("/api/search")
def api_search(desk: DeskDep, q: str = Query("", max_length=200),
               type: str | None = Query(None, pattern=TYPE_PATTERN),
               page: int = Query(1, ge=1, le=MAX_PAGE)):
    """``{query, type, entities, entity_counts, entities_total, entities_capped,
    documents (each with snippet and snippet_parts), total_documents, page, pages,
    per_page}``."""
    return query.search(desk.store, q.strip(), type, page)
