"""The tables, as SQLAlchemy Core metadata. Versioned by :mod:`dossier.store.migrations`.

documents   one row per article: raw bytes, cleaned text, metadata, repairs
entities    cross-document entities: canonical name, type, gazetteer id
aliases     every surface form an entity was seen under, with a count
mentions    one row per mention: document, entity, offsets, its sentence
assertions  relations, claims, events, quotes: what is said, once
sources     who said an assertion: document, evidence span, report time,
            extractor version, hedged, confidence (agreement = many sources)
corrections a user's merges, splits and statements marked wrong, re-applied on every
            ingest and reprocess
failures    inputs that could not be read or processed, with the reason
event_actors   every actor of an event assertion (the events an entity took part in)
story_bands  LSH bands of each document's signature (near copies share one)
type_votes  how many documents read an entity as each type (its type is the vote)
name_acronyms  the acronyms an entity's name spells or is (resolution by acronym)
feed_items  feed items `dossier watch` has met, by GUID and by URL: the document
            each became, or how often reading it failed
stix_ids    the STIX id (a random UUIDv4) given to each exported entity, statement,
            document and to Dossier itself, so that every export reuses it
"""
from __future__ import annotations

from sqlalchemy import (JSON, Boolean, Column, DateTime, Float, ForeignKey, Index, Integer,
                        LargeBinary, MetaData, String, Table, Text, UniqueConstraint)

metadata = MetaData()

schema_migrations = Table(
    "schema_migrations", metadata,
    Column("name", String(100), primary_key=True),
    Column("applied_at", DateTime, nullable=False),
)

documents = Table(
    "documents", metadata,
    Column("id", String(64), primary_key=True),  # sha256 of raw bytes
    Column("source", Text),
    Column("title", Text),
    Column("published", String(10)),  # report time, YYYY-MM-DD, when known
    # When it is not: a bound estimated from the text (its latest year, a dateline's
    # day and month), YYYY or YYYY-MM-DD, always shown as estimated (migration 0007).
    Column("published_estimate", String(10)),
    # The story it tells: the id of the first stored document of which it is a near
    # copy (the same wire story republished), else its own id (migration 0009).
    Column("story_id", String(64)),
    Column("signature", LargeBinary),  # MinHash of its word 5-grams (dossier.stories)
    Column("kind", String(20), nullable=False),
    Column("raw", LargeBinary, nullable=False),
    Column("text", Text, nullable=False),
    Column("encoding", String(40)),
    Column("repairs", JSON, nullable=False),
    Column("extractor_version", String(60), nullable=False),
    Column("ingested_at", DateTime, nullable=False),  # system time
    Index("ix_documents_story", "story_id"),
)

entities = Table(
    "entities", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("type", String(20), nullable=False),
    Column("kb_id", String(120)),
    Column("created_at", DateTime, nullable=False),
    Column("merged_into", Integer),  # set by a user's merge (migration 0002)
    Index("ix_entities_kb_id", "kb_id"),
)

aliases = Table(
    "aliases", metadata,
    Column("entity_id", Integer, ForeignKey("entities.id"), primary_key=True),
    Column("alias", Text, primary_key=True),
    Column("alias_key", Text, nullable=False),
    Column("count", Integer, nullable=False, default=1),
    # Resolution keys (migration 0005): close spellings are sought within a block,
    # a lone surname among full names with that last word.
    Column("block", Text),
    Column("last_word", Text),
    Index("ix_aliases_key", "alias_key"),
    Index("ix_aliases_block", "block"),
    Index("ix_aliases_last_word", "last_word"),
)

mentions = Table(
    "mentions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", String(64), ForeignKey("documents.id"), nullable=False),
    Column("entity_id", Integer, ForeignKey("entities.id"), nullable=False),
    Column("local_id", String(20), nullable=False),  # the entity's id in the record
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("sentence_start", Integer, nullable=False),
    Column("sentence_end", Integer, nullable=False),
    # Covers a profile's reads (its documents, sentences, co-mentions) by entity.
    Index("ix_mentions_entity_document", "entity_id", "document_id", "sentence_start",
          "sentence_end"),
    Index("ix_mentions_document", "document_id"),
)

assertions = Table(
    "assertions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),  # relation, claim, event, quote
    Column("subject_id", Integer, ForeignKey("entities.id")),
    Column("predicate", String(40)),  # relation predicate or claim kind
    Column("object_id", Integer, ForeignKey("entities.id")),
    Column("valid_from", String(10)),  # valid time: since / as_of / event date
    Column("valid_to", String(10)),
    Column("value", JSON),  # the rest: claim numbers, event description, quote text
    Column("created_at", DateTime, nullable=False),
    # What makes two statements one (dossier.store.identity; migration 0010).
    Column("identity", String(64)),
    Index("ix_assertions_identity", "identity"),
    Index("ix_assertions_subject", "subject_id"),
    Index("ix_assertions_object", "object_id"),
)

sources = Table(
    "sources", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("assertion_id", Integer, ForeignKey("assertions.id"), nullable=False),
    Column("document_id", String(64), ForeignKey("documents.id"), nullable=False),
    Column("span_start", Integer, nullable=False),
    Column("span_end", Integer, nullable=False),
    Column("report_time", String(10)),
    # The document's publication date; else its estimate, flagged; else NULL
    # (undated). Never the ingest date (migration 0007).
    Column("report_time_estimated", Boolean, nullable=False, default=False),
    Column("extractor_version", String(60), nullable=False),
    Column("produced_by", String(80)),  # "rule:<name>" or "model:<sha256 prefix>"
    Column("hedged", Boolean, nullable=False, default=False),
    Column("confidence", Float),
    UniqueConstraint("assertion_id", "document_id", "span_start", "span_end"),
    Index("ix_sources_document", "document_id"),
)

event_actors = Table(
    "event_actors", metadata,
    Column("assertion_id", Integer, ForeignKey("assertions.id"), primary_key=True),
    Column("entity_id", Integer, ForeignKey("entities.id"), primary_key=True),
    Index("ix_event_actors_entity", "entity_id"),
)

story_bands = Table(
    "story_bands", metadata,  # migration 0009: LSH bands of document signatures
    Column("band", String(40), primary_key=True),
    Column("document_id", String(64), ForeignKey("documents.id"), primary_key=True),
)

type_votes = Table(
    "type_votes", metadata,  # migration 0008
    Column("entity_id", Integer, ForeignKey("entities.id"), primary_key=True),
    Column("type", String(20), primary_key=True),
    Column("votes", Integer, nullable=False),
)

name_acronyms = Table(
    "name_acronyms", metadata,
    Column("entity_id", Integer, ForeignKey("entities.id"), primary_key=True),
    Column("kind", String(10), primary_key=True),  # spells (a long name), is (an acronym)
    Column("acronym", String(40), primary_key=True),
    Index("ix_name_acronyms_lookup", "kind", "acronym"),
)

corrections = Table(
    "corrections", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("action", String(20), nullable=False),  # merge, split, reject
    # merged into / split off to / the rejected statement's subject (NULL: none)
    Column("entity_id", Integer),
    Column("other_id", Integer),  # merged from / split off from / the statement's object
    Column("alias_key", Text),  # split: the alias that now resolves to entity_id
    # reject (migration 0012): the statement marked wrong, by its identity (which
    # survives reprocess, unlike its id), and its id when it was marked, for display
    Column("identity", String(64)),
    Column("assertion_id", Integer),
    Column("note", Text),
    Column("undone", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_corrections_identity", "identity"),
)

failures = Table(
    "failures", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("stage", String(20), nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", DateTime, nullable=False),
)

feed_items = Table(
    "feed_items", metadata,  # migration 0011
    # sha256 of "guid", the feed and the GUID (a GUID is only unique in its feed),
    # or of "url" and the item's link (a link is one article whatever feed names it)
    Column("key", String(64), primary_key=True),
    Column("kind", String(4), nullable=False),  # guid, url
    Column("value", Text, nullable=False),  # the GUID or the URL
    Column("feed", Text, nullable=False),  # the feed it was first met in
    Column("document_id", String(64)),  # what it was stored as; NULL while reading fails
    Column("attempts", Integer, nullable=False, default=0),  # failed reads
    Column("first_seen", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
)

stix_ids = Table(
    "stix_ids", metadata,  # migration 0013
    # what the id stands for: "entity:<id>", "assertion:<identity>", "document:<id>",
    # "producer"; an assertion by its identity, which survives reprocessing
    Column("key", String(100), primary_key=True),
    Column("stix_id", String(100), nullable=False, unique=True),  # e.g. threat-actor--<uuid4>
    Column("created_at", DateTime, nullable=False),
)
