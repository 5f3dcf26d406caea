"""The timeline of dated statements: filtered by entity (id or any alias), dates
and kind, a page at a time (:func:`dossier.query.timeline`)."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from dossier import query
from dossier.query.timeline import MAX_PER_PAGE, PER_PAGE, TIMELINE_KINDS
from dossier.web.desk import DATE_PATTERN, MAX_ID, DeskDep

router = APIRouter()
Kind = Literal[TIMELINE_KINDS]  # type: ignore[valid-type]
MAX_PAGE = 1_000_000  # a page past every row is empty, not an error
BOUND_PATTERN = "^$|" + DATE_PATTERN  # an empty box in the form: no bound


def timeline_data(desk: DeskDep,
                  entity: int | None = Query(None, ge=1, le=MAX_ID),
                  q: str | None = Query(None, max_length=200),
                  group: str | None = Query(None, max_length=200),
                  year: str | None = Query(None, pattern=r"^\d{4}$"),
                  date_from: str | None = Query(None, alias="from", pattern=BOUND_PATTERN),
                  date_to: str | None = Query(None, alias="to", pattern=BOUND_PATTERN),
                  kind: list[Kind] = Query([]),
                  page: int = Query(1, ge=1, le=MAX_PAGE),
                  per_page: int = Query(PER_PAGE, ge=1, le=MAX_PER_PAGE),
                  undated: bool = False) -> dict:
    """The page's and the API's one reading of the filters (``group`` is an old name
    of ``q``; ``year`` stands for from and to that year); 404 for an unknown entity."""
    data = query.timeline(desk.store, group, year, entity=entity, q=q or None,
                          date_from=date_from or None, date_to=date_to or None, kinds=kind,
                          page=page, per_page=per_page, undated=undated)
    if entity is not None and not data["filters"]["matched"]:
        raise HTTPException(404, f"no entity {entity}")
    return data


TimelineData = Annotated[dict, Depends(timeline_data)]


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(request: Request, desk: DeskDep, data: TimelineData):
    return desk.page(request, "timeline.html", t=data, kinds=TIMELINE_KINDS)


@router.get("/api/timeline")
def api_timeline(data: TimelineData):
    """Dated events (and, with ``kind``, dated strength claims and relation starts),
    oldest first: ``{rows, total, page, pages, per_page, dated_total,
    undated_total, filters, links}``."""
    return data
