"""The timeline of dated events."""
from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from dossier import query
from dossier.web.desk import DeskDep

router = APIRouter()


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(request: Request, desk: DeskDep,
                  group: str | None = Query(None, max_length=200),
                  year: str | None = Query(None, pattern=r"^\d{4}$")):
    return desk.page(request, "timeline.html", events=query.timeline(desk.store, group, year),
                     group=group, year=year)


@router.get("/api/timeline")
def api_timeline(desk: DeskDep, group: str | None = Query(None, max_length=200),
                 year: str | None = Query(None, pattern=r"^\d{4}$")):
    return query.timeline(desk.store, group, year)
