"""Failures injected where real ones happen: inside a worker, just before a
document is extracted (``DOSSIER_EXTRACT_HOOK=faults:before_extract``).

A document whose text holds one of these words fails that way; every other
document is left alone. The words are not in any real article.
"""
from __future__ import annotations

import ctypes
import os
import signal
import time

RAISE = "ZZFAULTRAISE"     # an exception of no Dossier type
KILL = "ZZFAULTKILL"       # the worker kills itself with SIGKILL (as the OOM killer would)
SEGV = "ZZFAULTSEGV"       # a crash inside C code
SLEEP = "ZZFAULTSLEEP"     # a document that never finishes (interruptible)
HANG = "ZZFAULTHANG"       # a hang that the in-process limit cannot interrupt
PAUSE = "ZZFAULTPAUSE"     # a slow document (3 s): something in flight to kill
STARTED_DIR = "DOSSIER_FAULT_DIR"
"""Where a paused document leaves a file named by its worker's pid."""


class Unpicklable(Exception):
    """An exception that cannot cross a process boundary as itself."""

    def __init__(self, handle):
        super().__init__("unpicklable")
        self.handle = handle


def before_extract(document) -> None:
    text = document.body or document.raw.decode("utf-8", "replace")
    if RAISE in text:
        raise Unpicklable(lambda: None)
    if KILL in text:
        os.kill(os.getpid(), signal.SIGKILL)
    if SEGV in text:
        ctypes.string_at(0)
    if SLEEP in text:
        time.sleep(600)
    if HANG in text:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(600)
    if PAUSE in text:
        folder = os.environ.get(STARTED_DIR)
        if folder:
            with open(os.path.join(folder, str(os.getpid())), "w", encoding="utf-8"):
                pass
        time.sleep(3)
