"""Undoing a user's correction, with the rebuild it needs: a merge or a split is
taken out of the entities by reprocessing every stored document (as ``dossier
undo`` always did); a statement marked wrong is shown again at once.

The corrections themselves are written by the store
(:meth:`~dossier.store.sql.SQLStore.merge`, ``split``, ``reject``) and listed by
:func:`dossier.query.corrections.corrections`.
"""
from __future__ import annotations

from dossier.store.base import Store

REBUILT_BY_REPROCESS = ("merge", "split")
"""Corrections whose undo needs the extractions rebuilt."""


def undo(store: Store, correction_id: int) -> dict | None:
    """Undo correction ``correction_id`` and rebuild what it changed; returns the
    correction as it was, with ``rebuilt`` (whether documents were reprocessed),
    or None when there is no correction ``correction_id`` in force."""
    from dossier.batch.ingest import reprocess

    undone = store.undo_correction(correction_id)
    if undone is None:
        return None
    rebuilt = undone["action"] in REBUILT_BY_REPROCESS
    if rebuilt:
        reprocess(store)
    return {**undone, "rebuilt": rebuilt}
