"""Run batches on workers that may die, and lose only the document that killed them.

A *worker* (a process, a Ray actor) is driven through a :class:`Slot`: the slot
sends it a batch and waits, and raises :class:`WorkerLost` when the worker died
(a signal, the OOM killer, a crash in C code) or stopped answering within its
deadline — after killing it; the slot starts a fresh worker on its next use.
:class:`Supervisor` runs batches over a few slots, one parent thread each, and
hands results back in submission order. When a worker is lost, the documents of
its batch that were not done are extracted again one at a time, so the culprit
is found: it is reported with the reason ("worker killed by signal 9 (SIGKILL)
while extracting FILE:LINE", "extraction exceeded 60 s") and the run goes on.
"""
from __future__ import annotations

import queue
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol

from dossier.batch.work import Outcome
from dossier.errors import DossierError, InputError
from dossier.model import Document


class WorkerLost(DossierError):
    """A worker died or overran its deadline (``timed_out``); ``done`` holds what
    it finished."""

    def __init__(self, reason: str, done: dict[int, Outcome] | None = None,
                 timed_out: bool = False):
        self.reason = reason
        self.done = done or {}
        self.timed_out = timed_out
        super().__init__(reason, self.done, timed_out)

    def __str__(self) -> str:
        return self.reason


class EngineClosed(DossierError):
    """The engine was closed (Ctrl-C, an error elsewhere) while a batch ran."""


class Slot(Protocol):
    """One worker, started on first use and again after it is lost."""

    def run(self, documents: list[Document]) -> list[Outcome]:
        """Outcomes of ``documents`` in order; WorkerLost if the worker was lost."""

    def close(self) -> None:
        """Stop the worker now; a later ``run`` raises EngineClosed."""


def exit_reason(exitcode: int | None) -> str:
    """A worker's end in words: "worker killed by signal 9 (SIGKILL)"."""
    if exitcode is not None and exitcode < 0:
        try:
            name = f" ({signal.Signals(-exitcode).name})"
        except ValueError:
            name = ""
        return f"worker killed by signal {-exitcode}{name}"
    return f"worker exited with status {exitcode}"


def run_isolating(slot: Slot, documents: list[Document]) -> list[Outcome]:
    """Run a batch; if its worker is lost, each unfinished document alone."""
    try:
        return slot.run(documents)
    except WorkerLost as lost:
        outcomes = dict(lost.done)
        if len(documents) == 1:
            return [_lost_document(documents[0], lost)]
    for index, document in enumerate(documents):
        if index not in outcomes:
            try:
                outcomes[index] = slot.run([document])[0]
            except WorkerLost as alone:
                outcomes[index] = _lost_document(document, alone)
    return [outcomes[i] for i in range(len(documents))]


def _lost_document(document: Document, lost: WorkerLost) -> InputError:
    source = document.label
    if lost.timed_out:
        return InputError(source, lost.reason)
    return InputError(source, f"{lost.reason} while extracting {source}")


class Supervisor:
    """Batches over slots, in parallel, results in submission order.

    At most ``in_flight`` batches are submitted ahead of the one being handed
    back, so memory does not grow with the corpus.
    """

    def __init__(self, slots: list[Slot], in_flight: int | None = None):
        self._slots = slots
        self.in_flight = in_flight or 2 * len(slots)
        self._idle: queue.SimpleQueue[Slot] = queue.SimpleQueue()
        for slot in slots:
            self._idle.put(slot)
        self._threads = ThreadPoolExecutor(len(slots), thread_name_prefix="dossier-slot")

    def _run(self, documents: list[Document]) -> list[Outcome]:
        slot = self._idle.get()
        try:
            return run_isolating(slot, documents)
        finally:
            self._idle.put(slot)

    def map(self, batches: Iterable[list[Document]]) -> Iterator[list[Outcome]]:
        pending: deque[Future] = deque()
        for batch in batches:
            pending.append(self._threads.submit(self._run, batch))
            if len(pending) >= self.in_flight:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        """Stop every worker now (batches in flight are abandoned, never half-written:
        writing is the caller's, batch by batch)."""
        for slot in self._slots:
            slot.close()
        self._threads.shutdown(wait=True, cancel_futures=True)
