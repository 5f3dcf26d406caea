"""Checks on the processes a run leaves behind."""
from __future__ import annotations

import time

import psutil


def descendants(pid: int) -> list[psutil.Process]:
    """Every process below ``pid`` now (none if it is gone)."""
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def assert_gone(processes: list[psutil.Process], seconds: float = 10) -> None:
    """Every process is gone (or a zombie waiting to be reaped) ``seconds`` later."""
    time.sleep(seconds)
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(f"{process.pid} {process.name()}")
        except psutil.NoSuchProcess:
            pass
    assert not alive, f"still running {seconds:g} s later: {alive}"
