"""Adding articles: the ingest page's form (CSRF token, then the write token) and
``POST /api/ingest`` (bearer token). Without a configured token nothing is written."""
from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from dossier.errors import InputError
from dossier.web.desk import Desk, DeskDep
from dossier.web.security import Csrf, RateLimit, bearer_ok

router = APIRouter()
MAX_UPLOAD_CHARS = 2_000_000


class IngestRequest(BaseModel):
    """One article sent to ``POST /api/ingest``: text or HTML, and optional metadata."""

    text: str | None = Field(None, max_length=MAX_UPLOAD_CHARS)
    html: str | None = Field(None, max_length=MAX_UPLOAD_CHARS)
    title: str | None = Field(None, max_length=1000)
    url: str | None = Field(None, max_length=2000)
    published: str | None = Field(None, max_length=40)


def rate_limited(request: Request, desk: DeskDep) -> None:
    """Spend one of the client's ingest tokens, or refuse with 429 and Retry-After."""
    wait = desk.limiter.take(request.client.host if request.client else "unknown")
    if wait:
        raise HTTPException(429, "too many ingest requests; try again later",
                            headers={"Retry-After": RateLimit.retry_after(wait)})


@router.get("/ingest", response_class=HTMLResponse)
def ingest_page(request: Request, desk: DeskDep):
    cookie = request.cookies.get(Csrf.COOKIE)
    value = cookie if desk.csrf.valid(cookie) else desk.csrf.new()
    response = desk.page(request, "ingest.html", limit=MAX_UPLOAD_CHARS, csrf=value)
    response.set_cookie(Csrf.COOKIE, value, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https")
    return response


@router.post("/ingest", include_in_schema=False, dependencies=[Depends(rate_limited)])
async def ingest_form(request: Request, desk: DeskDep):
    """The ingest page's form (URL-encoded): CSRF token, then the write token."""
    as_json = "application/json" in request.headers.get("accept", "")

    def reply(status: int, message: str, result: dict | None = None) -> Response:
        if as_json:
            return JSONResponse(result or {"detail": message}, status_code=status)
        return desk.page(request, "ingest.html", limit=MAX_UPLOAD_CHARS, message=message,
                         csrf=request.cookies.get(Csrf.COOKIE, ""), result=result,
                         status_code=status)

    try:
        fields = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8"),
                                                max_num_fields=20).items()}
    except (UnicodeDecodeError, ValueError):
        return reply(400, "the form could not be read")
    if not desk.csrf.check(request.cookies.get(Csrf.COOKIE), fields.get("csrf")):
        return reply(403, "the form has expired or did not come from this site: reload it")
    if not desk.token:
        return reply(401, "this server is read-only: start it with DOSSIER_TOKEN")
    if not bearer_ok("Bearer " + fields.get("token", ""), desk.token):
        return reply(401, "a valid token is required")
    body = fields.get("body", "")
    try:
        item = IngestRequest(**{"html" if fields.get("is_html") else "text": body},
                             title=fields.get("title") or None,
                             url=fields.get("url") or None,
                             published=fields.get("published") or None)
        result = await run_in_threadpool(ingest_item, desk, item)
    except ValidationError:
        return reply(422, "a field is too long")
    except HTTPException as exc:
        return reply(exc.status_code, str(exc.detail))
    return reply(201, "Stored" if result["stored"] else "Already stored", result)


@router.post("/api/ingest", status_code=201, dependencies=[Depends(rate_limited)])
def api_ingest(item: IngestRequest, desk: DeskDep, authorization: str | None = Header(None)):
    if not desk.token:
        raise HTTPException(401, "this server is read-only: start it with DOSSIER_TOKEN",
                            headers={"WWW-Authenticate": "Bearer"})
    if not bearer_ok(authorization, desk.token):
        raise HTTPException(401, "a valid token is required",
                            headers={"WWW-Authenticate": "Bearer"})
    return ingest_item(desk, item)


def ingest_item(desk: Desk, item: IngestRequest) -> dict:
    """Extract and store one uploaded article."""
    from dossier.assemble import extract
    from dossier.ingest.dates import parse_date
    from dossier.ingest.html import from_html
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
    stored = desk.store.add(document, cleaned, record)
    return {"id": document.id, "stored": stored, "entities": len(record.entities)}
