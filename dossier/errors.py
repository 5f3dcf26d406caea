"""Exceptions raised by Dossier.

    DossierError            base of everything Dossier raises on purpose
     ├── InputError         an article cannot be read (empty, binary, undecodable,
     │                      no article text, malformed JSONL line, too large)
     ├── VocabularyError    a data file under ``dossier/vocab`` is malformed
     ├── StorageError       the store cannot be opened, migrated or written
     ├── ExportError        an export cannot be written
     └── ExtractionTimeout  one document's extraction ran past its time limit

Each message says what was wrong, where (file, line, key) and, where it helps,
what to do about it. Every one survives pickling with its fields, so an error
raised in a worker process or a Ray actor reaches the parent intact.
"""


class DossierError(Exception):
    """Base class of Dossier's own errors."""


class InputError(DossierError):
    """An article could not be read. ``source`` names the file (and line)."""

    def __init__(self, source: str, reason: str):
        self.source = source
        self.reason = reason
        super().__init__(source, reason)  # args rebuild the error when unpickled

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


class VocabularyError(DossierError):
    """A vocabulary file is malformed; the message names the file and key."""


class StorageError(DossierError):
    """The store could not be opened, migrated or written."""


class ExportError(DossierError):
    """An export could not be written."""


class ExtractionTimeout(DossierError):
    """Extraction of one document ran past ``seconds`` (``pipeline.cfg`` [limits])."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(seconds)

    def __str__(self) -> str:
        return f"extraction exceeded {self.seconds:g} s"
