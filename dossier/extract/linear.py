"""The learned layers' one model form: a multinomial logistic regression over hashed
sparse features (and, for relations, a dense block), stored as a compressed numpy
file in ``dossier/models``.

Inference needs numpy only and is deterministic; ``dossier train`` fits the
weights (scikit-learn). Each model says who made what it produces
(``model:<first 12 hex of the file's sha256>``), and that digest is part of the
extractor version (:mod:`dossier.provenance`).
"""
from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

HASH_BITS = 16
COLUMNS = 1 << HASH_BITS
"""Hashed sparse columns; a dense block, where a model has one, follows them."""

Row = tuple[list[str], np.ndarray]
"""One example: its sparse features and its dense vector (empty for sparse-only models)."""


def column(feature: str) -> int:
    """The column of a sparse feature: a stable hash, the same in every process."""
    return zlib.crc32(feature.encode("utf-8")) & (COLUMNS - 1)


def sparse_row(features: list[str]) -> Row:
    """A row with no dense block."""
    return features, np.zeros(0, dtype=np.float32)


@dataclass(frozen=True)
class LinearModel:
    """Weights of a multinomial logistic regression over hashed + dense features."""

    classes: tuple[str, ...]
    weights: np.ndarray  # classes × (COLUMNS + dense width)
    bias: np.ndarray  # classes
    dense_mean: np.ndarray
    dense_scale: np.ndarray
    threshold: float
    digest: str  # sha256 of the model file: part of the extractor version

    @property
    def name(self) -> str:
        """How what it produces says who made it."""
        return f"model:{self.digest[:12]}"

    def probabilities(self, rows: list[Row]) -> np.ndarray:
        """Class probabilities, one row per example."""
        if not rows:
            return np.zeros((0, len(self.classes)), dtype=np.float32)
        scores = np.empty((len(rows), len(self.classes)), dtype=np.float64)
        dense_weights = self.weights[:, COLUMNS:]
        for i, (features, vector) in enumerate(rows):
            columns = np.fromiter(sorted({column(f) for f in features}), dtype=np.int64)
            standard = (vector - self.dense_mean) / self.dense_scale
            scores[i] = self.weights[:, columns].sum(axis=1) + dense_weights @ standard + self.bias
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def save(self, path: Path) -> None:
        np.savez_compressed(path, classes=np.array(self.classes), weights=self.weights,
                            bias=self.bias, dense_mean=self.dense_mean,
                            dense_scale=self.dense_scale, threshold=np.array(self.threshold))


def read_model(path: Path) -> LinearModel:
    raw = Path(path).read_bytes()
    with np.load(path, allow_pickle=False) as data:
        return LinearModel(tuple(str(c) for c in data["classes"]),
                           data["weights"].astype(np.float32), data["bias"].astype(np.float64),
                           data["dense_mean"].astype(np.float32),
                           data["dense_scale"].astype(np.float32),
                           float(data["threshold"]), hashlib.sha256(raw).hexdigest())


@lru_cache(maxsize=None)
def packaged(name: str) -> LinearModel | None:
    """The model ``dossier/models/<name>`` shipped in the package, or None."""
    path = resources.files("dossier").joinpath("models", name)
    if not path.is_file():
        return None
    with resources.as_file(path) as real:
        return read_model(real)
