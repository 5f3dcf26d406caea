"""Extraction stages over a processed spaCy Doc, one module each.

Importing this package registers Dossier's spaCy component factories
(``dossier_gazetteer``, ``dossier_entities``).
"""
from dossier.extract import entities, gazetteer  # noqa: F401  (factory registration)

__all__ = ["entities", "gazetteer"]
