"""Storage behind one interface: :func:`open_store` takes a SQLAlchemy URL.

SQLite (``sqlite:///dossier.db``, the default) and PostgreSQL
(``postgresql+psycopg://...``) share one implementation; the few differences sit
in :mod:`dossier.store.sql`. Nothing outside this package writes SQL.
"""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

from dossier.errors import StorageError
from dossier.store.base import DocumentRow, EntityRow, Store
from dossier.store.sql import SQLStore

DEFAULT_URL = "sqlite:///dossier.db"


def default_url() -> str:
    """``DOSSIER_DB`` when set, else ``./dossier.db``."""
    return os.environ.get("DOSSIER_DB") or DEFAULT_URL


def open_store(url: str | None = None, create: bool = True) -> Store:
    """Open (and migrate) the store at ``url``; a bare path means a SQLite file.

    create: when False, a SQLite file that does not exist is an error rather
        than a new empty store (for commands that only read).
    """
    url = url or default_url()
    if "://" not in url:
        url = f"sqlite:///{url}"
    if not create:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
                and not Path(parsed.database).exists():
            raise StorageError(f"no store at {parsed.database}: run `dossier ingest` first "
                               "or pass --db")
    return SQLStore(url)


__all__ = ["open_store", "default_url", "Store", "EntityRow", "DocumentRow", "DEFAULT_URL"]
