"""JSON Lines: one object per entity, then one per assertion with all its sources."""
from __future__ import annotations

import json
from pathlib import Path

from dossier.store.base import Store


def export(store: Store, path: Path, ids: set[int] | None = None) -> list[Path]:
    with path.open("w", encoding="utf-8") as handle:
        for entity, aliases in store.all_entities(ids=ids):
            handle.write(json.dumps({"record": "entity", "id": entity.id, "name": entity.name,
                                     "type": entity.type, "kb_id": entity.kb_id,
                                     "aliases": aliases}, ensure_ascii=False) + "\n")
        for assertion in store.assertion_rows(touching=ids):
            handle.write(json.dumps({"record": "assertion", **assertion},
                                    ensure_ascii=False) + "\n")
    return [path]
