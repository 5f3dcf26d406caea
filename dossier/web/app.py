"""The web app: pages and a JSON API over :mod:`dossier.query`.

Routes: ``/`` (recent documents, most mentioned groups), ``/search`` and
``/api/search``, ``/entity/{id}`` and ``/api/entity/{id}``, ``/document/{id}``
(``?span=START-END`` highlights the cited words), ``POST /api/ingest`` (needs
the token; without one configured the app is read-only).

Article text is untrusted: templates auto-escape, every response carries a
Content-Security-Policy with no inline scripts, and uploads are bounded.
"""
from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from dossier import query
from dossier import schema
from dossier.brief import briefing, strength_chart
from dossier.conflicts import find_conflicts
from dossier.errors import InputError
from dossier.graph import build_graph
from dossier.store import open_store
from dossier.store.base import Store
from dossier.web.security import CSP, Csrf, Guard, RateLimit, bearer_ok

__all__ = ["CSP", "MAX_BODY_BYTES", "create_app"]

MAX_UPLOAD_CHARS = 2_000_000
MAX_BODY_BYTES = 5_000_000  # a request body, in bytes: the limit dossier.clean puts on an article
INGEST_RATE = 10  # ingest requests per minute per client address (DOSSIER_INGEST_RATE)
ENTITY_TYPES = ("armed_group", "person", "organization", "state", "place")
MAX_ID = 2**62  # entity ids are SQL integers: larger ones are refused, not looked up


class IngestRequest(BaseModel):
    """One article sent to ``POST /api/ingest``: text or HTML, and optional metadata."""

    text: str | None = Field(None, max_length=MAX_UPLOAD_CHARS)
    html: str | None = Field(None, max_length=MAX_UPLOAD_CHARS)
    title: str | None = Field(None, max_length=1000)
    url: str | None = Field(None, max_length=2000)
    published: str | None = Field(None, max_length=40)


def _graph_library() -> Path | None:
    """vis-network as the ``pyvis`` package installs it: served from this machine,
    never from a CDN."""
    try:
        import pyvis
    except ImportError:
        return None
    folder = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    return folder if (folder / "vis-network.min.js").exists() else None


def create_app(db: str | None = None, token: str | None = None,
               ingest_rate: int | None = None) -> FastAPI:
    """The app over the store at ``db``; ``token`` enables writing (``DOSSIER_TOKEN``);
    ``ingest_rate`` ingest requests a minute per client (``DOSSIER_INGEST_RATE``, 10)."""
    store: Store = open_store(db)
    app = FastAPI(title="Dossier", description="A sourced record of armed groups in the news.")
    app.add_middleware(Guard, max_body=MAX_BODY_BYTES)
    limiter = RateLimit(ingest_rate or int(os.environ.get("DOSSIER_INGEST_RATE") or INGEST_RATE))
    csrf = Csrf()
    here = resources.files("dossier.web")
    templates = Jinja2Templates(directory=str(Path(str(here)) / "templates"))
    app.mount("/static", StaticFiles(directory=str(Path(str(here)) / "static")), name="static")
    vendor = _graph_library()
    if vendor is not None:
        app.mount("/vendor/vis", StaticFiles(directory=str(vendor)), name="vis")

    def rate_limited(request: Request) -> None:
        """Spend one of the client's ingest tokens, or refuse with 429 and Retry-After."""
        wait = limiter.take(request.client.host if request.client else "unknown")
        if wait:
            raise HTTPException(429, "too many ingest requests; try again later",
                                headers={"Retry-After": RateLimit.retry_after(wait)})

    def page(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
        return templates.TemplateResponse(request, name, {"writable": bool(token), **context},
                                          status_code=status_code)

    # -- data ----------------------------------------------------------------
    def search_data(q: str, type_: str | None) -> dict:
        exact = query.find(store, q) if q else []
        names = [] if exact else [e for alias in query.suggestions(store, q, limit=8)
                                  for e in query.find(store, alias)]
        entities = list({e.id: e for e in exact + names}.values())
        if type_:
            entities = [e for e in entities if e.type == type_]
        docs = query.search_documents(store, q) if q else []
        return {"query": q, "type": type_,
                "entities": [{"id": e.id, "name": e.name, "type": e.type} for e in entities],
                "documents": [{"id": d.id, "title": d.title or d.source, "date": d.date,
                               "snippet": snippet} for d, snippet in docs]}

    def entity_data(entity_id: int) -> dict:
        entity = query.entity(store, entity_id)
        if entity is None:
            raise HTTPException(404, f"no entity {entity_id}")
        p = query.profile(store, entity, sentences=50)
        return {
            "id": entity.id, "name": entity.name, "type": entity.type,
            "aliases": [a for a, _ in p.aliases],
            "documents": [{"id": d.id, "title": d.title or d.source, "date": d.date,
                           "mentions": d.mentions} for d in p.documents],
            "document_count": p.document_count,
            "first_seen": p.first_seen, "last_seen": p.last_seen,
            "related": [{"id": o.id, "name": o.name, "type": o.type, "documents": n}
                        for o, n in p.co_mentioned],
            "assertions": [{**a, "names": {str(k): v for k, v in a["names"].items()}}
                           for a in p.assertions],
            "facts": p.facts(),
            "conflicts": [{"kind": c.kind, "summary": c.summary,
                           "sources": [{"document_id": s["document_id"], "span": s["span"],
                                        "evidence": s["evidence"],
                                        "date": s["report_time"] or "undated"}
                                       for a in c.assertions for s in a["sources"]]}
                          for c in find_conflicts(store, entity.id)],
        }

    # -- pages ---------------------------------------------------------------
    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return Response(status_code=204)

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request):
        return page(request, "home.html", documents=query.recent_documents(store, 20),
                    groups=query.top_groups(store, 20))

    @app.get("/search", response_class=HTMLResponse)
    def search_page(request: Request, q: str = Query("", max_length=200),
                    type: str | None = Query(None, pattern="^(" + "|".join(ENTITY_TYPES) + ")$")):
        return page(request, "search.html", result=search_data(q.strip(), type),
                    types=ENTITY_TYPES)

    @app.get("/entity/{entity_id}", response_class=HTMLResponse)
    def entity_page(request: Request, entity_id: int = PathParam(ge=1, le=MAX_ID)):
        data = entity_data(entity_id)
        strength = briefing(store, query.entity(store, entity_id)).strength
        return page(request, "entity.html", e=data, bars=strength_chart(strength))

    @app.get("/ingest", response_class=HTMLResponse)
    def ingest_page(request: Request):
        cookie = request.cookies.get(Csrf.COOKIE)
        value = cookie if csrf.valid(cookie) else csrf.new()
        response = page(request, "ingest.html", limit=MAX_UPLOAD_CHARS, csrf=value)
        response.set_cookie(Csrf.COOKIE, value, httponly=True, samesite="strict", path="/",
                            secure=request.url.scheme == "https")
        return response

    @app.post("/ingest", include_in_schema=False)
    async def ingest_form(request: Request):
        """The ingest page's form (URL-encoded): CSRF token, then the write token."""
        as_json = "application/json" in request.headers.get("accept", "")

        def reply(status: int, message: str, result: dict | None = None) -> Response:
            if as_json:
                return JSONResponse(result or {"detail": message}, status_code=status)
            return page(request, "ingest.html", limit=MAX_UPLOAD_CHARS, message=message,
                        csrf=request.cookies.get(Csrf.COOKIE, ""), result=result,
                        status_code=status)

        rate_limited(request)
        try:
            fields = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8"),
                                                    max_num_fields=20).items()}
        except (UnicodeDecodeError, ValueError):
            return reply(400, "the form could not be read")
        if not csrf.check(request.cookies.get(Csrf.COOKIE), fields.get("csrf")):
            return reply(403, "the form has expired or did not come from this site: reload it")
        if not token:
            return reply(401, "this server is read-only: start it with DOSSIER_TOKEN")
        if not bearer_ok("Bearer " + fields.get("token", ""), token):
            return reply(401, "a valid token is required")
        body = fields.get("body", "")
        try:
            item = IngestRequest(**{"html" if fields.get("is_html") else "text": body},
                                 title=fields.get("title") or None,
                                 url=fields.get("url") or None,
                                 published=fields.get("published") or None)
            result = await run_in_threadpool(ingest_item, item)
        except ValidationError:
            return reply(422, "a field is too long")
        except HTTPException as exc:
            return reply(exc.status_code, str(exc.detail))
        return reply(201, "Stored" if result["stored"] else "Already stored", result)

    @app.get("/document/{document_id}", response_class=HTMLResponse)
    def document_page(request: Request, document_id: str,
                      span: str | None = Query(None, pattern=r"^\d+-\d+$")):
        doc = query.document(store, document_id)
        if doc is None:
            raise HTTPException(404, "no such document")
        text = doc["text"]
        start, end = (int(x) for x in span.split("-")) if span else (0, 0)
        start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
        return page(request, "document.html", doc=doc, before=text[:start],
                    marked=text[start:end], after=text[end:],
                    repairs=sum((doc["repairs"] or {}).values()))

    def timeline_data(group: str | None, year: str | None) -> list[dict]:
        return query.timeline(store, group, year)

    @app.get("/timeline", response_class=HTMLResponse)
    def timeline_page(request: Request, group: str | None = Query(None, max_length=200),
                      year: str | None = Query(None, pattern=r"^\d{4}$")):
        return page(request, "timeline.html", events=timeline_data(group, year), group=group,
                    year=year)

    def graph_data(around: int | None, depth: int, as_of: str | None,
                   predicates: list[str]) -> dict:
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

    @app.get("/graph", response_class=HTMLResponse)
    def graph_page(request: Request, around: int | None = Query(None, ge=1, le=MAX_ID),
                   depth: int = Query(1, ge=1, le=3),
                   as_of: str | None = Query(None, pattern=r"^\d{4}(-\d{2}){0,2}$"),
                   predicate: list[str] = Query([])):
        center = query.entity(store, around) if around is not None else None
        return page(request, "graph.html", center=center, depth=depth, as_of=as_of,
                    predicates=tuple(schema.load().predicates), chosen=predicate, has_library=vendor is not None)

    @app.get("/api/graph")
    def api_graph(around: int | None = Query(None, ge=1, le=MAX_ID),
                  depth: int = Query(1, ge=1, le=3),
                  as_of: str | None = Query(None, pattern=r"^\d{4}(-\d{2}){0,2}$"),
                  predicate: list[str] = Query([])):
        return graph_data(around, depth, as_of, predicate)

    # -- API -----------------------------------------------------------------
    @app.get("/api/home")
    def api_home():
        return {"documents": [{"id": d.id, "title": d.title or d.source, "date": d.date}
                              for d in query.recent_documents(store, 20)],
                "groups": [{"id": e.id, "name": e.name, "documents": n}
                           for e, n in query.top_groups(store, 20)]}

    @app.get("/api/document/{document_id}")
    def api_document(document_id: str = PathParam(max_length=64)):
        doc = query.document(store, document_id)
        if doc is None:
            raise HTTPException(404, "no such document")
        return json.loads(json.dumps(doc, default=str))

    @app.get("/api/timeline")
    def api_timeline(group: str | None = Query(None, max_length=200),
                     year: str | None = Query(None, pattern=r"^\d{4}$")):
        return timeline_data(group, year)

    @app.get("/api/search")
    def api_search(q: str = Query("", max_length=200), type: str | None = None):
        return search_data(q.strip(), type)

    @app.get("/api/entity/{entity_id}")
    def api_entity(entity_id: int = PathParam(ge=1, le=MAX_ID)):
        return json.loads(json.dumps(entity_data(entity_id), default=str))

    @app.post("/api/ingest", status_code=201, dependencies=[Depends(rate_limited)])
    def api_ingest(item: IngestRequest, authorization: str | None = Header(None)):
        if not token:
            raise HTTPException(401, "this server is read-only: start it with DOSSIER_TOKEN",
                                headers={"WWW-Authenticate": "Bearer"})
        if not bearer_ok(authorization, token):
            raise HTTPException(401, "a valid token is required",
                                headers={"WWW-Authenticate": "Bearer"})
        return ingest_item(item)

    def ingest_item(item: IngestRequest) -> dict:
        """Extract and store one uploaded article."""
        from dossier.assemble import extract
        from dossier.ingest.html import from_html
        from dossier.ingest.dates import parse_date
        from dossier.model import Document

        try:
            if item.html and not item.text:
                document = from_html(item.html, item.html.encode("utf-8"), item.url or "upload",
                                     title=item.title, published=item.published, url=item.url)
            elif item.text and item.text.strip():
                document = Document(raw=item.text.encode("utf-8"), source=item.url or "upload",
                                    title=item.title, published=parse_date(item.published),
                                    body=item.text, kind="upload")
            else:
                raise InputError("upload", "no 'text' or 'html' with content")
            cleaned, record = extract(document)
        except InputError as exc:
            raise HTTPException(422, str(exc)) from exc
        stored = store.add(document, cleaned, record)
        return {"id": document.id, "stored": stored, "entities": len(record.entities)}

    return app
