"""Exports as downloads: the whole knowledge base or one entity's neighbourhood,
in every format ``dossier export`` writes (CSV as a zip of its tables)."""
from __future__ import annotations

import io
import re
import tempfile
import zipfile
from pathlib import Path

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from dossier import query
from dossier.errors import ExportError
from dossier.export import FORMATS, export, neighbourhood
from dossier.export.stix import tlp_levels
from dossier.web.desk import MAX_ID, DeskDep

router = APIRouter()
FILES = {"stix": ("json", "application/stix+json"), "graphml": ("graphml", "application/xml"),
         "gexf": ("gexf", "application/xml"), "jsonl": ("jsonl", "application/x-ndjson"),
         "csv": ("zip", "application/zip")}


@router.get("/export", response_class=HTMLResponse)
def export_page(request: Request, desk: DeskDep,
                around: int | None = Query(None, ge=1, le=MAX_ID),
                depth: int = Query(1, ge=1, le=3)):
    center = query.entity(desk.store, around) if around is not None else None
    return desk.page(request, "export.html", center=center, depth=depth, formats=FILES,
                     tlp_levels=tlp_levels())


def _write(desk, fmt: str, ids: set[int] | None, tlp: str) -> bytes:
    """Export into a temporary folder and return the file (or the zipped tables)."""
    with tempfile.TemporaryDirectory(prefix="dossier-export-") as folder:
        target = Path(folder) / ("tables" if fmt == "csv" else f"export.{FILES[fmt][0]}")
        written = export(desk.store, fmt, target, ids, tlp)
        if fmt != "csv":
            return target.read_bytes()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in written:
                archive.write(path, path.name)
        return buffer.getvalue()


@router.get("/export/{fmt}")
async def export_file(desk: DeskDep, fmt: str = PathParam(pattern="^(" + "|".join(FORMATS) + ")$"),
                      around: int | None = Query(None, ge=1, le=MAX_ID),
                      depth: int = Query(1, ge=1, le=3),
                      tlp: str = Query("clear", pattern="^(" + "|".join(
                          re.escape(level) for level in tlp_levels()) + ")$")):
    """The download: ``around`` an entity id (to ``depth`` relations), else everything;
    ``tlp``: the TLP 2.0 marking of a STIX bundle."""
    name = "dossier"
    ids = None
    if around is not None:
        center = query.entity(desk.store, around)
        if center is None:
            raise HTTPException(404, f"no entity {around}")
        ids = await run_in_threadpool(neighbourhood, desk.store, around, depth)
        name = f"dossier-entity-{around}-depth-{depth}"
    try:
        body = await run_in_threadpool(_write, desk, fmt, ids, tlp)
    except ExportError as exc:
        raise HTTPException(503, str(exc)) from exc
    extension, media_type = FILES[fmt]
    return Response(body, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{name}.{fmt}.{extension}"'})
