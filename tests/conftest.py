"""Shared fixtures: the real spaCy pipeline (loaded once), real SQLite stores,
the bundled sample articles and the project's shared dev set."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

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


@pytest.fixture
def store(tmp_path):
    """A fresh store in a real SQLite file."""
    s = open_store(f"sqlite:///{tmp_path / 'dossier.db'}")
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
