"""Ingest in this process: read sources, extract in batches with ``nlp.pipe``,
store each document in its own transaction.

A document that cannot be read or processed is reported (and recorded in the
store's failures table) and the batch goes on; documents already stored are
skipped by id, so ingesting the same file twice stores it once.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from dossier.assemble import extract_many, prepare
from dossier.errors import InputError
from dossier.ingest import html, jsonl, read_paths, text
from dossier.model import Document
from dossier.store.base import Store

BATCH_SIZE = 16


@dataclass
class IngestReport:
    """What one ingest run did."""

    stored: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    failures: list[InputError] = field(default_factory=list)
    repairs: dict[str, int] = field(default_factory=dict)  # summed over stored documents

    @property
    def ok(self) -> bool:
        """True when something was stored or everything was already there."""
        return bool(self.stored or self.duplicates)


def ingest(paths: Iterable[str], store: Store,
           on_progress: Callable[[int, int], None] | None = None,
           on_failure: Callable[[InputError], None] | None = None) -> IngestReport:
    """Ingest every article under ``paths`` into ``store``.

    on_progress(done, total) is called after each document; on_failure(error)
    for each document that could not be read or processed.
    """
    report = IngestReport()
    pending: list[Document] = []
    seen: set[str] = set()

    def fail(error: InputError) -> None:
        report.failures.append(error)
        store.add_failure(error.source, "ingest", error.reason)
        if on_failure:
            on_failure(error)

    for item in read_paths(paths):
        if isinstance(item, InputError):
            fail(item)
            continue
        if item.id in seen or store.has_document(item.id):
            report.duplicates.append(item.source or item.id)
            continue
        seen.add(item.id)
        pending.append(item)
    total = len(pending) + len(report.duplicates)
    done = len(report.duplicates)
    if on_progress:
        on_progress(done, total)
    for start in range(0, len(pending), BATCH_SIZE):
        batch = []
        for document in pending[start:start + BATCH_SIZE]:
            try:
                batch.append((document, prepare(document)))
            except InputError as error:
                fail(error)
                done += 1
                if on_progress:
                    on_progress(done, total)
        for document, cleaned, record in extract_many(batch):
            if store.add(document, cleaned, record):
                report.stored.append(document.source or document.id)
                for kind, count in cleaned.repairs.items():
                    report.repairs[kind] = report.repairs.get(kind, 0) + count
            else:
                report.duplicates.append(document.source or document.id)
            done += 1
            if on_progress:
                on_progress(done, total)
    return report


def reprocess(store: Store, on_progress: Callable[[int, int], None] | None = None,
              on_failure: Callable[[InputError], None] | None = None) -> IngestReport:
    """Re-extract every stored document from its raw bytes with the current
    extractors, replacing its mentions and sources; nothing is re-ingested."""
    report = IngestReport()
    stored = store.stored_documents()
    pairs = []
    for old in stored:
        reader = {"html": html.read, "jsonl": jsonl.read}.get(old.kind, text.read)
        fresh = next(iter(reader(old.raw, old.source or old.id[:12])), None)
        if isinstance(fresh, InputError) or fresh is None:
            error = fresh or InputError(old.source or old.id[:12], "cannot be read again")
            report.failures.append(error)
            if on_failure:
                on_failure(error)
            continue
        # The stored metadata wins: it may have come from the ingest call, not the bytes.
        document = replace(fresh, source=old.source, title=old.title or fresh.title,
                           published=old.published or fresh.published)
        try:
            pairs.append((document, prepare(document)))
        except InputError as error:
            report.failures.append(error)
            if on_failure:
                on_failure(error)
    for done, (document, cleaned, record) in enumerate(extract_many(pairs), 1):
        store.replace(document, cleaned, record)
        report.stored.append(document.source or document.id)
        if on_progress:
            on_progress(done, len(pairs))
    return report
