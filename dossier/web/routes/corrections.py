"""Corrections from the browser: merge two entities, split an alias off, mark a
statement wrong, undo; the page that lists them and ``/api/corrections``.

They write the same records as ``dossier merge``, ``split``, ``reject`` and
``undo``. Every write needs ``Authorization: Bearer <DOSSIER_TOKEN>`` (401
otherwise, and always on a read-only server) and spends one of the client's
ingest requests (429 past the rate). No cookie carries the token, so a form on
another site cannot send it: the page's script (``static/corrections.js``) keeps
it in the tab's sessionStorage and adds the header itself.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from dossier import query
from dossier.corrections import undo
from dossier.errors import StorageError
from dossier.query.corrections import corrections, statement_names, statement_summary
from dossier.store.base import EntityRow
from dossier.web.desk import MAX_ID, WRITE, Desk, DeskDep

router = APIRouter()

EntityRef = int | Annotated[str, Field(min_length=1, max_length=300)]
"""An entity as a user gives it: its id, or any of its names."""
Note = Annotated[str, Field(max_length=2000)]


class MergeRequest(BaseModel):
    """``into`` stays; ``other`` is merged into it."""

    into: EntityRef
    other: EntityRef
    note: Note = ""


class SplitRequest(BaseModel):
    """``alias`` of ``entity`` gets an entity of its own."""

    entity: EntityRef
    alias: str = Field(min_length=1, max_length=300)
    note: Note = ""


class RejectRequest(BaseModel):
    """The statement ``assertion`` (a profile fact's id) is wrong."""

    assertion: int = Field(ge=1, le=MAX_ID)
    note: Note = ""


def _entity(desk: Desk, given: int | str) -> EntityRow:
    """The one entity ``given`` names: an id (digits) or any alias; 404 when none,
    409 when a name is several entities' (the answer lists them with their ids)."""
    text = str(given).strip()
    if text.isdigit():
        entity = query.entity(desk.store, int(text)) if int(text) <= MAX_ID else None
        if entity is None:
            raise HTTPException(404, f"no entity {text}")
        return entity
    found = query.find(desk.store, text)
    if not found:
        hints = query.suggestions(desk.store, text)
        raise HTTPException(404, f"no entity known as {text!r}" +
                            (f"; did you mean: {', '.join(hints)}?" if hints else ""))
    if len(found) > 1:
        raise HTTPException(409, f"{text!r} is ambiguous: it names {len(found)} entities: " +
                            ", ".join(f"{e.name} ({e.type.replace('_', ' ')}, id {e.id})"
                                      for e in found) + "; give an id")
    return found[0]


def _named(entity: EntityRow) -> dict:
    return {"id": entity.id, "name": entity.name}


@router.get("/corrections", response_class=HTMLResponse)
def corrections_page(request: Request, desk: DeskDep):
    return desk.page(request, "corrections.html", corrections=corrections(desk.store))


@router.get("/api/corrections")
def api_corrections(desk: DeskDep) -> list[dict]:
    """Every correction, oldest first, each with one line that says what it did."""
    return corrections(desk.store)


@router.post("/api/corrections/merge", status_code=201, dependencies=WRITE)
def api_merge(item: MergeRequest, desk: DeskDep) -> dict:
    """Merge ``other`` into ``into`` (as ``dossier merge INTO OTHER``)."""
    into, other = _entity(desk, item.into), _entity(desk, item.other)
    try:
        correction = desk.store.merge(into.id, other.id, item.note)
    except StorageError as exc:
        raise HTTPException(409, str(exc)) from exc
    return {"correction": correction, "into": _named(into), "other": _named(other)}


@router.post("/api/corrections/split", status_code=201, dependencies=WRITE)
def api_split(item: SplitRequest, desk: DeskDep) -> dict:
    """Give ``alias`` of ``entity`` an entity of its own (as ``dossier split``)."""
    entity = _entity(desk, item.entity)
    try:
        new_id = desk.store.split(entity.id, item.alias, item.note)
    except StorageError as exc:
        raise HTTPException(422, str(exc)) from exc
    correction = max(c["id"] for c in desk.store.corrections()
                     if c["action"] == "split" and c["entity_id"] == new_id)
    return {"correction": correction, "entity": _named(entity), "alias": item.alias,
            "new_entity": _named(query.entity(desk.store, new_id))}


@router.post("/api/corrections/reject", status_code=201, dependencies=WRITE)
def api_reject(item: RejectRequest, desk: DeskDep) -> dict:
    """Mark statement ``assertion`` wrong (as ``dossier reject``)."""
    shown = desk.store.statement(item.assertion)
    if shown is None:
        raise HTTPException(404, f"no statement {item.assertion}")
    if shown["rejected"] is not None:
        raise HTTPException(409, f"statement {item.assertion} is marked wrong already "
                                 f"(correction {shown['rejected']})")
    try:
        correction = desk.store.reject(item.assertion, item.note)
    except StorageError as exc:
        raise HTTPException(409, str(exc)) from exc
    return {"correction": correction, "assertion": item.assertion,
            "summary": statement_summary(shown, statement_names(desk.store, shown))}


@router.post("/api/corrections/{correction_id}/undo", dependencies=WRITE)
async def api_undo(correction_id: Annotated[int, PathParam(ge=1, le=MAX_ID)],
                   desk: DeskDep) -> dict:
    """Undo a correction; a merge or split rebuilds the extractions first (every
    stored document is reprocessed, as ``dossier undo`` does), in a worker thread."""
    known = {c["id"]: c for c in await run_in_threadpool(desk.store.corrections)}
    if correction_id not in known:
        raise HTTPException(404, f"no correction {correction_id}")
    if known[correction_id]["undone"]:
        raise HTTPException(409, f"correction {correction_id} is undone already")
    undone = await run_in_threadpool(undo, desk.store, correction_id)
    if undone is None:  # undone by another request in between
        raise HTTPException(409, f"correction {correction_id} is undone already")
    return {"correction": correction_id, "action": undone["action"],
            "rebuilt": undone["rebuilt"]}
