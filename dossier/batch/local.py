"""Engines that run :func:`~dossier.batch.work.extract_batch` on this machine.

``InlineEngine`` works in the calling process; ``ProcessEngine`` in N worker
processes, each loading the model once. Both hand results back in submission
order and keep at most a few batches in flight, so memory does not grow with
the corpus and the store is written in the same order whatever the engine.
"""
from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from dossier.batch.work import Outcome, extract_batch, warm_up
from dossier.model import Document


class InlineEngine:
    """Extract in this process, one batch at a time."""

    def map(self, batches: Iterable[list[Document]]) -> Iterator[list[Outcome]]:
        for batch in batches:
            yield extract_batch(batch)

    def close(self) -> None:
        """Nothing to release."""


BATCHES_PER_WORKER = 500
"""Batches a worker process extracts before a fresh one takes over: spaCy's
vocabulary and the allocator's arenas grow slowly with every new word seen, and
a long run must not grow with them."""


class ProcessEngine:
    """Extract in ``workers`` processes (spawned: no threads or locks inherited)."""

    def __init__(self, workers: int, in_flight: int | None = None):
        self.in_flight = in_flight or 2 * workers
        self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=warm_up,
                                         max_tasks_per_child=BATCHES_PER_WORKER)

    def map(self, batches: Iterable[list[Document]]) -> Iterator[list[Outcome]]:
        pending: deque[Future] = deque()
        for batch in batches:
            pending.append(self._pool.submit(extract_batch, batch))
            if len(pending) >= self.in_flight:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)

