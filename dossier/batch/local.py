"""Engines that run extraction on this machine.

``InlineEngine`` works in the calling process (time limit by SIGALRM where it
runs in the main thread); ``ProcessEngine`` in N worker processes, each loading
the model once and watched by :class:`~dossier.batch.supervise.Supervisor`, so
that a worker that raises, dies or hangs costs only the document at fault. Both
hand results back in submission order and keep at most a few batches in flight,
so memory does not grow with the corpus and the store is written in the same
order whatever the engine.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from dossier.batch.process import ProcessSlot
from dossier.batch.supervise import Supervisor
from dossier.batch.work import Outcome, extract_batch
from dossier.model import Document


class InlineEngine:
    """Extract in this process, one batch at a time."""

    def __init__(self, time_limit: float | None = None):
        self.time_limit = time_limit

    def map(self, batches: Iterable[list[Document]]) -> Iterator[list[Outcome]]:
        for batch in batches:
            yield extract_batch(batch, self.time_limit)

    def close(self) -> None:
        """Nothing to release."""


class ProcessEngine(Supervisor):
    """Extract in ``workers`` spawned processes, each watched from this one."""

    def __init__(self, workers: int, time_limit: float | None = None,
                 in_flight: int | None = None):
        super().__init__([ProcessSlot(time_limit) for _ in range(workers)], in_flight)
