"""Frozen dataclasses that travel between the pipeline stages.

A :class:`Document` is what ingest produces; :class:`CleanText` what ``clean``
makes of it; a :class:`Record` is the extraction record of
``EXTRACTION_SCHEMA.md``. Every offset in a Record is a ``[start, end)`` index
into ``Record.text``.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from dossier import schema

ENTITY_TYPES = schema.load().entity_types


def document_id(raw: bytes) -> str:
    """The identity of a document: the sha256 of its raw bytes."""
    return hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True)
class Document:
    """One article as it arrived.

    raw: the bytes as read (a file, a JSONL line, stdin).
    source: path or URL it came from; ``line`` for JSONL sources.
    body: text already pulled out of a container (HTML main text, a JSONL
        ``text`` field); ``None`` means the text is ``raw`` itself.
    """

    raw: bytes
    source: str | None = None
    title: str | None = None
    published: str | None = None
    body: str | None = None
    kind: str = "text"
    meta: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        return document_id(self.raw)

    @property
    def label(self) -> str:
        """How the document is named in errors and in the failures table."""
        return self.source or self.id[:12]


@dataclass(frozen=True)
class CleanText:
    """Cleaned text plus a count of each kind of repair made to get there."""

    text: str
    encoding: str
    repairs: dict[str, int] = field(default_factory=dict)

    @property
    def repair_count(self) -> int:
        return sum(self.repairs.values())


@dataclass(frozen=True)
class Mention:
    """A typed span of the cleaned text, before mentions are grouped."""

    start: int
    end: int
    text: str
    type: str
    source: str  # "gazetteer", "model", "shape", "state_force"
    kb_id: str | None = None
    # The name this mention gives its entity where it differs from the surface
    # form: the gazetteer's spelling ("Soufan Group" for "Soufan. Group"), or the
    # name without a generic tail ("Seleka" for "Seleka rebels").
    spelling: str | None = None


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    mentions: tuple[tuple[int, int], ...]
    kb_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "type": self.type,
                "aliases": list(self.aliases), "mentions": [list(m) for m in self.mentions]}


@dataclass(frozen=True)
class Relation:
    """A relation between two entities of a record, with the sentence that states it.

    by: what produced it: ``rule:<name>`` or ``model:<first 12 hex of the model's sha256>``.
    """

    subject: str
    predicate: str
    object: str
    evidence: tuple[int, int]
    since: str | None = None
    confidence: float | None = None
    hedged: bool = False
    by: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"subject": self.subject, "predicate": self.predicate, "object": self.object,
                "since": self.since, "evidence": list(self.evidence),
                "confidence": self.confidence, "hedged": self.hedged, "by": self.by}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Relation":
        return cls(data["subject"], data["predicate"], data["object"], tuple(data["evidence"]),
                   data.get("since"), data.get("confidence"), bool(data.get("hedged", False)),
                   data.get("by", ""))


@dataclass(frozen=True)
class Quote:
    """Words in quotation marks and who said them (``speaker`` None: not known)."""

    speaker: str | None
    speaker_text: str | None
    text: str
    span: tuple[int, int]
    by: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"speaker": self.speaker, "speaker_text": self.speaker_text, "text": self.text,
                "span": list(self.span), "by": self.by}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Quote":
        return cls(data.get("speaker"), data.get("speaker_text"), data["text"],
                   tuple(data["span"]), data.get("by", ""))


@dataclass(frozen=True)
class Claim:
    """A strength claim: how many fighters or members a group has, per whom, as of when."""

    subject: str
    min: int | None
    max: int | None
    span: tuple[int, int]
    kind: str = "strength"
    qualifier: str | None = None
    as_of: str | None = None
    place: str | None = None
    attributed_to: str | None = None
    by: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "subject": self.subject, "min": self.min, "max": self.max,
                "qualifier": self.qualifier, "as_of": self.as_of, "place": self.place,
                "attributed_to": self.attributed_to, "span": list(self.span), "by": self.by}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Claim":
        return cls(data["subject"], data.get("min"), data.get("max"), tuple(data["span"]),
                   data.get("kind", "strength"), data.get("qualifier"), data.get("as_of"),
                   data.get("place"), data.get("attributed_to"), data.get("by", ""))


@dataclass(frozen=True)
class Event:
    """A dated happening the text states, with the entities that took part."""

    date: str
    precision: str
    actors: tuple[str, ...]
    description: str
    span: tuple[int, int]
    by: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date, "precision": self.precision, "actors": list(self.actors),
                "description": self.description, "span": list(self.span), "by": self.by}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Event":
        return cls(data["date"], data["precision"], tuple(data.get("actors", ())),
                   data.get("description", ""), tuple(data["span"]), data.get("by", ""))


@dataclass(frozen=True)
class Record:
    """The extraction record of one document (EXTRACTION_SCHEMA.md)."""

    document: dict[str, Any]
    text: str
    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...] = ()
    quotes: tuple[Quote, ...] = ()
    claims: tuple[Claim, ...] = ()
    events: tuple[Event, ...] = ()
    notes: tuple[str, ...] = ()
    # Sentence spans of ``text``: kept for the store (profiles quote the
    # sentence a mention is in), not part of the interchange JSON.
    sentences: tuple[tuple[int, int], ...] = ()
    # When the publication date is unknown: a bound read from the text (YYYY or
    # YYYY-MM-DD), for the store to show as estimated; not part of the JSON.
    estimated_published: str | None = None

    def sentence_of(self, start: int) -> tuple[int, int]:
        """The sentence span holding offset ``start`` (the whole text if unknown)."""
        for span in self.sentences:
            if span[0] <= start < span[1]:
                return span
        return (0, len(self.text))

    def entity(self, entity_id: str) -> Entity:
        return next(e for e in self.entities if e.id == entity_id)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "document": dict(self.document),
            "text": self.text,
            "entities": [e.to_dict() for e in self.entities],
            "relations": [r.to_dict() for r in self.relations],
            "quotes": [q.to_dict() for q in self.quotes],
            "claims": [c.to_dict() for c in self.claims],
            "events": [e.to_dict() for e in self.events],
        }
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Record":
        ents = tuple(
            Entity(id=e["id"], name=e["name"], type=e["type"], aliases=tuple(e["aliases"]),
                   mentions=tuple(tuple(m) for m in e["mentions"]), kb_id=e.get("kb_id"))
            for e in data["entities"])
        return cls(document=dict(data["document"]), text=data["text"], entities=ents,
                   relations=tuple(map(Relation.from_dict, data.get("relations", ()))),
                   quotes=tuple(map(Quote.from_dict, data.get("quotes", ()))),
                   claims=tuple(map(Claim.from_dict, data.get("claims", ()))),
                   events=tuple(map(Event.from_dict, data.get("events", ()))),
                   notes=tuple(data.get("notes", ())))


__all__ = ["ENTITY_TYPES", "Document", "CleanText", "Mention", "Entity", "Relation", "Quote",
           "Claim", "Event", "Record",
           "document_id", "asdict"]
