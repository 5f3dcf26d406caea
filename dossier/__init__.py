"""Dossier: a sourced, time-aware record of the armed groups in the news.

The public API: read articles (:func:`read_paths`), clean them (:func:`clean`),
extract their records (:func:`extract`), and store and query them
(:func:`open_store`, :mod:`dossier.query`).
"""
from dossier.assemble import extract
from dossier.clean import clean
from dossier.errors import DossierError, ExportError, InputError, StorageError, VocabularyError
from dossier.ingest import read_paths
from dossier.model import CleanText, Document, Entity, Record
from dossier.store import open_store

__version__ = "0.1.0"

__all__ = ["extract", "clean", "read_paths", "open_store", "Document", "CleanText", "Entity",
           "Record", "DossierError", "InputError", "StorageError", "VocabularyError",
           "ExportError", "__version__"]
