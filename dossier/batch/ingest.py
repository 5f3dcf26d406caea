"""Ingest and reprocess over any engine: read, skip what is stored, extract in
batches, write each batch in one transaction.

The loop is the same for every engine (this process, worker processes, Ray
actors; see :mod:`dossier.batch.local` and :mod:`dossier.batch.cluster`):

* sources are streamed: documents are read, batched, extracted and written
  while the next ones are read, and never all held at once;
* documents already stored are skipped by id (the sha256 of their bytes) before
  extraction, so a rerun — after a crash or ``kill -9`` too — resumes where the
  last committed batch ended, and the same bytes are stored once;
* a document that cannot be read, cleaned, extracted or stored is reported
  (and recorded in the store's failures table); the batch goes on.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from dossier.batch.local import InlineEngine
from dossier.batch.work import Extracted, Outcome
from dossier.errors import InputError, StorageError
from dossier.ingest import count_documents, html, jsonl, read_paths, text
from dossier.model import Document
from dossier.nlp import extract_seconds
from dossier.store.base import Store

BATCH_SIZE = 32
"""Documents per unit of work and per write transaction."""
REPORT_NAMES = 1000
"""How many sources a report lists of each kind (the counts are always whole)."""


@dataclass
class IngestReport:
    """What one run did: whole counts, and the first sources of each kind."""

    stored: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    failures: list[InputError] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)  # failures by kind of reason
    repairs: dict[str, int] = field(default_factory=dict)  # summed over stored documents
    counts: dict[str, int] = field(default_factory=lambda: {
        "stored": 0, "duplicates": 0, "failed": 0})

    @property
    def ok(self) -> bool:
        """True when something was stored or everything was already there."""
        return bool(self.counts["stored"] or self.counts["duplicates"])

    def note(self, kind: str, item: str | InputError) -> None:
        self.counts["failed" if kind == "failures" else kind] += 1
        if isinstance(item, InputError):
            self.reasons[reason_kind(item.reason)] += 1
        listed = getattr(self, kind)
        if len(listed) < REPORT_NAMES:
            listed.append(item)


def reason_kind(reason: str) -> str:
    """A failure's reason without its particulars, to count failures by kind:
    "worker killed by signal 9 (SIGKILL) while extracting a.jsonl:3" →
    "worker killed by signal 9 (SIGKILL)"; "not valid JSON (Expecting …)" →
    "not valid JSON"."""
    kind = reason.split(" while extracting ", 1)[0]
    kind = re.split(r": | \((?!SIG)", kind, maxsplit=1)[0]
    return kind.strip() or reason


class _Progress:
    """Counts documents done and reports them with the total."""

    def __init__(self, total: int | None, callback: Callable[[int, int | None], None] | None):
        self.done, self.total, self.callback = 0, total, callback
        if callback:
            callback(0, total)

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.callback:
            if self.total is not None and self.done > self.total:
                self.total = self.done  # blank JSONL lines were counted
            self.callback(self.done, self.total)


def ingest(paths: Iterable[str], store: Store, engine=None, batch_size: int = BATCH_SIZE,
           on_progress: Callable[[int, int | None], None] | None = None,
           on_failure: Callable[[InputError], None] | None = None,
           allow_private: bool = False) -> IngestReport:
    """Ingest every article under ``paths`` (files, folders, ``-``, http(s) URLs)
    into ``store``.

    engine: where extraction runs (default: this process); see ``engine_for``.
    on_progress(done, total) is called after each document (total is None when
    it cannot be known, as for stdin); on_failure(error) for each document that
    could not be read, extracted or stored. allow_private: let URLs reach
    private addresses (see :mod:`dossier.ingest.fetch`).
    """
    paths = list(paths)
    return ingest_items(read_paths(paths, allow_private), store, engine=engine,
                        batch_size=batch_size, on_progress=on_progress, on_failure=on_failure,
                        total=count_documents(paths) if on_progress else None)


def ingest_items(items: Iterable[Document | InputError], store: Store, engine=None,
                 batch_size: int = BATCH_SIZE,
                 on_progress: Callable[[int, int | None], None] | None = None,
                 on_failure: Callable[[InputError], None] | None = None,
                 on_done: Callable[[Document, bool], None] | None = None,
                 total: int | None = None) -> IngestReport:
    """Ingest documents already read (errors among them are reported as failures).

    on_done(document, stored) is called once a document is in the store: after
    its batch committed (stored True), or when it was found stored already
    (False). total: how many items to expect, for on_progress. The rest as for
    :func:`ingest`.
    """
    report = IngestReport()
    progress = _Progress(total, on_progress)

    def fail(error: InputError) -> None:
        report.note("failures", error)
        store.add_failure(error.source, "ingest", error.reason)
        if on_failure:
            on_failure(error)
        progress.advance()

    def duplicate(document: Document) -> None:
        report.note("duplicates", document.source or document.id)
        if on_done:
            on_done(document, False)
        progress.advance()

    def new_batches() -> Iterator[list[Document]]:
        batch: list[Document] = []
        for item in items:
            if isinstance(item, InputError):
                fail(item)
                continue
            batch.append(item)
            if len(batch) == batch_size:
                yield from _unstored(batch, store, duplicate)
                batch = []
        yield from _unstored(batch, store, duplicate)

    engine = engine or InlineEngine(extract_seconds())
    for outcomes in engine.map(new_batches()):
        extracted = [o for o in outcomes if not isinstance(o, InputError)]
        for outcome in outcomes:
            if isinstance(outcome, InputError):
                fail(outcome)
        for (document, cleaned, _), added in _write(store, extracted, fail):
            if added:
                report.note("stored", document.source or document.id)
                for kind, count in cleaned.repairs.items():
                    report.repairs[kind] = report.repairs.get(kind, 0) + count
            else:
                report.note("duplicates", document.source or document.id)
            if on_done:
                on_done(document, added)
            progress.advance()
    return report


def _unstored(batch: list[Document], store: Store,
              duplicate: Callable[[Document], None]) -> Iterator[list[Document]]:
    """The documents of a batch that are neither stored nor repeated in it."""
    known = store.known_ids([d.id for d in batch])
    fresh: list[Document] = []
    for document in batch:
        if document.id in known:
            duplicate(document)
        else:
            known.add(document.id)
            fresh.append(document)
    if fresh:
        yield fresh


def _write(store: Store, extracted: list[Extracted],
           fail: Callable[[InputError], None]) -> list[tuple[Extracted, bool]]:
    """Write a batch in one transaction; if that fails, each document alone, so
    that only the document at fault is lost (and reported)."""
    if not extracted:
        return []
    try:
        return list(zip(extracted, store.add_many(extracted)))
    except StorageError:
        pass
    written = []
    for item in extracted:
        try:
            written.append((item, store.add(*item)))
        except StorageError as exc:
            document = item[0]
            fail(InputError(document.label, f"could not be stored: {exc}"))
    return written


def reprocess(store: Store, engine=None, batch_size: int = BATCH_SIZE,
              on_progress: Callable[[int, int | None], None] | None = None,
              on_failure: Callable[[InputError], None] | None = None) -> IngestReport:
    """Re-extract every stored document from its raw bytes with the current
    extractors, replacing its mentions and sources; nothing is re-ingested."""
    report = IngestReport()
    progress = _Progress(store.counts()["documents"] if on_progress else None, on_progress)

    def fail(error: InputError) -> None:
        report.note("failures", error)
        store.add_failure(error.source, "reprocess", error.reason)
        if on_failure:
            on_failure(error)
        progress.advance()

    def batches() -> Iterator[list[Document]]:
        batch: list[Document] = []
        for old in store.stored_documents():
            document = _read_again(old)
            if isinstance(document, InputError):
                fail(document)
                continue
            batch.append(document)
            if len(batch) == batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    engine = engine or InlineEngine(extract_seconds())
    for outcomes in engine.map(batches()):
        for outcome in outcomes:
            if isinstance(outcome, InputError):
                fail(outcome)
                continue
            store.replace(*outcome)
            report.note("stored", outcome[0].source or outcome[0].id)
            progress.advance()
    return report


def _read_again(old: Document) -> Document | InputError:
    """A stored document read again from its raw bytes; the stored metadata wins
    (it may have come from the ingest call, not the bytes)."""
    reader = {"html": html.read, "jsonl": jsonl.read}.get(old.kind, text.read)
    fresh = next(iter(reader(old.raw, old.label)), None)
    if isinstance(fresh, InputError) or fresh is None:
        return fresh or InputError(old.label, "cannot be read again")
    return replace(fresh, source=old.source, title=old.title or fresh.title,
                   published=old.published or fresh.published)


__all__ = ["ingest", "ingest_items", "reprocess", "IngestReport", "BATCH_SIZE", "Outcome"]
