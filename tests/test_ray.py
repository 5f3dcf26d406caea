"""The Ray engine on a private local instance: the same records as the local
runner, on loopback only, and no session folder left behind."""
from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import pytest

os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # read when Ray is imported
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
ray = pytest.importorskip("ray", reason="Ray is not installed: pip install 'dossier[ray]'")
psutil = pytest.importorskip("psutil")

from dossier.batch import open_engine  # noqa: E402
from dossier.batch.ingest import ingest  # noqa: E402
from dossier.store import open_store  # noqa: E402
from snapshot import snapshot  # noqa: E402


def _loopback(ip: str) -> bool:
    address = ipaddress.ip_address(ip)
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def _listening() -> set[tuple[str, int]]:
    return {(c.laddr.ip, c.laddr.port) for c in psutil.net_connections(kind="inet")
            if c.status == psutil.CONN_LISTEN}


def test_ray_engine_stores_what_the_local_runner_stores(samples_dir, backend_url, tmp_path):
    local = open_store(f"sqlite:///{tmp_path / 'local.db'}")
    ingest([str(samples_dir)], local)
    expected = snapshot(local)
    local.close()

    before = _listening()
    engine = open_engine("ray", workers=2)
    temp_dir = Path(engine._temp_dir)
    try:
        opened = _listening() - before
        assert opened, "a Ray instance listens on some port"
        assert all(_loopback(ip) for ip, _ in opened), opened
        store = open_store(backend_url)
        report = ingest([str(samples_dir)], store, engine=engine, batch_size=3)
    finally:
        engine.close()
    assert not ray.is_initialized()
    assert not temp_dir.exists()
    assert report.counts == {"stored": 12, "duplicates": 0, "failed": 0}
    got = snapshot(store)
    store.close()
    assert got == expected
