"""The unit of batch work, shared by every engine: documents in, records out.

``extract_batch`` runs wherever an engine puts it (this process, a worker
process, a Ray actor); it touches no store, so writing stays with the caller.
A document that cannot be cleaned or extracted comes back as an InputError in
its place; it never takes the rest of its batch down.
"""
from __future__ import annotations

from typing import Union

from dossier import nlp as nlp_module
from dossier.assemble import extract_many, prepare
from dossier.errors import InputError
from dossier.model import CleanText, Document, Record

Extracted = tuple[Document, CleanText, Record]
Outcome = Union[Extracted, InputError]


def warm_up() -> None:
    """Load the pipeline once per process (worker initialiser, actor constructor)."""
    nlp_module.load()


def extract_batch(documents: list[Document]) -> list[Outcome]:
    """The record of each document, in order, or the InputError that stopped it."""
    outcomes: list[Outcome | None] = [None] * len(documents)
    prepared: list[tuple[int, Document, CleanText]] = []
    for i, document in enumerate(documents):
        try:
            prepared.append((i, document, prepare(document)))
        except InputError as error:
            outcomes[i] = error
    try:
        extracted = list(extract_many([(d, c) for _, d, c in prepared]))
    except Exception:  # one document broke an extractor: find it, keep the others
        extracted = [_extract_alone(d, c) for _, d, c in prepared]
    for (i, _, _), outcome in zip(prepared, extracted):
        outcomes[i] = outcome
    return outcomes  # type: ignore[return-value]


def _extract_alone(document: Document, cleaned: CleanText) -> Outcome:
    try:
        return next(extract_many([(document, cleaned)]))
    except Exception as exc:  # reported with its source; the batch goes on
        return InputError(document.source or document.id[:12],
                          f"extraction failed: {type(exc).__name__}: {exc}")
