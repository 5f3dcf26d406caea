"""The Store protocol: what the rest of Dossier may ask of storage."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from dossier.model import CleanText, Document, Record


@dataclass(frozen=True)
class EntityRow:
    id: int
    name: str
    type: str
    kb_id: str | None


@dataclass(frozen=True)
class DocumentRow:
    id: str
    source: str | None
    title: str | None
    published: str | None
    ingested_at: datetime
    mentions: int = 0

    @property
    def date(self) -> str:
        """Report time: the published date, else the ingest date (marked ``*``)."""
        return self.published or f"{self.ingested_at.date().isoformat()}*"


class Store(Protocol):
    url: str

    def has_document(self, document_id: str) -> bool: ...
    def add(self, document: Document, cleaned: CleanText, record: Record) -> bool: ...
    def add_failure(self, source: str, stage: str, reason: str) -> None: ...
    def counts(self) -> dict[str, int]: ...
    def find_entities(self, name: str) -> list[EntityRow]: ...
    def alias_names(self) -> list[str]: ...
    def entity_aliases(self, entity_id: int) -> list[tuple[str, int]]: ...
    def entity_documents(self, entity_id: int) -> list[DocumentRow]: ...
    def co_mentioned(self, entity_id: int, limit: int = 10) -> list[tuple[EntityRow, int]]: ...
    def entity_sentences(self, entity_id: int, limit: int = 20) -> list[tuple[str, str]]: ...
    def entity_assertions(self, entity_id: int) -> list[dict]: ...
    def all_entities(self) -> list[tuple[EntityRow, list[str]]]: ...
    def assertion_rows(self, kind: str | None = None) -> list[dict]: ...
    def close(self) -> None: ...
