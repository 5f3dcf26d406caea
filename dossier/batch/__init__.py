"""Batch runners: the same stages over many documents. Parallelism lives here,
never inside the stages.

An engine maps batches of documents to their outcomes (:mod:`.work`): in this
process, in worker processes (:mod:`.local`) or in Ray actors (:mod:`.cluster`).
:mod:`.ingest` drives any of them and writes the store.
"""
from __future__ import annotations

ENGINES = ("local", "ray")


def open_engine(kind: str = "local", workers: int = 1, address: str | None = None):
    """An engine: ``local`` (``workers`` extraction processes beside this one,
    which reads and writes meanwhile; 0 = all in this process) or ``ray``
    (``workers`` actors, on a private instance or the cluster at ``address``).
    Close it when done."""
    if kind == "ray":
        from dossier.batch.cluster import RayEngine
        return RayEngine(max(1, workers), address=address)
    if kind != "local":
        raise ValueError(f"unknown engine {kind!r}: choose one of {', '.join(ENGINES)}")
    from dossier.batch.local import InlineEngine, ProcessEngine
    return InlineEngine() if workers < 1 else ProcessEngine(workers)
