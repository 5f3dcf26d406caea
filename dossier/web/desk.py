"""What every page of the web app shares: the store, the write token, templates,
and the checks on identifiers that come in from URLs."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Path as PathParam
from fastapi import Depends, Header, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from dossier.store.base import Store
from dossier.web.security import Csrf, RateLimit, bearer_ok

MAX_ID = 2**62  # entity ids are SQL integers: larger ones are refused, not looked up
EntityId = Annotated[int, PathParam(ge=1, le=MAX_ID)]
DATE_PATTERN = r"^\d{4}(-\d{2}){0,2}$"


@dataclass
class Desk:
    """The app's state, one per :func:`~dossier.web.app.create_app`."""

    store: Store
    token: str | None  # None: the app is read-only
    templates: Jinja2Templates
    csrf: Csrf
    limiter: RateLimit
    graph_library: bool  # vis-network is installed and served
    allow_private_hosts: bool = False  # fetched feeds and URLs may reach private addresses

    def page(self, request: Request, name: str, status_code: int = 200,
             **context) -> HTMLResponse:
        """Render a page template; every page knows whether the app can write."""
        return self.templates.TemplateResponse(
            request, name, {"writable": bool(self.token), **context}, status_code=status_code)


def desk(request: Request) -> Desk:
    """The dependency routes take to reach the app's state."""
    return request.app.state.desk


DeskDep = Annotated[Desk, Depends(desk)]


def rate_limited(request: Request, desk: DeskDep) -> None:
    """Spend one of the client's write requests (ingest, corrections), or refuse
    with 429 and Retry-After."""
    wait = desk.limiter.take(request.client.host if request.client else "unknown")
    if wait:
        raise HTTPException(429, "too many write requests; try again later",
                            headers={"Retry-After": RateLimit.retry_after(wait)})


def writer(desk: DeskDep, authorization: str | None = Header(None)) -> Desk:
    """The app, for a request that carries the write token as a bearer token; 401
    otherwise, and always when no token is configured (read-only)."""
    if not desk.token:
        raise HTTPException(401, "this server is read-only: start it with DOSSIER_TOKEN",
                            headers={"WWW-Authenticate": "Bearer"})
    if not bearer_ok(authorization, desk.token):
        raise HTTPException(401, "a valid token is required",
                            headers={"WWW-Authenticate": "Bearer"})
    return desk


Writer = Annotated[Desk, Depends(writer)]
WRITE = [Depends(rate_limited), Depends(writer)]
"""The dependencies of a write route that does not need the app itself."""
