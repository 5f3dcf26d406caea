"""Ends every process of a private Ray instance when the process that started it ends.

Ray ties its head processes to the driver, and its workers die with the raylet,
but its agents (dashboard and runtime-env agents) outlive a driver killed by
SIGKILL. So before a private instance starts, the driver marks its environment
with a token (inherited by the processes Ray starts from it) and starts this
small reaper, which waits on a pipe from the driver and meanwhile notes every
process that carries the token and every process below one (the agents are
started by the raylet with an environment of their own). When the pipe closes
— the driver closed the engine, or died however it died — the reaper kills
every process it noted that is still the same process, and removes the
instance's temporary folder.
Linux only (it reads ``/proc``); elsewhere Ray's own clean-up is all there is.

Run as ``python -m dossier.batch.reaper TOKEN DRIVER_PID [FOLDER]``.
"""
from __future__ import annotations

import os
import secrets
import select
import shutil
import signal
import subprocess
import sys
from pathlib import Path

MARKER = "DOSSIER_RAY_INSTANCE"
"""Environment variable whose value marks the processes of one instance."""
NOTE_EVERY_SECONDS = 0.5
"""How often the reaper looks for new processes of the instance."""


class Reaper:
    """The driver's handle: mark the environment, start the reaper, end it."""

    def __init__(self, folder: str | None):
        self.token = secrets.token_hex(16)
        self._process: subprocess.Popen | None = None
        if not Path("/proc/self/environ").exists():
            return
        os.environ[MARKER] = self.token
        environment = {k: v for k, v in os.environ.items() if k != MARKER}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "dossier.batch.reaper", self.token, str(os.getpid()),
             folder or ""], stdin=subprocess.PIPE, env=environment, close_fds=True)

    def instance_started(self) -> None:
        """The instance's processes carry the token now; this one need not."""
        os.environ.pop(MARKER, None)

    def close(self) -> None:
        """Have the reaper sweep now (after a clean shutdown: whatever lingers)."""
        os.environ.pop(MARKER, None)
        if self._process is None:
            return
        try:
            self._process.stdin.close()
            self._process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self._process.kill()
        self._process = None


Process = tuple[int, int]
"""A process as (pid, start time in clock ticks): a pid alone may be reused."""


def _table() -> dict[int, tuple[int, int, bytes | None]]:
    """pid → (parent pid, start time, environment or None when unreadable)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_bytes()
            fields = stat[stat.rindex(b")") + 2:].split()
            parent, started = int(fields[1]), int(fields[19])
        except (OSError, ValueError, IndexError):
            continue
        try:
            environment = (entry / "environ").read_bytes()
        except OSError:
            environment = None
        table[int(entry.name)] = (parent, started, environment)
    return table


def instance_processes(token: str) -> set[Process]:
    """The processes carrying ``MARKER=token``, and every process below them."""
    needle = f"{MARKER}={token}".encode()
    table = _table()
    found = {pid for pid, (_, _, env) in table.items()
             if env is not None and needle in env.split(b"\0")}
    grew = True
    while grew:
        below = {pid for pid, (parent, _, _) in table.items() if parent in found} - found
        found |= below
        grew = bool(below)
    return {(pid, table[pid][1]) for pid in found}


def kill(processes: set[Process], spare: set[int]) -> int:
    """SIGKILL each noted process still running as itself; how many were killed."""
    table = _table()
    killed = 0
    for pid, started in processes:
        if pid in spare or pid not in table or table[pid][1] != started:
            continue
        try:
            os.kill(pid, signal.SIGKILL)
            killed += 1
        except OSError:
            pass
    return killed


def main(argv: list[str]) -> None:
    token, driver, folder = argv[0], int(argv[1]), (argv[2] if len(argv) > 2 else "")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    noted: set[Process] = set()
    while True:  # the pipe reads as closed when the driver closes it or dies
        readable, _, _ = select.select([sys.stdin.buffer], [], [], NOTE_EVERY_SECONDS)
        if readable and not os.read(sys.stdin.buffer.fileno(), 4096):
            break
        noted |= instance_processes(token)
    noted |= instance_processes(token)
    kill(noted, spare={os.getpid(), driver})
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
