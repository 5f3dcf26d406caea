"""Annotated documents run through the pipeline once, for every learning step."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.tokens import Doc

from dossier import nlp as nlp_module
from dossier.assemble import entities_of, prepare, record, resolver
from dossier.extract.antecedents import Antecedents
from dossier.learn.corpus import Annotated
from dossier.model import CleanText, Entity, Record


@dataclass
class Parsed:
    """An annotated document with its parse, entities and record by the rules alone
    (no learned relations)."""

    item: Annotated
    cleaned: CleanText
    doc: Doc
    record: Record
    entities: list[Entity]
    antecedents: Antecedents


def parse_all(items: Iterable[Annotated], checked: bool = False) -> Iterator[Parsed]:
    """Each annotated document parsed and extracted by the current rules; with
    ``checked`` its entities pass the shipped type model, else they are the rules'."""
    items = list(items)
    cleaned = [prepare(item.document) for item in items]
    docs = nlp_module.load().pipe((c.text for c in cleaned), batch_size=16)
    for item, clean_text, doc in zip(items, cleaned, docs):
        yield _extracted(item, clean_text, doc, entities_of(doc, checked))


def with_entities(parsed: Parsed, entities: list[Entity]) -> Parsed:
    """The same document re-extracted by the rules over other entities (corrected
    by a type model)."""
    return _extracted(parsed.item, parsed.cleaned, parsed.doc, entities)


def _extracted(item: Annotated, cleaned: CleanText, doc: Doc, entities: list[Entity]) -> Parsed:
    rules_only = record(item.document, cleaned, doc, learned=False, entities=entities)
    return Parsed(item, cleaned, doc, rules_only, entities, resolver(doc, entities))
