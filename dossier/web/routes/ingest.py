"""Adding articles: the ingest page's form (CSRF token, then the write token),
``POST /api/ingest`` (one article), and where analysts get news:
``/api/ingest/file`` (a .txt, .html or .jsonl file the page reads), ``/api/ingest/feed``
(an RSS or Atom feed, or one page, by URL) and ``/api/ingest/urls`` (a list of URLs).
The API takes the bearer token; without a configured token nothing is written.
Fetching goes through :mod:`dossier.ingest.fetch`: private and loopback hosts are
refused unless the server allows them (``dossier serve --allow-private-hosts``)."""
from __future__ import annotations

import dataclasses
import tempfile
from itertools import chain
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from dossier.batch.ingest import ingest_items
from dossier.errors import InputError
from dossier.ingest import READERS, read_file, read_paths
from dossier.ingest.urls import read_url
from dossier.web.desk import Desk, DeskDep, Writer, rate_limited
from dossier.web.security import Csrf, bearer_ok

router = APIRouter()
MAX_UPLOAD_CHARS = 2_000_000


class IngestRequest(BaseModel):
    """One article sent to ``POST /api/ingest``: text or HTML, and optional metadata."""

    text: str | None = Field(None, max_length=MAX_UPLOAD_CHARS)
    html: str | None = Field(None, max_length=MAX_UPLOAD_CHARS)
    title: str | None = Field(None, max_length=1000)
    url: str | None = Field(None, max_length=2000)
    published: str | None = Field(None, max_length=40)


MAX_URLS = 100  # URLs in one request to /api/ingest/urls


class FileUpload(BaseModel):
    """A file the ingest page read: its name (for the reader its extension picks)
    and its text."""

    filename: str = Field(..., min_length=1, max_length=200)
    content: str = Field(..., max_length=MAX_UPLOAD_CHARS)


class FeedRequest(BaseModel):
    url: str = Field(..., min_length=1, max_length=2000)


class UrlList(BaseModel):
    urls: list[str] = Field(..., min_length=1, max_length=MAX_URLS)


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
def api_ingest(item: IngestRequest, desk: Writer):
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


def _store_all(desk: Desk, items) -> dict:
    """Extract and store documents as a batch; what was stored, found, refused."""
    done: list[dict] = []
    report = ingest_items(items, desk.store, on_done=lambda document, stored: done.append(
        {"id": document.id, "title": document.title or document.source, "stored": stored}))
    return {"stored": report.counts["stored"], "duplicates": report.counts["duplicates"],
            "failed": [{"source": e.source, "reason": e.reason} for e in report.failures],
            "failed_count": report.counts["failed"], "documents": done[:200]}


def _uploaded(upload: FileUpload):
    """The articles of an uploaded file, read by the reader of its extension."""
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in READERS:
        yield InputError(upload.filename, "no reader for this kind of file: use "
                         + ", ".join(sorted(READERS)))
        return
    with tempfile.TemporaryDirectory(prefix="dossier-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_text(upload.content, encoding="utf-8")
        for item in read_file(path):
            if isinstance(item, InputError):
                yield InputError(upload.filename, item.reason)
            else:
                yield dataclasses.replace(item, source=f"upload:{upload.filename}")


@router.post("/api/ingest/file", dependencies=[Depends(rate_limited)])
async def api_ingest_file(upload: FileUpload, desk: Writer):
    return await run_in_threadpool(_store_all, desk, _uploaded(upload))


@router.post("/api/ingest/feed", dependencies=[Depends(rate_limited)])
async def api_ingest_feed(feed: FeedRequest, desk: Writer):
    """A feed by URL, item by item (or a page, if the URL serves one)."""
    items = read_paths([feed.url.strip()], allow_private=desk.allow_private_hosts)
    return await run_in_threadpool(_store_all, desk, items)


@router.post("/api/ingest/urls", dependencies=[Depends(rate_limited)])
async def api_ingest_urls(request: UrlList, desk: Writer):
    urls = [u.strip() for u in request.urls if u.strip() and not u.strip().startswith("#")]
    items = chain.from_iterable(read_url(u, allow_private=desk.allow_private_hosts)
                                for u in urls)
    return await run_in_threadpool(_store_all, desk, items)
