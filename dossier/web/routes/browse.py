"""Home and documents: the latest articles, the most named groups, one article
with the cited words highlighted."""
from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response

from dossier import query
from dossier.web.desk import DeskDep

router = APIRouter()


@router.get("/favicon.ico", include_in_schema=False)
def favicon():
    return Response(status_code=204)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, desk: DeskDep):
    return desk.page(request, "home.html", documents=query.recent_documents(desk.store, 20),
                     groups=query.top_groups(desk.store, 20))


@router.get("/api/home")
def api_home(desk: DeskDep):
    return {"documents": [{"id": d.id, "title": d.title or d.source, "date": d.date}
                          for d in query.recent_documents(desk.store, 20)],
            "groups": [{"id": e.id, "name": e.name, "documents": n}
                       for e, n in query.top_groups(desk.store, 20)]}


@router.get("/document/{document_id}", response_class=HTMLResponse)
def document_page(request: Request, desk: DeskDep, document_id: str,
                  span: str | None = Query(None, pattern=r"^\d+-\d+$")):
    """One article; ``?span=START-END`` highlights the cited words."""
    doc = query.document(desk.store, document_id)
    if doc is None:
        raise HTTPException(404, "no such document")
    text = doc["text"]
    start, end = (int(x) for x in span.split("-")) if span else (0, 0)
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    return desk.page(request, "document.html", doc=doc, before=text[:start],
                     marked=text[start:end], after=text[end:],
                     repairs=sum((doc["repairs"] or {}).values()))


@router.get("/api/document/{document_id}")
def api_document(desk: DeskDep, document_id: str = PathParam(max_length=64)):
    doc = query.document(desk.store, document_id)
    if doc is None:
        raise HTTPException(404, "no such document")
    return json.loads(json.dumps(doc, default=str))
