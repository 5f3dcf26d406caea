"""Batch runners: the same stages over many documents. Parallelism lives here,
never inside the stages.

An engine maps batches of documents to their outcomes (:mod:`.work`): in this
process, in worker processes (:mod:`.local`) or in Ray actors (:mod:`.cluster`).
:mod:`.ingest` drives any of them and writes the store.
"""
from __future__ import annotations

ENGINES = ("local", "ray")


def open_engine(kind: str = "local", workers: int = 1, address: str | None = None,
                time_limit: float | None = None):
    """An engine: ``local`` (``workers`` extraction processes beside this one,
    which reads and writes meanwhile; 0 = all in this process) or ``ray``
    (``workers`` actors, on a private instance or the cluster at ``address``).

    ``time_limit``: seconds one document may take to extract (default
    ``pipeline.cfg`` [limits] ``extract_seconds``; 0 for none). Close the engine
    when done: its workers stop with it."""
    from dossier.nlp import extract_seconds
    limit = extract_seconds() if time_limit is None else (time_limit or None)
    if kind == "ray":
        from dossier.batch.cluster import RayEngine
        return RayEngine(max(1, workers), address=address, time_limit=limit)
    if kind != "local":
        raise ValueError(f"unknown engine {kind!r}: choose one of {', '.join(ENGINES)}")
    from dossier.batch.local import InlineEngine, ProcessEngine
    return InlineEngine(limit) if workers < 1 else ProcessEngine(workers, limit)
