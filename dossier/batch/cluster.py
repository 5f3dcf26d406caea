"""Extraction on Ray: :func:`~dossier.batch.work.extract_batch` in actors.

Each actor loads the pipeline once and extracts whole batches; the driver reads
the sources and writes the store (any backend; PostgreSQL for a team), so
resumability and the one-transaction-per-batch guarantee are the same as on one
machine. Results come back in submission order with a bounded number of
batches in flight, so the store is written in the same order as by the local
engines and memory stays flat.

Without an address a private Ray instance is started on this machine, bound to
127.0.0.1 only, without a dashboard, with its session folder in a temporary
directory removed on close. With ``address`` ("auto" or "ray://host:10001") an
existing cluster is joined; every node needs ``pip install 'dossier[ray]'``.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator

from dossier.batch.work import Outcome, extract_batch, warm_up
from dossier.errors import DossierError
from dossier.model import Document

LOCAL_OBJECT_STORE_BYTES = 200 * 1024 * 1024
"""Object store of a private local instance (batches are small)."""


class Extractor:
    """A Ray actor body: the pipeline, loaded once, applied to batches."""

    def __init__(self) -> None:
        warm_up()

    def extract(self, batch: list[Document]) -> list[Outcome]:
        return extract_batch(batch)


class RayEngine:
    """Extract in ``workers`` Ray actors (one CPU each)."""

    def __init__(self, workers: int, address: str | None = None, in_flight: int | None = None):
        self.in_flight = in_flight or 2 * workers
        self._temp_dir: str | None = None
        if address is None:
            # A private instance talks to no one: no usage reports, and (read by
            # Ray at import) the loopback address only.
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            if "ray" not in sys.modules:
                os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
        try:
            import ray
            from ray.util import ActorPool
        except ImportError as exc:
            raise DossierError("the Ray engine needs Ray: pip install 'dossier[ray]'") from exc
        self._ray = ray
        self._started = not ray.is_initialized()
        if self._started:
            if address is None:
                self._temp_dir = tempfile.mkdtemp(prefix="dossier-ray-")
                ray.init(num_cpus=workers, include_dashboard=False, _temp_dir=self._temp_dir,
                         object_store_memory=LOCAL_OBJECT_STORE_BYTES, log_to_driver=False,
                         _node_ip_address="127.0.0.1", configure_logging=False)
            else:
                ray.init(address=address, log_to_driver=False, configure_logging=False)
        actor = ray.remote(num_cpus=1)(Extractor)
        self._pool = ActorPool([actor.remote() for _ in range(workers)])

    def map(self, batches: Iterable[list[Document]]) -> Iterator[list[Outcome]]:
        in_flight = 0
        for batch in batches:
            self._pool.submit(lambda actor, b: actor.extract.remote(b), batch)
            in_flight += 1
            if in_flight >= self.in_flight:
                yield self._pool.get_next()
                in_flight -= 1
        while self._pool.has_next():
            yield self._pool.get_next()

    def close(self) -> None:
        """Shut down the instance this engine started (a joined cluster stays)."""
        if self._started:
            self._ray.shutdown()
        if self._temp_dir:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
