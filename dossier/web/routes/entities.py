"""Entity profiles: the page and its JSON."""
from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from dossier import query
from dossier.web.charts import strength_chart
from dossier.web.desk import DeskDep, EntityId

router = APIRouter()


def _entity(desk, entity_id: int):
    entity = query.entity(desk.store, entity_id)
    if entity is None:
        raise HTTPException(404, f"no entity {entity_id}")
    return entity


@router.get("/entity/{entity_id}", response_class=HTMLResponse)
def entity_page(request: Request, desk: DeskDep, entity_id: EntityId):
    data = query.profile_page(desk.store, _entity(desk, entity_id))
    return desk.page(request, "entity.html", e=data, chart=strength_chart(data["strength"]))


@router.get("/api/entity/{entity_id}/places")
def api_entity_places(desk: DeskDep, entity_id: EntityId):
    """The entity's areas of operation with their points, for the map."""
    page = query.profile_page(desk.store, _entity(desk, entity_id))
    return json.loads(json.dumps(page["map"], default=str))


@router.get("/api/entity/{entity_id}")
def api_entity(desk: DeskDep, entity_id: EntityId):
    page = query.profile_page(desk.store, _entity(desk, entity_id))
    return json.loads(json.dumps(page, default=str))
