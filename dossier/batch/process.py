"""One extraction worker process: the parent's slot, and the loop the child runs.

The child is spawned (no threads or locks inherited), loads the pipeline once
and answers batches over a pipe, sending each document's outcome as soon as it
is done, so the parent knows exactly which documents a lost worker had finished.

The child never outlives its parent, however the parent dies: on Linux the
kernel kills it when the parent goes (``PR_SET_PDEATHSIG``); everywhere, a
watcher thread exits when the parent's pid changes, and the loop exits when the
pipe closes. It ignores SIGINT, so Ctrl-C reaches only the parent, which stops
the workers itself.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from multiprocessing.connection import Connection, wait

from dossier.batch.supervise import EngineClosed, WorkerLost, exit_reason
from dossier.batch.work import Outcome, extract_stream, warm_up
from dossier.errors import DossierError, ExtractionTimeout, InputError
from dossier.model import Document

BATCHES_PER_WORKER = 500
"""Batches a worker process extracts before a fresh one takes over: spaCy's
vocabulary and the allocator's arenas grow slowly with every new word seen, and
a long run must not grow with them."""
START_SECONDS = 300
"""How long a new worker may take to load the pipeline."""
GRACE_SECONDS = 10
"""Added to the in-process time limit before the parent kills a silent worker
(the in-process limit cannot interrupt a hang inside C code)."""
_PR_SET_PDEATHSIG = 1


class ProcessSlot:
    """A worker process, started on first use, replaced when lost or worn."""

    def __init__(self, time_limit: float | None):
        self.time_limit = time_limit
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._batches = 0
        self._closed = False
        self._lock = threading.Lock()

    def _deadline(self) -> float | None:
        """Seconds of silence after which the worker is killed: a document may
        use its limit in the batch pass and again when retried alone."""
        return 2 * self.time_limit + GRACE_SECONDS if self.time_limit else None

    def run(self, documents: list[Document]) -> list[Outcome]:
        if self._process is None or self._batches >= BATCHES_PER_WORKER:
            try:
                self._start()
            except WorkerLost:  # killed while loading: once more, then it is no accident
                self._start(last_try=True)
        self._batches += 1
        conn, process = self._conn, self._process
        done: dict[int, Outcome] = {}
        try:
            conn.send(documents)
        except OSError:
            self._lose(done, "send")
        while True:
            ready = wait([conn, process.sentinel], timeout=self._deadline())
            if not ready:
                self._lose(done, "overrun")
            try:
                message = conn.recv() if conn in ready or conn.poll() else None
            except (EOFError, OSError):
                message = None
            if message is None:
                self._lose(done, "died")
            if message[0] == "done":
                return [done[i] for i in range(len(documents))]
            _, index, outcome = message
            done[index] = outcome

    def _lose(self, done: dict[int, Outcome], how: str) -> None:
        """Kill the worker (if alive), forget it, and raise why it was lost."""
        exitcode = self._stop()
        if self._closed:
            raise EngineClosed("the engine was closed")
        if how == "overrun":
            raise WorkerLost(str(ExtractionTimeout(self.time_limit)), done, timed_out=True)
        raise WorkerLost(exit_reason(exitcode), done)

    def _start(self, last_try: bool = False) -> None:
        with self._lock:
            if self._closed:
                raise EngineClosed("the engine was closed")
            self._stop()
            context = multiprocessing.get_context("spawn")
            parent_end, child_end = context.Pipe()
            process = context.Process(target=serve, args=(child_end, os.getpid(), self.time_limit),
                                      name="dossier-extract", daemon=True)
            process.start()
            child_end.close()
            self._process, self._conn, self._batches = process, parent_end, 0
        ready = wait([parent_end, process.sentinel], timeout=START_SECONDS)
        try:
            started = parent_end.recv() if parent_end in ready else None
        except (EOFError, OSError):
            started = None
        if started != "ready":
            exitcode = self._stop()
            if self._closed:
                raise EngineClosed("the engine was closed")
            why = exit_reason(exitcode) if ready else f"not ready after {START_SECONDS} s"
            if last_try:
                raise DossierError(f"an extraction worker did not start: {why}")
            raise WorkerLost(why)

    def _stop(self) -> int | None:
        """Kill the worker if it is alive, reap it; its exit code."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            conn.close()
        if process is None:
            return None
        if process.is_alive():
            process.kill()
        process.join(5)
        exitcode = process.exitcode
        if exitcode is not None:
            process.close()
        return exitcode

    def close(self) -> None:
        with self._lock:
            self._closed = True
            process = self._process
            if process is not None and process.is_alive():
                process.kill()  # the thread waiting on it sees EngineClosed


def serve(conn: Connection, parent_pid: int, time_limit: float | None) -> None:
    """The child: load once, then extract each batch sent until the pipe closes."""
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_up()
    conn.send("ready")
    while True:
        try:
            documents = conn.recv()
        except (EOFError, OSError):
            return
        for index, outcome in extract_stream(documents, time_limit):
            _send(conn, ("result", index, outcome))
        conn.send(("done",))


def _send(conn: Connection, message: tuple) -> None:
    """Send an outcome; one that cannot be pickled becomes an error in its place."""
    try:
        conn.send(message)
    except (TypeError, ValueError, AttributeError, RecursionError) as exc:
        _, index, outcome = message
        source = outcome.source if isinstance(outcome, InputError) else outcome[0].label
        conn.send(("result", index, InputError(source, f"result could not be sent back: {exc}")))


def _die_with_parent(parent_pid: int) -> None:
    """Make sure this process ends when its parent does, however that happens."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before the line above
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="dossier-parent-watch", daemon=True).start()
