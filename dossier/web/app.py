"""The web app: pages and a JSON API over :mod:`dossier.query`.

:func:`create_app` only assembles: the store and settings (:class:`Desk`), the
security middleware, the locally served libraries, and one router per page family
(:mod:`dossier.web.routes`). Article text is untrusted: templates auto-escape,
every response carries a Content-Security-Policy with no inline scripts, and
uploads are bounded.
"""
from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from dossier.store import open_store
from dossier.web.desk import Desk
from dossier.web.routes import (browse, corrections, entities, exports, ingest, network, search,
                                 timeline)
from dossier.web.security import CSP, Csrf, Guard, RateLimit

__all__ = ["CSP", "MAX_BODY_BYTES", "create_app"]

MAX_BODY_BYTES = 5_000_000  # a request body, in bytes: the limit dossier.clean puts on an article
INGEST_RATE = 10  # ingest requests per minute per client address (DOSSIER_INGEST_RATE)
ROUTERS = (browse, search, entities, network, timeline, ingest, exports, corrections)


def _graph_library() -> Path | None:
    """vis-network as the ``pyvis`` package installs it: served from this machine,
    never from a CDN."""
    try:
        import pyvis
    except ImportError:
        return None
    folder = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    return folder if (folder / "vis-network.min.js").exists() else None


def _map_library() -> Path | None:
    """Leaflet as the ``XStatic-Leaflet`` package installs it, served locally."""
    try:
        from xstatic.pkg import leaflet
    except ImportError:
        return None
    folder = Path(leaflet.BASE_DIR)
    return folder if (folder / "leaflet.js").exists() else None


def create_app(db: str | None = None, token: str | None = None,
               ingest_rate: int | None = None, allow_private_hosts: bool = False) -> FastAPI:
    """The app over the store at ``db``; ``token`` enables writing (``DOSSIER_TOKEN``);
    ``ingest_rate`` ingest requests a minute per client (``DOSSIER_INGEST_RATE``, 10);
    ``allow_private_hosts`` lets fetched feeds and URLs reach private addresses."""
    app = FastAPI(title="Dossier", description="A sourced record of armed groups in the news.")
    app.add_middleware(Guard, max_body=MAX_BODY_BYTES)
    here = Path(str(resources.files("dossier.web")))
    app.mount("/static", StaticFiles(directory=str(here / "static")), name="static")
    vendor = _graph_library()
    if vendor is not None:
        app.mount("/vendor/vis", StaticFiles(directory=str(vendor)), name="vis")
    leaflet = _map_library()
    if leaflet is not None:
        app.mount("/vendor/leaflet", StaticFiles(directory=str(leaflet)), name="leaflet")
    app.state.desk = Desk(
        store=open_store(db), token=token,
        templates=Jinja2Templates(directory=str(here / "templates")), csrf=Csrf(),
        limiter=RateLimit(ingest_rate or int(os.environ.get("DOSSIER_INGEST_RATE")
                                             or INGEST_RATE)),
        graph_library=vendor is not None, allow_private_hosts=allow_private_hosts)
    for module in ROUTERS:
        app.include_router(module.router)
    return app
