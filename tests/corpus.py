"""The synthetic-corpus generator of ``benchmarks/make_corpus.py``, for tests."""
from __future__ import annotations

import importlib.util
import sys
from functools import lru_cache
from pathlib import Path

GENERATOR = Path(__file__).resolve().parent.parent / "benchmarks" / "make_corpus.py"


@lru_cache(maxsize=1)
def generator():
    spec = importlib.util.spec_from_file_location("make_corpus", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def write_jsonl(path: Path, n: int, seed: int = 0) -> Path:
    """``n`` generated articles as one JSONL file at ``path``."""
    return generator().write_corpus(path, n, seed=seed)
