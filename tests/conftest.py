"""Shared fixtures: the real spaCy pipeline (loaded once), real stores (a SQLite
file, and a fresh PostgreSQL database when ``DOSSIER_TEST_PG_URL`` names a server),
the bundled sample articles and the project's shared dev set."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from dossier import nlp as nlp_module
from dossier.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "corpus" / "seed-isis-k-kabul.txt"
DEV = SHARED / "dev"


@pytest.fixture(scope="session")
def nlp():
    """The full Dossier pipeline over the real model."""
    return nlp_module.load()


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return Path(str(resources.files("dossier").joinpath("samples", "articles")))


PG_ENV = "DOSSIER_TEST_PG_URL"
BACKENDS = ["sqlite", "postgresql"]
_pg_unreachable: list[str] = []  # why the server could not be reached, once known


def _pg_admin(url) -> str:
    """A libpq URI for the server's maintenance database ``postgres``."""
    return url.set(drivername="postgresql", database="postgres") \
        .render_as_string(hide_password=False)


@contextmanager
def fresh_url(backend: str, folder: Path) -> Iterator[str]:
    """The URL of a new, empty database: a SQLite file in ``folder``, or a uniquely
    named PostgreSQL database on the server at ``DOSSIER_TEST_PG_URL``, dropped
    afterwards. Skips when that server is not configured or not reachable."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'dossier.db'}"
        return
    import psycopg
    from psycopg import sql

    if not os.environ.get(PG_ENV):
        pytest.skip(f"PostgreSQL: {PG_ENV} not set (scripts/pg-test-server start; "
                    f"export {PG_ENV}=$(scripts/pg-test-server url))")
    if _pg_unreachable:
        pytest.skip(_pg_unreachable[0])
    url = make_url(os.environ[PG_ENV])
    database = f"{url.database or 'dossier_test'}_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(_pg_admin(url), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        _pg_unreachable.append(f"PostgreSQL: cannot reach {PG_ENV} "
                               f"({url.render_as_string()}): {' '.join(str(exc).split())}")
        pytest.skip(_pg_unreachable[0])
    try:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        try:
            yield url.set(database=database).render_as_string(hide_password=False)
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                          .format(sql.Identifier(database)))
    finally:
        admin.close()


@pytest.fixture(params=BACKENDS)
def backend_url(request, tmp_path) -> Iterator[str]:
    """The URL of a fresh, empty store on each backend (PostgreSQL skips when no
    server is configured)."""
    with fresh_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def store(backend_url):
    """A fresh store, on SQLite and on PostgreSQL."""
    s = open_store(backend_url)
    yield s
    s.close()


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip(f"shared seed article not found at {SEED}")
    return SEED


@pytest.fixture(scope="session")
def dev_dir() -> Path:
    if not DEV.exists():
        pytest.skip(f"shared dev set not found at {DEV}")
    return DEV


def store_of_articles(tmp_path_factory, articles: dict[str, str]):
    """A real SQLite store holding ``articles`` (file name → text), written and ingested;
    returns (store, url). The caller closes the store."""
    from dossier.batch.ingest import ingest

    folder = tmp_path_factory.mktemp("articles")
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'kb.db'}"
    store = open_store(url)
    report = ingest([str(folder)], store)
    assert len(report.stored) == len(articles), report.failures
    return store, url
