"""Extraction on Ray: :func:`~dossier.batch.work.extract_batch` in actors.

Each actor loads the pipeline once and extracts whole batches; the driver reads
the sources and writes the store (any backend; PostgreSQL for a team), so
resumability and the one-transaction-per-batch guarantee are the same as on one
machine. Results come back in submission order with a bounded number of
batches in flight, so the store is written in the same order as by the local
engines and memory stays flat. Actors are watched like worker processes
(:mod:`dossier.batch.supervise`): one that dies is replaced, one that overruns
its deadline is killed and replaced, and only the document at fault is lost.

Without an address a private Ray instance is started on this machine, bound to
127.0.0.1 only, without a dashboard, with its session folder in a temporary
directory removed on close. Its processes share the driver's fate, however the
driver ends (:mod:`dossier.batch.reaper`). With ``address``
("auto" or "ray://host:10001") an existing cluster is joined; every node needs
``pip install 'dossier[ray]'``.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading

from dossier.batch.reaper import Reaper
from dossier.batch.supervise import EngineClosed, Supervisor, WorkerLost
from dossier.batch.work import Outcome, extract_batch, warm_up
from dossier.errors import DossierError, ExtractionTimeout
from dossier.model import Document

LOCAL_OBJECT_STORE_BYTES = 200 * 1024 * 1024
"""Object store of a private local instance (batches are small)."""
GRACE_SECONDS = 30
"""Added to a batch's time budget before its actor is killed (scheduling, transfer)."""


class Extractor:
    """A Ray actor body: the pipeline, loaded once, applied to batches."""

    def __init__(self, time_limit: float | None) -> None:
        self.time_limit = time_limit
        warm_up()

    def extract(self, batch: list[Document]) -> list[Outcome]:
        return extract_batch(batch, self.time_limit)


class RaySlot:
    """One actor, created on first use and again after it is lost."""

    def __init__(self, ray, actor_class, time_limit: float | None):
        self._ray, self._actor_class, self.time_limit = ray, actor_class, time_limit
        self._actor = None
        self._closed = False
        self._lock = threading.Lock()

    def run(self, documents: list[Document]) -> list[Outcome]:
        with self._lock:
            if self._closed:
                raise EngineClosed("the engine was closed")
            if self._actor is None:
                self._actor = self._actor_class.remote(self.time_limit)
            actor = self._actor
        # Each document may use its limit in the batch pass and once more alone.
        budget = (2 * self.time_limit * len(documents) + GRACE_SECONDS) if self.time_limit \
            else None
        from ray.exceptions import GetTimeoutError, RayActorError
        try:
            return self._ray.get(actor.extract.remote(documents), timeout=budget)
        except GetTimeoutError:
            self._forget(actor, kill=True)
            raise WorkerLost(str(ExtractionTimeout(self.time_limit)), timed_out=True) from None
        except RayActorError as exc:
            self._forget(actor, kill=False)
            if self._closed:
                raise EngineClosed("the engine was closed") from None
            raise WorkerLost(f"worker lost: Ray actor died ({_first_line(exc)})") from None

    def _forget(self, actor, kill: bool) -> None:
        with self._lock:
            if self._actor is actor:
                self._actor = None
        if kill:
            self._ray.kill(actor)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            actor, self._actor = self._actor, None
        if actor is not None:
            self._ray.kill(actor)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


class RayEngine(Supervisor):
    """Extract in ``workers`` Ray actors (one CPU each)."""

    def __init__(self, workers: int, address: str | None = None, in_flight: int | None = None,
                 time_limit: float | None = None):
        self._temp_dir: str | None = None
        self._reaper: Reaper | None = None
        if address is None:
            # A private instance talks to no one: no usage reports, and (read by
            # Ray at import) the loopback address only.
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            if "ray" not in sys.modules:
                os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
        try:
            import ray
        except ImportError as exc:
            raise DossierError("the Ray engine needs Ray: pip install 'dossier[ray]'") from exc
        self._ray = ray
        self._started = not ray.is_initialized()
        if self._started:
            if address is None:
                self._temp_dir = tempfile.mkdtemp(prefix="dossier-ray-")
                self._reaper = Reaper(self._temp_dir)
                ray.init(num_cpus=workers, include_dashboard=False, _temp_dir=self._temp_dir,
                         object_store_memory=LOCAL_OBJECT_STORE_BYTES, log_to_driver=False,
                         _node_ip_address="127.0.0.1", configure_logging=False)
                self._reaper.instance_started()
            else:
                ray.init(address=address, log_to_driver=False, configure_logging=False)
        actor = ray.remote(num_cpus=1, max_restarts=0)(Extractor)
        super().__init__([RaySlot(ray, actor, time_limit) for _ in range(workers)], in_flight)

    def close(self) -> None:
        """Stop the actors, and the instance this engine started (a joined cluster stays)."""
        super().close()
        if self._started:
            self._ray.shutdown()
        if self._reaper:
            self._reaper.close()
        if self._temp_dir:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
