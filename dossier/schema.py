"""The record's vocabulary — entity types and relation predicates with their
argument types and symmetry — read from ``schema.json``.

Dependency-free on purpose: the store, the web app and the exports import this
module, never extractor internals, to know what a predicate means.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Predicate:
    name: str
    symmetric: bool
    subject_types: frozenset[str]
    object_types: frozenset[str]

    def fits(self, subject_type: str, object_type: str) -> bool:
        """Whether entities of these types can stand in this relation, this way round."""
        return subject_type in self.subject_types and object_type in self.object_types


@dataclass(frozen=True)
class Schema:
    entity_types: tuple[str, ...]
    predicates: dict[str, Predicate]

    @property
    def symmetric(self) -> frozenset[str]:
        return frozenset(p.name for p in self.predicates.values() if p.symmetric)

    def fitting(self, subject_type: str, object_type: str) -> tuple[str, ...]:
        """The predicates whose argument types fit, in schema order."""
        return tuple(p.name for p in self.predicates.values() if p.fits(subject_type, object_type))


@lru_cache(maxsize=1)
def load() -> Schema:
    data = json.loads(resources.files("dossier").joinpath("schema.json").read_text("utf-8"))
    types = tuple(data["entity_types"])
    predicates = {}
    for name, spec in data["predicates"].items():
        subject, obj = frozenset(spec["subject"]), frozenset(spec["object"])
        unknown = (subject | obj) - set(types)
        if unknown:
            raise ValueError(f"schema.json: predicate {name!r} names unknown types {sorted(unknown)}")
        predicates[name] = Predicate(name, bool(spec["symmetric"]), subject, obj)
    return Schema(types, predicates)


__all__ = ["Predicate", "Schema", "load"]
