"""Exceptions raised by Dossier.

    DossierError            base of everything Dossier raises on purpose
     ├── InputError         an article cannot be read (empty, binary, undecodable,
     │                      no article text, malformed JSONL line, too large)
     ├── VocabularyError    a data file under ``dossier/vocab`` is malformed
     ├── StorageError       the store cannot be opened, migrated or written
     └── ExportError        an export cannot be written

Each message says what was wrong, where (file, line, key) and, where it helps,
what to do about it.
"""


class DossierError(Exception):
    """Base class of Dossier's own errors."""


class InputError(DossierError):
    """An article could not be read. ``source`` names the file (and line)."""

    def __init__(self, source: str, reason: str):
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class VocabularyError(DossierError):
    """A vocabulary file is malformed; the message names the file and key."""


class StorageError(DossierError):
    """The store could not be opened, migrated or written."""


class ExportError(DossierError):
    """An export could not be written."""
