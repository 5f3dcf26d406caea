"""The unit of batch work, shared by every engine: documents in, records out.

``extract_stream`` runs wherever an engine puts it (this process, a worker
process, a Ray actor); it touches no store, so writing stays with the caller.
A document that cannot be cleaned or extracted comes back as an InputError in
its place; it never takes the rest of its batch down:

* an exception inside an extractor costs that document only (the rest of the
  batch is extracted one document at a time);
* each document has a time limit (``pipeline.cfg`` [limits] ``extract_seconds``,
  enforced with SIGALRM where this runs in a main thread); one that runs past it
  becomes "extraction exceeded N s" and the others go on.

What the Python process itself cannot survive (a kill, a crash in C code, a
hang that never returns to Python) is handled one level up, by the engine that
watches the process (:mod:`dossier.batch.supervise`).
"""
from __future__ import annotations

import importlib
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Union

from dossier import nlp as nlp_module
from dossier.assemble import extract_many, prepare
from dossier.errors import ExtractionTimeout, InputError
from dossier.model import CleanText, Document, Record

Extracted = tuple[Document, CleanText, Record]
Outcome = Union[Extracted, InputError]

HOOK_VARIABLE = "DOSSIER_EXTRACT_HOOK"
"""``module:function`` called with each Document just before it is extracted,
inside its time limit. Empty by default; tests set it to make a document raise,
sleep or kill its worker, exactly where a real failure would happen."""


def warm_up() -> None:
    """Load the pipeline once per process (worker start, actor constructor)."""
    nlp_module.load()


def extract_batch(documents: list[Document], time_limit: float | None = None) -> list[Outcome]:
    """The record of each document, in order, or the InputError that stopped it."""
    outcomes: list[Outcome | None] = [None] * len(documents)
    for index, outcome in extract_stream(documents, time_limit):
        outcomes[index] = outcome
    return outcomes  # type: ignore[return-value]


def extract_stream(documents: list[Document], time_limit: float | None = None
                   ) -> Iterator[tuple[int, Outcome]]:
    """``(index, outcome)`` for each document as soon as it is done.

    The batch goes through ``nlp.pipe`` together; if an extractor raises or a
    document overruns its limit, the documents not yet done are extracted one
    at a time, so that only the one at fault is lost.
    """
    prepared: list[tuple[int, Document, CleanText]] = []
    for index, document in enumerate(documents):
        try:
            prepared.append((index, document, prepare(document)))
        except InputError as error:
            yield index, error
    hook = _hook()
    records = extract_many([(d, c) for _, d, c in prepared])
    done = 0
    for index, document, _ in prepared:
        try:
            with time_limited(time_limit):
                hook(document)
                outcome = next(records)
        except Exception:  # noqa: BLE001 — an extractor broke or ran too long: go one by one
            break
        done += 1
        yield index, outcome
    records.close()
    for index, document, cleaned in prepared[done:]:
        yield index, _extract_alone(document, cleaned, time_limit, hook)


def _extract_alone(document: Document, cleaned: CleanText, time_limit: float | None,
                   hook: Callable[[Document], None]) -> Outcome:
    try:
        with time_limited(time_limit):
            hook(document)
            return next(extract_many([(document, cleaned)]))
    except ExtractionTimeout as exc:
        return InputError(document.label, str(exc))
    except Exception as exc:  # noqa: BLE001 — reported with its source; the batch goes on
        return InputError(document.label,
                          f"extraction failed: {type(exc).__name__}: {exc}")


@contextmanager
def time_limited(seconds: float | None):
    """Raise ExtractionTimeout in this block after ``seconds`` (SIGALRM).

    A no-op where signals cannot be used (not the main thread, no SIGALRM, no
    limit): the engine watching the process still bounds the time from outside.
    """
    if not seconds or not hasattr(signal, "setitimer") \
            or threading.current_thread() is not threading.main_thread():
        yield
        return

    def overrun(signum, frame):
        raise ExtractionTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, overrun)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _no_hook(document: Document) -> None:
    """The default: nothing happens before a document is extracted."""


@lru_cache(maxsize=None)
def _load_hook(spec: str) -> Callable[[Document], None]:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def _hook() -> Callable[[Document], None]:
    spec = os.environ.get(HOOK_VARIABLE, "").strip()
    return _load_hook(spec) if spec else _no_hook
