"""Finding entities by what users type: any alias, or the closest known names."""
from __future__ import annotations

from rapidfuzz import fuzz, process

from dossier.store.base import EntityRow, Store

SUGGESTION_CUTOFF = 70
"""rapidfuzz ratio (0–100) a known alias needs to be offered as "did you mean"."""


def find(store: Store, name: str) -> list[EntityRow]:
    """Entities known by ``name`` (any alias; case, accents and punctuation aside)."""
    return store.find_entities(name)


def suggestions(store: Store, name: str, limit: int = 5) -> list[str]:
    """Known aliases closest to ``name``, for "did you mean"."""
    choices = list({alias.casefold(): alias for alias in store.alias_names()}.values())
    found = process.extract(name, choices, scorer=fuzz.ratio, limit=limit,
                            score_cutoff=SUGGESTION_CUTOFF, processor=str.casefold)
    return [alias for alias, _score, _ in found]


def entity(store: Store, entity_id: int) -> EntityRow | None:
    return store.entity(entity_id)
