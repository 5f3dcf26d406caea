"""reprocess: stored documents re-extracted from their raw bytes, nothing re-ingested."""
from __future__ import annotations

from sqlalchemy import delete, func, select

from dossier.batch.ingest import ingest, reprocess
from dossier.store.schema import assertions, documents, event_actors, mentions, sources


def _count(store, table):
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_reprocess_rebuilds_what_was_lost(store, samples_dir):
    assert ingest([str(samples_dir)], store).stored
    before = {t.name: _count(store, t) for t in (documents, mentions, sources, assertions)}
    raw_before = {r.id: r.raw for r in store.stored_documents()}
    with store.engine.begin() as conn:  # an old extractor's output, wiped
        conn.execute(delete(sources))
        conn.execute(delete(event_actors))
        conn.execute(delete(assertions))
        conn.execute(delete(mentions))
    report = reprocess(store)
    assert len(report.stored) == before["documents"] and not report.failures
    after = {t.name: _count(store, t) for t in (documents, mentions, sources, assertions)}
    assert after == before
    assert {r.id: r.raw for r in store.stored_documents()} == raw_before


def test_reprocess_twice_changes_nothing(store, samples_dir):
    ingest([str(samples_dir)], store)
    reprocess(store)
    first = {t.name: _count(store, t) for t in (mentions, sources, assertions)}
    aliases_first = store.counts()["aliases"]
    reprocess(store)
    assert {t.name: _count(store, t) for t in (mentions, sources, assertions)} == first
    assert store.counts()["aliases"] == aliases_first
